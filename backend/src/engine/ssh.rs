//! Engines behind SSH: Berth logs in to the engine's host with a private key (russh), checks the
//! host key against the one pinned, and opens a `direct-streamlocal@openssh.com` channel to the
//! engine's unix socket for each engine connection, so the far host needs sshd and the engine,
//! but no docker CLI. One SSH session per environment carries all its channels; when it drops
//! (the host restarted, keep-alives went unanswered), the next connection makes a new one.
//!
//! A host key other than the pinned one is refused with [`EngineFailure::HostKeyChanged`], and
//! a key the host does not accept with [`EngineFailure::AuthenticationRefused`]; both reach
//! the check, health and the gateway as an [`SshFailure`] inside the connection's I/O error.
//! Without a pin (only while an admin adds the environment), any host key is accepted and its
//! fingerprint kept, for the check to pin (trust on first use).

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use berth_shared::api::EngineFailure;
use russh::client::{self, Handle, Msg};
use russh::keys::{HashAlg, PrivateKey, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh::{ChannelStream, Disconnect};
use tokio::sync::Mutex;

use super::endpoint::EndpointError;

/// How often an idle session is probed, and how many unanswered probes end it.
const KEEPALIVE: Duration = Duration::from_secs(15);
const KEEPALIVE_MAX: usize = 3;

/// How long the TCP connection, the key exchange and the login may take together.
const LOGIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how to reach an engine over SSH.
#[derive(Clone, PartialEq, Eq)]
pub struct SshTarget {
    /// The user to log in as.
    pub user: String,
    /// The host name or address.
    pub host: String,
    /// The SSH port.
    pub port: u16,
    /// The engine's socket on the host.
    pub socket: String,
    /// The private key, OpenSSH format.
    pub private_key: String,
    /// The pinned host key's fingerprint (`SHA256:…`); `None` only while being checked.
    pub host_key: Option<String>,
}

impl fmt::Debug for SshTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SshTarget")
            .field("user", &self.user)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("socket", &self.socket)
            .field("private_key", &"…")
            .field("host_key", &self.host_key)
            .finish()
    }
}

impl fmt::Display for SshTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ssh://{}@{}:{}", self.user, self.host, self.port)
    }
}

/// The user, host and port of `ssh://user@host[:port]` (port 22 when absent).
pub fn parse_address(text: &str) -> Result<(String, String, u16), EndpointError> {
    let bad = || EndpointError::BadAddress(text.to_owned());
    let rest = text.strip_prefix("ssh://").ok_or_else(bad)?;
    let authority = rest.trim_end_matches('/');
    let Some((user, host_port)) = authority.rsplit_once('@') else {
        return Err(EndpointError::Ssh(format!(
            "`{text}` names no user: write ssh://user@host[:port]"
        )));
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
            (host, port.parse::<u16>().map_err(|_| bad())?)
        }
        _ => (host_port, 22),
    };
    if user.is_empty() || host.is_empty() || authority.contains('/') || user.contains(':') {
        return Err(bad());
    }
    Ok((user.to_owned(), host.to_owned(), port))
}

/// Reads an OpenSSH private key; one with a passphrase is refused, since Berth could not
/// unlock it unattended.
pub fn private_key(pem: &str) -> Result<PrivateKey, EndpointError> {
    let key = russh::keys::decode_secret_key(pem, None).map_err(|error| {
        EndpointError::Ssh(format!(
            "the private key cannot be read ({error}); give an OpenSSH private key without a \
             passphrase"
        ))
    })?;
    Ok(key)
}

/// Checks an expected host key fingerprint and writes it the way Berth stores it,
/// `SHA256:` and 43 base64 characters, as `ssh-keygen -lf` prints it.
pub fn fingerprint_text(text: &str) -> Result<String, EndpointError> {
    let text = text.trim();
    let digest = text.strip_prefix("SHA256:").unwrap_or_default();
    let base64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    if digest.len() != 43 || !digest.chars().all(base64) {
        return Err(EndpointError::Ssh(format!(
            "host key '{text}' is not a fingerprint: give it as `ssh-keygen -lf` prints it, \
             SHA256: and 43 characters"
        )));
    }
    Ok(text.to_owned())
}

/// A failed SSH connection: what kind, and what happened, as the engine's connection error.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SshFailure {
    /// The kind, for health and the check.
    pub failure: EngineFailure,
    /// What happened.
    pub message: String,
}

