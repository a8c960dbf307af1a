//! The JSON of spec §4, field for field: every field the spec's example shows is present
//! with the same value (the statement may add fields, never change these).

use serde_json::{Value, json};

use crate::support::*;

/// Every key of `expected` is in `actual` with an equal value (recursively; arrays by index).
fn assert_subset(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let next = format!("{path}.{k}");
                let got = a.get(k).unwrap_or_else(|| panic!("missing field {next}"));
                assert_subset(v, got, &next);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "length of {path}");
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                assert_subset(ev, av, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(expected, actual, "at {path}"),
    }
}

#[test]
fn the_spec_example_statement_field_for_field() {
    let dz = dossier(
        "b2b",
        &(invoice("F-2026-001", "2026-01-15", "2026-02-14", "1200.00")
            + &payment("2026-03-01", "500.00", Some("F-2026-001"))),
    );
    let mut got = statement(&dz, "2026-06-30").to_json();
    got["reference"] = json!("DOS-2026-0042");
    let spec = json!({
      "reference": "DOS-2026-0042",
      "as_of": "2026-06-30",
      "regime": "b2b",
      "currency": "EUR",
      "invoices": [
        {
          "number": "F-2026-001",
          "due": "2026-02-14",
          "principal": "1200.00",
          "paid": "500.00",
          "outstanding": "705.99",
          "days_late": 136,
          "penalties": "34.43",
          "indemnity": "40.00",
          "interest": "0.00",
          "periods": [
            {"from": "2026-02-15", "to": "2026-03-01", "days": 15, "base": "1200.00", "rate": "12.15", "amount": "5.99"},
            {"from": "2026-03-02", "to": "2026-06-30", "days": 121, "base": "705.99", "rate": "12.15", "amount": "28.44"}
          ],
          "prescription": {"expires_on": "2031-03-01", "basis": "C. com. L110-4"}
        }
      ],
      "totals": {
        "principal": "1200.00", "paid": "500.00", "outstanding": "705.99",
        "penalties": "34.43", "indemnities": "40.00", "interest": "0.00",
        "penalties_paid": "5.99", "overpaid": "0.00", "total_due": "774.43"
      },
      "warnings": []
    });
    assert_subset(&spec, &got, "");
    let ecb = got["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ecb-mro")
        .unwrap();
    assert_eq!(
        (&ecb["value"], &ecb["from"]),
        (&json!("2.15"), &json!("2025-06-11"))
    );
    assert!(ecb["source"].as_str().unwrap().starts_with("https://"));
    // The top-level keys come in the spec's order.
    let keys: Vec<&String> = got.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "reference",
            "as_of",
            "regime",
            "currency",
            "invoices",
            "totals",
            "warnings",
            "rules"
        ]
    );
}
