//! Client certificates on the Account page: the form that asks Berth's CA for one, and the one
//! time its bundle (`ca.pem`, `cert.pem`, `key.pem`) can be downloaded, with how the docker CLI
//! uses it. The certificates themselves are listed and revoked with the tokens
//! (`admin/tokens.rs`): each is a token record of its own kind.

use berth_shared::api::users::{CreatedCertificate, NewCertificateRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{console, percent_encode};
use crate::components::fields::{ErrorAlert, PasswordField, PasswordKind};

/// Lifetimes offered for new certificates, in days; a certificate always expires.
const LIFETIMES: [(&str, u32); 3] = [("30 days", 30), ("90 days", 90), ("1 year", 365)];

/// Creating a client certificate of the user's own, which needs their password again.
#[component]
pub fn NewCertificateForm(on_created: Callback<CreatedCertificate>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let lifetime = RwSignal::new(1_usize);
    let error = RwSignal::new(None::<String>);
    let create = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let request = NewCertificateRequest {
            name: name.get_untracked(),
            expires_in_days: Some(LIFETIMES[lifetime.get_untracked()].1),
            password: Some(password.get_untracked()),
        };
        spawn_local(async move {
            match console::create_certificate(&request).await {
                Ok(created) => {
                    name.set(String::new());
                    password.set(String::new());
                    on_created.run(created);
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    view! {
        <form class="form form-row" on:submit=create data-testid="certificate-form">
            <label class="field field-grow">
                <span class="field-label">"Certificate name"</span>
                <input required maxlength="100" placeholder="laptop docker CLI (TLS)"
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
            </label>
            <label class="field">
                <span class="field-label">"Expires"</span>
                <select on:change=move |e| lifetime.set(event_target_value(&e).parse().unwrap_or(1))>
                    {LIFETIMES.iter().enumerate().map(|(index, (label, _))| view! {
                        <option value=index.to_string() selected=index == 1>{*label}</option>
                    }).collect_view()}
                </select>
            </label>
            <PasswordField label="Your password" value=password kind=PasswordKind::Current/>
            <button type="submit" class="btn btn-primary">"Create certificate"</button>
        </form>
        <ErrorAlert message=error/>
    }
}

/// A `data:` URL that downloads `content` as a PEM file.
fn pem_download(content: &str) -> String {
    format!(
        "data:application/x-pem-file;charset=utf-8,{}",
        percent_encode(content)
    )
}

/// The one time a new certificate's files can be downloaded, with how to use them.
#[component]
pub fn NewCertificateNotice(created: CreatedCertificate) -> impl IntoView {
    let host = window().location().host().unwrap_or_default();
    let files = [
        ("ca.pem", created.ca_pem.clone()),
        ("cert.pem", created.cert_pem.clone()),
        ("key.pem", created.key_pem.clone()),
    ];
    view! {
        <div class="alert alert-success new-token" role="status" data-testid="certificate-bundle">
            <p>
                <strong>{format!("Certificate “{}” created.", created.token.name)}</strong>
                " Download the three files now: the key is not shown again."
            </p>
            <p class="new-token-files">
                {files.into_iter().map(|(file, content)| view! {
                    <a class="btn" download=file href=pem_download(&content)
                        data-testid=format!("download-{file}")>{file}</a>
                    " "
                }).collect_view()}
            </p>
            <p>"Put them in one folder and point the docker CLI at it; Berth must serve HTTPS with " <code>"--tls auto"</code> ":"</p>
            <pre class="mono">{format!(
                "DOCKER_HOST=tcp://{host}/engine/local DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=/path/to/folder docker ps"
            )}</pre>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_files_download_as_data_urls_with_their_lines_intact() {
        let url = pem_download("-----BEGIN CERTIFICATE-----\nAB+/=\n");
        assert!(url.starts_with("data:application/x-pem-file;charset=utf-8,"));
        assert!(
            url.ends_with("-----BEGIN%20CERTIFICATE-----%0AAB%2B%2F%3D%0A"),
            "{url}"
        );
    }
}
