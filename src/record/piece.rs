//! The proof of a recorded event: a file already in the dossier folder, or one copied into
//! its `pieces/` folder, which must itself stay inside the dossier (never through a symlink
//! to elsewhere: the copy would land outside and a clean-up could remove the user's file).

use std::path::{Path, PathBuf};

use super::RecordError;

/// Where the proof comes from.
#[derive(Debug, Clone)]
pub enum Piece {
    /// A file on disk: named relative to the dossier when inside it, else copied to `pieces/`.
    File(PathBuf),
    /// Bytes received (an upload) to store as `pieces/NAME`; `name` is a plain file name.
    Bytes { name: String, bytes: Vec<u8> },
}

/// A piece placed: its name in the dossier and, when it must be copied, what and where.
#[derive(Debug)]
pub(super) struct Placed {
    pub rel: String,
    copy: Option<Copy>,
}

#[derive(Debug)]
struct Copy {
    bytes: Vec<u8>,
    target: PathBuf,
    pieces: PathBuf,
}

/// What [`Placed::copy`] created, to undo on a later failure (and nothing else).
#[derive(Debug, Default)]
pub(super) struct Created {
    file: Option<PathBuf>,
    folder: Option<PathBuf>,
}

impl Created {
    pub fn undo(self) {
        if let Some(f) = self.file {
            let _ = std::fs::remove_file(f);
        }
        if let Some(d) = self.folder {
            // Only if empty: a folder that holds anything else is not ours alone.
            let _ = std::fs::remove_dir(d);
        }
    }
}

fn refused(piece: &str, message: impl std::fmt::Display) -> RecordError {
    RecordError::Refused(format!("piece {piece}: {message}: nothing was recorded"))
}

/// Decides where `piece` goes in the dossier folder `dir`, reading it but writing nothing.
pub(super) fn place(dir: &Path, piece: &Piece) -> Result<Placed, RecordError> {
    let root = dir
        .canonicalize()
        .map_err(|e| refused(&dir.display().to_string(), format!("cannot resolve: {e}")))?;
    let (name, bytes, shown) = match piece {
        Piece::File(path) => {
            let shown = path.display().to_string();
            let real = path.canonicalize().map_err(|e| refused(&shown, e))?;
            if !real.is_file() {
                return Err(refused(&shown, "not a regular file"));
            }
            if let Ok(rel) = real.strip_prefix(&root) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                return Ok(Placed { rel, copy: None });
            }
            let name = real
                .file_name()
                .ok_or_else(|| refused(&shown, "no file name"))?
                .to_string_lossy()
                .into_owned();
            let bytes = crate::bounded::read(&real, crate::bounded::MAX_PIECE)
                .map_err(|e| refused(&shown, e))?;
            (name, bytes, shown)
        }
        Piece::Bytes { name, bytes } => {
            if name.is_empty()
                || name.starts_with('.')
                || name.contains(['/', '\\', '\0'])
                || name.chars().any(char::is_control)
            {
                return Err(refused(
                    &crate::error::quote(name),
                    "not a plain file name (no folder, no leading dot, no control character)",
                ));
            }
            (name.clone(), bytes.clone(), name.clone())
        }
    };
    let pieces = root.join("pieces");
    match std::fs::symlink_metadata(&pieces) {
        Err(_) => {}
        Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
            return Err(refused(
                &shown,
                format!(
                    "{} is a symlink or not a folder: the copy would leave the dossier",
                    pieces.display()
                ),
            ));
        }
        Ok(_) => {}
    }
    let target = pieces.join(&name);
    match std::fs::symlink_metadata(&target) {
        Err(_) => {}
        Ok(m) if !m.is_file() => {
            return Err(refused(
                &shown,
                format!("pieces/{name} exists and is not a regular file: rename the file"),
            ));
        }
        Ok(_) => {
            let existing = crate::bounded::read(&target, crate::bounded::MAX_PIECE)
                .map_err(|e| refused(&shown, e))?;
            if existing != bytes {
                return Err(refused(
                    &shown,
                    format!("pieces/{name} already exists with other content: rename the file"),
                ));
            }
            // The same file is already there: nothing to copy.
            return Ok(Placed {
                rel: format!("pieces/{name}"),
                copy: None,
            });
        }
    }
    Ok(Placed {
        rel: format!("pieces/{name}"),
        copy: Some(Copy {
            bytes,
            target,
            pieces,
        }),
    })
}

impl Placed {
    /// Copies the piece into `pieces/` when needed; says what it created.
    pub fn copy(&self) -> Result<Created, RecordError> {
        let mut created = Created::default();
        let Some(copy) = &self.copy else {
            return Ok(created);
        };
        let fail = |e: std::io::Error| RecordError::Io {
            file: copy.target.display().to_string(),
            what: "cannot copy the piece",
            source: e,
        };
        if !copy.pieces.exists() {
            std::fs::create_dir(&copy.pieces).map_err(fail)?;
            created.folder = Some(copy.pieces.clone());
        }
        // Under the dossier's lock; create_new never replaces a file that appeared meanwhile.
        let written = (|| {
            use std::io::Write;
            let mut out = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&copy.target)?;
            created.file = Some(copy.target.clone());
            out.write_all(&copy.bytes)?;
            out.sync_all()
        })();
        if let Err(e) = written {
            created.undo();
            return Err(fail(e));
        }
        Ok(created)
    }
}
