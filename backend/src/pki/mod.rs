//! Berth's own certificate authority: its key (`ca.key`, mode 0600) and certificate (`ca.pem`)
//! in the data directory, made on first need; the server certificate of `--tls auto` and the
//! client certificates of `berth cert create` and the Account page, both signed by it.
//!
//! A client certificate is a kind of API token: its SHA-256 fingerprint is the token record's
//! hash (see `store/tokens.rs`), so it is listed, revoked and audited as tokens are.
//! `pki/verify.rs` judges the certificates clients present.

pub mod verify;

use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use berth_shared::api::users::TokenKind;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rustls::pki_types::CertificateDer;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::store::{Store, TokenRecord, User};

/// The CA's private key, PEM, readable by its owner only.
pub const CA_KEY_FILE: &str = "ca.key";
/// The CA's certificate, PEM: the `ca.pem` of every bundle.
pub const CA_CERT_FILE: &str = "ca.pem";

/// The CA's common name; issued certificates name it as their issuer.
const CA_NAME: &str = "Berth CA";
/// How long the CA certificate is valid: twenty years from when it is (re)made.
const CA_LIFETIME: i64 = 20 * 365 * 86_400;
/// How long the server certificate of `--tls auto` is valid; a new one is made at each start.
const SERVER_LIFETIME: i64 = 365 * 86_400;
/// How far back a certificate's validity starts, for clocks that run a little behind.
const CLOCK_SKEW: i64 = 300;
/// The lifetime of a client certificate when none is asked for: ninety days.
pub const DEFAULT_CLIENT_LIFETIME: i64 = 90 * 86_400;

/// Why the CA could not be read, made or used.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// A file of the CA could not be read or written.
    #[error("certificate authority file {path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The CA key on disk is not a key rcgen can sign with.
    #[error("certificate authority key {path} cannot be used: {reason}")]
    BadKey {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Generating or signing a certificate failed.
    #[error("cannot make a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// A validity time out of range.
    #[error("a certificate's validity time is out of range")]
    Time,
}

/// A certificate with its new private key, PEM.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The certificate.
    pub cert_pem: String,
    /// Its private key (PKCS#8).
    pub key_pem: String,
    /// The certificate, DER.
    pub der: CertificateDer<'static>,
    /// The SHA-256 fingerprint of the DER, lowercase hex.
    pub fingerprint: String,
}

/// A client certificate bundle: what a `DOCKER_CERT_PATH` folder holds.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The CA's certificate.
    pub ca_pem: String,
    /// The client certificate and its key.
    pub client: Issued,
}

impl Bundle {
    /// The three files of a `DOCKER_CERT_PATH` folder: name, content, whether it is secret.
    pub fn files(&self) -> [(&'static str, &str, bool); 3] {
        [
            ("ca.pem", self.ca_pem.as_str(), false),
            ("cert.pem", self.client.cert_pem.as_str(), false),
            ("key.pem", self.client.key_pem.as_str(), true),
        ]
    }

    /// Writes the three files into `dir` (created if needed); `key.pem` gets mode 0600.
    pub fn write_to(&self, dir: &Path) -> Result<(), PkiError> {
        let error = |path: &Path| {
            let path = path.to_owned();
            move |source| PkiError::File { path, source }
        };
        fs::create_dir_all(dir).map_err(error(dir))?;
        for (name, content, secret) in self.files() {
            let path = dir.join(name);
            let _ = fs::remove_file(&path);
            write_new(&path, content.as_bytes(), secret).map_err(error(&path))?;
        }
        Ok(())
    }
}

/// Berth's CA, loaded from (or made in) a data directory.
pub struct Authority {
    issuer: Issuer<'static, KeyPair>,
    ca_pem: String,
    ca_der: CertificateDer<'static>,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Authority(Berth CA)")
    }
}

