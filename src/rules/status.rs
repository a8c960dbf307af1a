//! What the rules cover: the last day of each rule's values, when it was last checked, and
//! what a computation on a date would miss, with the command that adds it.

use chrono::{Datelike, NaiveDate};

use super::{Rule, Rules, Update};

/// One rule's coverage on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleStatus {
    pub id: String,
    pub label: String,
    pub first: NaiveDate,
    /// The last day covered; `None` while the last value has no known end.
    pub covered_until: Option<NaiveDate>,
    pub last_checked: NaiveDate,
    /// No value on the date: what to run (see [`way_out`]).
    pub missing: Option<String>,
}

/// Every rule's coverage on `date`, by id: a rule is missing when it has no value on the
/// day a computation on `date` needs ([`Rule::needed_on`]).
pub fn status(rules: &Rules, date: NaiveDate) -> Vec<RuleStatus> {
    rules
        .rules
        .values()
        .map(|rule| RuleStatus {
            id: rule.id.clone(),
            label: rule.label.clone(),
            first: rule.values.first().map_or(date, |v| v.from),
            covered_until: rule.covered_until(),
            last_checked: rule.last_checked,
            missing: rule
                .value_at(rule.needed_on(date))
                .is_none()
                .then(|| way_out(rules, rule, rule.needed_on(date))),
        })
        .collect()
}

/// The rules with no value on `date`.
pub fn uncovered(rules: &Rules, date: NaiveDate) -> Vec<&Rule> {
    rules
        .rules
        .values()
        .filter(|r| r.value_at(r.needed_on(date)).is_none())
        .collect()
}

/// The half-year holding `date`: (1 January, 30 June) or (1 July, 31 December).
pub fn half_year(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let y = date.year();
    let ymd = |m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(date);
    if date.month() <= 6 {
        (ymd(1, 1), ymd(6, 30))
    } else {
        (ymd(7, 1), ymd(12, 31))
    }
}

/// The two ways out of a missing value, in one sentence: the command that adds it (with the
/// dates to cover) and the overlay to pass afterwards.
pub fn way_out(rules: &Rules, rule: &Rule, date: NaiveDate) -> String {
    let into = rules.overlays.last().map_or("DIR", String::as_str);
    let id = &rule.id;
    let unit = rule.unit.as_str();
    let first = rule.values.first().map(|v| v.from);
    let file = format!("(the values are in {}/{})", rules.origin, rule.file);
    let then = format!(
        "then pass --rules-overlay {into} (or set RELANCE_RULES_OVERLAY={into}) to every \
         command; `relance rules status --as-of {date}` lists everything missing"
    );
    if let Some(first) = first
        && date < first
    {
        let before = first.pred_opt().unwrap_or(first);
        return format!(
            "The values start on {first}. To cover the earlier days, run `relance rules add {id} \
             --from {date} --to {before} --value V ({unit}) --source URL --into {into}`, {then} \
             {file}"
        );
    }
    let from = rule
        .values
        .iter()
        .rev()
        .find(|v| v.from <= date)
        .and_then(|v| v.to)
        .and_then(|to| to.succ_opt())
        .unwrap_or(date);
    let ended = from
        .pred_opt()
        .map_or_else(String::new, |d| format!("The values end on {d}. "));
    match rule.update {
        Update::FetchEcb => format!(
            "{ended}Run `relance rules fetch ecb --into {into}` (the ECB's rates from {from} to \
             today), or `relance rules add {id} --from {from} --to {date} --value V ({unit}) \
             --source URL --into {into}`, {then} {file}"
        ),
        Update::HalfYear => {
            let mut commands = Vec::new();
            let mut start = from;
            while start <= date && commands.len() < 4 {
                let (_, end) = half_year(start);
                commands.push(format!(
                    "`relance rules add {id} --from {start} --to {end} --value V ({unit}) \
                     --source URL --note \"Arrêté du … relatif à la fixation du taux de \
                     l'intérêt légal (JORF du …)\" --into {into}`"
                ));
                let Some(next) = end.succ_opt() else { break };
                start = next;
            }
            format!(
                "{ended}The rate of each half-year is fixed by an arrêté in the Journal \
                 officiel: run {}, {then} {file}",
                commands.join(" and ")
            )
        }
        Update::Add => format!(
            "{ended}Run `relance rules add {id} --from {from} [--to DATE] --value V ({unit}) \
             --source URL (the text that fixes it) --into {into}`, {then} {file}"
        ),
    }
}