impl SshFailure {
    fn io(failure: EngineFailure, message: impl Into<String>) -> io::Error {
        io::Error::other(SshFailure {
            failure,
            message: message.into(),
        })
    }
}

/// Why the SSH session ended while it was being set up.
#[derive(Debug)]
enum SessionError {
    /// The host showed another key than the pinned one.
    HostKeyChanged { pinned: String, shown: String },
    /// Anything russh reports.
    Ssh(russh::Error),
}

impl From<russh::Error> for SessionError {
    fn from(error: russh::Error) -> Self {
        SessionError::Ssh(error)
    }
}

/// The client side of a session: checks the host key against the pin.
struct Pinning {
    pinned: Option<String>,
    shown: Arc<StdMutex<Option<String>>>,
}

impl client::Handler for Pinning {
    type Error = SessionError;

    async fn check_server_key(
        &mut self,
        server_key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let key_data = match server_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.key_data().clone(),
            PublicKeyOrCertificate::Certificate(certificate) => certificate.public_key().clone(),
        };
        let shown = key_data.fingerprint(HashAlg::Sha256).to_string();
        *self.shown.lock().expect("host key lock") = Some(shown.clone());
        match &self.pinned {
            Some(pinned) if *pinned != shown => Err(SessionError::HostKeyChanged {
                pinned: pinned.clone(),
                shown,
            }),
            _ => Ok(true),
        }
    }
}

/// The SSH sessions of one engine: at most one open at a time, shared by its channels.
pub(crate) struct SshSessions {
    target: SshTarget,
    key: Result<Arc<PrivateKey>, String>,
    session: Mutex<Option<Arc<Handle<Pinning>>>>,
    /// The fingerprint of the host key shown at the last key exchange.
    shown: Arc<StdMutex<Option<String>>>,
}

impl fmt::Debug for SshSessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SshSessions")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// A channel to the engine's socket, as a byte stream.
pub(crate) struct SshStream(pub(crate) ChannelStream<Msg>);

impl fmt::Debug for SshStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SshStream")
    }
}

impl SshSessions {
    pub(crate) fn new(target: &SshTarget) -> Self {
        let key = private_key(&target.private_key)
            .map(Arc::new)
            .map_err(|error| error.to_string());
        Self {
            target: target.clone(),
            key,
            session: Mutex::new(None),
            shown: Arc::new(StdMutex::new(None)),
        }
    }

    /// The fingerprint of the host key the host last showed.
    pub(crate) fn shown_host_key(&self) -> Option<String> {
        self.shown.lock().expect("host key lock").clone()
    }

    /// Opens a channel to the engine's socket, on the open session or, when there is none or
    /// it has ended, on a new one.
    pub(crate) async fn open(&self) -> io::Result<SshStream> {
        let mut session = self.session.lock().await;
        if let Some(open) = session.as_ref().filter(|open| !open.is_closed()) {
            match open
                .channel_open_direct_streamlocal(self.target.socket.clone())
                .await
            {
                Ok(channel) => return Ok(SshStream(channel.into_stream())),
                Err(russh::Error::ChannelOpenFailure(reason)) => {
                    return Err(self.channel_refused(&format!("{reason:?}")));
                }
                // The session broke under it: make a new one below.
                Err(error) => tracing::debug!(%error, "an SSH session ended; reconnecting"),
            }
        }
        *session = None;
        let fresh = Arc::new(self.login().await?);
        let channel = fresh
            .channel_open_direct_streamlocal(self.target.socket.clone())
            .await
            .map_err(|error| match error {
                russh::Error::ChannelOpenFailure(reason) => {
                    self.channel_refused(&format!("{reason:?}"))
                }
                other => SshFailure::io(EngineFailure::Network, format!("SSH: {other}")),
            })?;
        *session = Some(fresh);
        Ok(SshStream(channel.into_stream()))
    }

    fn channel_refused(&self, reason: &str) -> io::Error {
        SshFailure::io(
            EngineFailure::SshChannelRefused,
            format!(
                "{} refused a channel to {} ({reason}): check that the engine listens there, \
                 that {} may open it, and that sshd allows stream-local forwarding",
                self.target, self.target.socket, self.target.user
            ),
        )
    }