impl Authority {
    /// The CA of `data_dir`: its key is made (exclusively, mode 0600) when there is none, and
    /// its certificate is made again from the key when `ca.pem` is missing.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, PkiError> {
        let key_path = data_dir.join(CA_KEY_FILE);
        let key = load_or_create_key(&key_path)?;
        let cert_path = data_dir.join(CA_CERT_FILE);
        let file_error = |source| PkiError::File {
            path: cert_path.clone(),
            source,
        };
        let ca_pem = match fs::read_to_string(&cert_path) {
            Ok(pem) => pem,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let pem = ca_params(crate::store::now())?.self_signed(&key)?.pem();
                write_new(&cert_path, pem.as_bytes(), false).map_err(file_error)?;
                pem
            }
            Err(error) => return Err(file_error(error)),
        };
        use rustls::pki_types::pem::PemObject;
        let ca_der =
            CertificateDer::from_pem_slice(ca_pem.as_bytes()).map_err(|error| PkiError::File {
                path: cert_path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, error.to_string()),
            })?;
        let issuer = Issuer::new(ca_params(crate::store::now())?, key);
        Ok(Self {
            issuer,
            ca_pem,
            ca_der,
        })
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The CA certificate, DER: the one root client certificates are checked against.
    pub fn ca_der(&self) -> &CertificateDer<'static> {
        &self.ca_der
    }

    /// A server certificate for `hosts` (names or IP addresses) plus localhost, 127.0.0.1 and
    /// ::1, valid for a year from now.
    pub fn server_certificate(&self, hosts: &[String]) -> Result<Issued, PkiError> {
        let mut names: Vec<String> = hosts.to_vec();
        for name in ["localhost", "127.0.0.1", "::1"] {
            if !names.iter().any(|known| known.eq_ignore_ascii_case(name)) {
                names.push(name.to_owned());
            }
        }
        let mut params = CertificateParams::default();
        params.subject_alt_names = names
            .iter()
            .map(|name| match name.parse::<IpAddr>() {
                Ok(address) => Ok(SanType::IpAddress(address)),
                Err(_) => Ok(SanType::DnsName(name.clone().try_into()?)),
            })
            .collect::<Result<_, rcgen::Error>>()?;
        params.distinguished_name = name_of(&names[0]);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let now = crate::store::now();
        self.sign(params, now - CLOCK_SKEW, now + SERVER_LIFETIME)
    }

    /// A client certificate for `username`, labelled `label`, valid from `not_before` until
    /// `not_after` (Unix seconds), with the CA's certificate.
    pub fn client_bundle(
        &self,
        username: &str,
        label: &str,
        not_before: i64,
        not_after: i64,
    ) -> Result<Bundle, PkiError> {
        let mut params = CertificateParams::default();
        let mut name = name_of(username);
        name.push(DnType::OrganizationalUnitName, label);
        params.distinguished_name = name;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        Ok(Bundle {
            ca_pem: self.ca_pem.clone(),
            client: self.sign(params, not_before, not_after)?,
        })
    }

    fn sign(
        &self,
        mut params: CertificateParams,
        not_before: i64,
        not_after: i64,
    ) -> Result<Issued, PkiError> {
        params.not_before = time_at(not_before)?;
        params.not_after = time_at(not_after)?;
        params.serial_number = Some(random_serial());
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate()?;
        let certificate = params.signed_by(&key, &self.issuer)?;
        let der = certificate.der().clone();
        Ok(Issued {
            cert_pem: certificate.pem(),
            key_pem: key.serialize_pem(),
            fingerprint: fingerprint(&der),
            der,
        })
    }
}

/// The SHA-256 fingerprint of a certificate's DER, lowercase hex: how a client certificate is
/// known in the store.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The fingerprint's first characters, shown where a token shows its prefix.
pub fn display_prefix(fingerprint: &str) -> String {
    format!("sha256:{}", &fingerprint[..fingerprint.len().min(16)])
}

/// The CA's parameters: its name and usages are fixed, so the same key always makes the same
/// issuer.
fn ca_params(now: i64) -> Result<CertificateParams, PkiError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = name_of(CA_NAME);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = time_at(now - CLOCK_SKEW)?;
    params.not_after = time_at(now + CA_LIFETIME)?;
    params.serial_number = Some(random_serial());
    Ok(params)
}

fn name_of(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name
}

fn time_at(seconds: i64) -> Result<time::OffsetDateTime, PkiError> {
    time::OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| PkiError::Time)
}

/// Sixteen random bytes, the top bit clear so the DER integer is positive.
fn random_serial() -> SerialNumber {
    let mut bytes = crate::auth::secrets::random_bytes(16);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    SerialNumber::from_slice(&bytes)
}

