//! A small ustar writer, so a folder chosen in the browser (or a lone Dockerfile) becomes the
//! tar build context the engine expects. Plain logic with native unit tests.

/// Why a file cannot go into the archive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TarError {
    /// The path does not fit ustar's 100 + 155 byte name fields.
    #[error("the path {0} is too long for a tar archive")]
    PathTooLong(String),
    /// The path is empty, absolute, or climbs out with `..`.
    #[error("the path {0:?} is not a relative path inside the folder")]
    BadPath(String),
}

const BLOCK: usize = 512;

/// Builds an archive in memory, entry by entry.
#[derive(Debug, Default)]
pub struct TarWriter {
    bytes: Vec<u8>,
}

impl TarWriter {
    /// An empty archive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a regular file with mode 0644.
    pub fn add_file(&mut self, path: &str, contents: &[u8]) -> Result<(), TarError> {
        let path = clean_path(path)?;
        let (prefix, name) = split_name(&path)?;
        let mut header = [0u8; BLOCK];
        header[..name.len()].copy_from_slice(name.as_bytes());
        write_octal(&mut header[100..108], 0o644);
        write_octal(&mut header[108..116], 0);
        write_octal(&mut header[116..124], 0);
        write_octal(&mut header[124..136], contents.len() as u64);
        write_octal(&mut header[136..148], 0);
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
        // The checksum is computed with its own field as spaces.
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|byte| u32::from(*byte)).sum();
        let checksum = format!("{sum:06o}\0 ");
        header[148..156].copy_from_slice(checksum.as_bytes());
        self.bytes.extend_from_slice(&header);
        self.bytes.extend_from_slice(contents);
        let padding = (BLOCK - contents.len() % BLOCK) % BLOCK;
        self.bytes.extend(std::iter::repeat_n(0u8, padding));
        Ok(())
    }

    /// Ends the archive with its two zero blocks and returns it.
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.extend(std::iter::repeat_n(0u8, 2 * BLOCK));
        self.bytes
    }
}

/// Normalises a relative path (`./a//b` is `a/b`) and refuses paths that could escape the
/// context: absolute ones and those with `..`.
fn clean_path(path: &str) -> Result<String, TarError> {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if path.starts_with('/') || parts.is_empty() || parts.contains(&"..") {
        return Err(TarError::BadPath(path.to_owned()));
    }
    Ok(parts.join("/"))
}

fn split_name(path: &str) -> Result<(&str, &str), TarError> {
    if path.len() <= 100 {
        return Ok(("", path));
    }
    // Split at a slash so the name fits 100 bytes and the prefix 155.
    path.char_indices()
        .filter(|(_, c)| *c == '/')
        .map(|(index, _)| (&path[..index], &path[index + 1..]))
        .find(|(prefix, name)| prefix.len() <= 155 && name.len() <= 100 && !name.is_empty())
        .ok_or_else(|| TarError::PathTooLong(path.to_owned()))
}

fn write_octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(&text.as_bytes()[text.len() - digits..]);
    field[digits] = 0;
}

/// Removes the first path segment, which browsers set to the chosen folder's name.
pub fn without_folder(relative_path: &str) -> &str {
    relative_path
        .split_once('/')
        .map_or(relative_path, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(header: &[u8], range: std::ops::Range<usize>) -> String {
        String::from_utf8_lossy(&header[range])
            .trim_end_matches('\0')
            .to_owned()
    }

    #[test]
    fn writes_ustar_headers_and_padding() {
        let mut tar = TarWriter::new();
        tar.add_file("./Dockerfile", b"FROM busybox\n").unwrap();
        let bytes = tar.finish();
        assert_eq!(bytes.len(), 512 + 512 + 1024);
        assert_eq!(field(&bytes, 0..100), "Dockerfile");
        assert_eq!(field(&bytes, 124..135), "00000000015");
        assert_eq!(&bytes[257..262], b"ustar");
        assert_eq!(&bytes[512..525], b"FROM busybox\n");
        let sum: u32 = bytes[..512]
            .iter()
            .enumerate()
            .map(|(index, byte)| {
                if (148..156).contains(&index) {
                    32
                } else {
                    u32::from(*byte)
                }
            })
            .sum();
        let stored = u32::from_str_radix(field(&bytes, 148..154).trim(), 8).unwrap();
        assert_eq!(sum, stored);
    }

    #[test]
    fn long_paths_use_the_prefix_field() {
        let long = format!("{}/{}", "d".repeat(120), "f".repeat(50));
        let mut tar = TarWriter::new();
        tar.add_file(&long, b"").unwrap();
        let bytes = tar.finish();
        assert_eq!(field(&bytes, 0..100), "f".repeat(50));
        assert_eq!(field(&bytes, 345..500), "d".repeat(120));
        assert_eq!(
            TarWriter::new().add_file(&"x".repeat(300), b""),
            Err(TarError::PathTooLong("x".repeat(300)))
        );
    }

    #[test]
    fn refuses_paths_that_escape() {
        for bad in ["../etc/passwd", "/abs", "a/../../b", ""] {
            assert!(
                matches!(
                    TarWriter::new().add_file(bad, b""),
                    Err(TarError::BadPath(_))
                ),
                "{bad}"
            );
        }
        assert_eq!(without_folder("ctx/src/main.rs"), "src/main.rs");
        assert_eq!(without_folder("Dockerfile"), "Dockerfile");
    }
}
