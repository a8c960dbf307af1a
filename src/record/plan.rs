//! `payment_plan.agreed` set beside a `plan-agreed` event (spec §6), and the TOML date form
//! the payment-plan writer shares.

use chrono::{Datelike, NaiveDate};

use crate::dossier::Format;

/// A TOML local date.
pub(crate) fn toml_date(d: NaiveDate) -> toml_edit::Datetime {
    toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: d.year() as u16,
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        time: None,
        offset: None,
    }
}

/// The dossier text with `payment_plan.agreed` (and `piece`) set: what `relance record
/// --kind plan-agreed` writes beside its event.
pub(crate) fn set_agreed(
    text: &str,
    format: Format,
    date: NaiveDate,
    piece: Option<&str>,
) -> Result<String, String> {
    match format {
        Format::Toml => {
            use toml_edit::{DocumentMut, value};
            let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
            let Some(plan) = doc
                .get_mut("payment_plan")
                .and_then(|i| i.as_table_like_mut())
            else {
                return Err(
                    "payment_plan: the dossier has no payment plan to agree (relance echeancier --write adds one)"
                    .to_string());
            };
            plan.insert("agreed", value(toml_date(date)));
            if let Some(piece) = piece {
                plan.insert("piece", value(piece));
            }
            Ok(doc.to_string())
        }
        Format::Json => {
            let mut doc: serde_json::Value =
                serde_json::from_str(text).map_err(|e| e.to_string())?;
            let Some(plan) = doc.get_mut("payment_plan").and_then(|p| p.as_object_mut()) else {
                return Err(
                    "payment_plan: the dossier has no payment plan to agree (relance echeancier --write adds one)"
                    .to_string());
            };
            plan.insert("agreed".into(), serde_json::json!(date.to_string()));
            if let Some(piece) = piece {
                plan.insert("piece".into(), serde_json::json!(piece));
            }
            let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
            s.push('\n');
            Ok(s)
        }
    }
}
