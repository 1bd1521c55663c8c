//! The single access decision for every engine request, made before anything reaches an engine.
//!
//! A request's path is normalised strictly ([`normalize`]), mapped to exactly one Engine API
//! operation of [`operations::OPERATIONS`], and allowed only if the actor's role grants that
//! operation's [`Access`]. Anything that does not map to exactly one operation is denied.
//! This module is pure: no IO.
//!
//! Architecture invariant: every request that reaches [`crate::engine`] has passed
//! [`authorize`] first, whether it comes from the UI, a terminal or a Docker client.

pub mod guardrails;
pub mod normalize;
pub mod operations;
pub mod query;
pub mod redact;

pub use berth_shared::access::{Access, Role};

use self::normalize::{NormalizedPath, PathError, normalize};
use self::operations::{LEGACY_ROUTES, OPERATIONS, Operation};

/// Who is asking, as far as the policy cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user name, for messages and the audit log.
    pub name: String,
    /// The user's role in the request's environment: their grant there, or else their global
    /// role (`AppState::environment_for` gives the principal with it).
    pub role: Role,
}

/// The facts about an engine request that the decision is made on.
#[derive(Debug, Clone, Copy)]
pub struct EngineRequest<'a> {
    /// The environment id.
    pub environment: &'a str,
    /// The HTTP method.
    pub method: &'a str,
    /// The raw (percent-encoded) path relative to the environment, such as `/v1.41/info`.
    pub path: &'a str,
}

/// A request the policy allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    /// The operation it maps to.
    pub operation: &'static Operation,
    /// The normalised path, which is what gets forwarded.
    pub path: NormalizedPath,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The path could not be normalised.
    #[error("Berth refuses the path {path}: {reason}")]
    BadPath {
        /// The raw path.
        path: String,
        /// What is wrong with it.
        reason: PathError,
    },
    /// No operation, or more than one, matches.
    #[error(
        "Berth does not allow {method} {path}: it is not an operation of the Docker Engine API"
    )]
    UnknownOperation {
        /// The method.
        method: String,
        /// The normalised path.
        path: String,
    },
    /// The role does not grant the operation's access.
    #[error("Berth denies {operation} to {role} '{actor}': {explanation}")]
    NotPermitted {
        /// The operation id.
        operation: &'static str,
        /// The actor's name.
        actor: String,
        /// The actor's role.
        role: Role,
        /// What the role may do instead.
        explanation: &'static str,
    },
    /// The role allows the operation, but not with this argument.
    #[error("Berth refuses {operation} with {argument} to {role} '{actor}': {reason}")]
    Argument {
        /// The operation id.
        operation: &'static str,
        /// The actor's name.
        actor: String,
        /// The actor's role.
        role: Role,
        /// The refused argument, as `name=value`.
        argument: String,
        /// Why, and what is allowed instead.
        reason: String,
    },
}

impl Denied {
    /// The operation id, when the request mapped to one.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Denied::NotPermitted { operation, .. } | Denied::Argument { operation, .. } => {
                Some(operation)
            }
            _ => None,
        }
    }
}

/// Decides whether `actor` may make `request`.
pub fn authorize(actor: &Actor, request: &EngineRequest<'_>) -> Result<Authorized, Denied> {
    let path = normalize(request.path).map_err(|reason| Denied::BadPath {
        path: request.path.to_owned(),
        reason,
    })?;
    let operation =
        find_operation(request.method, &path.segments).ok_or_else(|| Denied::UnknownOperation {
            method: request.method.to_owned(),
            path: path.operation_path(),
        })?;
    if !actor.role.allows(operation.access) {
        return Err(Denied::NotPermitted {
            operation: operation.id,
            actor: actor.name.clone(),
            role: actor.role,
            explanation: match actor.role {
                Role::Viewer => "viewers may only read",
                Role::Operator => "it needs the admin role",
                Role::Admin => "unreachable",
            },
        });
    }
    Ok(Authorized { operation, path })
}

/// The one operation `method` and `segments` match, or `None` when none or several do. A
/// legacy route is tried only when no operation of the spec matches at all.
pub fn find_operation(method: &str, segments: &[String]) -> Option<&'static Operation> {
    let mut spec = matching(OPERATIONS, method, segments);
    match (spec.next(), spec.next()) {
        (Some(operation), None) => Some(operation),
        (Some(_), Some(_)) => None,
        (None, _) => {
            let mut legacy = matching(LEGACY_ROUTES, method, segments);
            match (legacy.next(), legacy.next()) {
                (Some(operation), None) => Some(operation),
                _ => None,
            }
        }
    }
}

fn matching<'a>(
    table: &'static [Operation],
    method: &'a str,
    segments: &'a [String],
) -> impl Iterator<Item = &'static Operation> + 'a {
    table.iter().filter(move |operation| {
        operation.method == method && template_matches(operation.path, segments)
    })
}

/// The operation with this id.
pub fn operation(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|operation| operation.id == id)
}

/// Whether a path template such as `/images/{name}/json` matches the decoded segments.
/// `{name}` under `/images`, `/distribution` and `/plugins` spans one or more segments, since
/// image and plugin references contain slashes; every other parameter is exactly one segment.
fn template_matches(template: &str, segments: &[String]) -> bool {
    let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let multi = parts.iter().position(|part| *part == "{name}").filter(|_| {
        matches!(
            parts.first(),
            Some(&("images" | "distribution" | "plugins"))
        )
    });
    match multi {
        None => {
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(segments)
                    .all(|(part, segment)| part_matches(part, segment))
        }
        Some(at) => {
            let suffix = parts.len() - at - 1;
            segments.len() > at + suffix
                && parts[..at]
                    .iter()
                    .zip(segments)
                    .all(|(part, segment)| part_matches(part, segment))
                && parts[at + 1..]
                    .iter()
                    .zip(&segments[segments.len() - suffix..])
                    .all(|(part, segment)| part_matches(part, segment))
        }
    }
}

