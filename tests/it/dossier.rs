//! Dossier validation: every problem at once, each naming file, field and value (spec §1).

use relance::dossier::{Format, parse};

use crate::support::*;

fn problems(text: &str) -> Vec<String> {
    parse(text, Format::Toml, "dossier.toml")
        .expect_err("the dossier should be refused")
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn assert_has(all: &[String], expected: &str) {
    assert!(
        all.iter().any(|p| p == expected),
        "missing\n  {expected}\nin\n  {}",
        all.join("\n  ")
    );
}

#[test]
fn a_comma_amount_is_named_with_file_field_value_and_line() {
    let text = dossier_text(
        "b2b",
        "",
        &(invoice("A", "2026-01-01", "2026-01-31", "1.00")
            + &invoice("B", "2026-01-01", "2026-01-31", "1.00")
            + &invoice("C", "2026-01-01", "2026-01-31", "12,50")),
    );
    let all = problems(&text);
    let line = text.lines().position(|l| l.contains("12,50")).unwrap() + 1;
    assert_eq!(
        all,
        vec![format!(
            "dossier.toml: invoices[2].amount: \"12,50\": expected a decimal with a dot, e.g. \"12.50\" (line {line})"
        )]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let body = invoice("A", "2026-02-01", "2026-01-31", "0.00")
        + &invoice("A", "2026-01-01", "2026-01-31", "10.001")
        + &invoice("B", "2026-01-01", "2026-03-01", "-5")
        + "[[payments]]\ndate = 2026-02-01\namount = 12\ninvoice = \"ZZZ\"\n"
        + "[[events]]\ndate = 2026-02-01\nkind = \"phone-call\"\npiece = \"../secret.pdf\"\n"
        + "[[events]]\ndate = 2026-02-01T10:00:00\nkind = \"reminder\"\nchannel = \"pigeon\"\npiece = \"/etc/passwd\"\n";
    let text = dossier_text(
        "b2b",
        "colour = \"blue\"\npayment_imputation = \"whatever\"",
        &body,
    )
    .replace("siren = \"381653260\"", "siren = \"381653261\"")
    .replace(
        "siren = \"732829320\"",
        "siren = \"73282932\"\niban = \"FR7630006000011234567890188\"\nemail = \"nobody\"",
    );
    let all = problems(&text);
    for (field, value, message) in [
        ("colour", None, "unknown field"),
        (
            "payment_imputation",
            Some("whatever"),
            "expected one of \"interest-first\", \"principal-first\"",
        ),
        (
            "creditor.siren",
            Some("73282932"),
            "expected 9 digits without spaces (SIREN)",
        ),
        (
            "creditor.iban",
            Some("FR7630006000011234567890188"),
            "wrong IBAN check digits (mod 97)",
        ),
        ("creditor.email", Some("nobody"), "not an email address"),
        (
            "debtor.siren",
            Some("381653261"),
            "not a valid SIREN (Luhn check digit)",
        ),
        (
            "invoices[0].due",
            Some("2026-01-31"),
            "before the issue date 2026-02-01",
        ),
        ("invoices[0].amount", Some("0.00"), "must be greater than 0"),
        (
            "invoices[1].amount",
            Some("10.001"),
            "at most 2 decimals (euros and cents)",
        ),
        ("invoices[2].amount", Some("-5"), "must be greater than 0"),
        (
            "payments[0].amount",
            Some("12"),
            "expected a string such as \"12.00\"",
        ),
        (
            "payments[0].invoice",
            Some("ZZZ"),
            "no invoice has this number in the dossier",
        ),
        ("events[0].kind", Some("phone-call"), "expected one of"),
        (
            "events[0].piece",
            Some("../secret.pdf"),
            "must stay inside the dossier folder",
        ),
        (
            "events[1].date",
            Some("2026-02-01T10:00:00"),
            "expected a date without a time",
        ),
        ("events[1].channel", Some("pigeon"), "expected one of"),
        (
            "events[1].piece",
            Some("/etc/passwd"),
            "must be a path relative to the dossier folder",
        ),
    ] {
        let head = match value {
            Some(v) => format!("dossier.toml: {field}: \"{v}\": {message}"),
            None => format!("dossier.toml: {field}: {message}"),
        };
        assert!(
            all.iter().any(|p| p.starts_with(&head)),
            "missing\n  {head}\nin\n  {}",
            all.join("\n  ")
        );
    }
    assert!(
        all.iter()
            .any(|p| p.contains("invoices[1].number: \"A\": duplicate invoice number")),
        "{all:#?}"
    );
}

#[test]
fn a_syntax_error_is_one_problem_with_its_line() {
    let all = problems("reference = \"X\"\n[creditor\nkind = 1\n");
    assert_eq!(all.len(), 1);
    assert!(
        all[0].starts_with("dossier.toml: syntax error:") && all[0].ends_with("(line 2)"),
        "{all:?}"
    );
    let all = problems(&dossier_text(
        "b2b",
        "",
        &invoice("B", "2026-01-01", "2026-13-01", "1.00"),
    ));
    assert!(all[0].contains("syntax error"), "{all:?}");
}

#[test]
fn company_creditor_needs_a_siren_and_individuals_have_none() {
    let text = dossier_text("b2b", "", &invoice("A", "2026-01-01", "2026-01-31", "1.00"))
        .replace("siren = \"732829320\"\n", "");
    assert_has(
        &problems(&text),
        &format!(
            "dossier.toml: creditor.siren: missing: a company creditor must give its SIREN (CPC 54, C. com. R123-237) (line {})",
            text.lines().position(|l| l == "[creditor]").unwrap() + 1
        ),
    );
    let text = dossier_text("c2x", "", &invoice("A", "2026-01-01", "2026-01-31", "1.00")).replace(
        "name = \"Claire Petit\"",
        "name = \"Claire Petit\"\nsiren = \"732829320\"",
    );
    assert!(
        problems(&text)
            .iter()
            .any(|p| p.contains("creditor.siren: \"732829320\": for a company creditor only"))
    );
}

#[test]
fn missing_required_fields_are_named() {
    let all = problems("[creditor]\nkind = \"company\"\n");
    for field in [
        "reference",
        "creditor.name",
        "creditor.address",
        "debtor",
        "invoices",
    ] {
        assert!(
            all.iter()
                .any(|p| p.starts_with(&format!("dossier.toml: {field}: "))),
            "{field}: {all:#?}"
        );
    }
}

#[test]
fn addresses_end_with_a_postal_code() {
    let text = dossier_text("b2b", "", &invoice("A", "2026-01-01", "2026-01-31", "1.00"))
        .replace("\"75011 Paris\"", "\"Paris\"");
    assert!(problems(&text).iter().any(|p| p.contains(
        "debtor.address[1]: \"Paris\": the last line must start with the 5-digit postal code"
    )));
}

#[test]
fn a_missing_debtor_address_is_only_a_warning() {
    let text = dossier_text("b2b", "", &invoice("A", "2026-01-01", "2026-01-31", "1.00"))
        .replace("address = [\"3 place du Marché\", \"75011 Paris\"]\n", "");
    let dz = parse(&text, Format::Toml, "dossier.toml").unwrap();
    assert!(
        dz.warnings()
            .iter()
            .any(|w| w.starts_with("debtor.address is missing"))
    );
}

#[test]
fn json_dossiers_get_the_same_checks() {
    let json = r#"{"reference": "J-1",
      "creditor": {"kind": "company", "name": "A", "siren": "732829320", "address": ["1 rue A", "69003 Lyon"]},
      "debtor": {"kind": "company", "name": "B", "address": ["1 rue B", "75011 Paris"]},
      "invoices": [{"number": "F1", "issued": "2026-01-01", "due": "2026-01-31", "amount": 12.5}],
      "payments": [{"date": "2026-02-30", "amount": "1.00"}],
      "reference": "again"}"#;
    let all: Vec<String> = parse(json, Format::Json, "dossier.json")
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        all.iter()
            .any(|p| p == "dossier.json: reference: duplicate key"),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|p| p.starts_with(
            "dossier.json: invoices[0].amount: \"12.5\": expected a string such as \"12.50\""
        )),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|p| p
            == "dossier.json: payments[0].date: \"2026-02-30\": not a valid date (YYYY-MM-DD)"),
        "{all:#?}"
    );

    let ok = r#"{"reference": "J-1",
      "creditor": {"kind": "company", "name": "A", "siren": "732829320", "address": ["1 rue A", "69003 Lyon"]},
      "debtor": {"kind": "company", "name": "B", "address": ["1 rue B", "75011 Paris"]},
      "invoices": [{"number": "F1", "issued": "2026-01-01", "due": "2026-01-31", "amount": "12.50"}]}"#;
    let dz = parse(ok, Format::Json, "dossier.json").unwrap();
    assert_eq!(dz.invoices[0].amount, dec("12.50"));
}

