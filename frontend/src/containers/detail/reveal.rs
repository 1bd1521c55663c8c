//! Secret-looking environment values, masked on the Overview and the Inspect tab alike until
//! the user reveals them. There is one reveal: [`Reveal::ask`] goes through the console's
//! endpoint (`console::reveal_env`), which records it in the audit log before it answers with
//! the values in clear. The masking itself is pure ([`mask_env`], [`with_env`]).

use berth_shared::secrets::{looks_secret, split_env};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::api::console;
use crate::app::session::use_session;
use crate::components::toast::Toaster;

/// What a masked value reads as.
pub const MASK: &str = "••••••••";

/// One container's environment, revealed or not yet.
#[derive(Clone, Copy)]
pub struct Reveal {
    environment: StoredValue<String>,
    id: StoredValue<String>,
    revealed: RwSignal<Option<Vec<String>>>,
    asking: RwSignal<bool>,
    /// Whether the user's role may see secrets at all (the server decides again).
    pub allowed: bool,
}

impl Reveal {
    /// The reveal of container `id` in `environment`, nothing revealed yet.
    pub fn new(environment: String, id: String) -> Self {
        let allowed = use_session().role().is_some_and(|role| role.sees_secrets());
        Self {
            environment: StoredValue::new(environment),
            id: StoredValue::new(id),
            revealed: RwSignal::new(None),
            asking: RwSignal::new(false),
            allowed,
        }
    }

    /// The environment in clear, once revealed (tracked).
    pub fn revealed(&self) -> Option<Vec<String>> {
        self.revealed.get()
    }

    /// Whether a reveal is under way (tracked).
    pub fn asking(&self) -> bool {
        self.asking.get()
    }

    /// The value of `name` in clear, once revealed (tracked).
    pub fn value_of(&self, name: &str) -> Option<String> {
        self.revealed.with(|revealed| {
            revealed.as_ref().and_then(|env| {
                env.iter()
                    .map(|entry| split_env(entry))
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_owned())
            })
        })
    }

    /// Asks the server for the values in clear (audited); once is enough.
    pub fn ask(self, toaster: Toaster) {
        if self.revealed.with_untracked(Option::is_some) || self.asking.get_untracked() {
            return;
        }
        self.asking.set(true);
        let (environment, id) = (self.environment.get_value(), self.id.get_value());
        spawn_local(async move {
            match console::reveal_env(&environment, &id).await {
                Ok(answer) => {
                    self.revealed.try_set(Some(answer.env));
                }
                Err(error) => toaster.error(format!("Could not reveal the environment: {error}")),
            }
            self.asking.try_set(false);
        });
    }
}

/// Whether any of `env`'s entries looks secret.
pub fn has_secrets(env: &[String]) -> bool {
    env.iter().any(|entry| {
        let (name, value) = split_env(entry);
        looks_secret(name, value)
    })
}

/// `Config.Env` of an inspect document with its secret-looking values masked.
pub fn mask_env(document: &mut Value) {
    let Some(Value::Array(env)) = document.pointer_mut("/Config/Env") else {
        return;
    };
    for entry in env.iter_mut() {
        let Value::String(text) = entry else {
            continue;
        };
        let (name, value) = split_env(text);
        if looks_secret(name, value) {
            *text = format!("{name}={MASK}");
        }
    }
}

/// `Config.Env` of an inspect document replaced by the revealed `env`.
pub fn with_env(document: &mut Value, env: &[String]) {
    if let Some(config) = document
        .pointer_mut("/Config")
        .and_then(Value::as_object_mut)
    {
        config.insert(
            "Env".to_owned(),
            Value::Array(env.iter().cloned().map(Value::String).collect()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_masked_and_others_kept() {
        let mut document = serde_json::json!({
            "Id": "abc",
            "Config": {"Env": ["DB_PASSWORD=hunter2", "MODE=prod", "URL=postgres://u:pw@db/app", "BARE"]}
        });
        mask_env(&mut document);
        assert_eq!(
            document["Config"]["Env"],
            serde_json::json!([
                format!("DB_PASSWORD={MASK}"),
                "MODE=prod",
                format!("URL={MASK}"),
                "BARE"
            ])
        );
        with_env(&mut document, &["DB_PASSWORD=hunter2".to_owned()]);
        assert_eq!(
            document["Config"]["Env"],
            serde_json::json!(["DB_PASSWORD=hunter2"])
        );
    }

    #[test]
    fn a_document_without_env_is_left_alone() {
        let mut document = serde_json::json!({"Config": {"Env": null}});
        mask_env(&mut document);
        assert_eq!(document, serde_json::json!({"Config": {"Env": null}}));
        assert!(has_secrets(&["API_TOKEN=x".to_owned()]));
        assert!(!has_secrets(&["MODE=prod".to_owned()]));
    }
}
