//! Reading inputs with a bound on the bytes actually read, never on the size a file reports:
//! `/dev/zero`, a FIFO or a file growing while it is read would otherwise fill the memory.

use std::io::Read;
use std::path::Path;

/// A dossier file, a rule file, a creditor or customers file.
pub const MAX_TEXT: u64 = 32 << 20;
/// An imported ledger, CSV or e-invoice (a PDF with its XML).
pub const MAX_IMPORT: u64 = 256 << 20;
/// A piece of a dossier, or an evidence bundle to verify.
pub const MAX_PIECE: u64 = 512 << 20;

/// Why an input was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("larger than the {} MiB supported for this input: not read", .0 >> 20)]
    TooLarge(u64),
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads all of `reader`, failing as soon as more than `limit` bytes have come.
///
/// # Errors
/// [`ReadError::TooLarge`] past `limit` bytes, [`ReadError::Io`] when reading fails.
pub fn read_to_end<R: Read>(reader: R, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Reads the file at `path`, at most `limit` bytes.
///
/// # Errors
/// As [`read_to_end`], and when the file cannot be opened.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path)?;
    read_to_end(file, limit)
}

/// Reads the UTF-8 text file at `path`, at most `limit` bytes.
///
/// # Errors
/// As [`read`], and [`ReadError::Io`] of kind `InvalidData` when it is not UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read(path, limit)?).map_err(|_| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not UTF-8 text",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Never ends, like `/dev/zero`.
    struct Endless;
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b'0');
            Ok(buf.len())
        }
    }

    #[test]
    fn an_endless_reader_stops_at_the_limit() {
        let err = read_to_end(Endless, 1 << 20).unwrap_err();
        assert_eq!(
            err.to_string(),
            "larger than the 1 MiB supported for this input: not read"
        );
        assert_eq!(read_to_end(&b"abc"[..], 3).unwrap(), b"abc");
        assert!(read_to_end(&b"abcd"[..], 3).is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dev_zero_stops_at_the_limit() {
        let err = read(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge(_)), "{err}");
    }
}
