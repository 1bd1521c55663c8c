//! Reading and writing tar archives, as the engine's archive API speaks them.
//!
//! [`Reader`] parses a tar incrementally, chunk by chunk, so a directory listing never holds
//! file contents in memory (it can keep them when asked, to extract a single downloaded file).
//! [`Writer`] builds a ustar archive of files to upload: the file browser's uploads, and the
//! build context of a folder chosen in the browser (or of a lone Dockerfile). POSIX (`x`) and
//! GNU (`L`/`K`) long names are understood, and long names are written as PAX records.

const BLOCK: usize = 512;

/// What kind of entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// A hard link.
    HardLink,
    /// Anything else (devices, FIFOs).
    Other,
}

/// One entry of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path inside the archive, without a trailing `/`.
    pub path: String,
    /// What it is.
    pub kind: Kind,
    /// Permission bits.
    pub mode: u32,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, seconds since the Unix epoch.
    pub mtime: i64,
    /// A link's target.
    pub link: String,
    /// The contents, when the reader keeps them.
    pub data: Option<Vec<u8>>,
}

/// Why an archive could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TarError {
    /// A name to write is empty, absolute, or climbs out with `..`.
    #[error("the path {0:?} is not a relative path inside the folder")]
    BadPath(String),
    /// A header's checksum did not match.
    #[error("the archive is corrupt (bad header checksum)")]
    Checksum,
    /// The archive ended inside an entry.
    #[error("the archive ended early")]
    Truncated,
}

#[derive(Debug)]
enum State {
    Header,
    /// Inside an entry's contents: bytes left, padding after them.
    Data {
        left: u64,
        padding: usize,
    },
    End,
}

/// An incremental tar parser.
#[derive(Debug)]
pub struct Reader {
    keep_data: bool,
    pending: Vec<u8>,
    state: State,
    current: Option<Entry>,
    long_name: Option<String>,
    long_link: Option<String>,
    /// The contents of an `x`/`L`/`K` meta entry being read.
    meta: Option<(u8, Vec<u8>)>,
}

impl Reader {
    /// A parser; with `keep_data` every entry carries its contents.
    pub fn new(keep_data: bool) -> Self {
        Self {
            keep_data,
            pending: Vec::new(),
            state: State::Header,
            current: None,
            long_name: None,
            long_link: None,
            meta: None,
        }
    }

    /// Feeds a chunk; appends every entry it completes to `out`.
    pub fn push(&mut self, mut chunk: &[u8], out: &mut Vec<Entry>) -> Result<(), TarError> {
        while !chunk.is_empty() {
            match &mut self.state {
                State::End => return Ok(()),
                State::Header => {
                    let want = BLOCK - self.pending.len();
                    let take = want.min(chunk.len());
                    self.pending.extend_from_slice(&chunk[..take]);
                    chunk = &chunk[take..];
                    if self.pending.len() == BLOCK {
                        let block = std::mem::take(&mut self.pending);
                        self.header(&block, out)?;
                    }
                }
                State::Data { left, padding } => {
                    if *left > 0 {
                        let take = (*left).min(chunk.len() as u64) as usize;
                        if let Some((_, bytes)) = &mut self.meta {
                            bytes.extend_from_slice(&chunk[..take]);
                        } else if let Some(data) =
                            self.current.as_mut().and_then(|e| e.data.as_mut())
                        {
                            data.extend_from_slice(&chunk[..take]);
                        }
                        *left -= take as u64;
                        chunk = &chunk[take..];
                    } else {
                        let take = (*padding).min(chunk.len());
                        *padding -= take;
                        chunk = &chunk[take..];
                    }
                    if let State::Data {
                        left: 0,
                        padding: 0,
                    } = self.state
                    {
                        self.entry_done(out);
                    }
                }
            }
        }
        Ok(())
    }

    /// Ends the input; an archive cut inside an entry is an error.
    pub fn finish(&self) -> Result<(), TarError> {
        match self.state {
            State::Data { .. } => Err(TarError::Truncated),
            _ if !self.pending.is_empty() => Err(TarError::Truncated),
            _ => Ok(()),
        }
    }

