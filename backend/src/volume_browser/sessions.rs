//! The live volume-browsing sessions: which helper containers this Berth created, and until
//! when each may live.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a helper lives without a keep-alive from its browser.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// How often the reaper looks for idle helpers.
const REAP_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    environment: String,
    container: String,
}

/// The registry of helper containers. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct VolumeBrowsers {
    sessions: Arc<Mutex<HashMap<Key, Instant>>>,
    reaper: Arc<OnceLock<()>>,
    instance: Arc<tokio::sync::OnceCell<String>>,
}

impl VolumeBrowsers {
    /// This Berth's instance id, loaded (or made) by `load` the first time it is needed.
    pub async fn instance<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<&str, E>
    where
        Fut: Future<Output = Result<String, E>>,
    {
        self.instance
            .get_or_try_init(load)
            .await
            .map(String::as_str)
    }

    /// Records a new helper, idle from now.
    pub fn insert(&self, environment: &str, container: &str) {
        self.lock()
            .insert(key(environment, container), Instant::now() + IDLE_TIMEOUT);
    }

    /// Keeps a helper alive; false if Berth does not know it (or already removed it).
    pub fn touch(&self, environment: &str, container: &str) -> bool {
        match self.lock().get_mut(&key(environment, container)) {
            Some(deadline) => {
                *deadline = Instant::now() + IDLE_TIMEOUT;
                true
            }
            None => false,
        }
    }

    /// Forgets a helper; false if it was not one of Berth's.
    pub fn take(&self, environment: &str, container: &str) -> bool {
        self.lock().remove(&key(environment, container)).is_some()
    }

    /// Whether `container` is a live helper of `environment`.
    pub fn contains(&self, environment: &str, container: &str) -> bool {
        self.lock().contains_key(&key(environment, container))
    }

    /// Forgets and returns every helper idle past its deadline at `now`.
    pub fn take_expired(&self, now: Instant) -> Vec<(String, String)> {
        let mut sessions = self.lock();
        let expired: Vec<Key> = sessions
            .iter()
            .filter(|(_, deadline)| **deadline <= now)
            .map(|(key, _)| key.clone())
            .collect();
        for key in &expired {
            sessions.remove(key);
        }
        expired
            .into_iter()
            .map(|key| (key.environment, key.container))
            .collect()
    }

    /// Calls `reap` with the time every few seconds, once per registry, on the current
    /// runtime.
    pub fn start_reaper<F, Fut>(&self, reap: F)
    where
        F: Fn(Instant) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        self.reaper.get_or_init(|| {
            tokio::spawn(async move {
                let mut ticks = tokio::time::interval(REAP_EVERY);
                loop {
                    ticks.tick().await;
                    reap(Instant::now()).await;
                }
            });
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Instant>> {
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn key(environment: &str, container: &str) -> Key {
    Key {
        environment: environment.to_owned(),
        container: container.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_expire_unless_kept_alive() {
        let browsers = VolumeBrowsers::default();
        browsers.insert("local", "a");
        browsers.insert("local", "b");
        assert!(browsers.touch("local", "a"));
        assert!(!browsers.touch("other", "a"));
        let later = Instant::now() + IDLE_TIMEOUT + Duration::from_secs(1);
        let mut expired = browsers.take_expired(later);
        expired.sort();
        assert_eq!(expired.len(), 2);
        assert!(!browsers.contains("local", "a"));
        browsers.insert("local", "c");
        assert!(browsers.take("local", "c"));
        assert!(!browsers.take("local", "c"));
        assert!(browsers.take_expired(Instant::now()).is_empty());
    }
}
