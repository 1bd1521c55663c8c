//! Turning the engine's output into the terminal protocol's output frames: the engine's
//! multiplexed stream (8-byte headers, used when there is no TTY) is split into stdout and
//! stderr, and each stream is cut only at UTF-8 character boundaries.
//!
//! Pure: no IO, so every edge (headers split across reads, characters split across frames) is
//! unit-tested.

use berth_shared::terminal::StreamTag;
use bytes::{Bytes, BytesMut};

/// The engine's stream header: `[stream, 0, 0, 0, size (u32, big-endian)]`.
const HEADER_LEN: usize = 8;

/// Splits the engine's multiplexed stdout/stderr stream into tagged chunks, without waiting
/// for a whole frame: a frame's payload is passed on as it arrives.
#[derive(Debug, Default)]
pub struct Demuxer {
    header: Vec<u8>,
    current: Option<(StreamTag, usize)>,
}

impl Demuxer {
    /// Feeds bytes read from the engine; returns the payload chunks they complete, in order.
    pub fn push(&mut self, mut input: &[u8]) -> Vec<(StreamTag, Bytes)> {
        let mut out = Vec::new();
        while !input.is_empty() {
            match self.current {
                Some((tag, remaining)) => {
                    let take = remaining.min(input.len());
                    out.push((tag, Bytes::copy_from_slice(&input[..take])));
                    input = &input[take..];
                    self.current = (remaining > take).then_some((tag, remaining - take));
                }
                None => {
                    let need = HEADER_LEN - self.header.len();
                    let take = need.min(input.len());
                    self.header.extend_from_slice(&input[..take]);
                    input = &input[take..];
                    if self.header.len() == HEADER_LEN {
                        let size = u32::from_be_bytes([
                            self.header[4],
                            self.header[5],
                            self.header[6],
                            self.header[7],
                        ]) as usize;
                        // 0 is stdin (never sent), 3 is the engine's own error stream.
                        let tag = match self.header[0] {
                            2 | 3 => StreamTag::Stderr,
                            _ => StreamTag::Stdout,
                        };
                        self.header.clear();
                        self.current = (size > 0).then_some((tag, size));
                    }
                }
            }
        }
        out
    }
}

/// Holds back an incomplete UTF-8 character at the end of a chunk until the rest arrives, so
/// that no frame ends inside a character. Bytes that are not UTF-8 pass through unchanged.
#[derive(Debug, Default)]
pub struct Utf8Boundary {
    carry: BytesMut,
}

impl Utf8Boundary {
    /// The part of `carry + chunk` that ends on a character boundary; the rest is kept.
    pub fn push(&mut self, chunk: &[u8]) -> Bytes {
        self.carry.extend_from_slice(chunk);
        let keep = incomplete_tail(&self.carry);
        let ready = self.carry.len() - keep;
        self.carry.split_to(ready).freeze()
    }

    /// Whatever is still held back (at the end of the stream).
    pub fn finish(&mut self) -> Bytes {
        self.carry.split().freeze()
    }
}

/// How many bytes at the end of `bytes` start a UTF-8 character that is not complete yet.
fn incomplete_tail(bytes: &[u8]) -> usize {
    let len = bytes.len();
    // A character is at most 4 bytes: look for its lead byte among the last 3.
    for back in 1..=len.min(3) {
        let byte = bytes[len - back];
        if byte & 0b1100_0000 == 0b1000_0000 {
            continue; // a continuation byte: the lead is further back
        }
        let expected = match byte {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return 0, // ASCII or not UTF-8: nothing to hold back
        };
        return if back < expected { back } else { 0 };
    }
    0
}

/// The binary frame for a chunk of output: its stream tag, then the bytes.
pub fn output_frame(tag: StreamTag, data: &[u8]) -> Bytes {
    let mut frame = BytesMut::with_capacity(data.len() + 1);
    frame.extend_from_slice(&[tag as u8]);
    frame.extend_from_slice(data);
    frame.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(stream: u8, size: u32) -> Vec<u8> {
        let mut header = vec![stream, 0, 0, 0];
        header.extend_from_slice(&size.to_be_bytes());
        header
    }

    #[test]
    fn demuxes_frames_split_anywhere() {
        let mut stream = header(1, 5);
        stream.extend_from_slice(b"hello");
        stream.extend(header(2, 3));
        stream.extend_from_slice(b"err");
        stream.extend(header(1, 0));
        stream.extend(header(1, 1));
        stream.extend_from_slice(b"!");
        for split in 0..stream.len() {
            let mut demuxer = Demuxer::default();
            let mut chunks = demuxer.push(&stream[..split]);
            chunks.extend(demuxer.push(&stream[split..]));
            let mut stdout = Vec::new();
            let mut stderr = Vec::new();
            for (tag, bytes) in chunks {
                match tag {
                    StreamTag::Stdout => stdout.extend_from_slice(&bytes),
                    StreamTag::Stderr => stderr.extend_from_slice(&bytes),
                }
            }
            assert_eq!(stdout, b"hello!", "split at {split}");
            assert_eq!(stderr, b"err", "split at {split}");
        }
    }

    #[test]
    fn the_engine_error_stream_counts_as_stderr() {
        let mut stream = header(3, 4);
        stream.extend_from_slice(b"oops");
        let chunks = Demuxer::default().push(&stream);
        assert_eq!(
            chunks,
            vec![(StreamTag::Stderr, Bytes::from_static(b"oops"))]
        );
    }

    #[test]
    fn characters_are_never_split_across_frames() {
        let text = "añ€😀z".as_bytes();
        for split in 0..=text.len() {
            let mut boundary = Utf8Boundary::default();
            let first = boundary.push(&text[..split]);
            let second = boundary.push(&text[split..]);
            assert!(std::str::from_utf8(&first).is_ok(), "split at {split}");
            assert!(std::str::from_utf8(&second).is_ok(), "split at {split}");
            assert_eq!([first, second].concat(), text);
            assert!(boundary.finish().is_empty());
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_pass_through() {
        let mut boundary = Utf8Boundary::default();
        assert_eq!(&boundary.push(&[0xFF, 0xFE])[..], &[0xFF, 0xFE]);
        assert_eq!(&boundary.push(&[b'a', 0xE2, 0x82])[..], b"a");
        assert_eq!(&boundary.finish()[..], &[0xE2, 0x82]);
    }

    #[test]
    fn frames_start_with_their_tag() {
        assert_eq!(&output_frame(StreamTag::Stderr, b"x")[..], &[2, b'x']);
    }
}
