//! The form that creates a network: driver, IPAM (subnet, gateway, IP range, IPv6 subnet),
//! internal, attachable, IPv6, labels and options, checked before it is sent.

use berth_shared::engine::plugin::PluginKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::engine_status::use_engine_status;
use crate::components::fields::{CheckField, FormState, KeyValueField, TextField};
use crate::components::form_frame::FormCard;
use crate::networks::form::{NetworkDraft, field};
use crate::plugins::drivers::DriverOptions;

/// The create form, shown in a card above the list.
#[component]
pub fn NetworkCreateForm(
    /// Runs with the new network's name.
    on_created: Callback<String>,
    /// Runs when the user closes the form.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let status = use_engine_status();
    let name = RwSignal::new(String::new());
    let driver = RwSignal::new("bridge".to_owned());
    let subnet = RwSignal::new(String::new());
    let gateway = RwSignal::new(String::new());
    let ip_range = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let attachable = RwSignal::new(false);
    let ipv6 = RwSignal::new(false);
    let subnet_v6 = RwSignal::new(String::new());
    let labels = RwSignal::new(String::new());
    let options = RwSignal::new(String::new());
    let form = FormState::new();
    let error = form.error;

    let submit = Callback::new(move |()| {
        let draft = NetworkDraft {
            name: name.get_untracked(),
            driver: driver.get_untracked(),
            subnet: subnet.get_untracked(),
            gateway: gateway.get_untracked(),
            ip_range: ip_range.get_untracked(),
            internal: internal.get_untracked(),
            attachable: attachable.get_untracked(),
            ipv6: ipv6.get_untracked(),
            subnet_v6: subnet_v6.get_untracked(),
            labels: labels.get_untracked(),
            options: options.get_untracked(),
        };
        let Some(request) = form.begin(draft.to_request()) else {
            return;
        };
        let engine = status.engine_untracked();
        spawn_local(async move {
            let result = engine.create_network(&request).await;
            if form.finish(status, result).is_some() {
                on_created.try_run(request.name);
            }
        });
    });

    view! {
        <FormCard title="New network" title_id="create-network-title" testid="network-create-form" form=form
            submit_label="Create network" busy_label="Creating…" on_submit=submit on_cancel=on_cancel>
            <div class="form-inline-grid">
                <TextField label=field::NAME value=name error=error required=true placeholder="app-net" mono=true/>
                <TextField label=field::DRIVER value=driver error=error required=true suggestions="network-drivers"
                    hint="bridge for one host; macvlan or ipvlan to join the LAN"/>
            </div>
            <DriverOptions id="network-drivers" kind=PluginKind::Network builtin=&["bridge", "macvlan", "ipvlan", "overlay"]/>
            <fieldset class="fieldset">
                <legend>"Addresses (IPAM)"</legend>
                <p class="field-hint">"Leave the subnet empty and the engine picks a free one."</p>
                <div class="form-inline-grid">
                    <TextField label=field::SUBNET value=subnet error=error placeholder="10.7.0.0/24" mono=true/>
                    <TextField label=field::GATEWAY value=gateway error=error placeholder="10.7.0.1" mono=true/>
                    <TextField label=field::IP_RANGE value=ip_range error=error placeholder="10.7.0.128/25" mono=true
                        hint="Containers get addresses from this part of the subnet"/>
                </div>
            </fieldset>
            <div class="check-row">
                <CheckField label="Internal" value=internal hint="No traffic to or from outside the network"/>
                <CheckField label="Attachable" value=attachable hint="Standalone containers may join (swarm networks)"/>
                <CheckField label="IPv6" value=ipv6 hint="Give containers IPv6 addresses too"/>
            </div>
            <Show when=move || ipv6.get()>
                <div class="form-inline-grid">
                    <TextField label=field::SUBNET_V6 value=subnet_v6 error=error placeholder="fd00:7::/64" mono=true/>
                </div>
            </Show>
            <div class="form-inline-grid">
                <KeyValueField label=field::LABELS value=labels error=error placeholder="team=infra"/>
                <KeyValueField label=field::OPTIONS value=options error=error placeholder="com.docker.network.bridge.name=br-app"/>
            </div>
        </FormCard>
    }
}
