//! The command line: `berth serve` and its settings.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::ServeConfig;

/// Berth: a fast, secure web console for Docker Engine.
#[derive(Debug, Parser)]
#[command(name = "berth", version, propagate_version = true)]
#[command(
    about = "Berth: a fast, secure web console for Docker Engine.",
    long_about = "Berth: a fast, secure web console for Docker Engine.\n\n\
        One binary serves the web UI and a Docker-compatible gateway in front of the Engine \
        API. Run `berth serve` and open the URL it prints."
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
}

/// Settings of `berth serve`; each flag can also be set through its environment variable.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    berth serve\n  \
    berth serve --listen 127.0.0.1:9000 --data-dir /srv/berth\n  \
    DOCKER_HOST=tcp://10.0.0.5:2375 berth serve")]
pub struct ServeArgs {
    /// The address and port to listen on. Only loopback addresses are accepted until user
    /// authentication is configured.
    #[arg(
        long,
        env = "BERTH_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR:PORT"
    )]
    pub listen: String,

    /// The directory for Berth's SQLite store. Defaults to /var/lib/berth for root, else
    /// $XDG_DATA_HOME/berth or ~/.local/share/berth.
    #[arg(long, env = "BERTH_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The Docker engine of the `local` environment: unix:///path/to/docker.sock or
    /// tcp://host:port.
    #[arg(
        long,
        env = "DOCKER_HOST",
        default_value = "unix:///var/run/docker.sock",
        value_name = "URL"
    )]
    pub docker_host: String,
}

/// Runs a parsed command line and turns its outcome into the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Serve(args) => {
            let config = match ServeConfig::new(&args.listen, args.data_dir, &args.docker_host) {
                Ok(config) => config,
                Err(error) => {
                    eprintln!("berth: {error}");
                    return ExitCode::from(2);
                }
            };
            match crate::server::run(config) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("berth: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
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
        for needle in [
            "--listen",
            "BERTH_LISTEN",
            "--data-dir",
            "BERTH_DATA_DIR",
            "DOCKER_HOST",
        ] {
            assert!(help.contains(needle), "help lacks {needle}:\n{help}");
        }
    }
}
