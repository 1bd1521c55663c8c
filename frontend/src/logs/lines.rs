//! Turns the bytes of `GET /containers/{id}/logs` into lines.
//!
//! Without a TTY the engine multiplexes stdout and stderr into frames, which
//! [`berth_shared::engine::multiplexed`] splits. With a TTY the output is raw. Either way a line
//! may be split across chunks and frames, and UTF-8 across chunks, so bytes are kept per stream
//! until a line ends.

use berth_shared::engine::multiplexed;
use berth_shared::terminal::StreamTag;

/// Which output stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output (and everything a TTY container prints).
    Stdout,
    /// Standard error.
    Stderr,
}

/// One complete log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    /// Where it came from.
    pub stream: Stream,
    /// The engine's RFC 3339 timestamp, when asked for with `timestamps=1`.
    pub timestamp: Option<String>,
    /// The text, without the line break; may contain ANSI escapes.
    pub text: String,
}

/// An incremental demultiplexer of one logs response.
#[derive(Debug)]
pub struct Demuxer {
    tty: bool,
    timestamps: bool,
    /// The frame splitter (multiplexed mode only).
    frames: multiplexed::Demuxer,
    /// Bytes of the current, unfinished line of stdout and of stderr.
    partial: [Vec<u8>; 2],
}

impl Demuxer {
    /// A demuxer for a container with (`tty`) or without a TTY; `timestamps` when the request
    /// asked the engine to prefix each line with its time.
    pub fn new(tty: bool, timestamps: bool) -> Self {
        Self {
            tty,
            timestamps,
            frames: multiplexed::Demuxer::default(),
            partial: [Vec::new(), Vec::new()],
        }
    }

    /// Feeds one chunk of the body and appends every line it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<RawLine>) {
        if self.tty {
            self.payload(Stream::Stdout, chunk, out);
            return;
        }
        let mut frames = std::mem::take(&mut self.frames);
        frames.push(chunk, |tag, payload| {
            let stream = match tag {
                StreamTag::Stdout => Stream::Stdout,
                StreamTag::Stderr => Stream::Stderr,
            };
            self.payload(stream, payload, out);
        });
        self.frames = frames;
    }

    /// Ends the body: a last line without a line break is still a line.
    pub fn finish(&mut self, out: &mut Vec<RawLine>) {
        for stream in [Stream::Stdout, Stream::Stderr] {
            let bytes = std::mem::take(&mut self.partial[slot(stream)]);
            if !bytes.is_empty() {
                out.push(self.line(stream, &bytes));
            }
        }
    }

    fn payload(&mut self, stream: Stream, mut bytes: &[u8], out: &mut Vec<RawLine>) {
        while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            let mut line = std::mem::take(&mut self.partial[slot(stream)]);
            line.extend_from_slice(&bytes[..end]);
            out.push(self.line(stream, &line));
            bytes = &bytes[end + 1..];
        }
        self.partial[slot(stream)].extend_from_slice(bytes);
    }

    fn line(&self, stream: Stream, bytes: &[u8]) -> RawLine {
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = String::from_utf8_lossy(bytes);
        let (timestamp, text) = if self.timestamps {
            split_timestamp(&text)
        } else {
            (None, text.as_ref())
        };
        RawLine {
            stream,
            timestamp: timestamp.map(str::to_owned),
            text: text.to_owned(),
        }
    }
}

fn slot(stream: Stream) -> usize {
    match stream {
        Stream::Stdout => 0,
        Stream::Stderr => 1,
    }
}

/// Splits `2024-01-02T03:04:05.123456789Z rest` into its timestamp and the rest.
fn split_timestamp(text: &str) -> (Option<&str>, &str) {
    match text.split_once(' ') {
        Some((stamp, rest)) if looks_like_timestamp(stamp) => (Some(stamp), rest),
        None if looks_like_timestamp(text) => (Some(text), ""),
        _ => (None, text),
    }
}

fn looks_like_timestamp(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() >= 20
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[10] == b'T'
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_shared::engine::multiplexed::frame;

    fn texts(lines: &[RawLine]) -> Vec<(Stream, &str)> {
        lines.iter().map(|l| (l.stream, l.text.as_str())).collect()
    }

    #[test]
    fn frames_are_split_into_lines_by_stream() {
        let mut body = frame(1, b"one\ntw");
        body.extend(frame(2, b"oops\n"));
        body.extend(frame(1, b"o\r\n"));
        let mut demuxer = Demuxer::new(false, false);
        let mut out = Vec::new();
        demuxer.push(&body, &mut out);
        assert_eq!(
            texts(&out),
            [
                (Stream::Stdout, "one"),
                (Stream::Stderr, "oops"),
                (Stream::Stdout, "two")
            ]
        );
    }

    #[test]
    fn headers_and_characters_may_be_cut_anywhere() {
        let body = frame(2, "héllo\nworld".as_bytes());
        let mut demuxer = Demuxer::new(false, false);
        let mut out = Vec::new();
        for byte in &body {
            demuxer.push(std::slice::from_ref(byte), &mut out);
        }
        assert_eq!(texts(&out), [(Stream::Stderr, "héllo")]);
        demuxer.finish(&mut out);
        assert_eq!(out[1].text, "world");
    }

    #[test]
    fn tty_output_is_raw() {
        let mut demuxer = Demuxer::new(true, false);
        let mut out = Vec::new();
        demuxer.push(b"\x1b[31mred\x1b[0m\r\nplain\n", &mut out);
        assert_eq!(
            texts(&out),
            [
                (Stream::Stdout, "\x1b[31mred\x1b[0m"),
                (Stream::Stdout, "plain")
            ]
        );
    }

    #[test]
    fn timestamps_are_split_off() {
        let mut demuxer = Demuxer::new(true, true);
        let mut out = Vec::new();
        demuxer.push(
            b"2024-05-06T07:08:09.123456789Z hello world\nno stamp\n",
            &mut out,
        );
        assert_eq!(
            out[0].timestamp.as_deref(),
            Some("2024-05-06T07:08:09.123456789Z")
        );
        assert_eq!(out[0].text, "hello world");
        assert_eq!(out[1].timestamp, None);
        assert_eq!(out[1].text, "no stamp");
    }
}
