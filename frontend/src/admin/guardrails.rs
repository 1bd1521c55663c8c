//! `/env/:env/guardrails`: what this environment lets operators do to its host. Admins change
//! the settings; everyone else sees them read-only. The server enforces them on every request,
//! from the UI and the docker CLI alike; this page only edits them.

use berth_shared::access::Role;
use berth_shared::guardrails::{Guardrails, GuardrailsView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::guardrails::{guardrails, save_guardrails};
use crate::app::engine_status::use_engine_status;
use crate::app::remote::{Remote, remote_view};
use crate::app::session::use_session;
use crate::components::toast::use_toaster;

type Flag = (fn(&Guardrails) -> bool, fn(&mut Guardrails, bool));

/// The switches, each with what it lets an operator do.
const SWITCHES: &[(&str, &str, &str, Flag)] = &[
    (
        "privileged",
        "Privileged containers",
        "Every capability and device of the host: root on it.",
        (|g| g.privileged, |g, on| g.privileged = on),
    ),
    (
        "host_network",
        "Host network",
        "--network host: the host's ports and interfaces.",
        (|g| g.host_network, |g, on| g.host_network = on),
    ),
    (
        "host_pid",
        "Host PID namespace",
        "--pid host: every process of the host, and its files through /proc.",
        (|g| g.host_pid, |g, on| g.host_pid = on),
    ),
    (
        "host_ipc",
        "Host IPC namespace",
        "--ipc host: the host's shared memory.",
        (|g| g.host_ipc, |g, on| g.host_ipc = on),
    ),
    (
        "host_uts",
        "Host UTS namespace",
        "--uts host: the host's name.",
        (|g| g.host_uts, |g, on| g.host_uts = on),
    ),
    (
        "host_userns",
        "Host user namespace",
        "--userns host: undoes user-namespace remapping.",
        (|g| g.host_userns, |g, on| g.host_userns = on),
    ),
    (
        "host_cgroupns",
        "Host cgroup namespace",
        "--cgroupns host: the host's cgroup tree.",
        (|g| g.host_cgroupns, |g, on| g.host_cgroupns = on),
    ),
    (
        "devices",
        "Devices",
        "--device, device cgroup rules and --gpus: the host's devices, its disks included.",
        (|g| g.devices, |g, on| g.devices = on),
    ),
    (
        "unconfined",
        "Unconfined security options",
        "seccomp, AppArmor and SELinux loosened, /proc unmasked.",
        (|g| g.unconfined, |g, on| g.unconfined = on),
    ),
    (
        "sysctls",
        "Sysctls",
        "--sysctl: namespaced kernel parameters.",
        (|g| g.sysctls, |g, on| g.sysctls = on),
    ),
    (
        "privileged_exec",
        "Privileged exec",
        "docker exec --privileged: every capability for the session.",
        (|g| g.privileged_exec, |g, on| g.privileged_exec = on),
    ),
    (
        "build_host_network",
        "Builds on the host network",
        "docker build --network host.",
        (|g| g.build_host_network, |g, on| g.build_host_network = on),
    ),
];

/// Paths typed one a line (a path may hold spaces).
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Names separated by commas or spaces.
fn names(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `/env/:env/guardrails`.
#[component]
pub fn GuardrailsPage() -> impl IntoView {
    let status = use_engine_status();
    let current = Remote::new(move |signal| {
        let environment = status.environment.get();
        async move { guardrails(&environment, Some(&signal)).await }
    });
    view! {
        <section class="page page-narrow" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Guardrails"</h1>
                    <p class="page-sub">
                        {move || format!(
                            "What operators may ask the engine of environment '{}' for. Berth enforces \
                             these on every request, from this console and the docker CLI alike; admins are not fenced.",
                            status.environment.get()
                        )}
                    </p>
                </div>
            </div>
            {remote_view(current, status, "guardrails", move |view: GuardrailsView| {
                view! { <GuardrailsForm current=view on_saved=Callback::new(move |()| current.reload())/> }
            })}
        </section>
    }
}

#[component]
fn GuardrailsForm(
    /// The settings as the server has them.
    current: GuardrailsView,
    /// Called after a save.
    on_saved: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toaster = use_toaster();
    let is_admin = untrack(|| session.role()) == Some(Role::Admin);
    let environment = current.environment.clone();
    let settings = RwSignal::new(current.guardrails.clone());
    let prefixes = RwSignal::new(current.guardrails.host_path_prefixes.join("\n"));
    let capabilities = RwSignal::new(current.guardrails.capabilities.join(" "));
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let request = Guardrails {
            host_path_prefixes: lines(&prefixes.get_untracked()),
            capabilities: names(&capabilities.get_untracked()),
            ..settings.get_untracked()
        };
        let environment = environment.clone();
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let result = save_guardrails(&environment, &request).await;
            saving.set(false);
            match result {
                Ok(_) => {
                    toaster.success(format!("Saved the guardrails of {environment}"));
                    on_saved.try_run(());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    let protected = current.protected_paths.join(", ");
    view! {
        <form class="form" on:submit=submit data-testid="guardrails-form">
            {(!is_admin).then(|| view! {
                <p class="notice" role="note">"Only admins change these settings."</p>
            })}
            <fieldset class="container-form-section" disabled=!is_admin>
                <legend>"Allowed to operators"</legend>
                {SWITCHES.iter().map(|(key, label, hint, (get, set))| {
                    let (get, set) = (*get, *set);
                    view! {
                        <label class="check check-field">
                            <input type="checkbox" name=*key
                                prop:checked=move || settings.with(get)
                                on:change=move |event| settings.update(|s| set(s, event_target_checked(&event)))/>
                            <span>
                                <span class="check-label">{*label}</span>
                                <span class="field-hint">{*hint}</span>
                            </span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset class="container-form-section" disabled=!is_admin>
                <legend>"Host paths and capabilities"</legend>
                <label class="field">
                    <span class="field-label">"Host path prefixes"</span>
                    <textarea name="host_path_prefixes" rows="3" spellcheck="false" placeholder="/srv/data"
                        prop:value=move || prefixes.get() on:input=move |event| prefixes.set(event_target_value(&event))></textarea>
                    <span class="field-hint">
                        "One a line. Bind mounts and host-backed local volumes may use paths under these; none means no host path at all. \
                         Allow a prefix only if no container can write below it: a symbolic link there could point anywhere."
                    </span>
                </label>
                <label class="field">
                    <span class="field-label">"Capabilities that may be added"</span>
                    <input name="capabilities" spellcheck="false" autocomplete="off" placeholder="NET_ADMIN SYS_PTRACE"
                        prop:value=move || capabilities.get() on:input=move |event| capabilities.set(event_target_value(&event))/>
                    <span class="field-hint">"Beyond Docker's default set; ALL allows every one."</span>
                </label>
            </fieldset>
            <p class="field-hint" data-testid="protected-paths">
                {format!("Never mountable by non-admins, whatever these settings say: {protected}, and every parent of them.")}
            </p>
            {move || error.get().map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })}
            {is_admin.then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || saving.get()>
                        {move || if saving.get() { "Saving…" } else { "Save guardrails" }}
                    </button>
                </div>
            })}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_on_lines_and_names_on_commas_and_spaces() {
        assert_eq!(
            lines("/srv/a\n\n /srv/my data \n"),
            ["/srv/a", "/srv/my data"]
        );
        assert_eq!(
            names("NET_ADMIN, SYS_PTRACE\nSYS_TIME"),
            ["NET_ADMIN", "SYS_PTRACE", "SYS_TIME"]
        );
        assert!(names("  \n").is_empty());
    }

    #[test]
    fn every_boolean_setting_has_a_switch() {
        let mut all = Guardrails::default();
        for (_, _, _, (get, set)) in SWITCHES {
            assert!(!get(&all));
            set(&mut all, true);
            assert!(get(&all));
        }
        assert_eq!(
            Guardrails {
                host_path_prefixes: Vec::new(),
                capabilities: Vec::new(),
                ..all.clone()
            },
            all
        );
        let json = serde_json::to_value(&all).unwrap();
        let switched = json
            .as_object()
            .unwrap()
            .values()
            .filter(|value| **value == serde_json::Value::Bool(true))
            .count();
        assert_eq!(switched, SWITCHES.len());
    }
}
