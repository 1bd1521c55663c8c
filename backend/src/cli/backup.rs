//! `berth backup --to FILE` and `berth restore --from FILE`: the data directory (users, tokens,
//! sessions, the audit log, saved registries, environments and their key, Berth's CA) as one file, made
//! while Berth runs, and put back into a data directory no `berth serve` is using.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, DataDirArg};
use crate::store::Store;
use crate::store::backup::{self, BackupReport};

/// `berth backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    #[command(flatten)]
    pub data_dir: DataDirArg,
}

/// `berth restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file `berth backup` wrote.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    #[command(flatten)]
    pub data_dir: DataDirArg,
}

fn describe(report: &BackupReport) -> String {
    let files = if report.files.is_empty() {
        "no key files".to_owned()
    } else {
        report.files.join(", ")
    };
    format!("schema version {}, with {files}", report.schema)
}

/// Writes the backup.
pub async fn run_backup(args: BackupArgs, store: Store, dir: PathBuf) -> Result<(), CliError> {
    let report = store.backup_to(&dir, &args.to).await?;
    println!(
        "backed up {} to {} ({})",
        dir.display(),
        args.to.display(),
        describe(&report)
    );
    Ok(())
}

/// Restores a backup into the data directory.
pub fn run_restore(args: RestoreArgs, dir: PathBuf) -> Result<(), CliError> {
    let report = backup::restore(&args.from, &dir)?;
    println!(
        "restored {} into {} ({})",
        args.from.display(),
        dir.display(),
        describe(&report)
    );
    for aside in &report.moved_aside {
        println!("kept what was there as {}", aside.display());
    }
    Ok(())
}