    fn header(&mut self, block: &[u8], out: &mut Vec<Entry>) -> Result<(), TarError> {
        if block.iter().all(|&b| b == 0) {
            self.state = State::End;
            return Ok(());
        }
        let stored = octal(&block[148..156]);
        let sum: u64 = block
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u64::from(b)
                }
            })
            .sum();
        if stored != sum {
            return Err(TarError::Checksum);
        }
        let size = octal(&block[124..136]);
        let flag = block[156];
        let padding = (BLOCK - (size as usize % BLOCK)) % BLOCK;
        if matches!(flag, b'x' | b'L' | b'K' | b'g') {
            self.meta = Some((flag, Vec::new()));
        } else {
            let mut path = text(&block[0..100]);
            if &block[257..262] == b"ustar" {
                let prefix = text(&block[345..500]);
                if !prefix.is_empty() {
                    path = format!("{prefix}/{path}");
                }
            }
            let path = self.long_name.take().unwrap_or(path);
            let link = self
                .long_link
                .take()
                .unwrap_or_else(|| text(&block[157..257]));
            let kind = match flag {
                b'0' | 0 | b'7' => Kind::File,
                b'5' => Kind::Directory,
                b'2' => Kind::Symlink,
                b'1' => Kind::HardLink,
                _ => Kind::Other,
            };
            let kind = if kind == Kind::File && path.ends_with('/') {
                Kind::Directory
            } else {
                kind
            };
            self.current = Some(Entry {
                path: path.trim_end_matches('/').to_owned(),
                kind,
                mode: octal(&block[100..108]) as u32 & 0o7777,
                size,
                mtime: octal(&block[136..148]) as i64,
                link,
                data: (self.keep_data && kind == Kind::File)
                    .then(|| Vec::with_capacity(size.min(1 << 24) as usize)),
            });
        }
        self.state = State::Data {
            left: size,
            padding,
        };
        if size == 0 {
            self.entry_done(out);
        }
        Ok(())
    }

    fn entry_done(&mut self, out: &mut Vec<Entry>) {
        self.state = State::Header;
        if let Some((flag, bytes)) = self.meta.take() {
            match flag {
                b'L' => self.long_name = Some(text(&bytes)),
                b'K' => self.long_link = Some(text(&bytes)),
                b'x' => {
                    let (path, link) = pax(&bytes);
                    self.long_name = path.or(self.long_name.take());
                    self.long_link = link.or(self.long_link.take());
                }
                _ => {}
            }
            return;
        }
        if let Some(entry) = self.current.take() {
            out.push(entry);
        }
    }
}

/// `path` and `linkpath` of a PAX extended header (`<len> <key>=<value>\n` records).
fn pax(bytes: &[u8]) -> (Option<String>, Option<String>) {
    let (mut path, mut link) = (None, None);
    let mut rest = bytes;
    while let Some(space) = rest.iter().position(|&b| b == b' ') {
        let Some(length) = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|&l| l > space && l <= rest.len())
        else {
            break;
        };
        let record = String::from_utf8_lossy(&rest[space + 1..length]);
        let record = record.trim_end_matches('\n');
        if let Some((key, value)) = record.split_once('=') {
            match key {
                "path" => path = Some(value.to_owned()),
                "linkpath" => link = Some(value.to_owned()),
                _ => {}
            }
        }
        rest = &rest[length..];
    }
    (path, link)
}

fn text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

fn octal(field: &[u8]) -> u64 {
    // GNU base-256 for large numbers.
    if field.first().is_some_and(|&b| b & 0x80 != 0) {
        return field[1..]
            .iter()
            .fold(u64::from(field[0] & 0x7f), |n, &b| (n << 8) | u64::from(b));
    }
    field
        .iter()
        .skip_while(|&&b| b == b' ')
        .take_while(|&&b| (b'0'..=b'7').contains(&b))
        .fold(0, |n, &b| n * 8 + u64::from(b - b'0'))
}

/// A file to put in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Its name (relative, `/`-separated).
    pub name: String,
    /// Permission bits.
    pub mode: u32,
    /// Modification time, seconds since the Unix epoch.
    pub mtime: i64,
    /// The contents.
    pub data: Vec<u8>,
}

