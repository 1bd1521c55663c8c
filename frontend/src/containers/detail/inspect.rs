//! The Inspect tab: the engine's raw JSON for the container, as a collapsible tree, with a
//! button that copies what it shows. Secret-looking environment values are masked as on the
//! Overview until revealed through the one audited [`Reveal`].

use leptos::prelude::*;
use serde_json::Value;

use super::reveal::{Reveal, has_secrets, mask_env, with_env};
use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::Remote;
use crate::app::remote::remote_view;
use crate::components::copy_button::copy_and_say;
use crate::components::toast::use_toaster;

/// The Inspect tab.
#[component]
pub fn InspectTab(engine: Engine, id: String) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let reveal = Reveal::new(status.environment.get_untracked(), id.clone());
    let raw = Remote::new(move |signal| {
        let (engine, id) = (engine.clone(), id.clone());
        async move { engine.inspect_container::<Value>(&id, Some(&signal)).await }
    });
    let expanded = RwSignal::new(true);
    view! {
        {remote_view(raw, status, "the inspect answer", move |raw: Value| {
            let env: Vec<String> = raw
                .pointer("/Config/Env")
                .and_then(|env| serde_json::from_value(env.clone()).ok())
                .unwrap_or_default();
            let secrets = has_secrets(&env);
            let value = Memo::new(move |_| {
                let mut shown = raw.clone();
                match reveal.revealed() {
                    Some(env) => with_env(&mut shown, &env),
                    None => mask_env(&mut shown),
                }
                shown
            });
            let copy = move |_| {
                let text = value.with_untracked(|value| serde_json::to_string_pretty(value).unwrap_or_default());
                copy_and_say(toaster, text, "the JSON");
            };
            view! {
                <div class="toolbar inspect-toolbar">
                    <button class="btn" on:click=copy data-testid="copy-json">"Copy JSON"</button>
                    {(secrets && reveal.allowed).then(|| view! {
                        <button class="btn" data-testid="reveal-secrets"
                            disabled=move || reveal.asking() || reveal.revealed().is_some()
                            on:click=move |_| reveal.ask(toaster)>"Reveal secrets"</button>
                    })}
                    <button class="btn" on:click=move |_| expanded.update(|e| *e = !*e)>
                        {move || if expanded.get() { "Collapse all" } else { "Expand all" }}
                    </button>
                </div>
                <div class="json-tree card mono" data-testid="inspect-json">
                    {move || value.with(|value| node(None, value, expanded.get(), 0))}
                </div>
            }
        })}
    }
}

fn node(key: Option<&str>, value: &Value, open: bool, depth: usize) -> AnyView {
    let key_view = key.map(|k| view! { <span class="json-key">{format!("\"{k}\"")}</span>": " });
    match value {
        Value::Object(map) if !map.is_empty() => {
            let children = map
                .iter()
                .map(|(k, v)| node(Some(k), v, open, depth + 1))
                .collect_view();
            view! {
                <details open=open || depth == 0>
                    <summary>{key_view}<span class="json-brace">{format!("{{ {} }}", map.len())}</span></summary>
                    <div class="json-children">{children}</div>
                </details>
            }
            .into_any()
        }
        Value::Array(items) if !items.is_empty() => {
            let children = items
                .iter()
                .map(|v| node(None, v, open, depth + 1))
                .collect_view();
            view! {
                <details open=open || depth == 0>
                    <summary>{key_view}<span class="json-brace">{format!("[ {} ]", items.len())}</span></summary>
                    <div class="json-children">{children}</div>
                </details>
            }
            .into_any()
        }
        leaf => {
            let class = match leaf {
                Value::String(_) => "json-string",
                Value::Number(_) => "json-number",
                Value::Bool(_) => "json-bool",
                _ => "json-null",
            };
            view! { <div class="json-leaf">{key_view}<span class=class>{leaf.to_string()}</span></div> }
                .into_any()
        }
    }
}
