//! `/admin/users`: adding users, changing roles, resetting passwords and two-factor, removing
//! users, and everyone's API tokens.

use berth_shared::access::Role;
use berth_shared::api::users::{NewUserRequest, UserUpdate, UserView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::admin::tokens::TokensSection;
use crate::api::console;
use crate::app::remote::{Loadable, Remote};
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::ErrorAlert;
use crate::components::section::Section;
use crate::components::table::{ACTIONS, Column, DataTable};
use crate::components::toast::use_toaster;
use crate::format;
use crate::time::now_seconds;

/// What an admin is about to do to a user, pending confirmation.
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    Remove(UserView),
    ResetPassword(UserView),
    ResetTwoFactor(UserView),
}

impl Pending {
    fn user(&self) -> &UserView {
        match self {
            Pending::Remove(user)
            | Pending::ResetPassword(user)
            | Pending::ResetTwoFactor(user) => user,
        }
    }
}

/// `/admin/users`.
#[component]
pub fn UsersPage() -> impl IntoView {
    let toaster = use_toaster();
    let users = Remote::new(|signal| async move { console::users(Some(&signal)).await });
    let pending = RwSignal::new(None::<Pending>);
    let new_password = RwSignal::new(String::new());

    let change_role = move |user: UserView, role: Role| {
        spawn_local(async move {
            let update = UserUpdate {
                role: Some(role),
                ..UserUpdate::default()
            };
            match console::update_user(user.id, &update).await {
                Ok(_) => toaster.success(format!("{} is now {role}", user.username)),
                Err(failure) => toaster.error(format!(
                    "Could not change {}'s role: {failure}",
                    user.username
                )),
            }
            users.reload();
        });
    };
    let confirm = Callback::new(move |()| {
        let Some(action) = pending.get_untracked() else {
            return;
        };
        pending.set(None);
        let password = new_password.get_untracked();
        new_password.set(String::new());
        spawn_local(async move {
            let user = action.user().clone();
            let result = match &action {
                Pending::Remove(_) => console::remove_user(user.id)
                    .await
                    .map(|()| format!("Removed {}", user.username)),
                Pending::ResetPassword(_) => console::update_user(
                    user.id,
                    &UserUpdate {
                        password: Some(password),
                        ..UserUpdate::default()
                    },
                )
                .await
                .map(|_| {
                    format!(
                        "Set a new password for {}; their sessions ended",
                        user.username
                    )
                }),
                Pending::ResetTwoFactor(_) => console::update_user(
                    user.id,
                    &UserUpdate {
                        reset_totp: true,
                        ..UserUpdate::default()
                    },
                )
                .await
                .map(|_| format!("Turned two-factor sign-in off for {}", user.username)),
            };
            match result {
                Ok(message) => toaster.success(message),
                Err(failure) => {
                    toaster.error(format!("Could not change {}: {failure}", user.username));
                }
            }
            users.reload();
        });
    });

    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">"Users"</h1>
                    <p class="page-sub">"Who can use this console, and with which role"</p>
                </div>
            </div>
            <RoleLegend/>
            <AddUserForm on_added=Callback::new(move |()| users.reload())/>
            {move || match users.get() {
                Loadable::Loading => view! { <p class="muted">"Loading users…"</p> }.into_any(),
                Loadable::Failed(failure) => view! { <div class="alert alert-error">{failure.to_string()}</div> }.into_any(),
                Loadable::Ready(list) => view! {
                    <UserTable users=list on_role=Callback::new(move |(user, role)| change_role(user, role)) on_pending=Callback::new(move |action| pending.set(Some(action)))/>
                }
                .into_any(),
            }}
            <TokensSection all=true/>
            <ConfirmDialog
                open=Signal::derive(move || pending.with(Option::is_some))
                title=Signal::derive(move || pending.with(|p| match p {
                    Some(Pending::Remove(user)) => format!("Remove user {}?", user.username),
                    Some(Pending::ResetPassword(user)) => format!("Set a new password for {}?", user.username),
                    Some(Pending::ResetTwoFactor(user)) => format!("Turn two-factor sign-in off for {}?", user.username),
                    None => String::new(),
                }))
                confirm_label="Confirm"
                on_confirm=confirm
                on_cancel=Callback::new(move |()| pending.set(None))
            >
                {move || match pending.get() {
                    Some(Pending::Remove(_)) => view! {
                        <p>"Their sessions end and their API tokens stop working at once. The audit log keeps their past actions."</p>
                    }.into_any(),
                    Some(Pending::ResetPassword(_)) => view! {
                        <p>"Their sessions end. Tell them the new password through a channel you trust."</p>
                        <label class="field">
                            <span class="field-label">"New password"</span>
                            <input type="password" autocomplete="new-password" minlength="10"
                                prop:value=move || new_password.get() on:input=move |e| new_password.set(event_target_value(&e))/>
                        </label>
                    }.into_any(),
                    Some(Pending::ResetTwoFactor(_)) => view! {
                        <p>"For a user who lost both their device and their recovery codes. They can set it up again after signing in."</p>
                    }.into_any(),
                    None => ().into_any(),
                }}
            </ConfirmDialog>
        </section>
    }
}

