//! `relance plan DIR|DOSSIER --as-of DATE`: which dunning step is due when, for one dossier
//! or every dossier under a folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use serde::Serialize;

use super::{RulesArg, as_of_or_today};
use crate::dossier::fs::{find_dossiers, load_dir};
use crate::plan::{Plan, plan};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A dossier folder or file, or a folder holding dossier folders (searched recursively).
    path: PathBuf,
    /// The date to plan at (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    rules: RulesArg,
}

/// One dossier's outcome: its plan, or why it could not be planned.
#[derive(Serialize)]
#[serde(untagged)]
enum Outcome {
    Planned(Box<Plan>),
    Failed { path: String, error: String },
}

/// Every folder under `root` that holds a dossier file, as `plan` finds them (a folder that
/// cannot be read is kept: loading it reports why).
pub(crate) fn dossier_dirs(root: &Path) -> Vec<PathBuf> {
    find_dossiers(root).into_iter().map(|f| f.dir).collect()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let as_of = as_of_or_today(args.as_of);
    let dirs = find_dossiers(&args.path);
    if dirs.is_empty() {
        anyhow::bail!(
            "{}: no dossier (dossier.toml or dossier.json) found",
            args.path.display()
        );
    }
    let mut outcomes = Vec::with_capacity(dirs.len());
    for found in &dirs {
        let dir = &found.dir;
        if let Some(problem) = &found.problem {
            outcomes.push(Outcome::Failed {
                path: dir.display().to_string(),
                error: format!("{}: {problem}", dir.display()),
            });
            continue;
        }
        let outcome = match load_dir(dir) {
            Err(problems) => Outcome::Failed {
                path: dir.display().to_string(),
                error: problems.to_string(),
            },
            Ok(loaded) => match plan(&loaded.dossier, &rules, as_of) {
                Ok(p) => Outcome::Planned(Box::new(p)),
                Err(e) => Outcome::Failed {
                    path: dir.display().to_string(),
                    error: e.to_string(),
                },
            },
        };
        outcomes.push(outcome);
    }
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed { .. }))
        .count();
    match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&outcomes)?;
            s.push('\n');
            print!("{s}");
        }
        Format::Table => print!("{}", table(&outcomes, as_of)),
    }
    if let Some(hint) = super::rules_hint(&rules, as_of, args.as_of.is_some()) {
        eprintln!("{hint}");
    }
    if failed > 0 {
        eprintln!("error: {failed} dossier(s) could not be planned");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn table(outcomes: &[Outcome], as_of: NaiveDate) -> String {
    use std::fmt::Write as _;
    let fr = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut out = String::new();
    let _ = writeln!(out, "PLAN DE RELANCE au {}", fr(as_of));
    for o in outcomes {
        let _ = writeln!(out);
        match o {
            Outcome::Failed { path, error } => {
                let _ = writeln!(out, "{path} : ERREUR");
                for line in error.lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
            Outcome::Planned(p) => {
                let _ = writeln!(
                    out,
                    "{} — {} : {}",
                    p.reference,
                    p.debtor,
                    p.status.label_fr()
                );
                let amount = p
                    .total_due
                    .as_deref()
                    .unwrap_or(&p.outstanding)
                    .replace('.', ",");
                let what = if p.total_due.is_some() {
                    "reste dû"
                } else {
                    "principal restant dû"
                };
                let _ = writeln!(out, "  {what} : {amount} €");
                if let Some(s) = &p.last_step {
                    let _ = writeln!(out, "  dernière étape : {} le {}", s.title, fr(s.date));
                }
                if let Some(s) = &p.next_step {
                    // How and with which document, leaving out what the step has not.
                    let how: Vec<&str> = [s.channel.as_deref(), s.document.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect();
                    let how = if how.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", how.join(", "))
                    };
                    let _ = writeln!(
                        out,
                        "  prochaine étape : {} le {}{how}",
                        s.title,
                        fr(s.date)
                    );
                }
                if let Some(r) = &p.reason {
                    let _ = writeln!(out, "  motif : {r}");
                }
                for w in &p.warnings {
                    let _ = writeln!(out, "  attention : {w}");
                }
            }
        }
    }
    out
}
