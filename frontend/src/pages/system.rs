//! The System page: the engine's version, host resources, object counts and storage settings.

use berth_shared::engine::system::{SystemInfo, SystemVersion};
use leptos::prelude::*;

use crate::engine_status::use_engine_status;
use crate::format;
use crate::pages::{RefreshButton, remote_view};
use crate::remote::Remote;

/// `/env/:env/system`.
#[component]
pub fn SystemPage() -> impl IntoView {
    let status = use_engine_status();
    let system = Remote::new(move |signal| {
        status.reconnects.track();
        let engine = status.engine();
        async move {
            let info = engine.info(Some(&signal)).await?;
            let version = engine.version(Some(&signal)).await?;
            Ok((info, version))
        }
    });
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"System"</h1>
                    <p class="page-sub">"The engine and the host it runs on"</p>
                </div>
                <div class="toolbar">
                    <RefreshButton remote=system/>
                </div>
            </div>
            {remote_view(system, status, "engine information", move |(info, version): (SystemInfo, SystemVersion)| {
                let negotiated = status
                    .current()
                    .and_then(|env| env.api_version)
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "—".to_owned());
                let warnings = info.warnings.clone().unwrap_or_default();
                view! {
                    <div class="cards">
                        <Card title="Engine" rows=vec![
                            ("Version", version.version.clone()),
                            ("API in use", negotiated),
                            ("Engine API", format!("{} (oldest {})", version.api_version, version.min_api_version.clone().unwrap_or_default())),
                            ("Platform", format!("{}/{}", version.os, version.arch)),
                            ("Go", version.go_version.clone()),
                            ("Commit", version.git_commit),
                        ]/>
                        <Card title="Host" rows=vec![
                            ("Name", info.name.clone()),
                            ("OS", info.operating_system.clone()),
                            ("Kernel", info.kernel_version.clone()),
                            ("CPUs", info.ncpu.to_string()),
                            ("Memory", format::bytes(info.mem_total)),
                            ("Architecture", info.architecture.clone()),
                        ]/>
                        <Card title="Objects" rows=vec![
                            ("Containers", info.containers.to_string()),
                            ("Running", info.containers_running.to_string()),
                            ("Paused", info.containers_paused.to_string()),
                            ("Stopped", info.containers_stopped.to_string()),
                            ("Images", info.images.to_string()),
                        ]/>
                        <Card title="Storage and runtime" rows=vec![
                            ("Storage driver", info.driver.clone()),
                            ("Root directory", info.docker_root_dir.clone()),
                            ("Logging driver", info.logging_driver.clone()),
                            ("Cgroups", format!("{} v{}", info.cgroup_driver, info.cgroup_version.clone().unwrap_or_else(|| "1".into()))),
                        ]/>
                    </div>
                    {(!warnings.is_empty()).then(|| view! {
                        <div class="notice notice-warn">
                            <h2>"Engine warnings"</h2>
                            <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                        </div>
                    })}
                }
            })}
        </section>
    }
}

/// A titled list of facts.
#[component]
fn Card(
    /// The card's heading.
    title: &'static str,
    /// Label and value pairs.
    rows: Vec<(&'static str, String)>,
) -> impl IntoView {
    view! {
        <article class="card">
            <h2 class="card-title">{title}</h2>
            <dl class="facts">
                {rows
                    .into_iter()
                    .map(|(label, value)| view! {
                        <dt>{label}</dt>
                        <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
                    })
                    .collect_view()}
            </dl>
        </article>
    }
}
