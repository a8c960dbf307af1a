//! `relance import KIND FILE --out DIR`: one dossier per debtor from an accounting export
//! or an e-invoice, and `DIR/import-report.json` (spec §5).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[cfg(not(target_os = "linux"))]
use super::write_atomic;
use crate::dossier::parse_creditor_file;
use crate::error::{Problem, Problems};
use crate::import::{self, Kind, REPORT_FILE, Setup, Source};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum KindArg {
    /// A spreadsheet with the documented columns (see the README, "Importing").
    Csv,
    /// The French accounting export, named <SIREN>FEC<AAAAMMJJ>.txt.
    Fec,
    /// A Factur-X / ZUGFeRD PDF (the CII XML embedded in it).
    Facturx,
    /// A CII XML invoice (EN 16931).
    Cii,
    /// A UBL XML invoice or credit note (EN 16931).
    Ubl,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What FILE is.
    #[arg(value_enum)]
    kind: KindArg,
    /// The file to import; for facturx, cii and ubl, also a folder of them (its *.pdf or
    /// *.xml files): one dossier per buyer with all its invoices.
    file: PathBuf,
    /// The creditor's [creditor] table, optionally [terms], [agency] and payment_days
    /// (default 30). Required for csv and fec; for e-invoices it completes the seller's data
    /// and must have the seller's SIREN.
    #[arg(long, value_name = "CREDITOR.toml", required_if_eq_any([("kind", "csv"), ("kind", "fec")]))]
    creditor: Option<PathBuf>,
    /// What the source lacks about each debtor: columns key,kind,name,siren,address,email
    /// (address lines separated by " | ").
    #[arg(long, value_name = "CUSTOMERS.csv")]
    customers: Option<PathBuf>,
    /// The folder receiving one <key>/dossier.toml per debtor and import-report.json.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace dossiers already in DIR (by default an existing dossier.toml is never
    /// overwritten and nothing is written).
    #[arg(long)]
    force: bool,
    /// FEC: the closing date of the fiscal year (YYYY-MM-DD), instead of the one in the
    /// file name (a misnamed file); the report notes it.
    #[arg(long, value_name = "DATE")]
    closing_date: Option<chrono::NaiveDate>,
    /// FEC: write the dossiers even when an account's ledger balance differs from the
    /// balance imported (lines rejected); without it, nothing is written.
    #[arg(long)]
    accept_differences: bool,
}

/// Reads an input bounded by the bytes read (`/dev/zero` or a FIFO report no size).
fn read(path: &Path) -> Result<Vec<u8>, Problems> {
    crate::bounded::read(path, crate::bounded::MAX_IMPORT)
        .map_err(|e| Problems::from(Problem::new(&path.display().to_string(), "", e.to_string())))
}

