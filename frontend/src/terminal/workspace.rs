//! `TerminalWorkspace`: several terminals to one container in tabs, with the form that says
//! what each runs (a detected shell, bash, sh, ash or a command, as which user, where) or how
//! to attach (the detach keys). Self-contained: give it an environment, a container and a mode.

use berth_shared::terminal::TerminalTarget;
use leptos::html::Dialog;
use leptos::prelude::*;

use super::pane::{PaneTarget, TerminalPane};
use super::status::PaneStatus;
use crate::components::confirm::ConfirmDialog;
use crate::components::modal::show_modal_while;
use crate::components::tabs::next_tab;
use crate::shell_words;

/// Whether the workspace runs new processes or attaches to the main one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalMode {
    /// `docker exec`.
    Exec,
    /// `docker attach`.
    Attach,
}

/// The detach keys `docker attach` uses unless told otherwise.
pub const DEFAULT_DETACH_KEYS: &str = "ctrl-p,ctrl-q";

#[derive(Clone)]
struct Tab {
    id: u32,
    title: String,
    target: TerminalTarget,
    status: RwSignal<PaneStatus>,
}

/// The form's choice of what to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shell {
    Detect,
    Bash,
    Sh,
    Ash,
    Custom,
}

impl Shell {
    const ALL: [Shell; 5] = [
        Shell::Detect,
        Shell::Bash,
        Shell::Sh,
        Shell::Ash,
        Shell::Custom,
    ];

    fn value(self) -> &'static str {
        match self {
            Shell::Detect => "detect",
            Shell::Bash => "/bin/bash",
            Shell::Sh => "/bin/sh",
            Shell::Ash => "/bin/ash",
            Shell::Custom => "custom",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Shell::Detect => "Detect (bash, then sh, then ash)",
            Shell::Bash => "bash",
            Shell::Sh => "sh",
            Shell::Ash => "ash",
            Shell::Custom => "Custom command…",
        }
    }

    fn from_value(value: &str) -> Shell {
        Shell::ALL
            .into_iter()
            .find(|shell| shell.value() == value)
            .unwrap_or(Shell::Detect)
    }
}

