//! `relance rules list|show|check|status|add|fetch`: what the law files say, whether they
//! hold together and cover a date, and how to add the values published since.

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
        /// Check this overlay merged over the rules (repeatable).
        #[arg(long = "rules-overlay", value_name = "DIR")]
        overlay: Vec<PathBuf>,
    },
    /// Every rule, the last day its values cover, when it was last checked, and what a
    /// computation on the date would miss, with the command that adds it. Exit 1 when one is
    /// missing.
    #[command(
        after_help = "Examples:\n  relance rules status\n  relance rules status --as-of 2026-12-01 --rules-overlay my-rules"
    )]
    Status {
        /// The date (YYYY-MM-DD); default: today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        rules: RulesArg,
    },
    /// Add a dated value to an overlay folder, after checking it against the merged rules
    /// (gap, overlap, unit, decimal): written atomically, comments kept, or nothing written.
    #[command(after_help = super::rules_update::ADD_EXAMPLES)]
    Add(super::rules_update::AddArgs),
    /// Fetch published values into an overlay folder: `ecb`, the ECB main refinancing
    /// operations rate from the ECB Data Portal.
    #[command(subcommand)]
    Fetch(super::rules_update::Fetch),
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
                    "{:<24} {:<8} {first} → {last:<10}  {} ({})  [{}]",
                    rule.id,
                    rule.unit.as_str(),
                    rule.label,
                    rule.article,
                    rule.file
                );
            }
            if let Some(h) = &rules.holidays {
                println!(
                    "{:<24} {:<8} {} day(s)               {} (C. trav. L3133-1, L3134-13)  [{}]",
                    h.id,
                    "holidays",
                    h.entries.len(),
                    h.label,
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
            println!("{} — {}", rule.id, rule.label);
            println!("title:   {}", rule.title);
            println!("article: {}", rule.article);
            for (with, article) in &rule.uses {
                println!("  with {with}: {article}");
            }
            println!("checked: {}", rule.last_checked);
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
        Command::Status { as_of, rules } => {
            let rules = rules.load()?;
            Ok(status(&rules, as_of_or_today(as_of)))
        }
        Command::Add(args) => super::rules_update::add(args),
        Command::Fetch(f) => super::rules_update::fetch(f),
        Command::Check { dir, overlay } => {
            let (rules, mut shown) = match &dir {
                Some(d) => (load_rules_dir(d)?, d.display().to_string()),
                None => (Rules::embedded(), "the embedded legal-rules".to_string()),
            };
            let rules = if overlay.is_empty() {
                rules
            } else {
                let arg = RulesArg::new(dir.clone(), overlay.clone());
                for o in &overlay {
                    shown.push_str(&format!(" + {}", o.display()));
                }
                arg.load()?
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

/// `relance rules status`: one line per rule, then the way out of each missing one.
fn status(rules: &Rules, date: NaiveDate) -> ExitCode {
    let mut origin = rules.origin.clone();
    for o in &rules.overlays {
        origin.push_str(&format!(" + overlay {o}"));
    }
    println!("Rules on {date} ({origin}):");
    let all = crate::rules::status::status(rules, date);
    for s in &all {
        let until = s
            .covered_until
            .map_or_else(|| "no known end".to_string(), |d| format!("until {d}"));
        let state = if s.missing.is_some() { "MISSING" } else { "ok" };
        println!(
            "  {:<24} {:<17} checked {}  {state:<7}  {}",
            s.id, until, s.last_checked, s.label
        );
    }
    if let Some(h) = &rules.holidays {
        println!(
            "  {:<24} {:<17} checked {}  {:<7}  {}",
            h.id, "no known end", h.last_checked, "ok", h.label
        );
    }
    let missing: Vec<_> = all.iter().filter(|s| s.missing.is_some()).collect();
    if missing.is_empty() {
        println!("Every rule has a value on {date}.");
        return ExitCode::SUCCESS;
    }
    println!(
        "{} rule(s) have no value on {date}: a computation needing them fails.",
        missing.len()
    );
    for s in missing {
        println!("  {}: {}", s.id, s.missing.as_deref().unwrap_or_default());
    }
    ExitCode::FAILURE
}

fn print_value(v: &crate::rules::RuleValue) {
    let to =
        v.to.map_or_else(|| "(no known end)".to_string(), |d| d.to_string());
    let provisional = if v.provisional {
        " (last day known, provisional)"
    } else {
        ""
    };
    println!("  {}  from {} to {to}{provisional}", v.value, v.from);
    println!("    source: {}", v.source);
    if let Some(note) = &v.note {
        println!("    note:   {note}");
    }
}
