//! `relance check DOSSIER`: validate a dossier and report every problem at once.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::{RulesArg, as_of_or_today, rules_hint};
use crate::dossier::fs::load_dir;
use crate::dossier::{MAX_EVENTS, MAX_INVOICES, MAX_PAYMENTS};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dossier folder (holding dossier.toml or dossier.json), or the file itself.
    dossier: PathBuf,
    /// Also say whether the rules hold the values a computation on this date needs
    /// (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match load_dir(&args.dossier) {
        Ok(loaded) => {
            let d = &loaded.dossier;
            for warning in d.warnings() {
                eprintln!("warning: {}: {warning}", loaded.file.display());
            }
            println!(
                "{}: OK: dossier {}, regime {}, {} invoice(s), {} payment(s), {} event(s)",
                loaded.file.display(),
                d.reference,
                d.regime().as_str(),
                d.invoices.len(),
                d.payments.len(),
                d.events.len()
            );
            println!(
                "  supported: up to {MAX_INVOICES} invoices, {MAX_PAYMENTS} payments and \
                 {MAX_EVENTS} events per dossier"
            );
            let rules = args.rules.load()?;
            if let Some(hint) = rules_hint(&rules, as_of_or_today(args.as_of), args.as_of.is_some())
            {
                eprintln!("{hint}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("error: {} problem(s) found", problems.len());
            Ok(ExitCode::FAILURE)
        }
    }
}
