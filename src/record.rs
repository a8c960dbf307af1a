//! Recording what happened: append an event or a payment to a dossier file, keeping its
//! comments and layout, under the dossier's lock, checked before the write, atomically.
//!
//! This is the one writer of dossier files: `relance record` and the web app both call
//! [`record`]. The order is what makes it safe: lock (beside the real file, a symlink
//! resolved), read, build the new text, check it is a valid dossier, copy the piece, check
//! the pieces, write a temporary file with the old file's mode and owner, rename it over the
//! real file, release. Nothing is written when any step fails, and a clean-up removes only
//! what this call created.

mod json;
mod piece;
mod plan;

pub(crate) use plan::toml_date;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::dossier::fs::{check_pieces, find_file, folder_of, format_of, load_file};
use crate::dossier::{Channel, EventKind, Format, parse};
use crate::error::Problems;
use crate::lock::{LockError, lock};

pub use piece::Piece;

/// What to record.
#[derive(Debug, Clone)]
pub enum Entry {
    /// An event (for a letter: the day the debtor received it), with its proof.
    Event {
        date: NaiveDate,
        kind: EventKind,
        /// Without it, the event concerns every invoice.
        invoice: Option<String>,
        channel: Option<Channel>,
        piece: Option<Piece>,
    },
    /// A payment received.
    Payment {
        date: NaiveDate,
        amount: Decimal,
        /// The invoice the debtor said it pays (C. civ. 1342-10).
        invoice: Option<String>,
        /// The bank transfer label, cheque number.
        reference: Option<String>,
    },
}

impl Entry {
    /// `payment of 250.00 EUR on 2026-07-10`, `event formal-notice on 2026-07-03`.
    pub fn describe(&self) -> String {
        match self {
            Entry::Event { date, kind, .. } => format!("event {} on {date}", kind.as_str()),
            Entry::Payment { date, amount, .. } => format!("payment of {amount} EUR on {date}"),
        }
    }
}

/// What [`record`] did.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The dossier file as named by the caller (a symlink is kept; its target was replaced).
    pub file: PathBuf,
    /// The piece as the dossier now names it, relative to the dossier folder.
    pub piece: Option<String>,
}

/// Why nothing was recorded. Every variant means the dossier file and its folder are as
/// they were before the call.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The dossier file has problems of its own: fix them first.
    #[error("{0}\nerror: the dossier has problems: fix them before recording")]
    Invalid(Problems),
    /// The entry would make the dossier invalid (an unknown invoice, a missing piece).
    #[error("{0}")]
    Rejected(Problems),
    /// The call is refused before anything is done (read-only file, piece outside the dossier).
    #[error("{0}")]
    Refused(String),
    /// Another writer holds the dossier's lock.
    #[error(transparent)]
    Locked(#[from] LockError),
    /// Reading or writing failed.
    #[error("{file}: {what}: {source}: nothing was recorded")]
    Io {
        file: String,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
}

fn io(file: &Path, what: &'static str) -> impl FnOnce(std::io::Error) -> RecordError {
    let file = file.display().to_string();
    move |source| RecordError::Io { file, what, source }
}

/// Appends `entry` to the dossier at `dossier` (its folder, or the dossier file), waiting at
/// most `wait` for another writer of the same dossier.
///
/// # Errors
/// See [`RecordError`]; the dossier is then unchanged and nothing is left behind.
pub fn record(
    dossier: &Path,
    entry: &Entry,
    wait: Duration,
    rules: &crate::rules::Rules,
) -> Result<Recorded, RecordError> {
    let file = find_file(dossier).map_err(RecordError::Invalid)?;
    let format = format_of(&file).map_err(RecordError::Invalid)?;
    let shown = file.display().to_string();
    // A symlinked dossier file is updated in its target, and the lock is the target's, so
    // that two paths to one file share a lock.
    let real = file.canonicalize().map_err(io(&file, "cannot resolve"))?;
    let _lock = lock(&real, wait)?;
    remove_stale_temporaries(&real);
    let meta = std::fs::metadata(&real).map_err(io(&file, "cannot read"))?;
    if !meta.is_file() {
        return Err(RecordError::Refused(format!("{shown}: not a regular file")));
    }
    if meta.permissions().readonly() {
        return Err(RecordError::Refused(format!(
            "{shown}: the file is read-only: make it writable to record (nothing was recorded)"
        )));
    }
    load_file(&file).map_err(RecordError::Invalid)?;
    let text = crate::dossier::fs::read_text(&real).map_err(RecordError::Invalid)?;

    let dir = folder_of(&file);
    let placed = match entry {
        Entry::Event {
            piece: Some(piece), ..
        } => Some(piece::place(&dir, piece)?),
        _ => None,
    };
    let (section, fields) = fields(entry, placed.as_ref().map(|p| p.rel.as_str()));
    let new_text = match format {
        Format::Toml => append_toml(&text, section, &fields),
        Format::Json => json::append(&text, section, &fields),
    }
    .map_err(|m| RecordError::Refused(format!("{shown}: {m}")))?;
    // The debtor signed the plan: its `agreed` date (and piece) is set beside the event.
    let new_text = match entry {
        Entry::Event {
            kind: EventKind::PlanAgreed,
            date,
            ..
        } => plan::set_agreed(
            &new_text,
            format,
            *date,
            placed.as_ref().map(|p| p.rel.as_str()),
        )
        .map_err(|m| RecordError::Refused(format!("{shown}: {m}")))?,
        _ => new_text,
    };
    // The new file must be a valid dossier before anything is written.
    let dossier = parse(&new_text, format, &shown).map_err(RecordError::Rejected)?;
    // An agreed plan must add up to what it covers that day (spec §6), under the rules the
    // command runs with (the overlay's rates included).
    crate::calc::payment_plan::check(&dossier, rules)
        .map_err(|e| RecordError::Refused(format!("{shown}: {e}")))?;
    let created = match &placed {
        Some(p) => p.copy()?,
        None => piece::Created::default(),
    };
    let problems = check_pieces(&dossier, &dir, &shown);
    if !problems.is_empty() {
        created.undo();
        return Err(RecordError::Rejected(problems));
    }
    if let Err(e) = replace_keeping_metadata(&real, &meta, new_text.as_bytes()) {
        created.undo();
        return Err(io(&file, "cannot write")(e));
    }
    Ok(Recorded {
        file,
        piece: placed.map(|p| p.rel),
    })
}

pub(crate) enum Field<'a> {
    Date(NaiveDate),
    Str(&'a str),
    Owned(String),
}

impl Field<'_> {
    fn text(&self) -> String {
        match self {
            Field::Date(d) => d.to_string(),
            Field::Str(s) => (*s).to_string(),
            Field::Owned(s) => s.clone(),
        }
    }
}

