//! The per-dossier lock: one writer at a time on a dossier file, whatever process it is in.
//!
//! Every writer of a dossier file (`relance record`, the web app) takes an exclusive advisory
//! lock on a lock file beside it (`.dossier.toml.lock` beside `dossier.toml`) before it reads
//! the file and keeps it until the new file has been renamed over the old one, so two writers
//! never both read the same old text and one of them silently loses its update. The lock file
//! is never removed: removing it would let a second writer lock a new file while a first one
//! still holds the old. The lock is released when [`DossierLock`] is dropped or the process
//! dies, so a killed writer never leaves a dossier locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a writer waits for the lock by default before it gives up with [`LockError::Busy`].
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// How often a waiting writer tries again.
const RETRY: Duration = Duration::from_millis(10);

/// An exclusive lock on one dossier file, held until dropped.
#[derive(Debug)]
pub struct DossierLock {
    // Kept open: closing the handle releases the lock.
    _file: File,
    path: PathBuf,
}

impl DossierLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another writer held the lock for the whole wait.
    #[error(
        "{dossier}: another relance process is writing this dossier (lock {lock} still held \
         after {waited} s): nothing was written; try again when it has finished"
    )]
    Busy {
        dossier: String,
        lock: String,
        waited: u64,
    },
    /// The lock file cannot be created or locked (read-only folder, file system without locks).
    #[error("{lock}: cannot lock the dossier: {source}: nothing was written")]
    Io {
        lock: String,
        #[source]
        source: std::io::Error,
    },
}

/// The lock file of `dossier_file`: `.NAME.lock` in the same folder.
pub fn lock_path(dossier_file: &Path) -> PathBuf {
    let name = dossier_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dossier".to_string());
    let dir = match dossier_file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    dir.join(format!(".{name}.lock"))
}

/// Takes the exclusive lock of `dossier_file`, waiting at most `wait` for another writer.
///
/// Give it the file that will be replaced (a symlink resolved), so that every writer of one
/// file locks the same lock file.
///
/// # Errors
/// [`LockError::Busy`] when another process holds the lock for the whole wait;
/// [`LockError::Io`] when the lock file cannot be opened or locked.
pub fn lock(dossier_file: &Path, wait: Duration) -> Result<DossierLock, LockError> {
    let path = lock_path(dossier_file);
    let io = |source| LockError::Io {
        lock: path.display().to_string(),
        source,
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(DossierLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => {
                if start.elapsed() >= wait {
                    return Err(LockError::Busy {
                        dossier: dossier_file.display().to_string(),
                        lock: path.display().to_string(),
                        waited: wait.as_secs(),
                    });
                }
                std::thread::sleep(RETRY);
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_then_gives_up_with_a_clear_message() {
        let dir = std::env::temp_dir().join(format!("relance-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("dossier.toml");
        let first = lock(&file, Duration::ZERO).unwrap();
        assert_eq!(first.path(), dir.join(".dossier.toml.lock"));
        // Locks are per open file description: a second handle in this process conflicts.
        let err = lock(&file, Duration::from_millis(50)).unwrap_err();
        assert!(
            err.to_string()
                .contains("another relance process is writing this dossier"),
            "{err}"
        );
        drop(first);
        lock(&file, Duration::ZERO).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
