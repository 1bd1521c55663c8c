//! Files in containers: the stat the archive API returns in `X-Docker-Container-Path-Stat`,
//! and the console's volume-browsing sessions.

use serde::{Deserialize, Serialize};

/// The header the engine answers `HEAD`/`GET /containers/{id}/archive` with: base64 of this
/// JSON.
pub const PATH_STAT_HEADER: &str = "x-docker-container-path-stat";

/// What a path in a container is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PathStat {
    /// Its base name.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// Go's `os.FileMode` bits: permissions plus type flags (directory is bit 31, symlink 27).
    pub mode: u32,
    /// Modification time (RFC 3339).
    pub mtime: String,
    /// A symbolic link's target.
    #[serde(rename = "linkTarget")]
    pub link_target: String,
}

impl PathStat {
    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }

    /// Whether it is a symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.mode & (1 << 27) != 0
    }
}

/// The label every volume-browsing helper container carries, its value the volume's name.
/// Such a container is Berth's own, not a user of the volume.
pub const VOLUME_BROWSER_LABEL: &str = "org.berth.volume-browser";

/// Whether a container with these labels is one of Berth's volume-browsing helpers.
pub fn is_volume_browser(labels: &std::collections::BTreeMap<String, String>) -> bool {
    labels.contains_key(VOLUME_BROWSER_LABEL)
}

/// A short-lived helper container through which a volume's files are browsed, from
/// `POST /api/env/{env}/volumes/{name}/browse`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeBrowser {
    /// The helper container's id: browse it like any container, through the gateway.
    pub container: String,
    /// Where the volume is mounted in it.
    pub path: String,
    /// Seconds of inactivity after which Berth removes the helper on its own.
    pub idle_timeout: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_bits_say_what_a_path_is() {
        let stat: PathStat = serde_json::from_str(
            r#"{"name":"etc","size":4096,"mode":2147484141,"mtime":"2024-01-01T00:00:00Z","linkTarget":""}"#,
        )
        .unwrap();
        assert!(stat.is_dir());
        assert!(!stat.is_symlink());
        assert_eq!(stat.mode & 0o777, 0o755);
    }
}
