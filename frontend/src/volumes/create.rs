//! The form that creates a volume: name, driver, driver options and labels.

use berth_shared::engine::plugin::PluginKind;
use berth_shared::engine::volume::VolumeCreateRequest;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::{FormState, KeyValueField, TextField};
use crate::components::form_frame::FormCard;
use crate::field_error::FieldError;
use crate::key_values;
use crate::networks::form::check_name;
use crate::plugins::drivers::DriverOptions;

const NAME: &str = "Name";
const DRIVER: &str = "Driver";
const OPTIONS: &str = "Driver options";
const LABELS: &str = "Labels";

/// Checks the typed fields and builds the request, naming the first field that is wrong.
pub fn volume_request(
    name: &str,
    driver: &str,
    options: &str,
    labels: &str,
) -> Result<VolumeCreateRequest, FieldError> {
    let name = name.trim();
    if !name.is_empty() {
        check_name(NAME, name)?;
    }
    let driver = driver.trim();
    if driver.is_empty() {
        return Err(FieldError::new(DRIVER, "choose a driver, such as local"));
    }
    Ok(VolumeCreateRequest {
        name: name.to_owned(),
        driver: driver.to_owned(),
        driver_opts: key_values::parse(OPTIONS, options)?,
        labels: key_values::parse(LABELS, labels)?,
    })
}

/// The create form, shown in a card above the list.
#[component]
pub fn VolumeCreateForm(
    /// Runs with the new volume's name.
    on_created: Callback<String>,
    /// Runs when the user closes the form.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let name = RwSignal::new(String::new());
    let driver = RwSignal::new("local".to_owned());
    let options = RwSignal::new(String::new());
    let labels = RwSignal::new(String::new());
    let form = FormState::new();
    let error = form.error;

    let submit = Callback::new(move |()| {
        let checked = volume_request(
            &name.get_untracked(),
            &driver.get_untracked(),
            &options.get_untracked(),
            &labels.get_untracked(),
        );
        let Some(request) = form.begin(checked) else {
            return;
        };
        let engine = status.engine_untracked();
        spawn_local(async move {
            let result = engine.create_volume(&request).await;
            if let Some(volume) = form.finish(status, result) {
                on_created.try_run(volume.name);
            }
        });
    });

    view! {
        <FormCard title="New volume" title_id="create-volume-title" testid="volume-create-form" form=form
            submit_label="Create volume" busy_label="Creating…" on_submit=submit on_cancel=on_cancel>
            <div class="form-inline-grid">
                <TextField label=NAME value=name error=error placeholder="app-data" mono=true
                    hint="Leave empty for a random name"/>
                <TextField label=DRIVER value=driver error=error required=true mono=true suggestions="volume-drivers"
                    hint="local keeps the data on the engine's host; enabled plugins are offered too"/>
            </div>
            <DriverOptions id="volume-drivers" kind=PluginKind::Volume builtin=&["local"]/>
            <div class="form-inline-grid">
                <KeyValueField label=OPTIONS value=options error=error placeholder="type=tmpfs\ndevice=tmpfs\no=size=64m"/>
                <KeyValueField label=LABELS value=labels error=error placeholder="team=infra"/>
            </div>
        </FormCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_request_from_the_fields() {
        let request = volume_request(" data ", "local", "type=tmpfs\ndevice=tmpfs", "a=1").unwrap();
        assert_eq!(request.name, "data");
        assert_eq!(request.driver_opts["type"], "tmpfs");
        assert_eq!(request.labels["a"], "1");
        assert_eq!(volume_request("", "local", "", "").unwrap().name, "");
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            volume_request("a/b", "local", "", "").unwrap_err().field,
            NAME
        );
        assert_eq!(volume_request("", " ", "", "").unwrap_err().field, DRIVER);
        assert_eq!(
            volume_request("", "local", "x", "").unwrap_err().field,
            OPTIONS
        );
        assert_eq!(
            volume_request("", "local", "", "=1").unwrap_err().field,
            LABELS
        );
    }
}
