//! The command line: the only place that touches the disk, the environment or the clock.

mod batch;
mod bundle;
mod check;
mod compute;
mod courts;
mod echeancier;
mod http;
mod import;
mod output;
mod plan;
mod record;
mod render;
mod report;
mod rules;
pub(crate) mod rules_update;
mod serve;
mod table;
mod tsa;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::rules::Rules;

pub use output::write_atomic;
// The web app (`src/serve/`) runs the same code as these commands, so the two never differ.
pub(crate) use batch::in_process as batch_in_process;
pub(crate) use bundle::evidence_bag;
#[cfg(target_os = "linux")]
pub(crate) use output::{sync_filesystem, write_atomic_unsynced};
pub(crate) use plan::dossier_dirs;

const EXAMPLES: &str = "\
Examples:
  relance check examples/atelier-martin
  relance compute examples/atelier-martin --as-of 2026-06-30
  relance compute examples/atelier-martin --as-of 2026-06-30 --format json
  relance rules show ecb-mro --on 2026-01-01
  relance rules check legal-rules
  relance rules status --as-of 2026-12-01
  relance rules fetch ecb --into my-rules
  relance compute examples/atelier-martin --as-of 2026-12-01 --rules-overlay my-rules
  relance bundle examples/atelier-martin --as-of 2026-06-30 --out DOS-2026-0042.zip
  relance verify DOS-2026-0042.zip
  relance import fec 732829320FEC20251231.txt --creditor relance.toml --out dossiers
  relance batch dossiers/ --as-of 2026-06-30 --out out/2026-06-30 --jobs 4
  relance serve examples";

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
    /// Propose a payment plan (échéancier): equal instalments, the last adjusted to the
    /// cent; --write adds it to the dossier.
    #[command(
        after_help = "Examples:\n  relance echeancier examples/atelier-martin --first 2026-07-10 --count 6 --as-of 2026-06-30\n  relance echeancier DOSSIER --first 2026-07-10 --count 10 --every week --covers principal --write"
    )]
    Echeancier(echeancier::Args),
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
    /// Portfolio reports: what is owed by age.
    #[command(subcommand)]
    Report(report::Command),
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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  relance completions bash > ~/.local/share/bash-completion/completions/relance\n  relance completions zsh > ~/.zfunc/_relance"
    )]
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff), generated from the command-line definitions.
    #[command(after_help = "Example:\n  relance man > relance.1 && man ./relance.1")]
    Man,
    /// A local web app over the dossiers of a folder: portfolio, dossier pages with their
    /// statements and documents, forms that record payments and events, imports.
    #[command(after_help = serve::EXAMPLES)]
    Serve(serve::Args),
}

/// Options shared by the commands that need the law.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct RulesArg {
    /// Load the rules from this folder instead of the ones compiled into the binary
    /// (e.g. a copy of legal-rules/ completed with a new half-year's rates).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Merge the values of this folder over the rules (files at the same paths as in
    /// legal-rules/, written by `relance rules add` or `relance rules fetch`). Repeatable,
    /// applied in order. Default: the folder named by RELANCE_RULES_OVERLAY, if set.
    #[arg(long = "rules-overlay", value_name = "DIR")]
    rules_overlay: Vec<PathBuf>,
}

/// The base rule files, the folder they came from, and the overlays to merge over them.
pub(crate) type Parts = (
    Vec<(String, String)>,
    String,
    Vec<crate::rules::overlay::Overlay>,
);

/// The environment variable naming an overlay folder when `--rules-overlay` is not given.
pub(crate) const OVERLAY_ENV: &str = "RELANCE_RULES_OVERLAY";

impl RulesArg {
    pub(crate) fn new(rules: Option<PathBuf>, rules_overlay: Vec<PathBuf>) -> Self {
        RulesArg {
            rules,
            rules_overlay,
        }
    }

    /// The folder given by `--rules`, if any.
    pub(crate) fn base_dir(&self) -> Option<PathBuf> {
        self.rules.clone()
    }

    /// The overlay folders: the `--rules-overlay` flags, else `RELANCE_RULES_OVERLAY`.
    pub(crate) fn overlay_dirs(&self) -> Vec<PathBuf> {
        if !self.rules_overlay.is_empty() {
            return self.rules_overlay.clone();
        }
        match std::env::var_os(OVERLAY_ENV) {
            Some(dir) if !dir.is_empty() => vec![PathBuf::from(dir)],
            _ => Vec::new(),
        }
    }

    /// The same choice of rules, as arguments for a child process (`batch` workers).
    pub(crate) fn child_args(&self) -> Vec<std::ffi::OsString> {
        let mut args = Vec::new();
        if let Some(dir) = &self.rules {
            args.push("--rules".into());
            args.push(dir.clone().into_os_string());
        }
        for dir in self.overlay_dirs() {
            args.push("--rules-overlay".into());
            args.push(dir.into_os_string());
        }
        args
    }

