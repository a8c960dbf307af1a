//! `relance record DOSSIER ...`: append an event or a payment to the dossier file, keeping
//! its comments and layout, atomically; the new file is checked before it replaces the old.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Datelike, NaiveDate};

use super::write_atomic;
use crate::dossier::fs::{check_pieces, load_dir};
use crate::dossier::{Format, parse, parse_amount};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    Reminder,
    FormalNotice,
    Acknowledgment,
    Dispute,
    IpServed,
    /// The notice of a missed instalment of the payment plan.
    InstalmentNotice,
    /// The payment plan has ended (déchéance du terme).
    PlanEnded,
    /// The debtor signed the payment plan: also sets payment_plan.agreed (and piece).
    PlanAgreed,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Channel {
    Email,
    Letter,
    RegisteredLetter,
    Phone,
    Sms,
}

fn kebab<T: clap::ValueEnum>(v: &T) -> String {
    v.to_possible_value()
        .expect("no skipped values")
        .get_name()
        .to_string()
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["kind", "payment"])))]
pub struct Args {
    /// The dossier folder, or its dossier.toml / dossier.json.
    dossier: PathBuf,
    /// The event to record (for a letter: the day the debtor received it).
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Record a payment of this amount instead (e.g. 250.00).
    #[arg(long, value_name = "AMOUNT", conflicts_with_all = ["kind", "channel", "piece"])]
    payment: Option<String>,
    /// The date of the event or payment (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    date: NaiveDate,
    /// The invoice concerned (events: without it, every invoice; payments: the one the
    /// debtor said it pays).
    #[arg(long, value_name = "NUMBER")]
    invoice: Option<String>,
    #[arg(long, value_enum)]
    channel: Option<Channel>,
    /// A proof: a file inside the dossier folder, or a file copied into its pieces/ folder.
    #[arg(long, value_name = "FILE")]
    piece: Option<PathBuf>,
    /// The payment's reference (bank transfer label, cheque number).
    #[arg(long, value_name = "TEXT", requires = "payment")]
    reference: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let loaded = match load_dir(&args.dossier) {
        Ok(l) => l,
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("error: the dossier has problems: fix them before recording");
            return Ok(ExitCode::FAILURE);
        }
    };
    let file = loaded.file.clone();
    let shown = file.display().to_string();
    let format = if file.extension().is_some_and(|e| e == "json") {
        Format::Json
    } else {
        Format::Toml
    };
    let text = std::fs::read_to_string(&file)?;

    if let Some(amount) = &args.payment {
        parse_amount(amount).map_err(|m| anyhow::anyhow!("--payment: \"{amount}\": {m}"))?;
    }
    // Where the piece will be, relative to the dossier folder, and what to copy there.
    let (piece_rel, copy) = match &args.piece {
        None => (None, None),
        Some(p) => {
            let (rel, copy) = place_piece(&loaded.dir, p)?;
            (Some(rel), copy)
        }
    };

    let (section, entry): (&str, Vec<(&str, Field)>) = match (&args.payment, args.kind) {
        (Some(amount), _) => (
            "payments",
            [
                Some(("date", Field::Date(args.date))),
                Some(("amount", Field::Str(amount.clone()))),
                args.invoice.clone().map(|n| ("invoice", Field::Str(n))),
                args.reference.clone().map(|r| ("reference", Field::Str(r))),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        (None, Some(kind)) => (
            "events",
            [
                Some(("date", Field::Date(args.date))),
                Some(("kind", Field::Str(kebab(&kind)))),
                args.invoice.clone().map(|n| ("invoice", Field::Str(n))),
                args.channel.map(|c| ("channel", Field::Str(kebab(&c)))),
                piece_rel.clone().map(|p| ("piece", Field::Str(p))),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        (None, None) => unreachable!("clap requires --kind or --payment"),
    };
    let mut new_text = match format {
        Format::Toml => append_toml(&text, section, &entry)?,
        Format::Json => append_json(&text, section, &entry)?,
    };
    if matches!(args.kind, Some(Kind::PlanAgreed)) && args.payment.is_none() {
        new_text =
            super::echeancier::set_agreed(&new_text, format, args.date, piece_rel.as_deref())
                .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    }
    // The new file must be a valid dossier before anything is written.
    let dossier = parse(&new_text, format, &shown).map_err(|p| anyhow::anyhow!("{p}"))?;
    // An agreed plan must add up to what it covers that day (spec §6). `record` takes no
    // --rules: the compiled-in law is the one it checks against.
    crate::calc::payment_plan::check(&dossier, &crate::rules::Rules::embedded())
        .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let mut copied = None;
    if let Some((from, to)) = &copy {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        write_atomic(to, &std::fs::read(from)?)?;
        copied = Some(to.clone());
    }
    let problems = check_pieces(&dossier, &loaded.dir, &shown);
    if !problems.is_empty() {
        if let Some(c) = copied {
            let _ = std::fs::remove_file(c);
        }
        anyhow::bail!("{problems}");
    }
    write_atomic(&file, new_text.as_bytes())
        .map_err(|e| anyhow::anyhow!("{shown}: cannot write: {e}"))?;
    let what = match (&args.payment, args.kind) {
        (Some(a), _) => format!("payment of {a} EUR"),
        (None, Some(k)) => format!("event {}", kebab(&k)),
        _ => String::new(),
    };
    println!("{shown}: recorded {what} on {}", args.date);
    Ok(ExitCode::SUCCESS)
}

enum Field {
    Date(NaiveDate),
    Str(String),
}

/// A piece inside the dossier folder is named relative to it; one outside is copied into
/// `pieces/` (never over a different file of the same name).
fn place_piece(dir: &Path, piece: &Path) -> anyhow::Result<(String, Option<(PathBuf, PathBuf)>)> {
    let real = piece
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("--piece {}: {e}", piece.display()))?;
    if !real.is_file() {
        anyhow::bail!("--piece {}: not a regular file", piece.display());
    }
    let root = dir.canonicalize()?;
    if let Ok(rel) = real.strip_prefix(&root) {
        let rel = rel.to_string_lossy().replace('\\', "/");
        return Ok((rel, None));
    }
    let name = real
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("--piece {}: no file name", piece.display()))?
        .to_string_lossy()
        .into_owned();
    let target = root.join("pieces").join(&name);
    if target.exists() && std::fs::read(&target)? != std::fs::read(&real)? {
        anyhow::bail!(
            "--piece {}: pieces/{name} already exists with other content: rename the file",
            piece.display()
        );
    }
    Ok((format!("pieces/{name}"), Some((real, target))))
}

fn append_toml(text: &str, section: &str, entry: &[(&str, Field)]) -> anyhow::Result<String> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let mut doc: DocumentMut = text.parse()?;
    let mut table = Table::new();
    for (key, field) in entry {
        let v = match field {
            Field::Date(d) => value(toml_edit::Datetime {
                date: Some(toml_edit::Date {
                    year: d.year() as u16,
                    month: d.month() as u8,
                    day: d.day() as u8,
                }),
                time: None,
                offset: None,
            }),
            Field::Str(s) => value(s.as_str()),
        };
        table.insert(key, v);
    }
    match doc.get_mut(section) {
        Some(Item::ArrayOfTables(list)) => list.push(table),
        Some(_) => anyhow::bail!("{section} is not an array of tables ([[{section}]])"),
        None => {
            let mut list = ArrayOfTables::new();
            list.push(table);
            doc.insert(section, Item::ArrayOfTables(list));
        }
    }
    Ok(doc.to_string())
}

fn append_json(text: &str, section: &str, entry: &[(&str, Field)]) -> anyhow::Result<String> {
    let mut doc: serde_json::Value = serde_json::from_str(text)?;
    let mut obj = serde_json::Map::new();
    for (key, field) in entry {
        let v = match field {
            Field::Date(d) => d.to_string(),
            Field::Str(s) => s.clone(),
        };
        obj.insert((*key).to_string(), serde_json::Value::String(v));
    }
    let root = doc
        .as_object_mut()
        .ok_or_else(|| anyhow::anyhow!("not a JSON object"))?;
    let list = root
        .entry(section)
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    list.as_array_mut()
        .ok_or_else(|| anyhow::anyhow!("{section} is not an array"))?
        .push(serde_json::Value::Object(obj));
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}
