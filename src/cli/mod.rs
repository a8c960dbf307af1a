//! The command line: the only place that touches the disk, the environment or the clock.

mod batch;
mod bundle;
mod check;
mod compute;
mod courts;
mod import;
mod output;
mod plan;
mod record;
mod render;
mod rules;
mod table;
mod tsa;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::rules::Rules;

pub use output::write_atomic;
#[cfg(target_os = "linux")]
pub(crate) use output::{sync_filesystem, write_atomic_unsynced};

const EXAMPLES: &str = "\
Examples:
  relance check examples/atelier-martin
  relance compute examples/atelier-martin --as-of 2026-06-30
  relance compute examples/atelier-martin --as-of 2026-06-30 --format json
  relance rules show ecb-mro --on 2026-01-01
  relance rules check legal-rules
  relance bundle examples/atelier-martin --as-of 2026-06-30 --out DOS-2026-0042.zip
  relance verify DOS-2026-0042.zip
  relance import fec 732829320FEC20251231.txt --creditor relance.toml --out dossiers
  relance batch dossiers/ --as-of 2026-06-30 --out out/2026-06-30 --jobs 4";

/// French pre-litigation debt collection: claim statements from a dossier and dated rules.
#[derive(Debug, Parser)]
#[command(name = "relance", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a dossier: every problem at once, with file, field and value.
    #[command(
        after_help = "Examples:\n  relance check examples/atelier-martin\n  relance check path/to/dossier.json"
    )]
    Check(check::Args),
    /// Compute the claim statement (décompte) as of a date.
    #[command(
        after_help = "Examples:\n  relance compute examples/atelier-martin --as-of 2026-06-30\n  relance compute examples/atelier-martin --as-of 2026-06-30 --format json --out statement.json\n  relance compute DOSSIER --as-of 2026-09-30 --rules ./my-legal-rules"
    )]
    Compute(compute::Args),
    /// Render a letter or court document as PDF/A, its text, or a reminder email.
    #[command(
        after_help = "Examples:\n  relance render examples/atelier-martin --doc mise-en-demeure --as-of 2026-06-30 --out med.pdf\n  relance render examples/atelier-martin --all --as-of 2026-06-30 --out out/\n  relance render examples/atelier-martin --doc relance-1 --as-of 2026-06-30 --format email"
    )]
    Render(render::Args),
    /// The dunning plan: the step reached and the next one with its date, per dossier.
    #[command(
        after_help = "Examples:\n  relance plan examples/atelier-martin --as-of 2026-06-30\n  relance plan dossiers/ --as-of 2026-06-30 --format json"
    )]
    Plan(plan::Args),
    /// Append an event or a payment to a dossier, keeping its comments and layout.
    #[command(
        after_help = "Examples:\n  relance record DOSSIER --kind formal-notice --date 2026-07-03 --channel registered-letter --piece ar.pdf\n  relance record DOSSIER --payment 250.00 --date 2026-07-10 --invoice F-2026-001 --reference \"VIR 10/07\""
    )]
    Record(record::Args),
    /// Import an accounting export (CSV, FEC) or an e-invoice (Factur-X, CII, UBL): one
    /// dossier per debtor with an open balance, and import-report.json.
    #[command(
        after_help = "Examples:\n  relance import fec 732829320FEC20251231.txt --creditor relance.toml --out dossiers\n  relance import csv factures.csv --creditor relance.toml --customers clients.csv --out dossiers\n  relance import facturx F-2026-0101.pdf --out dossiers"
    )]
    Import(import::Args),
    /// List, show and check the rule files (rates, amounts, periods, holidays).
    #[command(subcommand)]
    Rules(rules::Command),
    /// Seal a dossier, its pieces, the statement and the rules used into an evidence bundle
    /// (a zip that is a BagIt bag and an ASiC-E container), optionally time-stamped.
    #[command(after_help = bundle::EXAMPLES)]
    Bundle(bundle::Args),
    /// Produce everything due on a date for every dossier of a folder, in parallel: the
    /// step's letter or email, the statement and the evidence bundle, with a summary.
    #[command(after_help = batch::EXAMPLES)]
    Batch(batch::Args),
    /// Check an evidence bundle: every hash, every manifest, the time-stamp, the seal.
    #[command(after_help = verify::EXAMPLES)]
    Verify(verify::Args),
}

