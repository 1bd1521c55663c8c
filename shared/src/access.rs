//! Roles and the kinds of access they grant; shared so the UI can hide what a role may not do.
//! The backend's policy decides; the UI only mirrors it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Truly read-only: lists, inspects, logs, stats, events, top and df.
    Viewer,
    /// Runs workloads: container lifecycle, exec and attach, files, images, networks, volumes.
    Operator,
    /// Everything, including users, tokens, settings, swarm administration, plugins and audit.
    Admin,
}

/// What an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Reading state, without secrets or file contents.
    Read,
    /// Downloading file contents: archives, exports, saved images.
    Download,
    /// Running commands in containers or attaching to them.
    Exec,
    /// Changing workloads: create, start, stop, remove, pull, build, prune…
    Operate,
    /// Administering the engine and Berth: swarm membership, plugins, users, audit.
    Admin,
}

impl Role {
    /// Every role, least privileged first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// Whether this role grants `access`.
    pub fn allows(self, access: Access) -> bool {
        match self {
            Role::Admin => true,
            Role::Operator => access != Access::Admin,
            Role::Viewer => access == Access::Read,
        }
    }

    /// Whether this role may see secrets in the engine's answers: environment values, volume
    /// passwords, command lines, process environments. Viewers read state without them, so
    /// the backend redacts what they are answered and refuses reads that would reveal them.
    pub fn sees_secrets(self) -> bool {
        self != Role::Viewer
    }

    /// Whether this role may have Berth's saved registry credentials sent on its behalf: only
    /// roles that may pull and push, never one that may only read.
    pub fn borrows_credentials(self) -> bool {
        self.allows(Access::Operate)
    }

    /// The role's name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role; use admin, operator or viewer")]
pub struct ParseRoleError(pub String);

impl FromStr for Role {
    type Err = ParseRoleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "viewer" => Ok(Role::Viewer),
            "operator" => Ok(Role::Operator),
            "admin" => Ok(Role::Admin),
            other => Err(ParseRoleError(other.to_owned())),
        }
    }
}

/// What a grant gives one user in one environment: a role there, or no access at all. A user
/// without a grant for an environment has their global role in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grant {
    /// The environment does not exist for the user.
    None,
    /// Viewer in this environment.
    Viewer,
    /// Operator in this environment.
    Operator,
    /// Admin of this environment's engine (console administration stays with global admins).
    Admin,
}

impl Grant {
    /// Every grant, no access first.
    pub const ALL: [Grant; 4] = [Grant::None, Grant::Viewer, Grant::Operator, Grant::Admin];

    /// The role the grant gives, or none for no access.
    pub fn role(self) -> Option<Role> {
        match self {
            Grant::None => None,
            Grant::Viewer => Some(Role::Viewer),
            Grant::Operator => Some(Role::Operator),
            Grant::Admin => Some(Role::Admin),
        }
    }

    /// The grant's name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::None => "none",
            Grant::Viewer => "viewer",
            Grant::Operator => "operator",
            Grant::Admin => "admin",
        }
    }
}

impl From<Role> for Grant {
    fn from(role: Role) -> Self {
        match role {
            Role::Viewer => Grant::Viewer,
            Role::Operator => Grant::Operator,
            Role::Admin => Grant::Admin,
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a grant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an environment role; use admin, operator, viewer or none")]
pub struct ParseGrantError(pub String);

impl FromStr for Grant {
    type Err = ParseGrantError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "none" => Ok(Grant::None),
            other => other
                .parse::<Role>()
                .map(Grant::from)
                .map_err(|_| ParseGrantError(other.to_owned())),
        }
    }
}

/// The one rule of access per environment: a user's role in an environment is their grant
/// for it when they have one, else their global role; `None` means the environment does not
/// exist for them.
pub fn effective_role(global: Role, grant: Option<Grant>) -> Option<Role> {
    match grant {
        Some(grant) => grant.role(),
        None => Some(global),
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Access::Read => "read",
            Access::Download => "download",
            Access::Exec => "exec",
            Access::Operate => "operate",
            Access::Admin => "admin",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_only_read() {
        assert!(Role::Viewer.allows(Access::Read));
        for access in [
            Access::Download,
            Access::Exec,
            Access::Operate,
            Access::Admin,
        ] {
            assert!(!Role::Viewer.allows(access), "{access}");
        }
    }

    #[test]
    fn operators_do_everything_but_administer() {
        for access in [
            Access::Read,
            Access::Download,
            Access::Exec,
            Access::Operate,
        ] {
            assert!(Role::Operator.allows(access), "{access}");
        }
        assert!(!Role::Operator.allows(Access::Admin));
        assert!(Role::Admin.allows(Access::Admin));
    }

    #[test]
    fn only_viewers_are_kept_from_secrets_and_saved_credentials() {
        assert!(!Role::Viewer.sees_secrets());
        assert!(!Role::Viewer.borrows_credentials());
        for role in [Role::Operator, Role::Admin] {
            assert!(role.sees_secrets() && role.borrows_credentials(), "{role}");
        }
    }

    #[test]
    fn a_grant_overrides_the_global_role_in_its_environment() {
        assert_eq!(effective_role(Role::Viewer, None), Some(Role::Viewer));
        assert_eq!(
            effective_role(Role::Viewer, Some(Grant::Operator)),
            Some(Role::Operator)
        );
        assert_eq!(
            effective_role(Role::Admin, Some(Grant::Viewer)),
            Some(Role::Viewer)
        );
        assert_eq!(effective_role(Role::Admin, Some(Grant::None)), None);
        for grant in Grant::ALL {
            assert_eq!(grant.as_str().parse::<Grant>(), Ok(grant));
        }
        assert!("inherit".parse::<Grant>().is_err());
    }

    #[test]
    fn roles_parse_and_print() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
