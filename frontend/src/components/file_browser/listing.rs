//! File-browser logic without the DOM: the direct children of a directory from the entries of
//! its tar, path arithmetic, and `ls -l` style permissions. Unit-tested natively.

use crate::tar::{Entry, Kind};

/// At most this many entries are listed per directory.
pub const MAX_ENTRIES: usize = 10_000;

/// One child of a listed directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Its base name.
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// Permission bits.
    pub mode: u32,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, Unix seconds.
    pub mtime: i64,
    /// A link's target.
    pub link: String,
}

/// The listing of one directory, built from the entries of its tar as they stream in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The directory's path in the container.
    pub path: String,
    /// Its direct children, directories first once finished.
    pub entries: Vec<FileEntry>,
    /// Whether entries were left out past [`MAX_ENTRIES`].
    pub truncated: bool,
    /// The archive path of the directory itself (its first entry).
    root: Option<String>,
}

impl Listing {
    /// An empty listing of `path`.
    pub fn new(path: &str) -> Self {
        Self {
            path: path.to_owned(),
            entries: Vec::new(),
            truncated: false,
            root: None,
        }
    }

    /// Takes one archive entry; only direct children of the directory are kept.
    pub fn add(&mut self, entry: Entry) {
        let path = entry
            .path
            .trim_start_matches("./")
            .trim_start_matches('/')
            .to_owned();
        let Some(root) = &self.root else {
            self.root = Some(path);
            return;
        };
        let rest = if root.is_empty() || root == "." {
            Some(path.as_str())
        } else {
            path.strip_prefix(root.as_str())
                .and_then(|r| r.strip_prefix('/'))
        };
        let Some(name) = rest.filter(|r| !r.is_empty() && !r.contains('/')) else {
            return;
        };
        if self.entries.len() >= MAX_ENTRIES {
            self.truncated = true;
            return;
        }
        self.entries.push(FileEntry {
            name: name.to_owned(),
            kind: entry.kind,
            mode: entry.mode,
            size: entry.size,
            mtime: entry.mtime,
            link: entry.link,
        });
    }

    /// Sorts the children: directories first, then by name.
    pub fn finish(&mut self) {
        self.entries.sort_by(|a, b| {
            (a.kind != Kind::Directory, &a.name).cmp(&(b.kind != Kind::Directory, &b.name))
        });
    }
}

/// `dir` joined with `name`.
pub fn child_path(dir: &str, name: &str) -> String {
    format!("{}/{name}", dir.trim_end_matches('/'))
}

/// The directory above `path`; `/` stays `/`.
pub fn parent_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(at) => trimmed[..at].to_owned(),
    }
}

/// Where a symbolic link in `dir` pointing at `target` leads.
pub fn resolve_link(dir: &str, target: &str) -> String {
    let joined = if target.starts_with('/') {
        target.to_owned()
    } else {
        child_path(dir, target)
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// `drwxr-xr-x` for a kind and permission bits.
pub fn permissions(kind: Kind, mode: u32) -> String {
    let first = match kind {
        Kind::Directory => 'd',
        Kind::Symlink => 'l',
        Kind::Other => '?',
        _ => '-',
    };
    let mut text = String::from(first);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 0o7;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        text.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, kind: Kind) -> Entry {
        Entry {
            path: path.into(),
            kind,
            mode: 0o644,
            size: 1,
            mtime: 0,
            link: String::new(),
            data: None,
        }
    }

    #[test]
    fn only_direct_children_are_listed() {
        let mut listing = Listing::new("/etc");
        for (path, kind) in [
            ("etc", Kind::Directory),
            ("etc/passwd", Kind::File),
            ("etc/ssl", Kind::Directory),
            ("etc/ssl/cert.pem", Kind::File),
            ("etc/alpha", Kind::File),
        ] {
            listing.add(entry(path, kind));
        }
        listing.finish();
        let names: Vec<&str> = listing.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["ssl", "alpha", "passwd"]);
    }

    #[test]
    fn a_root_named_dot_lists_everything_at_depth_one() {
        let mut listing = Listing::new("/");
        for path in ["./", "./bin", "./bin/sh", "./etc"] {
            listing.add(entry(path.trim_end_matches('/'), Kind::Directory));
        }
        assert_eq!(listing.entries.len(), 2);
        let mut absolute = Listing::new("/");
        for path in ["", "/.dockerenv", "/bin", "/bin/sh"] {
            absolute.add(entry(path, Kind::File));
        }
        assert_eq!(absolute.entries.len(), 2);
    }

    #[test]
    fn paths_and_permissions() {
        assert_eq!(child_path("/", "etc"), "/etc");
        assert_eq!(child_path("/etc/", "ssl"), "/etc/ssl");
        assert_eq!(parent_path("/etc/ssl"), "/etc");
        assert_eq!(parent_path("/etc"), "/");
        assert_eq!(parent_path("/"), "/");
        assert_eq!(resolve_link("/usr/bin", "../lib/x"), "/usr/lib/x");
        assert_eq!(resolve_link("/bin", "/usr/bin"), "/usr/bin");
        assert_eq!(permissions(Kind::Directory, 0o755), "drwxr-xr-x");
        assert_eq!(permissions(Kind::File, 0o640), "-rw-r-----");
    }
}
