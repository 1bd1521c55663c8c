//! The Overview tab: state and health with its last checks, restart count, image, command,
//! environment (secret-looking values masked until revealed, through the one audited
//! [`Reveal`]), mounts, networks, ports, labels
//! and resource limits.

use berth_shared::engine::inspect::{ContainerInspect, ports_of};
use berth_shared::secrets::{looks_secret, split_env};
use leptos::prelude::*;

use super::reveal::{MASK, Reveal};
use crate::app::engine_status::use_engine_status;
use crate::components::toast::use_toaster;
use crate::format::{self, or_dash};

/// The Overview tab.
#[component]
pub fn Overview(container: ContainerInspect) -> impl IntoView {
    let state = &container.state;
    let health = state.health.clone();
    let command = container
        .config
        .entrypoint
        .iter()
        .flatten()
        .chain(container.config.cmd.iter().flatten())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let restart = container
        .host_config
        .restart_policy
        .as_ref()
        .map(|p| p.name.clone())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "no".into());
    let env = container.config.env.clone().unwrap_or_default();
    let reveal = Reveal::new(
        use_engine_status().environment.get_untracked(),
        container.id.clone(),
    );
    let labels = container.config.labels.clone().unwrap_or_default();
    let ports = ports_of(&container.network_settings);
    let networks = container
        .network_settings
        .networks
        .clone()
        .unwrap_or_default();
    let limits = limits(&container);
    view! {
        <div class="detail-grid" data-testid="overview">
            <section class="card detail-card">
                <h2 class="section-title">"State"</h2>
                <dl class="kv">
                    <dt>"Status"</dt><dd data-testid="state">{state.status.clone()}</dd>
                    {(!state.running).then(|| view! { <dt>"Exit code"</dt><dd>{state.exit_code}</dd> })}
                    {state.oom_killed.then(|| view! { <dt>"Killed"</dt><dd class="text-danger">"Out of memory"</dd> })}
                    {(!state.error.is_empty()).then(|| view! { <dt>"Error"</dt><dd class="text-danger">{state.error.clone()}</dd> })}
                    <dt>"Started"</dt><dd>{time(&state.started_at)}</dd>
                    {(!state.running).then(|| view! { <dt>"Finished"</dt><dd>{time(&state.finished_at)}</dd> })}
                    <dt>"Restarts"</dt><dd data-testid="restart-count">{container.restart_count}</dd>
                    <dt>"Restart policy"</dt><dd>{restart}</dd>
                    <dt>"Created"</dt><dd>{time(&container.created)}</dd>
                </dl>
            </section>
            <section class="card detail-card">
                <h2 class="section-title">"Configuration"</h2>
                <dl class="kv">
                    <dt>"Image"</dt><dd class="mono cell-break">{container.config.image.clone()}</dd>
                    <dt>"Command"</dt><dd class="mono cell-break" data-testid="command">{command}</dd>
                    <dt>"Working dir"</dt><dd class="mono">{or_dash(&container.config.working_dir)}</dd>
                    <dt>"User"</dt><dd class="mono">{or_dash(&container.config.user)}</dd>
                    <dt>"Host name"</dt><dd class="mono">{container.config.hostname.clone()}</dd>
                    <dt>"TTY"</dt><dd>{if container.config.tty { "yes" } else { "no" }}</dd>
                </dl>
            </section>
            {health.map(|health| view! {
                <section class="card detail-card">
                    <h2 class="section-title">"Health"</h2>
                    <dl class="kv">
                        <dt>"Status"</dt><dd>{health.status.clone()}</dd>
                        <dt>"Failing streak"</dt><dd>{health.failing_streak}</dd>
                    </dl>
                    <ol class="health-log" data-testid="health-log">
                        {health.log.iter().rev().map(|check| {
                            let ok = check.exit_code == 0;
                            view! {
                                <li class:health-fail=!ok>
                                    <span class=if ok { "badge badge-ok" } else { "badge badge-danger" }>{if ok { "passed" } else { "failed" }}</span>
                                    <span class="muted">{time(&check.end)}</span>
                                    <pre class="health-output">{check.output.trim().to_owned()}</pre>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>
            })}
            <section class="card detail-card">
                <h2 class="section-title">"Resources"</h2>
                <dl class="kv">
                    {limits.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
            </section>
            <section class="card detail-card detail-wide">
                <h2 class="section-title">"Environment"</h2>
                {if env.is_empty() {
                    view! { <p class="muted">"No environment variables."</p> }.into_any()
                } else {
                    view! {
                        <table class="table table-compact" data-testid="env">
                            <tbody>
                                {env.iter().map(|entry| {
                                    let (name, value) = split_env(entry);
                                    view! { <EnvRow name=name.to_owned() value=value.to_owned() reveal=reveal/> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }}
            </section>
            <section class="card detail-card">
                <h2 class="section-title">"Ports"</h2>
                {if ports.is_empty() {
                    view! { <p class="muted">"No ports exposed."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {ports.iter().map(|p| view! { <li class="mono">{format::port(p)}</li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </section>
            <section class="card detail-card">
                <h2 class="section-title">"Networks"</h2>
                <p class="muted">{format!("Mode: {}", container.host_config.network_mode)}</p>
                <ul class="plain-list">
                    {networks.into_iter().map(|(name, endpoint)| view! {
                        <li>
                            <strong>{name}</strong>
                            " "
                            <span class="mono">{or_dash(&endpoint.ip_address)}</span>
                            {endpoint.aliases.filter(|a| !a.is_empty()).map(|a| view! { <span class="muted">{format!(" · aliases {}", a.join(", "))}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="card detail-card detail-wide">
                <h2 class="section-title">"Mounts"</h2>
                {if container.mounts.is_empty() {
                    view! { <p class="muted">"No mounts."</p> }.into_any()
                } else {
                    view! {
                        <table class="table table-compact" data-testid="mounts">
                            <thead><tr><th scope="col">"Type"</th><th scope="col">"Source"</th><th scope="col">"Destination"</th><th scope="col">"Mode"</th></tr></thead>
                            <tbody>
                                {container.mounts.iter().map(|m| view! {
                                    <tr>
                                        <td>{m.kind.clone()}</td>
                                        <td class="mono cell-break">{m.name.clone().unwrap_or_else(|| m.source.clone())}</td>
                                        <td class="mono cell-break">{m.destination.clone()}</td>
                                        <td>{if m.rw { "read-write" } else { "read-only" }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }}
            </section>
            <section class="card detail-card detail-wide">
                <h2 class="section-title">"Labels"</h2>
                {if labels.is_empty() {
                    view! { <p class="muted">"No labels."</p> }.into_any()
                } else {
                    view! {
                        <table class="table table-compact">
                            <tbody>
                                {labels.into_iter().map(|(k, v)| view! {
                                    <tr><td class="mono cell-break">{k}</td><td class="mono cell-break">{v}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }}
            </section>
        </div>
    }
}

/// One environment variable; a secret-looking value stays masked until revealed, and its value
/// then comes from the audited reveal.
#[component]
fn EnvRow(name: String, value: String, reveal: Reveal) -> impl IntoView {
    let toaster = use_toaster();
    let secret = looks_secret(&name, &value);
    let shown = RwSignal::new(!secret);
    let label = format!("Reveal {name}");
    let key = name.clone();
    let text = {
        let name = name.clone();
        move || match (secret, shown.get()) {
            (false, _) => value.clone(),
            (true, true) => reveal.value_of(&name).unwrap_or_else(|| MASK.to_owned()),
            (true, false) => MASK.to_owned(),
        }
    };
    view! {
        <tr data-env=key>
            <td class="mono env-name">{name}</td>
            <td class="mono cell-break env-value">
                {text}
                {(secret && reveal.allowed).then(|| view! {
                    <button
                        class="btn btn-small btn-ghost env-reveal"
                        aria-label=label
                        aria-pressed=move || shown.get().to_string()
                        disabled=move || reveal.asking()
                        on:click=move |_| {
                            shown.update(|s| *s = !*s);
                            if shown.get_untracked() {
                                reveal.ask(toaster);
                            }
                        }
                    >
                        {move || if shown.get() { "Hide" } else { "Reveal" }}
                    </button>
                })}
            </td>
        </tr>
    }
}

fn limits(container: &ContainerInspect) -> Vec<(&'static str, String)> {
    let host = &container.host_config;
    let none = || "no limit".to_owned();
    vec![
        (
            "Memory",
            if host.memory > 0 {
                format::bytes(host.memory as u64)
            } else {
                none()
            },
        ),
        (
            "Memory + swap",
            match host.memory_swap {
                v if v > 0 => format::bytes(v as u64),
                -1 => "unlimited swap".to_owned(),
                _ => none(),
            },
        ),
        (
            "CPUs",
            if host.nano_cpus > 0 {
                format!("{:.2}", host.nano_cpus as f64 / 1e9)
            } else {
                none()
            },
        ),
        (
            "CPU shares",
            if host.cpu_shares > 0 {
                host.cpu_shares.to_string()
            } else {
                "default".to_owned()
            },
        ),
        ("CPU set", or_dash(&host.cpuset_cpus)),
        (
            "Processes",
            host.pids_limit
                .filter(|&l| l > 0)
                .map_or_else(none, |l| l.to_string()),
        ),
        (
            "Privileged",
            if host.privileged { "yes" } else { "no" }.to_owned(),
        ),
        (
            "Read-only root",
            if host.readonly_rootfs { "yes" } else { "no" }.to_owned(),
        ),
    ]
}

/// An engine timestamp, shortened to the second; the zero time means never.
fn time(rfc3339: &str) -> String {
    if rfc3339.is_empty() || rfc3339.starts_with("0001-") {
        return "—".to_owned();
    }
    rfc3339
        .replace('T', " ")
        .chars()
        .take(19)
        .collect::<String>()
        + " UTC"
}