/// Builds a ustar archive in memory, entry by entry. Names longer than ustar's 100 bytes get a
/// PAX header, so any length fits.
#[derive(Debug, Default)]
pub struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// An empty archive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a regular file. Its name is normalised (`./a//b` is `a/b`); a name that could land
    /// outside the folder it is unpacked in (absolute, or with `..`) is refused.
    pub fn add(&mut self, file: &NewFile) -> Result<(), TarError> {
        let name = clean_path(&file.name)?;
        if name.len() > 99 {
            let record = pax_record("path", &name);
            self.bytes.extend(header(
                "././@PaxHeader",
                0o644,
                record.len() as u64,
                file.mtime,
                b'x',
            ));
            append_padded(&mut self.bytes, record.as_bytes());
        }
        // The PAX record holds the whole name; the ustar field keeps what fits, on a character
        // boundary, for readers that ignore PAX.
        let short: String = name
            .char_indices()
            .take_while(|(index, c)| index + c.len_utf8() <= 99)
            .map(|(_, c)| c)
            .collect();
        self.bytes.extend(header(
            &short,
            file.mode,
            file.data.len() as u64,
            file.mtime,
            b'0',
        ));
        append_padded(&mut self.bytes, &file.data);
        Ok(())
    }

    /// Ends the archive with its two zero blocks and returns it.
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.resize(self.bytes.len() + 2 * BLOCK, 0);
        self.bytes
    }
}

/// A ustar archive of `files`.
pub fn write(files: &[NewFile]) -> Result<Vec<u8>, TarError> {
    let mut writer = Writer {
        bytes: Vec::with_capacity(files.iter().map(|f| f.data.len() + 3 * BLOCK).sum()),
    };
    for file in files {
        writer.add(file)?;
    }
    Ok(writer.finish())
}

/// Normalises a relative path (`./a//b` is `a/b`) and refuses paths that could escape the
/// folder: absolute ones and those with `..`.
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

/// Removes the first path segment, which browsers set to the chosen folder's name.
pub fn without_folder(relative_path: &str) -> &str {
    relative_path
        .split_once('/')
        .map_or(relative_path, |(_, rest)| rest)
}

fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    let mut length = body.len() + 1;
    while format!("{length}").len() + body.len() != length {
        length = format!("{length}").len() + body.len();
    }
    format!("{length}{body}")
}

fn append_padded(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(data);
    let padding = (BLOCK - data.len() % BLOCK) % BLOCK;
    out.resize(out.len() + padding, 0);
}

