//! Rotating a config: a new version under a new name, with the old one's data to edit (or a
//! file), and every service that uses the old one moved to it, in one audited step on the
//! server (`POST /api/env/{env}/configs/{id}/rotate`). The dialog names the services first and
//! each one that could not move after.

use berth_shared::api::configs::{ConfigRotateRequest, ConfigRotated};
use berth_shared::engine::config::{Config, ConfigData};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::engine::swarm_objects::{SwarmObject, rotate_config};
use crate::api::percent_encode;
use crate::app::engine_status::use_engine_status;
use crate::components::fields::{FormState, TextField};
use crate::components::form_frame::FormDialog;
use crate::components::segmented::Segmented;
use crate::components::toast::use_toaster;
use crate::field_error::FieldError;
use crate::swarm_data::create::{DATA, DataFileField, NAME, Source, Typed, object_request};
use crate::swarm_data::kind::and_list;

/// The config to rotate, with the names of the services that use it and of every config.
#[derive(Debug, Clone, PartialEq)]
pub struct Rotation {
    /// The config.
    pub config: Config,
    /// The services that will move, by name.
    pub services: Vec<String>,
    /// The names every config has, which the new one must not take.
    pub taken: Vec<String>,
}

/// The name of the next version of `name`: `nginx` → `nginx-v2`, `nginx-v2` → `nginx-v3`
/// (also after `.v` and `_v`), skipping names in `taken`.
pub fn next_version_name(name: &str, taken: &[String]) -> String {
    let (stem, mut version) = split_version(name);
    loop {
        version += 1;
        let candidate = format!("{stem}{version}");
        if !taken.contains(&candidate) {
            return candidate;
        }
    }
}

/// `nginx-v2` → (`nginx-v`, 2); a name without a version is version 1 of `name-v`.
fn split_version(name: &str) -> (String, u64) {
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, number) = name.split_at(name.len() - digits);
    if digits > 0
        && let Ok(number) = number.parse::<u64>()
        && ["-v", ".v", "_v"]
            .iter()
            .any(|suffix| head.ends_with(suffix))
        && head.len() > 2
    {
        return (head.to_owned(), number);
    }
    (format!("{name}-v"), 1)
}

/// What a rotation did, in a sentence.
pub fn rotated_summary(old: &str, rotated: &ConfigRotated) -> String {
    let moved: Vec<String> = rotated
        .services
        .iter()
        .filter(|service| service.error.is_none())
        .map(|service| service.name.clone())
        .collect();
    let moved = match moved.len() {
        0 => "no service used it".to_owned(),
        _ => format!("moved {}", and_list(&moved)),
    };
    format!("Rotated {old} to {}: {moved}", rotated.name)
}

