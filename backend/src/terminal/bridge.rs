//! The bridge between a browser's WebSocket and an engine's raw exec/attach connection:
//! binary frames in become stdin, output becomes tagged binary frames (demultiplexed without a
//! TTY, cut at UTF-8 boundaries), and resize messages reach the engine.
//!
//! Generic over the socket's halves and the engine's stream, so unit tests drive it with
//! channels and in-memory pipes.

use std::future::Future;

use axum::extract::ws::Message;
use berth_shared::engine::multiplexed::Demuxer;
use berth_shared::terminal::{ClientMessage, StreamTag};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::frames::{Utf8Boundary, output_frame};

/// How much is read from the engine at once.
const READ_BUFFER: usize = 32 * 1024;

/// How many bytes of the first output are kept to recognise the engine's start-up errors.
const HEAD_KEPT: usize = 1024;

/// Why the bridge stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeEnd {
    /// The engine closed the stream: the process ended (or the attach detached).
    EngineClosed {
        /// The start of the output, to recognise "executable file not found".
        head: Vec<u8>,
    },
    /// The browser went away or closed the socket.
    BrowserClosed,
}

/// Splits the engine's output into per-stream, character-aligned frames.
#[derive(Debug, Default)]
struct Output {
    demuxer: Option<Demuxer>,
    stdout: Utf8Boundary,
    stderr: Utf8Boundary,
    head: Vec<u8>,
}

impl Output {
    fn new(tty: bool) -> Self {
        Self {
            demuxer: (!tty).then(Demuxer::default),
            ..Self::default()
        }
    }

    fn frames(&mut self, input: &[u8]) -> Vec<Message> {
        let mut frames = Vec::new();
        match self.demuxer.take() {
            Some(mut demuxer) => {
                demuxer.push(input, |tag, chunk| frames.extend(self.frame(tag, chunk)));
                self.demuxer = Some(demuxer);
            }
            None => frames.extend(self.frame(StreamTag::Stdout, input)),
        }
        frames
    }

