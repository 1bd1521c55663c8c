//! Login throttling: attempts are counted per account and per client address in a sliding
//! window, so neither one account nor one address can be guessed at quickly.
//!
//! An attempt is reserved before the password is checked, and counts as a failure unless it
//! is released as a success: however many attempts run at once, no more than the limit reach
//! the password check. The tables are bounded; when one is full, keys that are not throttled
//! are forgotten first and throttled keys never are, so flooding the limiter with new names or
//! addresses cannot reset it.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Attempts allowed per account within the window.
pub const PER_ACCOUNT: usize = 5;
/// Attempts allowed per client address within the window.
pub const PER_ADDRESS: usize = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys remembered at most in each table, so memory stays bounded.
const MAX_KEYS: usize = 10_000;

/// One key's recent attempts.
#[derive(Debug, Default)]
struct Entry {
    attempts: VecDeque<Instant>,
    /// Attempts refused since the key was last let through.
    refused: u64,
}

/// The attempts of one kind of key (accounts or addresses), bounded in size.
#[derive(Debug)]
struct Table {
    limit: usize,
    capacity: usize,
    entries: HashMap<String, Entry>,
}

impl Table {
    fn new(limit: usize, capacity: usize) -> Self {
        Self {
            limit,
            capacity,
            entries: HashMap::new(),
        }
    }

    /// How long until `key` may try again; zero when it may now.
    fn wait(&mut self, key: &str, now: Instant) -> Duration {
        let Some(entry) = self.entries.get_mut(key) else {
            return Duration::ZERO;
        };
        prune(&mut entry.attempts, now);
        blocked_for(&entry.attempts, self.limit, now)
    }

    /// Makes room for `key` if it is new; when every remembered key is throttled, refuses with
    /// the time until the first of them frees a place.
    fn make_room(&mut self, key: &str, now: Instant) -> Result<(), Duration> {
        if self.entries.contains_key(key) || self.entries.len() < self.capacity {
            return Ok(());
        }
        self.entries.retain(|_, entry| {
            prune(&mut entry.attempts, now);
            !entry.attempts.is_empty()
        });
        if self.entries.len() < self.capacity {
            return Ok(());
        }
        let limit = self.limit;
        let evictable = self
            .entries
            .iter()
            .filter(|(_, entry)| entry.attempts.len() < limit)
            .min_by_key(|(_, entry)| entry.attempts.back().copied())
            .map(|(key, _)| key.clone());
        match evictable {
            Some(key) => {
                self.entries.remove(&key);
                Ok(())
            }
            None => Err(self
                .entries
                .values()
                .map(|entry| blocked_for(&entry.attempts, limit, now))
                .min()
                .unwrap_or(WINDOW)),
        }
    }

    fn refuse(&mut self, key: &str) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.refused += 1;
        }
    }

    /// Records an attempt and returns how many were refused before it.
    fn push(&mut self, key: &str, now: Instant) -> u64 {
        let entry = self.entries.entry(key.to_owned()).or_default();
        entry.attempts.push_back(now);
        std::mem::take(&mut entry.refused)
    }

    /// Takes back one attempt made at `at`.
    fn release(&mut self, key: &str, at: Instant) {
        if let Some(entry) = self.entries.get_mut(key) {
            if let Some(index) = entry.attempts.iter().rposition(|&time| time == at) {
                entry.attempts.remove(index);
            }
            if entry.attempts.is_empty() && entry.refused == 0 {
                self.entries.remove(key);
            }
        }
    }
}

#[derive(Debug)]
struct Tables {
    accounts: Table,
    addresses: Table,
}

/// Counts sign-in attempts.
#[derive(Debug)]
pub struct LoginLimiter {
    tables: Mutex<Tables>,
    refused: AtomicU64,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::with_capacity(MAX_KEYS)
    }
}

/// An attempt that may go ahead. It counts as a failure unless [`Reservation::succeeded`] or
/// [`Reservation::release`] says otherwise.
#[derive(Debug)]
#[must_use = "a reservation counts as a failure unless it is settled"]
pub struct Reservation<'a> {
    limiter: &'a LoginLimiter,
    account: String,
    address: String,
    at: Instant,
    /// How many attempts for this account were refused, throttled, since the last one that
    /// was let through: the audit log records them here instead of one row each.
    pub refused_before: u64,
}

impl Reservation<'_> {
    /// The attempt succeeded: the account's failures are forgotten and the attempt does not
    /// count against the address.
    pub fn succeeded(self) {
        let mut tables = self.limiter.lock();
        tables.accounts.entries.remove(&self.account);
        tables.addresses.release(&self.address, self.at);
    }

    /// The attempt neither failed nor succeeded (a correct password that still needs its
    /// second factor): it does not count.
    pub fn release(self) {
        let mut tables = self.limiter.lock();
        tables.accounts.release(&self.account, self.at);
        tables.addresses.release(&self.address, self.at);
    }
}

