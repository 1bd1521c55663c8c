//! The swarm's settings an admin changes (`POST /swarm/update`): task history, raft snapshots
//! and ticks, the nodes' heartbeat, node certificate lifetime and whether managers lock. The
//! rest of the spec goes back as the engine sent it.

use berth_shared::engine::swarm::{Rotate, Swarm, SwarmSpec};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::{CheckField, FormState, TextField};
use crate::components::form_frame::FormCard;
use crate::components::toast::use_toaster;
use crate::field_error::FieldError;

const HISTORY: &str = "Task history";
const SNAPSHOT: &str = "Snapshot interval";
const OLD_SNAPSHOTS: &str = "Old snapshots kept";
const ELECTION: &str = "Election tick";
const HEARTBEAT_TICK: &str = "Heartbeat tick";
const HEARTBEAT: &str = "Node heartbeat (seconds)";
const CERT_EXPIRY: &str = "Node certificates valid (days)";

const SECOND: i64 = 1_000_000_000;
const DAY: i64 = 86_400 * SECOND;

/// What the form's fields hold, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsDraft {
    pub history: String,
    pub snapshot: String,
    pub old_snapshots: String,
    pub election: String,
    pub heartbeat_tick: String,
    pub heartbeat: String,
    pub cert_expiry: String,
    pub autolock: bool,
}

impl SettingsDraft {
    /// The fields of `spec`.
    pub fn of(spec: &SwarmSpec) -> Self {
        Self {
            history: spec.orchestration.task_history_retention_limit.to_string(),
            snapshot: spec.raft.snapshot_interval.to_string(),
            old_snapshots: spec.raft.keep_old_snapshots.to_string(),
            election: spec.raft.election_tick.to_string(),
            heartbeat_tick: spec.raft.heartbeat_tick.to_string(),
            heartbeat: (spec.dispatcher.heartbeat_period / SECOND).to_string(),
            cert_expiry: (spec.ca_config.node_cert_expiry / DAY).to_string(),
            autolock: spec.encryption_config.auto_lock_managers,
        }
    }

    /// `base` with the fields applied, or the first field that is wrong.
    pub fn apply(&self, base: &SwarmSpec) -> Result<SwarmSpec, FieldError> {
        fn number(label: &'static str, text: &str, least: i64) -> Result<i64, FieldError> {
            match text.trim().parse::<i64>() {
                Ok(value) if value >= least => Ok(value),
                _ => Err(FieldError::new(
                    label,
                    format!("give a whole number, {least} or more"),
                )),
            }
        }
        let mut spec = base.clone();
        spec.orchestration.task_history_retention_limit = number(HISTORY, &self.history, 0)?;
        spec.raft.snapshot_interval = number(SNAPSHOT, &self.snapshot, 1)? as u64;
        spec.raft.keep_old_snapshots = number(OLD_SNAPSHOTS, &self.old_snapshots, 0)? as u64;
        let heartbeat_tick = number(HEARTBEAT_TICK, &self.heartbeat_tick, 1)?;
        let election = number(ELECTION, &self.election, 1)?;
        if election <= heartbeat_tick {
            return Err(FieldError::new(
                ELECTION,
                "must be greater than the heartbeat tick",
            ));
        }
        spec.raft.heartbeat_tick = heartbeat_tick as u64;
        spec.raft.election_tick = election as u64;
        spec.dispatcher.heartbeat_period = number(HEARTBEAT, &self.heartbeat, 1)? * SECOND;
        spec.ca_config.node_cert_expiry = number(CERT_EXPIRY, &self.cert_expiry, 1)? * DAY;
        spec.encryption_config.auto_lock_managers = self.autolock;
        Ok(spec)
    }
}

