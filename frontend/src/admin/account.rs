//! `/account`: the signed-in user's password, two-factor sign-in, sessions and API tokens.

use berth_shared::api::auth::{PasswordChange, RecoveryCodes, SessionView, TotpSetup};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::admin::tokens::TokensSection;
use crate::api::console;
use crate::app::remote::{Loadable, Remote};
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::copy_button::CopyButton;
use crate::components::fields::{ErrorAlert, PasswordField, PasswordKind};
use crate::components::qr::QrImage;
use crate::components::section::Section;
use crate::components::table::{ACTIONS, Column, DataTable};
use crate::components::toast::use_toaster;
use crate::format;
use crate::time::now_seconds;

/// `/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let who = move || {
        session
            .info()
            .map(|info| format!("Signed in as {} · {}", info.username, info.role))
    };
    view! {
        <section class="page page-narrow" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Account"</h1>
                    <p class="page-sub">{who}</p>
                </div>
            </div>
            <PasswordSection/>
            <TwoFactorSection/>
            <SessionsSection/>
            <TokensSection all=false/>
        </section>
    }
}

#[component]
fn PasswordSection() -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        if new_password.get_untracked() != repeat.get_untracked() {
            error.set(Some("The two new passwords differ.".into()));
            return;
        }
        busy.set(true);
        error.set(None);
        let change = PasswordChange {
            current_password: current.get_untracked(),
            new_password: new_password.get_untracked(),
        };
        spawn_local(async move {
            match console::change_password(&change).await {
                // Every session ended with the old password, this one included.
                Ok(()) => session.signed_out(false),
                Err(failure) => error.set(Some(failure.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <Section title="Password" description="Changing it signs you out everywhere, here too.">
            <form class="form form-inline-grid" on:submit=submit>
                <PasswordField label="Current password" value=current kind=PasswordKind::Current/>
                <PasswordField label="New password" value=new_password kind=PasswordKind::New/>
                <PasswordField label="Repeat the new password" value=repeat kind=PasswordKind::Other/>
                <ErrorAlert message=error/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get()>"Change password"</button>
                </div>
            </form>
        </Section>
    }
}

/// Where the two-factor set-up stands.
#[derive(Debug, Clone, PartialEq)]
enum Enrolment {
    /// Nothing under way.
    Idle,
    /// A secret was issued; waiting for a code.
    Scanning(TotpSetup),
    /// Turned on: the recovery codes to save, shown once.
    Saved(RecoveryCodes),
}

#[component]
fn TwoFactorSection() -> impl IntoView {
    let session = use_session();
    let toaster = use_toaster();
    let enrolment = RwSignal::new(Enrolment::Idle);
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let disabling = RwSignal::new(false);
    let starting = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let enabled = move || session.info().is_some_and(|info| info.totp_enabled);

    // Setting up a second factor asks for the password again, so a session left open on
    // someone else's screen cannot be used to lock its owner out.
    let start = Callback::new(move |()| {
        error.set(None);
        let entered = password.get_untracked();
        starting.set(false);
        password.set(String::new());
        spawn_local(async move {
            match console::totp_setup(&entered).await {
                Ok(setup) => enrolment.set(Enrolment::Scanning(setup)),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    });
    let confirm = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let entered = code.get_untracked();
        spawn_local(async move {
            match console::totp_enable(&entered).await {
                Ok(codes) => {
                    enrolment.set(Enrolment::Saved(codes));
                    code.set(String::new());
                    session.reload();
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    let disable = Callback::new(move |()| {
        let entered = password.get_untracked();
        disabling.set(false);
        password.set(String::new());
        spawn_local(async move {
            match console::totp_disable(&entered).await {
                Ok(()) => {
                    toaster.success("Two-factor sign-in is off");
                    session.reload();
                }
                Err(failure) => {
                    toaster.error(format!("Could not turn two-factor sign-in off: {failure}"));
                }
            }
        });
    });

    view! {
        <Section title="Two-factor sign-in" description="A code from an authenticator app, on top of the password.">
            {move || match enrolment.get() {
                Enrolment::Saved(codes) => {
                    let all = codes.codes.join("\n");
                    view! {
                    <div class="alert alert-success" role="status">"Two-factor sign-in is on."</div>
                    <p>"Save these recovery codes somewhere safe. Each signs you in once if you lose your device; they are not shown again."</p>
                    <ul class="recovery-codes mono" data-testid="recovery-codes">
                        {codes.codes.into_iter().map(|code| view! { <li>{code}</li> }).collect_view()}
                    </ul>
                    <div class="form-actions">
                        <CopyButton text=all what="the recovery codes" testid="copy-recovery-codes"/>
                        <button class="btn" on:click=move |_| enrolment.set(Enrolment::Idle)>"I have saved them"</button>
                    </div>
                }
                .into_any()
                }
                Enrolment::Scanning(setup) => view! {
                    <div class="totp-setup">
                        <QrImage code=setup.qr.clone() label="QR code for your authenticator app"/>
                        <div>
                            <p>"Scan the code with an authenticator app, or type this key into it:"</p>
                            <div class="copyable">
                                <p class="mono secret-key" data-testid="totp-secret">{setup.secret.clone()}</p>
                                <CopyButton text=setup.secret what="the key" testid="copy-totp-secret"/>
                            </div>
                            <form class="form" on:submit=confirm>
                                <label class="field">
                                    <span class="field-label">"Code from the app"</span>
                                    <input autocomplete="one-time-code" inputmode="numeric" required
                                        prop:value=move || code.get() on:input=move |e| code.set(event_target_value(&e))/>
                                </label>
                                <div class="form-actions">
                                    <button type="submit" class="btn btn-primary">"Turn on"</button>
                                    <button type="button" class="btn" on:click=move |_| enrolment.set(Enrolment::Idle)>"Cancel"</button>
                                </div>
                            </form>
                        </div>
                    </div>
                }
                .into_any(),
                Enrolment::Idle if enabled() => view! {
                    <p><span class="badge badge-ok">"On"</span>" Signing in asks for a code from your app."</p>
                    <button class="btn" on:click=move |_| disabling.set(true)>"Turn off…"</button>
                }
                .into_any(),
                Enrolment::Idle => view! {
                    <p><span class="badge badge-neutral">"Off"</span>" Signing in needs only the password."</p>
                    <button class="btn btn-primary" on:click=move |_| starting.set(true)>"Set up two-factor sign-in"</button>
                }
                .into_any(),
            }}
            <ErrorAlert message=error/>
            <PasswordDialog
                open=starting
                title="Set up two-factor sign-in"
                explanation="Confirm it is you: enter your password."
                confirm_label="Continue"
                on_confirm=start
                password=password
            />
            <PasswordDialog
                open=disabling
                title="Turn two-factor sign-in off?"
                explanation="Your password alone will sign you in, and your recovery codes stop working."
                confirm_label="Turn off"
                on_confirm=disable
                password=password
            />
        </Section>
    }
}

/// A confirmation that asks for the user's password before a change to their sign-in.
#[component]
fn PasswordDialog(
    /// Shown while this holds; cancelling clears it.
    open: RwSignal<bool>,
    /// The dialog's title.
    title: &'static str,
    /// What confirming does.
    explanation: &'static str,
    /// The confirm button's label.
    confirm_label: &'static str,
    /// Runs on confirm; it reads and clears `password`.
    on_confirm: Callback<()>,
    /// The password field's value.
    password: RwSignal<String>,
) -> impl IntoView {
    view! {
        <ConfirmDialog
            open=open
            title=title
            confirm_label=confirm_label
            on_confirm=on_confirm
            on_cancel=Callback::new(move |()| open.set(false))
        >
            <p>{explanation}</p>
            <PasswordField label="Password" value=password kind=PasswordKind::Current/>
        </ConfirmDialog>
    }
}

#[component]
fn SessionsSection() -> impl IntoView {
    let session = use_session();
    let toaster = use_toaster();
    let sessions = Remote::new(|signal| async move { console::sessions(Some(&signal)).await });
    let confirming = RwSignal::new(false);
    let end = move |handle: String| {
        spawn_local(async move {
            match console::end_session(&handle).await {
                Ok(()) => toaster.success("Session ended"),
                Err(failure) => toaster.error(format!("Could not end the session: {failure}")),
            }
            sessions.reload();
        });
    };
    let everywhere = Callback::new(move |()| {
        confirming.set(false);
        spawn_local(async move {
            match console::logout_everywhere().await {
                Ok(()) => session.signed_out(false),
                Err(failure) => toaster.error(format!("Could not sign out everywhere: {failure}")),
            }
        });
    });
    view! {
        <Section title="Sessions" description="Browsers signed in as you.">
            {move || match sessions.get() {
                Loadable::Loading => view! { <p class="muted">"Loading sessions…"</p> }.into_any(),
                Loadable::Failed(error) => view! { <div class="alert alert-error">{error.to_string()}</div> }.into_any(),
                Loadable::Ready(list) => view! { <SessionTable sessions=list on_end=Callback::new(end)/> }.into_any(),
            }}
            <div class="form-actions">
                <button class="btn btn-danger" on:click=move |_| confirming.set(true)>"Sign out everywhere"</button>
            </div>
            <ConfirmDialog
                open=confirming
                title="Sign out everywhere?"
                confirm_label="Sign out everywhere"
                on_confirm=everywhere
                on_cancel=Callback::new(move |()| confirming.set(false))
            >
                <p>"Every browser signed in as you is signed out, this one included. API tokens keep working."</p>
            </ConfirmDialog>
        </Section>
    }
}

#[component]
fn SessionTable(sessions: Vec<SessionView>, on_end: Callback<String>) -> impl IntoView {
    let now = now_seconds();
    view! {
        <DataTable
            testid="sessions-table"
            columns=&[
                Column::Text("Browser"),
                Column::Text("Address"),
                Column::Text("Last active"),
                ACTIONS,
            ]
        >
            {sessions.into_iter().map(|session| {
                let handle = session.handle.clone();
                view! {
                    <tr>
                        <td>
                            <div class="cell-title">{format::browser_name(&session.user_agent)}</div>
                            {session.current.then(|| view! { <span class="badge badge-info">"This browser"</span> })}
                        </td>
                        <td class="mono">{session.remote_addr.clone()}</td>
                        <td>{format::relative_time(now, session.last_seen_at)}</td>
                        <td class="cell-actions">
                            {(!session.current).then(|| view! {
                                <button class="btn btn-small" on:click=move |_| on_end.run(handle.clone())>"End"</button>
                            })}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
