//! `relance rules add` and `relance rules fetch ecb`: new values into an overlay folder,
//! checked against the merged rules before anything is written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;

use super::{RulesArg, as_of_or_today, write_atomic};
use crate::rules::add::{NewValue, append, parse_value};
use crate::rules::overlay::{Overlay, merge};
use crate::rules::{Rule, Rules, ecb};

pub const ADD_EXAMPLES: &str = "\
Examples:
  relance rules add legal-rate-other --from 2026-07-01 --to 2026-12-31 --value 2.75 \\
    --source https://www.legifrance.gouv.fr/jorf/id/JORFTEXT... \\
    --note \"Arrêté du ... relatif à la fixation du taux de l'intérêt légal\" --into my-rules
  relance compute DOSSIER --as-of 2026-12-01 --rules-overlay my-rules

The value is checked against the rules merged with every overlay given (gap, overlap,
unit, decimal); a refusal names the value it clashes with and its dates, and writes nothing.";

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The rule id (see `relance rules list`).
    id: String,
    /// First day in force (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: NaiveDate,
    /// Last day in force (YYYY-MM-DD); omit only for a value with no known end.
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// The value, a decimal with a point in the rule's unit ("2.15", "2.15 %", "40 €").
    #[arg(long, value_name = "V", allow_hyphen_values = true)]
    value: String,
    /// The address of the text that fixes the value (https://...).
    #[arg(long, value_name = "URL")]
    source: String,
    /// What a reviewer should know (for a legal rate: the arrêté and its JORF date).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// The `to` date is only the last day known, not an end: a later value may start before.
    #[arg(long, requires = "to")]
    provisional: bool,
    /// Replace the sourced values this one overlaps (a correction: --note says why).
    #[arg(long, requires = "note")]
    corrects: bool,
    /// The day the value was checked against its source: sets the file's last_checked.
    #[arg(long, value_name = "DATE")]
    checked: Option<NaiveDate>,
    /// The overlay folder to write into (created if needed).
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
    #[command(flatten)]
    rules: RulesArg,
}

#[derive(Debug, clap::Subcommand)]
pub enum Fetch {
    /// The ECB main refinancing operations rate (ECB Data Portal, series FM,
    /// B.U2.EUR.4F.KR.MRR_FR.LEV), from the day after the last value held to --until.
    #[command(
        after_help = "Examples:\n  relance rules fetch ecb --into my-rules\n  relance rules fetch ecb --into my-rules --until 2026-12-01"
    )]
    Ecb(FetchEcbArgs),
}

#[derive(Debug, clap::Args)]
pub struct FetchEcbArgs {
    /// The overlay folder to write into (created if needed).
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
    /// The last day the fetched values cover (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    until: Option<NaiveDate>,
    /// The ECB Data Portal's base address (e.g. a local server with recorded answers).
    #[arg(long, value_name = "URL", default_value = ecb::ENDPOINT)]
    endpoint: String,
    #[command(flatten)]
    rules: RulesArg,
}

/// The rules to check against, with `into` as it is now, and `into` itself.
struct Target {
    base: Vec<(String, String)>,
    origin: String,
    overlays: Vec<Overlay>,
    into: Overlay,
}

impl Target {
    fn read(rules: &RulesArg, into: &Path) -> anyhow::Result<Target> {
        let (base, origin, overlays) = rules.parts(Some(into))?;
        let into = if into.exists() {
            super::read_overlay(into)?
        } else {
            Overlay {
                origin: into.display().to_string(),
                files: Vec::new(),
            }
        };
        Ok(Target {
            base,
            origin,
            overlays,
            into,
        })
    }

    /// The merged rules with `into` replaced by `with` (or as it is).
    fn merged(&self, with: Option<&Overlay>) -> Result<Rules, crate::error::Problems> {
        let mut all = self.overlays.clone();
        all.push(with.unwrap_or(&self.into).clone());
        Ok(merge(&self.base, &self.origin, &all)?.rules)
    }

    fn existing(&self, file: &str) -> Option<&str> {
        self.into
            .files
            .iter()
            .find(|(p, _)| p == file)
            .map(|(_, t)| t.as_str())
    }

