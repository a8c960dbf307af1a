//! `relance rules import-courts CSV --into DIR`: the Ministry of Justice's table of the
//! tribunaux judiciaires by commune into a rules folder (`juridictions/`).

use std::path::PathBuf;
use std::process::ExitCode;

use super::write_atomic;
use crate::courts::import::import;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The official CSV ("Liste des juridictions compétentes pour les communes de France",
    /// data.gouv.fr, e.g. 2026-juillet-competences-territoriales.csv).
    csv: PathBuf,
    /// The rules folder to complete (a copy of legal-rules/), then used with --rules DIR.
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.csv)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", args.csv.display()))?;
    let name = args.csv.file_name().map_or_else(
        || args.csv.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let imported = match import(&bytes, &name) {
        Ok(i) => i,
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!(
                "error: {} problem(s) found, nothing written",
                problems.len()
            );
            return Ok(ExitCode::from(1));
        }
    };
    // What is written must load as a court table: check before writing anything.
    let borrowed: Vec<(&str, &str)> = imported
        .files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    if let Err(p) = crate::courts::load(borrowed, &args.into.display().to_string()) {
        anyhow::bail!("the imported table does not load (a bug, please report it):\n{p}");
    }
    let folder = args.into.join("juridictions");
    std::fs::create_dir_all(&folder)
        .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", folder.display()))?;
    // The table first, then the metadata file that names it: an interrupted run leaves a
    // table no metadata names, which the rules loader refuses rather than half-reads.
    for (path, text) in imported.files.iter().rev() {
        let target = args.into.join(path);
        write_atomic(&target, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", target.display()))?;
    }
    println!(
        "{} communes, {} tribunaux judiciaires ({}) written to {}; use it with --rules {}",
        imported.communes,
        imported.courts,
        imported.encoding,
        folder.display(),
        args.into.display()
    );
    Ok(ExitCode::SUCCESS)
}