/// Terminals to one container, in tabs.
#[component]
pub fn TerminalWorkspace(
    /// The environment id.
    #[prop(into)]
    environment: String,
    /// The container's id or name.
    #[prop(into)]
    container: String,
    /// Exec or attach.
    mode: TerminalMode,
) -> impl IntoView {
    let tabs = RwSignal::new(Vec::<Tab>::new());
    let active = RwSignal::new(0u32);
    let next_id = StoredValue::new(1u32);
    let form_open = RwSignal::new(false);
    let closing = RwSignal::new(None::<u32>);

    // Tabs' signals belong to the workspace, not to the form that asked for them (which is
    // unmounted as soon as the first tab opens).
    let owner = Owner::current().expect("a workspace is rendered inside an owner");
    let add = Callback::new(move |(title, target): (String, TerminalTarget)| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        tabs.update(|tabs| {
            tabs.push(Tab {
                id,
                title,
                target,
                status: owner.with(|| RwSignal::new(PaneStatus::Loading)),
            });
        });
        active.set(id);
        form_open.set(false);
    });
    let remove = move |id: u32| {
        tabs.update(|tabs| tabs.retain(|tab| tab.id != id));
        if active.get_untracked() == id
            && let Some(last) = tabs.with_untracked(|tabs| tabs.last().map(|tab| tab.id))
        {
            active.set(last);
        }
    };
    let ask_close = move |id: u32| {
        let running = tabs.with_untracked(|tabs| {
            tabs.iter()
                .any(|tab| tab.id == id && !tab.status.get_untracked().ended())
        });
        if running {
            closing.set(Some(id));
        } else {
            remove(id);
        }
    };
    let on_key = move |event: web_sys::KeyboardEvent| {
        let ids = tabs.with_untracked(|tabs| tabs.iter().map(|tab| tab.id).collect::<Vec<_>>());
        let Some(at) = ids.iter().position(|id| *id == active.get_untracked()) else {
            return;
        };
        let next = next_tab(&event.key(), at, ids.len()).and_then(|next| ids.get(next));
        if let Some(next) = next {
            event.prevent_default();
            active.set(*next);
        }
    };

    let new_label = match mode {
        TerminalMode::Exec => "New terminal",
        TerminalMode::Attach => "Attach again",
    };
    let env_for_panes = StoredValue::new(environment);
    let container_for_panes = StoredValue::new(container.clone());
    let container_for_form = StoredValue::new(container.clone());

    view! {
        <div class="term-workspace" data-testid="terminal-workspace">
            <Show
                when=move || tabs.with(|tabs| !tabs.is_empty())
                fallback=move || view! {
                    <div class="term-start card">
                        <TargetForm mode=mode container=container_for_form.get_value() on_submit=add on_cancel=None/>
                    </div>
                }
            >
                <div class="term-tabs">
                    <div class="term-tablist" role="tablist" aria-label="Terminals" on:keydown=on_key>
                        <For each=move || tabs.get() key=|tab| tab.id let:tab>
                            {
                                let id = tab.id;
                                let status = tab.status;
                                view! {
                                    <div class="term-tab" class:term-tab-active=move || active.get() == id>
                                        <button
                                            type="button"
                                            role="tab"
                                            class="term-tab-button"
                                            aria-selected=move || (active.get() == id).to_string()
                                            tabindex=move || if active.get() == id { "0" } else { "-1" }
                                            on:click=move |_| active.set(id)
                                        >
                                            <span class=move || format!("badge-dot term-dot {}", status.with(PaneStatus::tone))></span>
                                            {tab.title.clone()}
                                        </button>
                                        <button
                                            type="button"
                                            class="term-tab-close"
                                            aria-label=format!("Close {}", tab.title)
                                            title="Close"
                                            on:click=move |_| ask_close(id)
                                        >
                                            "×"
                                        </button>
                                    </div>
                                }
                            }
                        </For>
                    </div>
                    <button type="button" class="btn btn-small" data-testid="terminal-new" on:click=move |_| form_open.set(true)>
                        {new_label}
                    </button>
                </div>
                <div class="term-panes">
                    <For each=move || tabs.get() key=|tab| tab.id let:tab>
                        {
                            let id = tab.id;
                            let target = PaneTarget {
                                environment: env_for_panes.get_value(),
                                container: container_for_panes.get_value(),
                                target: tab.target.clone(),
                            };
                            view! {
                                <TerminalPane target=target status=tab.status visible=Signal::derive(move || active.get() == id)/>
                            }
                        }
                    </For>
                </div>
            </Show>
            <FormDialog open=form_open mode=mode container=container on_submit=add/>
            <ConfirmDialog
                open=Signal::derive(move || closing.get().is_some())
                title="Close this terminal?"
                confirm_label="Close"
                on_confirm=Callback::new(move |()| {
                    if let Some(id) = closing.get_untracked() {
                        remove(id);
                    }
                    closing.set(None);
                })
                on_cancel=Callback::new(move |()| closing.set(None))
            >
                <p>"Its process still runs. Closing ends the connection: a shell exits, and a program that does not read its input keeps running in the container."</p>
            </ConfirmDialog>
        </div>
    }
}

/// The form in a modal dialog, for further terminals.
#[component]
fn FormDialog(
    open: RwSignal<bool>,
    mode: TerminalMode,
    container: String,
    on_submit: Callback<(String, TerminalTarget)>,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    show_modal_while(dialog, open.into());
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            on:cancel=move |event: web_sys::Event| {
                event.prevent_default();
                open.set(false);
            }
        >
            {move || open.get().then(|| view! {
                <TargetForm mode=mode container=container.clone() on_submit=on_submit on_cancel=Some(Callback::new(move |()| open.set(false)))/>
            })}
        </dialog>
    }
}

