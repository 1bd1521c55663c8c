//! The command line: `berth serve`, `berth health` for health checks, `berth user …`,
//! `berth token …`, `berth cert …` and `berth environment …` for automation, and `berth backup` and
//! `berth restore`.

mod backup;
mod certs;
mod environments;
mod health;
mod serve;
mod tokens;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::store::{Store, StoreError};

pub use backup::{BackupArgs, RestoreArgs};
pub use certs::CertCommand;
pub use environments::EnvironmentCommand;
pub use health::HealthArgs;
pub use serve::ServeArgs;
pub use tokens::TokenCommand;
pub use users::UserCommand;

/// What `berth --version` prints after the name: the release and the commit built.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("BERTH_COMMIT"),
    ")"
);

/// Berth: a fast, secure web console for Docker Engine.
#[derive(Debug, Parser)]
#[command(name = "berth", version = VERSION, propagate_version = true)]
#[command(
    about = "Berth: a fast, secure web console for Docker Engine.",
    long_about = "Berth: a fast, secure web console for Docker Engine.\n\n\
        One binary serves the web UI and a Docker-compatible gateway in front of the Engine \
        API. Run `berth serve` and open the URL it prints; the first time, it also prints a \
        set-up token for creating the first admin."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Berth's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web console and the engine gateway.
    Serve(ServeArgs),
    /// Ask a running Berth whether it is up: exit 0 if it is, 1 if not.
    Health(HealthArgs),
    /// Manage users: add, passwd, list, remove, and their roles per environment: grant, revoke.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens for the docker CLI and scripts: create, list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Create, list and revoke TLS client certificates from Berth's CA, for the docker CLI
    /// and SDKs (DOCKER_CERT_PATH).
    #[command(subcommand)]
    Cert(CertCommand),
    /// Manage the engines Berth manages besides `local`: add, list, edit, remove.
    #[command(subcommand)]
    Environment(EnvironmentCommand),
    /// Copy the data directory (store and keys) to one file, while Berth runs.
    Backup(BackupArgs),
    /// Put a backup into a data directory no `berth serve` is using; what was there is kept.
    Restore(RestoreArgs),
}

/// Where Berth keeps its store; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct DataDirArg {
    /// The directory of Berth's SQLite store. Defaults to /var/lib/berth for root, else
    /// $XDG_DATA_HOME/berth or ~/.local/share/berth.
    #[arg(long, env = "BERTH_DATA_DIR", value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
}

/// Why an administrative command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input is wrong; the message says how.
    #[error("{0}")]
    BadInput(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading standard input failed.
    #[error("reading standard input: {0}")]
    Io(#[from] std::io::Error),
    /// The command could not be carried out; the message says why.
    #[error("{0}")]
    Failed(String),
}

/// Runs a parsed command line and turns its outcome into the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Serve(args) => return serve::run(args),
        Command::Health(args) => return health::run(args),
        Command::User(command) => {
            let data_dir = command.data_dir().clone();
            with_store(&data_dir, |store, _| users::run(command, store))
        }
        Command::Token(command) => {
            let data_dir = command.data_dir().clone();
            with_store(&data_dir, |store, _| tokens::run(command, store))
        }
        Command::Cert(command) => {
            let data_dir = command.data_dir().clone();
            with_store(&data_dir, |store, dir| async move {
                certs::run(command, store, &dir).await
            })
        }
        Command::Environment(command) => {
            let data_dir = command.data_dir().clone();
            with_store(&data_dir, |store, dir| async move {
                environments::run(command, store, &dir).await
            })
        }
        Command::Backup(args) => {
            let data_dir = args.data_dir.clone();
            with_store(&data_dir, |store, dir| backup::run_backup(args, store, dir))
        }
        Command::Restore(args) => {
            data_dir_of(&args.data_dir).and_then(|dir| backup::run_restore(args, dir))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error @ CliError::BadInput(_)) => {
            eprintln!("berth: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("berth: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the store and runs an administrative command on a small single-threaded runtime; the
/// command also gets the data directory (where the vault's key is).
fn with_store<F, Fut>(data_dir: &DataDirArg, command: F) -> Result<(), CliError>
where
    F: FnOnce(Store, PathBuf) -> Fut,
    Fut: Future<Output = Result<(), CliError>>,
{
    let dir = data_dir_of(data_dir)?;
    let store = Store::open(&dir)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(command(store, dir))
}

/// Reads a password from the first line of standard input and returns its hash.
/// The data directory given, or the default one.
fn data_dir_of(data_dir: &DataDirArg) -> Result<PathBuf, CliError> {
    data_dir
        .data_dir
        .clone()
        .or_else(crate::config::default_data_dir)
        .ok_or_else(|| {
            CliError::BadInput("no data directory: set --data-dir or BERTH_DATA_DIR".into())
        })
}

fn read_password_hash_from_stdin() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\n', '\r']);
    crate::auth::password::validate(password)
        .map_err(|error| CliError::BadInput(format!("password: {error}")))?;
    crate::auth::password::hash(password).map_err(|error| CliError::BadInput(error.to_string()))
}

/// Formats a Unix time for tables and audit details, in UTC.
pub fn date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let time = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        time / 3600,
        time % 3600 / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_help_documents_every_setting() {
        let mut command = Cli::command();
        let serve = command.find_subcommand_mut("serve").expect("serve exists");
        let help = serve.render_long_help().to_string();
        for argument in serve
            .get_arguments()
            .filter(|argument| !argument.is_hide_set())
        {
            let flag = argument.get_long().map(|long| format!("--{long}"));
            let variable = argument
                .get_env()
                .map(|variable| variable.to_string_lossy().into_owned());
            for needle in flag.into_iter().chain(variable) {
                assert!(help.contains(&needle), "help lacks {needle}:\n{help}");
            }
        }
    }

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(date(0), "1970-01-01 00:00");
        assert_eq!(date(1_700_000_000), "2023-11-14 22:13");
        assert_eq!(date(951_782_400), "2000-02-29 00:00");
    }
}
