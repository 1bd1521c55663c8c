//! `/admin/users`, on the resource-page kit: adding users, changing roles, resetting passwords
//! and two-factor, each user's role per environment (`admin/user_access.rs`), removing users,
//! and everyone's API tokens. Only admins see the page's forms;
//! an admin's own role is changed by another admin, so their own row's role is fixed.

use berth_shared::access::Role;
use berth_shared::api::users::{NewUserRequest, UserUpdate, UserView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use crate::admin::tokens::TokensSection;
use crate::admin::user_access::EnvironmentAccessDialog;
use crate::api::ApiError;
use crate::api::console;
use crate::api::engine::Engine;
use crate::app::engine_status::use_engine_status;
use crate::app::session::use_session;
use crate::components::confirm::ConfirmDialog;
use crate::components::fields::{ErrorAlert, PasswordField, PasswordKind};
use crate::components::icons::IconKind;
use crate::components::section::Section;
use crate::components::table::{ACTIONS, Column};
use crate::components::toast::use_toaster;
use crate::format;
use crate::resource_page::list_page::{ListOptions, ListPage};
use crate::resource_page::removal::Removable;
use crate::resource_page::{Edges, Resource, list_remote};
use crate::time::now_seconds;

/// What an admin is about to do to a user besides removing them, pending confirmation.
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    ResetPassword(UserView),
    ResetTwoFactor(UserView),
}

impl Pending {
    fn user(&self) -> &UserView {
        match self {
            Pending::ResetPassword(user) | Pending::ResetTwoFactor(user) => user,
        }
    }
}

/// Changes a user's role from their row; the row shows the role the console has.
#[derive(Clone, Copy)]
struct RoleChange(Callback<(UserView, Role, RwSignal<Role>)>);

/// The name of the signed-in user, to mark their row.
fn my_name() -> String {
    use_session()
        .info()
        .map(|info| info.username)
        .unwrap_or_default()
}

impl Removable for UserView {
    const NOUN: &'static str = "user";
    type Choices = ();

    fn name(&self) -> &str {
        &self.username
    }

    fn lost(&self) -> String {
        "Their sessions end and their API tokens stop working at once. The audit log keeps their past actions.".to_owned()
    }

    async fn remove(self, _: Engine, (): ()) -> Result<(), ApiError> {
        console::remove_user(self.id).await
    }
}

impl Resource for UserView {
    const PLURAL: &'static str = "users";
    const TITLE: &'static str = "Users";
    const ICON: IconKind = IconKind::Users;
    const COLUMNS: &'static [Column] = &[
        Column::Text("User"),
        Column::Text("Role"),
        Column::Text("Two-factor"),
        Column::Text("Added"),
        ACTIONS,
    ];
    const TABLE_TESTID: &'static str = "users-table";

    fn key(&self) -> String {
        format!("{}\n{}\n{}", self.id, self.role, self.totp_enabled)
    }

    fn search_text(&self) -> String {
        format!("{} {}", self.username, self.role)
    }

    /// Everyone but the signed-in admin, who cannot remove themselves.
    fn removable(&self) -> bool {
        self.username != my_name()
    }

    fn row(&self, _: Option<String>, edges: Edges) -> AnyView {
        let is_me = self.username == my_name();
        let shown = RwSignal::new(self.role);
        let change = use_context::<RoleChange>();
        let user = self.clone();
        let role = match change.filter(|_| !is_me) {
            Some(RoleChange(change)) => view! {
                <RoleSelect value=shown label=format!("Role of {}", self.username)
                    on_change=Callback::new(move |role| change.run((user.clone(), role, shown)))/>
            }
            .into_any(),
            None => view! {
                <span class=role_badge(self.role) title=is_me.then_some("Another admin can change your role")>
                    {self.role.as_str()}
                </span>
            }
            .into_any(),
        };
        view! {
            <tr data-user=self.username.clone()>
                {edges.select}
                <td>
                    <div class="cell-title cell-clip" title=self.username.clone()>{self.username.clone()}</div>
                    {is_me.then(|| view! { <span class="badge badge-info">"you"</span> })}
                </td>
                <td>{role}</td>
                <td>{if self.totp_enabled { "on" } else { "off" }}</td>
                <td>{format::relative_time(now_seconds(), self.created_at)}</td>
                {edges.actions}
            </tr>
        }
        .into_any()
    }

    async fn list(_: Engine, signal: AbortSignal) -> Result<Vec<Self>, ApiError> {
        console::users(Some(&signal)).await
    }
}

/// The badge class of a role, as in the legend.
fn role_badge(role: Role) -> &'static str {
    match role {
        Role::Admin => "badge badge-danger",
        Role::Operator => "badge badge-info",
        Role::Viewer => "badge badge-neutral",
    }
}

