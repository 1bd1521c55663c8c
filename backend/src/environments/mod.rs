//! Stored environments in a running server: loaded at start-up beside `local`, and followed
//! while it runs. A change made through the API reloads them at once; one made by another
//! process (`berth environment add` on the same data directory) shows in SQLite's
//! `data_version`, which [`follow`] reads every [`FOLLOW_INTERVAL`], so it reaches the server
//! within a few seconds. Streams opened through an environment that is removed, or moved to
//! another address or TLS material, end. An environment whose sealed key cannot be opened is left out, with a warning, rather
//! than stopping the others.
//!
//! `input.rs` turns requests into checked definitions and stored records, `check.rs` pings an
//! engine before it is saved, `changes.rs` is the add, edit and remove that the command
//! line and the API share, and `probe.rs` keeps every engine's last-known state for the home
//! page.

pub mod changes;
pub mod check;
pub mod input;
pub mod probe;

use std::time::Duration;

use crate::state::AppState;
use crate::store::StoreError;

/// How often a server looks for changes made by other processes.
pub const FOLLOW_INTERVAL: Duration = Duration::from_secs(2);

/// Loads the stored environments into the running set, replacing what was there.
pub async fn reload(state: &AppState) -> Result<(), StoreError> {
    let records = state.store().environments().await?;
    let mut environments = Vec::with_capacity(records.len());
    for record in &records {
        match input::environment_of(record, state.vault()) {
            Ok(environment) => environments.push(environment),
            Err(error) => tracing::warn!(
                environment = %record.id,
                %error,
                "this environment's sealed key cannot be opened; it is left out"
            ),
        }
    }
    let replaced = state.environments().replace_stored(environments);
    if replaced.changed {
        tracing::info!(environments = records.len(), "stored environments loaded");
    }
    // Streams through a removed or moved environment end, as when access is withdrawn.
    for id in &replaced.dropped {
        state.streams().end_environment(id);
    }
    Ok(())
}

/// Loads the stored environments now, then follows changes other processes make.
pub async fn load_and_follow(state: &AppState) -> Result<(), StoreError> {
    // Read the marker first: a change committed while loading is then seen on the next look.
    let seen = state.store().data_version().await?;
    reload(state).await?;
    tokio::spawn(follow(state.clone(), seen));
    Ok(())
}

async fn follow(state: AppState, mut seen: i64) {
    let mut interval = tokio::time::interval(FOLLOW_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let version = match state.store().data_version().await {
            Ok(version) => version,
            Err(error) => {
                tracing::warn!(%error, "could not look for changed environments");
                continue;
            }
        };
        if version == seen {
            continue;
        }
        match reload(&state).await {
            Ok(()) => seen = version,
            Err(error) => tracing::warn!(%error, "could not reload the environments"),
        }
    }
}
