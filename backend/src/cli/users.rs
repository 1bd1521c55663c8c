//! `berth user add|passwd|list|remove|grant|revoke`.

use berth_shared::access::{Grant, Role};
use clap::Subcommand;

use super::{CliError, DataDirArg, date, read_password_hash_from_stdin};
use crate::audit::{self, Action, AuditScope};
use crate::store::{NewUser, Store, StoreError};

/// User administration.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from the first line of standard input.
    #[command(
        after_help = "Example:\n  printf '%s\\n' \"$PASSWORD\" | berth user add --username ada --role operator --password-stdin"
    )]
    Add {
        /// The user name: letters, digits, dots, dashes, underscores or @.
        #[arg(long)]
        username: String,
        /// admin, operator or viewer.
        #[arg(long)]
        role: Role,
        /// Read the password from standard input (required: passwords never go in arguments).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// Set a user's password from standard input; ends the user's sessions.
    Passwd {
        /// The user name.
        #[arg(long)]
        username: String,
        /// Read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// List users.
    List {
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// Remove a user with their sessions and tokens.
    Remove {
        /// The user name.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// Give a user a role in one environment, overriding their global role there; `none`
    /// hides the environment from them. A running `berth serve` applies it within a second.
    #[command(
        after_help = "Examples:\n  berth user grant --username ada --environment nas --role operator\n  berth user grant --username ada --environment local --role none"
    )]
    Grant {
        /// The user name.
        #[arg(long)]
        username: String,
        /// The environment's id or name (`local`, or a stored one).
        #[arg(long)]
        environment: String,
        /// admin, operator, viewer or none.
        #[arg(long)]
        role: Grant,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
    /// Remove a user's grant for one environment: their global role applies there again.
    Revoke {
        /// The user name.
        #[arg(long)]
        username: String,
        /// The environment's id or name.
        #[arg(long)]
        environment: String,
        #[command(flatten)]
        data_dir: DataDirArg,
    },
}

impl UserCommand {
    /// The data directory argument of any variant.
    pub fn data_dir(&self) -> &DataDirArg {
        match self {
            UserCommand::Add { data_dir, .. }
            | UserCommand::Passwd { data_dir, .. }
            | UserCommand::List { data_dir }
            | UserCommand::Remove { data_dir, .. }
            | UserCommand::Grant { data_dir, .. }
            | UserCommand::Revoke { data_dir, .. } => data_dir,
        }
    }
}

/// Runs a user command against the store.
pub async fn run(command: UserCommand, store: Store) -> Result<(), CliError> {
    let scope = AuditScope::command_line(&operator_name());
    match command {
        UserCommand::Add { username, role, .. } => {
            let username = crate::auth::validate_username(&username)
                .map_err(|error| CliError::BadInput(error.to_string()))?;
            let hash = read_password_hash_from_stdin()?;
            let target = format!("{username} ({role})");
            let action = Action::console("UserCreate", "CLI", &target);
            audited(&store, &scope, action, async {
                store
                    .create_user(NewUser {
                        username: username.clone(),
                        password_hash: hash,
                        role,
                    })
                    .await
            })
            .await?;
            println!("created user {username} with role {role}");
        }
        UserCommand::Passwd { username, .. } => {
            let user = user_named(&store, &username).await?;
            let hash = read_password_hash_from_stdin()?;
            let target = format!("{}: password reset", user.username);
            let action = Action::console("UserUpdate", "CLI", &target);
            audited(&store, &scope, action, store.set_password(user.id, hash)).await?;
            println!(
                "changed the password of {}; their sessions have ended",
                user.username
            );
        }
        UserCommand::List { .. } => {
            let users = store.users().await?;
            println!(
                "USERNAME                 ROLE      TWO-FACTOR CREATED (UTC)     ENVIRONMENTS"
            );
            for user in users {
                let two_factor = if user.totp_secret.is_some() {
                    "on"
                } else {
                    "off"
                };
                let grants = store.grants(user.id).await?;
                let grants = if grants.is_empty() {
                    "-".to_owned()
                } else {
                    grants
                        .iter()
                        .map(|(environment, grant)| format!("{environment}={grant}"))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                println!(
                    "{:<24} {:<9} {:<10} {:<19} {grants}",
                    user.username,
                    user.role,
                    two_factor,
                    date(user.created_at)
                );
            }
        }
        UserCommand::Remove { username, .. } => {
            let user = user_named(&store, &username).await?;
            let action = Action::console("UserDelete", "CLI", &user.username);
            audited(&store, &scope, action, store.delete_user(user.id)).await?;
            println!(
                "removed user {} with their sessions and tokens",
                user.username
            );
        }
        UserCommand::Grant {
            username,
            environment,
            role,
            ..
        } => {
            let user = user_named(&store, &username).await?;
            let environment = grant_change(&store, &scope, &user, &environment, Some(role)).await?;
            println!(
                "{} is {role} in environment {environment} (global role {})",
                user.username, user.role
            );
        }
        UserCommand::Revoke {
            username,
            environment,
            ..
        } => {
            let user = user_named(&store, &username).await?;
            let environment = grant_change(&store, &scope, &user, &environment, None).await?;
            println!(
                "{} has their global role ({}) in environment {environment} again",
                user.username, user.role
            );
        }
    }
    Ok(())
}

/// Sets or removes a grant through the one audited change the API uses too; returns the
/// environment's id.
async fn grant_change(
    store: &Store,
    scope: &AuditScope,
    user: &crate::store::User,
    which: &str,
    grant: Option<Grant>,
) -> Result<String, CliError> {
    let input = |error: crate::error::ApiError| CliError::BadInput(error.to_string());
    let environment = crate::grants::environment_id(store, which)
        .await
        .map_err(input)?;
    crate::grants::change(store, scope, "CLI", user, &environment, grant)
        .await
        .map_err(input)?;
    Ok(environment)
}

/// The user named `username`, or the command's error that there is none.
pub(super) async fn user_named(
    store: &Store,
    username: &str,
) -> Result<crate::store::User, CliError> {
    store
        .user_by_name(username)
        .await?
        .ok_or_else(|| CliError::BadInput(format!("no user named '{username}'")))
}

/// Records a command-line change in the audit log around the change itself.
pub(super) async fn audited<T>(
    store: &Store,
    scope: &AuditScope,
    action: Action<'_>,
    change: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, CliError> {
    let result = audit::audited(store, scope, action, 200, async {
        change.await.map_err(crate::error::ApiError::from)
    })
    .await;
    result.map_err(|error| match error {
        crate::error::ApiError::Conflict(message)
        | crate::error::ApiError::Missing(message)
        | crate::error::ApiError::BadRequest(message) => CliError::BadInput(message),
        other => CliError::BadInput(other.to_string()),
    })
}

/// The operating-system user running the command, for the audit log.
pub(super) fn operator_name() -> String {
    std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .map(|user| format!("{user} (command line)"))
        .unwrap_or_else(|_| "command line".to_owned())
}
