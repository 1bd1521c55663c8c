//! The environment form's model, without DOM: what an admin typed and chose, checked into the
//! request `POST`/`PUT /api/environments` takes, each error naming its field. The rules for ids,
//! names and tags are the shared ones the server applies too.

use berth_shared::api::environments::{
    DEFAULT_SSH_SOCKET, EnvironmentRequest, EnvironmentView, SshMaterial, TlsMaterial,
    TransportKind, slug, validate_id, validate_labels,
};

use crate::field_error::FieldError;

/// The fields' labels, which errors name.
pub const NAME: &str = "Name";
/// The id field.
pub const ID: &str = "Id";
/// The description field.
pub const DESCRIPTION: &str = "Description";
/// The tags field.
pub const TAGS: &str = "Tags";
/// The address field.
pub const ADDRESS: &str = "Address";
/// The CA certificate file.
pub const CA: &str = "CA certificate";
/// The client certificate file.
pub const CERT: &str = "Client certificate";
/// The client key file.
pub const KEY: &str = "Client key";
/// The SSH private key file.
pub const SSH_KEY: &str = "Private key";
/// The engine's socket on the SSH host.
pub const SSH_SOCKET: &str = "Engine socket";
/// The SSH host key to pin up front.
pub const HOST_KEY: &str = "Host key";

/// What the form holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvironmentDraft {
    /// The display name.
    pub name: String,
    /// The id; empty makes one from the name.
    pub id: String,
    /// What it is for.
    pub description: String,
    /// Tags, separated by commas or spaces.
    pub tags: String,
    /// How Berth reaches the engine.
    pub transport: TransportKind,
    /// The engine's address.
    pub address: String,
    /// `ca.pem`, as read from the chosen file.
    pub ca_pem: String,
    /// `cert.pem`.
    pub cert_pem: String,
    /// `key.pem`.
    pub key_pem: String,
    /// The SSH private key, OpenSSH's format.
    pub ssh_key_pem: String,
    /// The engine's socket on the SSH host; empty for the default.
    pub ssh_socket: String,
    /// The host key's fingerprint to pin up front; empty pins what the host shows.
    pub ssh_host_key: String,
    /// Save it even if the engine does not answer now.
    pub offline_ok: bool,
}

impl EnvironmentDraft {
    /// The form for changing `view`: its fields filled in, the TLS files left to choose again
    /// only if they are to change.
    pub fn of(view: &EnvironmentView) -> Self {
        Self {
            name: view.name.clone(),
            id: view.id.clone(),
            description: view.description.clone(),
            tags: view.tags.join(", "),
            transport: view.transport,
            address: view.docker_host.clone(),
            ssh_socket: view
                .ssh_socket
                .clone()
                .filter(|socket| socket != DEFAULT_SSH_SOCKET)
                .unwrap_or_default(),
            ssh_host_key: view.host_key.clone().unwrap_or_default(),
            ..Self::default()
        }
    }

    /// The id the environment will get: the one typed, else one made from the name.
    pub fn id_to_be(&self) -> String {
        match self.id.trim() {
            "" => slug(&self.name),
            typed => typed.to_owned(),
        }
    }