#[test]
fn hostile_input_never_panics() {
    for text in [
        "",
        "\u{0}",
        "[[invoices]]\n[[invoices]]",
        "a.b.c.d = 1",
        "reference = \"x\"\n[debtor]\naddress = [[]]",
        "invoices = 3",
        "invoices = [1, \"x\"]",
        "[creditor]\naddress = \"\"",
        "[terms]\npenalty_rate = -1",
    ] {
        let _ = parse(text, Format::Toml, "dossier.toml");
        let _ = parse(text, Format::Json, "dossier.json");
    }
    let deep = "[".repeat(10_000);
    assert!(parse(&deep, Format::Json, "dossier.json").is_err());
    assert!(parse(&format!("a = {deep}"), Format::Toml, "dossier.toml").is_err());
}

#[test]
fn exhibits_are_checked_like_every_piece() {
    let body = invoice("A", "2026-01-01", "2026-01-31", "100.00")
        + "[[exhibits]]\nkind = \"contract\"\ntitle = \"Contrat de maintenance\"\ndate = 2025-12-01\npiece = \"pieces/contrat.pdf\"\n"
        + "[[exhibits]]\nkind = \"invoice\"\ntitle = \"\"\npiece = \"../contrat.pdf\"\nsigned = true\n"
        + "[[exhibits]]\nkind = \"performance\"\ntitle = \"PV de réception\"\n"
        + "[[payments]]\ndate = 2026-02-10\namount = \"10.00\"\npiece = \"/etc/passwd\"\n";
    let all = problems(&dossier_text("b2b", "", &body));
    assert!(
        all.iter()
            .any(|p| p.starts_with("dossier.toml: payments[0].piece: \"/etc/passwd\": ")),
        "{}",
        all.join("\n")
    );
    for expected in [
        "dossier.toml: exhibits[1].kind: \"invoice\": expected one of \"contract\", \"order\", \"performance\", \"other\" (line 26)",
        "dossier.toml: exhibits[1].title: \"\": must not be empty (line 27)",
        "dossier.toml: exhibits[1].piece: \"../contrat.pdf\": must stay inside the dossier folder (no \"..\") (line 28)",
        "dossier.toml: exhibits[1].signed: unknown field (line 29)",
        "dossier.toml: exhibits[2].piece: missing (required) (line 30)",
    ] {
        assert_has(&all, expected);
    }
    assert!(
        !all.iter().any(|p| p.contains("exhibits[0]")),
        "{}",
        all.join("\n")
    );
}

/// Creditor, debtor and agency are different persons: a SIREN given to two of them is a
/// mistake of the file (a letter would identify the wrong company), reported with the rest.
#[test]
fn two_parties_never_share_a_siren() {
    let text = dossier_text(
        "b2b",
        "",
        &invoice("A", "2026-01-01", "2026-01-31", "10.00"),
    )
    .replace("siren = \"381653260\"", "siren = \"732829320\"")
        + "\n[agency]\nname = \"Recouvrement Exemple SAS\"\nsiren = \"732829320\"\naddress = [\"8 boulevard Haussmann\", \"75009 Paris\"]\nmandate = \"MANDAT-2026-017\"\n";
    let all = problems(&text);
    for (field, other) in [
        ("debtor.siren", "creditor.siren"),
        ("agency.siren", "creditor.siren"),
        ("agency.siren", "debtor.siren"),
    ] {
        assert_has(
            &all,
            &format!(
                "dossier.toml: {field}: \"732829320\": the same SIREN as {other}: the parties are different persons, each with its own SIREN"
            ),
        );
    }
    assert_eq!(all.len(), 3, "{all:?}");
}
