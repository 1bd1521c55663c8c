//! Sign-in, with a second step for TOTP or recovery codes, and first-run set-up.

use berth_shared::api::auth::{LoginRequest, LoginResponse, SetupRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::console;
use crate::app::session::use_session;
use crate::components::fields::{ErrorAlert, PasswordField, PasswordKind};
use crate::components::icons::{Icon, IconKind};

/// Where to go after signing in: the `next` page the user was sent from, if it is a page of
/// this console.
fn next_page(next: Option<String>) -> String {
    next.filter(|path| path.starts_with('/') && !path.starts_with("//"))
        .filter(|path| !path.starts_with("/login") && !path.starts_with("/setup"))
        .unwrap_or_else(|| "/env/local/containers".to_owned())
}

/// A centred card for the pages shown before signing in.
#[component]
fn AuthCard(
    /// The card's heading.
    title: &'static str,
    /// The form.
    children: Children,
) -> impl IntoView {
    view! {
        <main class="auth-page">
            <div class="auth-card">
                <div class="auth-brand">
                    <Icon kind=IconKind::Logo/>
                    <span>"Berth"</span>
                </div>
                <h1 class="auth-title">{title}</h1>
                {children()}
            </div>
        </main>
    }
}

/// `/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let use_recovery = RwSignal::new(false);
    let second_factor = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let entered = code.get_untracked();
        let recovery = use_recovery.get_untracked();
        let request = LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
            totp_code: (second_factor.get_untracked() && !recovery).then(|| entered.clone()),
            recovery_code: (second_factor.get_untracked() && recovery).then_some(entered),
        };
        let navigate = navigate.clone();
        let next = next_page(query.with_untracked(|q| q.get("next")));
        spawn_local(async move {
            match console::login(&request).await {
                Ok(LoginResponse::SignedIn { session: info }) => {
                    session.signed_in(info);
                    navigate(&next, Default::default());
                }
                Ok(LoginResponse::SecondFactorRequired) => {
                    second_factor.set(true);
                    code.set(String::new());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <AuthCard title="Sign in">
            <form class="form" on:submit=submit>
                <Show when=move || !second_factor.get()>
                    <label class="field">
                        <span class="field-label">"User name"</span>
                        <input
                            name="username"
                            autocomplete="username"
                            required
                            autofocus
                            prop:value=move || username.get()
                            on:input=move |e| username.set(event_target_value(&e))
                        />
                    </label>
                    <PasswordField label="Password" value=password kind=PasswordKind::Current name="password"/>
                </Show>
                <Show when=move || second_factor.get()>
                    <p class="muted">
                        {move || if use_recovery.get() {
                            "Enter one of your recovery codes. Each works once."
                        } else {
                            "Enter the six-digit code from your authenticator app."
                        }}
                    </p>
                    <label class="field">
                        <span class="field-label">
                            {move || if use_recovery.get() { "Recovery code" } else { "Authentication code" }}
                        </span>
                        <input
                            name="code"
                            autocomplete="one-time-code"
                            inputmode=move || if use_recovery.get() { "text" } else { "numeric" }
                            required
                            autofocus
                            prop:value=move || code.get()
                            on:input=move |e| code.set(event_target_value(&e))
                        />
                    </label>
                    <button type="button" class="link-button" on:click=move |_| {
                        use_recovery.update(|on| *on = !*on);
                        code.set(String::new());
                    }>
                        {move || if use_recovery.get() { "Use the authenticator app instead" } else { "Use a recovery code instead" }}
                    </button>
                </Show>
                <ErrorAlert message=error/>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else if second_factor.get() { "Verify" } else { "Sign in" }}
                </button>
            </form>
        </AuthCard>
    }
}

/// `/setup`: creates the first admin with the token `berth serve` printed.
#[component]
pub fn SetupPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let token = RwSignal::new(String::new());
    let username = RwSignal::new(String::from("admin"));
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        if password.get_untracked() != confirm.get_untracked() {
            error.set(Some("The two passwords differ.".into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let request = SetupRequest {
            setup_token: token.get_untracked().trim().to_owned(),
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match console::setup(&request).await {
                Ok(LoginResponse::SignedIn { session: info }) => {
                    session.signed_in(info);
                    navigate("/env/local/containers", Default::default());
                }
                Ok(LoginResponse::SecondFactorRequired) => navigate("/login", Default::default()),
                Err(failure) => error.set(Some(failure.to_string())),
            }
            busy.set(false);
        });
    };

    view! {
        <AuthCard title="Set up Berth">
            <p class="muted">
                "Create the first admin. The set-up token was printed in the terminal where "
                <code>"berth serve"</code>" started; it proves you run this server."
            </p>
            <form class="form" on:submit=submit>
                <label class="field">
                    <span class="field-label">"Set-up token"</span>
                    <input name="setup-token" autocomplete="off" required autofocus class="mono"
                        prop:value=move || token.get() on:input=move |e| token.set(event_target_value(&e))/>
                </label>
                <label class="field">
                    <span class="field-label">"Admin user name"</span>
                    <input name="username" autocomplete="username" required
                        prop:value=move || username.get() on:input=move |e| username.set(event_target_value(&e))/>
                </label>
                <PasswordField label="Password" value=password kind=PasswordKind::New name="new-password"/>
                <PasswordField label="Repeat the password" value=confirm kind=PasswordKind::Other name="confirm-password"/>
                <ErrorAlert message=error/>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || busy.get()>
                    {move || if busy.get() { "Creating…" } else { "Create admin and sign in" }}
                </button>
            </form>
        </AuthCard>
    }
}

#[cfg(test)]
mod tests {
    use super::next_page;

    #[test]
    fn only_local_pages_are_followed_after_sign_in() {
        assert_eq!(
            next_page(Some("/env/local/images".into())),
            "/env/local/images"
        );
        assert_eq!(
            next_page(Some("https://evil.example/".into())),
            "/env/local/containers"
        );
        assert_eq!(
            next_page(Some("//evil.example/".into())),
            "/env/local/containers"
        );
        assert_eq!(next_page(Some("/login".into())), "/env/local/containers");
        assert_eq!(next_page(None), "/env/local/containers");
    }
}