    /// The checked request. `editing` is true for a change: the id is fixed then, and TLS files
    /// left empty keep the stored ones.
    pub fn request(&self, editing: bool) -> Result<EnvironmentRequest, FieldError> {
        let tags: Vec<String> = self
            .tags
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|tag| !tag.is_empty())
            .map(str::to_owned)
            .collect();
        let (name, description, tags) = validate_labels(&self.name, &self.description, &tags)
            .map_err(|error| {
                let text = error.to_string();
                let field = if text.starts_with("tag") {
                    TAGS
                } else if text.starts_with("description") {
                    DESCRIPTION
                } else {
                    NAME
                };
                FieldError::new(field, strip_field(&text))
            })?;
        let id = if editing {
            None
        } else {
            let id = self.id_to_be();
            if id.is_empty() {
                return Err(FieldError::new(
                    ID,
                    "the name has no letters or digits to make an id from: type one",
                ));
            }
            validate_id(&id)
                .map_err(|error| FieldError::new(ID, strip_field(&error.to_string())))?;
            Some(id)
        };
        let address = self.address.trim().to_owned();
        let scheme = match self.transport {
            TransportKind::Unix => "unix://",
            TransportKind::Tcp | TransportKind::Tls => "tcp://",
            TransportKind::Ssh => "ssh://",
        };
        let user_missing = self.transport == TransportKind::Ssh && !address.contains('@');
        if !address.starts_with(scheme) || address.len() == scheme.len() || user_missing {
            let example = match self.transport {
                TransportKind::Unix => "unix:///var/run/docker.sock",
                TransportKind::Tcp => "tcp://192.0.2.10:2375",
                TransportKind::Tls => "tcp://nas.example.com:2376",
                TransportKind::Ssh => "ssh://docker@nas.example.com:22",
            };
            return Err(FieldError::new(
                ADDRESS,
                format!("give the engine's address as {scheme}…, such as {example}"),
            ));
        }
        let tls = match self.transport {
            TransportKind::Tls => self.tls(editing)?,
            _ => None,
        };
        let ssh = match self.transport {
            TransportKind::Ssh => Some(self.ssh(editing)?),
            _ => None,
        };
        Ok(EnvironmentRequest {
            name,
            id,
            description,
            tags,
            docker_host: address,
            tls_verify: self.transport == TransportKind::Tls,
            tls,
            insecure: self.transport == TransportKind::Tcp,
            ssh,
            offline_ok: self.offline_ok,
        })
    }

    /// The SSH key (required on adding), the socket and the host key to pin, checked.
    fn ssh(&self, editing: bool) -> Result<SshMaterial, FieldError> {
        let key = self.ssh_key_pem.trim();
        if key.is_empty() && !editing {
            return Err(FieldError::new(
                SSH_KEY,
                "choose the private key the host accepts for this user (no passphrase)",
            ));
        }
        let looks_like_a_key = key.contains("-----BEGIN") && key.contains("PRIVATE KEY");
        if !key.is_empty() && !looks_like_a_key {
            return Err(FieldError::new(
                SSH_KEY,
                "this file is not a private key: it should hold a -----BEGIN OPENSSH PRIVATE KEY----- block",
            ));
        }
        let socket = self.ssh_socket.trim();
        if !socket.is_empty() && !socket.starts_with('/') {
            return Err(FieldError::new(
                SSH_SOCKET,
                format!(
                    "give the socket's absolute path on the host, such as {DEFAULT_SSH_SOCKET}"
                ),
            ));
        }
        let host_key = self.ssh_host_key.trim();
        if !host_key.is_empty() && !host_key.starts_with("SHA256:") {
            return Err(FieldError::new(
                HOST_KEY,
                "give the fingerprint as ssh-keygen -lf prints it, SHA256:…, or leave it empty to pin the key the host shows",
            ));
        }
        Ok(SshMaterial {
            private_key_pem: (!key.is_empty()).then(|| key.to_owned()),
            socket: (!socket.is_empty()).then(|| socket.to_owned()),
            host_key: (!host_key.is_empty()).then(|| host_key.to_owned()),
        })
    }

    /// The TLS material: a CA on adding, a certificate with its key or neither.
    fn tls(&self, editing: bool) -> Result<Option<TlsMaterial>, FieldError> {
        let (ca, cert, key) = (
            self.ca_pem.trim(),
            self.cert_pem.trim(),
            self.key_pem.trim(),
        );
        if ca.is_empty() && cert.is_empty() && key.is_empty() && editing {
            return Ok(None);
        }
        if ca.is_empty() {
            return Err(FieldError::new(
                CA,
                "choose the ca.pem that signed the engine's certificate",
            ));
        }
        for (field, text, what) in [
            (CA, ca, "CERTIFICATE"),
            (CERT, cert, "CERTIFICATE"),
            (KEY, key, "PRIVATE KEY"),
        ] {
            if !text.is_empty() && !text.contains("-----BEGIN") {
                return Err(FieldError::new(
                    field,
                    format!("this file is not PEM: it should hold a -----BEGIN …{what}----- block"),
                ));
            }
        }
        if cert.is_empty() != key.is_empty() {
            let field = if cert.is_empty() { CERT } else { KEY };
            return Err(FieldError::new(
                field,
                "choose the client certificate and its key together (cert.pem and key.pem)",
            ));
        }
        Ok(Some(TlsMaterial {
            ca_pem: ca.to_owned(),
            cert_pem: (!cert.is_empty()).then(|| cert.to_owned()),
            key_pem: (!key.is_empty()).then(|| key.to_owned()),
        }))
    }
}