/// `/admin/users`.
#[component]
pub fn UsersPage() -> impl IntoView {
    let status = use_engine_status();
    let toaster = use_toaster();
    let is_admin = use_session().role() == Some(Role::Admin);
    let users = list_remote::<UserView>(status);
    let pending = RwSignal::new(None::<Pending>);
    let access_for = RwSignal::new(None::<UserView>);
    let new_password = RwSignal::new(String::new());

    provide_context(RoleChange(Callback::new(
        move |(user, role, shown): (UserView, Role, RwSignal<Role>)| {
            let before = user.role;
            shown.set(role);
            spawn_local(async move {
                let update = UserUpdate {
                    role: Some(role),
                    ..UserUpdate::default()
                };
                match console::update_user(user.id, &update).await {
                    Ok(_) => {
                        toaster.success(format!("{} is now {role}", user.username));
                        users.reload();
                    }
                    Err(failure) => {
                        shown.set(before);
                        toaster.error(format!(
                            "Could not change {}'s role: {failure}",
                            user.username
                        ));
                    }
                }
            });
        },
    )));
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
    let row_actions = Callback::new(move |user: UserView| {
        let (for_password, for_totp) = (user.clone(), user.clone());
        let for_access = user.clone();
        view! {
            <button class="btn btn-small" aria-label=format!("Environment access of {}", user.username)
                on:click=move |_| access_for.set(Some(for_access.clone()))>"Environment access"</button>
            <button class="btn btn-small" aria-label=format!("New password for {}", user.username)
                on:click=move |_| pending.set(Some(Pending::ResetPassword(for_password.clone())))>"New password"</button>
            {user.totp_enabled.then(|| view! {
                <button class="btn btn-small" aria-label=format!("Reset two-factor of {}", user.username)
                    on:click=move |_| pending.set(Some(Pending::ResetTwoFactor(for_totp.clone())))>"Reset two-factor"</button>
            })}
        }
        .into_any()
    });
    let summary =
        Signal::derive(|| Some("Who can use this console, and with which role".to_owned()));

    view! {
        <ListPage
            remote=users
            can_remove=is_admin
            summary=summary
            options=ListOptions {
                row_actions: is_admin.then_some(row_actions),
                ..ListOptions::default()
            }
            after=ToChildren::to_children(move || is_admin.then(|| view! { <TokensSection all=true/> }))
        >
            <RoleLegend/>
            {is_admin.then(|| view! { <AddUserForm on_added=Callback::new(move |()| users.reload())/> })}
        </ListPage>
        <EnvironmentAccessDialog user=access_for/>
        <ConfirmDialog
            open=Signal::derive(move || pending.with(Option::is_some))
            title=Signal::derive(move || pending.with(|p| match p {
                Some(Pending::ResetPassword(user)) => format!("Set a new password for {}?", user.username),
                Some(Pending::ResetTwoFactor(user)) => format!("Turn two-factor sign-in off for {}?", user.username),
                None => String::new(),
            }))
            confirm_label="Confirm"
            on_confirm=confirm
            on_cancel=Callback::new(move |()| pending.set(None))
        >
            {move || match pending.get() {
                Some(Pending::ResetPassword(_)) => view! {
                    <p>"Their sessions end. Tell them the new password through a channel you trust."</p>
                    <PasswordField label="New password" value=new_password kind=PasswordKind::New/>
                }.into_any(),
                Some(Pending::ResetTwoFactor(_)) => view! {
                    <p>"For a user who lost both their device and their recovery codes. They can set it up again after signing in."</p>
                }.into_any(),
                None => ().into_any(),
            }}
        </ConfirmDialog>
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
            <dd>"Reads only: lists, logs (which they may save), stats and events. No shells, no files from containers or volumes, no exports."</dd>
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
                    <RoleSelect value=role on_change=Callback::new(move |r| role.set(r))/>
                </label>
                <PasswordField label="Initial password" value=password kind=PasswordKind::New/>
                <button type="submit" class="btn btn-primary">"Add user"</button>
            </form>
            <ErrorAlert message=error/>
        </Section>
    }
}

/// A role picker that shows `value`, so a refused change goes back to what the console has.
#[component]
fn RoleSelect(
    value: RwSignal<Role>,
    on_change: Callback<Role>,
    #[prop(optional)] label: Option<String>,
) -> impl IntoView {
    view! {
        <select aria-label=label prop:value=move || value.get().as_str() on:change=move |e| {
            if let Ok(role) = event_target_value(&e).parse::<Role>() {
                on_change.run(role);
            }
        }>
            {Role::ALL.into_iter().rev().map(|role| view! {
                <option value=role.as_str()>{role.as_str()}</option>
            }).collect_view()}
        </select>
    }
}
