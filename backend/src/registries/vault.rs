//! The vault: encrypts saved registry passwords, environments' TLS client certificates and
//! keys, and their SSH private keys at rest with ChaCha20-Poly1305.
//!
//! The 256-bit key lives in its own file in the data directory, created with mode 0600 the first
//! time a secret is sealed, so a copy of the database alone reveals no password. Each secret is
//! sealed with a fresh random nonce, stored in front of the ciphertext.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

/// The key file's name inside the data directory.
pub const KEY_FILE: &str = "registry.key";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
/// What a secret is sealed for. Each purpose binds its ciphertexts, so a sealed registry
/// password cannot be replayed as an environment's key, nor the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A saved registry's password.
    RegistryCredential,
    /// A stored environment's TLS client certificate or key.
    EnvironmentTls,
    /// A stored environment's SSH private key.
    EnvironmentSsh,
}

impl Purpose {
    fn associated_data(self) -> &'static [u8] {
        match self {
            Purpose::RegistryCredential => b"berth registry credential v1",
            Purpose::EnvironmentTls => b"berth environment tls v1",
            Purpose::EnvironmentSsh => b"berth environment ssh v1",
        }
    }
}

/// Why sealing or opening a secret failed.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The key file could not be read or created.
    #[error("registry key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The key file exists but is not a key.
    #[error("registry key file {0} is not a {KEY_LEN}-byte key")]
    BadKey(PathBuf),
    /// The ciphertext was altered, or sealed with another key.
    #[error("a stored secret cannot be decrypted (was {KEY_FILE} replaced?)")]
    Corrupt,
    /// The system's random source failed.
    #[error("no randomness: {0}")]
    Random(String),
}

/// Seals and opens secrets with the data directory's key. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Vault {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    key_path: PathBuf,
    key: OnceLock<[u8; KEY_LEN]>,
}

impl Vault {
    /// A vault whose key is (or will be) `data_dir/registry.key`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            inner: Arc::new(Inner {
                key_path: data_dir.join(KEY_FILE),
                key: OnceLock::new(),
            }),
        }
    }

    /// Encrypts a registry password into `nonce ‖ ciphertext ‖ tag`.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        self.seal_for(Purpose::RegistryCredential, plaintext)
    }

    /// Decrypts what [`Vault::seal`] produced.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
        self.open_for(Purpose::RegistryCredential, sealed)
    }

    /// Encrypts `plaintext` for `purpose` into `nonce ‖ ciphertext ‖ tag`.
    pub fn seal_for(&self, purpose: Purpose, plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        let cipher = self.cipher()?;
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|error| VaultError::Random(error.to_string()))?;
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: purpose.associated_data(),
                },
            )
            .map_err(|_| VaultError::Corrupt)?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts what [`Vault::seal_for`] sealed for the same `purpose`.
    pub fn open_for(&self, purpose: Purpose, sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
        if sealed.len() < NONCE_LEN {
            return Err(VaultError::Corrupt);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher()?
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.associated_data(),
                },
            )
            .map_err(|_| VaultError::Corrupt)
    }

    fn cipher(&self) -> Result<ChaCha20Poly1305, VaultError> {
        let key = match self.inner.key.get() {
            Some(key) => *key,
            None => {
                let loaded = load_or_create_key(&self.inner.key_path)?;
                *self.inner.key.get_or_init(|| loaded)
            }
        };
        Ok(ChaCha20Poly1305::new(Key::from_slice(&key)))
    }
}

/// Reads the key, or creates it (exclusively, mode 0600) when there is none yet.
fn load_or_create_key(path: &Path) -> Result<[u8; KEY_LEN], VaultError> {
    let io_error = |source| VaultError::KeyFile {
        path: path.to_owned(),
        source,
    };
    match fs::read(path) {
        Ok(bytes) => {
            return bytes
                .try_into()
                .map_err(|_| VaultError::BadKey(path.to_owned()));
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(io_error(error)),
    }
    let mut key = [0u8; KEY_LEN];
    getrandom::fill(&mut key).map_err(|error| VaultError::Random(error.to_string()))?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(&key).map_err(io_error)?;
            file.sync_all().map_err(io_error)?;
            Ok(key)
        }
        // Another request created it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            let bytes = fs::read(path).map_err(io_error)?;
            bytes
                .try_into()
                .map_err(|_| VaultError::BadKey(path.to_owned()))
        }
        Err(error) => Err(io_error(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_with_a_private_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        let sealed = vault.seal(b"hunter2").unwrap();
        assert!(!sealed.windows(7).any(|window| window == b"hunter2"));
        assert_ne!(sealed, vault.seal(b"hunter2").unwrap(), "nonces are fresh");
        assert_eq!(vault.open(&sealed).unwrap(), b"hunter2");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A second vault over the same directory reads the same key.
        assert_eq!(Vault::new(dir.path()).open(&sealed).unwrap(), b"hunter2");
    }

    #[test]
    fn refuses_tampered_or_foreign_ciphertexts() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        let mut sealed = vault.seal(b"secret").unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(vault.open(&sealed), Err(VaultError::Corrupt)));
        let other = tempfile::tempdir().unwrap();
        let foreign = Vault::new(other.path()).seal(b"secret").unwrap();
        assert!(matches!(vault.open(&foreign), Err(VaultError::Corrupt)));
        assert!(matches!(vault.open(b"short"), Err(VaultError::Corrupt)));
    }

    #[test]
    fn a_secret_opens_only_for_its_purpose() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        let key = vault
            .seal_for(Purpose::EnvironmentTls, b"PRIVATE KEY")
            .unwrap();
        assert_eq!(
            vault.open_for(Purpose::EnvironmentTls, &key).unwrap(),
            b"PRIVATE KEY"
        );
        assert!(matches!(vault.open(&key), Err(VaultError::Corrupt)));
        assert!(matches!(
            vault.open_for(Purpose::EnvironmentSsh, &key),
            Err(VaultError::Corrupt)
        ));
    }
}