/// Reads the CA key, or makes one (exclusively, mode 0600) when there is none yet; a key made
/// by another process at the same moment wins.
fn load_or_create_key(path: &Path) -> Result<KeyPair, PkiError> {
    let file_error = |source| PkiError::File {
        path: path.to_owned(),
        source,
    };
    let parse = |pem: &str| {
        KeyPair::from_pem(pem).map_err(|error| PkiError::BadKey {
            path: path.to_owned(),
            reason: error.to_string(),
        })
    };
    match fs::read_to_string(path) {
        Ok(pem) => return parse(&pem),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(file_error(error)),
    }
    let key = KeyPair::generate()?;
    match write_new(path, key.serialize_pem().as_bytes(), true) {
        Ok(()) => Ok(key),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            parse(&fs::read_to_string(path).map_err(file_error)?)
        }
        Err(error) => Err(file_error(error)),
    }
}

/// Creates `path`, which must not exist, with `content`; mode 0600 when `secret`.
fn write_new(path: &Path, content: &[u8], secret: bool) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    let mut file = options.open(path)?;
    file.write_all(content)?;
    file.sync_all()
}

/// The longest a client certificate may be valid: ten years, as for tokens.
pub const MAX_CLIENT_LIFETIME: i64 = 3650 * 86_400;

/// Issues a client certificate to `user`, labelled `label` (checked as a token's name is),
/// valid until `not_after`, and stores its record; the caller audits it.
pub async fn issue(
    store: &Store,
    data_dir: &Path,
    user: &User,
    label: &str,
    not_after: i64,
) -> Result<(TokenRecord, Bundle), ApiError> {
    let label = label.trim().to_owned();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(ApiError::BadRequest(
            "name: give the certificate a name of 1 to 100 characters".into(),
        ));
    }
    let now = crate::store::now();
    if not_after > now + MAX_CLIENT_LIFETIME {
        return Err(ApiError::BadRequest(
            "a certificate is valid for ten years at most".into(),
        ));
    }
    let internal = |error: PkiError| ApiError::Internal(error.to_string());
    let dir = data_dir.to_owned();
    let (username, name) = (user.username.clone(), label.clone());
    let bundle = tokio::task::spawn_blocking(move || {
        Authority::load_or_create(&dir)?.client_bundle(
            &username,
            &name,
            (now - CLOCK_SKEW).min(not_after - 1),
            not_after,
        )
    })
    .await
    .map_err(|error| ApiError::Internal(error.to_string()))?
    .map_err(internal)?;
    let record = store
        .create_credential(
            TokenKind::Certificate,
            user.id,
            label,
            bundle.client.fingerprint.clone(),
            display_prefix(&bundle.client.fingerprint),
            Some(not_after),
        )
        .await?;
    Ok((record, bundle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::client::danger::ServerCertVerifier;
    use rustls::pki_types::{ServerName, UnixTime};
    use std::sync::Arc;

    #[test]
    fn the_server_certificate_covers_the_public_host_and_loopback_only() {
        let dir = tempfile::tempdir().unwrap();
        let ca = Authority::load_or_create(dir.path()).unwrap();
        let server = ca.server_certificate(&["berth.example".into()]).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.ca_der().clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        let check = |name: &str| {
            verifier.verify_server_cert(
                &server.der,
                &[],
                &ServerName::try_from(name.to_owned()).unwrap(),
                &[],
                UnixTime::now(),
            )
        };
        for name in ["berth.example", "localhost", "127.0.0.1", "::1"] {
            assert!(check(name).is_ok(), "{name}");
        }
        assert!(check("other.example").is_err());
    }

    #[test]
    fn a_bundle_is_three_files_with_a_private_key() {
        let dir = tempfile::tempdir().unwrap();
        let ca = Authority::load_or_create(dir.path()).unwrap();
        let now = crate::store::now();
        let bundle = ca.client_bundle("ada", "laptop", now, now + 60).unwrap();
        let out = dir.path().join("bundle");
        bundle.write_to(&out).unwrap();
        // Written again over the first: the files are replaced.
        bundle.write_to(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("ca.pem")).unwrap(), ca.ca_pem());
        assert!(
            fs::read_to_string(out.join("key.pem"))
                .unwrap()
                .contains("PRIVATE KEY")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(out.join("key.pem"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(display_prefix(&bundle.client.fingerprint).len(), 23);
    }
}
