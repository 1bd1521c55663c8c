//! A live client for the engine's event stream, `GET /events` through the gateway.
//!
//! The answer is read as it arrives (a fetch `ReadableStream`), split into JSON lines and
//! decoded into [`EngineEvent`]s. When the stream drops, the client waits a little and
//! reconnects with `since` set to the last event it saw (or to the engine's clock when it first
//! connected), skipping events it already delivered, so none is missed or repeated.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::time::Duration;

use berth_shared::engine::event::EngineEvent;
use berth_shared::engine::listing;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader};

use super::Engine;
use crate::api::percent_encode;
use crate::api::{ApiError, get_streaming};
use crate::app::undecodable::{self, Kind};

/// What to ask the engine for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventQuery {
    /// The engine's own filters: `type`, `event`, `label`, `container`, …
    pub filters: BTreeMap<String, Vec<String>>,
    /// Replay events from this time (seconds since the epoch, possibly fractional).
    pub since: Option<String>,
    /// Stop at this time; the stream then ends instead of staying live.
    pub until: Option<String>,
}

impl EventQuery {
    /// The query string for a connection that resumes from `resume` (if it has seen anything).
    pub fn query_string(&self, resume: Option<&str>) -> String {
        let mut parts = Vec::new();
        if let Some(since) = resume.or(self.since.as_deref()) {
            parts.push(format!("since={}", percent_encode(since)));
        }
        if let Some(until) = &self.until {
            parts.push(format!("until={}", percent_encode(until)));
        }
        let filters: BTreeMap<&String, &Vec<String>> = self
            .filters
            .iter()
            .filter(|(_, values)| !values.is_empty())
            .collect();
        if !filters.is_empty() {
            let json = serde_json::to_string(&filters).unwrap_or_default();
            parts.push(format!("filters={}", percent_encode(&json)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// How the stream is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamStatus {
    /// The first connection is being made.
    Connecting,
    /// Events arrive as they happen.
    Live,
    /// The connection dropped; the client tries again after a pause.
    Reconnecting(String),
    /// The stream reached its `until` time, or was refused for good.
    Ended(Option<String>),
}

/// Splits a byte stream into lines, keeping a partial line until its end arrives (a chunk may
/// end anywhere, even inside a UTF-8 character).
#[derive(Debug, Default)]
pub struct LineSplitter {
    pending: Vec<u8>,
}

impl LineSplitter {
    /// Adds a chunk and returns the lines it completed, without their newlines.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(chunk);
        let mut lines = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let text = String::from_utf8_lossy(&line[..end]).trim().to_owned();
            if !text.is_empty() {
                lines.push(text);
            }
        }
        lines
    }
}

/// Where to resume after a drop, and which events were already delivered.
#[derive(Debug, Default)]
pub struct Resume {
    /// The time of the newest event delivered, in nanoseconds.
    last_nanos: Option<i64>,
    /// Events delivered at exactly `last_nanos`, which a resumed stream sends again.
    seen_at_last: BTreeSet<(String, String, String)>,
    /// The engine's clock at the first connection, where a drop before any event resumes.
    connected_nanos: Option<i64>,
}

impl Resume {
    /// Notes the engine's clock at the first connection, so a drop before any event resumes
    /// from there. It does not filter what the engine sends: a stream that replays from an
    /// earlier `since` delivers the events before the connection too.
    pub fn connected_at(&mut self, nanos: i64) {
        if self.connected_nanos.is_none() {
            self.connected_nanos = Some(nanos);
        }
    }

    /// Whether `event` is new (not older than the newest delivered, nor delivered already);
    /// if so, it is remembered.
    pub fn accept(&mut self, event: &EngineEvent) -> bool {
        let nanos = event.nanos();
        let key = (
            event.kind.clone(),
            event.action.clone(),
            event.actor.id.clone(),
        );
        match self.last_nanos {
            Some(last) if nanos < last => false,
            Some(last) if nanos == last => self.seen_at_last.insert(key),
            _ => {
                self.last_nanos = Some(nanos);
                self.seen_at_last.clear();
                self.seen_at_last.insert(key);
                true
            }
        }
    }

    /// The `since` to reconnect with: `seconds.nanoseconds`.
    pub fn since(&self) -> Option<String> {
        self.last_nanos.or(self.connected_nanos).map(|nanos| {
            format!(
                "{}.{:09}",
                nanos.div_euclid(1_000_000_000),
                nanos.rem_euclid(1_000_000_000)
            )
        })
    }
}

/// How long to wait before reconnection attempt `attempt` (1-based): 1 s, 2 s, 4 s, … 15 s.
pub fn backoff(attempt: u32) -> Duration {
    let seconds = 1u64 << attempt.saturating_sub(1).min(4);
    Duration::from_secs(seconds.min(15))
}

/// An open event stream; closing it (or dropping every clone) stops it.
#[derive(Clone)]
pub struct EventStream {
    closed: Rc<Cell<bool>>,
    controller: Rc<RefCell<Option<AbortController>>>,
}

impl EventStream {
    /// Opens the stream of `engine` for `query`, calling `on_event` for every event and
    /// `on_status` when the connection changes.
    pub fn open(
        engine: Engine,
        query: EventQuery,
        on_event: impl Fn(EngineEvent) + 'static,
        on_status: impl Fn(StreamStatus) + 'static,
    ) -> Self {
        let stream = Self {
            closed: Rc::new(Cell::new(false)),
            controller: Rc::new(RefCell::new(None)),
        };
        let this = stream.clone();
        wasm_bindgen_futures::spawn_local(async move {
            this.run(engine, query, on_event, on_status).await;
        });
        stream
    }

    /// Stops the stream for good.
    pub fn close(&self) {
        self.closed.set(true);
        if let Some(controller) = self.controller.borrow_mut().take() {
            controller.abort();
        }
    }

    async fn run(
        &self,
        engine: Engine,
        query: EventQuery,
        on_event: impl Fn(EngineEvent),
        on_status: impl Fn(StreamStatus),
    ) {
        let mut resume = Resume::default();
        let mut attempt = 0u32;
        on_status(StreamStatus::Connecting);
        while !self.closed.get() {
            let before = resume.since();
            let outcome = self
                .connect(&engine, &query, &mut resume, &on_event, &on_status)
                .await;
            if self.closed.get() {
                return;
            }
            let reason = match outcome {
                // The engine ends the stream by itself only at `until`.
                Ok(()) if query.until.is_some() => {
                    on_status(StreamStatus::Ended(None));
                    return;
                }
                Ok(()) => "the engine closed the stream".to_owned(),
                Err(ApiError::Http { status, message }) if (400..500).contains(&status) => {
                    on_status(StreamStatus::Ended(Some(message)));
                    return;
                }
                Err(error) => error.to_string(),
            };
            // A connection that got through, or delivered events, starts the pauses afresh.
            if resume.since() != before {
                attempt = 0;
            }
            attempt += 1;
            on_status(StreamStatus::Reconnecting(reason));
            gloo_timers::future::sleep(backoff(attempt)).await;
        }
    }

    async fn connect(
        &self,
        engine: &Engine,
        query: &EventQuery,
        resume: &mut Resume,
        on_event: &impl Fn(EngineEvent),
        on_status: &impl Fn(StreamStatus),
    ) -> Result<(), ApiError> {
        let controller = AbortController::new().map_err(|_| ApiError::Aborted)?;
        let signal = controller.signal();
        *self.controller.borrow_mut() = Some(controller);
        let since = resume.since();
        let url = engine.url(&format!("/events{}", query.query_string(since.as_deref())));
        let response = get_streaming(&url, Some(&signal)).await?;
        // Closed meanwhile: its component (and what the callbacks touch) may be gone.
        if self.closed.get() {
            return Err(ApiError::Aborted);
        }
        // A replay from the query's own `since` starts over from there after a drop before
        // any event: the engine's clock would skip the replay.
        if query.since.is_none() {
            resume.connected_at(engine_clock_nanos(response.headers().get("date")));
        }
        on_status(StreamStatus::Live);
        let Some(body) = response.body() else {
            return Ok(());
        };
        let reader: ReadableStreamDefaultReader = body
            .get_reader()
            .dyn_into()
            .map_err(|_| ApiError::Decode("the event stream cannot be read".into()))?;
        let mut lines = LineSplitter::default();
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(|_| {
                if signal.aborted() {
                    ApiError::Aborted
                } else {
                    ApiError::Network("the event stream was interrupted".into())
                }
            })?;
            if self.closed.get() {
                return Err(ApiError::Aborted);
            }
            let done = js_sys::Reflect::get(&chunk, &"done".into())
                .ok()
                .and_then(|value| value.as_bool())
                .unwrap_or(true);
            if done {
                return Ok(());
            }
            let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) else {
                continue;
            };
            let bytes = js_sys::Uint8Array::new(&value).to_vec();
            for line in lines.push(&bytes) {
                match listing::one_from_str::<EngineEvent>(&line) {
                    Ok(event) if resume.accept(&event) => on_event(event),
                    Ok(_) => {}
                    Err(failure) => undecodable::append(Kind::Events, failure),
                }
            }
        }
    }
}

