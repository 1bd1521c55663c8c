//! The environments the signed-in user may see, as the shell knows them: the list behind the
//! header's switcher and the command palette's "go to environment", read once from
//! `/api/overview` (the home page follows it live), and where `/` leads: straight to the
//! containers when there is only one environment, else to the home page of them all. It also
//! says which environment is a given swarm node, so a task's container links to its page there.

use std::collections::BTreeMap;

use berth_shared::api::overview::{CardState, EnvironmentCard, Overview};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate};

use crate::DEFAULT_ENVIRONMENT;
use crate::api::environments::overview;
use crate::app::engine_status::use_engine_status;
use crate::app::remote::{Loadable, Remote};
use crate::app::shell::{SECTIONS, SWARM_SECTIONS};

/// The home page of all environments.
pub const HOME: &str = "/environments";

/// The switcher's option that leads to the home page.
const ALL: &str = "";

/// The environments the user may see, provided by the shell.
#[derive(Clone, Copy)]
pub struct KnownEnvironments(
    pub Remote<Overview>,
    /// [`environments_by_node`] of the cards, made once for every task row that looks a node up.
    Memo<BTreeMap<String, String>>,
);

impl KnownEnvironments {
    /// Starts loading the list.
    pub fn new() -> Self {
        let overview = Remote::new(|signal| async move { overview(None, Some(&signal)).await });
        let by_node = Memo::new(move |_| {
            overview
                .value()
                .map(|overview| environments_by_node(&overview.environments))
                .unwrap_or_default()
        });
        Self(overview, by_node)
    }

    /// The environment whose engine is the swarm node `node`, where that node's containers have
    /// their pages (tracked).
    pub fn environment_of_node(&self, node: &str) -> Option<String> {
        self.1.with(|by_node| by_node.get(node).cloned())
    }

    /// The cards, once loaded (tracked).
    pub fn cards(&self) -> Vec<EnvironmentCard> {
        self.0
            .value()
            .map(|overview| overview.environments)
            .unwrap_or_default()
    }
}

/// Which environment each swarm node is: a node's id to the first environment, among `cards`,
/// whose engine is that node and answered its last probe.
pub fn environments_by_node(cards: &[EnvironmentCard]) -> BTreeMap<String, String> {
    let mut by_node = BTreeMap::new();
    for card in cards.iter().filter(|card| card.state != CardState::Offline) {
        if let Some(facts) = card
            .facts
            .as_ref()
            .filter(|facts| !facts.swarm_node.is_empty())
        {
            by_node
                .entry(facts.swarm_node.clone())
                .or_insert_with(|| card.id.clone());
        }
    }
    by_node
}

impl Default for KnownEnvironments {
    fn default() -> Self {
        Self::new()
    }
}

/// The list the shell provides.
pub fn use_known_environments() -> KnownEnvironments {
    expect_context::<KnownEnvironments>()
}

/// Where switching to `target` from `path` leads: the same section of the other environment
/// when the path is a section's list, else its containers.
pub fn switched_path(path: &str, target: &str) -> String {
    let section = path
        .strip_prefix("/env/")
        .and_then(|rest| rest.split_once('/'))
        .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
        .filter(|section| {
            SECTIONS
                .iter()
                .chain(&SWARM_SECTIONS)
                .any(|(known, _, _)| known == section)
        })
        .unwrap_or("containers");
    format!("/env/{}/{section}", crate::api::percent_encode(target))
}

/// `/`: the only environment's containers, or the home page when there are several.
#[component]
pub fn HomeGate() -> impl IntoView {
    let known = use_known_environments();
    move || match known.0.get() {
        Loadable::Loading => None,
        Loadable::Ready(overview) if overview.environments.len() > 1 => {
            Some(view! { <Redirect path=HOME/> }.into_any())
        }
        Loadable::Ready(overview) => {
            let only = overview
                .environments
                .first()
                .map_or(DEFAULT_ENVIRONMENT.to_owned(), |card| card.id.clone());
            let path = format!("/env/{}/containers", crate::api::percent_encode(&only));
            Some(view! { <Redirect path=path/> }.into_any())
        }
        Loadable::Failed(_) => {
            let path = format!("/env/{DEFAULT_ENVIRONMENT}/containers");
            Some(view! { <Redirect path=path/> }.into_any())
        }
    }
}

/// The header's environment: a switcher when there are several, else its name.
#[component]
pub fn EnvironmentSwitcher() -> impl IntoView {
    let status = use_engine_status();
    let known = use_known_environments();
    let location = use_location();
    let navigate = use_navigate();
    let change = move |event: web_sys::Event| {
        let target = event_target_value(&event);
        let path = if target == ALL {
            HOME.to_owned()
        } else {
            switched_path(&location.pathname.get_untracked(), &target)
        };
        navigate(&path, Default::default());
    };
    move || {
        let cards = known.cards();
        let current = status.environment.get();
        let name_of = |id: &str| {
            cards
                .iter()
                .find(|card| card.id == id)
                .map_or(id.to_owned(), |card| card.name.clone())
        };
        if cards.len() <= 1 {
            return view! { <span class="engine-env">{name_of(&current)}</span> }.into_any();
        }
        let options = cards
            .iter()
            .map(|card| {
                let label = match card.state {
                    CardState::Offline => format!("{} (offline)", card.name),
                    _ => card.name.clone(),
                };
                view! { <option value=card.id.clone() selected=card.id == current>{label}</option> }
            })
            .collect_view();
        let change = change.clone();
        view! {
            <select class="env-switch" aria-label="Environment" data-testid="environment-switcher" on:change=change>
                {options}
                <option value=ALL>"All environments…"</option>
            </select>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use berth_shared::api::overview::HostFacts;

    use super::*;

    #[test]
    fn a_node_is_found_by_the_engine_that_is_it() {
        let card = |id: &str, node: &str, state: CardState| EnvironmentCard {
            id: id.into(),
            state,
            facts: Some(HostFacts {
                swarm_node: node.into(),
                ..HostFacts::default()
            }),
            ..EnvironmentCard::default()
        };
        let cards = [
            card("local", "n1", CardState::Online),
            card("nas", "n2", CardState::Online),
            card("pi", "n3", CardState::Offline),
            card("lab", "", CardState::Online),
        ];
        let by_node = environments_by_node(&cards);
        assert_eq!(by_node.get("n2").map(String::as_str), Some("nas"));
        assert_eq!(by_node.get("n3"), None);
        assert_eq!(by_node.get("n9"), None);
        assert_eq!(by_node.get(""), None);
        assert_eq!(by_node.len(), 2);
    }

    #[test]
    fn switching_keeps_the_section_of_a_list() {
        assert_eq!(switched_path("/env/local/images", "nas"), "/env/nas/images");
        assert_eq!(
            switched_path("/env/local/volumes/data", "nas"),
            "/env/nas/volumes"
        );
        assert_eq!(
            switched_path("/env/local/containers/abc/logs", "nas"),
            "/env/nas/containers"
        );
        assert_eq!(
            switched_path("/env/local/guardrails", "nas"),
            "/env/nas/containers"
        );
        assert_eq!(
            switched_path("/account", "build box"),
            "/env/build%20box/containers"
        );
    }
}
