//! API tokens for the docker CLI and scripts: a user's own on the Account page, everyone's for
//! admins.

use berth_shared::api::users::{CreatedToken, NewTokenRequest, TokenView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::console;
use crate::app::remote::{Loadable, Remote};
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::ErrorAlert;
use crate::components::section::Section;
use crate::components::table::{ACTIONS, Column, DataTable};
use crate::components::toast::use_toaster;
use crate::format;
use crate::time::now_seconds;

/// Lifetimes offered for new tokens, in days.
const LIFETIMES: [(&str, Option<u32>); 4] = [
    ("30 days", Some(30)),
    ("90 days", Some(90)),
    ("1 year", Some(365)),
    ("Never expires", None),
];

/// Lists tokens, creates the user's own (`all` false) and revokes them.
#[component]
pub fn TokensSection(
    /// Everyone's tokens (admins) rather than the user's own.
    all: bool,
) -> impl IntoView {
    let toaster = use_toaster();
    let tokens =
        Remote::new(move |signal| async move { console::tokens(all, Some(&signal)).await });
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let lifetime = RwSignal::new(1_usize);
    let created = RwSignal::new(None::<CreatedToken>);
    let error = RwSignal::new(None::<String>);
    let revoking = RwSignal::new(None::<TokenView>);

    let create = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let request = NewTokenRequest {
            name: name.get_untracked(),
            expires_in_days: LIFETIMES[lifetime.get_untracked()].1,
            password: Some(password.get_untracked()),
        };
        spawn_local(async move {
            match console::create_token(&request).await {
                Ok(token) => {
                    created.set(Some(token));
                    name.set(String::new());
                    password.set(String::new());
                    tokens.reload();
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    let revoke = Callback::new(move |()| {
        let Some(token) = revoking.get_untracked() else {
            return;
        };
        revoking.set(None);
        spawn_local(async move {
            match console::revoke_token(token.id).await {
                Ok(()) => toaster.success(format!("Revoked token {}", token.name)),
                Err(failure) => {
                    toaster.error(format!("Could not revoke {}: {failure}", token.name));
                }
            }
            tokens.reload();
        });
    });

    let (title, description) = if all {
        (
            "All API tokens",
            "Every user's tokens. Revoking one stops it at once.",
        )
    } else {
        (
            "API tokens",
            "For the docker CLI and scripts. A token acts with your role.",
        )
    };
    view! {
        <Section title=title description=description>
            {(!all).then(|| view! {
                <form class="form form-row" on:submit=create>
                    <label class="field field-grow">
                        <span class="field-label">"Token name"</span>
                        <input required maxlength="100" placeholder="laptop docker CLI"
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
                    <label class="field">
                        <span class="field-label">"Your password"</span>
                        <input type="password" required autocomplete="current-password"
                            prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
                    </label>
                    <button type="submit" class="btn btn-primary">"Create token"</button>
                </form>
            })}
            <ErrorAlert message=error/>
            {move || created.get().map(|token| view! { <NewTokenNotice token=token/> })}
            {move || match tokens.get() {
                Loadable::Loading => view! { <p class="muted">"Loading tokens…"</p> }.into_any(),
                Loadable::Failed(failure) => view! { <div class="alert alert-error">{failure.to_string()}</div> }.into_any(),
                Loadable::Ready(list) if list.is_empty() => view! { <p class="muted">"No tokens yet."</p> }.into_any(),
                Loadable::Ready(list) => view! {
                    <TokenTable tokens=list show_owner=all on_revoke=Callback::new(move |token| revoking.set(Some(token)))/>
                }
                .into_any(),
            }}
            <ConfirmDialog
                open=Signal::derive(move || revoking.with(Option::is_some))
                title=Signal::derive(move || revoking.with(|t| t.as_ref().map(|t| format!("Revoke token {}?", t.name)).unwrap_or_default()))
                confirm_label="Revoke"
                on_confirm=revoke
                on_cancel=Callback::new(move |()| revoking.set(None))
            >
                <p>"Anything using this token, such as a docker CLI, loses access at once. This cannot be undone."</p>
            </ConfirmDialog>
        </Section>
    }
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
            <pre class="mono token-secret" data-testid="token-secret">{token.secret}</pre>
            <p>"For the docker CLI, put this in " <code>"config.json"</code> " of a " <code>"DOCKER_CONFIG"</code> " directory:"</p>
            <pre class="mono">{config}</pre>
            <pre class="mono">{format!("DOCKER_HOST=tcp://{host}/engine/local docker ps")}</pre>
        </div>
    }
}

/// The token table's columns, and the same with the owner's after the name (for admins).
const COLUMNS: [Column; 5] = [
    Column::Text("Name"),
    Column::Text("Created"),
    Column::Text("Last used"),
    Column::Text("State"),
    ACTIONS,
];
const COLUMNS_WITH_OWNER: [Column; 6] = [
    Column::Text("Name"),
    Column::Text("User"),
    Column::Text("Created"),
    Column::Text("Last used"),
    Column::Text("State"),
    ACTIONS,
];

#[component]
fn TokenTable(
    tokens: Vec<TokenView>,
    show_owner: bool,
    on_revoke: Callback<TokenView>,
) -> impl IntoView {
    let now = now_seconds();
    view! {
        <DataTable testid="tokens-table" columns=if show_owner { &COLUMNS_WITH_OWNER } else { &COLUMNS }>
            {tokens.into_iter().map(|token| {
                let state = if token.revoked_at.is_some() {
                    ("revoked", "badge-neutral")
                } else if token.expires_at.is_some_and(|at| at <= now) {
                    ("expired", "badge-warn")
                } else {
                    ("active", "badge-ok")
                };
                let expiry = token.expires_at.map_or_else(|| "never expires".to_owned(), |at| {
                    if at > now { format!("expires in {}", format::relative_time(at, now).trim_end_matches(" ago")) } else { "expired".to_owned() }
                });
                let active = state.0 == "active";
                let revocable = token.clone();
                view! {
                    <tr>
                        <td>
                            <div class="cell-title">{token.name.clone()}</div>
                            <div class="cell-sub mono">{format!("{}…", token.prefix)}</div>
                        </td>
                        {show_owner.then(|| view! { <td>{token.username.clone()}</td> })}
                        <td>{format::relative_time(now, token.created_at)}</td>
                        <td>{token.last_used_at.map_or_else(|| "never".to_owned(), |at| format::relative_time(now, at))}</td>
                        <td>
                            <span class=format!("badge {}", state.1)>{state.0}</span>
                            <div class="cell-sub">{expiry}</div>
                        </td>
                        <td class="cell-actions">
                            {active.then(|| view! {
                                <button class="btn btn-small" aria-label=format!("Revoke {}", token.name)
                                    on:click=move |_| on_revoke.run(revocable.clone())>"Revoke"</button>
                            })}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