fn fields<'a>(
    entry: &'a Entry,
    piece: Option<&'a str>,
) -> (&'static str, Vec<(&'static str, Field<'a>)>) {
    match entry {
        Entry::Payment {
            date,
            amount,
            invoice,
            reference,
        } => (
            "payments",
            [
                Some(("date", Field::Date(*date))),
                Some(("amount", Field::Owned(amount.to_string()))),
                invoice.as_deref().map(|n| ("invoice", Field::Str(n))),
                reference.as_deref().map(|r| ("reference", Field::Str(r))),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        Entry::Event {
            date,
            kind,
            invoice,
            channel,
            ..
        } => (
            "events",
            [
                Some(("date", Field::Date(*date))),
                Some(("kind", Field::Str(kind.as_str()))),
                invoice.as_deref().map(|n| ("invoice", Field::Str(n))),
                channel.map(|c| ("channel", Field::Str(c.as_str()))),
                piece.map(|p| ("piece", Field::Str(p))),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
    }
}

fn append_toml(text: &str, section: &str, entry: &[(&str, Field)]) -> Result<String, String> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let mut table = Table::new();
    for (key, field) in entry {
        let v = match field {
            Field::Date(d) => value(toml_edit::Datetime {
                date: Some(toml_edit::Date {
                    year: u16::try_from(d.year()).unwrap_or(0),
                    month: d.month() as u8,
                    day: d.day() as u8,
                }),
                time: None,
                offset: None,
            }),
            other => value(other.text()),
        };
        table.insert(key, v);
    }
    match doc.get_mut(section) {
        Some(Item::ArrayOfTables(list)) => list.push(table),
        Some(_) => {
            return Err(format!(
                "{section} is not an array of tables ([[{section}]])"
            ));
        }
        None => {
            let mut list = ArrayOfTables::new();
            list.push(table);
            doc.insert(section, Item::ArrayOfTables(list));
        }
    }
    Ok(doc.to_string())
}

/// The temporary file of [`replace_keeping_metadata`] for `real` and this process.
fn temporary(real: &Path, pid: u32) -> PathBuf {
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    folder_of(real).join(format!(".{name}.tmp-{pid}"))
}

/// Removes the temporary files a killed writer left beside `real`. Only called under the
/// dossier's lock: no live writer of this file can own one.
fn remove_stale_temporaries(real: &Path) {
    let Some(name) = real.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(folder_of(real)) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let is_ours = file_name
            .strip_prefix(&prefix)
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if is_ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to a temporary file beside `real` with `meta`'s permissions and owner,
/// flushes it, renames it over `real` and flushes the folder.
fn replace_keeping_metadata(
    real: &Path,
    meta: &std::fs::Metadata,
    bytes: &[u8],
) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = temporary(real, std::process::id());
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Never wider than the old file while it is written; set exactly below.
            options.mode(0o600);
        }
        let mut out = options.open(&tmp)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let now = out.metadata()?;
            if (now.uid(), now.gid()) != (meta.uid(), meta.gid()) {
                std::os::unix::fs::fchown(&out, Some(meta.uid()), Some(meta.gid())).map_err(
                    |e| {
                        std::io::Error::new(
                            e.kind(),
                            format!(
                                "cannot keep the file's owner {}:{} ({e})",
                                meta.uid(),
                                meta.gid()
                            ),
                        )
                    },
                )?;
            }
        }
        out.set_permissions(meta.permissions())?;
        out.write_all(bytes)?;
        out.sync_all()?;
        std::fs::rename(&tmp, real)?;
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(folder_of(real)) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