impl LoginLimiter {
    /// A limiter that remembers at most `capacity` accounts and as many addresses.
    fn with_capacity(capacity: usize) -> Self {
        Self {
            tables: Mutex::new(Tables {
                accounts: Table::new(PER_ACCOUNT, capacity),
                addresses: Table::new(PER_ADDRESS, capacity),
            }),
            refused: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Reserves an attempt for `account` from `address`, or says how long until one may be
    /// made.
    pub fn reserve(&self, account: &str, address: &str) -> Result<Reservation<'_>, Duration> {
        self.reserve_at(account, address, Instant::now())
    }

    fn reserve_at(
        &self,
        account: &str,
        address: &str,
        now: Instant,
    ) -> Result<Reservation<'_>, Duration> {
        let (account, address) = (account_key(account), address_key(address));
        let mut tables = self.lock();
        let Tables {
            accounts,
            addresses,
        } = &mut *tables;
        let mut wait = accounts
            .wait(&account, now)
            .max(addresses.wait(&address, now));
        if wait.is_zero() {
            let room = accounts
                .make_room(&account, now)
                .and_then(|()| addresses.make_room(&address, now));
            if let Err(full) = room {
                wait = full;
            }
        }
        if !wait.is_zero() {
            accounts.refuse(&account);
            addresses.refuse(&address);
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(wait.max(Duration::from_secs(1)));
        }
        let refused_before = accounts.push(&account, now);
        addresses.push(&address, now);
        Ok(Reservation {
            limiter: self,
            account,
            address,
            at: now,
            refused_before,
        })
    }

    /// How many attempts were refused since Berth started.
    pub fn refused_total(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

fn account_key(account: &str) -> String {
    account.trim().to_lowercase()
}

/// IPv6 clients usually hold a whole /64, so they are counted by it.
fn address_key(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let segments = v6.segments();
            format!(
                "{:x}:{:x}:{:x}:{:x}::/64",
                segments[0], segments[1], segments[2], segments[3]
            )
        }
        Ok(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(String::new, |v4| v4.to_string()),
        _ => address.to_owned(),
    }
}

fn prune(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|&time| now.duration_since(time) >= WINDOW)
    {
        times.pop_front();
    }
}

/// How long `times` (pruned) stays at or over `limit`.
fn blocked_for(times: &VecDeque<Instant>, limit: usize, now: Instant) -> Duration {
    if times.len() < limit {
        return Duration::ZERO;
    }
    let oldest = times[times.len() - limit];
    WINDOW.saturating_sub(now.duration_since(oldest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_throttled_after_repeated_failures() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for _ in 0..PER_ACCOUNT {
            drop(limiter.reserve_at("Alice", "10.0.0.1", start).unwrap());
        }
        let wait = limiter.reserve_at("ALICE", "10.0.0.2", start).unwrap_err();
        assert!(wait > Duration::from_secs(14 * 60));
        assert!(limiter.reserve_at("bob", "10.0.0.2", start).is_ok());
        let later = limiter
            .reserve_at("alice", "10.0.0.2", start + WINDOW)
            .unwrap();
        assert_eq!(later.refused_before, 1, "the refused attempt is counted");
        assert_eq!(limiter.refused_total(), 1);
    }

    #[test]
    fn reservations_held_at_once_are_limited() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let held: Vec<_> = (0..40)
            .filter_map(|_| limiter.reserve_at("carol", "10.0.0.3", start).ok())
            .collect();
        assert_eq!(held.len(), PER_ACCOUNT);
    }

    #[test]
    fn an_address_is_throttled_across_accounts() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for n in 0..PER_ADDRESS {
            drop(
                limiter
                    .reserve_at(&format!("user{n}"), "10.0.0.9", start)
                    .unwrap(),
            );
        }
        assert!(
            limiter
                .reserve_at("someone-new", "10.0.0.9", start)
                .is_err()
        );
        assert!(limiter.reserve_at("someone-new", "10.0.0.8", start).is_ok());
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_prefix() {
        assert_eq!(address_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
        assert_eq!(address_key("::ffff:10.0.0.1"), "10.0.0.1");
        assert_eq!(address_key("10.0.0.1"), "10.0.0.1");
    }

    #[test]
    fn success_clears_the_account_and_a_release_does_not_count() {
        let limiter = LoginLimiter::default();
        for _ in 0..PER_ACCOUNT - 1 {
            drop(limiter.reserve("dave", "10.0.0.4").unwrap());
        }
        limiter.reserve("dave", "10.0.0.4").unwrap().release();
        limiter.reserve("dave", "10.0.0.4").unwrap().succeeded();
        for _ in 0..PER_ACCOUNT {
            drop(limiter.reserve("dave", "10.0.0.4").unwrap());
        }
        assert!(limiter.reserve("dave", "10.0.0.4").is_err());
    }

    /// A small capacity, so the flood tests stay quick.
    const CAPACITY: usize = 200;

    #[test]
    fn flooding_with_new_keys_never_forgets_a_throttled_one() {
        let limiter = LoginLimiter::with_capacity(CAPACITY);
        let start = Instant::now();
        for _ in 0..PER_ACCOUNT {
            drop(limiter.reserve_at("victim", "10.1.0.1", start).unwrap());
        }
        for n in 0..CAPACITY * 5 {
            let address = format!("10.2.{}.{}", n / 250, n % 250);
            let _ = limiter.reserve_at(&format!("flood{n}"), &address, start);
        }
        assert!(
            limiter.reserve_at("victim", "10.3.0.1", start).is_err(),
            "the throttled account is still throttled"
        );
    }

    #[test]
    fn a_table_full_of_throttled_keys_refuses_new_ones() {
        let limiter = LoginLimiter::with_capacity(CAPACITY);
        let start = Instant::now();
        {
            let mut tables = limiter.lock();
            for n in 0..CAPACITY {
                for _ in 0..PER_ACCOUNT {
                    tables.accounts.push(&format!("name{n}"), start);
                }
            }
        }
        assert!(limiter.reserve_at("newcomer", "10.4.0.1", start).is_err());
        assert!(
            limiter
                .reserve_at("newcomer", "10.4.0.1", start + WINDOW)
                .is_ok(),
            "room is made once the window has passed"
        );
    }
}
