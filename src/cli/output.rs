//! Writing results: complete under their name or not at all.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over `path`. A crash leaves either the old file or the new one.
///
/// # Errors
/// The folder is not writable, or the disk is full; the temporary file is then removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write(path, bytes, true)
}

/// [`write_atomic`] without flushing the file to disk before the rename: for a batch that
/// flushes the whole file system once at the end ([`sync_filesystem`]) before it reports
/// success. A killed process still leaves the old file or the new one (the rename is
/// atomic); only a power loss before that flush can lose a new file, and the batch's
/// rerun rewrites it. One flush per file would cost a journal commit each.
pub(crate) fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write(path, bytes, false)
}

/// Flushes the file system holding `dir` to disk (Linux `syncfs`).
///
/// # Errors
/// `dir` cannot be opened, or the flush fails.
#[cfg(target_os = "linux")]
pub(crate) fn sync_filesystem(dir: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let handle = std::fs::File::open(dir)?;
    // SAFETY: `handle` is an open file descriptor for the duration of the call.
    if unsafe { libc::syncfs(handle.as_raw_fd()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if sync {
            file.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
