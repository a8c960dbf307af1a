//! `relance check DOSSIER`: validate a dossier and report every problem at once.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::dossier::fs::load_dir;
use crate::dossier::{MAX_EVENTS, MAX_INVOICES, MAX_PAYMENTS};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dossier folder (holding dossier.toml or dossier.json), or the file itself.
    dossier: PathBuf,
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
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("error: {} problem(s) found", problems.len());
            Ok(ExitCode::FAILURE)
        }
    }
}
