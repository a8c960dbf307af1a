//! Batch production: which dossiers a shard takes, what a due dunning step produces, and
//! the summary of a run. No disk, no clock: `cli/batch.rs` reads the dossiers, runs them in
//! parallel and writes what this module returns.
//!
//! A shard is chosen by a stable hash of the dossier's reference (FNV-1a, 64 bits), so that
//! `n` machines given `--shard 0/n` .. `--shard n-1/n` share a folder of dossiers with no
//! coordination: each dossier falls in exactly one shard, whatever machine, run or order.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::bundle::File;
use crate::calc::Statement;
use crate::documents::{Renderer, render_email};
use crate::dossier::Dossier;
use crate::letters::{DocKind, build};
use crate::plan::{Plan, Status};
use crate::rules::Rules;

/// FNV-1a, 64 bits: a hash that is the same on every machine and every run (unlike
/// `std::hash`, randomly seeded per process), which is all sharding needs.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
}

/// One part of a batch: `index` in `0..count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole batch, as one shard.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether the dossier whose reference is `key` falls in this shard.
    ///
    /// # Example
    /// ```
    /// use relance::batch::Shard;
    /// let shards: Vec<Shard> = (0..3).map(|i| format!("{i}/3").parse().unwrap()).collect();
    /// // Every reference falls in exactly one shard.
    /// assert_eq!(shards.iter().filter(|s| s.takes("DOS-2026-0042")).count(), 1);
    /// ```
    pub fn takes(&self, key: &str) -> bool {
        stable_hash(key.as_bytes()) % self.count == self.index
    }

    /// Part `k` of `parts` of this shard: shard `index + count * k` of `count * parts`,
    /// since `h % (count * parts) == index + count * k` implies `h % count == index`.
    ///
    /// # Example
    /// ```
    /// use relance::batch::Shard;
    /// let shard: Shard = "1/3".parse().unwrap();
    /// for r in ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"] {
    ///     let parts = (0..2).filter(|k| shard.part(*k, 2).takes(r)).count();
    ///     assert_eq!(parts, usize::from(shard.takes(r)));
    /// }
    /// ```
    pub fn part(&self, k: u64, parts: u64) -> Shard {
        Shard {
            index: self.index + self.count * k,
            count: self.count * parts,
        }
    }

    /// The summary files' suffix: none for the whole batch, `-1-of-4` for a shard, so
    /// shards writing to one shared folder never overwrite each other's summary.
    pub fn suffix(&self) -> String {
        if *self == Shard::ALL {
            String::new()
        } else {
            format!("-{}-of-{}", self.index, self.count)
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `i/n` with `0 <= i < n`, numbered from 0 as Kubernetes' `JOB_COMPLETION_INDEX` and
    /// Slurm's `SLURM_ARRAY_TASK_ID` (with `--array=0-(n-1)`) are.
    ///
    /// # Errors
    /// Not two integers separated by `/`, `n` = 0, or `i` >= `n`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("\"{s}\": expected i/n with 0 <= i < n, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// The output folder of a dossier: its reference when that is already a portable file name
/// (ASCII letters, digits, `-`, `_`, `.`, not starting with a dot, at most 100 characters,
/// not a reserved Windows device name such as `CON`, `NUL`, `COM1`, and not ending like a
/// hashed name), else the reference with every other character replaced by `_` (cut to 100
/// characters) and its hash appended. A kept reference never ends in `-` and 16 hex digits,
/// so no reference is kept as the hashed name of another; two references that still meet
/// (differing only in case, or a hash collision) are refused by the batch, both named.
///
/// # Example
/// ```
/// use relance::batch::folder_name;
/// assert_eq!(folder_name("DOS-2026-0042"), "DOS-2026-0042");
/// assert_ne!(folder_name("A/B"), folder_name("A_B"));
/// assert!(folder_name("../x").starts_with("_._x-"));
/// let hashed = folder_name("DOS 2026/0042");
/// assert_ne!(folder_name(&hashed), hashed);
/// assert!(folder_name("CON").starts_with("CON-"));
/// ```
pub fn folder_name(reference: &str) -> String {
    const MAX: usize = 100;
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !reference.is_empty()
        && !reference.starts_with('.')
        && reference.len() <= MAX
        && reference.chars().all(safe)
        && !is_reserved_on_windows(reference)
        && !looks_hashed(reference)
    {
        return reference.to_string();
    }
    let cleaned: String = reference
        .chars()
        .take(MAX)
        .map(|c| if safe(c) { c } else { '_' })
        .collect();
    let cleaned = cleaned.replacen('.', "_", usize::from(cleaned.starts_with('.')));
    format!("{cleaned}-{:016x}", stable_hash(reference.as_bytes()))
}

/// `NAME-` followed by 16 lowercase hex digits: the shape [`folder_name`] gives a hashed name.
fn looks_hashed(name: &str) -> bool {
    name.len() > 17
        && name.as_bytes()[name.len() - 17] == b'-'
        && name[name.len() - 16..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Device names Windows reserves whatever the extension or case (`CON`, `nul.txt`, `COM1`),
/// and names ending in a dot, which Windows silently strips.
fn is_reserved_on_windows(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let stem = upper.split('.').next().unwrap_or("");
    name.ends_with('.')
        || matches!(stem, "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

/// What a due step produced for one dossier: the files of its folder (the bundle aside),
/// and warnings (an email the scenario asks for but no template provides).
#[derive(Debug, Default)]
pub struct Produced {
    pub files: Vec<File>,
    pub warnings: Vec<String>,
}

impl Produced {
    /// The PDFs among the files: what the dossier's evidence bundle carries.
    pub fn pdfs(&self) -> Vec<File> {
        self.files
            .iter()
            .filter(|f| f.path.ends_with(".pdf"))
            .cloned()
            .collect()
    }
}

/// Produces the documents of the step `document` (a plan's `next_step.document`: a
/// template name such as `mise-en-demeure`, or `email:NAME`), and the statement as PDF and
/// JSON (`decompte.pdf`, `decompte.json`):
///
/// - a letter: `<doc>.pdf`, and `<doc>.email.txt` when an email version exists;
/// - `email:NAME`: `NAME.email.txt` (a warning when no email template has that name);
/// - `requete-injonction-de-payer`: also the exhibit list `bordereau.pdf` filed with it.
///
/// # Errors
/// The step names no known document; the dossier lacks data a document prints (the
/// debtor's address...); a template fails to render.
pub fn produce(
    document: &str,
    dossier: &Dossier,
    statement: &Statement,
    rules: &Rules,
    renderer: &Renderer,
) -> Result<Produced, String> {
    let mut out = Produced::default();
    let pdf = |kind: DocKind, out: &mut Produced| -> Result<serde_json::Value, String> {
        let data = build(kind, dossier, statement, rules).map_err(|e| e.to_string())?;
        let opts = data.render_options();
        let bytes = renderer
            .render_pdf(&format!("{}.typ", kind.name()), &data.json, &opts)
            .map_err(|e| format!("{}: {e}", kind.name()))?;
        out.files
            .push(File::new(format!("{}.pdf", kind.name()), bytes));
        Ok(data.json)
    };
    if let Some(name) = document.strip_prefix("email:") {
        // An email step: the email only, with the data of the letter of that name when
        // there is one (the reminders), else of the first reminder.
        let kind = DocKind::parse(name).unwrap_or(DocKind::Relance1);
        let data = build(kind, dossier, statement, rules).map_err(|e| e.to_string())?;
        match render_email(name, &data.json) {
            Ok(text) => out.files.push(File::new(format!("{name}.email.txt"), text)),
            Err(e) => out
                .warnings
                .push(format!("{document}: {e}: to be written by hand")),
        }
    } else {
        let kind = DocKind::parse(document).ok_or_else(|| {
            format!("the scenario's step asks for document \"{document}\", which has no template")
        })?;
        let data = pdf(kind, &mut out)?;
        if kind.is_letter() {
            // Only the reminders have an email version; the formal notice goes by post.
            if let Ok(text) = render_email(kind.name(), &data) {
                out.files
                    .push(File::new(format!("{}.email.txt", kind.name()), text));
            }
        }
        if matches!(kind, DocKind::RequeteInjonction | DocKind::RequeteRefere) {
            pdf(DocKind::Bordereau, &mut out)?;
        }
    }
    if !out.files.iter().any(|f| f.path == "decompte.pdf") {
        pdf(DocKind::Decompte, &mut out)?;
    }
    out.files
        .push(File::new("decompte.json", statement.to_json_string()));
    Ok(out)
}

/// What happened to one dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Its due step's documents, statement and bundle were written.
    Produced,
    /// No step is due on the date (waiting, paid, stopped or completed): nothing written.
    Skipped,
    /// It could not be loaded, planned or produced: the reason is in `error`.
    Failed,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Produced => "produced",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "failed",
        }
    }
}

/// One line of the summary (and what a worker process reports, one JSON line each).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The dossier's reference (absent when it could not be loaded).
    pub reference: Option<String>,
    /// The dossier folder, relative to the batch's folder.
    pub path: String,
    pub outcome: Outcome,
    /// The plan's status on the date (absent when it could not be planned).
    pub status: Option<Status>,
    /// The next step (produced now when due, later otherwise), its document and date.
    pub step: Option<String>,
    pub document: Option<String>,
    pub date: Option<NaiveDate>,
    pub total_due: Option<String>,
    /// The files written, relative to the output folder, sorted.
    pub files: Vec<String>,
    pub warnings: Vec<String>,
    pub error: Option<String>,
}

impl Entry {
    /// An entry for the dossier at `path` with its plan, before anything is produced.
    pub fn planned(path: String, plan: &Plan, outcome: Outcome) -> Entry {
        let mut warnings = plan.warnings.clone();
        if outcome == Outcome::Skipped
            && let Some(reason) = &plan.reason
        {
            warnings.push(reason.clone());
        }
        Entry {
            reference: Some(plan.reference.clone()),
            path,
            outcome,
            status: Some(plan.status),
            step: plan.next_step.as_ref().map(|s| s.id.clone()),
            document: plan.next_step.as_ref().and_then(|s| s.document.clone()),
            date: plan.next_step.as_ref().map(|s| s.date),
            total_due: plan.total_due.clone(),
            files: Vec::new(),
            warnings,
            error: None,
        }
    }

    /// A dossier that failed, with what is known of it.
    pub fn failed(reference: Option<String>, path: String, error: String) -> Entry {
        Entry {
            reference,
            path,
            outcome: Outcome::Failed,
            status: None,
            step: None,
            document: None,
            date: None,
            total_due: None,
            files: Vec::new(),
            warnings: Vec::new(),
            error: Some(error),
        }
    }
}

/// The summary of a run (or of one shard of it): every dossier of the shard, sorted by
/// reference then path, with the counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub as_of: NaiveDate,
    /// `i/n`, or absent for a whole batch.
    pub shard: Option<String>,
    pub dossiers: usize,
    pub produced: usize,
    pub skipped: usize,
    pub failed: usize,
    pub entries: Vec<Entry>,
}

impl Summary {
    pub fn new(as_of: NaiveDate, shard: Shard, mut entries: Vec<Entry>) -> Summary {
        entries.sort_by(|a, b| {
            (a.reference.as_deref().unwrap_or(""), &a.path)
                .cmp(&(b.reference.as_deref().unwrap_or(""), &b.path))
        });
        let count = |o: Outcome| entries.iter().filter(|e| e.outcome == o).count();
        Summary {
            as_of,
            shard: (shard != Shard::ALL).then(|| shard.to_string()),
            dossiers: entries.len(),
            produced: count(Outcome::Produced),
            skipped: count(Outcome::Skipped),
            failed: count(Outcome::Failed),
            entries,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a summary serialises");
        s.push('\n');
        s
    }

    /// One row per dossier: `reference,path,outcome,status,step,document,date,total_due,
    /// files,warnings,error`; files separated by spaces, warnings by ` | `.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "reference",
            "path",
            "outcome",
            "status",
            "step",
            "document",
            "date",
            "total_due",
            "files",
            "warnings",
            "error",
        ];
        let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
        for e in &self.entries {
            rows.push(vec![
                e.reference.clone().unwrap_or_default(),
                e.path.clone(),
                e.outcome.name().to_string(),
                e.status
                    .map(|s| {
                        serde_json::to_value(s)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    })
                    .unwrap_or_default(),
                e.step.clone().unwrap_or_default(),
                e.document.clone().unwrap_or_default(),
                e.date.map(|d| d.to_string()).unwrap_or_default(),
                e.total_due.clone().unwrap_or_default(),
                e.files.join(" "),
                e.warnings.join(" | "),
                e.error.clone().unwrap_or_default().replace('\n', " | "),
            ]);
        }
        for row in rows {
            let row: Vec<String> = row.into_iter().map(neutralise).collect();
            w.write_record(&row).expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 fields")
    }
}

/// A cell a spreadsheet would take as a formula (it begins with `=`, `+`, `-`, `@`, a tab or
/// a carriage return) gets a leading `'`, which spreadsheets show as text: OWASP's advice on
/// CSV injection. A dossier's reference or an error quoting a dossier value could carry one.
fn neutralise(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("DOS-1", "DOS-1"),
        ] {
            assert_eq!(neutralise(cell.to_string()), want);
        }
    }

    #[test]
    fn folder_names_are_injective_and_portable() {
        let hashed = folder_name("DOS 2026/0042");
        assert!(hashed.starts_with("DOS_2026_0042-"), "{hashed}");
        assert_ne!(folder_name(&hashed), hashed);
        for reserved in ["CON", "nul", "COM1", "lpt9.txt", "AUX.", "A."] {
            assert_ne!(folder_name(reserved), reserved);
        }
        assert_eq!(folder_name("COM10"), "COM10");
        let long = "A".repeat(300);
        assert!(folder_name(&long).len() < 130);
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV test suite (draft-eastlake-fnv): "" and "a".
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["4/4", "1/0", "1", "-1/3", "a/b", "1/3/4"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_partition_references() {
        let shards: Vec<Shard> = (0..7).map(|index| Shard { index, count: 7 }).collect();
        let mut sizes = [0usize; 7];
        for i in 0..7000 {
            let reference = format!("DOS-{i:05}");
            let takers: Vec<usize> = (0..7).filter(|s| shards[*s].takes(&reference)).collect();
            assert_eq!(takers.len(), 1);
            sizes[takers[0]] += 1;
        }
        // Roughly even: no shard gets less than half or more than twice its share.
        assert!(sizes.iter().all(|s| (500..2000).contains(s)), "{sizes:?}");
    }

    #[test]
    fn folder_names_are_safe_and_distinct() {
        for (reference, expected_prefix) in [
            ("DOS-1", "DOS-1"),
            (".hidden", "_hidden-"),
            ("a b/c", "a_b_c-"),
            ("..", "_.-"),
            ("Dossier n°1", "Dossier_n_1-"),
        ] {
            let name = folder_name(reference);
            assert!(name.starts_with(expected_prefix), "{reference}: {name}");
            assert!(!name.starts_with('.') && !name.contains('/'), "{name}");
        }
        assert_ne!(folder_name("a b"), folder_name("a_b"));
    }
}