    pub(crate) fn load(&self) -> anyhow::Result<Rules> {
        if self.rules.is_none() && self.overlay_dirs().is_empty() {
            return Ok(Rules::embedded());
        }
        Ok(self.load_with_files()?.0)
    }

    /// The rules and the files they were read from, as `(path relative to the rules
    /// folder, text)`, overlays merged in: what a bundle copies so anyone can recompute its
    /// figures.
    pub(crate) fn load_with_files(&self) -> anyhow::Result<(Rules, Vec<(String, String)>)> {
        self.load_extra(&[])
    }

    /// [`RulesArg::load_with_files`] with `extra` overlays applied last.
    pub(crate) fn load_extra(
        &self,
        extra: &[crate::rules::overlay::Overlay],
    ) -> anyhow::Result<(Rules, Vec<(String, String)>)> {
        let (base, origin, mut overlays) = self.parts(None)?;
        overlays.extend(extra.iter().cloned());
        let merged = crate::rules::overlay::merge(&base, &origin, &overlays)
            .map_err(|p| anyhow::anyhow!("{p}"))?;
        let mut files = merged.files;
        // The court tables name the court, never a figure: not copied into bundles (1 MB of
        // reference data; a bundle's rules recompute its statement without them).
        files.retain(|(p, _)| !p.starts_with(crate::courts::FOLDER));
        Ok((merged.rules, files))
    }

    /// The base rule files, their origin and the overlays read, leaving out the overlay
    /// folder `skip` (the one `rules add --into` is about to rewrite).
    pub(crate) fn parts(&self, skip: Option<&Path>) -> anyhow::Result<Parts> {
        let (base, origin) = match &self.rules {
            None => (
                Rules::embedded_files()
                    .iter()
                    .chain(Rules::embedded_tables())
                    .map(|(p, t)| (p.to_string(), t.to_string()))
                    .collect(),
                "legal-rules".to_string(),
            ),
            Some(dir) => (read_rule_files(dir)?, dir.display().to_string()),
        };
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        let mut overlays = Vec::new();
        for dir in self.overlay_dirs() {
            if skip.is_some_and(|s| same(s, &dir)) {
                continue;
            }
            overlays.push(read_overlay(&dir)?);
        }
        Ok((base, origin, overlays))
    }
}

/// An overlay folder's rule files; a folder that does not exist yet is an empty overlay
/// (`rules add --into` creates it).
pub(crate) fn read_overlay(dir: &Path) -> anyhow::Result<crate::rules::overlay::Overlay> {
    let mut files = Vec::new();
    if dir.exists() {
        collect_toml(dir, dir, &mut files)?;
    } else {
        anyhow::bail!(
            "{}: no such overlay folder (`relance rules add ... --into {}` creates it)",
            dir.display(),
            dir.display()
        );
    }
    Ok(crate::rules::overlay::Overlay {
        origin: dir.display().to_string(),
        files,
    })
}

fn read_rule_files(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    collect_toml(dir, dir, &mut files)?;
    if files.is_empty() {
        anyhow::bail!("{}: no rule file (*.toml) in this folder", dir.display());
    }
    Ok(files)
}

/// Reads every `.toml` file under `dir` (the disk edge of [`Rules::load`]).
pub(crate) fn load_rules_dir(dir: &Path) -> anyhow::Result<Rules> {
    Ok(load_rules_dir_with_files(dir)?.0)
}

/// [`load_rules_dir`], also returning the files read.
pub(crate) fn load_rules_dir_with_files(
    dir: &Path,
) -> anyhow::Result<(Rules, Vec<(String, String)>)> {
    let mut files = read_rule_files(dir)?;
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
            let text = crate::bounded::read_text(&path, crate::bounded::MAX_TEXT)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
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

/// One line pointing to `relance rules status` when the rules lack a value on `as_of`
/// (`check` and `plan` print it on standard error). `given`: the date was given, not today.
pub(crate) fn rules_hint(rules: &Rules, as_of: NaiveDate, given: bool) -> Option<String> {
    let missing = crate::rules::status::uncovered(rules, as_of);
    if missing.is_empty() {
        return None;
    }
    let list: Vec<String> = missing
        .iter()
        .map(|r| match r.covered_until() {
            Some(d) => format!("{} (until {d})", r.id),
            None => r.id.clone(),
        })
        .collect();
    let (on, status) = if given {
        (
            format!("on {as_of}"),
            format!("relance rules status --as-of {as_of}"),
        )
    } else {
        ("today".to_string(), "relance rules status".to_string())
    };
    Some(format!(
        "note: the rules have no value {on} for {}: a computation needing them fails; see `{status}`",
        list.join(", ")
    ))
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
        Command::Echeancier(args) => echeancier::run(args),
        Command::Import(args) => import::run(args),
        Command::Rules(cmd) => rules::run(cmd),
        Command::Report(cmd) => report::run(cmd),
        Command::Bundle(args) => bundle::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "relance", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            std::io::Write::write_all(&mut std::io::stdout(), &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => serve::run(args),
    }
}
