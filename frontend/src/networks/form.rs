//! The network create and connect forms: what the user typed, checked field by field and
//! turned into engine requests. Pure, tested natively.

use std::net::IpAddr;

use berth_shared::engine::network::{
    EndpointConfig, EndpointIpamConfig, Ipam, IpamConfig, NetworkConnectRequest,
    NetworkCreateRequest,
};

use crate::field_error::FieldError;
use crate::key_values;
use crate::networks::cidr::Cidr;

/// The create form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkDraft {
    /// The name.
    pub name: String,
    /// The driver, `bridge` unless changed.
    pub driver: String,
    /// The IPv4 subnet, or empty to let the engine choose.
    pub subnet: String,
    /// The IPv4 gateway, or empty.
    pub gateway: String,
    /// The IPv4 range containers get addresses from, or empty.
    pub ip_range: String,
    /// Cut off from the outside.
    pub internal: bool,
    /// Standalone containers may join.
    pub attachable: bool,
    /// Give it IPv6 addresses.
    pub ipv6: bool,
    /// The IPv6 subnet, when IPv6 is on.
    pub subnet_v6: String,
    /// Labels, one `key=value` a line.
    pub labels: String,
    /// Driver options, one `key=value` a line.
    pub options: String,
}

/// The names of the create form's fields, as their labels read.
pub mod field {
    /// The name field.
    pub const NAME: &str = "Name";
    /// The driver field.
    pub const DRIVER: &str = "Driver";
    /// The subnet field.
    pub const SUBNET: &str = "Subnet";
    /// The gateway field.
    pub const GATEWAY: &str = "Gateway";
    /// The IP range field.
    pub const IP_RANGE: &str = "IP range";
    /// The IPv6 subnet field.
    pub const SUBNET_V6: &str = "IPv6 subnet";
    /// The labels field.
    pub const LABELS: &str = "Labels";
    /// The options field.
    pub const OPTIONS: &str = "Driver options";
    /// The connect form's container field.
    pub const CONTAINER: &str = "Container";
    /// The connect form's aliases field.
    pub const ALIASES: &str = "Aliases";
    /// The connect form's static IPv4 address field.
    pub const IPV4: &str = "IPv4 address";
    /// The connect form's static IPv6 address field.
    pub const IPV6: &str = "IPv6 address";
}

impl NetworkDraft {
    /// A blank form for a bridge network.
    pub fn new() -> Self {
        Self {
            driver: "bridge".into(),
            ..Self::default()
        }
    }

    /// Checks every field and builds the request, or names the first field that is wrong.
    pub fn to_request(&self) -> Result<NetworkCreateRequest, FieldError> {
        let name = self.name.trim();
        check_name(field::NAME, name)?;
        let driver = self.driver.trim();
        if driver.is_empty() {
            return Err(FieldError::new(field::DRIVER, "choose a driver"));
        }
        let mut pools = Vec::new();
        if let Some(pool) = self.ipv4_pool()? {
            pools.push(pool);
        }
        let subnet_v6 = self.subnet_v6.trim();
        if !subnet_v6.is_empty() {
            if !self.ipv6 {
                return Err(FieldError::new(
                    field::SUBNET_V6,
                    "turn IPv6 on to give the network an IPv6 subnet",
                ));
            }
            let subnet = parse_subnet(field::SUBNET_V6, subnet_v6)?;
            if subnet.address.is_ipv4() {
                return Err(FieldError::new(field::SUBNET_V6, "this is an IPv4 block"));
            }
            pools.push(IpamConfig {
                subnet: Some(subnet.to_string()),
                ..IpamConfig::default()
            });
        }
        Ok(NetworkCreateRequest {
            name: name.to_owned(),
            check_duplicate: true,
            driver: driver.to_owned(),
            internal: self.internal,
            attachable: self.attachable,
            enable_ipv6: self.ipv6,
            ipam: (!pools.is_empty()).then(|| Ipam {
                driver: "default".into(),
                config: Some(pools),
                options: None,
            }),
            options: key_values::parse(field::OPTIONS, &self.options)?,
            labels: key_values::parse(field::LABELS, &self.labels)?,
        })
    }

