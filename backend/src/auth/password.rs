//! Password hashing with argon2id, and the rules a new password must meet.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Semaphore;

use super::secrets::random_bytes;

pub use berth_shared::api::users::{
    PASSWORD_MAX_LENGTH as MAX_LENGTH, PASSWORD_MIN_LENGTH as MIN_LENGTH,
};

/// Why a password cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Too short.
    #[error("the password must have at least {MIN_LENGTH} characters")]
    TooShort,
    /// Too long.
    #[error("the password must have at most {MAX_LENGTH} characters")]
    TooLong,
    /// Hashing failed.
    #[error("the password could not be hashed: {0}")]
    Hashing(String),
    /// Every hashing slot stayed busy for longer than [`QUEUE_TIMEOUT`].
    #[error("too many passwords are being checked at once; try again in a few seconds")]
    Busy,
}

/// How many hashes run at once at most: each takes 19 MiB, so parallel sign-ins cannot
/// exhaust memory, and they cannot take every core from the requests being served.
fn parallel_hashes() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get().clamp(1, 4))
}

/// How long a hash may wait for a slot before the request is refused.
pub const QUEUE_TIMEOUT: Duration = Duration::from_secs(10);

static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(parallel_hashes()));

/// Runs slow password work on the blocking pool, once a hashing slot is free.
async fn limited<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PasswordError> {
    let _slot = tokio::time::timeout(QUEUE_TIMEOUT, SLOTS.acquire())
        .await
        .map_err(|_| PasswordError::Busy)?
        .map_err(|_| PasswordError::Busy)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| PasswordError::Hashing(error.to_string()))
}

/// [`hash`] in a hashing slot.
pub async fn hash_limited(password: String) -> Result<String, PasswordError> {
    limited(move || hash(&password)).await?
}

/// [`verify`] in a hashing slot; `Err` only when no slot became free in time.
pub async fn verify_limited(password: String, hash: String) -> Result<bool, PasswordError> {
    limited(move || verify(&password, &hash)).await
}

/// [`verify_dummy`] in a hashing slot.
pub async fn verify_dummy_limited(password: String) -> Result<(), PasswordError> {
    limited(move || verify_dummy(&password)).await
}

/// argon2id with OWASP's recommended minimum: 19 MiB, two passes, one lane. Cheap enough for a
/// small ARM box, expensive enough to make offline guessing slow.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a new password against the rules.
pub fn validate(password: &str) -> Result<(), PasswordError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

/// Hashes a password that passed [`validate`] into a PHC string. Slow by design: run it on
/// the blocking pool.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    validate(password)?;
    let salt = SaltString::encode_b64(&random_bytes(16))
        .map_err(|error| PasswordError::Hashing(error.to_string()))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hashing(error.to_string()))
}

/// Whether `password` matches the PHC string `hash`. Slow by design: run it on the blocking
/// pool.
pub fn verify(password: &str, hash: &str) -> bool {
    if password.len() > MAX_LENGTH * 4 {
        return false;
    }
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time a real verification would, for unknown users, so response times do not
/// reveal which user names exist.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("berth-dummy-password").unwrap_or_default());
    let _ = verify(password, dummy);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hashed = hash("correct horse battery").unwrap();
        assert!(
            hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hashed}"
        );
        assert!(verify("correct horse battery", &hashed));
        assert!(!verify("correct horse batterY", &hashed));
        assert_ne!(
            hashed,
            hash("correct horse battery").unwrap(),
            "salts differ"
        );
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(hash("short"), Err(PasswordError::TooShort));
        assert_eq!(
            validate(&"x".repeat(MAX_LENGTH + 1)),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn malformed_hashes_never_verify() {
        assert!(!verify("anything at all", "not a hash"));
    }
}
