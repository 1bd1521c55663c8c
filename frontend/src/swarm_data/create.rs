//! The form that creates a secret or a config: its name, its data typed or from a file read in
//! the browser, labels, Go templating, and for a secret an external store's driver. The data
//! goes out once, in the create request.

use berth_shared::engine::secret::{Driver, ObjectCreateRequest, encode_data};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::chosen_files::{bytes_of, files_of};
use crate::components::fields::{
    CheckField, FieldMessage, FormErrors, FormState, KeyValueField, TextField,
};
use crate::components::form_frame::FormCard;
use crate::components::segmented::Segmented;
use crate::field_error::FieldError;
use crate::format;
use crate::key_values;
use crate::networks::form::check_name;
use crate::swarm_data::kind::SwarmData;

pub const NAME: &str = "Name";
pub const DATA: &str = "Data";
pub const FILE: &str = "File";
pub const LABELS: &str = "Labels";
const DRIVER: &str = "Driver";
const DRIVER_OPTIONS: &str = "Driver options";

/// The most data the swarm keeps in one secret or config: 500 KiB.
pub const MAX_DATA: usize = 500 * 1024;

/// Where the data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Typed or pasted.
    Text,
    /// A file chosen on the user's machine.
    File,
}

impl Source {
    /// The data's field and bytes: the typed `text`, or the chosen `file`'s bytes (`None`
    /// when no file was chosen).
    pub fn data<'a>(
        self,
        text: &'a str,
        file: Option<&'a (String, Vec<u8>)>,
    ) -> (&'static str, Option<&'a [u8]>) {
        match self {
            Self::Text => (DATA, Some(text.as_bytes())),
            Self::File => (FILE, file.map(|(_, bytes)| bytes.as_slice())),
        }
    }
}

/// What the user filled in.
#[derive(Debug, Clone, Copy)]
pub struct Typed<'a> {
    /// The name.
    pub name: &'a str,
    /// The data's field ([`DATA`] or [`FILE`]), for errors.
    pub data_field: &'static str,
    /// The data, `None` when no file was chosen.
    pub data: Option<&'a [u8]>,
    /// `key=value` lines.
    pub labels: &'a str,
    /// Whether the golang templating driver fills the file in.
    pub templating: bool,
    /// An external store's driver, or empty.
    pub driver: &'a str,
    /// Its `key=value` options.
    pub driver_options: &'a str,
}

/// The golang templating driver, when asked for.
pub fn templating_driver(on: bool) -> Option<Driver> {
    on.then(|| Driver {
        name: "golang".into(),
        options: Default::default(),
    })
}

