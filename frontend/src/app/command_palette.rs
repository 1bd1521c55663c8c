//! The keyboard layer: a command palette (Ctrl-K or ⌘K) to go to every page of the navigation
//! and run every action on a container by name (the one list of
//! [`container_commands`](crate::containers::lifecycle::container_commands), whose dialogs the
//! palette opens itself), to go to each other environment, and a help overlay (`?`) listing the shortcuts. `/` puts the cursor in
//! the page's search box.

use berth_shared::access::{Access, Role};
use berth_shared::api::overview::EnvironmentCard;
use berth_shared::engine::container::ContainerSummary;
use leptos::ev;
use leptos::html::{Dialog, Input};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use leptos::wasm_split::wasm_split;

use crate::app::engine_status::use_engine_status;
use crate::app::environments::{HOME, use_known_environments};
use crate::app::routes::{PageLoadError, lazy_view, load};
use crate::app::session::use_session;
use crate::app::shell::{ADMIN_SECTIONS, ENGINE_ADMIN_SECTIONS, SECTIONS, SWARM_SECTIONS};
use crate::app::theme;
use crate::components::download;
use crate::components::toast::use_toaster;
use crate::containers::lifecycle::{
    Busy, ContainerDialogs, Pending, Step, container_commands, run_operation,
};

/// The shortcuts the help overlay lists.
const SHORTCUTS: [(&str, &str); 6] = [
    ("Ctrl K  /  ⌘ K", "Open the command palette"),
    ("?", "Show this help"),
    ("/", "Search the current page"),
    ("↑ ↓", "Move through the palette's results"),
    ("Enter", "Run the highlighted command"),
    ("Esc", "Close the palette, a dialog or a menu"),
];

/// What a palette entry does.
#[derive(Debug, Clone, PartialEq)]
enum Command {
    /// Go to a path.
    Go(String),
    /// One of a container's actions.
    Act(Box<ContainerSummary>, Step),
    /// Switch between the light and dark theme.
    ToggleTheme,
    /// Show the shortcuts.
    Help,
}

/// One entry: its label, a hint on the right, and what it does.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    label: String,
    hint: &'static str,
    command: Command,
}

/// Whether the key event comes from a field the user is typing in.
fn typing(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}

/// The palette and the help overlay, with their global shortcuts. Mounted once by the shell.
#[component]
pub fn CommandPalette() -> impl IntoView {
    let open = RwSignal::new(false);
    let help = RwSignal::new(false);
    let handle = window_event_listener(ev::keydown, move |event| {
        let key = event.key();
        if (event.ctrl_key() || event.meta_key()) && key.eq_ignore_ascii_case("k") {
            event.prevent_default();
            help.set(false);
            open.update(|o| *o = !*o);
        } else if key == "?" && !typing(&event) {
            event.prevent_default();
            open.set(false);
            help.update(|h| *h = !*h);
        } else if key == "/"
            && !typing(&event)
            && !open.get_untracked()
            && let Ok(Some(search)) = document().query_selector("main input[type=search]")
            && let Ok(search) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(search)
        {
            event.prevent_default();
            let _ = search.focus();
        }
    });
    on_cleanup(move || handle.remove());
    // A container's action that asks first opens its dialog here, where it outlives the
    // palette; the dialogs' code is loaded with the containers list's the first time.
    // `pending` is the dialog wanted, handed to the dialogs once they are in the page.
    let pending = RwSignal::new(None::<Pending>);
    let asked = RwSignal::new(false);
    provide_context(PaletteDialog(pending));
    view! {
        <Show when=move || open.get()>
            <Palette open=open help=help pending=pending asked=asked/>
        </Show>
        <HelpOverlay open=help/>
        <Show when=move || asked.get()>
            {lazy_view("the dialog", load(palette_dialogs))}
        </Show>
    }
}

/// The dialog a container's action from the palette wants opened.
#[derive(Clone, Copy)]
struct PaletteDialog(RwSignal<Option<Pending>>);

#[wasm_split(containers_list, wasm_split_path = leptos::wasm_split, fallible)]
fn palette_dialogs() -> Result<AnyView, PageLoadError> {
    let PaletteDialog(wanted) = expect_context();
    let pending = RwSignal::new(None::<Pending>);
    // A modal can only open once it is in the document, which the dialogs are not yet when
    // they first load: the wanted dialog is handed over on the next frame.
    Effect::new(move |_| {
        if let Some(next) = wanted.get() {
            wanted.set(None);
            request_animation_frame(move || {
                pending.try_set(Some(next));
            });
        }
    });
    Ok(view! { <ContainerDialogs pending=pending busy=Busy::detached()/> }.into_any())
}

