//! Picks the saved registry whose credentials a pull or push uses, choosing the one that serves
//! the image reference by default.

use berth_shared::api::registries::RegistryView;
use leptos::prelude::*;

use crate::api::engine::images::Credentials;
use crate::api::registries::registries;
use crate::app::remote::Remote;

/// The saved registries, loaded once per dialog.
pub fn saved_registries() -> Remote<Vec<RegistryView>> {
    Remote::new(|signal| async move { registries(Some(&signal)).await })
}

/// A `<select>` of "No credentials" and the saved registries.
#[component]
pub fn RegistrySelect(
    /// The saved registries.
    registries: Remote<Vec<RegistryView>>,
    /// The image reference, to pick the registry that serves it.
    #[prop(into)]
    reference: Signal<String>,
    /// The chosen credentials.
    chosen: RwSignal<Credentials>,
) -> impl IntoView {
    // Follows the reference until the user picks by hand.
    let picked_by_hand = RwSignal::new(false);
    Effect::new(move |_| {
        let reference = reference.get();
        if picked_by_hand.get_untracked() {
            return;
        }
        let all = registries.value().unwrap_or_default();
        chosen.set(
            all.iter()
                .find(|registry| registry.serves(&reference))
                .map_or(Credentials::Anonymous, |registry| {
                    Credentials::Saved(registry.id)
                }),
        );
    });
    let value = move || match chosen.get() {
        Credentials::Anonymous => String::new(),
        Credentials::Saved(id) => id.to_string(),
    };
    view! {
        <label class="field">
            <span class="field-label">"Credentials"</span>
            <select
                data-testid="registry-select"
                prop:value=value
                on:change=move |event| {
                    picked_by_hand.set(true);
                    chosen.set(
                        event_target_value(&event)
                            .parse()
                            .map_or(Credentials::Anonymous, Credentials::Saved),
                    );
                }
            >
                <option value="">"No credentials (anonymous)"</option>
                {move || {
                    registries
                        .value()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|registry| {
                            let label = if registry.username.is_empty() {
                                format!("{} ({})", registry.name, registry.address)
                            } else {
                                format!("{} ({} as {})", registry.name, registry.address, registry.username)
                            };
                            view! {
                                <option value=registry.id.to_string() selected=move || value() == registry.id.to_string()>{label}</option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <span class="field-hint">"Saved registries' passwords stay on the server; Berth adds them to the request."</span>
        </label>
    }
}
