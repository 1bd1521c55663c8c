//! Networks: `GET /networks` rows, inspect, and what Berth sends to create, connect, disconnect
//! and prune them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One network, as `GET /networks` lists it and `GET /networks/{id}` inspects it.
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
    /// The containers attached, by container id; only inspect fills it in.
    pub containers: Option<BTreeMap<String, NetworkContainer>>,
    /// Driver options.
    pub options: Option<BTreeMap<String, String>>,
    /// User-defined labels.
    pub labels: Option<BTreeMap<String, String>>,
}

impl Network {
    /// The first twelve characters of the id, as the docker CLI shows it.
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    /// Whether this is one of the networks every engine has and that cannot be removed.
    pub fn is_predefined(&self) -> bool {
        matches!(self.name.as_str(), "bridge" | "host" | "none")
    }

    /// The subnets of its address pools.
    pub fn subnets(&self) -> Vec<&str> {
        self.pools()
            .filter_map(|config| config.subnet.as_deref())
            .collect()
    }

    /// Its address pools.
    pub fn pools(&self) -> impl Iterator<Item = &IpamConfig> {
        self.ipam
            .iter()
            .flat_map(|ipam| ipam.config.iter().flatten())
    }
}

/// A container's endpoint on a network, from network inspect.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkContainer {
    /// The container's name.
    pub name: String,
    /// The endpoint's id.
    #[serde(rename = "EndpointID")]
    pub endpoint_id: String,
    /// The endpoint's MAC address.
    pub mac_address: String,
    /// The IPv4 address in CIDR form, such as `172.19.0.2/16`, or empty.
    #[serde(rename = "IPv4Address")]
    pub ipv4_address: String,
    /// The IPv6 address in CIDR form, or empty.
    #[serde(rename = "IPv6Address")]
    pub ipv6_address: String,
}

/// A network's address management.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Ipam {
    /// The IPAM driver.
    pub driver: String,
    /// Address pools.
    pub config: Option<Vec<IpamConfig>>,
    /// IPAM driver options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<BTreeMap<String, String>>,
}

/// One address pool of a network.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpamConfig {
    /// The subnet in CIDR form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    /// The range containers get addresses from.
    #[serde(rename = "IPRange", skip_serializing_if = "Option::is_none")]
    pub ip_range: Option<String>,
    /// The gateway address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
}

/// `POST /networks/create`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkCreateRequest {
    /// The new network's name.
    pub name: String,
    /// Refuse a name that is already taken (engines before API 1.44 need asking).
    pub check_duplicate: bool,
    /// The driver, such as `bridge`.
    pub driver: String,
    /// Cut the network off from the outside.
    pub internal: bool,
    /// Let standalone containers join it.
    pub attachable: bool,
    /// Give it IPv6 addresses.
    #[serde(rename = "EnableIPv6")]
    pub enable_ipv6: bool,
    /// Address management; `None` lets the engine pick a subnet.
    #[serde(rename = "IPAM", skip_serializing_if = "Option::is_none")]
    pub ipam: Option<Ipam>,
    /// Driver options.
    pub options: BTreeMap<String, String>,
    /// User-defined labels.
    pub labels: BTreeMap<String, String>,
}

/// The network part of `GET /containers/{id}/json`: each network's endpoint settings, which
/// carry the aliases and static addresses that network inspect leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerEndpoints {
    /// The container's id.
    pub id: String,
    /// The container's name, with a leading `/`.
    pub name: String,
    /// Its network settings.
    pub network_settings: EndpointsByNetwork,
}

/// A container's endpoints, by network name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EndpointsByNetwork {
    /// The endpoints, by network name.
    pub networks: BTreeMap<String, EndpointSettings>,
}

/// One endpoint of a container, from container inspect.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EndpointSettings {
    /// The static addresses asked for, if any.
    #[serde(rename = "IPAMConfig")]
    pub ipam_config: Option<EndpointIpamConfig>,
    /// The names the container answers to on this network.
    pub aliases: Option<Vec<String>>,
    /// The network's id.
    #[serde(rename = "NetworkID")]
    pub network_id: String,
    /// The IPv4 address.
    #[serde(rename = "IPAddress")]
    pub ip_address: String,
}

impl ContainerEndpoints {
    /// The endpoint on the network with id `network_id`.
    pub fn on_network(&self, network_id: &str) -> Option<&EndpointSettings> {
        self.network_settings
            .networks
            .values()
            .find(|endpoint| endpoint.network_id == network_id)
    }
}

