//! Networks: `GET /networks` rows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One network, as `GET /networks` lists it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Network {
    /// The network's name.
    pub name: String,
    /// The network's id.
    pub id: String,
    /// When the network was created, RFC 3339.
    pub created: String,
    /// `local`, `global` or `swarm`.
    pub scope: String,
    /// The driver, such as `bridge` or `overlay`.
    pub driver: String,
    /// Whether IPv6 is on.
    #[serde(rename = "EnableIPv6")]
    pub enable_ipv6: bool,
    /// Address management.
    #[serde(rename = "IPAM")]
    pub ipam: Option<Ipam>,
    /// Whether the network is cut off from the outside.
    pub internal: bool,
    /// Whether standalone containers may join a swarm network.
    pub attachable: bool,
    /// Whether this is the swarm's routing-mesh network.
    pub ingress: bool,
    /// Driver options.
    pub options: Option<BTreeMap<String, String>>,
    /// User-defined labels.
    pub labels: Option<BTreeMap<String, String>>,
}

/// A network's address management.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Ipam {
    /// The IPAM driver.
    pub driver: String,
    /// Address pools.
    pub config: Option<Vec<IpamConfig>>,
}

/// One address pool of a network.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpamConfig {
    /// The subnet in CIDR form.
    pub subnet: Option<String>,
    /// The range containers get addresses from.
    #[serde(rename = "IPRange")]
    pub ip_range: Option<String>,
    /// The gateway address.
    pub gateway: Option<String>,
}
