//! The ECB main refinancing operations rate from the ECB Data Portal (series `FM`, key
//! `B.U2.EUR.4F.KR.MRR_FR.LEV`, CSV with `format=csvdata&detail=dataonly`): observations
//! exist only on the days the rate changed. The response is read here, without the
//! network (the command line fetches it), and refused whole when one line is wrong.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Rule;
use super::add::NewValue;

/// The series key, as the `KEY` column gives it.
pub const KEY: &str = "FM.B.U2.EUR.4F.KR.MRR_FR.LEV";
/// The Data Portal's base address; `--endpoint` replaces it.
pub const ENDPOINT: &str = "https://data-api.ecb.europa.eu";

/// The request for the whole series at `endpoint`.
pub fn request_url(endpoint: &str) -> String {
    format!(
        "{}/service/data/FM/B.U2.EUR.4F.KR.MRR_FR.LEV?format=csvdata&detail=dataonly",
        endpoint.trim_end_matches('/')
    )
}

/// One change of the rate: the day it took effect and the rate, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub line: u64,
    pub date: NaiveDate,
    pub value: Decimal,
}

/// Reads the CSV answer by column names (`TIME_PERIOD`, `OBS_VALUE`, and `KEY` when present).
///
/// # Errors
/// An empty answer, no observation, a missing column, a line cut or with another number of
/// columns, another series, a date or value that does not read, dates not increasing: the
/// message names the line.
pub fn parse_csv(body: &[u8]) -> Result<Vec<Observation>, String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("the answer is empty".to_string());
    }
    if std::str::from_utf8(body).is_err() {
        return Err("the answer is not UTF-8 text".to_string());
    }
    if !body.ends_with(b"\n") {
        let lines = body.iter().filter(|b| **b == b'\n').count() + 1;
        return Err(format!(
            "line {lines}: the answer ends in the middle of a line (cut short?)"
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(time), Some(value)) = (column("TIME_PERIOD"), column("OBS_VALUE")) else {
        return Err(format!(
            "line 1: expected the columns TIME_PERIOD and OBS_VALUE, found {}",
            headers.iter().collect::<Vec<_>>().join(",")
        ));
    };
    let key = column("KEY");
    let mut out: Vec<Observation> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!(
                    "line {line}: {len} columns where the header has {expected_len} (cut short?)"
                ),
                _ => format!("line {line}: {e}"),
            }
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        if let Some(k) = key.and_then(|k| record.get(k))
            && k.trim() != KEY
        {
            return Err(format!("line {line}: KEY \"{k}\" is not the series {KEY}"));
        }
        let date_text = record.get(time).unwrap_or_default().trim();
        let date = crate::tree::parse_iso_date(date_text).ok_or_else(|| {
            format!("line {line}: TIME_PERIOD \"{date_text}\" is not a date (YYYY-MM-DD)")
        })?;
        let value_text = record.get(value).unwrap_or_default().trim();
        let number = value_text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            && !value_text.is_empty();
        let value = number
            .then(|| value_text.parse::<Decimal>().ok())
            .flatten()
            .ok_or_else(|| format!("line {line}: OBS_VALUE \"{value_text}\" is not a number"))?;
        if let Some(prev) = out.last()
            && prev.date >= date
        {
            return Err(format!(
                "line {line}: {date} does not come after {} (line {}): the dates must increase",
                prev.date, prev.line
            ));
        }
        out.push(Observation { line, date, value });
    }
    if out.is_empty() {
        return Err("the answer holds no observation (a header only)".to_string());
    }
    Ok(out)
}

/// The dated values that continue `rule` from the day after its last value to `until`,
/// each sourced with `source` (the request's address); the last one ends on `until`.
///
/// # Errors
/// The rule already has an open end or covers `until`; no observation on or before the
/// first day to cover; the series contradicts the rule's last value.
pub fn values_after(
    obs: &[Observation],
    rule: &Rule,
    shown_file: &str,
    until: NaiveDate,
    source: &str,
) -> Result<Vec<NewValue>, String> {
    let Some(last) = rule.values.last() else {
        return Err(format!("{} has no value to continue", rule.id));
    };
    let Some(end) = last.to else {
        return Err(format!(
            "{} already has a value from {} with no known end: nothing to add",
            rule.id, last.from
        ));
    };
    let Some(start) = end.succ_opt() else {
        return Err("no day after the last value".to_string());
    };
    if until < start {
        return Err(format!(
            "the rules already cover {} up to {end}: nothing to add up to {until}",
            rule.id
        ));
    }
    let in_force = |day: NaiveDate| obs.iter().rev().find(|o| o.date <= day);
    if let Some(o) = in_force(end)
        && o.value != last.value
    {
        return Err(format!(
            "line {}: the ECB gives {} from {}, in force on {end}, where {shown_file} holds \
             {}: check that value (a correction is `relance rules add {} … --corrects --note …`)",
            o.line, o.value, o.date, last.value, rule.id
        ));
    }
    let Some(first) = in_force(start) else {
        return Err(format!(
            "the answer has no observation on or before {start}"
        ));
    };
    let mut changes: Vec<&Observation> = vec![first];
    for o in obs.iter().filter(|o| o.date > start && o.date <= until) {
        if changes.last().is_some_and(|p| p.value == o.value) {
            continue;
        }
        changes.push(o);
    }
    let mut out = Vec::new();
    for (i, o) in changes.iter().enumerate() {
        let from = if i == 0 { start } else { o.date };
        let next = changes.get(i + 1);
        let to = next.and_then(|n| n.date.pred_opt()).unwrap_or(until);
        let mut note = format!(
            "Portail de données de la BCE, série {KEY} : taux en vigueur depuis le {} (ligne {} \
             de la réponse)",
            o.date, o.line
        );
        if next.is_none() {
            note.push_str(&format!(" ; connu jusqu'au {until}, jour de la requête"));
        }
        out.push(NewValue {
            from,
            to: Some(to),
            value: two_decimals(o.value),
            source: source.to_string(),
            note: Some(note),
            provisional: false,
            corrects: false,
        });
    }
    Ok(out)
}

fn two_decimals(v: Decimal) -> Decimal {
    let mut d = v.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d
}
