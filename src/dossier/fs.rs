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
    let file = find_file(path)?;
    load_file(&file)
}

/// The dossier file of `path`: `dossier.toml` or `dossier.json` in a folder, or `path` itself.
///
/// # Errors
/// `path` does not exist, or the folder holds neither file or both.
pub fn find_file(path: &Path) -> Result<PathBuf, Problems> {
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(Problem::new(&shown, "", "no such dossier folder or file").into());
    }
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let toml = path.join("dossier.toml");
    let json = path.join("dossier.json");
    match (toml.is_file(), json.is_file()) {
        (true, false) => Ok(toml),
        (false, true) => Ok(json),
        (true, true) => Err(Problem::new(
            &shown,
            "",
            "holds both dossier.toml and dossier.json: keep one",
        )
        .into()),
        (false, false) => {
            Err(Problem::new(&shown, "", "no dossier.toml or dossier.json in this folder").into())
        }
    }
}

/// The format of a dossier file, from its extension.
///
/// # Errors
/// The name ends neither in `.toml` nor in `.json`.
pub fn format_of(file: &Path) -> Result<Format, Problems> {
    match file.extension().and_then(|e| e.to_str()) {
        Some("toml") => Ok(Format::Toml),
        Some("json") => Ok(Format::Json),
        _ => Err(Problem::new(
            &file.display().to_string(),
            "",
            "expected a .toml or .json dossier file",
        )
        .into()),
    }
}

/// Reads and checks the dossier file `file` (found by [`find_file`]).
///
/// # Errors
/// As [`load_dir`].
pub fn load_file(file: &Path) -> Result<Loaded, Problems> {
    let file_shown = file.display().to_string();
    let format = format_of(file)?;
    let text = read_text(file)?;
    let dir = folder_of(file);
    let dossier = parse(&text, format, &file_shown)?;
    let problems = check_pieces(&dossier, &dir, &file_shown);
    problems.into_result(Loaded {
        dossier,
        dir,
        file: file.to_path_buf(),
    })
}

/// The text of a dossier file.
///
/// # Errors
/// It cannot be read or is not UTF-8.
pub fn read_text(file: &Path) -> Result<String, Problems> {
    let file_shown = file.display().to_string();
    let bytes = crate::bounded::read(file, crate::bounded::MAX_TEXT)
        .map_err(|e| Problems::from(Problem::new(&file_shown, "", e.to_string())))?;
    String::from_utf8(bytes)
        .map_err(|_| Problems::from(Problem::new(&file_shown, "", "not UTF-8 text")))
}

/// The folder of a dossier file (pieces are relative to it).
pub fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
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
    let pieces = dossier.piece_paths();
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
            problems.push(Problem::new(file, field, message).with_value(piece));
        }
    }
    problems
}

/// A folder found by [`find_dossiers`]: a dossier folder (or file) to load, or a folder that
/// may hold one but cannot be taken, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub dir: PathBuf,
    /// Why it cannot be loaded (a symlink not followed, a folder that cannot be read).
    pub problem: Option<String>,
}

/// Every dossier folder under `root` (a folder holding `dossier.toml` or `dossier.json`),
/// sorted by path so the order never depends on the file system; `root` itself when it is
/// a file. A symlinked folder is not followed (it could loop, or bring one dossier twice)
/// but reported when it holds a dossier file; a folder that cannot be read is reported,
/// since a dossier under it would otherwise be silently left out.
pub fn find_dossiers(root: &Path) -> Vec<Found> {
    fn holds_dossier(dir: &Path) -> bool {
        ["dossier.toml", "dossier.json"]
            .iter()
            .any(|f| std::fs::symlink_metadata(dir.join(f)).is_ok())
    }
    fn walk(dir: &Path, out: &mut Vec<Found>) {
        if holds_dossier(dir) {
            out.push(Found {
                dir: dir.to_path_buf(),
                problem: None,
            });
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                out.push(Found {
                    dir: dir.to_path_buf(),
                    problem: Some(format!(
                        "cannot read this folder ({e}): a dossier under it would be left out"
                    )),
                });
                return;
            }
        };
        let mut subdirs: Vec<(PathBuf, bool)> = entries
            .flatten()
            .filter_map(|e| {
                let t = e.file_type().ok()?;
                let path = e.path();
                if t.is_dir() {
                    Some((path, false))
                } else if t.is_symlink() && path.is_dir() {
                    Some((path, true))
                } else {
                    None
                }
            })
            .collect();
        subdirs.sort();
        for (sub, link) in subdirs {
            if link {
                if holds_dossier(&sub) {
                    out.push(Found {
                        dir: sub,
                        problem: Some(
                            "a symlink to a dossier folder: not followed; move the folder \
                             here or name it directly"
                                .to_string(),
                        ),
                    });
                }
            } else {
                walk(&sub, out);
            }
        }
    }
    let mut out = Vec::new();
    if root.is_file() {
        out.push(Found {
            dir: root.to_path_buf(),
            problem: None,
        });
    } else {
        walk(root, &mut out);
    }
    out
}
