//! The forms of an engine outside a swarm (init a new one, join one as a worker or a manager)
//! and of a locked manager (unlock), with what they send checked before it goes.

use berth_shared::engine::swarm::{SwarmInitRequest, SwarmJoinRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::{CheckField, FormState, TextField};
use crate::components::form_frame::FormCard;
use crate::field_error::FieldError;

const ADVERTISE: &str = "Advertise address";
const LISTEN: &str = "Listen address";
const POOL: &str = "Default address pool";
const SUBNET: &str = "Subnet size";
const DATA_PORT: &str = "Data path port";
const MANAGER: &str = "Manager address";
const TOKEN: &str = "Join token";
const UNLOCK_KEY: &str = "Unlock key";

/// The port managers listen on unless told otherwise.
const DEFAULT_LISTEN: &str = "0.0.0.0:2377";

/// Checks the init form and builds its request.
pub fn init_request(
    advertise: &str,
    listen: &str,
    pools: &str,
    subnet: &str,
    data_port: &str,
    autolock: bool,
) -> Result<SwarmInitRequest, FieldError> {
    let listen = listen.trim();
    let default_addr_pool: Vec<String> = pools
        .split([',', '\n', ' '])
        .map(str::trim)
        .filter(|pool| !pool.is_empty())
        .map(str::to_owned)
        .collect();
    for pool in &default_addr_pool {
        if !pool.contains('/') {
            return Err(FieldError::new(
                POOL,
                format!("{pool} is not in CIDR form, such as 10.20.0.0/16"),
            ));
        }
    }
    let number = |label: &'static str, text: &str, range: std::ops::RangeInclusive<u32>| {
        let text = text.trim();
        if text.is_empty() {
            return Ok(0);
        }
        match text.parse::<u32>() {
            Ok(value) if range.contains(&value) => Ok(value),
            _ => Err(FieldError::new(
                label,
                format!("give a number from {} to {}", range.start(), range.end()),
            )),
        }
    };
    let subnet_size = number(SUBNET, subnet, 8..=29)?;
    let data_path_port = number(DATA_PORT, data_port, 1024..=49151)?;
    Ok(SwarmInitRequest {
        advertise_addr: advertise.trim().to_owned(),
        listen_addr: if listen.is_empty() {
            DEFAULT_LISTEN.to_owned()
        } else {
            listen.to_owned()
        },
        default_addr_pool,
        subnet_size,
        data_path_port,
        spec: if autolock {
            serde_json::json!({"EncryptionConfig": {"AutoLockManagers": true}})
        } else {
            serde_json::Value::Null
        },
        ..SwarmInitRequest::default()
    })
}

/// Checks the join form and builds its request.
pub fn join_request(
    manager: &str,
    token: &str,
    advertise: &str,
    listen: &str,
) -> Result<SwarmJoinRequest, FieldError> {
    let manager = manager.trim();
    if manager.is_empty() {
        return Err(FieldError::new(
            MANAGER,
            "give a manager's address, such as 192.168.1.10:2377",
        ));
    }
    let token = token.trim();
    if !token.starts_with("SWMTKN-") {
        return Err(FieldError::new(
            TOKEN,
            "paste a worker's or a manager's token from the manager's swarm page (it starts with SWMTKN-)",
        ));
    }
    let remote = if manager.contains(':') {
        manager.to_owned()
    } else {
        format!("{manager}:2377")
    };
    let listen = listen.trim();
    Ok(SwarmJoinRequest {
        listen_addr: if listen.is_empty() {
            DEFAULT_LISTEN.to_owned()
        } else {
            listen.to_owned()
        },
        advertise_addr: advertise.trim().to_owned(),
        data_path_addr: String::new(),
        remote_addrs: vec![remote],
        join_token: token.to_owned(),
    })
}

/// Starts a new swarm with this engine as its first manager.
#[component]
pub fn InitForm(
    /// Runs once the swarm exists.
    on_done: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let advertise = RwSignal::new(String::new());
    let listen = RwSignal::new(String::new());
    let pools = RwSignal::new(String::new());
    let subnet = RwSignal::new(String::new());
    let data_port = RwSignal::new(String::new());
    let autolock = RwSignal::new(false);
    let form = FormState::new();
    let error = form.error;
    let submit = Callback::new(move |()| {
        let checked = init_request(
            &advertise.get_untracked(),
            &listen.get_untracked(),
            &pools.get_untracked(),
            &subnet.get_untracked(),
            &data_port.get_untracked(),
            autolock.get_untracked(),
        );
        let Some(request) = form.begin(checked) else {
            return;
        };
        let engine = status.engine_untracked();
        spawn_local(async move {
            let result = engine.init_swarm(&request).await;
            if form.finish(status, result).is_some() {
                on_done.run(());
            }
        });
    });
    view! {
        <FormCard title="Start a new swarm" title_id="swarm-init-title" testid="swarm-init-form" form=form
            submit_label="Initialise swarm" busy_label="Initialising…" on_submit=submit>
            <p class="muted">"This engine becomes the swarm's first manager. Other engines join it with a token shown here afterwards."</p>
            <div class="form-inline-grid">
                <TextField label=ADVERTISE value=advertise error=error mono=true placeholder="192.168.1.10"
                    hint="The address other nodes reach this one at; needed when the host has several"/>
                <TextField label=LISTEN value=listen error=error mono=true placeholder=DEFAULT_LISTEN/>
            </div>
            <div class="form-inline-grid">
                <TextField label=POOL value=pools error=error mono=true placeholder="10.20.0.0/16"
                    hint="Where overlay networks take their subnets; comma-separated"/>
                <TextField label=SUBNET value=subnet error=error mono=true placeholder="24"/>
                <TextField label=DATA_PORT value=data_port error=error mono=true placeholder="4789"
                    hint="The UDP port of overlay traffic"/>
            </div>
            <CheckField label="Lock managers" value=autolock
                hint="A restarted manager then needs the unlock key before it serves the swarm"/>
        </FormCard>
    }
}