    /// The frame for one chunk of one stream, once it ends on a character boundary.
    fn frame(&mut self, tag: StreamTag, chunk: &[u8]) -> Option<Message> {
        if self.head.len() < HEAD_KEPT {
            let take = (HEAD_KEPT - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        let ready = self.boundary(tag).push(chunk);
        (!ready.is_empty()).then(|| Message::Binary(output_frame(tag, &ready)))
    }

    fn finish(&mut self) -> Vec<Message> {
        [StreamTag::Stdout, StreamTag::Stderr]
            .into_iter()
            .filter_map(|tag| {
                let rest = self.boundary(tag).finish();
                (!rest.is_empty()).then(|| Message::Binary(output_frame(tag, &rest)))
            })
            .collect()
    }

    fn boundary(&mut self, tag: StreamTag) -> &mut Utf8Boundary {
        match tag {
            StreamTag::Stdout => &mut self.stdout,
            StreamTag::Stderr => &mut self.stderr,
        }
    }
}

/// Runs the bridge until either side ends. `resize` is called for each resize message; its
/// failures are logged, not fatal (a process may end between the message and the call).
pub async fn bridge<Out, In, E, Engine, Resize, Fut>(
    outgoing: &mut Out,
    incoming: &mut In,
    engine: Engine,
    tty: bool,
    mut resize: Resize,
) -> BridgeEnd
where
    Out: Sink<Message> + Unpin,
    In: Stream<Item = Result<Message, E>> + Unpin,
    Engine: AsyncRead + AsyncWrite,
    Resize: FnMut(u16, u16) -> Fut,
    Fut: Future<Output = Result<(), super::calls::TerminalFailure>>,
{
    let (mut reader, mut writer) = tokio::io::split(engine);
    let mut output = Output::new(tty);
    let mut buffer = vec![0u8; READ_BUFFER];
    loop {
        tokio::select! {
            read = reader.read(&mut buffer) => {
                let count = match read {
                    Ok(0) | Err(_) => break,
                    Ok(count) => count,
                };
                for frame in output.frames(&buffer[..count]) {
                    if outgoing.send(frame).await.is_err() {
                        return BridgeEnd::BrowserClosed;
                    }
                }
            }
            message = incoming.next() => {
                match message {
                    Some(Ok(Message::Binary(data))) => {
                        // A write error means the process is gone: the read side ends next.
                        if writer.write_all(&data).await.is_ok() {
                            let _ = writer.flush().await;
                        }
                    }
                    Some(Ok(Message::Text(text))) => {
                        if let Ok(ClientMessage::Resize { cols, rows }) =
                            serde_json::from_str::<ClientMessage>(&text)
                            && let Err(error) = resize(cols, rows).await
                        {
                            tracing::debug!(%error, "terminal resize failed");
                        }
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return BridgeEnd::BrowserClosed,
                }
            }
        }
    }
    for frame in output.finish() {
        if outgoing.send(frame).await.is_err() {
            return BridgeEnd::BrowserClosed;
        }
    }
    BridgeEnd::EngineClosed { head: output.head }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_channel::mpsc;
    use std::sync::{Arc, Mutex};

    fn text(message: &ClientMessage) -> Message {
        Message::Text(serde_json::to_string(message).unwrap().into())
    }

    #[tokio::test]
    async fn carries_stdin_output_and_resizes_both_ways() {
        let (mut to_browser, mut browser_reads) = mpsc::unbounded::<Message>();
        let (browser_writes, mut from_browser) = mpsc::unbounded::<Result<Message, ()>>();
        let (engine_side, mut process) = tokio::io::duplex(1024);
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let recorded = sizes.clone();
        let task = tokio::spawn(async move {
            bridge(
                &mut to_browser,
                &mut from_browser,
                engine_side,
                true,
                move |cols, rows| {
                    recorded.lock().unwrap().push((cols, rows));
                    async { Ok(()) }
                },
            )
            .await
        });
        browser_writes
            .unbounded_send(Ok(Message::Binary("ls\n".into())))
            .unwrap();
        browser_writes
            .unbounded_send(Ok(text(&ClientMessage::Resize {
                cols: 100,
                rows: 30,
            })))
            .unwrap();
        let mut stdin = [0u8; 3];
        process.read_exact(&mut stdin).await.unwrap();
        assert_eq!(&stdin, b"ls\n");
        // "é" split across two writes arrives whole in one frame.
        process.write_all(&[b'a', 0xC3]).await.unwrap();
        let first = browser_reads.next().await.unwrap();
        assert_eq!(first, Message::Binary(vec![1, b'a'].into()));
        process.write_all(&[0xA9]).await.unwrap();
        let second = browser_reads.next().await.unwrap();
        assert_eq!(second, Message::Binary(vec![1, 0xC3, 0xA9].into()));
        drop(process);
        assert_eq!(
            task.await.unwrap(),
            BridgeEnd::EngineClosed {
                head: vec![b'a', 0xC3, 0xA9]
            }
        );
        assert_eq!(*sizes.lock().unwrap(), vec![(100, 30)]);
    }

    #[tokio::test]
    async fn demultiplexes_without_a_tty_and_stops_when_the_browser_leaves() {
        let (mut to_browser, mut browser_reads) = mpsc::unbounded::<Message>();
        let (browser_writes, mut from_browser) = mpsc::unbounded::<Result<Message, ()>>();
        let (engine_side, mut process) = tokio::io::duplex(1024);
        let task = tokio::spawn(async move {
            bridge(
                &mut to_browser,
                &mut from_browser,
                engine_side,
                false,
                |_, _| async { Ok(()) },
            )
            .await
        });
        process
            .write_all(&[2, 0, 0, 0, 0, 0, 0, 3, b'e', b'r', b'r'])
            .await
            .unwrap();
        assert_eq!(
            browser_reads.next().await.unwrap(),
            Message::Binary(vec![2, b'e', b'r', b'r'].into())
        );
        drop(browser_writes);
        assert_eq!(task.await.unwrap(), BridgeEnd::BrowserClosed);
        // The engine connection was dropped with the bridge.
        let mut rest = Vec::new();
        process.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty());
    }
}