fn refuse(problems: &Problems, file: &Path) -> ExitCode {
    eprintln!("{problems}");
    eprintln!(
        "error: {} refused ({} problem(s)): nothing written",
        file.display(),
        problems.len()
    );
    ExitCode::FAILURE
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let kind = match args.kind {
        KindArg::Csv => Kind::Csv,
        KindArg::Fec => Kind::Fec,
        KindArg::Facturx => Kind::Facturx,
        KindArg::Cii => Kind::Cii,
        KindArg::Ubl => Kind::Ubl,
    };
    let mut setup = Setup {
        closing_date: args.closing_date,
        ..Setup::default()
    };
    if let Some(path) = &args.creditor {
        let shown = path.display().to_string();
        let parsed = read(path).and_then(|bytes| {
            let text = String::from_utf8(bytes)
                .map_err(|_| Problems::from(Problem::new(&shown, "", "not UTF-8 text")))?;
            parse_creditor_file(&text, &shown)
        });
        match parsed {
            Ok(c) => setup.creditor = Some(c),
            Err(p) => return Ok(refuse(&p, path)),
        }
    }
    if let Some(path) = &args.customers {
        let shown = path.display().to_string();
        match read(path).and_then(|bytes| import::parse_customers(&bytes, &shown)) {
            Ok(c) => setup.customers = Some(c),
            Err(p) => return Ok(refuse(&p, path)),
        }
    }
    let name = args.file.display().to_string();
    let imported = if args.file.is_dir() {
        import_folder(kind, &args.file, &setup)
    } else {
        read(&args.file).and_then(|bytes| import::import_owned(kind, &name, bytes, &setup))
    };
    let result = match imported {
        Ok(r) => r,
        Err(p) => return Ok(refuse(&p, &args.file)),
    };

    let out = &args.out;
    // A ledger that does not reconcile would give dossiers that misstate what is owed.
    let differences = result.report.differences();
    if !differences.is_empty() {
        for a in &differences {
            eprintln!(
                "{}: account {}: ledger balance {}{}, imported {}, difference {} (rejected line(s) {})",
                args.file.display(),
                a.account,
                a.ledger_balance,
                if a.complete {
                    ""
                } else {
                    " without the line(s) whose amount cannot be read"
                },
                a.imported_balance,
                a.difference,
                a.rejected_lines
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !args.accept_differences {
            for p in result.rejected.iter() {
                eprintln!("warning: line not imported: {p}");
            }
            eprintln!(
                "error: {} account(s) do not reconcile with the ledger: nothing written; fix \
                 the rejected lines, or give --accept-differences",
                differences.len()
            );
            return Ok(ExitCode::FAILURE);
        }
        eprintln!(
            "warning: {} account(s) do not reconcile with the ledger (--accept-differences)",
            differences.len()
        );
    }
    // Never overwrite a dossier someone may have completed by hand, unless told to.
    if !args.force {
        let existing: Vec<PathBuf> = result
            .dossiers
            .iter()
            .map(|d| out.join(&d.key).join("dossier.toml"))
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
            .collect();
        if !existing.is_empty() {
            for p in &existing {
                eprintln!(
                    "{}: already exists: not overwritten (use --force to replace it)",
                    p.display()
                );
            }
            eprintln!(
                "error: {} dossier(s) already in {}: nothing written",
                existing.len(),
                out.display()
            );
            return Ok(ExitCode::FAILURE);
        }
    }
    for d in &result.dossiers {
        let dir = out.join(&d.key);
        for piece in &d.pieces {
            let path = dir.join(&piece.path);
            if let Some(parent) = path.parent() {
                create_dir(parent)?;
            }
            write_file(&path, &piece.bytes)?;
        }
        create_dir(&dir)?;
        write_file(&dir.join("dossier.toml"), d.toml.as_bytes())?;
    }
    create_dir(out)?;
    write_file(
        &out.join(REPORT_FILE),
        result.report.to_json_string().as_bytes(),
    )?;
    // One flush of the file system for every file written (a flush per dossier costs a
    // journal commit each: 5,000 dossiers took seconds), before success is reported.
    #[cfg(target_os = "linux")]
    super::output::sync_filesystem(out)
        .map_err(|e| anyhow::anyhow!("{}: cannot flush to disk: {e}", out.display()))?;

    for p in result.rejected.iter() {
        eprintln!("warning: line not imported: {p}");
    }
    let report = &result.report;
    println!(
        "{}: {} dossier(s) written in {}, {} debtor(s) skipped, {} line(s) rejected; see {}",
        report.source,
        report.summary.dossiers,
        out.display(),
        report.summary.skipped_debtors,
        report.summary.rejected_lines,
        out.join(REPORT_FILE).display()
    );
    for d in &report.dossiers {
        println!(
            "  {}  {}: {} invoice(s), {} payment(s), open balance {}",
            out.join(&d.path).display(),
            d.debtor,
            d.invoices,
            d.payments,
            d.open_balance
        );
    }
    for s in &report.skipped_debtors {
        println!(
            "  skipped {} ({}): {}, {}",
            s.account,
            s.name.as_deref().unwrap_or("no name"),
            s.open_balance,
            s.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// At most this many files in a folder imported at once, and this many bytes in all.
const MAX_FOLDER_FILES: usize = 10_000;
const MAX_FOLDER_BYTES: u64 = 512 << 20;

/// The e-invoices of a folder (`*.pdf` for Factur-X, `*.xml` for CII and UBL, not in
/// sub-folders, in name order) imported together.
fn import_folder(kind: Kind, dir: &Path, setup: &Setup) -> Result<import::Import, Problems> {
    let shown = dir.display().to_string();
    let ext = if kind == Kind::Facturx { "pdf" } else { "xml" };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Problems::from(Problem::new(
            &shown,
            "",
            format!("cannot read the folder: {e}"),
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)))
        .collect();
    files.sort();
    if files.len() > MAX_FOLDER_FILES {
        return Err(Problem::new(
            &shown,
            "",
            format!(
                "{} files, more than the {MAX_FOLDER_FILES} imported at once: split the folder",
                files.len()
            ),
        )
        .into());
    }
    let mut problems = Problems::default();
    let mut read_files = Vec::new();
    let mut total = 0u64;
    for f in &files {
        match read(f) {
            Ok(bytes) => {
                total += bytes.len() as u64;
                read_files.push((f.display().to_string(), bytes));
            }
            Err(p) => problems.0.extend(p.0),
        }
        if total > MAX_FOLDER_BYTES {
            return Err(Problem::new(
                &shown,
                "",
                format!(
                    "more than {} MiB of files: split the folder",
                    MAX_FOLDER_BYTES >> 20
                ),
            )
            .into());
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let sources: Vec<Source<'_>> = read_files
        .iter()
        .map(|(name, bytes)| Source { name, bytes })
        .collect();
    let folder = Source {
        name: &shown,
        bytes: &[],
    };
    import::import_folder(kind, &folder, &sources, setup)
}

fn create_dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot create the folder: {e}", path.display()))
}

/// Atomic (a temporary file renamed), flushed to disk once at the end on Linux.
fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    #[cfg(target_os = "linux")]
    let written = super::output::write_atomic_unsynced(path, bytes);
    #[cfg(not(target_os = "linux"))]
    let written = write_atomic(path, bytes);
    written.map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))
}
