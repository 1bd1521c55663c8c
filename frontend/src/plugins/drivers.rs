//! Plugins where they are used: the `<datalist>` a create form's driver field offers, the
//! engine's own drivers followed by those of its enabled plugins of that kind.

use berth_shared::engine::plugin::PluginKind;
use leptos::prelude::*;

use crate::app::engine_status::use_engine_status;

/// A `<datalist id=id>` of `builtin` and the enabled plugins providing `kind`; a failure to list
/// plugins leaves only the builtins.
#[component]
pub fn DriverOptions(
    /// The datalist's id, which the field's `suggestions` names.
    id: &'static str,
    /// What plugins to offer.
    kind: PluginKind,
    /// The engine's own drivers, first.
    builtin: &'static [&'static str],
) -> impl IntoView {
    let status = use_engine_status();
    let plugins = status.remote(move |engine, signal| async move {
        engine.plugin_drivers(kind, Some(&signal)).await
    });
    view! {
        <datalist id=id data-testid=id>
            {builtin.iter().map(|driver| view! { <option value=*driver/> }).collect_view()}
            {move || plugins.value().unwrap_or_default().into_iter()
                .map(|driver| view! { <option value=driver.clone() label=format!("{driver} (plugin)")/> })
                .collect_view()}
        </datalist>
    }
}
