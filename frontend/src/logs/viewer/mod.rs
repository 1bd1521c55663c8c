//! The Logs tab: a streamed, virtualised log viewer.
//!
//! Lines arrive through a `fetch` stream of `GET /containers/{id}/logs` (cancelled when the tab
//! goes away or the range changes), are demultiplexed and kept in a bounded ring buffer, and
//! only the rows in view are in the DOM, so 100,000 lines scroll as smoothly as 100. Re-renders
//! are coalesced to one per animation frame however fast lines come.
//!
//! The search is in [`matcher`], drawing a row in [`rows`], the range and status bars in
//! [`bars`].

mod bars;
mod matcher;
mod rows;

use bars::{RangeToolbar, StatusLine};
use matcher::Matcher;
use rows::row_view;

use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::api::ApiError;
use crate::api::engine::Engine;
use crate::api::engine::containers::LogRange;
use crate::components::download;
use crate::components::fields::Check;
use crate::components::size_watch::SizeWatch;
use crate::components::toast::use_toaster;
use crate::format;
use crate::logs::buffer::{DEFAULT_CAP, Line, LogBuffer, Selection, to_text};
use crate::logs::lines::{Demuxer, Stream};
use crate::logs::source::LogSource;
use crate::time;

/// The height of one unwrapped row, in pixels (the CSS agrees).
const ROW: f64 = 20.0;

/// Which streams to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Streams {
    Both,
    Stdout,
    Stderr,
}

impl Streams {
    pub(super) fn keeps(self, stream: Stream) -> bool {
        match self {
            Streams::Both => true,
            Streams::Stdout => stream == Stream::Stdout,
            Streams::Stderr => stream == Stream::Stderr,
        }
    }
}

/// How the stream is doing.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Feed {
    Connecting,
    Open,
    Ended,
    Failed(String),
}

