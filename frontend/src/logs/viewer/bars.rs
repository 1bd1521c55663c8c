//! The viewer's bars: what range of the log to read and how to show it, and the status line
//! (how many lines, whether the stream follows, what the ring buffer dropped).

use leptos::prelude::*;

use super::{Feed, Streams};
use crate::components::fields::Check;
use crate::components::segmented::Segmented;
use crate::format;
use crate::logs::buffer::DEFAULT_CAP;

/// The range and display options.
#[component]
pub(super) fn RangeToolbar(
    /// Keep streaming new lines.
    follow: RwSignal<bool>,
    /// How many lines from the end (`all` for all).
    tail: RwSignal<String>,
    /// From this `datetime-local` time.
    since: RwSignal<String>,
    /// Until this `datetime-local` time.
    until: RwSignal<String>,
    /// Which streams.
    streams: RwSignal<Streams>,
    /// Whether rows show their time.
    timestamps: RwSignal<bool>,
    /// Whether long rows wrap.
    wrap: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="logs-toolbar">
            <Check label="Follow" value=follow/>
            <label class="field-inline">"Tail"
                <select aria-label="Tail" prop:value=move || tail.get() on:change=move |e| tail.set(event_target_value(&e))>
                    <option value="100">"100"</option>
                    <option value="1000">"1,000"</option>
                    <option value="10000">"10,000"</option>
                    <option value="100000">"100,000"</option>
                    <option value="all">"All"</option>
                </select>
            </label>
            <label class="field-inline">"Since"<input type="datetime-local" aria-label="Since" prop:value=move || since.get() on:change=move |e| since.set(event_target_value(&e))/></label>
            <label class="field-inline">"Until"<input type="datetime-local" aria-label="Until" prop:value=move || until.get() on:change=move |e| until.set(event_target_value(&e))/></label>
            <Segmented label="Streams" options=vec![(Streams::Both, "All"), (Streams::Stdout, "stdout"), (Streams::Stderr, "stderr")] value=streams/>
            <Check label="Timestamps" value=timestamps/>
            <Check label="Wrap" value=wrap/>
        </div>
    }
}

/// How many lines are kept and how the stream is doing.
#[component]
pub(super) fn StatusLine(
    /// How the stream is doing.
    feed: RwSignal<Feed>,
    /// Whether it follows new lines.
    follow: RwSignal<bool>,
    /// How many lines the buffer holds.
    lines_stored: RwSignal<usize>,
    /// How many old lines it has dropped.
    dropped: RwSignal<u64>,
) -> impl IntoView {
    view! {
        <div class="logs-status muted" role="status" data-testid="logs-status">
            {move || {
                let stored = lines_stored.get();
                let gone = dropped.get();
                let state = match feed.get() {
                    Feed::Connecting => "connecting…".to_owned(),
                    Feed::Open if follow.get() => "following".to_owned(),
                    Feed::Open => "loading…".to_owned(),
                    Feed::Ended => "complete".to_owned(),
                    Feed::Failed(error) => format!("stopped: {error}"),
                };
                let mut text = format!("{} · {state}", format::count(stored, "line", "lines"));
                if gone > 0 {
                    text.push_str(&format!(" · oldest {} dropped (keeps {})", format::count(gone as usize, "line", "lines"), format::thousands(DEFAULT_CAP)));
                }
                text
            }}
        </div>
    }
}
