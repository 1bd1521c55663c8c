//! TLS to engines, the docker CLI's way: the engine is verified against `ca.pem`, and
//! `cert.pem` with `key.pem` are presented as the client certificate when both are there. The
//! PEM comes from a `DOCKER_CERT_PATH` directory (`--docker-host`) or from memory (a stored
//! environment, its key opened from the vault), and both build the one client configuration.
//! [`explain`] names what a failed handshake means.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{AlertDescription, CertificateError};

use super::endpoint::EndpointError;

/// Where an engine's TLS material comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineTls {
    /// A `DOCKER_CERT_PATH` directory with `ca.pem` and, optionally, `cert.pem` and `key.pem`,
    /// read when the client is built.
    CertPath(PathBuf),
    /// The same files' contents, held in memory.
    Pem(TlsPem),
}

/// PEM text: the CA, and the client's certificate with its key.
#[derive(Clone, PartialEq, Eq)]
pub struct TlsPem {
    /// The CA certificates (`ca.pem`).
    pub ca: String,
    /// The client certificate chain and its private key (`cert.pem`, `key.pem`).
    pub client: Option<(String, String)>,
}

impl fmt::Debug for TlsPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsPem")
            .field("ca", &format_args!("{} bytes", self.ca.len()))
            .field(
                "client",
                &self.client.as_ref().map(|_| "certificate and key"),
            )
            .finish()
    }
}

impl TlsPem {
    /// Reads `ca.pem`, and `cert.pem` with `key.pem` when both are there, from `dir`.
    pub fn read_dir(dir: &Path) -> Result<TlsPem, EndpointError> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).map_err(|error| {
                EndpointError::Tls(format!("{}: {error}", dir.join(name).display()))
            })
        };
        let ca = read("ca.pem")?;
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        let client = if cert.is_file() && key.is_file() {
            Some((read("cert.pem")?, read("key.pem")?))
        } else {
            None
        };
        Ok(TlsPem { ca, client })
    }
}

/// Builds the client configuration; an error names the file (or, for material in memory, the
/// part) that cannot be used.
pub fn client_config(tls: &EngineTls) -> Result<Arc<rustls::ClientConfig>, EndpointError> {
    match tls {
        EngineTls::CertPath(dir) => {
            let pem = TlsPem::read_dir(dir)?;
            build(&pem, &|file| dir.join(file).display().to_string())
        }
        EngineTls::Pem(pem) => build(pem, &|file| match file {
            "ca.pem" => "the CA certificate (ca.pem)".to_owned(),
            "cert.pem" => "the client certificate (cert.pem)".to_owned(),
            _ => "the client key (key.pem)".to_owned(),
        }),
    }
}

fn build(
    pem: &TlsPem,
    name: &dyn Fn(&str) -> String,
) -> Result<Arc<rustls::ClientConfig>, EndpointError> {
    let file_error = |file: &str, reason: &dyn fmt::Display| {
        EndpointError::Tls(format!("{}: {reason}", name(file)))
    };
    let mut roots = rustls::RootCertStore::empty();
    for certificate in certificates(&pem.ca).map_err(|error| file_error("ca.pem", &error))? {
        roots
            .add(certificate)
            .map_err(|error| file_error("ca.pem", &error))?;
    }
    if roots.is_empty() {
        return Err(file_error("ca.pem", &"no certificate found"));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| EndpointError::Tls(error.to_string()))?
        .with_root_certificates(roots);
    let config = match &pem.client {
        Some((cert, key)) => {
            let chain = certificates(cert).map_err(|error| file_error("cert.pem", &error))?;
            if chain.is_empty() {
                return Err(file_error("cert.pem", &"no certificate found"));
            }
            let key = PrivateKeyDer::from_pem_slice(key.as_bytes())
                .map_err(|error| file_error("key.pem", &error))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|error| file_error("cert.pem", &error))?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

fn certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, rustls::pki_types::pem::Error> {
    CertificateDer::pem_slice_iter(pem.as_bytes()).collect()
}

/// What a TLS failure means for the person who set the engine up, when it is one of the
/// failures worth naming: an unknown CA, a name mismatch, a refused client certificate.
pub fn explain(error: &rustls::Error) -> Option<&'static str> {
    match error {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            CertificateError::UnknownIssuer => Some(
                "unknown CA: the engine's certificate is not signed by the CA Berth was given \
                 (ca.pem)",
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Some(
                    "name mismatch: the engine's certificate does not name the host of the \
                     address",
                )
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                Some("the engine's certificate has expired")
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Some("the engine's certificate is not valid yet (check the clocks)")
            }
            _ => None,
        },
        rustls::Error::AlertReceived(alert) => match alert {
            AlertDescription::CertificateRequired => Some(
                "certificate rejected: the engine requires a client certificate (cert.pem and \
                 key.pem)",
            ),
            AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::AccessDenied => Some(
                "certificate rejected: the engine refused Berth's client certificate (cert.pem), \
                 which its CA did not sign or which has expired",
            ),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_ca_is_named() {
        let error = client_config(&EngineTls::CertPath("/nonexistent/certs".into())).unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/certs/ca.pem"),
            "{error}"
        );
    }

    #[test]
    fn material_in_memory_names_the_part_that_is_wrong() {
        let empty = TlsPem {
            ca: String::new(),
            client: None,
        };
        let error = client_config(&EngineTls::Pem(empty)).unwrap_err();
        assert!(error.to_string().contains("the CA certificate"), "{error}");
    }

    #[test]
    fn handshake_failures_are_named() {
        let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert!(explain(&unknown).unwrap().starts_with("unknown CA"));
        let name = rustls::Error::InvalidCertificate(CertificateError::NotValidForName);
        assert!(explain(&name).unwrap().starts_with("name mismatch"));
        let refused = rustls::Error::AlertReceived(AlertDescription::BadCertificate);
        assert!(
            explain(&refused)
                .unwrap()
                .starts_with("certificate rejected")
        );
        assert_eq!(explain(&rustls::Error::DecryptError), None);
    }
}
