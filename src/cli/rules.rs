//! `relance rules list|show|check`: what the law files say, and whether they hold together.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::{RulesArg, as_of_or_today, load_rules_dir};
use crate::rules::Rules;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every rule with its unit, legal basis and the period its values cover.
    List {
        #[command(flatten)]
        rules: RulesArg,
    },
    /// The value of a rule in force on a date, with its source.
    #[command(after_help = "Example:\n  relance rules show ecb-mro --on 2026-01-01")]
    Show {
        /// The rule id (see `relance rules list`).
        id: String,
        /// The date (YYYY-MM-DD); default: today.
        #[arg(long, value_name = "DATE")]
        on: Option<NaiveDate>,
        /// Show every value, not only the one in force.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        rules: RulesArg,
    },
    /// Check a rules folder (default: the rules compiled into the binary): sources, decimals,
    /// no overlap, no gap, every rule the engine needs.
    Check {
        /// The folder to check, e.g. an updated copy of legal-rules/.
        dir: Option<PathBuf>,
    },
    /// Load the Ministry of Justice's table of the tribunaux judiciaires by commune (CSV)
    /// into a rules folder, after checking known communes.
    #[command(
        after_help = "Example:\n  relance rules import-courts 2026-juillet-competences-territoriales.csv --into my-rules"
    )]
    ImportCourts(super::courts::ImportArgs),
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::ImportCourts(args) => super::courts::run(args),
        Command::List { rules } => {
            let rules = rules.load()?;
            for rule in rules.rules.values() {
                let first = rule
                    .values
                    .first()
                    .map(|v| v.from.to_string())
                    .unwrap_or_default();
                let last = rule
                    .values
                    .last()
                    .and_then(|v| v.to)
                    .map_or_else(|| "…".to_string(), |d| d.to_string());
                println!(
                    "{:<24} {:<8} {first} → {last:<10}  {}  [{}]",
                    rule.id,
                    rule.unit.as_str(),
                    rule.article,
                    rule.file
                );
            }
            if let Some(h) = &rules.holidays {
                println!(
                    "{:<24} {:<8} {} day(s)               C. trav. L3133-1, L3134-13  [{}]",
                    h.id,
                    "holidays",
                    h.entries.len(),
                    h.file
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id, on, all, rules } => {
            let rules = rules.load()?;
            let Some(rule) = rules.rule(&id) else {
                anyhow::bail!(
                    "no rule \"{id}\" in {}: see `relance rules list`",
                    rules.origin
                );
            };
            println!("{} — {}", rule.id, rule.title);
            println!("article: {}", rule.article);
            println!("unit:    {}", rule.unit);
            println!("file:    {}/{}", rules.origin, rule.file);
            if all {
                for v in &rule.values {
                    print_value(v);
                }
                return Ok(ExitCode::SUCCESS);
            }
            let date = as_of_or_today(on);
            let (_, v) = rules.value(&id, date, || format!("`relance rules show {id}`"))?;
            println!("on {date}:");
            print_value(v);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { dir } => {
            let (rules, shown) = match &dir {
                Some(d) => (load_rules_dir(d)?, d.display().to_string()),
                None => (Rules::embedded(), "the embedded legal-rules".to_string()),
            };
            let missing = rules.missing_required();
            if !missing.is_empty() {
                anyhow::bail!(
                    "{shown}: missing rule(s) the calculation needs: {}",
                    missing.join(", ")
                );
            }
            let values: usize = rules.rules.values().map(|r| r.values.len()).sum();
            println!(
                "{shown}: OK: {} rules, {values} dated values, {} holidays, {} letter mentions",
                rules.rules.len(),
                rules.holidays.as_ref().map_or(0, |h| h.entries.len()),
                rules.mentions.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_value(v: &crate::rules::RuleValue) {
    let to =
        v.to.map_or_else(|| "(no known end)".to_string(), |d| d.to_string());
    println!("  {}  from {} to {to}", v.value, v.from);
    println!("    source: {}", v.source);
    if let Some(note) = &v.note {
        println!("    note:   {note}");
    }
}