fn part_matches(part: &str, segment: &str) -> bool {
    if part.starts_with('{') {
        !segment.is_empty()
    } else {
        part == segment
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            name: "alice".into(),
            role,
        }
    }

    fn decide(role: Role, method: &str, path: &str) -> Result<&'static str, Denied> {
        authorize(
            &actor(role),
            &EngineRequest {
                environment: "local",
                method,
                path,
            },
        )
        .map(|authorized| authorized.operation.id)
    }

    #[test]
    fn maps_paths_to_their_operation() {
        let cases = [
            ("GET /v1.41/containers/json", "ContainerList"),
            ("GET /containers/abc/json", "ContainerInspect"),
            ("GET /images/json", "ImageList"),
            ("GET /images/get", "ImageGetAll"),
            ("GET /images/busybox/get", "ImageGet"),
            ("GET /images/registry:5000/team/app:v1/json", "ImageInspect"),
            ("DELETE /images/registry:5000/team/app", "ImageDelete"),
            ("POST /images/create", "ImageCreate"),
            ("POST /images/team/app/push", "ImagePush"),
            (
                "GET /distribution/docker.io/library/busybox/json",
                "DistributionInspect",
            ),
            ("GET /plugins/privileges", "GetPluginPrivileges"),
            ("POST /plugins/vieux/sshfs:latest/enable", "PluginEnable"),
            ("HEAD /_ping", "SystemPingHead"),
            ("HEAD /containers/abc/archive", "ContainerArchiveInfo"),
            ("GET /containers/abc/attach/ws", "ContainerAttachWebsocket"),
            ("POST /session", "Session"),
            ("DELETE /containers/web/db", "ContainerDelete"),
            ("DELETE /v1.41/containers/web/db", "ContainerDelete"),
        ];
        for (request, expected) in cases {
            let (method, path) = request.split_once(' ').expect("a method and a path");
            assert_eq!(decide(Role::Admin, method, path), Ok(expected), "{request}");
        }
    }

    #[test]
    fn anything_that_is_not_exactly_one_operation_is_denied() {
        for (method, path) in [
            ("GET", "/containers/a/b/json"),
            ("GET", "/nothing"),
            ("PATCH", "/containers/abc/json"),
            ("OPTIONS", "/containers/json"),
            ("GET", "/V1.41/containers/json"),
            ("GET", "/v1.41/v1.41/containers/json"),
            ("POST", "/containers/json"),
            ("GET", "/"),
        ] {
            assert!(
                matches!(
                    decide(Role::Admin, method, path),
                    Err(Denied::UnknownOperation { .. })
                ),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn normalisation_bypasses_are_denied() {
        for path in [
            "/containers/x/../create",
            "/containers/x/%2e%2e/create",
            "/containers%2Fcreate",
            "//containers/create",
            "/containers/create;x",
        ] {
            assert!(
                matches!(
                    decide(Role::Admin, "POST", path),
                    Err(Denied::BadPath { .. })
                ),
                "{path}"
            );
        }
    }

    #[test]
    fn roles_get_what_they_are_granted() {
        assert_eq!(
            decide(Role::Viewer, "GET", "/containers/json"),
            Ok("ContainerList")
        );
        let denied = decide(Role::Viewer, "DELETE", "/containers/web").unwrap_err();
        assert_eq!(
            denied.to_string(),
            "Berth denies ContainerDelete to viewer 'alice': viewers may only read"
        );
        assert!(decide(Role::Viewer, "POST", "/containers/web/exec").is_err());
        assert!(decide(Role::Viewer, "GET", "/containers/web/export").is_err());
        assert!(decide(Role::Viewer, "GET", "/swarm/unlockkey").is_err());
        assert_eq!(
            decide(Role::Operator, "POST", "/containers/web/exec"),
            Ok("ContainerExec")
        );
        assert!(decide(Role::Operator, "POST", "/swarm/init").is_err());
        assert!(decide(Role::Operator, "POST", "/plugins/pull").is_err());
        assert_eq!(
            decide(Role::Admin, "POST", "/swarm/leave"),
            Ok("SwarmLeave")
        );
    }

    #[test]
    fn legacy_routes_need_what_their_operation_needs() {
        for route in LEGACY_ROUTES {
            let operation = operation(route.id).expect("a legacy route names a spec operation");
            assert_eq!(
                (route.method, route.access),
                (operation.method, operation.access),
                "{}",
                route.id
            );
        }
        assert!(decide(Role::Viewer, "DELETE", "/containers/web/db").is_err());
        assert!(decide(Role::Admin, "DELETE", "/containers/web/db/x").is_err());
    }

    #[test]
    fn every_operation_is_reachable_through_its_own_template() {
        for operation in OPERATIONS {
            let multi_segment = ["/images/", "/distribution/", "/plugins/"]
                .iter()
                .any(|prefix| operation.path.starts_with(prefix));
            let name = if multi_segment { "team/app" } else { "x1" };
            let path = operation.path.replace("{id}", "x1").replace("{name}", name);
            assert_eq!(
                decide(Role::Admin, operation.method, &path),
                Ok(operation.id),
                "{} {}",
                operation.method,
                operation.path
            );
        }
    }
}
