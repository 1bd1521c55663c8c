//! Docker Engine API versions (`1.41`, `1.51`, …) and the range Berth speaks.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An Engine API version such as `1.41`.
///
/// Ordering is numeric on each component, so `1.9 < 1.10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    /// The major component, `1` for every Engine API so far.
    pub major: u16,
    /// The minor component.
    pub minor: u16,
}

impl ApiVersion {
    /// The newest API version Berth is written against.
    pub const MAX_SUPPORTED: ApiVersion = ApiVersion::new(1, 51);
    /// The oldest API version Berth is tested against (Docker 20.10).
    pub const MIN_SUPPORTED: ApiVersion = ApiVersion::new(1, 41);

    /// Builds a version from its components.
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }

    /// The version to use with an engine that speaks up to `engine`: the lower of it and
    /// [`ApiVersion::MAX_SUPPORTED`], as the docker CLI negotiates.
    pub fn negotiate(engine: ApiVersion) -> ApiVersion {
        engine.min(Self::MAX_SUPPORTED)
    }

    /// Whether Berth has been built to work with this version.
    pub fn is_supported(self) -> bool {
        (Self::MIN_SUPPORTED..=Self::MAX_SUPPORTED).contains(&self)
    }
}

/// Why a string is not an API version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an API version of the form MAJOR.MINOR")]
pub struct ParseApiVersionError(pub String);

impl FromStr for ApiVersion {
    type Err = ParseApiVersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ParseApiVersionError(text.to_owned());
        let (major, minor) = text.split_once('.').ok_or_else(error)?;
        let parse = |part: &str| {
            if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error());
            }
            part.parse::<u16>().map_err(|_| error())
        };
        Ok(ApiVersion::new(parse(major)?, parse(minor)?))
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl Serialize for ApiVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ApiVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_numerically() {
        let v19: ApiVersion = "1.9".parse().unwrap();
        let v110: ApiVersion = "1.10".parse().unwrap();
        assert!(v19 < v110);
        assert_eq!(v110.to_string(), "1.10");
    }

    #[test]
    fn rejects_malformed_versions() {
        for bad in [
            "", "1", "1.", ".41", "v1.41", "1.41.0", "1.-1", "1.4a", "99999.1",
        ] {
            assert!(bad.parse::<ApiVersion>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn negotiates_the_lower_version() {
        assert_eq!(
            ApiVersion::negotiate(ApiVersion::new(1, 41)),
            ApiVersion::new(1, 41)
        );
        assert_eq!(
            ApiVersion::negotiate(ApiVersion::new(1, 52)),
            ApiVersion::MAX_SUPPORTED
        );
    }

    #[test]
    fn supported_range_is_inclusive() {
        assert!(ApiVersion::new(1, 41).is_supported());
        assert!(ApiVersion::new(1, 51).is_supported());
        assert!(!ApiVersion::new(1, 40).is_supported());
        assert!(!ApiVersion::new(1, 52).is_supported());
    }

    #[test]
    fn round_trips_through_json() {
        let json = serde_json::to_string(&ApiVersion::new(1, 44)).unwrap();
        assert_eq!(json, "\"1.44\"");
        assert_eq!(
            serde_json::from_str::<ApiVersion>(&json).unwrap(),
            ApiVersion::new(1, 44)
        );
    }
}
