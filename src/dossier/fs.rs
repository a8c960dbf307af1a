//! The disk edge of the dossier: find the file in a folder, read it, check the pieces.
//!
//! With `cli/`, this is the only code that reads the disk for a dossier; everything it
//! finds is reported with the other problems of the dossier, all at once.

use std::path::{Path, PathBuf};

use super::{Dossier, Format, parse};
use crate::error::{Problem, Problems};

/// A dossier read from disk, with where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dossier: Dossier,
    /// The dossier folder (pieces are relative to it).
    pub dir: PathBuf,
    /// The dossier file itself.
    pub file: PathBuf,
}

/// Loads `path`: a dossier folder holding `dossier.toml` or `dossier.json`, or the file itself.
///
/// # Errors
/// Every problem of the file (see [`parse`]) and every piece that does not exist, is not a
/// regular file, or resolves (through a symlink) outside the dossier folder.
pub fn load_dir(path: &Path) -> Result<Loaded, Problems> {
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(Problem::new(&shown, "", "no such dossier folder or file").into());
    }
    let file = if path.is_dir() {
        let toml = path.join("dossier.toml");
        let json = path.join("dossier.json");
        match (toml.is_file(), json.is_file()) {
            (true, false) => toml,
            (false, true) => json,
            (true, true) => {
                return Err(Problem::new(
                    &shown,
                    "",
                    "holds both dossier.toml and dossier.json: keep one",
                )
                .into());
            }
            (false, false) => {
                return Err(Problem::new(
                    &shown,
                    "",
                    "no dossier.toml or dossier.json in this folder",
                )
                .into());
            }
        }
    } else {
        path.to_path_buf()
    };
    let file_shown = file.display().to_string();
    let format = match file.extension().and_then(|e| e.to_str()) {
        Some("toml") => Format::Toml,
        Some("json") => Format::Json,
        _ => {
            return Err(
                Problem::new(&file_shown, "", "expected a .toml or .json dossier file").into(),
            );
        }
    };
    let bytes = std::fs::read(&file)
        .map_err(|e| Problems::from(Problem::new(&file_shown, "", format!("cannot read: {e}"))))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Problems::from(Problem::new(&file_shown, "", "not UTF-8 text")))?;
    let dir = file
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let dossier = parse(&text, format, &file_shown)?;
    let problems = check_pieces(&dossier, &dir, &file_shown);
    problems.into_result(Loaded { dossier, dir, file })
}

/// Every piece of the dossier must be a regular file inside `dir`, symlinks resolved.
pub fn check_pieces(dossier: &Dossier, dir: &Path, file: &str) -> Problems {
    let mut problems = Problems::default();
    let root = match dir.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            problems.push(Problem::new(
                file,
                "",
                format!("cannot resolve the dossier folder: {e}"),
            ));
            return problems;
        }
    };
    let pieces =
        dossier
            .invoices
            .iter()
            .enumerate()
            .filter_map(|(i, inv)| {
                inv.piece
                    .as_ref()
                    .map(|p| (format!("invoices[{i}].piece"), p))
            })
            .chain(dossier.events.iter().enumerate().filter_map(|(i, ev)| {
                ev.piece.as_ref().map(|p| (format!("events[{i}].piece"), p))
            }));
    for (field, piece) in pieces {
        let target = root.join(piece);
        let problem = match target.canonicalize() {
            Err(_) => Some("no such file in the dossier folder"),
            Ok(real) if !real.starts_with(&root) => {
                Some("resolves outside the dossier folder (symlink)")
            }
            Ok(real) if !real.is_file() => Some("not a regular file"),
            Ok(_) => None,
        };
        if let Some(message) = problem {
            problems.push(Problem::new(file, field, message).with_value(piece.clone()));
        }
    }
    problems
}