#[component]
fn RoleLegend() -> impl IntoView {
    view! {
        <dl class="role-legend">
            <dt><span class="badge badge-danger">"admin"</span></dt>
            <dd>"Everything, including users, the audit log, swarm membership and plugins."</dd>
            <dt><span class="badge badge-info">"operator"</span></dt>
            <dd>"Runs workloads: containers, shells, files, images, networks, volumes."</dd>
            <dt><span class="badge badge-neutral">"viewer"</span></dt>
            <dd>"Reads only: lists, logs, stats and events. No shells, no downloads."</dd>
        </dl>
    }
}

#[component]
fn AddUserForm(on_added: Callback<()>) -> impl IntoView {
    let toaster = use_toaster();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator);
    let error = RwSignal::new(None::<String>);
    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        error.set(None);
        let request = NewUserRequest {
            username: username.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match console::create_user(&request).await {
                Ok(user) => {
                    toaster.success(format!("Added {} as {}", user.username, user.role));
                    username.set(String::new());
                    password.set(String::new());
                    on_added.try_run(());
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        });
    };
    view! {
        <Section title="Add a user">
            <form class="form form-row" on:submit=submit>
                <label class="field field-grow">
                    <span class="field-label">"User name"</span>
                    <input required autocomplete="off" prop:value=move || username.get() on:input=move |e| username.set(event_target_value(&e))/>
                </label>
                <label class="field">
                    <span class="field-label">"Role"</span>
                    <RoleSelect value=role.get_untracked() on_change=Callback::new(move |r| role.set(r))/>
                </label>
                <label class="field field-grow">
                    <span class="field-label">"Initial password"</span>
                    <input type="password" required minlength="10" autocomplete="new-password"
                        prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
                </label>
                <button type="submit" class="btn btn-primary">"Add user"</button>
            </form>
            <ErrorAlert message=error/>
        </Section>
    }
}

#[component]
fn RoleSelect(
    value: Role,
    on_change: Callback<Role>,
    #[prop(optional)] label: Option<String>,
) -> impl IntoView {
    view! {
        <select aria-label=label on:change=move |e| {
            if let Ok(role) = event_target_value(&e).parse::<Role>() {
                on_change.run(role);
            }
        }>
            {Role::ALL.into_iter().rev().map(|role| view! {
                <option value=role.as_str() selected=role == value>{role.as_str()}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn UserTable(
    users: Vec<UserView>,
    on_role: Callback<(UserView, Role)>,
    on_pending: Callback<Pending>,
) -> impl IntoView {
    let session = use_session();
    let me = session.info().map(|info| info.username).unwrap_or_default();
    let now = now_seconds();
    view! {
        <DataTable
            testid="users-table"
            columns=&[
                Column::Text("User"),
                Column::Text("Role"),
                Column::Text("Two-factor"),
                Column::Text("Added"),
                ACTIONS,
            ]
        >
            {users.into_iter().map(|user| {
                let is_me = user.username == me;
                let (for_role, for_password, for_totp, for_remove) = (user.clone(), user.clone(), user.clone(), user.clone());
                view! {
                    <tr data-user=user.username>
                        <td>
                            <div class="cell-title">{user.username.clone()}</div>
                            {is_me.then(|| view! { <span class="badge badge-info">"you"</span> })}
                        </td>
                        <td>
                            <RoleSelect value=user.role label=format!("Role of {}", user.username)
                                on_change=Callback::new(move |role| on_role.run((for_role.clone(), role)))/>
                        </td>
                        <td>{if user.totp_enabled { "on" } else { "off" }}</td>
                        <td>{format::relative_time(now, user.created_at)}</td>
                        <td class="cell-actions">
                            <div class="row-actions">
                                <button class="btn btn-small" on:click=move |_| on_pending.run(Pending::ResetPassword(for_password.clone()))>"New password"</button>
                                {user.totp_enabled.then(|| view! {
                                    <button class="btn btn-small" on:click=move |_| on_pending.run(Pending::ResetTwoFactor(for_totp.clone()))>"Reset two-factor"</button>
                                })}
                                {(!is_me).then(|| view! {
                                    <button class="btn btn-small btn-danger-ghost" aria-label=format!("Remove {}", for_remove.username)
                                        on:click=move |_| on_pending.run(Pending::Remove(for_remove.clone()))>"Remove"</button>
                                })}
                            </div>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
