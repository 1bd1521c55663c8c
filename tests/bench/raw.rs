//! A client that reads an answer as `curl --raw` does: one request on its own connection,
//! 256 KiB reads, and the chunked body counted in place rather than handed over one chunk at a
//! time. An engine writes a log line per chunk; a client that pays per chunk (as hyper's
//! `Incoming` does, frame by frame) becomes the bottleneck on 100-byte lines and would make
//! the engine direct look slower than a proxy that merges chunks. This one measures the path.

use std::path::Path;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UnixStream};

/// How much one read asks for.
const READ: usize = 256 * 1024;

/// Where a raw request goes.
#[derive(Debug, Clone)]
pub enum Address {
    Unix(std::path::PathBuf),
    Tcp(u16),
}

trait Connection: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Connection for T {}

/// An answer whose head has arrived; its body is still on the wire.
pub struct Answer {
    connection: Box<dyn Connection>,
    body: Body,
    /// Body bytes read together with the head.
    early: u64,
}

/// Sends `GET path` (with `Connection: close`) and waits for the answer's head, which must be
/// a success.
pub async fn get(address: &Address, path: &str, authorization: Option<&str>) -> Answer {
    let mut connection: Box<dyn Connection> = match address {
        Address::Unix(socket) => Box::new(unix(socket).await),
        Address::Tcp(port) => Box::new(
            TcpStream::connect(("127.0.0.1", *port))
                .await
                .expect("connect to the proxy"),
        ),
    };
    let authorization = authorization
        .map(|value| format!("Authorization: {value}\r\n"))
        .unwrap_or_default();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: docker\r\n{authorization}Connection: close\r\n\r\n");
    connection
        .write_all(request.as_bytes())
        .await
        .expect("send the request");
    let mut head = Vec::new();
    let mut buffer = vec![0; READ];
    let end = loop {
        let read = connection.read(&mut buffer).await.expect("read the head");
        assert!(
            read > 0,
            "GET {path}: the connection closed before an answer"
        );
        head.extend_from_slice(&buffer[..read]);
        if let Some(end) = head.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let status = text.split_whitespace().nth(1).unwrap_or_default();
    assert!(status.starts_with('2'), "GET {path}: {status}");
    let mut body = if text.contains("\r\ntransfer-encoding: chunked") {
        Body::Chunked(Chunked::default())
    } else {
        Body::Plain
    };
    let early = body.count(&head[end..]);
    Answer {
        connection,
        body,
        early,
    }
}

async fn unix(socket: &Path) -> UnixStream {
    UnixStream::connect(socket)
        .await
        .expect("connect to the engine")
}

impl Answer {
    /// Reads the body to the end of the connection and returns its length, chunk framing
    /// left out.
    pub async fn count(mut self) -> u64 {
        let mut buffer = vec![0; READ];
        let mut total = self.early;
        loop {
            let read = self
                .connection
                .read(&mut buffer)
                .await
                .expect("read the body");
            if read == 0 {
                return total;
            }
            total += self.body.count(&buffer[..read]);
        }
    }
}

/// How the body is framed.
enum Body {
    /// Everything up to the connection's end.
    Plain,
    Chunked(Chunked),
}

impl Body {
    fn count(&mut self, bytes: &[u8]) -> u64 {
        match self {
            Self::Plain => bytes.len() as u64,
            Self::Chunked(chunked) => chunked.count(bytes),
        }
    }
}

/// Where a chunked body's reader stands.
#[derive(Default)]
struct Chunked {
    state: State,
    size: u64,
}

#[derive(Default, Clone, Copy)]
enum State {
    /// In a chunk's hexadecimal size.
    #[default]
    Size,
    /// Past the size, before the line's end (extensions, `\r`).
    SizeLine,
    /// In a chunk's data, with this much left.
    Data(u64),
    /// After the data, before its line end.
    DataEnd,
    /// After the last chunk: trailers, not counted.
    Done,
}

impl Chunked {
    /// Counts the data bytes in `bytes`.
    fn count(&mut self, mut bytes: &[u8]) -> u64 {
        let mut counted = 0;
        while let Some((&byte, rest)) = bytes.split_first() {
            match self.state {
                State::Size => {
                    match (byte as char).to_digit(16) {
                        Some(digit) => self.size = self.size * 16 + u64::from(digit),
                        None if byte == b'\n' => self.start_data(),
                        None => self.state = State::SizeLine,
                    }
                    bytes = rest;
                }
                State::SizeLine => {
                    if byte == b'\n' {
                        self.start_data();
                    }
                    bytes = rest;
                }
                State::Data(left) => {
                    let taken = left.min(bytes.len() as u64);
                    counted += taken;
                    bytes = &bytes[taken as usize..];
                    self.state = if taken == left {
                        State::DataEnd
                    } else {
                        State::Data(left - taken)
                    };
                }
                State::DataEnd => {
                    if byte == b'\n' {
                        self.state = State::Size;
                    }
                    bytes = rest;
                }
                State::Done => return counted,
            }
        }
        counted
    }

    fn start_data(&mut self) {
        self.state = if self.size == 0 {
            State::Done
        } else {
            State::Data(self.size)
        };
        self.size = 0;
    }
}
