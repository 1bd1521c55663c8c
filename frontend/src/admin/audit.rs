//! `/admin/audit`: who changed what, when, from where, and with what result; filtered, paged,
//! and exportable as JSON lines.

use berth_shared::api::audit::{AuditEvent, AuditQuery};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::audit_names::{Known, with_names};
use crate::api::console;
use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::components::debounce::{TYPING_PAUSE, debounced};
use crate::components::fields::{Check, ErrorAlert};
use crate::components::icons::IconKind;
use crate::components::states::EmptyState;
use crate::components::table::{Column, DataTable};
use crate::time;

/// Records fetched per page.
const PAGE: u32 = 100;

/// `/admin/audit`.
#[component]
pub fn AuditPage() -> impl IntoView {
    let actor = RwSignal::new(String::new());
    let operation = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let failed = RwSignal::new(false);
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let events = RwSignal::new(Vec::<AuditEvent>::new());
    let next = RwSignal::new(None::<i64>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);

    // The text filters apply as the user types, once typing pauses.
    let actor_typed = debounced(actor.into(), TYPING_PAUSE);
    let operation_typed = debounced(operation.into(), TYPING_PAUSE);
    let status = use_engine_status();
    let environment = StoredValue::new(status.environment.get_untracked());
    let known = RwSignal::new(Vec::<Known>::new());
    spawn_local(known_objects(status.engine(), known));
    let query = Memo::new(move |_| AuditQuery {
        actor: Some(actor_typed.get()),
        operation: Some(operation_typed.get()),
        source: Some(source.get()),
        failed: Some(failed.get()),
        since_ms: time::local_input_millis(&since.get()),
        until_ms: time::local_input_millis(&until.get()),
        limit: Some(PAGE),
        ..AuditQuery::default()
    });
    let load = move |before_id: Option<i64>| {
        let query = AuditQuery {
            before_id,
            ..query.get_untracked()
        };
        loading.set(true);
        spawn_local(async move {
            match console::audit(&query, None).await {
                Ok(page) => {
                    if before_id.is_some() {
                        events.update(|list| list.extend(page.events));
                    } else {
                        events.set(page.events);
                    }
                    next.set(page.next_before_id);
                    error.set(None);
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| {
        query.track();
        load(None);
    });
    let export_href = move || {
        format!(
            "/api/audit/export?{}",
            console::audit_query_string(&AuditQuery {
                limit: None,
                ..query.get()
            })
        )
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Audit log"</h1>
                    <p class="page-sub">"Every change, terminal session and sign-in, newest first"</p>
                </div>
                <div class="toolbar">
                    <RetentionControl on_pruned=Callback::new(move |()| load(None))/>
                    <a class="btn" href=export_href download="berth-audit.jsonl">"Export JSON lines"</a>
                </div>
            </div>
            <form class="filters" on:submit=|e| e.prevent_default()>
                <label class="field">
                    <span class="field-label">"User"</span>
                    <input type="search" prop:value=move || actor.get() on:input=move |e| actor.set(event_target_value(&e))/>
                </label>
                <label class="field">
                    <span class="field-label">"Operation"</span>
                    <input type="search" placeholder="ContainerDelete" prop:value=move || operation.get() on:input=move |e| operation.set(event_target_value(&e))/>
                </label>
                <label class="field">
                    <span class="field-label">"Source"</span>
                    <select on:change=move |e| source.set(event_target_value(&e))>
                        {[("", "Any"), ("ui", "Web UI"), ("gateway", "API gateway"), ("terminal", "Terminal"), ("console", "Account and users"), ("cli", "Command line")]
                            .into_iter()
                            .map(|(value, label)| view! { <option value=value>{label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">"From"</span>
                    <input type="datetime-local" on:change=move |e| since.set(event_target_value(&e))/>
                </label>
                <label class="field">
                    <span class="field-label">"Until"</span>
                    <input type="datetime-local" on:change=move |e| until.set(event_target_value(&e))/>
                </label>
                <Check label="Failures only" value=failed/>
            </form>
            <ErrorAlert message=error/>
            <Show
                when=move || !events.with(Vec::is_empty) || loading.get()
                fallback=|| view! {
                    <EmptyState icon=IconKind::Empty title="Nothing recorded">
                        <p>"No audit records match these filters."</p>
                    </EmptyState>
                }
            >
                <DataTable
                    testid="audit-table"
                    columns=&[
                        Column::Text("Time"),
                        Column::Text("User"),
                        Column::Text("Operation"),
                        Column::Text("Target"),
                        Column::Text("Result"),
                        Column::Text("From"),
                    ]
                >
                    <For each=move || events.get() key=|event| event.id let:event>
                        <AuditRow event=event known=known environment=environment.get_value()/>
                    </For>
                </DataTable>
            </Show>
            <div class="form-actions">
                {move || next.get().map(|before| view! {
                    <button class="btn" disabled=move || loading.get() on:click=move |_| load(Some(before))>"Load older records"</button>
                })}
            </div>
        </section>
    }
}

/// How many days records are kept; saving prunes older ones at once (which is recorded too).
#[component]
fn RetentionControl(
    /// Runs after a saved retention may have removed records, to reload the list.
    on_pruned: Callback<()>,
) -> impl IntoView {
    let days = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    spawn_local(async move {
        match console::audit_retention(None).await {
            Ok(retention) => days.set(retention.days.to_string()),
            Err(failure) => error.set(Some(failure.to_string())),
        }
    });
    let save = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        saved.set(false);
        let Ok(wanted) = days.get_untracked().trim().parse::<u32>() else {
            error.set(Some("Enter a whole number of days.".into()));
            return;
        };
        spawn_local(async move {
            match console::set_audit_retention(wanted).await {
                Ok(retention) => {
                    days.set(retention.days.to_string());
                    saved.set(true);
                    on_pruned.run(());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    view! {
        <form class="form form-row" on:submit=save>
            <label class="field">
                <span class="field-label">"Keep records (days)"</span>
                <input type="number" min="1" max="36500" required inputmode="numeric"
                    prop:value=move || days.get() on:input=move |e| days.set(event_target_value(&e))/>
            </label>
            <button type="submit" class="btn">"Save"</button>
            {move || saved.get().then(|| view! { <span class="muted" role="status">"Saved"</span> })}
            <ErrorAlert message=error/>
        </form>
    }
}

/// The containers, images and networks of `engine`, whose ids records name; an engine that
/// cannot be read leaves the ids as they are.
async fn known_objects(engine: Engine, known: RwSignal<Vec<Known>>) {
    let mut found = Vec::new();
    if let Ok(containers) = engine.containers(None).await {
        found.extend(containers.iter().map(|c| Known {
            id: c.id.clone(),
            name: c.display_name().to_owned(),
        }));
    }
    if let Ok(images) = engine.images(None).await {
        found.extend(images.iter().map(|image| Known {
            id: image.id.trim_start_matches("sha256:").to_owned(),
            name: image.tags().next().unwrap_or_default().to_owned(),
        }));
    }
    if let Ok(networks) = engine.networks(None).await {
        found.extend(networks.into_iter().map(|n| Known {
            id: n.id,
            name: n.name,
        }));
    }
    known.try_set(found);
}

#[component]
fn AuditRow(
    event: AuditEvent,
    /// The objects whose names go beside their ids.
    known: RwSignal<Vec<Known>>,
    /// The environment those objects are in.
    environment: String,
) -> impl IntoView {
    let target = event.target.clone();
    let here = event
        .environment
        .as_deref()
        .is_none_or(|env| env == environment);
    let target = move || {
        if here {
            known.with(|known| with_names(&target, known))
        } else {
            target.clone()
        }
    };
    let (status_text, tone) = match event.status {
        None => ("running".to_owned(), "badge-info"),
        Some(status) if status < 400 => (status.to_string(), "badge-ok"),
        Some(status) if status == 401 || status == 403 => (status.to_string(), "badge-warn"),
        Some(status) => (status.to_string(), "badge-danger"),
    };
    let time = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(event.at_ms as f64));
    let when = String::from(time.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED));
    view! {
        <tr>
            <td class="nowrap">{when}</td>
            <td>
                <div class="cell-title">{event.actor.clone().unwrap_or_else(|| "anonymous".to_owned())}</div>
                <div class="cell-sub">{event.role.clone().unwrap_or_default()}</div>
            </td>
            <td>
                <div class="mono">{event.operation.clone()}</div>
                <div class="cell-sub">{source_label(&event.source, event.environment.as_deref())}</div>
            </td>
            <td class="mono cell-break">{target}</td>
            <td>
                <span class=format!("badge {tone}")>{status_text}</span>
                {event.detail.clone().map(|detail| view! { <div class="cell-sub">{detail}</div> })}
            </td>
            <td class="mono">{event.remote_addr}</td>
        </tr>
    }
}

/// Where a record came in, in words: "web UI · local", "command line".
fn source_label(source: &str, environment: Option<&str>) -> String {
    let door = match source {
        "ui" => "web UI",
        "gateway" => "API gateway",
        "terminal" => "terminal",
        "console" => "account and users",
        "cli" => "command line",
        other => other,
    };
    match environment {
        Some(environment) => format!("{door} · {environment}"),
        None => door.to_owned(),
    }
}
