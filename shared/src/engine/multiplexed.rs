//! The engine's multiplexed stdout/stderr stream, which logs, attach and exec use when the
//! container has no TTY: frames, each an 8-byte header `[stream, 0, 0, 0, size (u32,
//! big-endian)]` followed by `size` bytes of payload.
//!
//! The one demultiplexer of Berth: the terminal bridge, the logs view and the tests all use it.
//! It is incremental and does not wait for a whole frame: a payload is passed on as it arrives,
//! so headers and payloads may be cut anywhere between reads.

use crate::terminal::StreamTag;

/// The length of a frame header.
pub const HEADER_LEN: usize = 8;

/// Splits a multiplexed stream into tagged payload chunks.
#[derive(Debug, Default, Clone)]
pub struct Demuxer {
    header: [u8; HEADER_LEN],
    header_len: usize,
    current: Option<(StreamTag, usize)>,
}

impl Demuxer {
    /// Feeds bytes read from the engine, calling `emit` with each payload chunk they hold, in
    /// order. A frame's payload may come in several chunks; empty frames emit nothing.
    pub fn push(&mut self, mut input: &[u8], mut emit: impl FnMut(StreamTag, &[u8])) {
        while !input.is_empty() {
            match self.current {
                Some((tag, remaining)) => {
                    let take = remaining.min(input.len());
                    emit(tag, &input[..take]);
                    input = &input[take..];
                    self.current = (remaining > take).then_some((tag, remaining - take));
                }
                None => {
                    let take = (HEADER_LEN - self.header_len).min(input.len());
                    self.header[self.header_len..self.header_len + take]
                        .copy_from_slice(&input[..take]);
                    self.header_len += take;
                    input = &input[take..];
                    if self.header_len == HEADER_LEN {
                        self.header_len = 0;
                        let [stream, _, _, _, a, b, c, d] = self.header;
                        let size = u32::from_be_bytes([a, b, c, d]) as usize;
                        self.current = (size > 0).then_some((tag_of(stream), size));
                    }
                }
            }
        }
    }

    /// Whether the stream so far ended on a frame boundary (nothing is owed of a header or a
    /// payload).
    pub fn at_boundary(&self) -> bool {
        self.header_len == 0 && self.current.is_none()
    }

    /// Demultiplexes a whole stream into its stdout and its stderr bytes.
    pub fn split(stream: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        Self::default().push(stream, |tag, bytes| match tag {
            StreamTag::Stdout => stdout.extend_from_slice(bytes),
            StreamTag::Stderr => stderr.extend_from_slice(bytes),
        });
        (stdout, stderr)
    }
}

/// One frame of `payload` on `stream` (1 stdout, 2 stderr), as the engine writes it: for tests
/// and fixtures that play the engine.
pub fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
    let size = u32::try_from(payload.len()).expect("a frame holds at most 4 GiB");
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(&[stream, 0, 0, 0]);
    bytes.extend_from_slice(&size.to_be_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

/// The stream a header's first byte names: 1 is stdout, 2 stderr, 3 the engine's own error
/// stream (shown as stderr); 0 (stdin) is never sent and counts as stdout.
fn tag_of(stream: u8) -> StreamTag {
    match stream {
        2 | 3 => StreamTag::Stderr,
        _ => StreamTag::Stdout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        [
            frame(1, b"hello"),
            frame(2, b"err"),
            frame(1, b""),
            frame(1, b"!"),
        ]
        .concat()
    }

    #[test]
    fn frames_cut_anywhere_give_the_same_streams() {
        let stream = sample();
        for cut in 0..=stream.len() {
            let mut demuxer = Demuxer::default();
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            for part in [&stream[..cut], &stream[cut..]] {
                demuxer.push(part, |tag, bytes| match tag {
                    StreamTag::Stdout => stdout.extend_from_slice(bytes),
                    StreamTag::Stderr => stderr.extend_from_slice(bytes),
                });
            }
            assert_eq!(stdout, b"hello!", "cut at {cut}");
            assert_eq!(stderr, b"err", "cut at {cut}");
            assert!(demuxer.at_boundary(), "cut at {cut}");
        }
    }

    #[test]
    fn byte_by_byte_feeding_keeps_the_order_of_chunks() {
        let mut chunks: Vec<(StreamTag, Vec<u8>)> = Vec::new();
        let mut demuxer = Demuxer::default();
        for byte in sample() {
            demuxer.push(&[byte], |tag, bytes| match chunks.last_mut() {
                Some((last, data)) if *last == tag => data.extend_from_slice(bytes),
                _ => chunks.push((tag, bytes.to_vec())),
            });
        }
        assert_eq!(
            chunks,
            [
                (StreamTag::Stdout, b"hello".to_vec()),
                (StreamTag::Stderr, b"err".to_vec()),
                (StreamTag::Stdout, b"!".to_vec()),
            ]
        );
    }

    #[test]
    fn the_engine_error_stream_counts_as_stderr() {
        assert_eq!(
            Demuxer::split(&frame(3, b"oops")),
            (Vec::new(), b"oops".to_vec())
        );
    }

    #[test]
    fn an_unfinished_frame_is_not_a_boundary() {
        let stream = frame(1, b"abc");
        let mut demuxer = Demuxer::default();
        let mut seen = Vec::new();
        demuxer.push(&stream[..4], |_, bytes| seen.extend_from_slice(bytes));
        assert!(!demuxer.at_boundary(), "half a header");
        demuxer.push(&stream[4..9], |_, bytes| seen.extend_from_slice(bytes));
        assert!(!demuxer.at_boundary(), "two payload bytes owed");
        assert_eq!(seen, b"a");
    }

    #[test]
    fn a_large_size_is_read_big_endian() {
        let payload = vec![b'x'; 70_000];
        let (stdout, stderr) = Demuxer::split(&frame(1, &payload));
        assert_eq!(stdout.len(), 70_000);
        assert!(stderr.is_empty());
    }
}
