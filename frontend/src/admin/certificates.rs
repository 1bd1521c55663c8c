//! Client certificates on the Account page: the form that asks Berth's CA for one, and the one
//! time its bundle (`ca.pem`, `cert.pem`, `key.pem`) can be downloaded, with how the docker CLI
//! uses it. The certificates themselves are listed and revoked with the tokens
//! (`admin/tokens.rs`): each is a token record of its own kind.

use berth_shared::api::users::CreatedCertificate;
use leptos::prelude::*;

use crate::admin::credential_form::{CredentialKind, credential_form};
use crate::api::{console, percent_encode};

/// Lifetimes offered for new certificates; a certificate always expires.
const LIFETIMES: &[(&str, Option<u32>)] = &[
    ("30 days", Some(30)),
    ("90 days", Some(90)),
    ("1 year", Some(365)),
];

/// Creating a client certificate of the user's own, which needs their password again.
#[component]
pub fn NewCertificateForm(on_created: Callback<CreatedCertificate>) -> impl IntoView {
    let kind = CredentialKind {
        name_label: "Certificate name",
        placeholder: "laptop docker CLI (TLS)",
        button: "Create certificate",
        testid: "certificate-form",
        lifetimes: LIFETIMES,
    };
    credential_form(kind, move |request| async move {
        let created = console::create_certificate(&request)
            .await
            .map_err(|failure| failure.to_string())?;
        on_created.run(created);
        Ok(())
    })
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
