//! `relance echeancier DOSSIER --first DATE --count N`: propose a payment plan (equal
//! instalments, the last one adjusted to the cent); `--write` adds it to the dossier as
//! `[payment_plan]`, without `agreed`, which `relance record --kind plan-agreed` sets once
//! the debtor signs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use chrono::NaiveDate;

use super::{RulesArg, as_of_or_today, write_atomic};
use crate::calc::schedule::{Every, Proposal, propose};
use crate::documents::format::format_eur;
use crate::dossier::{Format, PlanCovers, parse};
use crate::money::cents_string;
use crate::record::toml_date;

/// `month`, `week` or a number of days.
#[derive(Debug, Clone, Copy)]
struct EveryArg(Every);

impl FromStr for EveryArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "month" => Ok(EveryArg(Every::Month)),
            "week" => Ok(EveryArg(Every::Week)),
            n => match n.parse::<u32>() {
                Ok(d) if (1..=366).contains(&d) => Ok(EveryArg(Every::Days(d))),
                _ => Err("expected month, week or a number of days from 1 to 366".to_string()),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Covers {
    /// Everything due: principal, penalties or interest accrued, indemnities.
    Total,
    /// The principal only, the accrued accessories waived as long as the plan is kept.
    Principal,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum OutFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dossier folder, or its dossier.toml / dossier.json.
    dossier: PathBuf,
    /// The first instalment's due date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    first: NaiveDate,
    /// How many instalments (1 to 120).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=120))]
    count: u32,
    /// month, week, or a number of days between instalments.
    #[arg(long, value_name = "month|week|DAYS", default_value = "month")]
    every: EveryArg,
    #[arg(long, value_enum, default_value = "total")]
    covers: Covers,
    /// The day the plan is to be agreed: what it covers is computed on that day (default:
    /// today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "table")]
    format: OutFormat,
    /// Add the plan to the dossier file as [payment_plan] (atomically, checked).
    #[arg(long)]
    write: bool,
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let Some(loaded) = super::load_or_report(&args.dossier) else {
        return Ok(ExitCode::FAILURE);
    };
    let as_of = as_of_or_today(args.as_of);
    let covers = match args.covers {
        Covers::Total => PlanCovers::Total,
        Covers::Principal => PlanCovers::Principal,
    };
    let proposal = propose(
        &loaded.dossier,
        &rules,
        as_of,
        covers,
        args.first,
        args.count,
        args.every.0,
    )?;
    if args.write {
        let file = &loaded.file;
        let shown = file.display().to_string();
        if loaded.dossier.payment_plan.is_some() {
            anyhow::bail!("{shown}: payment_plan: the dossier already has a payment plan");
        }
        let format = if file.extension().is_some_and(|e| e == "json") {
            Format::Json
        } else {
            Format::Toml
        };
        let text = std::fs::read_to_string(file)?;
        let new_text = add_plan(&text, format, &proposal)?;
        // The new file must be a valid dossier before anything is written.
        parse(&new_text, format, &shown).map_err(|p| anyhow::anyhow!("{p}"))?;
        write_atomic(file, new_text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{shown}: cannot write: {e}"))?;
        eprintln!(
            "{shown}: payment plan written; once the debtor signs: relance record {} --kind plan-agreed --date DATE --piece SIGNED.pdf",
            args.dossier.display()
        );
    }
    match args.format {
        OutFormat::Table => print!("{}", table(&proposal)),
        OutFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json(&proposal))?;
            s.push('\n');
            print!("{s}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn table(p: &Proposal) -> String {
    let mut out = format!(
        "Échéancier proposé au {} : {} ({}), factures {}\n",
        p.as_of.format("%d/%m/%Y"),
        format_eur(p.covered),
        match p.covers {
            PlanCovers::Total => "tout ce qui est dû",
            PlanCovers::Principal => "le principal seul",
        },
        p.invoices.join(", ")
    );
    for (k, i) in p.instalments.iter().enumerate() {
        out.push_str(&format!(
            "{:>4}  {}  {:>16}\n",
            k + 1,
            i.due.format("%d/%m/%Y"),
            format_eur(i.amount)
        ));
    }
    out.push_str(&format!("Total {:>33}\n", format_eur(p.covered)));
    out
}

fn json(p: &Proposal) -> serde_json::Value {
    serde_json::json!({
        "as_of": p.as_of.to_string(),
        "covers": p.covers.as_str(),
        "invoices": p.invoices,
        "covered": cents_string(p.covered),
        "instalments": p.instalments.iter().map(|i| serde_json::json!({
            "due": i.due.to_string(),
            "amount": cents_string(i.amount),
        })).collect::<Vec<_>>(),
    })
}

/// The dossier text with `[payment_plan]` added, its comments and layout kept.
///
/// One function for TOML and JSON, so that it moves as one piece to the library's record
/// code.
fn add_plan(text: &str, format: Format, p: &Proposal) -> anyhow::Result<String> {
    match format {
        Format::Toml => {
            use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};
            let mut doc: DocumentMut = text.parse()?;
            let mut plan = Table::new();
            let mut invoices = Array::new();
            for n in &p.invoices {
                invoices.push(n.as_str());
            }
            plan.insert("invoices", value(invoices));
            plan.insert("covers", value(p.covers.as_str()));
            let mut list = ArrayOfTables::new();
            for i in &p.instalments {
                let mut t = Table::new();
                t.insert("due", value(toml_date(i.due)));
                t.insert("amount", value(cents_string(i.amount)));
                list.push(t);
            }
            plan.insert("instalments", Item::ArrayOfTables(list));
            doc.insert("payment_plan", Item::Table(plan));
            Ok(doc.to_string())
        }
        Format::Json => {
            let mut doc: serde_json::Value = serde_json::from_str(text)?;
            let root = doc
                .as_object_mut()
                .ok_or_else(|| anyhow::anyhow!("not a JSON object"))?;
            root.insert(
                "payment_plan".to_string(),
                serde_json::json!({
                    "invoices": p.invoices,
                    "covers": p.covers.as_str(),
                    "instalments": p.instalments.iter().map(|i| serde_json::json!({
                        "due": i.due.to_string(),
                        "amount": cents_string(i.amount),
                    })).collect::<Vec<_>>(),
                }),
            );
            let mut s = serde_json::to_string_pretty(&doc)?;
            s.push('\n');
            Ok(s)
        }
    }
}
