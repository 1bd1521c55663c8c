//! `berth cert create|list|revoke`: client certificates from Berth's CA, written as a
//! `DOCKER_CERT_PATH` folder. A certificate is a token record of its own kind, so
//! `berth token list` shows it too.

use std::path::{Path, PathBuf};

use berth_shared::api::users::TokenKind;
use clap::Subcommand;

use super::tokens::{parse_duration, state};
use super::users::{operator_name, user_named};
use super::{CliError, DataDirArg, date};
use crate::audit::{self, Action, AuditScope};
use crate::error::ApiError;
use crate::store::{Store, now};

/// Client certificate administration.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Create a client certificate for a user and write ca.pem, cert.pem and key.pem (mode
    /// 0600) into a folder, for DOCKER_CERT_PATH. Only its fingerprint is kept.
    #[command(after_help = "Example:\n  \
        berth cert create --user ada --name laptop --expires 90d --out ~/.docker/berth\n  \
        DOCKER_HOST=tcp://berth.example:8443/engine/local DOCKER_TLS_VERIFY=1 \
        DOCKER_CERT_PATH=~/.docker/berth docker ps")]
    Create {
        /// The owner; the certificate acts with their role.
        #[arg(long)]
        user: String,
        /// A name for it, unique among the user's tokens and certificates.
        #[arg(long)]
        name: String,
        /// How long until it stops working, such as 12h, 30d, 8w or 1y; 90d if left out.
        #[arg(long, value_name = "DURATION", conflicts_with = "not_after")]
        expires: Option<String>,
        /// The end of its validity as Unix seconds, which may lie in the past (for tests).
        #[arg(long, value_name = "SECONDS", hide = true, allow_hyphen_values = true)]
        not_after: Option<i64>,
        /// The folder to write; made if missing. Files already there are replaced.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// List client certificates, of one user or of all.
    List {
        /// Only this user's certificates.
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// Revoke a client certificate by its id (from `berth cert list`). A running Berth ends
    /// the streams it holds open within a second.
    Revoke {
        /// The certificate's id.
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
}

impl CertCommand {
    /// The data directory argument of any variant.
    pub fn data_dir(&self) -> &DataDirArg {
        match self {
            CertCommand::Create { data_dir, .. }
            | CertCommand::List { data_dir, .. }
            | CertCommand::Revoke { data_dir, .. } => data_dir,
        }
    }
}

/// Runs a certificate command against the store in `dir`.
pub async fn run(command: CertCommand, store: Store, dir: &Path) -> Result<(), CliError> {
    let scope = AuditScope::command_line(&operator_name());
    match command {
        CertCommand::Create {
            user,
            name,
            expires,
            not_after,
            out,
            ..
        } => {
            let owner = user_named(&store, &user).await?;
            let not_after = match (not_after, expires) {
                (Some(at), _) => at,
                (None, Some(text)) => now() + parse_duration(&text)?,
                (None, None) => now() + crate::pki::DEFAULT_CLIENT_LIFETIME,
            };
            let target = format!("certificate {} for {}", name.trim(), owner.username);
            let action = Action::console("CertificateCreate", "CLI", &target);
            let (record, bundle) = audit::audited(&store, &scope, action, 200, async {
                crate::pki::issue(&store, dir, &owner, &name, not_after).await
            })
            .await
            .map_err(cli_error)?;
            bundle
                .write_to(&out)
                .map_err(|error| CliError::Failed(error.to_string()))?;
            println!(
                "created certificate {} ({}) for {} with role {}; it expires {} UTC",
                record.id,
                record.name,
                owner.username,
                owner.role,
                date(not_after)
            );
            println!("fingerprint {}", bundle.client.fingerprint);
            println!(
                "wrote ca.pem, cert.pem and key.pem to {}; use it as DOCKER_CERT_PATH with \
                 DOCKER_TLS_VERIFY=1 against `berth serve --tls auto`",
                out.display()
            );
        }
        CertCommand::List { user, .. } => {
            let owner = match user {
                Some(name) => Some(user_named(&store, &name).await?.id),
                None => None,
            };
            println!(
                "ID    USER             NAME                     FINGERPRINT             CREATED (UTC)     EXPIRES (UTC)     STATE"
            );
            for summary in store.tokens(owner).await? {
                let token = summary.token;
                if token.kind != TokenKind::Certificate {
                    continue;
                }
                println!(
                    "{:<5} {:<16} {:<24} {:<23} {:<17} {:<17} {}",
                    token.id,
                    summary.username,
                    token.name,
                    token.prefix,
                    date(token.created_at),
                    token.expires_at.map_or_else(|| "never".to_owned(), date),
                    state(&token),
                );
            }
        }
        CertCommand::Revoke { id, .. } => {
            let is_certificate = store.tokens(None).await?.iter().any(|summary| {
                summary.token.id == id && summary.token.kind == TokenKind::Certificate
            });
            if !is_certificate {
                return Err(CliError::BadInput(format!(
                    "no certificate with id {id} (see `berth cert list`)"
                )));
            }
            let target = format!("certificate {id}");
            let action = Action::console("CertificateRevoke", "CLI", &target);
            let revoked =
                super::users::audited(&store, &scope, action, store.revoke_token(id, None)).await?;
            if !revoked {
                return Err(CliError::BadInput(format!(
                    "certificate {id} is already revoked"
                )));
            }
            println!("revoked certificate {id}");
        }
    }
    Ok(())
}

fn cli_error(error: ApiError) -> CliError {
    match error {
        ApiError::Conflict(message) | ApiError::BadRequest(message) => CliError::BadInput(message),
        other => CliError::Failed(other.to_string()),
    }
}