fn header(name: &str, mode: u32, size: u64, mtime: i64, flag: u8) -> [u8; BLOCK] {
    let mut block = [0u8; BLOCK];
    let name = name.as_bytes();
    block[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    put_octal(&mut block[100..108], u64::from(mode));
    put_octal(&mut block[108..116], 0);
    put_octal(&mut block[116..124], 0);
    put_octal(&mut block[124..136], size);
    put_octal(&mut block[136..148], mtime.max(0) as u64);
    block[156] = flag;
    block[257..263].copy_from_slice(b"ustar\0");
    block[263..265].copy_from_slice(b"00");
    block[148..156].fill(b' ');
    let sum: u64 = block.iter().map(|&b| u64::from(b)).sum();
    let digits = format!("{sum:06o}\0 ");
    block[148..156].copy_from_slice(digits.as_bytes());
    block
}

fn put_octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    let digits = format!("{value:0width$o}");
    field[..width].copy_from_slice(&digits.as_bytes()[digits.len() - width..]);
    field[width] = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], chunk: usize, keep: bool) -> Vec<Entry> {
        let mut reader = Reader::new(keep);
        let mut out = Vec::new();
        for piece in bytes.chunks(chunk) {
            reader.push(piece, &mut out).unwrap();
        }
        reader.finish().unwrap();
        out
    }

    #[test]
    fn written_archives_read_back_in_any_chunking() {
        let long = format!("{}/file.txt", "d".repeat(120));
        let files = vec![
            NewFile {
                name: "hello.txt".into(),
                mode: 0o644,
                mtime: 1_700_000_000,
                data: b"hello world\n".to_vec(),
            },
            NewFile {
                name: long.clone(),
                mode: 0o600,
                mtime: 5,
                data: vec![7; 1500],
            },
            NewFile {
                name: "empty".into(),
                mode: 0o755,
                mtime: 0,
                data: Vec::new(),
            },
        ];
        let bytes = write(&files).unwrap();
        assert_eq!(bytes.len() % BLOCK, 0);
        for chunk in [1, 7, 512, 100_000] {
            let entries = read_all(&bytes, chunk, true);
            assert_eq!(entries.len(), 3, "chunk {chunk}");
            assert_eq!(entries[0].path, "hello.txt");
            assert_eq!(entries[0].mode, 0o644);
            assert_eq!(entries[0].mtime, 1_700_000_000);
            assert_eq!(entries[0].data.as_deref(), Some(&b"hello world\n"[..]));
            assert_eq!(entries[1].path, long);
            assert_eq!(entries[1].size, 1500);
            assert_eq!(entries[1].data.as_ref().map(Vec::len), Some(1500));
            assert_eq!(entries[2].size, 0);
        }
        let listing = read_all(&bytes, 64, false);
        assert!(listing.iter().all(|e| e.data.is_none()));
    }

    #[test]
    fn directories_links_and_gnu_long_names() {
        let mut bytes = Vec::new();
        bytes.extend(header("etc/", 0o755, 0, 1, b'5'));
        let long = "x".repeat(150);
        bytes.extend(header("././@LongLink", 0, long.len() as u64 + 1, 0, b'L'));
        append_padded(&mut bytes, format!("{long}\0").as_bytes());
        bytes.extend(header("ignored", 0o777, 0, 1, b'2'));
        bytes.resize(bytes.len() + 1024, 0);
        let entries = read_all(&bytes, 300, false);
        assert_eq!(entries[0].kind, Kind::Directory);
        assert_eq!(entries[0].path, "etc");
        assert_eq!(entries[1].kind, Kind::Symlink);
        assert_eq!(entries[1].path, long);
    }

    #[test]
    fn corruption_and_truncation_are_errors() {
        let mut bytes = write(&[NewFile {
            name: "a".into(),
            mode: 0o644,
            mtime: 0,
            data: vec![1; 600],
        }])
        .unwrap();
        let mut reader = Reader::new(false);
        reader.push(&bytes[..700], &mut Vec::new()).unwrap();
        assert_eq!(reader.finish(), Err(TarError::Truncated));
        bytes[0] = b'b';
        assert_eq!(
            Reader::new(false).push(&bytes, &mut Vec::new()),
            Err(TarError::Checksum)
        );
    }

    fn file(name: &str, data: &[u8]) -> NewFile {
        NewFile {
            name: name.into(),
            mode: 0o644,
            mtime: 0,
            data: data.to_vec(),
        }
    }

    #[test]
    fn writes_ustar_headers_and_padding() {
        let bytes = write(&[file("./Dockerfile", b"FROM busybox\n")]).unwrap();
        assert_eq!(bytes.len(), 512 + 512 + 1024);
        assert_eq!(text(&bytes[0..100]), "Dockerfile");
        assert_eq!(text(&bytes[124..135]), "00000000015");
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
        assert_eq!(u64::from(sum), octal(&bytes[148..154]));
    }

    #[test]
    fn long_multibyte_names_are_cut_on_a_character_boundary() {
        let long = format!("{}/{}", "é".repeat(60), "f".repeat(50));
        let bytes = write(&[file(&long, b"x")]).unwrap();
        let entries = read_all(&bytes, 512, true);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].path, long);
    }

    #[test]
    fn refuses_names_that_escape() {
        for bad in ["../etc/passwd", "/abs", "a/../../b", "", "./"] {
            assert_eq!(
                write(&[file(bad, b"")]),
                Err(TarError::BadPath(bad.to_owned())),
                "{bad}"
            );
        }
        assert_eq!(without_folder("ctx/src/main.rs"), "src/main.rs");
        assert_eq!(without_folder("Dockerfile"), "Dockerfile");
    }

    #[test]
    fn pax_records_count_their_own_length() {
        let record = pax_record("path", "abc");
        assert_eq!(record, "12 path=abc\n");
        assert_eq!(record.len(), 12);
    }
}
