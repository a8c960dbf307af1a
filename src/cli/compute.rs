//! `relance compute DOSSIER --as-of DATE`: the claim statement as a table or JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::{RulesArg, as_of_or_today, table, write_atomic};
use crate::calc::compute;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// The statement a lawyer pastes into a letter (French labels, aligned).
    Table,
    /// The JSON object of the dossier spec, §4.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dossier folder (holding dossier.toml or dossier.json), or the file itself.
    dossier: PathBuf,
    /// The date the statement is computed at (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write the statement to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let Some(loaded) = super::load_or_report(&args.dossier) else {
        return Ok(ExitCode::FAILURE);
    };
    let as_of = as_of_or_today(args.as_of);
    let statement = compute(&loaded.dossier, &rules, as_of)?;
    let text = match args.format {
        Format::Json => statement.to_json_string(),
        Format::Table => table::render(&loaded.dossier, &statement),
    };
    match &args.out {
        Some(path) => write_atomic(path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
