//! `relance import KIND FILE --out DIR`: one dossier per debtor from an accounting export
//! or an e-invoice, and `DIR/import-report.json` (spec §5).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// The file to import.
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
}

fn read(path: &Path) -> Result<Vec<u8>, Problems> {
    std::fs::read(path).map_err(|e| {
        Problems::from(Problem::new(
            &path.display().to_string(),
            "",
            format!("cannot read: {e}"),
        ))
    })
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
    let mut setup = Setup::default();
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
    let bytes = match read(&args.file) {
        Ok(b) => b,
        Err(p) => return Ok(refuse(&p, &args.file)),
    };
    let name = args.file.display().to_string();
    let source = Source {
        name: &name,
        bytes: &bytes,
    };
    let result = match import::import(kind, &source, &setup) {
        Ok(r) => r,
        Err(p) => return Ok(refuse(&p, &args.file)),
    };

    // Never overwrite a dossier someone may have completed by hand, unless told to.
    let out = &args.out;
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

fn create_dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot create the folder: {e}", path.display()))
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic(path, bytes).map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))
}
