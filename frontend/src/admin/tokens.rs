//! API tokens and client certificates for the docker CLI and scripts, on the resource-page kit:
//! a user's own on the Account page (where `admin/certificates.rs` makes certificates),
//! everyone's for admins on the Users page. Revoking asks first and says what stops working.

use berth_shared::api::users::{CreatedCertificate, CreatedToken, TokenKind, TokenView};
use leptos::prelude::*;
use web_sys::AbortSignal;

use crate::admin::certificates::{NewCertificateForm, NewCertificateNotice};
use crate::admin::credential_form::{CredentialKind, credential_form};
use crate::api::ApiError;
use crate::api::console;
use crate::api::engine::Engine;
use crate::app::remote::Remote;
use crate::components::copy_button::CopyButton;
use crate::components::icons::IconKind;
use crate::components::section::Section;
use crate::components::table::{ACTIONS, Column};
use crate::format;
use crate::resource_page::list_page::{ListOptions, ResourceList};
use crate::resource_page::removal::{Removable, RemovalAction};
use crate::resource_page::{Edges, Resource};
use crate::time::now_seconds;

/// Lifetimes offered for new tokens, in days.
const LIFETIMES: &[(&str, Option<u32>)] = &[
    ("30 days", Some(30)),
    ("90 days", Some(90)),
    ("1 year", Some(365)),
    ("Never expires", None),
];

/// One token in a list, and whether that list shows whose it is (admins see everyone's).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    view: TokenView,
    show_owner: bool,
}

impl Token {
    /// "active", "expired" or "revoked", with the badge's class.
    fn state(&self, now: i64) -> (&'static str, &'static str) {
        if self.view.revoked_at.is_some() {
            ("revoked", "badge-neutral")
        } else if self.view.expires_at.is_some_and(|at| at <= now) {
            ("expired", "badge-warn")
        } else {
            ("active", "badge-ok")
        }
    }
}

impl Removable for Token {
    const NOUN: &'static str = "token";
    const ACTION: RemovalAction = RemovalAction {
        label: "Revoke",
        verb: "revoke",
        done: "Revoked",
    };
    type Choices = ();

    fn name(&self) -> &str {
        &self.view.name
    }

    fn lost(&self) -> String {
        let what = match self.view.kind {
            TokenKind::Token => "this token",
            TokenKind::Certificate => "this client certificate",
        };
        format!(
            "Anything using {what}, such as a docker CLI, loses access at once, and its open \
             streams end. This cannot be undone."
        )
    }

    async fn remove(self, _: Engine, (): ()) -> Result<(), ApiError> {
        console::revoke_token(self.view.id).await
    }
}

/// The columns of everyone's tokens: the owner's after the name.
const COLUMNS_WITH_OWNER: &[Column] = &[
    Column::Text("Name"),
    Column::Text("User"),
    Column::Text("Created"),
    Column::Text("Last used"),
    Column::Text("State"),
    ACTIONS,
];