/// The rotate dialog for the config in `pending`; once done it goes to the new config's page.
#[component]
pub fn RotateDialog(
    /// The config to rotate.
    pending: RwSignal<Option<Rotation>>,
) -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let source = RwSignal::new(Source::Text);
    let text = RwSignal::new(String::new());
    let file = RwSignal::new(None::<(String, Vec<u8>)>);
    let form = FormState::new();
    Effect::new(move || {
        let Some(rotation) = pending.get() else {
            return;
        };
        name.set(next_version_name(
            &rotation.config.spec.name,
            &rotation.taken,
        ));
        file.set(None);
        form.error.set(None);
        form.engine_error.set(None);
        match rotation.config.spec.decoded() {
            ConfigData::Text(current) => {
                text.set(current);
                source.set(Source::Text);
            }
            ConfigData::Binary(_) | ConfigData::Unreadable => {
                text.set(String::new());
                source.set(Source::File);
            }
        }
    });
    let submit = Callback::new(move |()| {
        let Some(rotation) = pending.get_untracked() else {
            return;
        };
        let typed_name = name.get_untracked();
        if rotation.taken.contains(&typed_name.trim().to_owned()) {
            form.error.set(Some(FieldError::new(
                NAME,
                format!("a config is already called {}", typed_name.trim()),
            )));
            return;
        }
        let text = text.get_untracked();
        let file = file.get_untracked();
        let (data_field, data) = source.get_untracked().data(&text, file.as_ref());
        let checked = object_request(Typed {
            name: &typed_name,
            data_field,
            data,
            labels: "",
            templating: false,
            driver: "",
            driver_options: "",
        })
        .map(|request| ConfigRotateRequest {
            name: request.name,
            data: request.data,
            labels: rotation.config.spec.labels.clone(),
            templating: rotation.config.spec.templating.clone(),
        });
        let Some(request) = form.begin(checked) else {
            return;
        };
        let environment = status.environment.get_untracked();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = rotate_config(&environment, &rotation.config.id, &request).await;
            let Some(rotated) = form.finish(status, result) else {
                return;
            };
            pending.set(None);
            let failed = rotated.failures();
            let summary = rotated_summary(&rotation.config.spec.name, &rotated);
            if failed.is_empty() {
                toaster.success(summary);
            } else {
                toaster.error(format!(
                    "{summary}. Still on the old config: {}",
                    failed.join("; ")
                ));
            }
            let page = format!(
                "/env/{environment}/{}/{}",
                Config::PLURAL,
                percent_encode(&rotated.config)
            );
            navigate(&page, NavigateOptions::default());
        });
    });
    let moving = move || {
        pending.with(|rotation| {
            rotation.as_ref().map(|rotation| match rotation.services.as_slice() {
                [] => "No service uses it, so only the new config is created.".to_owned(),
                names => format!(
                    "{} will move to the new config, each rolling out as its update settings say. The old config stays until you remove it.",
                    and_list(names)
                ),
            })
        })
    };
    view! {
        <FormDialog open=Signal::derive(move || pending.with(Option::is_some)) title="Rotate config"
            testid="rotate-dialog" form=form submit_label="Rotate" busy_label="Rotating…"
            on_submit=submit on_close=Callback::new(move |()| pending.set(None))>
            <p data-testid="rotate-services">{moving}</p>
            <TextField label=NAME value=name error=form.error required=true mono=true
                hint="Configs cannot change, so the new version gets a name of its own"/>
            <Segmented label="New data from" options=vec![(Source::Text, "Edit the text"), (Source::File, "File")] value=source/>
            <Show when=move || source.get() == Source::Text
                fallback=move || view! { <DataFileField chosen=file form=form/> }>
                <TextField label=DATA value=text error=form.error required=true multiline=true rows=12 mono=true hint="The old config's text, to change as the new version needs"/>
            </Show>
        </FormDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use berth_shared::api::configs::RotatedService;

    #[test]
    fn the_next_version_counts_on() {
        let none: Vec<String> = Vec::new();
        assert_eq!(next_version_name("nginx", &none), "nginx-v2");
        assert_eq!(next_version_name("nginx-v2", &none), "nginx-v3");
        assert_eq!(next_version_name("app.conf.v9", &none), "app.conf.v10");
        assert_eq!(next_version_name("site_v1", &none), "site_v2");
        assert_eq!(next_version_name("v2", &none), "v2-v2");
        assert_eq!(next_version_name("nginx2", &none), "nginx2-v2");
        let taken = vec!["nginx-v2".to_owned(), "nginx-v3".to_owned()];
        assert_eq!(next_version_name("nginx", &taken), "nginx-v4");
    }

    #[test]
    fn the_summary_names_who_moved() {
        let service = |name: &str, error: Option<&str>| RotatedService {
            id: name.into(),
            name: name.into(),
            error: error.map(Into::into),
        };
        let rotated = ConfigRotated {
            config: "c2".into(),
            name: "nginx-v2".into(),
            services: vec![
                service("web", None),
                service("api", Some("denied")),
                service("db", None),
            ],
        };
        assert_eq!(
            rotated_summary("nginx", &rotated),
            "Rotated nginx to nginx-v2: moved web and db"
        );
        let alone = ConfigRotated {
            services: Vec::new(),
            ..rotated
        };
        assert_eq!(
            rotated_summary("nginx", &alone),
            "Rotated nginx to nginx-v2: no service used it"
        );
    }
}