    /// Checks `text` as the overlay file of `rule`, then writes it atomically: the merged
    /// rules, or the problems found (nothing written).
    fn write(
        &self,
        rule: &Rule,
        text: String,
    ) -> anyhow::Result<Result<Rules, crate::error::Problems>> {
        let mut next = self.into.clone();
        match next.files.iter_mut().find(|(p, _)| *p == rule.file) {
            Some(slot) => slot.1 = text.clone(),
            None => next.files.push((rule.file.clone(), text.clone())),
        }
        let merged = match self.merged(Some(&next)) {
            Ok(rules) => rules,
            Err(problems) => return Ok(Err(problems)),
        };
        let path = Path::new(&self.into.origin).join(&rule.file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", parent.display()))?;
        }
        write_atomic(&path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
        Ok(Ok(merged))
    }

    /// [`Target::write`], the problems printed to stderr.
    fn write_or_report(&self, rule: &Rule, text: String) -> anyhow::Result<Option<Rules>> {
        match self.write(rule, text)? {
            Ok(rules) => Ok(Some(rules)),
            Err(problems) => {
                eprintln!("{problems}");
                eprintln!(
                    "error: {} problem(s) found: nothing written to {}",
                    problems.len(),
                    self.into.origin
                );
                Ok(None)
            }
        }
    }
}

/// One value to add to an overlay, as a user typed it (the CLI's flags, the web form).
#[derive(Debug, Clone, Default)]
pub(crate) struct AddRequest {
    pub id: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub value: String,
    pub source: String,
    pub note: Option<String>,
    pub provisional: bool,
    pub corrects: bool,
    pub checked: Option<NaiveDate>,
}

/// Adds `req` to the overlay folder `into`, checked against the rules merged with every
/// overlay before anything is written: `Ok(Ok(what was added))`, `Ok(Err(why refused))`
/// (nothing written), `Err` when the files cannot be read or written.
pub(crate) fn add_value(
    rules: &RulesArg,
    into: &Path,
    req: &AddRequest,
) -> anyhow::Result<Result<String, String>> {
    let target = Target::read(rules, into)?;
    let merged = match target.merged(None) {
        Ok(r) => r,
        Err(p) => {
            return Ok(Err(format!(
                "{p}\nthe rules and overlays given do not merge"
            )));
        }
    };
    let Some(rule) = merged.rule(&req.id) else {
        return Ok(Err(format!(
            "no rule \"{}\" in {}: see `relance rules list`",
            req.id, merged.origin
        )));
    };
    let value = match parse_value(&req.value, rule.unit) {
        Ok(v) => v,
        Err(m) => return Ok(Err(format!("value: {m}"))),
    };
    if !(req.source.starts_with("https://") || req.source.starts_with("http://")) {
        return Ok(Err(format!(
            "source: \"{}\": expected the URL of the text that fixes the value (https://...)",
            req.source
        )));
    }
    let new = NewValue {
        from: req.from,
        to: req.to,
        value,
        source: req.source.clone(),
        note: req.note.clone(),
        provisional: req.provisional,
        corrects: req.corrects,
    };
    let base_shown = format!("{}/{}", merged.origin, rule.file);
    let text = match append(
        target.existing(&rule.file),
        rule,
        &base_shown,
        std::slice::from_ref(&new),
        req.checked,
    ) {
        Ok(t) => t,
        Err(e) => return Ok(Err(format!("{}/{}: {e}", into.display(), rule.file))),
    };
    if let Err(problems) = target.write(rule, text)? {
        return Ok(Err(problems.to_string()));
    }
    let to = new
        .to
        .map_or_else(|| "with no known end".to_string(), |d| format!("to {d}"));
    Ok(Ok(format!(
        "{}/{}: added {} = {} ({}) from {} {to}",
        into.display(),
        rule.file,
        rule.id,
        new.value,
        rule.unit,
        new.from
    )))
}

fn find_rule<'r>(rules: &'r Rules, id: &str) -> anyhow::Result<&'r Rule> {
    rules.rule(id).ok_or_else(|| {
        anyhow::anyhow!(
            "no rule \"{id}\" in {}: see `relance rules list`",
            rules.origin
        )
    })
}

fn merged_or_report(target: &Target) -> anyhow::Result<Rules> {
    target.merged(None).map_err(|p| {
        anyhow::anyhow!("{p}\nthe rules and overlays given do not merge: fix them first")
    })
}

pub fn add(args: AddArgs) -> anyhow::Result<ExitCode> {
    let req = AddRequest {
        id: args.id.clone(),
        from: args.from,
        to: args.to,
        value: args.value.clone(),
        source: args.source.clone(),
        note: args.note.clone(),
        provisional: args.provisional,
        corrects: args.corrects,
        checked: args.checked,
    };
    match add_value(&args.rules, &args.into, &req)? {
        Ok(done) => {
            println!("{done}");
            println!(
                "pass --rules-overlay {} (or set RELANCE_RULES_OVERLAY) to use it",
                args.into.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            eprintln!("{why}");
            eprintln!("error: nothing written to {}", args.into.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn fetch(f: Fetch) -> anyhow::Result<ExitCode> {
    let Fetch::Ecb(args) = f;
    let target = Target::read(&args.rules, &args.into)?;
    let rules = merged_or_report(&target)?;
    let rule = find_rule(&rules, "ecb-mro")?;
    let until = as_of_or_today(args.until);
    let url = ecb::request_url(&args.endpoint);
    let body = super::http::get(&url, "text/csv")?;
    let shown_file = format!("{}/{}", rules.origin, rule.file);
    let values = ecb::parse_csv(&body)
        .and_then(|obs| ecb::values_after(&obs, rule, &shown_file, until, &url))
        .map_err(|e| anyhow::anyhow!("{url}: {e}: nothing written"))?;
    let text = append(
        target.existing(&rule.file),
        rule,
        &shown_file,
        &values,
        Some(until),
    )
    .map_err(|e| anyhow::anyhow!("{}/{}: {e}", args.into.display(), rule.file))?;
    if target.write_or_report(rule, text)?.is_none() {
        return Ok(ExitCode::FAILURE);
    }
    for v in &values {
        let to = v.to.map_or_else(String::new, |d| format!(" to {d}"));
        println!("ecb-mro = {} from {}{to}", v.value, v.from);
    }
    println!(
        "{}/{}: {} value(s) added from {url}; pass --rules-overlay {} to use them",
        args.into.display(),
        rule.file,
        values.len(),
        args.into.display()
    );
    Ok(ExitCode::SUCCESS)
}
