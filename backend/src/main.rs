//! The `berth` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = berth::cli::Cli::parse();
    berth::cli::run(cli)
}
