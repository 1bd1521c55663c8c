//! The Stats tab: live charts of CPU, memory (without page cache, as `docker stats` counts it),
//! network, block IO and processes, from the engine's stats stream (one sample a second).

use berth_shared::engine::lenient;
use berth_shared::engine::stats::StatsSample;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::components::chart::LineChart;
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::containers::stats_math::{Figures, Series, figures, rate};
use crate::format;

/// Points kept per chart: two minutes at one sample a second.
const HISTORY: usize = 120;

/// The history behind the charts.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    cpu: Series,
    memory: Series,
    memory_percent: Series,
    rx: Series,
    tx: Series,
    read: Series,
    write: Series,
    pids: Series,
    last: Option<(f64, Figures)>,
    limit: u64,
}

impl Default for History {
    fn default() -> Self {
        let series = || Series::new(HISTORY);
        Self {
            cpu: series(),
            memory: series(),
            memory_percent: series(),
            rx: series(),
            tx: series(),
            read: series(),
            write: series(),
            pids: series(),
            last: None,
            limit: 0,
        }
    }
}

impl History {
    /// Adds a sample taken at `millis` (browser time).
    pub fn push(&mut self, sample: &StatsSample, millis: f64) {
        let now = figures(sample);
        self.cpu.push(now.cpu_percent);
        self.memory.push(now.memory as f64);
        self.memory_percent.push(now.memory_percent);
        self.pids.push(now.pids as f64);
        self.limit = now.memory_limit;
        if let Some((then, before)) = self.last {
            let seconds = (millis - then) / 1000.0;
            self.rx.push(rate(before.rx_bytes, now.rx_bytes, seconds));
            self.tx.push(rate(before.tx_bytes, now.tx_bytes, seconds));
            self.read
                .push(rate(before.block_read, now.block_read, seconds));
            self.write
                .push(rate(before.block_write, now.block_write, seconds));
        }
        self.last = Some((millis, now));
    }

    /// The newest figures.
    pub fn latest(&self) -> Option<Figures> {
        self.last.map(|(_, f)| f)
    }
}

/// The Stats tab.
#[component]
pub fn StatsTab(engine: Engine, id: String, running: bool) -> impl IntoView {
    if !running {
        return view! {
            <EmptyState icon=IconKind::Stop title="Not running">
                <p>"Resource usage is measured while the container runs. Start it to see live charts."</p>
            </EmptyState>
        }
        .into_any();
    }
    let history = RwSignal::new(History::default());
    let failure = RwSignal::new(None::<String>);
    let controller = AbortController::new().ok();
    if let Some(controller) = controller.clone() {
        let signal = controller.signal();
        spawn_local(async move {
            let mut body = match engine.container_stats(&id, &signal).await {
                Ok(body) => body,
                Err(ApiError::Aborted) => return,
                Err(error) => {
                    failure.try_set(Some(error.to_string()));
                    return;
                }
            };
            let mut pending = Vec::new();
            while let Some(chunk) = body.next(&signal).await {
                let Ok(chunk) = chunk else {
                    return;
                };
                pending.extend_from_slice(&chunk);
                while let Some(end) = pending.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=end).collect();
                    if let Ok(sample) = lenient::from_slice::<StatsSample>(&line) {
                        history.try_update(|h| h.push(&sample, js_sys::Date::now()));
                    }
                }
            }
            failure.try_set(Some("the container stopped".into()));
        });
    }
    on_cleanup(move || {
        if let Some(controller) = controller {
            controller.abort();
        }
    });
    view! {
        {move || failure.get().map(|error| view! { <p class="notice" role="status">{format!("Live stats ended: {error}")}</p> })}
        <StatsCharts history=history/>
    }
    .into_any()
}

/// The six charts of one container's history.
#[component]
pub fn StatsCharts(history: RwSignal<History>) -> impl IntoView {
    let pick = move |f: fn(&History) -> Vec<(&'static str, Series)>| {
        Signal::derive(move || history.with(f))
    };
    let memory_title = move || {
        history.with(|h| {
            h.latest()
                .map(|f| {
                    format!(
                        "{} of {} ({:.1} %)",
                        format::bytes(f.memory),
                        format::bytes(h.limit),
                        f.memory_percent
                    )
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="charts" data-testid="stats-charts">
            <LineChart title="CPU" series=pick(|h| vec![("", h.cpu.clone())]) format=percent/>
            <LineChart title="Memory" series=pick(|h| vec![("", h.memory.clone())]) format=bytes_value>
                <span class="chart-note muted" data-testid="memory-summary">{memory_title}</span>
            </LineChart>
            <LineChart title="Network" series=pick(|h| vec![("rx", h.rx.clone()), ("tx", h.tx.clone())]) format=bytes_rate/>
            <LineChart title="Block IO" series=pick(|h| vec![("read", h.read.clone()), ("write", h.write.clone())]) format=bytes_rate/>
            <LineChart title="Processes" series=pick(|h| vec![("", h.pids.clone())]) format=count/>
        </div>
    }
}

fn percent(value: f64) -> String {
    format!("{value:.1} %")
}

fn bytes_value(value: f64) -> String {
    format::bytes(value as u64)
}

fn bytes_rate(value: f64) -> String {
    format!("{}/s", format::bytes(value as u64))
}

fn count(value: f64) -> String {
    format!("{value:.0}")
}
