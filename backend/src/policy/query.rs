//! Query arguments that decide what an allowed operation reveals: a request's query decoded the
//! way the engine decodes it, and the allow-list of `top`'s `ps` options for roles that must
//! not see secrets.
//!
//! `GET /containers/{id}/top` runs `ps` with the caller's `ps_args` on the engine's host. The
//! BSD modifier `e` (as in `auxwwe`) makes `ps` print every process's environment, passwords
//! included, so for such roles only a short list of forms that cannot show it is accepted.

use super::normalize::{PathError, percent_decode};
use super::{Actor, Denied};

/// The `ps_args` a role that must not see secrets may give `top`. None of them prints
/// environments: `-e` is the UNIX option for "every process", not the BSD modifier `e`.
pub const SAFE_PS_ARGS: [&str; 10] = [
    "-ef", "-eF", "-efww", "-ely", "-e", "-A", "aux", "auxw", "auxww", "ax",
];

/// A request's query as the engine sees it: `&`-separated pairs, `+` and `%XX` decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Decodes a raw query (the part after `?`, if any). Malformed percent-encoding is an
    /// error: the engine would drop such a pair, and the policy must not guess at it.
    pub fn parse(raw: Option<&str>) -> Result<Self, PathError> {
        let pairs = raw
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                Ok((decode(key)?, decode(value)?))
            })
            .collect::<Result<_, PathError>>()?;
        Ok(Self { pairs })
    }

    /// Every value given for `key`, in order.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// The value of `key` when it is given exactly once; `Err` when it is given more than once,
    /// since the engine reads only the first and the policy must judge exactly that one.
    pub fn single<'a>(&'a self, key: &'a str) -> Result<Option<&'a str>, RepeatedArgument> {
        let mut values = self.all(key);
        let first = values.next();
        match values.next() {
            Some(_) => Err(RepeatedArgument(key.to_owned())),
            None => Ok(first),
        }
    }
}

/// A query argument given more than once where Berth must judge its single value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("give {0} at most once")]
pub struct RepeatedArgument(pub String);

/// Decodes a query key or value: `+` is a space, then `%XX` escapes.
pub(crate) fn decode(raw: &str) -> Result<String, PathError> {
    percent_decode(&raw.replace('+', " "))
}

/// Checks the query of an operation the actor's role already allows, for arguments that would
/// reveal what the role must not see.
/// `query` is the raw query, decoded only when an argument matters.
pub fn check_arguments(
    actor: &Actor,
    operation: &'static str,
    query: Option<&str>,
) -> Result<(), Denied> {
    if operation != "ContainerTop" || actor.role.sees_secrets() {
        return Ok(());
    }
    let refuse = |argument: String| Denied::Argument {
        operation,
        actor: actor.name.clone(),
        role: actor.role,
        argument,
        reason: format!(
            "ps options other than {} can print the processes' environments, which may hold \
             secrets; leave ps_args out or use one of those",
            SAFE_PS_ARGS.join(", ")
        ),
    };
    let query = Query::parse(query)
        .map_err(|_| refuse("ps_args in a query with malformed percent-encoding".to_owned()))?;
    let ps_args = query
        .single("ps_args")
        .map_err(|_| refuse("ps_args given more than once".to_owned()))?;
    match ps_args {
        None | Some("") => Ok(()),
        Some(args) if SAFE_PS_ARGS.contains(&args) => Ok(()),
        Some(args) => Err(refuse(format!("ps_args={args}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Role;

    fn actor(role: Role) -> Actor {
        Actor {
            name: "vic".into(),
            role,
        }
    }

    #[test]
    fn decodes_queries_as_the_engine_does() {
        let query = Query::parse(Some("ps_args=aux%77we&a=1+2%2B&bare&&ps_args=-ef")).unwrap();
        assert_eq!(query.all("ps_args").collect::<Vec<_>>(), ["auxwwe", "-ef"]);
        assert_eq!(query.single("a"), Ok(Some("1 2+")));
        assert_eq!(query.single("bare"), Ok(Some("")));
        assert_eq!(query.single("none"), Ok(None));
        assert!(query.single("ps_args").is_err());
        assert_eq!(Query::parse(None).unwrap().single("a"), Ok(None));
        assert_eq!(Query::parse(Some("x=%zz")), Err(PathError::BadEncoding));
    }

    #[test]
    fn viewers_may_run_top_only_with_safe_ps_options() {
        let viewer = actor(Role::Viewer);
        for allowed in [
            None,
            Some(""),
            Some("ps_args="),
            Some("ps_args=-ef"),
            Some("ps_args=aux"),
        ] {
            assert_eq!(
                check_arguments(&viewer, "ContainerTop", allowed),
                Ok(()),
                "{allowed:?}"
            );
        }
        for refused in [
            "ps_args=auxwwe",
            "ps_args=e",
            "ps_args=eww",
            "ps_args=%65",
            "ps_args=-ef+e",
            "ps_args=-ef&ps_args=e",
            "ps_args=-o+pid,args",
            "ps_args=%zz",
        ] {
            let denied = check_arguments(&viewer, "ContainerTop", Some(refused)).unwrap_err();
            assert!(
                denied
                    .to_string()
                    .starts_with("Berth refuses ContainerTop with ps_args"),
                "{refused}: {denied}"
            );
        }
        let environment = Some("ps_args=auxwwe");
        for role in [Role::Operator, Role::Admin] {
            assert_eq!(
                check_arguments(&actor(role), "ContainerTop", environment),
                Ok(())
            );
        }
        assert_eq!(
            check_arguments(&viewer, "ContainerList", environment),
            Ok(())
        );
    }
}
