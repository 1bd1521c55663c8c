//! Percent-encoding, with the two character sets Berth needs, so that every encoder in the
//! workspace agrees (on top of the `percent-encoding` crate).
//!
//! - [`component`] keeps only RFC 3986's unreserved characters: safe in any path segment or
//!   query value, so an id or a name can never add a segment or a parameter.
//! - [`path_segment`] also keeps `: @ + , =`, which a path segment may hold unencoded: the
//!   policy's canonical paths keep image references such as `nginx:1.27` readable.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but `A–Z a–z 0–9 - . _ ~` is encoded.
pub const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// [`COMPONENT`], keeping also the characters a path segment may hold as they are.
pub const PATH_SEGMENT: &AsciiSet = &COMPONENT
    .remove(b':')
    .remove(b'@')
    .remove(b'+')
    .remove(b',')
    .remove(b'=');

/// `text` fit for any one path segment or query value.
pub fn component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// `text` as one path segment, in its canonical form.
pub fn path_segment(text: &str) -> String {
    utf8_percent_encode(text, PATH_SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_keep_only_unreserved_characters() {
        assert_eq!(component("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(component("/bin/bash"), "%2Fbin%2Fbash");
        assert_eq!(component("ctrl-p,ctrl-q"), "ctrl-p%2Cctrl-q");
        assert_eq!(component("a b&c=d#e?f"), "a%20b%26c%3Dd%23e%3Ff");
        assert_eq!(component("prod eu"), "prod%20eu");
        assert_eq!(component("é"), "%C3%A9");
    }

    #[test]
    fn path_segments_keep_image_reference_characters() {
        assert_eq!(path_segment("nginx:1.27"), "nginx:1.27");
        assert_eq!(path_segment("user@host+x,y=z"), "user@host+x,y=z");
        assert_eq!(path_segment("a/b"), "a%2Fb");
        assert_eq!(path_segment("a;b%c"), "a%3Bb%25c");
    }
}
