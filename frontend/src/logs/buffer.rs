//! The bounded store of log lines behind the viewer: a ring buffer that forgets its oldest
//! lines past a cap, so memory stays bounded however long a log is followed. Lines are numbered
//! with a sequence that never reuses a number, so a filter's list of matches stays valid while
//! old lines drop off.

use std::collections::VecDeque;

use super::ansi;
use super::lines::{RawLine, Stream};

/// How many lines the viewer keeps by default.
pub const DEFAULT_CAP: usize = 200_000;

/// One stored line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// stdout or stderr.
    pub stream: Stream,
    /// The engine's timestamp, when asked for.
    pub timestamp: Option<Box<str>>,
    /// The text as printed, escapes included.
    pub text: Box<str>,
    /// The text without escapes, kept only when it differs from `text`.
    stripped: Option<Box<str>>,
}

impl Line {
    /// A stored line from a parsed one.
    pub fn new(raw: RawLine) -> Self {
        let stripped = raw
            .text
            .contains('\x1b')
            .then(|| ansi::strip(&raw.text).into_boxed_str());
        Self {
            stream: raw.stream,
            timestamp: raw.timestamp.map(String::into_boxed_str),
            text: raw.text.into_boxed_str(),
            stripped,
        }
    }

    /// The text without escapes: what is searched and downloaded.
    pub fn plain(&self) -> &str {
        self.stripped.as_deref().unwrap_or(&self.text)
    }
}

/// The lines of one log view.
#[derive(Debug)]
pub struct LogBuffer {
    lines: VecDeque<Line>,
    first: u64,
    /// How many lines the cap pushed out since the last clear.
    evicted: u64,
    cap: usize,
}

impl LogBuffer {
    /// An empty buffer keeping at most `cap` lines.
    pub fn new(cap: usize) -> Self {
        Self {
            lines: VecDeque::new(),
            first: 0,
            evicted: 0,
            cap: cap.max(1),
        }
    }

    /// Appends lines, forgetting the oldest beyond the cap.
    pub fn extend(&mut self, lines: impl IntoIterator<Item = RawLine>) {
        for raw in lines {
            if self.lines.len() == self.cap {
                self.lines.pop_front();
                self.first += 1;
                self.evicted += 1;
            }
            self.lines.push_back(Line::new(raw));
        }
    }

    /// Forgets every line (numbers keep counting up), as a new range starts: nothing of it
    /// was dropped yet.
    pub fn clear(&mut self) {
        self.first += self.lines.len() as u64;
        self.lines.clear();
        self.evicted = 0;
    }

    /// How many lines are stored.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is stored.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// How many lines were forgotten because of the cap since the last clear (the lines of an
    /// earlier range are not counted: they were replaced, not dropped).
    pub fn dropped(&self) -> u64 {
        self.evicted
    }

    /// The sequence number of the oldest stored line.
    pub fn first_seq(&self) -> u64 {
        self.first
    }

    /// The sequence number the next line will get.
    pub fn end_seq(&self) -> u64 {
        self.first + self.lines.len() as u64
    }

    /// The line numbered `seq`, if still stored.
    pub fn get(&self, seq: u64) -> Option<&Line> {
        let index = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        self.lines.get(index)
    }

    /// The sequence numbers from `from` on whose line `keep` accepts.
    pub fn matching(&self, from: u64, mut keep: impl FnMut(&Line) -> bool) -> Vec<u64> {
        let from = from.max(self.first);
        (from..self.end_seq())
            .filter(|&seq| self.get(seq).is_some_and(&mut keep))
            .collect()
    }
}

/// The lines a viewer shows: all of them, or the matches of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every stored line.
    All,
    /// Only these sequence numbers, oldest first.
    Only(Vec<u64>),
}

impl Selection {
    /// How many rows this shows of `buffer`.
    pub fn len(&self, buffer: &LogBuffer) -> usize {
        match self {
            Selection::All => buffer.len(),
            Selection::Only(seqs) => seqs.len(),
        }
    }

    /// The sequence number of row `row`.
    pub fn seq(&self, buffer: &LogBuffer, row: usize) -> Option<u64> {
        match self {
            Selection::All => (row < buffer.len()).then(|| buffer.first_seq() + row as u64),
            Selection::Only(seqs) => seqs.get(row).copied(),
        }
    }

    /// Forgets matches whose lines the buffer has dropped.
    pub fn prune(&mut self, buffer: &LogBuffer) {
        if let Selection::Only(seqs) = self {
            let first = buffer.first_seq();
            let stale = seqs.partition_point(|&seq| seq < first);
            seqs.drain(..stale);
        }
    }
}

/// Formats lines for a download: `[timestamp ]text`, one per line, escapes removed.
pub fn to_text<'a>(lines: impl IntoIterator<Item = &'a Line>) -> String {
    let mut text = String::new();
    for line in lines {
        if let Some(stamp) = &line.timestamp {
            text.push_str(stamp);
            text.push(' ');
        }
        text.push_str(line.plain());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawLine {
        RawLine {
            stream: Stream::Stdout,
            timestamp: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn the_oldest_lines_drop_past_the_cap() {
        let mut buffer = LogBuffer::new(3);
        buffer.extend((0..5).map(|i| raw(&format!("line {i}"))));
        assert_eq!(buffer.len(), 3);
        assert_eq!(buffer.dropped(), 2);
        assert!(buffer.get(1).is_none());
        assert_eq!(&*buffer.get(2).unwrap().text, "line 2");
        assert_eq!(buffer.end_seq(), 5);
    }

    #[test]
    fn a_clear_is_not_a_drop() {
        let mut buffer = LogBuffer::new(3);
        buffer.extend((0..5).map(|i| raw(&format!("line {i}"))));
        buffer.clear();
        assert_eq!(buffer.dropped(), 0);
        buffer.extend((0..2).map(|i| raw(&format!("again {i}"))));
        assert_eq!((buffer.len(), buffer.dropped()), (2, 0));
        // Numbers keep counting up, so old matches never name new lines.
        assert_eq!(buffer.first_seq(), 5);
        buffer.extend((0..2).map(|i| raw(&format!("more {i}"))));
        assert_eq!((buffer.len(), buffer.dropped()), (3, 1));
    }

    #[test]
    fn selections_follow_the_buffer() {
        let mut buffer = LogBuffer::new(4);
        buffer.extend(["a1", "b", "a2", "c"].map(raw));
        let mut only = Selection::Only(buffer.matching(0, |line| line.plain().starts_with('a')));
        assert_eq!(only, Selection::Only(vec![0, 2]));
        assert_eq!(only.seq(&buffer, 1), Some(2));
        buffer.extend(["d"].map(raw));
        only.prune(&buffer);
        assert_eq!(only, Selection::Only(vec![2]));
        assert_eq!(Selection::All.len(&buffer), 4);
        assert_eq!(Selection::All.seq(&buffer, 0), Some(1));
    }

    #[test]
    fn escapes_are_kept_for_drawing_and_dropped_for_text() {
        let mut buffer = LogBuffer::new(10);
        buffer.extend([RawLine {
            stream: Stream::Stderr,
            timestamp: Some("2024-01-01T00:00:00Z".into()),
            text: "\x1b[31mred\x1b[0m".into(),
        }]);
        let line = buffer.get(0).unwrap();
        assert_eq!(line.plain(), "red");
        assert_eq!(to_text(std::iter::once(line)), "2024-01-01T00:00:00Z red\n");
        buffer.clear();
        assert!(buffer.is_empty());
        assert_eq!(buffer.first_seq(), 1);
    }
}
