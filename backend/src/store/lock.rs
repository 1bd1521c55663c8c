//! The data directory's lock: `berth serve` holds it for as long as it runs, so a second server
//! on the same store, or a restore over it, is refused instead of corrupting what the first
//! one has open. The other commands (`berth user`, `berth environment`, `berth backup`) work
//! beside a running server and do not take it. The operating system releases the lock when
//! the process ends, however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use super::StoreError;

/// The lock file, in the data directory.
pub const LOCK_FILE: &str = "serve.lock";

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
}

impl ServeLock {
    /// Takes the lock of `data_dir`, or says that another process holds it.
    pub fn acquire(data_dir: &Path) -> Result<Self, StoreError> {
        super::prepare_data_dir(data_dir)?;
        let path = data_dir.join(LOCK_FILE);
        let io_error = |source| StoreError::DataDir {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(StoreError::InUse(data_dir.to_owned())),
            Err(TryLockError::Error(source)) => Err(io_error(source)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_refuses_a_second_holder_until_it_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = ServeLock::acquire(dir.path()).unwrap();
        let refused = ServeLock::acquire(dir.path()).unwrap_err();
        assert!(matches!(refused, StoreError::InUse(_)), "{refused}");
        assert!(refused.to_string().contains("berth serve"), "{refused}");
        drop(first);
        ServeLock::acquire(dir.path()).unwrap();
        assert!(dir.path().join(LOCK_FILE).exists());
    }
}
