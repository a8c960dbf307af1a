//! Loaded dossiers and their statements, kept between requests so that a portfolio of
//! 10,000 dossiers answers in well under a second once warm.
//!
//! A dossier is reloaded when its file changes: its size, modification time or inode (a
//! write through `record` renames a new file over the old one, so the inode changes), or
//! the presence of one of its pieces. A statement and a plan are kept by the dossier
//! file's content (its FNV-1a hash and length) and the date, and computed by the same
//! functions as `relance compute` and `relance plan`. A dossier that does not load is
//! loaded again on every request, so that fixing it shows at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use chrono::NaiveDate;

use crate::batch::stable_hash;
use crate::calc::{CalcError, Statement, compute, compute_principal_only};
use crate::dossier::fs::{Loaded, load_dir};
use crate::error::Problems;
use crate::plan::{Plan, plan};
use crate::rules::Rules;

/// Entries kept before the statements are dropped and computed again (bounds memory when
/// a user walks through many dates).
const MAX_COMPUTED: usize = 100_000;

/// What identifies the state of a dossier on disk without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
    /// Whether each piece the dossier names exists.
    pieces: Vec<bool>,
}

struct LoadEntry {
    stamp: Stamp,
    content: (u64, usize),
    loaded: Arc<Loaded>,
}

/// A dossier as the pages and the API see it.
#[derive(Clone)]
pub enum Load {
    Ok {
        loaded: Arc<Loaded>,
        /// The FNV-1a hash and the length of the dossier file's bytes.
        content: (u64, usize),
    },
    Failed(Arc<Problems>),
}

/// What is computed for a dossier on a date.
pub struct Computed {
    /// `relance compute`: the statement, or its error (a rate missing from the rules).
    pub statement: Result<Statement, String>,
    /// `relance plan`.
    pub plan: Result<Plan, String>,
    /// The principal-only statement when the full one cannot be computed (for the aging
    /// of principal amounts, which needs no rate).
    pub principal_only: Option<Statement>,
}

impl Computed {
    /// The statement the aging and principal figures rest on.
    pub fn any_statement(&self) -> Option<&Statement> {
        self.statement
            .as_ref()
            .ok()
            .or(self.principal_only.as_ref())
    }
}

#[derive(Default)]
pub struct Cache {
    loads: Mutex<HashMap<PathBuf, LoadEntry>>,
    computed: Mutex<HashMap<(u64, usize, NaiveDate), Arc<Computed>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The dossier file of a folder when exactly one of `dossier.toml`, `dossier.json` is there.
fn dossier_file(dir: &Path) -> Option<PathBuf> {
    let toml = dir.join("dossier.toml");
    let json = dir.join("dossier.json");
    match (toml.is_file(), json.is_file()) {
        (true, false) => Some(toml),
        (false, true) => Some(json),
        _ => None,
    }
}

fn file_stamp(file: &Path) -> Option<(u64, Option<SystemTime>, u64)> {
    let meta = std::fs::metadata(file).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.len(), meta.modified().ok(), inode))
}

fn piece_states(loaded: &Loaded) -> Vec<bool> {
    loaded
        .dossier
        .piece_paths()
        .into_iter()
        .map(|(_, p)| loaded.dir.join(p).exists())
        .collect()
}

impl Cache {
    /// Forgets every computed statement (the rules changed).
    pub fn forget_computed(&self) {
        lock(&self.computed).clear();
    }

    /// The dossier in folder `dir`, loaded by [`load_dir`] when it changed since last time.
    pub fn load(&self, dir: &Path) -> Load {
        let Some(file) = dossier_file(dir) else {
            return fresh(dir);
        };
        let Some((len, modified, inode)) = file_stamp(&file) else {
            return fresh(dir);
        };
        let known = lock(&self.loads).get(dir).and_then(|entry| {
            (entry.stamp.len == len
                && entry.stamp.modified == modified
                && entry.stamp.inode == inode)
                .then(|| {
                    (
                        Arc::clone(&entry.loaded),
                        entry.content,
                        entry.stamp.pieces.clone(),
                    )
                })
        });
        // The pieces are checked outside the lock: another request may run meanwhile.
        if let Some((loaded, content, pieces)) = known
            && piece_states(&loaded) == pieces
        {
            return Load::Ok { loaded, content };
        }
        // The hash must be of the text that was parsed: read before and after the load,
        // and take the load only when both reads agree (a writer may be between them).
        for _ in 0..3 {
            let Ok(before) = std::fs::read(&file) else {
                return fresh(dir);
            };
            let result = load_dir(dir);
            if std::fs::read(&file).ok().as_ref() != Some(&before) {
                continue;
            }
            return match result {
                Err(p) => {
                    lock(&self.loads).remove(dir);
                    Load::Failed(Arc::new(p))
                }
                Ok(loaded) => {
                    let content = (stable_hash(&before), before.len());
                    let stamp = Stamp {
                        len,
                        modified,
                        inode,
                        pieces: piece_states(&loaded),
                    };
                    let loaded = Arc::new(loaded);
                    lock(&self.loads).insert(
                        dir.to_path_buf(),
                        LoadEntry {
                            stamp,
                            content,
                            loaded: Arc::clone(&loaded),
                        },
                    );
                    Load::Ok { loaded, content }
                }
            };
        }
        fresh(dir)
    }

    /// The statement and the plan of a loaded dossier on `as_of`.
    pub fn computed(
        &self,
        loaded: &Loaded,
        content: (u64, usize),
        rules: &Rules,
        as_of: NaiveDate,
    ) -> Arc<Computed> {
        let key = (content.0, content.1, as_of);
        if let Some(c) = lock(&self.computed).get(&key) {
            return Arc::clone(c);
        }
        let d = &loaded.dossier;
        let statement = compute(d, rules, as_of);
        let principal_only = match &statement {
            Err(CalcError::Rule(_)) => compute_principal_only(d, rules, as_of).ok(),
            _ => None,
        };
        let computed = Arc::new(Computed {
            statement: statement.map_err(|e| e.to_string()),
            plan: plan(d, rules, as_of).map_err(|e| e.to_string()),
            principal_only,
        });
        let mut map = lock(&self.computed);
        if map.len() >= MAX_COMPUTED {
            map.clear();
        }
        map.insert(key, Arc::clone(&computed));
        computed
    }
}

/// A load that is not kept (the folder changes under our feet): its figures are computed,
/// keyed by the content actually read.
fn fresh(dir: &Path) -> Load {
    match load_dir(dir) {
        Ok(loaded) => {
            let bytes = std::fs::read(&loaded.file).unwrap_or_default();
            Load::Ok {
                content: (stable_hash(&bytes), bytes.len()),
                loaded: Arc::new(loaded),
            }
        }
        Err(p) => Load::Failed(Arc::new(p)),
    }
}
