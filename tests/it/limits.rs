//! What `check` accepts renders, and what it refuses it says: long invoice lists, the
//! supported size, invisible characters.

use relance::documents::{RenderOptions, Renderer};
use relance::dossier::{Format, parse};
use relance::letters::{DocKind, build};
use relance::rules::Rules;

use crate::support::{d, dossier_text, invoice, statement};

fn many_invoices(n: usize, number_len: usize) -> String {
    (0..n)
        .map(|i| {
            let number = format!("F{i:05}-{}", "N".repeat(number_len - 7));
            invoice(&number, "2026-01-15", "2026-02-14", "100.00")
        })
        .collect()
}

/// 520 invoices with 64-character numbers: the letter's subject lists them all, and its
/// PDF/A title would pass the 32,767-character limit of PDF strings.
#[test]
fn a_letter_of_520_invoices_with_long_numbers_renders() {
    let body = many_invoices(520, 64);
    let text = dossier_text("b2b", "", &body).replace(
        "siren = \"732829320\"\n",
        "siren = \"732829320\"\nsignatory = \"Jeanne Martin, gérante\"\n",
    );
    let dossier = parse(&text, Format::Toml, "dossier.toml").unwrap_or_else(|p| panic!("{p}"));
    let rules = Rules::embedded();
    let s = statement(&dossier, "2026-06-30");
    let data = build(DocKind::Relance1, &dossier, &s, &rules).unwrap();
    let pdf = Renderer::embedded()
        .render_pdf(
            "relance-1.typ",
            &data.json,
            &RenderOptions::new(d("2026-06-30"), "T-1"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn check_says_what_size_is_supported_and_refuses_more() {
    let body = many_invoices(relance::dossier::MAX_INVOICES + 1, 12);
    let text = dossier_text("b2b", "", &body);
    let err = parse(&text, Format::Toml, "dossier.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1001 invoices, more than the 1000 a dossier supports"),
        "{err}"
    );
}

#[test]
fn invisible_characters_are_refused_in_identifiers_and_shown_in_free_text() {
    for bad in [
        "F-2026-\u{202E}210",
        "F-\u{200B}1",
        "F\u{2028}1",
        "F\u{2066}1",
    ] {
        let body = invoice(bad, "2026-01-15", "2026-02-14", "100.00");
        let text = dossier_text("b2b", "", &body);
        let err = parse(&text, Format::Toml, "dossier.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("invisible character"), "{bad:?}: {err}");
    }
    let body = invoice("F-1", "2026-01-15", "2026-02-14", "100.00");
    let text = dossier_text("b2b", "", &body).replace("\"T-1\"", "\"T\u{202E}1\"");
    let err = parse(&text, Format::Toml, "d.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("reference") && err.contains("U+202E"), "{err}");
    let body = format!(
        "{}description = \"Pose \u{202E}gnidliub\"\n",
        invoice("F-1", "2026-01-15", "2026-02-14", "100.00")
    );
    let dossier = parse(&dossier_text("b2b", "", &body), Format::Toml, "d.toml").unwrap();
    assert_eq!(
        dossier.invoices[0].description.as_deref(),
        Some("Pose <U+202E>gnidliub")
    );
}