    fn ipv4_pool(&self) -> Result<Option<IpamConfig>, FieldError> {
        let (subnet, gateway, range) = (
            self.subnet.trim(),
            self.gateway.trim(),
            self.ip_range.trim(),
        );
        if subnet.is_empty() {
            if !gateway.is_empty() {
                return Err(FieldError::new(
                    field::GATEWAY,
                    "a gateway needs a subnet: fill in the subnet too",
                ));
            }
            if !range.is_empty() {
                return Err(FieldError::new(
                    field::IP_RANGE,
                    "an IP range needs a subnet: fill in the subnet too",
                ));
            }
            return Ok(None);
        }
        let cidr = parse_subnet(field::SUBNET, subnet)?;
        if !cidr.address.is_ipv4() {
            return Err(FieldError::new(
                field::SUBNET,
                "use the IPv6 subnet field for IPv6 blocks",
            ));
        }
        let gateway = if gateway.is_empty() {
            None
        } else {
            let address = parse_ip(field::GATEWAY, gateway)?;
            if !cidr.contains(address) {
                return Err(FieldError::new(
                    field::GATEWAY,
                    format!("{address} is outside the subnet {cidr}"),
                ));
            }
            if address == cidr.network() {
                return Err(FieldError::new(
                    field::GATEWAY,
                    format!("{address} is the subnet's network address; use a host address"),
                ));
            }
            Some(address.to_string())
        };
        let ip_range = if range.is_empty() {
            None
        } else {
            let block = parse_subnet(field::IP_RANGE, range)?;
            if !cidr.covers(&block) {
                return Err(FieldError::new(
                    field::IP_RANGE,
                    format!("{block} is not inside the subnet {cidr}"),
                ));
            }
            Some(block.to_string())
        };
        Ok(Some(IpamConfig {
            subnet: Some(cidr.to_string()),
            ip_range,
            gateway,
        }))
    }
}

/// The connect form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectDraft {
    /// The container's id or name.
    pub container: String,
    /// Aliases, separated by commas or spaces.
    pub aliases: String,
    /// A static IPv4 address, or empty.
    pub ipv4: String,
    /// A static IPv6 address, or empty.
    pub ipv6: String,
}

impl ConnectDraft {
    /// Checks the form against the network's subnets and builds the request.
    pub fn to_request(&self, subnets: &[&str]) -> Result<NetworkConnectRequest, FieldError> {
        let container = self.container.trim();
        if container.is_empty() {
            return Err(FieldError::new(field::CONTAINER, "choose a container"));
        }
        let aliases: Vec<String> = self
            .aliases
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|alias| !alias.is_empty())
            .map(str::to_owned)
            .collect();
        for alias in &aliases {
            check_name(field::ALIASES, alias)?;
        }
        let ipv4 = static_address(&self.ipv4, false, subnets)?;
        let ipv6 = static_address(&self.ipv6, true, subnets)?;
        let ipam_config = (ipv4.is_some() || ipv6.is_some()).then_some(EndpointIpamConfig {
            ipv4_address: ipv4,
            ipv6_address: ipv6,
        });
        Ok(NetworkConnectRequest {
            container: container.to_owned(),
            endpoint_config: EndpointConfig {
                ipam_config,
                aliases,
            },
        })
    }
}

/// Checks a static address typed in the IPv4 or (`v6`) the IPv6 field against the network's
/// subnets of that family: `None` when the field is empty.
fn static_address(typed: &str, v6: bool, subnets: &[&str]) -> Result<Option<String>, FieldError> {
    let field = if v6 { field::IPV6 } else { field::IPV4 };
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let address = parse_ip(field, typed)?;
    if address.is_ipv6() != v6 {
        let other = if v6 { "an IPv4" } else { "an IPv6" };
        return Err(FieldError::new(field, format!("this is {other} address")));
    }
    let blocks: Vec<Cidr> = subnets
        .iter()
        .filter_map(|subnet| subnet.parse::<Cidr>().ok())
        .filter(|cidr| cidr.address.is_ipv6() == v6)
        .collect();
    if blocks.is_empty() {
        let family = if v6 {
            "an IPv6 subnet"
        } else {
            "its own subnet"
        };
        return Err(FieldError::new(
            field,
            format!("a static address needs a network created with {family}"),
        ));
    }
    if !blocks.iter().any(|cidr| cidr.contains(address)) {
        let list: Vec<String> = blocks.iter().map(Cidr::to_string).collect();
        return Err(FieldError::new(
            field,
            format!(
                "{address} is outside the network's subnet {}",
                list.join(", ")
            ),
        ));
    }
    Ok(Some(address.to_string()))
}

