//! `berth environment add|list|edit|remove`: the engines Berth manages besides `local`. Adding
//! or editing one checks its engine first, with the same code as the API; a running
//! `berth serve` on the same data directory picks the change up within a few seconds.

use std::path::{Path, PathBuf};

use berth_shared::api::environments::{EnvironmentRequest, SshMaterial};
use clap::{Args, Subcommand};

use super::users::operator_name;
use super::{CliError, DataDirArg, date};
use crate::audit::AuditScope;
use crate::environments::changes::{self, Saved};
use crate::environments::check::Checked;
use crate::environments::input::{material_of_dir, record_view};
use crate::error::ApiError;
use crate::registries::Vault;
use crate::store::{EnvironmentRecord, Store, StoredTransport};

/// Environment administration.
#[derive(Debug, Subcommand)]
pub enum EnvironmentCommand {
    /// Add an environment after checking that its engine answers.
    #[command(after_help = "Examples:\n  \
        berth environment add --name NAS --docker-host unix:///run/nas/docker.sock\n  \
        berth environment add --name prod --docker-host tcp://10.0.0.5:2376 --tls-verify --cert-path ~/.docker/prod\n  \
        berth environment add --name lab --docker-host tcp://10.0.0.9:2375 --insecure --offline-ok\n  \
        berth environment add --name nas --docker-host ssh://docker@nas.lan --ssh-key ~/.ssh/berth_nas")]
    Add {
        /// The display name, unique.
        #[arg(long)]
        name: String,
        /// The id in /engine/<id>/…: lower-case letters, digits and dashes. Made from the name
        /// when left out.
        #[arg(long, value_name = "SLUG")]
        id: Option<String>,
        #[command(flatten)]
        details: Details,
        #[command(flatten)]
        transport: Transport,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// List environments.
    List {
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// Change an environment; its engine is checked again when its address, TLS or SSH
    /// settings change.
    Edit {
        /// The environment's name (or id).
        #[arg(long)]
        name: String,
        /// A new display name.
        #[arg(long, value_name = "NAME")]
        new_name: Option<String>,
        #[command(flatten)]
        details: Details,
        #[command(flatten)]
        transport: Transport,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// Remove an environment; /engine/<id>/ answers 404 from then on.
    Remove {
        /// The environment's name (or id).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
}

/// What an environment is for.
#[derive(Debug, Clone, Default, Args)]
pub struct Details {
    /// What it is for.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// A label, such as prod or nas; repeat for more. On edit, the given tags replace the
    /// stored ones.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}

/// How to reach the engine.
#[derive(Debug, Clone, Default, Args)]
pub struct Transport {
    /// The engine: unix:///path/to/docker.sock, tcp://host:port or ssh://user@host[:port].
    /// Required for add.
    #[arg(long, value_name = "URL")]
    pub docker_host: Option<String>,
    /// TLS for a tcp:// engine, verified against ca.pem, presenting cert.pem and key.pem
    /// from --cert-path; the certificate and key are sealed in the store.
    #[arg(long, requires = "cert_path", conflicts_with = "insecure")]
    pub tls_verify: bool,
    /// The directory with ca.pem and, for client authentication, cert.pem and key.pem.
    #[arg(long, value_name = "DIR", requires = "tls_verify")]
    pub cert_path: Option<PathBuf>,
    /// Allow plain tcp://: anyone on the network path can read and drive the engine.
    #[arg(long)]
    pub insecure: bool,
    /// For ssh://: the private key to log in with, in OpenSSH's format and without a
    /// passphrase; it is sealed in the store.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["tls_verify", "insecure"])]
    pub ssh_key: Option<PathBuf>,
    /// For ssh://: the engine's socket on the host (default /var/run/docker.sock).
    #[arg(long, value_name = "PATH")]
    pub ssh_socket: Option<String>,
    /// For ssh://: the host key's fingerprint as `ssh-keygen -lf` prints it (SHA256:…), to pin
    /// it up front. Without it, the key the host shows when it is checked is pinned, and
    /// printed for you to confirm.
    #[arg(long, value_name = "SHA256:…")]
    pub ssh_host_key: Option<String>,
    /// Save the environment even if its engine does not answer now.
    #[arg(long)]
    pub offline_ok: bool,
}

impl EnvironmentCommand {
    /// The data directory argument of any variant.
    pub fn data_dir(&self) -> &DataDirArg {
        match self {
            EnvironmentCommand::Add { data_dir, .. }
            | EnvironmentCommand::List { data_dir }
            | EnvironmentCommand::Edit { data_dir, .. }
            | EnvironmentCommand::Remove { data_dir, .. } => data_dir,
        }
    }
}

/// Runs an environment command against the store in `data_dir`.
pub async fn run(
    command: EnvironmentCommand,
    store: Store,
    data_dir: &Path,
) -> Result<(), CliError> {
    let scope = AuditScope::command_line(&operator_name());
    let vault = Vault::new(data_dir);
    match command {
        EnvironmentCommand::Add {
            name,
            id,
            details,
            transport,
            ..
        } => {
            let request = add_request(name, id, details, &transport)?;
            let saved = changes::add(&store, &vault, &scope, "CLI", &request)
                .await
                .map_err(failed)?;
            report("added", &saved);
        }
        EnvironmentCommand::List { .. } => {
            let environments = store.environments().await?;
            print!("{}", table(&environments));
        }
        EnvironmentCommand::Edit {
            name,
            new_name,
            details,
            transport,
            ..
        } => {
            changes::not_local(&name).map_err(failed)?;
            let stored = store
                .environment(&name)
                .await
                .map_err(|error| failed(error.into()))?;
            let request = edit_request(&stored, new_name, details, &transport)?;
            let saved = changes::edit(&store, &vault, &scope, "CLI", &stored.id, &request)
                .await
                .map_err(failed)?;
            report("changed", &saved);
        }
        EnvironmentCommand::Remove { name, .. } => {
            let removed = changes::remove(&store, &scope, "CLI", &name)
                .await
                .map_err(failed)?;
            println!(
                "removed environment {} ({}); /engine/{}/ is gone",
                removed.fields.name, removed.id, removed.id
            );
        }
    }
    Ok(())
}

/// A refusal of the input is bad input (exit 2); anything else a failure (exit 1).
fn failed(error: ApiError) -> CliError {
    match error {
        ApiError::BadRequest(message)
        | ApiError::Conflict(message)
        | ApiError::Missing(message) => CliError::BadInput(message),
        other => CliError::Failed(other.to_string()),
    }
}

fn report(verb: &str, saved: &Saved) {
    let view = record_view(&saved.record);
    println!(
        "{verb} environment {} ({}) at {}",
        view.name, view.id, view.docker_host
    );
    match &saved.checked {
        Some(Checked::Reachable(negotiated)) => println!(
            "engine: Docker {} ({}/{}), API {}",
            negotiated.engine.version,
            negotiated.engine.os,
            negotiated.engine.arch,
            negotiated.api_version
        ),
        Some(Checked::Offline(error)) => println!("saved offline: {error}"),
        None => {}
    }
    if let Some(host_key) = &view.host_key {
        println!(
            "host key: {host_key} (pinned; compare it with `ssh-keygen -lf` of the host's key \
             on the host itself)"
        );
    }
    if view.insecure {
        println!("warning: plain TCP, marked insecure: nothing protects this engine's connection");
    }
}

/// The request `add` makes of its arguments.
pub fn add_request(
    name: String,
    id: Option<String>,
    details: Details,
    transport: &Transport,
) -> Result<EnvironmentRequest, CliError> {
    let docker_host = transport
        .docker_host
        .clone()
        .ok_or_else(|| CliError::BadInput("--docker-host: give the engine's address".into()))?;
    Ok(EnvironmentRequest {
        name,
        id,
        description: details.description.unwrap_or_default(),
        tags: details.tags,
        docker_host,
        tls_verify: transport.tls_verify,
        tls: tls_material(transport)?,
        ssh: ssh_material(transport)?,
        insecure: transport.insecure,
        offline_ok: transport.offline_ok,
    })
}

/// The request `edit` makes: the stored environment with the given arguments over it. A new
/// `--docker-host` brings its own transport options; without one, `--cert-path` replaces the
/// TLS material and the rest stays.
pub fn edit_request(
    stored: &EnvironmentRecord,
    new_name: Option<String>,
    details: Details,
    transport: &Transport,
) -> Result<EnvironmentRequest, CliError> {
    let fields = &stored.fields;
    let view = record_view(stored);
    let (docker_host, tls_verify, insecure) = match &transport.docker_host {
        Some(host) => (host.clone(), transport.tls_verify, transport.insecure),
        None => {
            if transport.insecure && !view.insecure {
                return Err(CliError::BadInput(
                    "--insecure: give --docker-host with it, to change how the engine is reached"
                        .into(),
                ));
            }
            let tls = matches!(fields.transport, StoredTransport::TcpTls { .. });
            let tls_verify = tls || transport.tls_verify;
            (view.docker_host, tls_verify, view.insecure && !tls_verify)
        }
    };
    Ok(EnvironmentRequest {
        name: new_name.unwrap_or_else(|| fields.name.clone()),
        id: None,
        description: details
            .description
            .unwrap_or_else(|| fields.description.clone()),
        tags: if details.tags.is_empty() {
            fields.tags.clone()
        } else {
            details.tags
        },
        docker_host,
        tls_verify,
        tls: tls_material(transport)?,
        ssh: ssh_material(transport)?,
        insecure,
        offline_ok: transport.offline_ok,
    })
}

/// The SSH settings given, when any are: the key read from its file.
fn ssh_material(transport: &Transport) -> Result<Option<SshMaterial>, CliError> {
    if transport.ssh_key.is_none()
        && transport.ssh_socket.is_none()
        && transport.ssh_host_key.is_none()
    {
        return Ok(None);
    }
    let private_key_pem = transport
        .ssh_key
        .as_deref()
        .map(|file| {
            std::fs::read_to_string(file).map_err(|error| {
                CliError::BadInput(format!("--ssh-key {}: {error}", file.display()))
            })
        })
        .transpose()?;
    Ok(Some(SshMaterial {
        private_key_pem,
        socket: transport.ssh_socket.clone(),
        host_key: transport.ssh_host_key.clone(),
    }))
}

fn tls_material(
    transport: &Transport,
) -> Result<Option<berth_shared::api::environments::TlsMaterial>, CliError> {
    transport
        .cert_path
        .as_deref()
        .map(|dir| {
            material_of_dir(dir)
                .map_err(|error| CliError::BadInput(format!("--cert-path: {error}")))
        })
        .transpose()
}

/// The table `list` prints.
pub fn table(environments: &[EnvironmentRecord]) -> String {
    let mut out = format!(
        "{:<16} {:<20} {:<14} {:<32} {:<16} {}\n",
        "ID", "NAME", "TRANSPORT", "DOCKER HOST", "TAGS", "UPDATED (UTC)"
    );
    for record in environments {
        let view = record_view(record);
        let transport = if view.insecure {
            "tcp (insecure)".to_owned()
        } else {
            view.transport.to_string()
        };
        out.push_str(&format!(
            "{:<16} {:<20} {:<14} {:<32} {:<16} {}\n",
            view.id,
            view.name,
            transport,
            view.docker_host,
            view.tags.join(","),
            date(record.updated_at)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<EnvironmentCommand, clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once("berth").chain(args.iter().copied()))?;
        match cli.command {
            Command::Environment(command) => Ok(command),
            other => panic!("{other:?}"),
        }
    }

    /// The request an `add` command makes.
    fn request_of(command: EnvironmentCommand) -> Result<EnvironmentRequest, CliError> {
        let EnvironmentCommand::Add {
            name,
            id,
            details,
            transport,
            ..
        } = command
        else {
            panic!("{command:?}");
        };
        add_request(name, id, details, &transport)
    }

    #[test]
    fn add_takes_repeated_tags_and_the_transport_options() {
        let command = parse(&[
            "environment",
            "add",
            "--name",
            "NAS",
            "--docker-host",
            "tcp://10.0.0.5:2375",
            "--tag",
            "home",
            "--tag",
            "nas",
            "--insecure",
            "--offline-ok",
        ])
        .unwrap();
        let request = request_of(command).unwrap();
        assert_eq!(request.name, "NAS");
        assert_eq!(request.tags, ["home", "nas"]);
        assert!(request.insecure && request.offline_ok && !request.tls_verify);
        assert_eq!(request.tls, None);
    }

    #[test]
    fn tls_needs_a_cert_path_and_excludes_insecure() {
        let base = [
            "environment",
            "add",
            "--name",
            "p",
            "--docker-host",
            "tcp://h:2376",
        ];
        let with = |extra: &[&str]| parse(&[&base[..], extra].concat());
        assert!(with(&["--tls-verify"]).is_err());
        assert!(with(&["--cert-path", "/certs"]).is_err());
        assert!(with(&["--tls-verify", "--cert-path", "/certs", "--insecure"]).is_err());
        let command = with(&["--tls-verify", "--cert-path", "/nonexistent/certs"]).unwrap();
        let error = request_of(command).unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/certs/ca.pem"),
            "{error}"
        );
    }

    #[test]
    fn ssh_takes_a_key_file_a_socket_and_a_host_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("id_ed25519");
        std::fs::write(&key, "KEY TEXT").unwrap();
        let base = [
            "environment",
            "add",
            "--name",
            "far",
            "--docker-host",
            "ssh://docker@far.lan",
        ];
        let with = |extra: &[&str]| parse(&[&base[..], extra].concat());
        let command = with(&[
            "--ssh-key",
            key.to_str().unwrap(),
            "--ssh-socket",
            "/run/docker.sock",
            "--ssh-host-key",
            "SHA256:x",
        ])
        .unwrap();
        let request = request_of(command).unwrap();
        assert_eq!(
            request.ssh,
            Some(SshMaterial {
                private_key_pem: Some("KEY TEXT".into()),
                socket: Some("/run/docker.sock".into()),
                host_key: Some("SHA256:x".into()),
            })
        );
        assert_eq!(request_of(with(&[]).unwrap()).unwrap().ssh, None);
        assert!(with(&["--ssh-key", "/k", "--insecure"]).is_err());
        let missing = request_of(with(&["--ssh-key", "/nonexistent/key"]).unwrap()).unwrap_err();
        assert!(
            missing.to_string().contains("/nonexistent/key"),
            "{missing}"
        );
    }

    #[test]
    fn edit_keeps_what_it_is_not_given() {
        let stored = EnvironmentRecord {
            id: "nas".into(),
            fields: crate::store::EnvironmentFields {
                name: "NAS".into(),
                description: "at home".into(),
                tags: vec!["home".into()],
                transport: StoredTransport::TcpInsecure {
                    host: "10.0.0.5".into(),
                    port: 2375,
                },
            },
            created_at: 1,
            updated_at: 1,
        };
        let request = edit_request(
            &stored,
            Some("Home NAS".into()),
            Details::default(),
            &Transport::default(),
        )
        .unwrap();
        assert_eq!(request.name, "Home NAS");
        assert_eq!(request.description, "at home");
        assert_eq!(request.tags, ["home"]);
        assert_eq!(request.docker_host, "tcp://10.0.0.5:2375");
        assert!(request.insecure && !request.tls_verify);
        let moved = Transport {
            docker_host: Some("unix:///run/nas.sock".into()),
            ..Transport::default()
        };
        let request = edit_request(&stored, None, Details::default(), &moved).unwrap();
        assert_eq!(request.docker_host, "unix:///run/nas.sock");
        assert!(!request.insecure);
    }

    #[test]
    fn the_table_marks_insecure_environments() {
        let record = EnvironmentRecord {
            id: "lab".into(),
            fields: crate::store::EnvironmentFields {
                name: "Lab".into(),
                description: String::new(),
                tags: vec!["a".into(), "b".into()],
                transport: StoredTransport::TcpInsecure {
                    host: "10.0.0.9".into(),
                    port: 2375,
                },
            },
            created_at: 0,
            updated_at: 0,
        };
        let table = table(&[record]);
        let row = table.lines().nth(1).unwrap();
        assert!(row.starts_with("lab "), "{table}");
        assert!(row.contains("tcp (insecure)"), "{table}");
        assert!(row.contains("tcp://10.0.0.9:2375"), "{table}");
        assert!(row.contains("a,b"), "{table}");
    }
}
