//! Client certificates on Berth's HTTPS listener. The handshake asks for one but never fails
//! for want of one, or for a bad one: [`DeferredClientAuth`] checks only that the client holds
//! the key of what it showed. The chain is judged after the handshake ([`ClientCertChecker`]),
//! so that an expired certificate, or one from another CA, gets a 401 whose message the
//! docker CLI prints, instead of a TLS alert it reports as "bad certificate".

use std::sync::Arc;

use rustls::DistinguishedName;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

/// What a client showed at the handshake, as judged then; every request on the connection
/// carries it as an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientCertificate {
    /// Issued by Berth's CA and within its validity: known by its fingerprint.
    Valid {
        /// The SHA-256 fingerprint of the certificate, lowercase hex.
        fingerprint: String,
    },
    /// Refused, for this reason.
    Refused(CertRefusal),
}

/// Why a presented certificate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertRefusal {
    /// Past its validity.
    #[error(
        "the client certificate has expired: create a new one with `berth cert create` or on the Account page"
    )]
    Expired,
    /// Before its validity.
    #[error("the client certificate is not valid yet (is this machine's clock right?)")]
    NotYetValid,
    /// Not signed by this Berth's CA.
    #[error("the client certificate was not issued by this Berth's certificate authority")]
    OtherAuthority,
    /// Anything else: not for client authentication, malformed.
    #[error("the client certificate cannot be used: {0}")]
    Unusable(String),
}

/// Judges client certificates against Berth's CA.
#[derive(Debug, Clone)]
pub struct ClientCertChecker {
    webpki: Arc<dyn ClientCertVerifier>,
}

impl ClientCertChecker {
    /// A checker whose one root is `ca`.
    pub fn new(ca: &CertificateDer<'static>) -> Result<Self, rustls::Error> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.clone())?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let webpki = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .allow_unauthenticated()
            .build()
            .map_err(|error| rustls::Error::General(error.to_string()))?;
        Ok(Self { webpki })
    }

    /// The verifier for the handshake.
    pub fn handshake_verifier(&self) -> Arc<dyn ClientCertVerifier> {
        Arc::new(DeferredClientAuth {
            webpki: Arc::clone(&self.webpki),
        })
    }

    /// Judges the chain a client showed (leaf first) at `now`; `None` when it showed none.
    pub fn judge(
        &self,
        chain: Option<&[CertificateDer<'static>]>,
        now: UnixTime,
    ) -> Option<ClientCertificate> {
        let (leaf, intermediates) = chain?.split_first()?;
        Some(
            match self.webpki.verify_client_cert(leaf, intermediates, now) {
                Ok(_) => ClientCertificate::Valid {
                    fingerprint: super::fingerprint(leaf),
                },
                Err(error) => ClientCertificate::Refused(refusal(error)),
            },
        )
    }
}

fn refusal(error: rustls::Error) -> CertRefusal {
    match error {
        rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => CertRefusal::Expired,
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. },
        ) => CertRefusal::NotYetValid,
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => CertRefusal::OtherAuthority,
        other => CertRefusal::Unusable(other.to_string()),
    }
}

/// Asks for a client certificate, accepts none, and leaves the chain to
/// [`ClientCertChecker::judge`]; the client's proof that it holds the key is checked here.
#[derive(Debug)]
struct DeferredClientAuth {
    webpki: Arc<dyn ClientCertVerifier>,
}

impl ClientCertVerifier for DeferredClientAuth {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    /// No hints: a client then shows whatever certificate it has (the docker CLI shows none
    /// when the hints leave its certificate out), and a certificate from another CA gets a
    /// message that says so instead of a plain 401.
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::Authority;
    use std::time::Duration;

    fn at(seconds: i64) -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(seconds as u64))
    }

    #[test]
    fn certificates_of_the_ca_pass_within_their_validity_only() {
        let dir = tempfile::tempdir().unwrap();
        let ca = Authority::load_or_create(dir.path()).unwrap();
        let checker = ClientCertChecker::new(ca.ca_der()).unwrap();
        let now = crate::store::now();
        let bundle = ca
            .client_bundle("ada", "laptop", now - 60, now + 3600)
            .unwrap();
        let chain = [bundle.client.der.clone()];
        assert_eq!(
            checker.judge(Some(&chain), at(now)),
            Some(ClientCertificate::Valid {
                fingerprint: bundle.client.fingerprint.clone(),
            })
        );
        assert_eq!(
            checker.judge(Some(&chain), at(now + 7200)),
            Some(ClientCertificate::Refused(CertRefusal::Expired))
        );
        assert_eq!(
            checker.judge(Some(&chain), at(now - 3600)),
            Some(ClientCertificate::Refused(CertRefusal::NotYetValid))
        );
        assert_eq!(checker.judge(None, at(now)), None);
        assert_eq!(checker.judge(Some(&[]), at(now)), None);
    }

    #[test]
    fn an_expired_certificate_made_by_the_ca_is_refused_as_expired() {
        let dir = tempfile::tempdir().unwrap();
        let ca = Authority::load_or_create(dir.path()).unwrap();
        let checker = ClientCertChecker::new(ca.ca_der()).unwrap();
        let now = crate::store::now();
        let bundle = ca
            .client_bundle("ada", "old", now - 7200, now - 3600)
            .unwrap();
        assert_eq!(
            checker.judge(Some(&[bundle.client.der]), at(now)),
            Some(ClientCertificate::Refused(CertRefusal::Expired))
        );
    }

    #[test]
    fn another_data_directory_is_another_authority() {
        let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let ours = Authority::load_or_create(one.path()).unwrap();
        let theirs = Authority::load_or_create(two.path()).unwrap();
        let checker = ClientCertChecker::new(ours.ca_der()).unwrap();
        let now = crate::store::now();
        let foreign = theirs
            .client_bundle("ada", "x", now - 60, now + 60)
            .unwrap();
        assert_eq!(
            checker.judge(Some(&[foreign.client.der]), at(now)),
            Some(ClientCertificate::Refused(CertRefusal::OtherAuthority))
        );
        // A server certificate is not for client authentication.
        let server = ours.server_certificate(&["berth.example".into()]).unwrap();
        assert!(matches!(
            checker.judge(Some(&[server.der]), at(now)),
            Some(ClientCertificate::Refused(_))
        ));
    }

    #[test]
    fn the_ca_is_kept_and_its_key_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = Authority::load_or_create(dir.path()).unwrap();
        let again = Authority::load_or_create(dir.path()).unwrap();
        assert_eq!(first.ca_pem(), again.ca_pem());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(crate::pki::CA_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Certificates from before a lost ca.pem still pass against the one made again.
        let now = crate::store::now();
        let bundle = first.client_bundle("ada", "x", now - 60, now + 60).unwrap();
        std::fs::remove_file(dir.path().join(crate::pki::CA_CERT_FILE)).unwrap();
        let remade = Authority::load_or_create(dir.path()).unwrap();
        let checker = ClientCertChecker::new(remade.ca_der()).unwrap();
        assert!(matches!(
            checker.judge(Some(&[bundle.client.der]), at(now)),
            Some(ClientCertificate::Valid { .. })
        ));
    }
}