impl Resource for Token {
    const PLURAL: &'static str = "tokens";
    const TITLE: &'static str = "API tokens";
    const ICON: IconKind = IconKind::Shield;
    const COLUMNS: &'static [Column] = &[
        Column::Text("Name"),
        Column::Text("Created"),
        Column::Text("Last used"),
        Column::Text("State"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "tokens-table";

    fn key(&self) -> String {
        format!(
            "{}\n{:?}\n{:?}",
            self.view.id, self.view.revoked_at, self.view.last_used_at
        )
    }

    fn search_text(&self) -> String {
        format!(
            "{} {} {}",
            self.view.name, self.view.username, self.view.prefix
        )
    }

    fn removable(&self) -> bool {
        self.state(now_seconds()).0 == "active"
    }

    fn row(&self, _: Option<String>, edges: Edges) -> AnyView {
        let now = now_seconds();
        let token = &self.view;
        let (state, badge) = self.state(now);
        let expiry = token.expires_at.map_or_else(
            || "never expires".to_owned(),
            |at| {
                if at > now {
                    format!(
                        "expires in {}",
                        format::relative_time(at, now).trim_end_matches(" ago")
                    )
                } else {
                    "expired".to_owned()
                }
            },
        );
        let last_used = token
            .last_used_at
            .map_or_else(|| "never".to_owned(), |at| format::relative_time(now, at));
        view! {
            <tr data-token=token.name.clone()>
                {edges.select}
                <td>
                    <div class="cell-title cell-clip" title=token.name.clone()>{token.name.clone()}</div>
                    <div class="cell-sub mono">{match token.kind {
                        TokenKind::Token => format!("{}…", token.prefix),
                        TokenKind::Certificate => format!("certificate {}…", token.prefix),
                    }}</div>
                </td>
                {self.show_owner.then(|| view! { <td>{token.username.clone()}</td> })}
                <td>{format::relative_time(now, token.created_at)}</td>
                <td>{last_used}</td>
                <td>
                    <span class=format!("badge {badge}")>{state}</span>
                    <div class="cell-sub">{expiry}</div>
                </td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    /// The user's own tokens.
    async fn list(_: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        tokens(false, signal).await
    }
}

/// The user's own tokens, or everyone's.
async fn tokens(all: bool, signal: AbortSignal) -> Result<Vec<Token>, ApiError> {
    let tokens = console::tokens(all, Some(&signal)).await?;
    Ok(tokens
        .into_iter()
        .map(|view| Token {
            view,
            show_owner: all,
        })
        .collect())
}

/// Lists tokens, creates the user's own (`all` false) and revokes them.
#[component]
pub fn TokensSection(
    /// Everyone's tokens (admins) rather than the user's own.
    all: bool,
) -> impl IntoView {
    let list = Remote::new(move |signal| tokens(all, signal));
    let created = RwSignal::new(None::<CreatedToken>);
    let certificate = RwSignal::new(None::<CreatedCertificate>);
    let (title, description) = if all {
        (
            "All API tokens and certificates",
            "Every user's tokens and client certificates. Revoking one stops it at once.",
        )
    } else {
        (
            "API tokens and certificates",
            "For the docker CLI and scripts: a token, or a client certificate when Berth \
             serves HTTPS with --tls auto. Both act with your role.",
        )
    };
    let options = ListOptions {
        empty: Some(Signal::derive(move || {
            let text = if all {
                "Tokens users create for the docker CLI and scripts appear here."
            } else {
                "Create one above to use the docker CLI or a script through this console."
            };
            ("No tokens yet".to_owned(), text.to_owned())
        })),
        columns: all.then_some(COLUMNS_WITH_OWNER),
        ..ListOptions::default()
    };
    view! {
        <Section title=title description=description>
            {(!all).then(|| view! {
                <NewTokenForm on_created=Callback::new(move |token| {
                    created.set(Some(token));
                    list.reload();
                })/>
            })}
            {move || created.get().map(|token| view! { <NewTokenNotice token=token/> })}
            {(!all).then(|| view! {
                <NewCertificateForm on_created=Callback::new(move |bundle| {
                    certificate.set(Some(bundle));
                    list.reload();
                })/>
            })}
            {move || certificate.get().map(|created| view! { <NewCertificateNotice created=created/> })}
            <ResourceList remote=list can_remove=true options=options/>
        </Section>
    }
}

/// Creating one of the user's own tokens, which needs their password again.
#[component]
fn NewTokenForm(on_created: Callback<CreatedToken>) -> impl IntoView {
    let kind = CredentialKind {
        name_label: "Token name",
        placeholder: "laptop docker CLI",
        button: "Create token",
        testid: "token-form",
        lifetimes: LIFETIMES,
    };
    credential_form(kind, move |request| async move {
        let token = console::create_token(&request)
            .await
            .map_err(|failure| failure.to_string())?;
        on_created.run(token);
        Ok(())
    })
}

/// The one time a new token's secret is shown, with how to use it.
#[component]
fn NewTokenNotice(token: CreatedToken) -> impl IntoView {
    let host = window().location().host().unwrap_or_default();
    let config = format!(
        r#"{{"HttpHeaders": {{"Authorization": "Bearer {}"}}}}"#,
        token.secret
    );
    view! {
        <div class="alert alert-success new-token" role="status">
            <p><strong>{format!("Token “{}” created.", token.token.name)}</strong>" Copy it now: it is not shown again."</p>
            <div class="copyable">
                <pre class="mono token-secret" data-testid="token-secret">{token.secret.clone()}</pre>
                <CopyButton text=token.secret what="the token" testid="copy-token"/>
            </div>
            <p>"For the docker CLI, put this in " <code>"config.json"</code> " of a " <code>"DOCKER_CONFIG"</code> " directory:"</p>
            <pre class="mono">{config}</pre>
            <pre class="mono">{format!("DOCKER_HOST=tcp://{host}/engine/local docker ps")}</pre>
        </div>
    }
}