/// Options shared by the commands that need the law.
#[derive(Debug, clap::Args)]
pub(crate) struct RulesArg {
    /// Load the rules from this folder instead of the ones compiled into the binary
    /// (e.g. a copy of legal-rules/ completed with a new half-year's rates).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

impl RulesArg {
    /// The rules folder given, if any.
    pub(crate) fn dir(&self) -> Option<&Path> {
        self.rules.as_deref()
    }

    pub(crate) fn load(&self) -> anyhow::Result<Rules> {
        match &self.rules {
            None => Ok(Rules::embedded()),
            Some(dir) => load_rules_dir(dir),
        }
    }

    /// The rules and the files they were read from, as `(path relative to the rules
    /// folder, text)`: what a bundle copies so anyone can recompute its figures.
    pub(crate) fn load_with_files(&self) -> anyhow::Result<(Rules, Vec<(String, String)>)> {
        match &self.rules {
            None => Ok((
                Rules::embedded(),
                Rules::embedded_files()
                    .iter()
                    .filter(|(p, _)| !p.starts_with(crate::courts::FOLDER))
                    .map(|(p, t)| (p.to_string(), t.to_string()))
                    .collect(),
            )),
            Some(dir) => load_rules_dir_with_files(dir),
        }
    }
}

/// Reads every `.toml` file under `dir` (the disk edge of [`Rules::load`]).
pub(crate) fn load_rules_dir(dir: &Path) -> anyhow::Result<Rules> {
    Ok(load_rules_dir_with_files(dir)?.0)
}

/// [`load_rules_dir`], also returning the files read.
pub(crate) fn load_rules_dir_with_files(
    dir: &Path,
) -> anyhow::Result<(Rules, Vec<(String, String)>)> {
    let mut files = Vec::new();
    collect_toml(dir, dir, &mut files)?;
    if files.is_empty() {
        anyhow::bail!("{}: no rule file (*.toml) in this folder", dir.display());
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let rules =
        Rules::load(borrowed, &dir.display().to_string()).map_err(|p| anyhow::anyhow!("{p}"))?;
    // The court tables name the court, never a figure: not copied into bundles (1 MB of
    // reference data; a bundle's rules recompute its statement without them).
    files.retain(|(p, _)| !p.starts_with(crate::courts::FOLDER));
    Ok((rules, files))
}

fn collect_toml(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> anyhow::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot read the rules folder: {e}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect_toml(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml")
            || (path.extension().is_some_and(|e| e == "csv")
                && path
                    .strip_prefix(root)
                    .is_ok_and(|r| r.starts_with("juridictions")))
        {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
            out.push((rel, text));
        }
    }
    Ok(())
}

/// Loads a dossier for a command, or prints every problem and their count on standard
/// error: `None` means the command exits with status 1, having written nothing.
pub(crate) fn load_or_report(path: &Path) -> Option<crate::dossier::fs::Loaded> {
    match crate::dossier::fs::load_dir(path) {
        Ok(loaded) => Some(loaded),
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("error: {} problem(s) found", problems.len());
            None
        }
    }
}

/// The as-of date: given, or today. The only place the clock is read.
pub(crate) fn as_of_or_today(as_of: Option<NaiveDate>) -> NaiveDate {
    #[allow(clippy::disallowed_methods)]
    as_of.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Parses the command line and runs it; prints the error once.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Compute(args) => compute::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Render(args) => render::run(args),
        Command::Record(args) => record::run(args),
        Command::Import(args) => import::run(args),
        Command::Rules(cmd) => rules::run(cmd),
        Command::Bundle(args) => bundle::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Verify(args) => verify::run(args),
    }
}
