//! `berth token create|list|revoke`.

use clap::Subcommand;

use super::users::{audited, operator_name, user_named};
use super::{CliError, DataDirArg, date};
use crate::audit::{Action, AuditScope};
use crate::auth::secrets::sha256_hex;
use crate::auth::{new_api_token, token_display_prefix};
use crate::store::{Store, TokenRecord, now};

/// API token administration.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for a user; it is printed once, on the last line, and only its hash is
    /// kept.
    #[command(
        after_help = "Example:\n  TOKEN=$(berth token create --user ada --name laptop --expires 90d | tail -n 1)"
    )]
    Create {
        /// The owner; the token acts with their role.
        #[arg(long)]
        user: String,
        /// A name for the token, unique among the user's tokens.
        #[arg(long)]
        name: String,
        /// How long until it stops working, such as 12h, 30d, 8w or 1y. Never, if left out.
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// List tokens, of one user or of all.
    List {
        /// Only this user's tokens.
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// Revoke a token by its id (from `berth token list`).
    Revoke {
        /// The token's id.
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
}

impl TokenCommand {
    /// The data directory argument of any variant.
    pub fn data_dir(&self) -> &DataDirArg {
        match self {
            TokenCommand::Create { data_dir, .. }
            | TokenCommand::List { data_dir, .. }
            | TokenCommand::Revoke { data_dir, .. } => data_dir,
        }
    }
}

/// Runs a token command against the store.
pub async fn run(command: TokenCommand, store: Store) -> Result<(), CliError> {
    let scope = AuditScope::command_line(&operator_name());
    match command {
        TokenCommand::Create {
            user,
            name,
            expires,
            ..
        } => {
            let owner = user_named(&store, &user).await?;
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 100 {
                return Err(CliError::BadInput(
                    "--name: give the token a name of 1 to 100 characters".into(),
                ));
            }
            let lifetime = expires.as_deref().map(parse_duration).transpose()?;
            let expires_at = lifetime.map(|seconds| now() + seconds);
            let secret = new_api_token();
            let target = format!("{name} for {}", owner.username);
            let action = Action::console("TokenCreate", "CLI", &target);
            let record = audited(
                &store,
                &scope,
                action,
                store.create_token(
                    owner.id,
                    name,
                    sha256_hex(&secret),
                    token_display_prefix(&secret),
                    expires_at,
                ),
            )
            .await?;
            let expiry = record.expires_at.map_or_else(
                || "never expires".to_owned(),
                |at| format!("expires {} UTC", date(at)),
            );
            println!(
                "created token {} ({}) for {} with role {}; it {expiry}",
                record.id, record.name, owner.username, owner.role
            );
            println!("it is shown only now; use it as: Authorization: Bearer <token>");
            println!("{secret}");
        }
        TokenCommand::List { user, .. } => {
            let owner = match user {
                Some(name) => Some(user_named(&store, &name).await?.id),
                None => None,
            };
            println!(
                "ID    USER             NAME                     PREFIX       CREATED (UTC)     EXPIRES (UTC)     STATE"
            );
            for summary in store.tokens(owner).await? {
                let token = summary.token;
                println!(
                    "{:<5} {:<16} {:<24} {:<12} {:<17} {:<17} {}",
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
        TokenCommand::Revoke { id, .. } => {
            let target = format!("token {id}");
            let action = Action::console("TokenRevoke", "CLI", &target);
            let revoked = audited(&store, &scope, action, store.revoke_token(id, None)).await?;
            if !revoked {
                return Err(CliError::BadInput(format!("no active token with id {id}")));
            }
            println!("revoked token {id}");
        }
    }
    Ok(())
}

/// What a token or certificate is now, as the lists say it: revoked, expired or active.
pub(super) fn state(token: &TokenRecord) -> &'static str {
    if token.revoked_at.is_some() {
        "revoked"
    } else if token.expires_at.is_some_and(|at| at <= now()) {
        "expired"
    } else {
        "active"
    }
}

/// Parses `90m`, `12h`, `30d`, `8w` or `1y` into seconds.
pub fn parse_duration(text: &str) -> Result<i64, CliError> {
    let bad = || {
        CliError::BadInput(format!(
            "--expires {text}: use a number and a unit, such as 12h, 30d, 8w or 1y"
        ))
    };
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| bad())?;
    let unit_seconds = match unit {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        "y" => 365 * 86_400,
        _ => return Err(bad()),
    };
    match number.checked_mul(unit_seconds) {
        Some(seconds) if number > 0 && seconds <= 100 * 365 * 86_400 => Ok(seconds),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("90m").unwrap(), 5400);
        assert_eq!(parse_duration("30d").unwrap(), 30 * 86_400);
        assert_eq!(parse_duration("1y").unwrap(), 365 * 86_400);
        for bad in ["", "d", "30", "30s", "-1d", "0d", "1.5d", "9999999999999y"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
