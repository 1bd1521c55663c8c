//! Login throttling: failed sign-ins are counted per account and per client address in a
//! sliding window, so neither one account nor one address can be guessed at quickly.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per account within the window.
pub const PER_ACCOUNT: usize = 5;
/// Failed attempts allowed per client address within the window.
pub const PER_ADDRESS: usize = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys remembered at most; the oldest are forgotten first, so memory stays bounded.
const MAX_KEYS: usize = 10_000;

/// Counts failed logins.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// Whether another attempt for `account` from `address` may be made now; if not, how long
    /// until one may.
    pub fn check(&self, account: &str, address: &str) -> Result<(), Duration> {
        self.check_at(account, address, Instant::now())
    }

    fn check_at(&self, account: &str, address: &str, now: Instant) -> Result<(), Duration> {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let mut wait = Duration::ZERO;
        for (key, limit) in [
            (account_key(account), PER_ACCOUNT),
            (address_key(address), PER_ADDRESS),
        ] {
            if let Some(times) = failures.get_mut(&key) {
                prune(times, now);
                if times.len() >= limit {
                    let oldest = times[times.len() - limit];
                    wait = wait.max(WINDOW.saturating_sub(now.duration_since(oldest)));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait.max(Duration::from_secs(1)))
        }
    }

    /// Counts a failed attempt.
    pub fn record_failure(&self, account: &str, address: &str) {
        self.record_failure_at(account, address, Instant::now());
    }

    fn record_failure_at(&self, account: &str, address: &str, now: Instant) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
            if failures.len() >= MAX_KEYS {
                failures.clear();
            }
        }
        for key in [account_key(account), address_key(address)] {
            failures.entry(key).or_default().push_back(now);
        }
    }

    /// Forgets an account's failures after it signs in.
    pub fn record_success(&self, account: &str) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        failures.remove(&account_key(account));
    }
}

fn account_key(account: &str) -> String {
    format!("account:{}", account.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

fn prune(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|&time| now.duration_since(time) >= WINDOW)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_throttled_after_repeated_failures() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for _ in 0..PER_ACCOUNT {
            assert!(limiter.check_at("Alice", "10.0.0.1", start).is_ok());
            limiter.record_failure_at("alice", "10.0.0.1", start);
        }
        let wait = limiter.check_at("ALICE", "10.0.0.2", start).unwrap_err();
        assert!(wait > Duration::from_secs(14 * 60));
        assert!(limiter.check_at("bob", "10.0.0.2", start).is_ok());
        assert!(
            limiter
                .check_at("alice", "10.0.0.2", start + WINDOW)
                .is_ok()
        );
    }

    #[test]
    fn an_address_is_throttled_across_accounts() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for n in 0..PER_ADDRESS {
            limiter.record_failure_at(&format!("user{n}"), "10.0.0.9", start);
        }
        assert!(limiter.check_at("someone-new", "10.0.0.9", start).is_err());
        assert!(limiter.check_at("someone-new", "10.0.0.8", start).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let limiter = LoginLimiter::default();
        for _ in 0..PER_ACCOUNT {
            limiter.record_failure("carol", "10.0.0.3");
        }
        assert!(limiter.check("carol", "10.0.0.4").is_err());
        limiter.record_success("carol");
        assert!(limiter.check("carol", "10.0.0.4").is_ok());
    }
}