/// The Logs tab of a container or a service, `name` naming it in downloads.
#[component]
pub fn LogsTab(engine: Engine, source: LogSource, name: String) -> impl IntoView {
    let tty = source.tty();
    let toaster = use_toaster();
    let follow = RwSignal::new(true);
    let tail = RwSignal::new(String::from("1000"));
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let timestamps = RwSignal::new(false);
    let streams = RwSignal::new(Streams::Both);
    let query = RwSignal::new(String::new());
    let case = RwSignal::new(false);
    let regex = RwSignal::new(false);
    let only_matches = RwSignal::new(false);
    let wrap = RwSignal::new(false);
    let feed = RwSignal::new(Feed::Connecting);

    let buffer = StoredValue::new_local(LogBuffer::new(DEFAULT_CAP));
    let shown = StoredValue::new_local(Selection::All);
    let hits = StoredValue::new_local(Vec::<u64>::new());
    let matcher = StoredValue::new_local(Matcher::Nothing);
    let current_hit = RwSignal::new(None::<usize>);
    // Why the search pattern is not a regular expression, if it is not: a signal, so the
    // count beside the box follows the matcher.
    let pattern_error = RwSignal::new(None::<String>);
    let version = RwSignal::new(0u64);
    let render_pending = StoredValue::new(false);
    let total_rows = RwSignal::new(0usize);
    let hit_count = RwSignal::new(0usize);
    let lines_stored = RwSignal::new(0usize);
    let dropped = RwSignal::new(0u64);

    let viewport = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let height = RwSignal::new(400.0f64);
    let stick = RwSignal::new(true);

    // Coalesces every change into one re-render per animation frame.
    let schedule = move || {
        if render_pending.get_value() {
            return;
        }
        render_pending.set_value(true);
        request_animation_frame(move || {
            render_pending.set_value(false);
            let counts = buffer.try_with_value(|buf| {
                (
                    shown.with_value(|s| s.len(buf)),
                    buf.len(),
                    buf.dropped(),
                    hits.with_value(Vec::len),
                )
            });
            if let Some((rows, stored, gone, found)) = counts {
                total_rows.set(rows);
                lines_stored.set(stored);
                dropped.set(gone);
                hit_count.set(found);
                version.update(|v| *v += 1);
            }
        });
    };

    let line_selected = move |line: &Line, filter: Streams, only: bool, m: &Matcher| {
        filter.keeps(line.stream) && (!only || m.is_match(line.plain()))
    };

    // Rebuilds the shown rows and the matches from scratch (the filter or search changed).
    let refilter = move || {
        let filter = streams.get_untracked();
        let only = only_matches.get_untracked();
        buffer.with_value(|buf| {
            matcher.with_value(|m| {
                let found = if m.active() {
                    buf.matching(0, |line| {
                        filter.keeps(line.stream) && m.is_match(line.plain())
                    })
                } else {
                    Vec::new()
                };
                let selection = if only && m.active() {
                    Selection::Only(found.clone())
                } else if filter != Streams::Both {
                    Selection::Only(buf.matching(0, |line| filter.keeps(line.stream)))
                } else {
                    Selection::All
                };
                hits.set_value(found);
                shown.set_value(selection);
            });
        });
        current_hit.set(None);
        schedule();
    };

    Effect::new(move |_| {
        let (q, c, r) = (query.get(), case.get(), regex.get());
        streams.track();
        only_matches.track();
        let next = Matcher::new(&q, c, r);
        pattern_error.set(match &next {
            Matcher::Invalid(error) => Some(error.clone()),
            _ => None,
        });
        matcher.set_value(next);
        refilter();
    });

    // Appends new lines, extending the shown rows and matches incrementally.
    let append = move |lines: Vec<crate::logs::lines::RawLine>| {
        if lines.is_empty() {
            return;
        }
        let filter = streams.get_untracked();
        let only = only_matches.get_untracked();
        let _ = buffer.try_update_value(|buf| {
            let from = buf.end_seq();
            buf.extend(lines);
            matcher.with_value(|m| {
                if m.active() {
                    hits.update_value(|found| {
                        found.extend(buf.matching(from, |line| {
                            filter.keeps(line.stream) && m.is_match(line.plain())
                        }));
                        let first = buf.first_seq();
                        let stale = found.partition_point(|&seq| seq < first);
                        found.drain(..stale);
                    });
                }
                shown.update_value(|selection| {
                    if let Selection::Only(seqs) = selection {
                        seqs.extend(buf.matching(from, |line| {
                            line_selected(line, filter, only && m.active(), m)
                        }));
                    }
                    selection.prune(buf);
                });
            });
        });
        schedule();
    };

    // The stream: restarted whenever the range changes, aborted when the tab goes away.
    let controller = StoredValue::new_local(None::<AbortController>);
    let abort = move || {
        if let Some(Some(old)) = controller.try_update_value(Option::take) {
            old.abort();
        }
    };
    on_cleanup(abort);
    let range = move || LogRange {
        follow: follow.get(),
        tail: tail.get().parse().ok(),
        since: time::local_input_seconds(&since.get()),
        until: time::local_input_seconds(&until.get()),
    };
    {
        let (engine, source) = (engine.clone(), source.clone());
        Effect::new(move |_| {
            let range = range();
            abort();
            buffer.update_value(LogBuffer::clear);
            refilter();
            stick.set(true);
            let Ok(next) = AbortController::new() else {
                return;
            };
            let signal = next.signal();
            controller.set_value(Some(next));
            feed.set(Feed::Connecting);
            let (engine, source) = (engine.clone(), source.clone());
            spawn_local(async move {
                let mut body = match source.open(&engine, &range, &signal).await {
                    Ok(body) => body,
                    Err(ApiError::Aborted) => return,
                    Err(error) => {
                        feed.try_set(Feed::Failed(error.to_string()));
                        return;
                    }
                };
                feed.try_set(Feed::Open);
                let mut demuxer = Demuxer::new(tty, true);
                let mut lines = Vec::new();
                loop {
                    match body.next(&signal).await {
                        Some(Ok(chunk)) => {
                            demuxer.push(&chunk, &mut lines);
                            source.label_lines(&mut lines);
                            append(std::mem::take(&mut lines));
                        }
                        Some(Err(ApiError::Aborted)) => return,
                        Some(Err(error)) => {
                            feed.try_set(Feed::Failed(error.to_string()));
                            return;
                        }
                        None => {
                            demuxer.finish(&mut lines);
                            source.label_lines(&mut lines);
                            append(lines);
                            feed.try_set(Feed::Ended);
                            return;
                        }
                    }
                }
            });
        });
    }

    // Keeps the view at the end while stuck there, once the new height is laid out.
    Effect::new(move |_| {
        version.track();
        total_rows.track();
        request_animation_frame(move || {
            if stick.get_untracked()
                && let Some(element) = viewport.get_untracked()
            {
                element.set_scroll_top(element.scroll_height());
            }
        });
    });
    let measure = move || {
        if let Some(element) = viewport.get_untracked() {
            let top = f64::from(element.scroll_top());
            let client = f64::from(element.client_height());
            let max = f64::from(element.scroll_height()) - client;
            // Only scrolling up lets go of the end; growing content or reaching the bottom
            // again keeps or takes it.
            let at_bottom = top >= max - 2.0;
            let went_up = top < scroll_top.get_untracked() - 1.0;
            height.set(client.max(ROW));
            scroll_top.set(top);
            stick.set(at_bottom || (stick.get_untracked() && !went_up));
        }
    };
    // The box is measured whenever it changes size, including when it is first laid out.
    let size_watch = StoredValue::new_local(None::<SizeWatch>);
    Effect::new(move |_| {
        if let Some(element) = viewport.get() {
            measure();
            size_watch.set_value(Some(SizeWatch::new(&element, measure)));
        }
    });
    on_cleanup(move || {
        size_watch.try_set_value(None);
    });

    let jump_to_end = move |_| {
        stick.set(true);
        if let Some(element) = viewport.get_untracked() {
            element.set_scroll_top(element.scroll_height());
        }
    };
    let go_to_hit = move |forward: bool| {
        let count = hits.with_value(Vec::len);
        if count == 0 {
            return;
        }
        let next = match current_hit.get_untracked() {
            None if forward => 0,
            None => count - 1,
            Some(i) if forward => (i + 1) % count,
            Some(i) => (i + count - 1) % count,
        };
        current_hit.set(Some(next));
        let Some(seq) = hits.with_value(|h| h.get(next).copied()) else {
            return;
        };
        let row = buffer.with_value(|buf| {
            shown.with_value(|selection| match selection {
                Selection::All => seq.checked_sub(buf.first_seq()).map(|r| r as usize),
                Selection::Only(seqs) => seqs.binary_search(&seq).ok(),
            })
        });
        if let (Some(row), Some(element)) = (row, viewport.get_untracked()) {
            stick.set(false);
            let target = (row as f64 * ROW - height.get_untracked() / 3.0).max(0.0);
            element.set_scroll_top(target as i32);
            measure();
        }
    };
    let download_range = {
        move |_| {
            let (engine, source, name) = (engine.clone(), source.clone(), name.clone());
            let mut range = range();
            range.follow = false;
            let filter = streams.get_untracked();
            spawn_local(async move {
                match fetch_all(&engine, &source, &range, filter).await {
                    Ok(text) => match download::blob(text.as_bytes(), "text/plain;charset=utf-8") {
                        Some(blob) => download::save_blob(&format!("{name}-logs.txt"), &blob),
                        None => toaster.error("The browser could not build the file"),
                    },
                    Err(error) => toaster.error(format!("Could not download the logs: {error}")),
                }
            });
        }
    };

    let rows = move || {
        version.track();
        let top = scroll_top.get();
        let view_height = height.get();
        let at_end = stick.get();
        let show_time = timestamps.get();
        let current = current_hit
            .get()
            .and_then(|i| hits.with_value(|h| h.get(i).copied()));
        let count = (view_height / ROW).ceil() as usize + 1;
        buffer.with_value(|buf| {
            shown.with_value(|selection| {
                let total = selection.len(buf);
                let (start, end) = if at_end || top + view_height >= total as f64 * ROW - 1.0 {
                    (total.saturating_sub(count), total)
                } else {
                    let first = ((top / ROW) as usize).min(total);
                    (first, (first + count).min(total))
                };
                matcher.with_value(|m| {
                    (start..end)
                        .filter_map(|row| {
                            let seq = selection.seq(buf, row)?;
                            let line = buf.get(seq)?;
                            Some(row_view(line, m, show_time, current == Some(seq)))
                        })
                        .collect_view()
                })
            })
        })
    };
    // Styles are set through the CSSOM (`style:`), which the content security policy allows.
    let window_shift = move || {
        let total = total_rows.get() as f64 * ROW;
        let top = scroll_top.get();
        if stick.get() || wrap.get() || top + height.get() >= total - 1.0 {
            "none".to_owned()
        } else {
            format!("translateY({}px)", -(top % ROW))
        }
    };

    view! {
        <div class="logs" data-testid="logs">
            <RangeToolbar follow=follow tail=tail since=since until=until streams=streams timestamps=timestamps wrap=wrap/>
            <div class="logs-toolbar">
                <label class="search logs-search">
                    <input
                        type="search"
                        placeholder="Search logs"
                        aria-label="Search logs"
                        prop:value=move || query.get()
                        on:input=move |e| query.set(event_target_value(&e))
                        on:keydown=move |e: web_sys::KeyboardEvent| {
                            if e.key() == "Enter" {
                                go_to_hit(!e.shift_key());
                            }
                        }
                    />
                </label>
                <button class="btn btn-small" aria-pressed=move || case.get().to_string() title="Match case" on:click=move |_| case.update(|c| *c = !*c)>"Aa"</button>
                <button class="btn btn-small mono" aria-pressed=move || regex.get().to_string() title="Regular expression" on:click=move |_| regex.update(|r| *r = !*r)>".*"</button>
                <Check label="Only matching lines" value=only_matches/>
                <button class="btn btn-small" aria-label="Previous match" on:click=move |_| go_to_hit(false)>"↑"</button>
                <button class="btn btn-small" aria-label="Next match" on:click=move |_| go_to_hit(true)>"↓"</button>
                <span class="muted logs-count" data-testid="match-count">
                    {move || {
                        if let Some(error) = pattern_error.get() {
                            return format!("Invalid pattern: {error}");
                        }
                        if query.with(String::is_empty) {
                            return String::new();
                        }
                        let count = hit_count.get();
                        match current_hit.get() {
                            Some(i) => format!("{} of {}", i + 1, format::count(count, "matching line", "matching lines")),
                            None => format::count(count, "matching line", "matching lines"),
                        }
                    }}
                </span>
                <span class="toolbar-spacer"></span>
                <button class="btn btn-small" on:click=jump_to_end>"Jump to end"</button>
                <button class="btn btn-small" on:click=download_range>"Download"</button>
            </div>
            <StatusLine feed=feed follow=follow lines_stored=lines_stored dropped=dropped/>
            <div
                class="logview mono"
                class:logview-wrap=move || wrap.get()
                node_ref=viewport
                tabindex="0"
                role="log"
                aria-label="Log lines"
                data-testid="logview"
                on:scroll=move |_| measure()
            >
                <div class="logview-spacer" style:height=move || format!("{}px", (total_rows.get() as f64 * ROW).max(height.get()))>
                    <div
                        class="logview-window"
                        // Held to the bottom edge only once the lines fill the box: a few
                        // lines stand at its top, where they are seen.
                        class:logview-bottom=move || {
                            stick.get() && total_rows.get() as f64 * ROW > height.get()
                        }
                        style:height=move || format!("{}px", height.get())
                    >
                        <div class="logview-rows" style:transform=window_shift>{rows}</div>
                    </div>
                </div>
                <Show when=move || total_rows.get() == 0 && feed.get() != Feed::Connecting>
                    <p class="logview-empty muted">{move || if query.with(String::is_empty) { "No log lines in this range yet." } else { "No lines match." }}</p>
                </Show>
            </div>
        </div>
    }
}

/// The whole of `range` as text, for a download.
async fn fetch_all(
    engine: &Engine,
    source: &LogSource,
    range: &LogRange,
    filter: Streams,
) -> Result<String, ApiError> {
    let controller = AbortController::new().map_err(|e| ApiError::Network(format!("{e:?}")))?;
    let signal = controller.signal();
    let mut body = source.open(engine, range, &signal).await?;
    let mut demuxer = Demuxer::new(source.tty(), true);
    let mut raw = Vec::new();
    while let Some(chunk) = body.next(&signal).await {
        demuxer.push(&chunk?, &mut raw);
    }
    demuxer.finish(&mut raw);
    source.label_lines(&mut raw);
    let lines: Vec<Line> = raw
        .into_iter()
        .filter(|line| filter.keeps(line.stream))
        .map(Line::new)
        .collect();
    Ok(to_text(&lines))
}
