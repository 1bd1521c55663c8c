//! Which environment variables look secret, so the UI masks them until revealed and the
//! backend redacts them for read-only viewers. One heuristic, shared by both.

/// Words that, in a variable's name, mark its value as secret.
const SECRET_WORDS: [&str; 10] = [
    "PASSWORD",
    "PASSWD",
    "PASS",
    "SECRET",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "SALT",
];

/// Whether `NAME=value` looks like it holds a secret: a secret-sounding name, or a URL with a
/// password in it (`postgres://user:pw@db/app`).
pub fn looks_secret(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let secret_name = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| SECRET_WORDS.iter().any(|secret| word.contains(secret)));
    secret_name || has_embedded_password(value)
}

/// Splits an environment entry `NAME=value`; an entry without `=` is a bare name.
pub fn split_env(entry: &str) -> (&str, &str) {
    entry.split_once('=').unwrap_or((entry, ""))
}

fn has_embedded_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(user_info, _)| user_info.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        for name in [
            "POSTGRES_PASSWORD",
            "api_key",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "BASIC_AUTH",
        ] {
            assert!(looks_secret(name, "x"), "{name}");
        }
        for name in ["PATH", "HOME", "LANG", "TZ", "NODE_ENV"] {
            assert!(!looks_secret(name, "x"), "{name}");
        }
    }

    #[test]
    fn passwords_inside_urls_are_recognised() {
        assert!(looks_secret(
            "DATABASE_URL",
            "postgres://app:hunter2@db:5432/app"
        ));
        assert!(!looks_secret("DATABASE_URL", "postgres://db:5432/app"));
        assert!(!looks_secret("HOMEPAGE", "https://example.com/a@b"));
    }

    #[test]
    fn env_entries_split_at_the_first_equals_sign() {
        assert_eq!(split_env("A=b=c"), ("A", "b=c"));
        assert_eq!(split_env("BARE"), ("BARE", ""));
    }
}
