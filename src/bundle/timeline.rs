//! The dossier's timeline as tables a lawyer opens in a spreadsheet: invoices, payments and
//! events, each as CSV (RFC 4180, UTF-8, CRLF) and as JSON, in date order.

use serde_json::{Value, json};

use crate::dossier::Dossier;
use crate::money::cents_string;

/// A table: its name, its columns, its rows.
type Table = (&'static str, &'static [&'static str], Vec<Vec<String>>);

/// `(file name under data/timeline/, bytes)` for the six timeline files, sorted by name.
pub fn files(dossier: &Dossier) -> Vec<(String, Vec<u8>)> {
    let mut invoices: Vec<_> = dossier.invoices.iter().collect();
    invoices.sort_by(|a, b| (a.issued, &a.number).cmp(&(b.issued, &b.number)));
    let mut payments: Vec<_> = dossier.payments.iter().collect();
    payments.sort_by_key(|p| p.date);
    let mut events: Vec<_> = dossier.events.iter().collect();
    events.sort_by_key(|e| e.date);

    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let invoice_rows: Vec<Vec<String>> = invoices
        .iter()
        .map(|i| {
            vec![
                i.number.clone(),
                i.issued.to_string(),
                i.due.to_string(),
                cents_string(i.amount),
                opt(&i.description),
                opt(&i.piece),
            ]
        })
        .collect();
    let payment_rows: Vec<Vec<String>> = payments
        .iter()
        .map(|p| {
            vec![
                p.date.to_string(),
                cents_string(p.amount),
                opt(&p.invoice),
                opt(&p.reference),
            ]
        })
        .collect();
    let event_rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.date.to_string(),
                e.kind.as_str().to_string(),
                opt(&e.invoice),
                e.channel
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                opt(&e.piece),
            ]
        })
        .collect();
    let tables: [Table; 3] = [
        (
            "events",
            &["date", "kind", "invoice", "channel", "piece"],
            event_rows,
        ),
        (
            "invoices",
            &["number", "issued", "due", "amount", "description", "piece"],
            invoice_rows,
        ),
        (
            "payments",
            &["date", "amount", "invoice", "reference"],
            payment_rows,
        ),
    ];
    let mut out = Vec::new();
    for (name, header, rows) in tables {
        out.push((format!("{name}.csv"), csv(header, &rows).into_bytes()));
        out.push((
            format!("{name}.json"),
            json_rows(header, &rows).into_bytes(),
        ));
    }
    out
}

/// RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF lines.
fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let field = |f: &str| {
        if f.contains([',', '"', '\r', '\n']) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.to_string()
        }
    };
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// An array of objects with the CSV's columns; empty fields are `null`.
fn json_rows(header: &[&str], rows: &[Vec<String>]) -> String {
    let array: Vec<Value> = rows
        .iter()
        .map(|row| {
            let mut object = serde_json::Map::new();
            for (key, value) in header.iter().zip(row) {
                let v = if value.is_empty() {
                    Value::Null
                } else {
                    json!(value)
                };
                object.insert((*key).to_string(), v);
            }
            Value::Object(object)
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&array).expect("strings only");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let text = csv(
            &["a", "b"],
            &[vec!["x,y".into(), "say \"hi\"\nthere".into()]],
        );
        assert_eq!(text, "a,b\r\n\"x,y\",\"say \"\"hi\"\"\nthere\"\r\n");
    }
}
