//! Strict normalisation of engine paths, so the policy judges exactly what the engine executes.
//!
//! A path is split into segments, each percent-decoded once. Anything an engine's router could
//! resolve to a different path is refused rather than cleaned: dot segments, empty segments
//! (`//`), encoded or literal separators inside a segment, `;` parameters and control
//! characters. A leading `/vMAJOR.MINOR` is the API version. The canonical form re-encodes each
//! segment, and it is this canonical form that is forwarded.

use berth_shared::ApiVersion;

/// A path that passed normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedPath {
    /// The explicit API version, from a leading `/v1.41`.
    pub version: Option<ApiVersion>,
    /// The decoded segments after the version.
    pub segments: Vec<String>,
}

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path does not start with `/`.
    #[error("the path must start with /")]
    NotAbsolute,
    /// `//` somewhere in the path.
    #[error("empty path segments (//) are not allowed")]
    EmptySegment,
    /// `.` or `..`, plain or encoded.
    #[error("dot segments (. and ..) are not allowed")]
    DotSegment,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    #[error("the path has malformed percent-encoding")]
    BadEncoding,
    /// A separator (`/` or `\`) encoded inside a segment, or a literal backslash.
    #[error("separators inside a path segment are not allowed")]
    EncodedSeparator,
    /// `;` parameters or control characters.
    #[error("the character {0:?} is not allowed in a path")]
    ForbiddenCharacter(char),
}

impl NormalizedPath {
    /// The path without its version: `/containers/abc/json`.
    pub fn operation_path(&self) -> String {
        let mut path = String::new();
        for segment in &self.segments {
            path.push('/');
            encode_segment(segment, &mut path);
        }
        if path.is_empty() {
            path.push('/');
        }
        path
    }

    /// The path to forward: the version (if the client gave one) and the re-encoded segments.
    pub fn canonical(&self) -> String {
        match self.version {
            Some(version) => format!("/v{version}{}", self.operation_path()),
            None => self.operation_path(),
        }
    }
}

/// Normalises a raw request path (percent-encoded, as on the wire).
pub fn normalize(raw: &str) -> Result<NormalizedPath, PathError> {
    let rest = raw.strip_prefix('/').ok_or(PathError::NotAbsolute)?;
    let mut raw_segments: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split('/').collect()
    };
    // One trailing slash is harmless: engines route `/containers/json/` like `/containers/json`.
    if raw_segments.len() > 1 && raw_segments.last() == Some(&"") {
        raw_segments.pop();
    }
    let mut segments = Vec::with_capacity(raw_segments.len());
    for raw_segment in raw_segments {
        segments.push(decode_segment(raw_segment)?);
    }
    let version = segments
        .first()
        .and_then(|first| first.strip_prefix('v'))
        .filter(|digits| digits.bytes().next().is_some_and(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse::<ApiVersion>().ok());
    if version.is_some() {
        segments.remove(0);
    }
    Ok(NormalizedPath { version, segments })
}

fn decode_segment(raw: &str) -> Result<String, PathError> {
    if raw.is_empty() {
        return Err(PathError::EmptySegment);
    }
    let segment = percent_decode(raw)?;
    if segment == "." || segment == ".." {
        return Err(PathError::DotSegment);
    }
    if segment.contains(['/', '\\']) {
        return Err(PathError::EncodedSeparator);
    }
    if let Some(bad) = segment.chars().find(|c| *c == ';' || c.is_control()) {
        return Err(PathError::ForbiddenCharacter(bad));
    }
    Ok(segment)
}

/// Decodes `%XX` escapes once; a `%` not followed by two hex digits, or bytes that are not
/// UTF-8, are [`PathError::BadEncoding`]. Shared by paths and query arguments, so both are
/// read the same strict way.
pub fn percent_decode(raw: &str) -> Result<String, PathError> {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = bytes
                .get(index + 1..index + 3)
                .ok_or(PathError::BadEncoding)?;
            // Check the digits first: `from_str_radix` would accept a sign such as `%+f`.
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(PathError::BadEncoding);
            }
            let hex = std::str::from_utf8(hex).map_err(|_| PathError::BadEncoding)?;
            let byte = u8::from_str_radix(hex, 16).map_err(|_| PathError::BadEncoding)?;
            decoded.push(byte);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| PathError::BadEncoding)
}

/// Percent-encodes a segment, keeping unreserved characters and those image references use.
fn encode_segment(segment: &str, out: &mut String) {
    out.push_str(&berth_shared::percent::path_segment(segment));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> NormalizedPath {
        normalize(raw).unwrap_or_else(|error| panic!("{raw}: {error}"))
    }

    #[test]
    fn splits_the_version_off() {
        let path = ok("/v1.41/containers/json");
        assert_eq!(path.version, Some(ApiVersion::new(1, 41)));
        assert_eq!(path.segments, ["containers", "json"]);
        assert_eq!(path.canonical(), "/v1.41/containers/json");
        assert_eq!(ok("/containers/json").canonical(), "/containers/json");
    }

    #[test]
    fn an_upper_case_v_is_not_a_version() {
        let path = ok("/V1.41/containers/json");
        assert_eq!(path.version, None);
        assert_eq!(path.segments[0], "V1.41");
    }

    #[test]
    fn decodes_harmless_encodings_and_re_encodes_canonically() {
        let path = ok("/images/registry%3A5000/team/app%3Av1/json");
        assert_eq!(
            path.segments,
            ["images", "registry:5000", "team", "app:v1", "json"]
        );
        assert_eq!(path.canonical(), "/images/registry:5000/team/app:v1/json");
        assert_eq!(
            ok("/containers/a%20b/json").canonical(),
            "/containers/a%20b/json"
        );
    }

    #[test]
    fn drops_one_trailing_slash() {
        assert_eq!(ok("/containers/json/").segments, ["containers", "json"]);
        assert_eq!(ok("/").segments, Vec::<String>::new());
    }

    #[test]
    fn refuses_every_way_around_the_router() {
        let cases = [
            ("containers/json", PathError::NotAbsolute),
            ("/containers//json", PathError::EmptySegment),
            ("//containers/json", PathError::EmptySegment),
            ("/containers/json//", PathError::EmptySegment),
            ("/containers/x/../create", PathError::DotSegment),
            ("/containers/x/./json", PathError::DotSegment),
            ("/containers/x/%2e%2e/create", PathError::DotSegment),
            ("/containers/x/%2E/json", PathError::DotSegment),
            ("/containers/x%2Fy/json", PathError::EncodedSeparator),
            ("/containers/x%5cy/json", PathError::EncodedSeparator),
            ("/containers/x\\y/json", PathError::EncodedSeparator),
            ("/containers/x;v=1/json", PathError::ForbiddenCharacter(';')),
            ("/containers/x%3B/json", PathError::ForbiddenCharacter(';')),
            ("/containers/x%00/json", PathError::ForbiddenCharacter('\0')),
            ("/containers/x%zz/json", PathError::BadEncoding),
            ("/containers/x%2/json", PathError::BadEncoding),
            ("/containers/x%+f/json", PathError::BadEncoding),
            ("/containers/%ff/json", PathError::BadEncoding),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalize(raw), Err(expected), "{raw}");
        }
    }
}
