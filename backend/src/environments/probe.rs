//! The home page's knowledge of every engine: each environment is probed in the background,
//! in parallel, with its own [`PROBE_TIMEOUT`], and what it last answered is kept. Reading the
//! cards never touches an engine, so one dead host never slows the others.
//!
//! Probing runs only while someone looks ([`Probes::look`] within [`WATCH_FOR`]): every
//! [`ONLINE_EVERY`] for an engine that answers, and with back-off from [`BACKOFF_FIRST`] to
//! [`BACKOFF_MAX`] for one that does not. [`Probes::retry`] probes one at once. A probe sends
//! only read-only requests (`/_ping`, `/version`, `/info`, the unhealthy containers and the
//! volumes), and its figures are shown only to callers the policy lets read `/info` there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use berth_shared::api::health::EngineFailure;
use berth_shared::api::overview::{CardState, EnvironmentCard, HostFacts, SwarmRole};
use berth_shared::engine::system::SystemInfo;
use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::sync::{Notify, watch};

use crate::engine::Environment;
use crate::engine::client::EngineError;
use crate::state::AppState;
use crate::store::now as unix_now;

/// How long one probe of one engine may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// How often an engine that answers is probed while someone looks.
pub const ONLINE_EVERY: Duration = Duration::from_secs(10);
/// How long probing goes on after the last look.
pub const WATCH_FOR: Duration = Duration::from_secs(60);
/// The first wait after a failed probe; it doubles with each failure.
pub const BACKOFF_FIRST: Duration = Duration::from_secs(2);
/// The longest wait between probes of an engine that does not answer.
pub const BACKOFF_MAX: Duration = Duration::from_secs(60);

/// The containers whose health check fails, as `GET /containers/json` filters them.
const UNHEALTHY: &str = "/containers/json?all=1&filters=%7B%22health%22%3A%5B%22unhealthy%22%5D%7D";

/// What was last learned about every environment, and the revision the home page follows.
#[derive(Debug)]
pub struct Probes {
    slots: Mutex<Slots>,
    revision: watch::Sender<u64>,
    wake: Notify,
}

#[derive(Debug, Default)]
struct Slots {
    by_id: HashMap<String, Slot>,
    watched_until: Option<Instant>,
}

/// One environment's probe results; `endpoint` tells a moved environment from the same one.
#[derive(Debug, Clone)]
struct Slot {
    endpoint: String,
    card: EnvironmentCard,
    due: Instant,
    failures: u32,
    in_flight: bool,
}

impl Default for Probes {
    fn default() -> Self {
        Self {
            slots: Mutex::default(),
            revision: watch::Sender::new(0),
            wake: Notify::new(),
        }
    }
}

impl Probes {
    /// Someone is looking: probing starts (at once, if it had stopped) and goes on for
    /// [`WATCH_FOR`].
    pub fn look(&self) {
        let now = Instant::now();
        let mut slots = self.slots.lock().expect("probes lock");
        let idle = slots.watched_until.is_none_or(|until| until <= now);
        slots.watched_until = Some(now + WATCH_FOR);
        drop(slots);
        if idle {
            self.wake.notify_one();
        }
    }

    /// Probes `id` at once, whatever its back-off says.
    pub fn retry(&self, id: &str) {
        if let Some(slot) = self.slots.lock().expect("probes lock").by_id.get_mut(id) {
            slot.due = Instant::now();
        }
        self.look();
        self.wake.notify_one();
    }

    /// The current revision, which grows with every change of a card.
    pub fn revision(&self) -> u64 {
        *self.revision.borrow()
    }

    /// Waits until the revision is no longer `after`, or `limit` passes.
    pub async fn changed_after(&self, after: u64, limit: Duration) {
        let mut receiver = self.revision.subscribe();
        let _ = tokio::time::timeout(limit, receiver.wait_for(|revision| *revision != after)).await;
    }

