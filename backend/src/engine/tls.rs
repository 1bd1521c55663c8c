//! TLS to engines, the docker CLI's way: the engine is verified against `ca.pem`, and
//! `cert.pem` with `key.pem` are presented as the client certificate when both are there.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::endpoint::EndpointError;

/// Builds the client configuration from the PEM files in `cert_path`.
pub fn client_config(cert_path: &Path) -> Result<Arc<rustls::ClientConfig>, EndpointError> {
    let file_error = |name: &str, reason: &dyn std::fmt::Display| {
        EndpointError::Tls(format!("{}: {reason}", cert_path.join(name).display()))
    };
    let mut roots = rustls::RootCertStore::empty();
    for certificate in
        certificates(&cert_path.join("ca.pem")).map_err(|error| file_error("ca.pem", &error))?
    {
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
    let (cert, key) = (cert_path.join("cert.pem"), cert_path.join("key.pem"));
    let config = if cert.is_file() && key.is_file() {
        let chain = certificates(&cert).map_err(|error| file_error("cert.pem", &error))?;
        let key =
            PrivateKeyDer::from_pem_file(&key).map_err(|error| file_error("key.pem", &error))?;
        builder
            .with_client_auth_cert(chain, key)
            .map_err(|error| file_error("cert.pem", &error))?
    } else {
        builder.with_no_client_auth()
    };
    Ok(Arc::new(config))
}

fn certificates(
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, rustls::pki_types::pem::Error> {
    CertificateDer::pem_file_iter(path)?.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_ca_is_named() {
        let error = client_config(Path::new("/nonexistent/certs")).unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/certs/ca.pem"),
            "{error}"
        );
    }
}