/// Names of networks, volumes and aliases: what the engine accepts, `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
pub fn check_name(field: &'static str, name: &str) -> Result<(), FieldError> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(FieldError::new(field, "a name is required"));
    };
    if !first.is_ascii_alphanumeric() {
        return Err(FieldError::new(
            field,
            format!("“{name}” must start with a letter or digit"),
        ));
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(FieldError::new(
            field,
            format!("“{name}” contains “{bad}”; use letters, digits, “_”, “.” and “-”"),
        ));
    }
    Ok(())
}

fn parse_subnet(field: &'static str, text: &str) -> Result<Cidr, FieldError> {
    let cidr: Cidr = text
        .parse()
        .map_err(|error| FieldError::new(field, format!("{error}")))?;
    if cidr.has_host_bits() {
        return Err(FieldError::new(
            field,
            format!(
                "{cidr} has host bits set; did you mean {}?",
                cidr.canonical()
            ),
        ));
    }
    Ok(cidr)
}

fn parse_ip(field: &'static str, text: &str) -> Result<IpAddr, FieldError> {
    text.parse()
        .map_err(|_| FieldError::new(field, format!("“{text}” is not an IP address")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> NetworkDraft {
        NetworkDraft {
            name: "app".into(),
            ..NetworkDraft::new()
        }
    }

    #[test]
    fn a_bare_network_lets_the_engine_choose_addresses() {
        let request = draft().to_request().unwrap();
        assert_eq!(request.driver, "bridge");
        assert!(request.check_duplicate);
        assert_eq!(request.ipam, None);
    }

    #[test]
    fn builds_ipam_from_subnet_gateway_and_range() {
        let request = NetworkDraft {
            subnet: "10.7.0.0/24".into(),
            gateway: "10.7.0.1".into(),
            ip_range: "10.7.0.128/25".into(),
            ipv6: true,
            subnet_v6: "fd00:7::/64".into(),
            labels: "team=infra".into(),
            options: "com.docker.network.bridge.name=br-app".into(),
            ..draft()
        }
        .to_request()
        .unwrap();
        let pools = request.ipam.unwrap().config.unwrap();
        assert_eq!(pools[0].subnet.as_deref(), Some("10.7.0.0/24"));
        assert_eq!(pools[0].gateway.as_deref(), Some("10.7.0.1"));
        assert_eq!(pools[0].ip_range.as_deref(), Some("10.7.0.128/25"));
        assert_eq!(pools[1].subnet.as_deref(), Some("fd00:7::/64"));
        assert_eq!(request.labels["team"], "infra");
        assert_eq!(request.options["com.docker.network.bridge.name"], "br-app");
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                NetworkDraft {
                    name: String::new(),
                    ..draft()
                },
                field::NAME,
            ),
            (
                NetworkDraft {
                    name: "-x".into(),
                    ..draft()
                },
                field::NAME,
            ),
            (
                NetworkDraft {
                    name: "a b".into(),
                    ..draft()
                },
                field::NAME,
            ),
            (
                NetworkDraft {
                    driver: " ".into(),
                    ..draft()
                },
                field::DRIVER,
            ),
            (
                NetworkDraft {
                    subnet: "10.7.0.0".into(),
                    ..draft()
                },
                field::SUBNET,
            ),
            (
                NetworkDraft {
                    subnet: "10.7.0.5/24".into(),
                    ..draft()
                },
                field::SUBNET,
            ),
            (
                NetworkDraft {
                    subnet: "fd00::/64".into(),
                    ..draft()
                },
                field::SUBNET,
            ),
            (
                NetworkDraft {
                    gateway: "10.7.0.1".into(),
                    ..draft()
                },
                field::GATEWAY,
            ),
            (
                NetworkDraft {
                    ip_range: "10.7.0.0/25".into(),
                    ..draft()
                },
                field::IP_RANGE,
            ),
            (
                NetworkDraft {
                    subnet: "10.7.0.0/24".into(),
                    gateway: "10.8.0.1".into(),
                    ..draft()
                },
                field::GATEWAY,
            ),
            (
                NetworkDraft {
                    subnet: "10.7.0.0/24".into(),
                    gateway: "10.7.0.0".into(),
                    ..draft()
                },
                field::GATEWAY,
            ),
            (
                NetworkDraft {
                    subnet: "10.7.0.0/24".into(),
                    gateway: "nope".into(),
                    ..draft()
                },
                field::GATEWAY,
            ),
            (
                NetworkDraft {
                    subnet: "10.7.0.0/24".into(),
                    ip_range: "10.7.0.0/23".into(),
                    ..draft()
                },
                field::IP_RANGE,
            ),
            (
                NetworkDraft {
                    subnet_v6: "fd00::/64".into(),
                    ..draft()
                },
                field::SUBNET_V6,
            ),
            (
                NetworkDraft {
                    ipv6: true,
                    subnet_v6: "10.0.0.0/8".into(),
                    ..draft()
                },
                field::SUBNET_V6,
            ),
            (
                NetworkDraft {
                    labels: "x".into(),
                    ..draft()
                },
                field::LABELS,
            ),
            (
                NetworkDraft {
                    options: "=1".into(),
                    ..draft()
                },
                field::OPTIONS,
            ),
        ];
        for (draft, expected) in cases {
            let error = draft.to_request().unwrap_err();
            assert_eq!(error.field, expected, "{draft:?} gave {error}");
        }
    }

    #[test]
    fn host_bits_suggest_the_network_address() {
        let error = NetworkDraft {
            subnet: "10.7.0.5/24".into(),
            ..draft()
        }
        .to_request()
        .unwrap_err();
        assert!(error.message.contains("10.7.0.0/24"), "{error}");
    }

    #[test]
    fn connect_takes_aliases_and_a_static_address_in_the_subnet() {
        let request = ConnectDraft {
            container: "web".into(),
            aliases: "db, cache  primary".into(),
            ipv4: "10.7.0.9".into(),
            ipv6: String::new(),
        }
        .to_request(&["10.7.0.0/24"])
        .unwrap();
        assert_eq!(request.endpoint_config.aliases, ["db", "cache", "primary"]);
        assert_eq!(
            request
                .endpoint_config
                .ipam_config
                .as_ref()
                .unwrap()
                .ipv6_address,
            None
        );
        assert_eq!(
            request
                .endpoint_config
                .ipam_config
                .unwrap()
                .ipv4_address
                .as_deref(),
            Some("10.7.0.9")
        );
    }

    #[test]
    fn connect_takes_a_static_ipv6_address_in_the_ipv6_subnet() {
        let config = ConnectDraft {
            container: "web".into(),
            ipv6: " fd00:b1:7::20 ".into(),
            ..ConnectDraft::default()
        }
        .to_request(&["10.7.0.0/24", "fd00:b1:7::/64"])
        .unwrap()
        .endpoint_config
        .ipam_config
        .unwrap();
        assert_eq!(config.ipv4_address, None);
        assert_eq!(config.ipv6_address.as_deref(), Some("fd00:b1:7::20"));
    }

    #[test]
    fn connect_errors_name_the_field() {
        let base = ConnectDraft {
            container: "web".into(),
            ..ConnectDraft::default()
        };
        let cases = [
            (
                ConnectDraft::default(),
                &["10.7.0.0/24"][..],
                field::CONTAINER,
            ),
            (
                ConnectDraft {
                    aliases: "ok bad!".into(),
                    ..base.clone()
                },
                &[][..],
                field::ALIASES,
            ),
            (
                ConnectDraft {
                    ipv4: "10.9.0.1".into(),
                    ..base.clone()
                },
                &["10.7.0.0/24"][..],
                field::IPV4,
            ),
            (
                ConnectDraft {
                    ipv4: "10.7.0.1".into(),
                    ..base.clone()
                },
                &[][..],
                field::IPV4,
            ),
            (
                ConnectDraft {
                    ipv4: "fd00::1".into(),
                    ..base.clone()
                },
                &["fd00::/64"][..],
                field::IPV4,
            ),
            (
                ConnectDraft {
                    ipv4: "x".into(),
                    ..base.clone()
                },
                &["10.7.0.0/24"][..],
                field::IPV4,
            ),
            (
                ConnectDraft {
                    ipv6: "10.7.0.1".into(),
                    ..base.clone()
                },
                &["10.7.0.0/24", "fd00::/64"][..],
                field::IPV6,
            ),
            (
                ConnectDraft {
                    ipv6: "fd00:1::1".into(),
                    ..base.clone()
                },
                &["10.7.0.0/24"][..],
                field::IPV6,
            ),
            (
                ConnectDraft {
                    ipv6: "fd01::1".into(),
                    ..base
                },
                &["fd00::/64"][..],
                field::IPV6,
            ),
        ];
        for (draft, subnets, expected) in cases {
            let error = draft.to_request(subnets).unwrap_err();
            assert_eq!(error.field, expected, "{draft:?} gave {error}");
        }
    }
}