    /// The card of `environment`: its names from the running set, its state from the last
    /// probe ([`CardState::Checking`] before the first).
    pub fn card(&self, environment: &Environment) -> EnvironmentCard {
        let endpoint = environment.client().endpoint().to_string();
        let (transport, insecure) = environment.transport();
        let info = environment.info();
        let found = self
            .slots
            .lock()
            .expect("probes lock")
            .by_id
            .get(environment.id())
            .filter(|slot| slot.endpoint == endpoint)
            .map(|slot| slot.card.clone());
        EnvironmentCard {
            id: environment.id().to_owned(),
            name: info.name.clone(),
            description: info.description.clone(),
            tags: info.tags.clone(),
            transport,
            insecure,
            endpoint,
            ..found.unwrap_or_default()
        }
    }

    /// Starts every probe that is due, and forgets environments that are gone.
    fn start_due(self: &Arc<Self>, environments: Vec<Arc<Environment>>) {
        let now = Instant::now();
        let mut slots = self.slots.lock().expect("probes lock");
        if slots.watched_until.is_none_or(|until| until <= now) {
            return;
        }
        slots
            .by_id
            .retain(|id, _| environments.iter().any(|env| env.id() == id));
        for environment in environments {
            let endpoint = environment.client().endpoint().to_string();
            let slot = slots
                .by_id
                .entry(environment.id().to_owned())
                .or_insert_with(|| Slot::new(&endpoint, now));
            if slot.endpoint != endpoint {
                *slot = Slot::new(&endpoint, now);
            }
            if slot.in_flight || slot.due > now {
                continue;
            }
            slot.in_flight = true;
            let probes = Arc::clone(self);
            tokio::spawn(async move {
                let result = probe(&environment).await;
                probes.record(environment.id(), &endpoint, result);
            });
        }
    }

    /// Keeps what a probe found and schedules the next one.
    fn record(&self, id: &str, endpoint: &str, result: Result<Probed, Failed>) {
        let now = Instant::now();
        let at = unix_now();
        let mut slots = self.slots.lock().expect("probes lock");
        let Some(slot) = slots
            .by_id
            .get_mut(id)
            .filter(|slot| slot.endpoint == endpoint)
        else {
            return;
        };
        slot.in_flight = false;
        let before = slot.card.clone();
        let card = &mut slot.card;
        card.checked_at = Some(at);
        match result {
            Ok(probed) => {
                slot.failures = 0;
                slot.due = now + ONLINE_EVERY;
                card.state = if probed.supported {
                    CardState::Online
                } else {
                    CardState::Unsupported
                };
                card.offline_since = None;
                card.retry_at = None;
                card.error = probed.error;
                card.failure = (!probed.supported).then_some(EngineFailure::Unsupported);
                card.api_version = probed.api_version;
                card.engine = probed.engine;
                if probed.facts.is_some() {
                    card.facts = probed.facts;
                }
            }
            Err(error) => {
                slot.failures = slot.failures.saturating_add(1);
                let wait = backoff(slot.failures);
                slot.due = now + wait;
                if card.state != CardState::Offline {
                    card.offline_since = Some(at);
                }
                card.state = CardState::Offline;
                card.retry_at = Some(at + i64::try_from(wait.as_secs()).unwrap_or(i64::MAX));
                card.error = Some(error.error);
                card.failure = Some(error.failure);
            }
        }
        // The probe time alone is no news: only a change of what the card says is.
        let mut compared = before;
        compared.checked_at = card.checked_at;
        compared.retry_at = card.retry_at;
        let changed = compared != *card;
        drop(slots);
        if changed {
            self.revision.send_modify(|revision| *revision += 1);
        }
    }
}

impl Slot {
    fn new(endpoint: &str, now: Instant) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            card: EnvironmentCard::default(),
            due: now,
            failures: 0,
            in_flight: false,
        }
    }
}

