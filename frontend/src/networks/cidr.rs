//! IP addresses and CIDR blocks as network forms need them: parsing, the network address,
//! and containment. Pure, tested natively.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// A CIDR block such as `10.7.0.0/24` or `fd00:7::/64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// The address as written (host bits may be set).
    pub address: IpAddr,
    /// The prefix length.
    pub prefix: u8,
}

/// Why text is not a CIDR block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    /// There is no `/prefix`.
    #[error("write it as an address and a prefix length, such as 10.7.0.0/24")]
    MissingPrefix,
    /// The address part does not parse.
    #[error("“{0}” is not an IPv4 or IPv6 address")]
    BadAddress(String),
    /// The prefix is not a number in range for the family.
    #[error("the prefix length must be a number from 0 to {0}")]
    BadPrefix(u8),
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = text
            .trim()
            .split_once('/')
            .ok_or(CidrError::MissingPrefix)?;
        let address: IpAddr = address
            .parse()
            .map_err(|_| CidrError::BadAddress(address.to_owned()))?;
        let max = max_prefix(address);
        let prefix = prefix
            .parse::<u8>()
            .ok()
            .filter(|prefix| *prefix <= max)
            .ok_or(CidrError::BadPrefix(max))?;
        Ok(Cidr { address, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl Cidr {
    /// Whether both are IPv4 or both IPv6.
    pub fn same_family(&self, address: IpAddr) -> bool {
        self.address.is_ipv4() == address.is_ipv4()
    }

    /// The block's first address: the address with its host bits cleared.
    pub fn network(&self) -> IpAddr {
        from_bits(bits(self.address) & self.mask(), self.address.is_ipv4())
    }

    /// Whether host bits are set, as in `10.7.0.5/24`.
    pub fn has_host_bits(&self) -> bool {
        bits(self.address) & !self.mask() & family_mask(self.address) != 0
    }

    /// Whether `address` lies in this block.
    pub fn contains(&self, address: IpAddr) -> bool {
        self.same_family(address) && bits(address) & self.mask() == bits(self.address) & self.mask()
    }

    /// Whether `other` lies entirely within this block.
    pub fn covers(&self, other: &Cidr) -> bool {
        other.prefix >= self.prefix && self.contains(other.address)
    }

    /// The block in its canonical form, with host bits cleared.
    pub fn canonical(&self) -> Cidr {
        Cidr {
            address: self.network(),
            prefix: self.prefix,
        }
    }

    fn mask(&self) -> u128 {
        let width = u32::from(max_prefix(self.address));
        let host = width - u32::from(self.prefix);
        let all = family_mask(self.address);
        if host >= 128 {
            0
        } else {
            (all >> host) << host & all
        }
    }
}

fn max_prefix(address: IpAddr) -> u8 {
    if address.is_ipv4() { 32 } else { 128 }
}

fn family_mask(address: IpAddr) -> u128 {
    if address.is_ipv4() {
        u128::from(u32::MAX)
    } else {
        u128::MAX
    }
}

fn bits(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_bits(bits: u128, ipv4: bool) -> IpAddr {
    if ipv4 {
        IpAddr::from((bits as u32).to_be_bytes())
    } else {
        IpAddr::from(bits.to_be_bytes())
    }
}

/// An address as engines write endpoints, `172.19.0.2/16`, without its prefix.
pub fn strip_prefix(address: &str) -> &str {
    address.split_once('/').map_or(address, |(ip, _)| ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> Cidr {
        text.parse().unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn parses_both_families() {
        assert_eq!(cidr("10.7.0.0/24").to_string(), "10.7.0.0/24");
        assert_eq!(cidr(" fd00:7::/64 ").prefix, 64);
        assert_eq!(cidr("0.0.0.0/0").prefix, 0);
    }

    #[test]
    fn rejects_malformed_blocks_with_a_reason() {
        assert_eq!("10.7.0.0".parse::<Cidr>(), Err(CidrError::MissingPrefix));
        assert_eq!(
            "10.7.0/24".parse::<Cidr>(),
            Err(CidrError::BadAddress("10.7.0".into()))
        );
        assert_eq!("10.7.0.0/33".parse::<Cidr>(), Err(CidrError::BadPrefix(32)));
        assert_eq!("fd00::/129".parse::<Cidr>(), Err(CidrError::BadPrefix(128)));
        assert_eq!("10.7.0.0/x".parse::<Cidr>(), Err(CidrError::BadPrefix(32)));
    }

    #[test]
    fn finds_the_network_address_and_host_bits() {
        assert!(cidr("10.7.0.5/24").has_host_bits());
        assert_eq!(cidr("10.7.0.5/24").network(), ip("10.7.0.0"));
        assert!(!cidr("10.7.0.0/24").has_host_bits());
        assert_eq!(cidr("fd00:7::1/64").canonical().to_string(), "fd00:7::/64");
        assert!(!cidr("0.0.0.0/0").has_host_bits());
        assert!(!cidr("::/0").has_host_bits());
    }

    #[test]
    fn containment_respects_prefix_and_family() {
        let subnet = cidr("10.7.0.0/24");
        assert!(subnet.contains(ip("10.7.0.200")));
        assert!(!subnet.contains(ip("10.7.1.1")));
        assert!(!subnet.contains(ip("::1")));
        assert!(subnet.covers(&cidr("10.7.0.128/25")));
        assert!(!subnet.covers(&cidr("10.7.0.0/23")));
        assert!(!subnet.covers(&cidr("10.8.0.0/25")));
        assert!(cidr("0.0.0.0/0").contains(ip("192.168.1.1")));
    }

    #[test]
    fn strips_endpoint_prefixes() {
        assert_eq!(strip_prefix("172.19.0.2/16"), "172.19.0.2");
        assert_eq!(strip_prefix("10.0.0.1"), "10.0.0.1");
    }
}