/// The answer to `POST /networks/create`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkCreated {
    /// The new network's id.
    pub id: String,
    /// A warning from the engine, if any.
    pub warning: String,
}

/// `POST /networks/{id}/connect`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkConnectRequest {
    /// The container's id or name.
    pub container: String,
    /// The endpoint's settings.
    pub endpoint_config: EndpointConfig,
}

/// The settings of a container's endpoint on a network.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EndpointConfig {
    /// Static addresses.
    #[serde(rename = "IPAMConfig", skip_serializing_if = "Option::is_none")]
    pub ipam_config: Option<EndpointIpamConfig>,
    /// Other names the container answers to on this network.
    pub aliases: Vec<String>,
}

/// The static addresses of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EndpointIpamConfig {
    /// A static IPv4 address.
    #[serde(rename = "IPv4Address", skip_serializing_if = "Option::is_none")]
    pub ipv4_address: Option<String>,
    /// A static IPv6 address.
    #[serde(rename = "IPv6Address", skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<String>,
}

/// `POST /networks/{id}/disconnect`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkDisconnectRequest {
    /// The container's id or name.
    pub container: String,
    /// Disconnect even if the container is not running or the endpoint is stale.
    pub force: bool,
}

/// The answer to `POST /networks/prune`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkPruneReport {
    /// The names of the removed networks; `null` when none.
    pub networks_deleted: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_an_inspected_network_with_its_containers() {
        let network: Network = serde_json::from_str(
            r#"{"Name":"app","Id":"0123456789abcdef00","Driver":"bridge","Scope":"local",
            "EnableIPv6":false,"IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"10.7.0.0/24","Gateway":"10.7.0.1"}]},
            "Internal":true,"Attachable":false,"Ingress":false,
            "Containers":{"c1":{"Name":"web","EndpointID":"e1","MacAddress":"02:42:0a:07:00:05",
            "IPv4Address":"10.7.0.5/24","IPv6Address":""}},"Options":{},"Labels":{"team":"a"}}"#,
        )
        .unwrap();
        assert_eq!(network.short_id(), "0123456789ab");
        assert_eq!(network.subnets(), ["10.7.0.0/24"]);
        let containers = network.containers.unwrap();
        assert_eq!(containers["c1"].ipv4_address, "10.7.0.5/24");
        assert!(
            !Network {
                name: "app".into(),
                ..Network::default()
            }
            .is_predefined()
        );
    }

    #[test]
    fn finds_a_containers_endpoint_by_network_id() {
        let endpoints: ContainerEndpoints = serde_json::from_str(
            r#"{"Id":"c1","Name":"/web","NetworkSettings":{"Networks":{"app":{"IPAMConfig":
            {"IPv4Address":"10.7.0.9"},"Aliases":["db","c1"],"NetworkID":"n1","IPAddress":"10.7.0.9"}}}}"#,
        )
        .unwrap();
        let endpoint = endpoints.on_network("n1").unwrap();
        assert_eq!(
            endpoint.aliases.as_deref(),
            Some(&["db".to_owned(), "c1".to_owned()][..])
        );
        assert!(endpoints.on_network("n2").is_none());
    }

    #[test]
    fn create_and_connect_bodies_use_the_engine_names() {
        let body = serde_json::to_value(NetworkCreateRequest {
            name: "app".into(),
            driver: "bridge".into(),
            enable_ipv6: true,
            ipam: Some(Ipam {
                driver: "default".into(),
                config: Some(vec![IpamConfig {
                    subnet: Some("10.7.0.0/24".into()),
                    ip_range: Some("10.7.0.128/25".into()),
                    gateway: None,
                }]),
                options: None,
            }),
            ..NetworkCreateRequest::default()
        })
        .unwrap();
        assert_eq!(body["EnableIPv6"], true);
        assert_eq!(body["IPAM"]["Config"][0]["IPRange"], "10.7.0.128/25");
        assert!(body["IPAM"]["Config"][0].get("Gateway").is_none());
        let connect = serde_json::to_value(NetworkConnectRequest {
            container: "web".into(),
            endpoint_config: EndpointConfig {
                ipam_config: Some(EndpointIpamConfig {
                    ipv4_address: Some("10.7.0.9".into()),
                    ipv6_address: None,
                }),
                aliases: vec!["db".into()],
            },
        })
        .unwrap();
        assert_eq!(
            connect["EndpointConfig"]["IPAMConfig"]["IPv4Address"],
            "10.7.0.9"
        );
        assert_eq!(connect["EndpointConfig"]["Aliases"][0], "db");
    }
}
