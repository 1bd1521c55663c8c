//! Finding text in log lines: plain matches (with or without case), converting the UTF-16
//! offsets a JavaScript `RegExp` reports, and cutting styled spans at the matches to highlight
//! them.

use std::ops::Range;

use super::ansi::{Span, Style};

/// Byte ranges of every non-overlapping occurrence of `needle` in `haystack`.
pub fn find_plain(haystack: &str, needle: &str, case_sensitive: bool) -> Vec<Range<usize>> {
    if needle.is_empty() {
        return Vec::new();
    }
    if case_sensitive {
        return haystack
            .match_indices(needle)
            .map(|(at, found)| at..at + found.len())
            .collect();
    }
    let mut found = Vec::new();
    let mut at = 0;
    while at < haystack.len() {
        match prefix_ignoring_case(&haystack[at..], needle) {
            Some(length) => {
                found.push(at..at + length);
                at += length;
            }
            None => at += haystack[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// Whether `text` starts with `needle` ignoring case; the byte length matched.
fn prefix_ignoring_case(text: &str, needle: &str) -> Option<usize> {
    let mut text_chars = text.char_indices();
    for wanted in needle.chars() {
        let (_, got) = text_chars.next()?;
        if got != wanted && !got.to_lowercase().eq(wanted.to_lowercase()) {
            return None;
        }
    }
    Some(text_chars.next().map_or(text.len(), |(at, _)| at))
}

/// The byte offset in `text` of the UTF-16 offset `units` (JavaScript string indices).
pub fn utf16_to_byte(text: &str, units: usize) -> usize {
    let mut counted = 0;
    for (at, c) in text.char_indices() {
        if counted >= units {
            return at;
        }
        counted += c.len_utf16();
    }
    text.len()
}

/// A piece of a line to draw: text, style, and whether it is part of a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The text.
    pub text: String,
    /// Its ANSI style.
    pub style: Style,
    /// Whether it is highlighted as a match.
    pub hit: bool,
}

/// Cuts `spans` (whose texts, joined, are the searched text) at the byte ranges `hits`.
pub fn highlight(spans: &[Span], hits: &[Range<usize>]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut offset = 0;
    for span in spans {
        let end = offset + span.text.len();
        let mut at = offset;
        while at < end {
            let inside = hits.iter().find(|hit| hit.start <= at && at < hit.end);
            let stop = match inside {
                Some(hit) => hit.end.min(end),
                None => hits
                    .iter()
                    .map(|hit| hit.start)
                    .filter(|&start| start > at)
                    .min()
                    .unwrap_or(end)
                    .min(end),
            };
            pieces.push(Piece {
                text: span.text[at - offset..stop - offset].to_owned(),
                style: span.style,
                hit: inside.is_some(),
            });
            at = stop;
        }
        offset = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::ansi::parse;

    #[test]
    fn plain_search_respects_case() {
        assert_eq!(find_plain("Error error ERROR", "error", true), vec![6..11]);
        assert_eq!(
            find_plain("Error error ERROR", "error", false),
            [0..5, 6..11, 12..17]
        );
        assert_eq!(find_plain("ÉCOLE école", "école", false), [0..6, 7..13]);
        assert!(find_plain("abc", "", false).is_empty());
    }

    #[test]
    fn utf16_offsets_map_to_bytes() {
        let text = "a😀é b";
        assert_eq!(utf16_to_byte(text, 0), 0);
        assert_eq!(utf16_to_byte(text, 1), 1);
        assert_eq!(utf16_to_byte(text, 3), 5);
        assert_eq!(utf16_to_byte(text, 4), 7);
        assert_eq!(utf16_to_byte(text, 99), text.len());
    }

    #[test]
    fn matches_cut_across_styled_spans() {
        let spans = parse("ab\x1b[31mcd\x1b[0mef");
        let pieces = highlight(&spans, std::slice::from_ref(&(1..5)));
        let summary: Vec<(&str, bool)> = pieces.iter().map(|p| (p.text.as_str(), p.hit)).collect();
        assert_eq!(
            summary,
            [
                ("a", false),
                ("b", true),
                ("cd", true),
                ("e", true),
                ("f", false)
            ]
        );
        assert!(pieces[2].style.fg.is_some());
    }
}