/// The wait after `failures` failed probes in a row.
fn backoff(failures: u32) -> Duration {
    let doubled = BACKOFF_FIRST.saturating_mul(2u32.saturating_pow(failures.saturating_sub(1)));
    doubled.min(BACKOFF_MAX)
}

/// What one probe that reached the engine found.
struct Probed {
    supported: bool,
    error: Option<String>,
    api_version: Option<berth_shared::ApiVersion>,
    engine: Option<berth_shared::api::EngineSummary>,
    facts: Option<HostFacts>,
}

/// `GET /volumes`, counted without reading the volumes.
#[derive(Deserialize)]
struct VolumeCount {
    #[serde(rename = "Volumes", default)]
    volumes: Option<Vec<IgnoredAny>>,
}

/// Why a probe failed: the kind, and the message health reports.
struct Failed {
    failure: EngineFailure,
    error: String,
}

impl From<EngineError> for Failed {
    fn from(error: EngineError) -> Self {
        Self {
            failure: error.failure(),
            error: error.to_string(),
        }
    }
}

/// Probes one engine within [`PROBE_TIMEOUT`].
async fn probe(environment: &Environment) -> Result<Probed, Failed> {
    tokio::time::timeout(PROBE_TIMEOUT, probe_untimed(environment))
        .await
        .unwrap_or_else(|_| Err(EngineError::Timeout(PROBE_TIMEOUT).into()))
}

async fn probe_untimed(environment: &Environment) -> Result<Probed, Failed> {
    let health = environment.health().await;
    if !health.reachable {
        return Err(Failed {
            failure: health.failure.unwrap_or(EngineFailure::Network),
            error: health.error.unwrap_or_default(),
        });
    }
    let supported = health
        .engine
        .as_ref()
        .is_some_and(|engine| engine.supported);
    let facts = match health.api_version.filter(|_| supported) {
        Some(version) => Some(facts(environment, version).await.map_err(Failed::from)?),
        None => None,
    };
    Ok(Probed {
        supported,
        error: health.error,
        api_version: health.api_version,
        engine: health.engine,
        facts,
    })
}

/// The host's facts and object counts, asked in parallel.
async fn facts(
    environment: &Environment,
    version: berth_shared::ApiVersion,
) -> Result<HostFacts, EngineError> {
    let client = environment.client();
    let (info, unhealthy, volumes) = (
        format!("/v{version}/info"),
        format!("/v{version}{UNHEALTHY}"),
        format!("/v{version}/volumes"),
    );
    let info = client.get_json::<SystemInfo>(&info);
    let unhealthy = client.get_json::<Vec<IgnoredAny>>(&unhealthy);
    let volumes = client.get_json::<VolumeCount>(&volumes);
    let (info, unhealthy, volumes) = tokio::try_join!(info, unhealthy, volumes)?;
    Ok(HostFacts {
        hostname: info.name,
        operating_system: info.operating_system,
        architecture: info.architecture,
        cpus: info.ncpu,
        memory: info.mem_total,
        running: info.containers_running,
        paused: info.containers_paused,
        stopped: info.containers_stopped,
        unhealthy: unhealthy.len() as u64,
        images: info.images,
        volumes: volumes.volumes.map_or(0, |volumes| volumes.len() as u64),
        swarm: SwarmRole::of(&info.swarm),
        swarm_node: info.swarm.node_id,
    })
}

/// Probes what is due, for as long as the server runs: looks once a second, and at once when
/// someone starts looking or asks for a retry.
pub async fn run(state: AppState) {
    let probes = Arc::clone(state.probes());
    loop {
        probes.start_due(state.environments().all());
        let _ = tokio::time::timeout(Duration::from_secs(1), probes.wake.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_its_limit() {
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(2), Duration::from_secs(4));
        assert_eq!(backoff(4), Duration::from_secs(16));
        assert_eq!(backoff(6), BACKOFF_MAX);
        assert_eq!(backoff(u32::MAX), BACKOFF_MAX);
    }
}