/// The engine's clock from the `Date` header of its answer, else the browser's, in nanoseconds.
fn engine_clock_nanos(date: Option<String>) -> i64 {
    let millis = date
        .map(|date| js_sys::Date::parse(&date))
        .filter(|millis| millis.is_finite())
        .unwrap_or_else(js_sys::Date::now);
    (millis as i64) * 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str, id: &str, nanos: i64) -> EngineEvent {
        EngineEvent {
            kind: "container".into(),
            action: action.into(),
            time_nano: nanos,
            actor: berth_shared::engine::event::EventActor {
                id: id.into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn lines_survive_chunks_that_split_them_anywhere() {
        let mut lines = LineSplitter::default();
        let text = "{\"a\":\"é\"}\n\n{\"b\":2}\n{\"c\"";
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        // Split inside the two-byte "é".
        out.extend(lines.push(&bytes[..7]));
        out.extend(lines.push(&bytes[7..]));
        assert_eq!(out, ["{\"a\":\"é\"}", "{\"b\":2}"]);
        assert_eq!(lines.push(b":3}\n"), ["{\"c\":3}"]);
    }

    #[test]
    fn a_resumed_stream_repeats_nothing_and_misses_nothing() {
        let mut resume = Resume::default();
        resume.connected_at(1_000_000_000);
        assert_eq!(resume.since().as_deref(), Some("1.000000000"));
        assert!(resume.accept(&event("start", "a", 2_000_000_005)));
        assert!(resume.accept(&event("start", "b", 2_000_000_005)));
        assert_eq!(resume.since().as_deref(), Some("2.000000005"));
        // After a reconnect the engine replays events at the `since` instant.
        resume.connected_at(9_000_000_000);
        assert!(!resume.accept(&event("start", "a", 2_000_000_005)));
        assert!(!resume.accept(&event("start", "b", 2_000_000_005)));
        assert!(resume.accept(&event("die", "a", 2_000_000_005)));
        assert!(!resume.accept(&event("stop", "a", 1_500_000_000)));
        assert!(resume.accept(&event("stop", "a", 3_000_000_000)));
    }

    #[test]
    fn a_replay_delivers_the_events_from_before_the_connection() {
        let mut resume = Resume::default();
        // The engine's clock when the stream opened with `since` fifteen minutes back.
        resume.connected_at(900_000_000_000);
        assert!(resume.accept(&event("start", "a", 10_000_000_000)));
        assert!(resume.accept(&event("die", "a", 20_000_000_000)));
        assert!(!resume.accept(&event("start", "a", 10_000_000_000)));
        assert_eq!(resume.since().as_deref(), Some("20.000000000"));
    }

    #[test]
    fn queries_carry_filters_and_resume_time() {
        let mut query = EventQuery::default();
        assert_eq!(query.query_string(None), "");
        query
            .filters
            .insert("type".into(), vec!["container".into()]);
        query.filters.insert("label".into(), Vec::new());
        query.until = Some("20".into());
        assert_eq!(
            query.query_string(Some("1.5")),
            "?since=1.5&until=20&filters=%7B%22type%22%3A%5B%22container%22%5D%7D"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(4));
        assert_eq!(backoff(40), Duration::from_secs(15));
    }
}