/// Joins the engine to an existing swarm.
#[component]
pub fn JoinForm(
    /// Runs once the engine joined.
    on_done: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let manager = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let advertise = RwSignal::new(String::new());
    let listen = RwSignal::new(String::new());
    let form = FormState::new();
    let error = form.error;
    let submit = Callback::new(move |()| {
        let checked = join_request(
            &manager.get_untracked(),
            &token.get_untracked(),
            &advertise.get_untracked(),
            &listen.get_untracked(),
        );
        let Some(request) = form.begin(checked) else {
            return;
        };
        let engine = status.engine_untracked();
        spawn_local(async move {
            let result = engine.join_swarm(&request).await;
            if form.finish(status, result).is_some() {
                on_done.run(());
            }
        });
    });
    view! {
        <FormCard title="Join a swarm" title_id="swarm-join-title" testid="swarm-join-form" form=form
            submit_label="Join swarm" busy_label="Joining…" on_submit=submit>
            <p class="muted">"A worker's token joins this engine as a worker, a manager's as a manager. Both are on the manager's swarm page."</p>
            <div class="form-inline-grid">
                <TextField label=MANAGER value=manager error=error required=true mono=true placeholder="192.168.1.10:2377"/>
                <TextField label=ADVERTISE value=advertise error=error mono=true placeholder="192.168.1.11"/>
                <TextField label=LISTEN value=listen error=error mono=true placeholder=DEFAULT_LISTEN/>
            </div>
            <TextField label=TOKEN value=token error=error required=true mono=true placeholder="SWMTKN-1-…"/>
        </FormCard>
    }
}

/// Unlocks a locked manager with its key.
#[component]
pub fn UnlockForm(
    /// Runs once unlocked.
    on_done: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let key = RwSignal::new(String::new());
    let form = FormState::new();
    let error = form.error;
    let submit = Callback::new(move |()| {
        let typed = key.get_untracked().trim().to_owned();
        let checked = if typed.starts_with("SWMKEY-") {
            Ok(typed)
        } else {
            Err(FieldError::new(
                UNLOCK_KEY,
                "the unlock key starts with SWMKEY-",
            ))
        };
        let Some(typed) = form.begin(checked) else {
            return;
        };
        let engine = status.engine_untracked();
        spawn_local(async move {
            let result = engine.unlock_swarm(&typed).await;
            if form.finish(status, result).is_some() {
                on_done.run(());
            }
        });
    });
    view! {
        <FormCard title="Unlock this manager" title_id="swarm-unlock-title" testid="swarm-unlock-form" form=form
            submit_label="Unlock" busy_label="Unlocking…" on_submit=submit>
            <p class="muted">"The swarm locks its managers' keys at rest. An admin keeps the key, shown on a running manager's swarm page."</p>
            <TextField label=UNLOCK_KEY value=key error=error required=true mono=true placeholder="SWMKEY-1-…"/>
        </FormCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_fills_in_the_listen_address_and_checks_numbers() {
        let request = init_request("10.0.0.2", "", "10.20.0.0/16, 10.30.0.0/16", "26", "", true)
            .expect("valid");
        assert_eq!(request.listen_addr, DEFAULT_LISTEN);
        assert_eq!(request.default_addr_pool, ["10.20.0.0/16", "10.30.0.0/16"]);
        assert_eq!(request.subnet_size, 26);
        assert_eq!(request.data_path_port, 0);
        assert_eq!(request.spec["EncryptionConfig"]["AutoLockManagers"], true);
        assert_eq!(
            init_request("", "", "10.20.0.0", "", "", false)
                .unwrap_err()
                .field,
            POOL
        );
        assert_eq!(
            init_request("", "", "", "40", "", false).unwrap_err().field,
            SUBNET
        );
        assert_eq!(
            init_request("", "", "", "", "80", false).unwrap_err().field,
            DATA_PORT
        );
        assert!(
            init_request("", "", "", "", "", false)
                .unwrap()
                .spec
                .is_null()
        );
    }

    #[test]
    fn join_needs_a_manager_and_a_token() {
        let request = join_request("10.0.0.2", " SWMTKN-1-abc-def ", "", "").expect("valid");
        assert_eq!(request.remote_addrs, ["10.0.0.2:2377"]);
        assert_eq!(request.join_token, "SWMTKN-1-abc-def");
        assert_eq!(
            join_request("", "SWMTKN-1", "", "").unwrap_err().field,
            MANAGER
        );
        assert_eq!(
            join_request("h:2377", "nope", "", "").unwrap_err().field,
            TOKEN
        );
    }
}