/// Checks the data: present (unless a driver holds it) and within the swarm's limit.
pub fn check_data(
    field: &'static str,
    data: Option<&[u8]>,
    driver: bool,
) -> Result<(), FieldError> {
    match data {
        None => Err(FieldError::new(field, "choose a file")),
        Some([]) if !driver => Err(FieldError::new(field, "give the data; it cannot be empty")),
        Some(data) if data.len() > MAX_DATA => Err(FieldError::new(
            field,
            format!(
                "{} is more than the swarm keeps; the limit is 500 KiB",
                format::bytes(data.len() as u64)
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// Checks the form and builds the request, naming the first field that is wrong.
pub fn object_request(typed: Typed<'_>) -> Result<ObjectCreateRequest, FieldError> {
    let name = typed.name.trim();
    check_name(NAME, name)?;
    if name.len() > 64 {
        return Err(FieldError::new(NAME, "use at most 64 characters"));
    }
    let driver = typed.driver.trim();
    check_data(typed.data_field, typed.data, !driver.is_empty())?;
    let labels = key_values::parse(LABELS, typed.labels)?;
    let driver_options = key_values::parse(DRIVER_OPTIONS, typed.driver_options)?;
    if driver.is_empty() && !driver_options.is_empty() {
        return Err(FieldError::new(
            DRIVER,
            "name the driver these options are for",
        ));
    }
    Ok(ObjectCreateRequest {
        name: name.to_owned(),
        labels,
        data: encode_data(typed.data.unwrap_or_default()),
        driver: (!driver.is_empty()).then(|| Driver {
            name: driver.to_owned(),
            options: driver_options,
        }),
        templating: templating_driver(typed.templating),
    })
}

/// A file input with the name and size of the chosen file, read into `chosen`.
#[component]
pub fn DataFileField(
    /// The chosen file's name and bytes.
    chosen: RwSignal<Option<(String, Vec<u8>)>>,
    /// The form, whose errors name [`FILE`].
    form: FormState,
) -> impl IntoView {
    let errors = FormErrors::from(form.error);
    let invalid = move || errors.message(FILE).is_some().to_string();
    let read = move |event: web_sys::Event| {
        let Some(file) = files_of(&event).into_iter().next() else {
            chosen.set(None);
            return;
        };
        spawn_local(async move {
            if let Ok(bytes) = bytes_of(&file).await {
                chosen.try_set(Some((file.name(), bytes)));
            }
        });
    };
    view! {
        <label class="field">
            <span class="field-label">{FILE}</span>
            <input type="file" name="data-file" aria-invalid=invalid on:change=read/>
            <span class="field-hint" data-testid="chosen-file">{move || chosen.with(|chosen| match chosen {
                Some((name, bytes)) => format!("{name}, {}", format::bytes(bytes.len() as u64)),
                None => "Read in the browser; up to 500 KiB".to_owned(),
            })}</span>
            <FieldMessage error=errors field=FILE/>
        </label>
    }
}

/// The create form of a `T`, shown in a card above the list: `on_created` runs with the new
/// object's name, `on_cancel` when the user closes the form.
pub fn data_create_form<T: SwarmData>(
    on_created: Callback<String>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let name = RwSignal::new(String::new());
    let source = RwSignal::new(Source::Text);
    let text = RwSignal::new(String::new());
    let file = RwSignal::new(None::<(String, Vec<u8>)>);
    let labels = RwSignal::new(String::new());
    let templating = RwSignal::new(false);
    let driver = RwSignal::new(String::new());
    let driver_options = RwSignal::new(String::new());
    let form = FormState::new();
    let error = form.error;

    let submit = Callback::new(move |()| {
        let text = text.get_untracked();
        let file = file.get_untracked();
        let (data_field, data) = source.get_untracked().data(&text, file.as_ref());
        let checked = object_request(Typed {
            name: &name.get_untracked(),
            data_field,
            data,
            labels: &labels.get_untracked(),
            templating: templating.get_untracked(),
            driver: &driver.get_untracked(),
            driver_options: &driver_options.get_untracked(),
        });
        let Some(request) = form.begin(checked) else {
            return;
        };
        let engine = status.engine_untracked();
        spawn_local(async move {
            let created_name = request.name.clone();
            let result = T::create(engine, request).await;
            if form.finish(status, result).is_some() {
                on_created.try_run(created_name);
            }
        });
    });
    let (title, title_id, testid, submit_label) = if T::HAS_DRIVER {
        (
            "New secret",
            "create-secret-title",
            "secret-create-form",
            "Create secret",
        )
    } else {
        (
            "New config",
            "create-config-title",
            "config-create-form",
            "Create config",
        )
    };
    let data_hint = if T::HAS_DRIVER {
        "Sent once to the engine, which keeps it encrypted and never shows it again"
    } else {
        "The file's contents, such as an nginx.conf"
    };
    let data_required = Memo::new(move |_| driver.with(|driver| driver.trim().is_empty()));
    view! {
        <FormCard title=title title_id=title_id testid=testid form=form
            submit_label=submit_label busy_label="Creating…" on_submit=submit on_cancel=on_cancel>
            <div class="form-inline-grid">
                <TextField label=NAME value=name error=error required=true mono=true placeholder="db_password"
                    hint="Services refer to it by this name"/>
                <Segmented label="Data from" options=vec![(Source::Text, "Text"), (Source::File, "File")] value=source/>
            </div>
            <Show when=move || source.get() == Source::Text
                fallback=move || view! { <DataFileField chosen=file form=form/> }>
                {move || {
                    // An external store's driver may hold the data itself: then it may be empty.
                    let required = data_required.get();
                    let hint = if required { data_hint } else { "The driver holds the data; anything given here goes to it" };
                    view! { <TextField label=DATA value=text error=error required=required multiline=true rows=8 mono=true hint=hint/> }
                }}
            </Show>
            <div class="form-inline-grid">
                <KeyValueField label=LABELS value=labels error=error placeholder="app=web"/>
                <CheckField label="Go template" value=templating
                    hint="The swarm fills in {{ .Service.Name }} and the like when it gives the file to a task"/>
            </div>
            {T::HAS_DRIVER.then(|| view! {
                <details class="container-form-run">
                    <summary>"External secret store"</summary>
                    <div class="form-inline-grid">
                        <TextField label=DRIVER value=driver error=error mono=true
                            hint="A secrets plugin that holds the data; leave empty to keep it in the swarm"/>
                        <KeyValueField label=DRIVER_OPTIONS value=driver_options error=error placeholder="path=prod/db"/>
                    </div>
                </details>
            })}
        </FormCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed<'a>(name: &'a str, data: Option<&'a [u8]>) -> Typed<'a> {
        Typed {
            name,
            data_field: DATA,
            data,
            labels: "",
            templating: false,
            driver: "",
            driver_options: "",
        }
    }

    #[test]
    fn builds_the_request_with_the_data_encoded() {
        let request = object_request(Typed {
            labels: "app=web",
            templating: true,
            ..typed(" db_password ", Some(b"hunter2"))
        })
        .unwrap();
        assert_eq!(request.name, "db_password");
        assert_eq!(request.data, "aHVudGVyMg==");
        assert_eq!(request.labels["app"], "web");
        assert_eq!(request.templating.unwrap().name, "golang");
        assert_eq!(request.driver, None);
    }

    #[test]
    fn errors_name_the_field() {
        let field = |typed: Typed<'_>| object_request(typed).unwrap_err().field;
        assert_eq!(field(typed("", Some(b"x"))), NAME);
        assert_eq!(field(typed("a/b", Some(b"x"))), NAME);
        assert_eq!(field(typed(&"x".repeat(65), Some(b"x"))), NAME);
        assert_eq!(field(typed("a", Some(b""))), DATA);
        let big = vec![0u8; MAX_DATA + 1];
        assert_eq!(field(typed("a", Some(&big))), DATA);
        assert_eq!(
            field(Typed {
                data_field: FILE,
                ..typed("a", None)
            }),
            FILE
        );
        assert_eq!(
            field(Typed {
                labels: "x",
                ..typed("a", Some(b"x"))
            }),
            LABELS
        );
        assert_eq!(
            field(Typed {
                driver_options: "k=v",
                ..typed("a", Some(b"x"))
            }),
            DRIVER
        );
    }

    #[test]
    fn a_driver_may_hold_the_data() {
        let request = object_request(Typed {
            driver: "vault",
            driver_options: "path=db",
            ..typed("a", Some(b""))
        })
        .unwrap();
        let driver = request.driver.unwrap();
        assert_eq!(driver.name, "vault");
        assert_eq!(driver.options["path"], "db");
        assert!(object_request(typed("a", Some(&vec![0u8; MAX_DATA]))).is_ok());
    }
}
