//! Adding dated values to an overlay file (`relance rules add`, `relance rules fetch`):
//! the file's text with the values appended, its comments and layout kept. The caller
//! checks the result against the merged set ([`super::overlay::merge`]) before writing it.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use super::{Rule, Unit};

/// A value to add, as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewValue {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub value: Decimal,
    pub source: String,
    pub note: Option<String>,
    /// The `to` is the last day known (the day of a fetch), not an end.
    pub provisional: bool,
    /// Replaces the sourced values it overlaps (needs a note).
    pub corrects: bool,
}

/// Reads a value typed on the command line for a rule in `unit`: a decimal with a point,
/// optionally followed by its unit (`2.15`, `2.15 %`, `40 €`, `40 EUR`).
///
/// # Errors
/// A comma, something that is not a decimal, or a unit other than the rule's.
pub fn parse_value(text: &str, unit: Unit) -> Result<Decimal, String> {
    let t = text.trim();
    let (number, said) = if let Some(n) = t.strip_suffix('%') {
        (n.trim_end(), Some(Unit::Percent))
    } else if let Some(n) = t.strip_suffix('€').or_else(|| t.strip_suffix("EUR")) {
        (n.trim_end(), Some(Unit::Eur))
    } else {
        (t, None)
    };
    if let Some(said) = said {
        let fits = said == unit || (said == Unit::Percent && unit == Unit::Points);
        if !fits {
            return Err(format!(
                "\"{text}\" is in {said}, the rule is in {unit}: give the value in {unit}"
            ));
        }
    }
    if number.contains(',') {
        return Err(format!(
            "\"{text}\": a decimal is written with a point, not a comma, e.g. \"2.15\""
        ));
    }
    if number.is_empty()
        || !number
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err(format!("\"{text}\": not a decimal, e.g. \"2.15\""));
    }
    let value = Decimal::from_str(number).map_err(|_| format!("\"{text}\": not a decimal"))?;
    super::load::plausible(unit, value).map_err(|m| format!("\"{text}\" is {m}"))?;
    Ok(value)
}

/// The overlay file for `rule` with `values` appended: `existing` (its current text), or a
/// new file naming the rule when there is none yet. `last_checked`, when given, is set.
///
/// # Errors
/// `existing` is not valid TOML, or its `values` is not an array of tables.
pub fn append(
    existing: Option<&str>,
    rule: &Rule,
    base_shown: &str,
    values: &[NewValue],
    last_checked: Option<NaiveDate>,
) -> Result<String, String> {
    let mut doc = match existing {
        Some(text) => text
            .parse::<DocumentMut>()
            .map_err(|e| format!("not valid TOML: {}", e.message()))?,
        None => {
            let head = format!(
                "# Values added over {base_shown} by `relance rules add` or `relance rules \
                 fetch`:\n# pass this folder with --rules-overlay (or RELANCE_RULES_OVERLAY).\n\
                 id = \"{}\"\nunit = \"{}\"\n",
                rule.id, rule.unit
            );
            head.parse::<DocumentMut>()
                .map_err(|e| format!("not valid TOML: {}", e.message()))?
        }
    };
    if let Some(d) = last_checked {
        let keep = doc
            .get("last_checked")
            .and_then(Item::as_value)
            .map(|v| v.decor().clone());
        doc.insert("last_checked", date_item(d));
        if let (Some(decor), Some(v)) = (
            keep,
            doc.get_mut("last_checked").and_then(Item::as_value_mut),
        ) {
            *v.decor_mut() = decor;
        }
    }
    let item = doc
        .entry("values")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(array) = item.as_array_of_tables_mut() else {
        return Err("values: expected [[values]] tables".to_string());
    };
    for v in values {
        array.push(table(v));
    }
    Ok(doc.to_string())
}

fn table(v: &NewValue) -> Table {
    let mut t = Table::new();
    t.insert("from", date_item(v.from));
    if let Some(to) = v.to {
        t.insert("to", date_item(to));
    }
    if v.provisional {
        t.insert("provisional", toml_edit::value(true));
    }
    t.insert("value", toml_edit::value(v.value.to_string()));
    t.insert("source", toml_edit::value(v.source.clone()));
    if let Some(note) = &v.note {
        t.insert("note", toml_edit::value(note.clone()));
    }
    if v.corrects {
        t.insert("corrects", toml_edit::value(true));
    }
    t
}

pub(super) fn date_item(d: NaiveDate) -> Item {
    use chrono::Datelike;
    toml_edit::value(toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: u16::try_from(d.year()).unwrap_or_default(),
            month: u8::try_from(d.month()).unwrap_or_default(),
            day: u8::try_from(d.day()).unwrap_or_default(),
        }),
        time: None,
        offset: None,
    })
}
