//! The "Environment access" dialog of `/admin/users`: one user's role in each environment,
//! their global role unless a grant overrides it there (`none`: the environment does not exist
//! for them). Each choice is saved at once; the server ends the user's open streams in that
//! environment and decides everything, the dialog only shows what it holds.

use berth_shared::access::Grant;
use berth_shared::api::environments::EnvironmentView;
use berth_shared::api::users::{EnvironmentGrant, UserView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::console;
use crate::components::ids::unique_id;
use crate::components::modal::NativeDialog;
use crate::components::toast::use_toaster;

/// The value of the select's "no grant" option.
const GLOBAL: &str = "global";

/// What the dialog loaded: every environment and the user's grants.
#[derive(Debug, Clone, Default, PartialEq)]
struct Loaded {
    environments: Vec<EnvironmentView>,
    grants: Vec<EnvironmentGrant>,
}

/// The user's grant in `environment`, if any.
fn grant_in(grants: &[EnvironmentGrant], environment: &str) -> Option<Grant> {
    grants
        .iter()
        .find(|grant| grant.environment == environment)
        .map(|grant| grant.role)
}

/// The select's value for a grant: its name, or [`GLOBAL`] without one.
fn choice_value(grant: Option<Grant>) -> &'static str {
    grant.map_or(GLOBAL, Grant::as_str)
}

/// A select's value read back: `Some(None)` for no grant, `None` for nothing known.
fn parse_choice(value: &str) -> Option<Option<Grant>> {
    if value == GLOBAL {
        return Some(None);
    }
    value.parse().ok().map(Some)
}

/// The dialog for `user`, shown while it is `Some`; closing it sets it to `None`.
#[component]
pub fn EnvironmentAccessDialog(user: RwSignal<Option<UserView>>) -> impl IntoView {
    let toaster = use_toaster();
    let loaded = RwSignal::new(None::<Result<Loaded, String>>);
    Effect::new(move |_| {
        let Some(shown) = user.get() else {
            return;
        };
        loaded.set(None);
        spawn_local(async move {
            let result = async {
                let environments = crate::api::environments::environments(None).await?;
                let grants = console::grants(shown.id).await?;
                Ok::<_, crate::api::ApiError>(Loaded {
                    environments,
                    grants,
                })
            }
            .await
            .map_err(|failure| failure.to_string());
            if user.try_with_untracked(|now| now.as_ref().map(|u| u.id)) == Some(Some(shown.id)) {
                loaded.try_set(Some(result));
            }
        });
    });
    let change = move |environment: String, grant: Option<Grant>| {
        let Some(shown) = user.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let result = match grant {
                Some(role) => console::set_grant(shown.id, &environment, role)
                    .await
                    .map(|_| ()),
                None => console::remove_grant(shown.id, &environment).await,
            };
            match result {
                Ok(()) => {
                    let said = match grant {
                        Some(role) => format!("{} is {role} in {environment}", shown.username),
                        None => format!(
                            "{} has their global role ({}) in {environment}",
                            shown.username, shown.role
                        ),
                    };
                    toaster.success(said);
                    loaded.try_update(|loaded| {
                        if let Some(Ok(loaded)) = loaded {
                            loaded.grants.retain(|g| g.environment != environment);
                            if let Some(role) = grant {
                                loaded.grants.push(EnvironmentGrant { environment, role });
                            }
                        }
                    });
                }
                Err(failure) => {
                    toaster.error(format!(
                        "Could not change {}'s access to {environment}: {failure}",
                        shown.username
                    ));
                    // Back to what the console holds.
                    loaded.try_update(|_| {});
                }
            }
        });
    };
    let close = Callback::new(move |()| user.set(None));
    let title_id = unique_id("access-title");
    let labelled_by = title_id.clone();
    view! {
        <NativeDialog open=Signal::derive(move || user.with(Option::is_some)) class="dialog"
            on_cancel=close attr:aria-labelledby=labelled_by>
            <h2 id=title_id class="dialog-title">{move || user.with(|u| u.as_ref()
                .map(|u| format!("Environment access for {}", u.username)).unwrap_or_default())}</h2>
            <div class="dialog-body" data-testid="environment-access">
                <p>"A role chosen here holds in that environment only; \"none\" hides it from the user. An admin here administers that engine; users, environments, registries and the audit log stay with global admins."</p>
                {move || match loaded.get() {
                    None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                    Some(Err(failure)) => view! { <p class="alert alert-error">{failure}</p> }.into_any(),
                    Some(Ok(loaded)) => {
                        let global = user.with_untracked(|u| u.as_ref().map(|u| u.role.as_str()).unwrap_or_default());
                        view! {
                            <table class="table">
                                <thead><tr><th>"Environment"</th><th>"Role"</th></tr></thead>
                                <tbody>
                                    {loaded.environments.into_iter().map(|environment| {
                                        let current = choice_value(grant_in(&loaded.grants, &environment.id));
                                        let id = environment.id.clone();
                                        view! {
                                            <tr data-environment=environment.id>
                                                <td>{environment.name.clone()}</td>
                                                <td>
                                                    <select aria-label=format!("Role in {}", environment.name)
                                                        prop:value=current
                                                        on:change=move |e| {
                                                            if let Some(grant) = parse_choice(&event_target_value(&e)) {
                                                                change(id.clone(), grant);
                                                            }
                                                        }>
                                                        <option value=GLOBAL>{format!("global role ({global})")}</option>
                                                        {Grant::ALL.into_iter().rev().map(|grant| view! {
                                                            <option value=grant.as_str()>{grant.as_str()}</option>
                                                        }).collect_view()}
                                                    </select>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                }}
            </div>
            <div class="dialog-actions">
                <button type="button" class="btn btn-primary" on:click=move |_| close.run(())>"Done"</button>
            </div>
        </NativeDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_read_back_as_the_grants_they_show() {
        assert_eq!(parse_choice(choice_value(None)), Some(None));
        for grant in Grant::ALL {
            assert_eq!(parse_choice(choice_value(Some(grant))), Some(Some(grant)));
        }
        assert_eq!(parse_choice("root"), None);
        let grants = vec![EnvironmentGrant {
            environment: "nas".into(),
            role: Grant::None,
        }];
        assert_eq!(grant_in(&grants, "nas"), Some(Grant::None));
        assert_eq!(grant_in(&grants, "local"), None);
    }
}