#[component]
fn Palette(
    open: RwSignal<bool>,
    help: RwSignal<bool>,
    pending: RwSignal<Option<Pending>>,
    asked: RwSignal<bool>,
) -> impl IntoView {
    let status = use_engine_status();
    let session = use_session();
    let toaster = use_toaster();
    let navigate = use_navigate();
    let query = RwSignal::new(String::new());
    let highlighted = RwSignal::new(0usize);
    let containers = RwSignal::new(Vec::<ContainerSummary>::new());
    let dialog = NodeRef::<Dialog>::new();
    let input = NodeRef::<Input>::new();
    let env = untrack(|| status.environment.get());
    let engine = untrack(|| status.engine());
    {
        let engine = engine.clone();
        spawn_local(async move {
            if let Ok(list) = engine.containers(None).await {
                containers.set(list);
            }
        });
    }
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
            if let Some(input) = input.get() {
                let _ = input.focus();
            }
        }
    });
    let can_operate = untrack(|| session.can(Access::Operate));
    let is_admin = untrack(|| session.role() == Some(Role::Admin));
    let mut fixed = fixed_entries(&env, can_operate, is_admin);
    if untrack(|| session.can(Access::Admin)) {
        let env = crate::api::percent_encode(&env);
        fixed.extend(ENGINE_ADMIN_SECTIONS.iter().map(|(path, label, _)| Entry {
            label: (*label).to_owned(),
            hint: "go to",
            command: Command::Go(format!("/env/{env}/{path}")),
        }));
        fixed.push(Entry {
            label: "Install a plugin".into(),
            hint: "action",
            command: Command::Go(format!("/env/{env}/plugins?install=1")),
        });
    }
    fixed.extend(environment_entries(
        &untrack(|| use_known_environments().cards()),
        &env,
    ));
    let engine_for_list = engine.clone();
    let entries =
        Memo::new(move |_| {
            let search = query.get();
            let mut list: Vec<Entry> = fixed
                .iter()
                .filter(|entry| crate::components::toolbar::matches_search(&search, &entry.label))
                .cloned()
                .collect();
            // Containers are many: they appear once the user types.
            if !search.trim().is_empty() {
                containers.with(|all| {
                    for c in all {
                        let name = c.display_name();
                        let path = format!(
                            "/env/{}/containers/{}",
                            crate::api::percent_encode(&env),
                            crate::api::percent_encode(&c.id)
                        );
                        let mut candidates = vec![Entry {
                            label: format!("Open container {name}"),
                            hint: "container",
                            command: Command::Go(path),
                        }];
                        if can_operate {
                            candidates.extend(
                                container_commands(c, &env, &engine_for_list, true)
                                    .into_iter()
                                    .map(|command| Entry {
                                        label: command.phrase_for(name),
                                        hint: "action",
                                        command: Command::Act(Box::new(c.clone()), command.step),
                                    }),
                            );
                        }
                        list.extend(candidates.into_iter().filter(|e| {
                            crate::components::toolbar::matches_search(&search, &e.label)
                        }));
                    }
                });
            }
            list.truncate(50);
            list
        });
    let close = move || open.set(false);
    let run = move |entry: Entry| {
        close();
        match entry.command {
            Command::Go(path) => navigate(&path, Default::default()),
            Command::Act(container, step) => match step {
                Step::Run(operation) => run_operation(
                    engine.clone(),
                    toaster,
                    Busy::detached(),
                    vec![*container],
                    operation,
                ),
                Step::Ask(dialog) => {
                    pending.set(Some(*dialog));
                    asked.set(true);
                }
                Step::Go(path) => navigate(&path, Default::default()),
                Step::Download { href, file } => download::follow(&href, &file),
            },
            // Through the sidebar's switch, so it shows the new theme too.
            Command::ToggleTheme => match document()
                .query_selector(".theme-toggle")
                .ok()
                .flatten()
                .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
            {
                Some(switch) => switch.click(),
                None => theme::apply(theme::current().toggled()),
            },
            Command::Help => help.set(true),
        }
    };
    let run = StoredValue::new_local(run);
    let on_key = move |event: web_sys::KeyboardEvent| {
        let count = entries.with(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => {
                event.prevent_default();
                highlighted.update(|h| *h = (*h + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                event.prevent_default();
                highlighted.update(|h| *h = (*h + count - 1) % count);
            }
            "Enter" => {
                event.prevent_default();
                let chosen = entries.with(|list| list.get(highlighted.get_untracked()).cloned());
                if let Some(entry) = chosen {
                    run.with_value(|run| run(entry));
                }
            }
            _ => {}
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog palette"
            aria-label="Command palette"
            on:cancel=move |event: web_sys::Event| {
                event.prevent_default();
                close();
            }
            on:click=move |event: web_sys::MouseEvent| {
                // A click on the backdrop (the dialog itself, outside its content) closes it.
                let on_backdrop = event.target().zip(dialog.get()).is_some_and(|(target, dialog)| {
                    let dialog: &wasm_bindgen::JsValue = dialog.as_ref();
                    let target: &wasm_bindgen::JsValue = target.as_ref();
                    target == dialog
                });
                if on_backdrop {
                    close();
                }
            }
        >
            <div class="palette-body">
                <input
                    node_ref=input
                    class="palette-input"
                    type="text"
                    role="combobox"
                    aria-expanded="true"
                    aria-controls="palette-results"
                    aria-label="Type a command or a container name"
                    placeholder="Type a command or a container name…"
                    prop:value=move || query.get()
                    on:input=move |e| {
                        query.set(event_target_value(&e));
                        highlighted.set(0);
                    }
                    on:keydown=on_key
                />
                <ul id="palette-results" class="palette-results" role="listbox" aria-label="Commands">
                    {move || {
                        let list = entries.get();
                        if list.is_empty() {
                            return view! { <li class="palette-empty">"No command matches."</li> }.into_any();
                        }
                        list.into_iter()
                            .enumerate()
                            .map(|(index, entry)| {
                                let chosen = entry.clone();
                                view! {
                                    <li
                                        role="option"
                                        class="palette-entry"
                                        aria-selected=move || (highlighted.get() == index).to_string()
                                        on:mouseenter=move |_| highlighted.set(index)
                                        on:click=move |_| {
                                            let entry = chosen.clone();
                                            run.with_value(|run| run(entry));
                                        }
                                    >
                                        <span>{entry.label}</span>
                                        <span class="palette-hint">{entry.hint}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </ul>
            </div>
        </dialog>
    }
}

fn fixed_entries(env: &str, can_operate: bool, is_admin: bool) -> Vec<Entry> {
    let env = crate::api::percent_encode(env);
    let go = |label: &str, path: String| Entry {
        label: label.to_owned(),
        hint: "go to",
        command: Command::Go(path),
    };
    // Every page of the navigation, from its one list.
    let mut list: Vec<Entry> = SECTIONS
        .iter()
        .chain(&SWARM_SECTIONS)
        .map(|(path, label, _)| go(label, format!("/env/{env}/{path}")))
        .collect();
    list.push(go("Account", "/account".to_owned()));
    if can_operate {
        list.insert(
            1,
            Entry {
                label: "New container".into(),
                hint: "action",
                command: Command::Go(format!("/env/{env}/containers/new")),
            },
        );
    }
    if is_admin {
        list.extend(
            ADMIN_SECTIONS
                .iter()
                .map(|(path, label, _)| go(label, path.replace("{env}", &env))),
        );
    }
    list.push(Entry {
        label: "Toggle dark theme".into(),
        hint: "action",
        command: Command::ToggleTheme,
    });
    list.push(Entry {
        label: "Keyboard shortcuts".into(),
        hint: "help",
        command: Command::Help,
    });
    list
}

/// "Go to environment …" for each other environment, and the home page of them all.
fn environment_entries(cards: &[EnvironmentCard], current: &str) -> Vec<Entry> {
    if cards.len() <= 1 {
        return Vec::new();
    }
    let mut list: Vec<Entry> = cards
        .iter()
        .filter(|card| card.id != current)
        .map(|card| Entry {
            label: format!("Go to environment {}", card.name),
            hint: "environment",
            command: Command::Go(format!(
                "/env/{}/containers",
                crate::api::percent_encode(&card.id)
            )),
        })
        .collect();
    list.push(Entry {
        label: "All environments".into(),
        hint: "go to",
        command: Command::Go(HOME.to_owned()),
    });
    list
}

/// The list of shortcuts.
#[component]
fn HelpOverlay(open: RwSignal<bool>) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    crate::components::modal::show_modal_while(dialog, open.into());
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-labelledby="help-title"
            on:close=move |_| open.set(false)
        >
            <form method="dialog">
            <h2 id="help-title" class="dialog-title">"Keyboard shortcuts"</h2>
            <dl class="facts shortcuts">
                {SHORTCUTS.iter().map(|(keys, what)| view! {
                    <dt><kbd>{*keys}</kbd></dt>
                    <dd>{*what}</dd>
                }).collect_view()}
            </dl>
            <div class="dialog-actions">
                <button type="submit" class="btn" autofocus>"Close"</button>
            </div>
            </form>
        </dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, name: &str) -> EnvironmentCard {
        EnvironmentCard {
            id: id.into(),
            name: name.into(),
            ..EnvironmentCard::default()
        }
    }

    #[test]
    fn other_environments_are_offered_when_there_are_several() {
        assert!(environment_entries(&[card("local", "local")], "local").is_empty());
        let entries = environment_entries(&[card("local", "local"), card("nas", "NAS")], "local");
        let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["Go to environment NAS", "All environments"]);
        assert_eq!(
            entries[0].command,
            Command::Go("/env/nas/containers".into())
        );
    }
}
