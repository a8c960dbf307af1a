//! `relance render DOSSIER --doc KIND --as-of DATE [--out FILE]` and `--all --out DIR`:
//! the letters and court documents as PDF/A (or their text, or the reminder emails).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::{RulesArg, as_of_or_today, write_atomic};
use crate::calc::compute;
use crate::documents::{Attachment, Renderer, render_email};
use crate::letters::{DocKind, LetterError, Options, build_with};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// PDF/A-2b (PDF/A-3b with --attach-statement).
    Pdf,
    /// The document's text as laid out, line by line.
    Text,
    /// The plain-text email (relance-1 to relance-3, the payment-plan letters).
    Email,
    /// The document's mandatory mentions as filled, one per line: `id<TAB>text` (for
    /// checking a PDF with an external text extractor).
    Mentions,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["doc", "all"])))]
pub struct Args {
    /// The dossier folder, or its dossier.toml / dossier.json.
    dossier: PathBuf,
    /// The document: relance-1, relance-2, relance-3, mise-en-demeure, decompte, bordereau,
    /// requete-injonction-de-payer, requete-refere-provision, proposition-echeancier,
    /// relance-echeance, decheance-du-terme.
    #[arg(long, value_name = "KIND", value_parser = doc_kind)]
    doc: Option<DocKind>,
    /// Every document (and the reminder emails), into the folder given by --out.
    #[arg(long, requires = "out")]
    all: bool,
    /// The letter's date, which is also the statement's as-of date (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "pdf")]
    format: Format,
    /// Where to write: a file (or, with --all, a folder). Default: standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Attach the claim statement as JSON inside the PDF (PDF/A-3b).
    #[arg(long)]
    attach_statement: bool,
    /// Claim a disputed invoice in the request for an injonction de payer anyway: the request
    /// then states the dispute and its date (otherwise it is refused).
    #[arg(long)]
    include_disputed: bool,
    /// Load letter templates from this folder over the built-in ones.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
}

fn doc_kind(s: &str) -> Result<DocKind, String> {
    DocKind::parse(s).ok_or_else(|| {
        let names: Vec<&str> = DocKind::ALL.iter().map(|k| k.name()).collect();
        format!(
            "unknown document \"{s}\": expected one of {}",
            names.join(", ")
        )
    })
}

/// One output: a file name and its bytes.
type Output = (String, Vec<u8>);

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let Some(loaded) = super::load_or_report(&args.dossier) else {
        return Ok(ExitCode::FAILURE);
    };
    let as_of = as_of_or_today(args.as_of);
    let statement = compute(&loaded.dossier, &rules, as_of)?;
    let renderer = match &args.templates {
        Some(dir) => Renderer::from_dir(dir)?,
        None => Renderer::embedded(),
    };
    let kinds: Vec<DocKind> = match args.doc {
        Some(k) => vec![k],
        None => DocKind::for_statement(&loaded.dossier, &statement, &rules),
    };
    // Everything is produced in memory first: on any error nothing is written.
    let mut outputs: Vec<Output> = Vec::new();
    let options = Options {
        include_disputed: args.include_disputed,
    };
    for kind in kinds {
        let data = match build_with(kind, &loaded.dossier, &statement, &rules, &options) {
            Ok(d) => d,
            // --all leaves out what cannot be filed, saying why; --doc refuses it.
            Err(e @ LetterError::Refused { .. }) if args.all => {
                eprintln!("warning: {e}: not written");
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        for w in &data.warnings {
            eprintln!("warning: {}: {w}", kind.name());
        }
        // What to verify about the court before filing (the registered office, a postal
        // code the table does not cover, the contribution...).
        if let Some(court_warnings) = data.json["court"]["warnings"].as_array()
            && kind != DocKind::Bordereau
        {
            for w in court_warnings.iter().filter_map(|w| w.as_str()) {
                eprintln!("warning: {}: {w}", kind.name());
            }
        }
        let mut opts = data.render_options();
        if args.attach_statement {
            opts = opts.with_attachment(Attachment {
                name: "decompte.json".to_string(),
                mime: "application/json".to_string(),
                description: format!(
                    "Décompte de créance {} (relance compute --format json)",
                    data.reference
                ),
                bytes: statement.to_json_string().into_bytes(),
            });
        }
        let template = format!("{}.typ", kind.name());
        let want_email = args.format == Format::Email || (args.all && kind.is_letter());
        if args.format == Format::Email || want_email {
            match render_email(kind.name(), &data.json) {
                Ok(text) => outputs.push((format!("{}.email.txt", kind.name()), text.into_bytes())),
                Err(e) if args.format == Format::Email => anyhow::bail!(e),
                Err(_) => {}
            }
            if args.format == Format::Email {
                continue;
            }
        }
        match args.format {
            Format::Mentions => {
                let lines: String = data
                    .mentions
                    .iter()
                    .map(|m| format!("{}\t{}\n", m.id, m.text))
                    .collect();
                outputs.push((format!("{}.mentions.txt", kind.name()), lines.into_bytes()));
            }
            Format::Text => {
                let text = renderer.render_text(&template, &data.json, &opts)?;
                outputs.push((format!("{}.txt", kind.name()), text.into_bytes()));
            }
            Format::Pdf => {
                let pdf = renderer.render_pdf(&template, &data.json, &opts)?;
                outputs.push((format!("{}.pdf", kind.name()), pdf));
            }
            Format::Email => {}
        }
    }
    if args.all {
        eprintln!("{}", all_note(&loaded.dossier, &rules, as_of));
    }
    match (&args.out, args.all) {
        (Some(dir), true) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
            for (name, bytes) in &outputs {
                let path = dir.join(name);
                write_atomic(&path, bytes)
                    .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
                println!("{}", path.display());
            }
        }
        (Some(file), false) => {
            let (_, bytes) = outputs
                .first()
                .ok_or_else(|| anyhow::anyhow!("nothing rendered"))?;
            write_atomic(file, bytes)
                .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", file.display()))?;
        }
        (None, _) => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            for (_, bytes) in &outputs {
                stdout.write_all(bytes)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `--all` drafts every document the dossier allows, all of the same date: a new formal
/// notice and a court request resting on an earlier one must not both be sent. The note
/// names the one step the dunning plan calls for.
fn all_note(
    dossier: &crate::dossier::Dossier,
    rules: &crate::rules::Rules,
    as_of: NaiveDate,
) -> String {
    let lead = format!(
        "note: --all drafts every document the dossier allows, all dated {as_of}: send only the step the plan calls for"
    );
    match crate::plan::plan(dossier, rules, as_of) {
        Ok(p) => match (&p.next_step, p.status) {
            (Some(step), crate::plan::Status::Due) => {
                format!("{lead}: {}, due since {}", step.id, step.date)
            }
            (Some(step), _) => format!("{lead}: none today, next {} on {}", step.id, step.date),
            (None, status) => format!(
                "{lead}: none ({})",
                p.reason
                    .clone()
                    .unwrap_or_else(|| format!("{status:?}").to_lowercase())
            ),
        },
        Err(e) => format!("{lead} (relance plan: {e})"),
    }
}