/// What to run (exec) or how to attach.
#[component]
fn TargetForm(
    mode: TerminalMode,
    container: String,
    on_submit: Callback<(String, TerminalTarget)>,
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let shell = RwSignal::new(Shell::Detect);
    let command = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let working_dir = RwSignal::new(String::new());
    let detach_keys = RwSignal::new(DEFAULT_DETACH_KEYS.to_owned());
    let error = RwSignal::new(None::<String>);

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let chosen = match mode {
            TerminalMode::Attach => Ok((
                "attach".to_owned(),
                TerminalTarget::Attach {
                    detach_keys: detach_keys.get_untracked().trim().to_owned(),
                },
            )),
            TerminalMode::Exec => exec_target(
                shell.get_untracked(),
                &command.get_untracked(),
                &user.get_untracked(),
                &working_dir.get_untracked(),
            ),
        };
        match chosen {
            Ok(chosen) => {
                error.set(None);
                on_submit.run(chosen);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let title = match mode {
        TerminalMode::Exec => format!("Open a terminal in {container}"),
        TerminalMode::Attach => format!("Attach to {container}"),
    };
    let input = |signal: RwSignal<String>| {
        move |event: web_sys::Event| signal.set(event_target_value(&event))
    };

    view! {
        <form class="term-form" on:submit=submit data-testid="terminal-form">
            <h2 class="dialog-title">{title}</h2>
            {match mode {
                TerminalMode::Exec => view! {
                    <label class="field">
                        <span class="field-label">"Shell or command"</span>
                        <select
                            class="input"
                            name="shell"
                            on:change=move |event| shell.set(Shell::from_value(&event_target_value(&event)))
                        >
                            {Shell::ALL
                                .into_iter()
                                .map(|option| view! { <option value=option.value()>{option.label()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <Show when=move || shell.get() == Shell::Custom>
                        <label class="field">
                            <span class="field-label">"Command"</span>
                            <input class="input mono" name="command" placeholder="python3 -i" autofocus
                                prop:value=move || command.get() on:input=input(command)/>
                            <span class="field-hint">"Words are split as a shell would; quote to keep spaces."</span>
                        </label>
                    </Show>
                    <div class="term-form-row">
                        <label class="field field-grow">
                            <span class="field-label">"User"</span>
                            <input class="input mono" name="user" placeholder="image default"
                                prop:value=move || user.get() on:input=input(user)/>
                        </label>
                        <label class="field field-grow">
                            <span class="field-label">"Working directory"</span>
                            <input class="input mono" name="workdir" placeholder="image default"
                                prop:value=move || working_dir.get() on:input=input(working_dir)/>
                        </label>
                    </div>
                }.into_any(),
                TerminalMode::Attach => view! {
                    <label class="field">
                        <span class="field-label">"Detach keys"</span>
                        <input class="input mono" name="detach-keys"
                            prop:value=move || detach_keys.get() on:input=input(detach_keys)/>
                        <span class="field-hint">"Type these to leave the container running; closing the tab also detaches. Ctrl+C goes to the main process and may stop it."</span>
                    </label>
                }.into_any(),
            }}
            {move || error.get().map(|message| view! { <p class="term-form-error" role="alert">{message}</p> })}
            <div class="dialog-actions">
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="btn" on:click=move |_| cancel.run(())>"Cancel"</button>
                })}
                <button type="submit" class="btn btn-primary" data-testid="terminal-connect">
                    {match mode {
                        TerminalMode::Exec => "Connect",
                        TerminalMode::Attach => "Attach",
                    }}
                </button>
            </div>
        </form>
    }
}

/// The tab title and exec target the form's fields describe.
fn exec_target(
    shell: Shell,
    command: &str,
    user: &str,
    working_dir: &str,
) -> Result<(String, TerminalTarget), String> {
    let words = match shell {
        Shell::Detect => Vec::new(),
        Shell::Custom => {
            let words = shell_words::split(command).map_err(|error| error.to_string())?;
            if words.is_empty() {
                return Err("Enter a command to run.".to_owned());
            }
            words
        }
        fixed => vec![fixed.value().to_owned()],
    };
    let title = match words.first() {
        Some(program) => program.rsplit('/').next().unwrap_or(program).to_owned(),
        None => "shell".to_owned(),
    };
    Ok((
        title,
        TerminalTarget::Exec {
            command: words,
            user: user.trim().to_owned(),
            working_dir: working_dir.trim().to_owned(),
            env: Vec::new(),
            tty: true,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_describes_the_exec() {
        let (title, target) =
            exec_target(Shell::Custom, "python3 -c 'print(1)'", " app ", "").unwrap();
        assert_eq!(title, "python3");
        assert_eq!(
            target,
            TerminalTarget::Exec {
                command: vec!["python3".into(), "-c".into(), "print(1)".into()],
                user: "app".into(),
                working_dir: String::new(),
                env: vec![],
                tty: true,
            }
        );
        assert_eq!(exec_target(Shell::Detect, "", "", "").unwrap().0, "shell");
        assert_eq!(exec_target(Shell::Ash, "", "", "").unwrap().0, "ash");
        assert!(exec_target(Shell::Custom, "  ", "", "").is_err());
        assert_eq!(Shell::from_value("/bin/bash"), Shell::Bash);
    }
}
