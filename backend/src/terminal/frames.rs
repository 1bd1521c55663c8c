//! Turning the engine's output into the terminal protocol's output frames: each stream (split
//! by [`berth_shared::engine::multiplexed`] when there is no TTY) is cut only at UTF-8
//! character boundaries, and each chunk is tagged with its stream.
//!
//! Pure: no IO, so every edge (characters split across frames) is unit-tested.

use berth_shared::terminal::StreamTag;
use bytes::{Bytes, BytesMut};

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
