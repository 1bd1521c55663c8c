//! The privileges a plugin asks for, each shown plainly with a box the admin ticks to accept
//! it; with the installed version's privileges beside (an upgrade), each says whether it is
//! new, unchanged, or no longer asked for.

use berth_shared::engine::plugin::PluginPrivilege;
use leptos::prelude::*;

use crate::plugins::model::{PrivilegeChange, privilege_diff, privilege_words};

/// The review: one row per privilege, each with its own tick box; `accepted` holds while every
/// privilege asked for is ticked.
#[component]
pub fn PrivilegeReview(
    /// What the plugin asks for.
    privileges: Vec<PluginPrivilege>,
    /// What the installed version holds, for an upgrade's difference.
    #[prop(optional)]
    installed: Option<Vec<PluginPrivilege>>,
    /// Whether every one is accepted.
    accepted: RwSignal<bool>,
) -> impl IntoView {
    let changes = match &installed {
        Some(installed) => privilege_diff(installed, &privileges),
        None => privileges
            .iter()
            .cloned()
            .map(PrivilegeChange::Added)
            .collect(),
    };
    let asked: Vec<PluginPrivilege> = changes
        .iter()
        .filter_map(|change| match change {
            PrivilegeChange::Same(privilege) | PrivilegeChange::Added(privilege) => {
                Some(privilege.clone())
            }
            PrivilegeChange::Dropped(_) => None,
        })
        .collect();
    let ticks: Vec<RwSignal<bool>> = asked.iter().map(|_| RwSignal::new(false)).collect();
    let all = ticks.clone();
    Effect::new(move || accepted.set(all.iter().all(|tick| tick.get())));
    let diffing = installed.is_some();
    let mut ticks = ticks.into_iter();
    let rows = changes
        .into_iter()
        .map(|change| {
            let (privilege, note, tick) = match change {
                PrivilegeChange::Same(privilege) => {
                    (privilege, diffing.then_some("unchanged"), ticks.next())
                }
                PrivilegeChange::Added(privilege) => {
                    (privilege, diffing.then_some("new"), ticks.next())
                }
                PrivilegeChange::Dropped(privilege) => (privilege, Some("no longer asked"), None),
            };
            let (what, values) = privilege_words(&privilege);
            let label = format!("Accept: {what}");
            view! {
                <li class="privilege" data-testid="plugin-privilege" data-privilege=privilege.name>
                    <div>
                        <strong>{what}</strong>
                        {note.map(|note| view! { <span class="badge badge-neutral">{note}</span> })}
                        <div class="mono muted">{format!("{}: {values}", privilege.name)}</div>
                    </div>
                    {tick.map(|tick| view! {
                        <label class="check">
                            <input type="checkbox" aria-label=label
                                prop:checked=move || tick.get()
                                on:change=move |event| tick.set(event_target_checked(&event))/>
                            "Accept"
                        </label>
                    })}
                </li>
            }
        })
        .collect_view();
    let none = asked.is_empty();
    view! {
        <section data-testid="plugin-privileges">
            <h3 class="section-title">"Privileges"</h3>
            {if none {
                view! { <p class="muted">"This plugin asks for no privileges."</p> }.into_any()
            } else {
                view! {
                    <p>"The plugin runs as root on the host with these privileges. Accept each one to go on."</p>
                    <ul class="privileges">{rows}</ul>
                }.into_any()
            }}
        </section>
    }
}
