//! Configuring a plugin (`PluginSet`): each settable env, args, mount source and device path
//! with its current value; only what changed is sent. The engine takes settings only while the
//! plugin is disabled, so the form says so instead of offering them on an enabled one.

use berth_shared::engine::plugin::Plugin;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::ErrorAlert;
use crate::plugins::model::{SettableField, changed_settings, settable_fields};

/// The settable fields of `plugin` as inputs, and a button that sets what changed; `on_saved`
/// runs after the engine took them (or at once when nothing changed). `submit` is the button's
/// label, such as "Save settings" or "Save and enable".
#[component]
pub fn SettingsForm(
    /// The plugin, as inspected.
    plugin: Plugin,
    /// The button's label.
    submit: &'static str,
    /// Runs once the settings are set.
    on_saved: Callback<()>,
    /// Extra buttons before the submit button.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let status = use_engine_status();
    let fields: Vec<(SettableField, RwSignal<String>)> = settable_fields(&plugin)
        .into_iter()
        .map(|field| {
            let value = RwSignal::new(field.current.clone());
            (field, value)
        })
        .collect();
    let fields = StoredValue::new(fields);
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let name = plugin.name.clone();
    let enabled = plugin.enabled;
    let save = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let edited: Vec<(SettableField, String)> = fields.with_value(|fields| {
            fields
                .iter()
                .map(|(field, value)| (field.clone(), value.get_untracked()))
                .collect()
        });
        let settings = changed_settings(&edited);
        if settings.is_empty() {
            on_saved.run(());
            return;
        }
        let engine = status.engine_untracked();
        let name = name.clone();
        sending.set(true);
        error.set(None);
        spawn_local(async move {
            let result = engine.set_plugin(&name, &settings).await;
            sending.set(false);
            match result {
                Ok(()) => on_saved.try_run(()),
                Err(failure) => {
                    error.set(Some(format!("The engine refused: {failure}")));
                    None
                }
            };
        });
    };
    let inputs = fields.with_value(|fields| {
        fields
            .iter()
            .map(|(field, value)| {
                let value = *value;
                let label = format!("{} ({})", field.key, field.kind.label());
                view! {
                    <label class="field">
                        <span class="field-label mono">{label}</span>
                        <input class="mono" name=field.key.clone() data-testid="plugin-setting"
                            disabled=enabled
                            prop:value=move || value.get()
                            on:input=move |event| value.set(event_target_value(&event))/>
                        <span class="field-hint">{field.description.clone()}</span>
                    </label>
                }
            })
            .collect_view()
    });
    let none = fields.with_value(Vec::is_empty);
    view! {
        <form class="form" data-testid="plugin-settings" on:submit=save>
            {none.then(|| view! { <p class="muted">"This plugin has nothing that can be set."</p> })}
            {enabled.then(|| view! {
                <p class="alert">"The engine changes settings only while the plugin is disabled: disable it first."</p>
            })}
            {inputs}
            <ErrorAlert message=error/>
            <div class="dialog-actions">
                {children.map(|children| children())}
                <button type="submit" class="btn btn-primary" disabled=move || sending.get() || enabled>
                    {move || if sending.get() { "Saving…" } else { submit }}
                </button>
            </div>
        </form>
    }
}