    /// Connects, checks the host key and logs in.
    async fn login(&self) -> io::Result<Handle<Pinning>> {
        let key = match &self.key {
            Ok(key) => Arc::clone(key),
            Err(reason) => {
                return Err(SshFailure::io(EngineFailure::AuthenticationRefused, reason));
            }
        };
        let attempt = async {
            let host = self
                .target
                .host
                .trim_start_matches('[')
                .trim_end_matches(']');
            let tcp = tokio::net::TcpStream::connect((host, self.target.port)).await?;
            tcp.set_nodelay(true)?;
            let config = Arc::new(client::Config {
                keepalive_interval: Some(KEEPALIVE),
                keepalive_max: KEEPALIVE_MAX,
                nodelay: true,
                ..client::Config::default()
            });
            let handler = Pinning {
                pinned: self.target.host_key.clone(),
                shown: Arc::clone(&self.shown),
            };
            let mut handle = client::connect_stream(config, tcp, handler)
                .await
                .map_err(|error| self.session_error(error))?;
            let hash = handle
                .best_supported_rsa_hash()
                .await
                .map_err(|error| self.session_error(error.into()))?
                .flatten();
            let accepted = handle
                .authenticate_publickey(
                    self.target.user.clone(),
                    PrivateKeyWithHashAlg::new(key, hash),
                )
                .await
                .map_err(|error| self.session_error(error.into()))?;
            if !accepted.success() {
                let _ = handle.disconnect(Disconnect::ByApplication, "", "").await;
                return Err(SshFailure::io(
                    EngineFailure::AuthenticationRefused,
                    format!(
                        "{} did not accept the key given for user {}",
                        self.target, self.target.user
                    ),
                ));
            }
            Ok(handle)
        };
        tokio::time::timeout(LOGIN_TIMEOUT, attempt)
            .await
            .map_err(|_| {
                io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "SSH: no login to {} within {} s",
                        self.target,
                        LOGIN_TIMEOUT.as_secs()
                    ),
                )
            })?
    }

    fn session_error(&self, error: SessionError) -> io::Error {
        match error {
            SessionError::HostKeyChanged { pinned, shown } => {
                tracing::warn!(
                    engine = %self.target,
                    %pinned,
                    %shown,
                    "refused an SSH host whose key is not the pinned one"
                );
                SshFailure::io(
                    EngineFailure::HostKeyChanged,
                    format!(
                        "{} showed the host key {shown}, but {pinned} is pinned. If the host was \
                     reinstalled, pin its new key (berth environment edit --ssh-host-key); \
                     otherwise someone may be in the middle",
                        self.target
                    ),
                )
            }
            SessionError::Ssh(russh::Error::IO(io)) => io,
            SessionError::Ssh(other) => {
                SshFailure::io(EngineFailure::Network, format!("SSH: {other}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_a_user_and_a_host() {
        assert_eq!(
            parse_address("ssh://docker@10.0.0.5").unwrap(),
            ("docker".into(), "10.0.0.5".into(), 22)
        );
        assert_eq!(
            parse_address("ssh://me@nas.lan:2222").unwrap(),
            ("me".into(), "nas.lan".into(), 2222)
        );
        assert_eq!(
            parse_address("ssh://me@[::1]:2222").unwrap(),
            ("me".into(), "[::1]".into(), 2222)
        );
        assert!(matches!(
            parse_address("ssh://nas.lan"),
            Err(EndpointError::Ssh(_))
        ));
        for bad in ["ssh://@h", "ssh://me@", "ssh://me@h:port", "ssh://me@h/x/y"] {
            assert!(
                matches!(parse_address(bad), Err(EndpointError::BadAddress(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn fingerprints_are_checked() {
        let good = format!("SHA256:{}", "A".repeat(43));
        assert_eq!(fingerprint_text(&format!(" {good} ")).unwrap(), good);
        for bad in [
            "",
            "MD5:aa",
            "SHA256:short",
            &format!("SHA256:{}!", "A".repeat(42)),
        ] {
            assert!(fingerprint_text(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_key_with_a_passphrase_or_no_key_is_refused() {
        let error = private_key("not a key").unwrap_err();
        assert!(
            error.to_string().contains("without a passphrase"),
            "{error}"
        );
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let target = SshTarget {
            user: "me".into(),
            host: "h".into(),
            port: 22,
            socket: "/var/run/docker.sock".into(),
            private_key: "SECRET".into(),
            host_key: None,
        };
        assert!(!format!("{target:?}").contains("SECRET"));
        assert_eq!(target.to_string(), "ssh://me@h:22");
    }
}