/// The settings form, for admins.
#[component]
pub fn SettingsForm(
    /// The swarm as read.
    swarm: Swarm,
    /// Runs once saved.
    on_saved: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let draft = SettingsDraft::of(&swarm.spec);
    let field = |text: &str| RwSignal::new(text.to_owned());
    let history = field(&draft.history);
    let snapshot = field(&draft.snapshot);
    let old_snapshots = field(&draft.old_snapshots);
    let election = field(&draft.election);
    let heartbeat_tick = field(&draft.heartbeat_tick);
    let heartbeat = field(&draft.heartbeat);
    let cert_expiry = field(&draft.cert_expiry);
    let autolock = RwSignal::new(draft.autolock);
    let was_locked = draft.autolock;
    let base = StoredValue::new(swarm.spec.clone());
    let version = swarm.version;
    let form = FormState::new();
    let error = form.error;
    let submit = Callback::new(move |()| {
        let typed = SettingsDraft {
            history: history.get_untracked(),
            snapshot: snapshot.get_untracked(),
            old_snapshots: old_snapshots.get_untracked(),
            election: election.get_untracked(),
            heartbeat_tick: heartbeat_tick.get_untracked(),
            heartbeat: heartbeat.get_untracked(),
            cert_expiry: cert_expiry.get_untracked(),
            autolock: autolock.get_untracked(),
        };
        let Some(spec) = form.begin(typed.apply(&base.get_value())) else {
            return;
        };
        let engine = status.engine_untracked();
        spawn_local(async move {
            let result = engine.update_swarm(version, &spec, Rotate::default()).await;
            if form.finish(status, result).is_some() {
                toaster.success(if spec.encryption_config.auto_lock_managers && !was_locked {
                    "Saved the swarm's settings. Managers now lock: keep the unlock key shown above somewhere safe".to_owned()
                } else {
                    "Saved the swarm's settings".to_owned()
                });
                on_saved.run(());
            }
        });
    });
    view! {
        <FormCard title="Settings" title_id="swarm-settings-title" testid="swarm-settings" form=form
            submit_label="Save settings" busy_label="Saving…" on_submit=submit>
            <div class="form-inline-grid">
                <TextField label=HISTORY value=history error=error required=true mono=true
                    hint="Ended tasks kept per slot, for their logs and errors"/>
                <TextField label=HEARTBEAT value=heartbeat error=error required=true mono=true
                    hint="How often nodes report in; a node silent for longer is down"/>
                <TextField label=CERT_EXPIRY value=cert_expiry error=error required=true mono=true/>
            </div>
            <div class="form-inline-grid">
                <TextField label=SNAPSHOT value=snapshot error=error required=true mono=true hint="Raft log entries between snapshots"/>
                <TextField label=OLD_SNAPSHOTS value=old_snapshots error=error required=true mono=true/>
                <TextField label=ELECTION value=election error=error required=true mono=true/>
                <TextField label=HEARTBEAT_TICK value=heartbeat_tick error=error required=true mono=true/>
            </div>
            <CheckField label="Lock managers" value=autolock
                hint="A restarted manager then needs the unlock key before it serves the swarm"/>
        </FormCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SwarmSpec {
        let mut spec = SwarmSpec::default();
        spec.orchestration.task_history_retention_limit = 5;
        spec.raft.snapshot_interval = 10_000;
        spec.raft.election_tick = 10;
        spec.raft.heartbeat_tick = 1;
        spec.dispatcher.heartbeat_period = 5 * SECOND;
        spec.ca_config.node_cert_expiry = 90 * DAY;
        spec.labels.insert("kept".into(), "yes".into());
        spec
    }

    #[test]
    fn the_draft_of_a_spec_gives_the_spec_back() {
        let base = spec();
        assert_eq!(SettingsDraft::of(&base).apply(&base), Ok(base));
    }

    #[test]
    fn changes_apply_in_the_engine_units_and_keep_the_rest() {
        let base = spec();
        let mut draft = SettingsDraft::of(&base);
        draft.heartbeat = "10".into();
        draft.cert_expiry = "30".into();
        draft.autolock = true;
        let changed = draft.apply(&base).expect("valid");
        assert_eq!(changed.dispatcher.heartbeat_period, 10 * SECOND);
        assert_eq!(changed.ca_config.node_cert_expiry, 30 * DAY);
        assert!(changed.encryption_config.auto_lock_managers);
        assert_eq!(changed.labels["kept"], "yes");
    }

    #[test]
    fn wrong_fields_are_named() {
        let base = spec();
        let mut draft = SettingsDraft::of(&base);
        draft.election = "1".into();
        assert_eq!(draft.apply(&base).unwrap_err().field, ELECTION);
        let mut draft = SettingsDraft::of(&base);
        draft.history = "-1".into();
        assert_eq!(draft.apply(&base).unwrap_err().field, HISTORY);
    }
}