/// The shared rules' messages start with the field ("name: …"); the form shows the field
/// itself.
fn strip_field(text: &str) -> String {
    match text.split_once(": ") {
        Some((head, rest)) if !head.contains(' ') || head.starts_with("tag ") => rest.to_owned(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(transport: TransportKind, address: &str) -> EnvironmentDraft {
        EnvironmentDraft {
            name: "Build server".into(),
            transport,
            address: address.into(),
            ..EnvironmentDraft::default()
        }
    }

    const PEM: &str = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----";
    const KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----";

    #[test]
    fn a_socket_environment_gets_an_id_from_its_name() {
        let request = draft(TransportKind::Unix, " unix:///run/docker.sock ")
            .request(false)
            .unwrap();
        assert_eq!(request.id.as_deref(), Some("build-server"));
        assert_eq!(request.docker_host, "unix:///run/docker.sock");
        assert!(!request.tls_verify && !request.insecure && request.tls.is_none());
    }

    #[test]
    fn tags_split_on_commas_and_spaces() {
        let mut form = draft(TransportKind::Unix, "unix:///s");
        form.tags = "prod, nas  arm64,".into();
        assert_eq!(form.request(false).unwrap().tags, ["prod", "nas", "arm64"]);
    }

    #[test]
    fn plain_tcp_is_sent_as_insecure() {
        let request = draft(TransportKind::Tcp, "tcp://10.0.0.2:2375")
            .request(false)
            .unwrap();
        assert!(request.insecure && !request.tls_verify);
    }

    #[test]
    fn tls_needs_a_ca_and_a_certificate_with_its_key() {
        let mut form = draft(TransportKind::Tls, "tcp://nas:2376");
        assert_eq!(form.request(false).unwrap_err().field, CA);
        form.ca_pem = PEM.into();
        form.cert_pem = PEM.into();
        assert_eq!(form.request(false).unwrap_err().field, KEY);
        form.key_pem = KEY_PEM.into();
        let request = form.request(false).unwrap();
        assert!(request.tls_verify);
        let tls = request.tls.unwrap();
        assert_eq!(tls.key_pem.as_deref(), Some(KEY_PEM));
        form.key_pem = "not a key".into();
        assert_eq!(form.request(false).unwrap_err().field, KEY);
    }

    #[test]
    fn an_edit_without_new_files_keeps_the_stored_ones() {
        let mut form = draft(TransportKind::Tls, "tcp://nas:2376");
        form.id = "ignored".into();
        let request = form.request(true).unwrap();
        assert_eq!(request.tls, None);
        assert_eq!(request.id, None);
    }

    #[test]
    fn errors_name_their_field() {
        assert_eq!(
            draft(TransportKind::Unix, "tcp://x:1")
                .request(false)
                .unwrap_err()
                .field,
            ADDRESS
        );
        assert_eq!(
            draft(TransportKind::Tls, "unix:///s")
                .request(false)
                .unwrap_err()
                .field,
            ADDRESS
        );
        let mut form = draft(TransportKind::Unix, "unix:///s");
        form.name = "local".into();
        assert_eq!(form.request(false).unwrap_err().field, NAME);
        form.name = "x".into();
        form.id = "Bad Id".into();
        assert_eq!(form.request(false).unwrap_err().field, ID);
        form.id = String::new();
        form.tags = "x".repeat(41);
        let error = form.request(false).unwrap_err();
        assert_eq!(error.field, TAGS);
        assert!(error.message.contains("40 characters"), "{}", error.message);
        form.tags = String::new();
        form.name = "***".into();
        assert_eq!(form.request(false).unwrap_err().field, ID);
    }

    #[test]
    fn ssh_needs_a_user_and_a_key_and_checks_the_pin() {
        let mut form = draft(TransportKind::Ssh, "ssh://nas:22");
        assert_eq!(form.request(false).unwrap_err().field, ADDRESS);
        form.address = "ssh://docker@nas:22".into();
        assert_eq!(form.request(false).unwrap_err().field, SSH_KEY);
        form.ssh_key_pem =
            "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----".into();
        form.ssh_host_key = "ab:cd".into();
        assert_eq!(form.request(false).unwrap_err().field, HOST_KEY);
        form.ssh_host_key = "SHA256:abc".into();
        form.ssh_socket = "run/docker.sock".into();
        assert_eq!(form.request(false).unwrap_err().field, SSH_SOCKET);
        form.ssh_socket = String::new();
        let ssh = form.request(false).unwrap().ssh.unwrap();
        assert_eq!(ssh.host_key.as_deref(), Some("SHA256:abc"));
        assert_eq!(ssh.socket, None);
        form.ssh_key_pem = String::new();
        assert_eq!(
            form.request(true).unwrap().ssh.unwrap().private_key_pem,
            None,
            "an edit keeps the key"
        );
    }

    #[test]
    fn a_stored_environment_fills_the_form() {
        let view = EnvironmentView {
            id: "nas".into(),
            name: "NAS".into(),
            description: "at home".into(),
            tags: vec!["home".into(), "arm64".into()],
            docker_host: "tcp://nas:2376".into(),
            transport: TransportKind::Tls,
            insecure: false,
            client_certificate: true,
            ssh_socket: None,
            host_key: None,
            local: false,
            created_at: Some(1),
            updated_at: Some(2),
        };
        let form = EnvironmentDraft::of(&view);
        assert_eq!(form.tags, "home, arm64");
        assert_eq!(form.id_to_be(), "nas");
        assert_eq!(form.transport, TransportKind::Tls);
    }
}
