//! The sample letter as PDF/A: reproducible bytes, dates, attachments, option errors.

use super::{SAMPLE, laid_out_text, options, sample_data, squeeze};
use crate::documents::{Attachment, PdfA, RenderError, RenderOptions, Renderer};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn statement() -> Attachment {
    Attachment {
        name: "releve-de-creance.json".to_owned(),
        mime: "application/json".to_owned(),
        description: "Relevé de créance (JSON)".to_owned(),
        bytes: br#"{"total":"3704.40"}"#.to_vec(),
    }
}

#[test]
fn sample_renders_as_pdf_a_2b() {
    let pdf = Renderer::embedded()
        .render_pdf(SAMPLE, &sample_data(), &options())
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert!(contains(&pdf, b"pdfaid:part>2<") || contains(&pdf, b"pdfaid:part=\"2\""));
    assert!(
        contains(&pdf, b"pdfaid:conformance>B<") || contains(&pdf, b"pdfaid:conformance=\"B\"")
    );
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let renderer = Renderer::embedded();
    let first = renderer
        .render_pdf(SAMPLE, &sample_data(), &options())
        .unwrap();
    let second = renderer
        .render_pdf(SAMPLE, &sample_data(), &options())
        .unwrap();
    assert!(first == second, "two renders of the same letter differ");
}

#[test]
fn ident_and_date_come_from_the_options() {
    let renderer = Renderer::embedded();
    let pdf = renderer
        .render_pdf(SAMPLE, &sample_data(), &options())
        .unwrap();
    // The creation date is the letter's date at 12:00 UTC, never the clock.
    assert!(contains(&pdf, b"2026-06-30T12:00:00"), "XMP date missing");

    let other = RenderOptions::new(super::letter_date(), "REL-2026-0043");
    let pdf_other = renderer.render_pdf(SAMPLE, &sample_data(), &other).unwrap();
    assert!(pdf != pdf_other, "the ident must change the /ID");
}

#[test]
fn pdf_a_3b_embeds_the_attachment() {
    let opts = options().with_attachment(statement());
    assert_eq!(opts.pdfa, PdfA::A3b);
    let pdf = Renderer::embedded()
        .render_pdf(SAMPLE, &sample_data(), &opts)
        .unwrap();
    assert!(
        contains(&pdf, b"releve-de-creance.json"),
        "attachment name missing"
    );
    assert!(contains(&pdf, b"pdfaid:part>3<") || contains(&pdf, b"pdfaid:part=\"3\""));
}

#[test]
fn pdf_a_2b_refuses_attachments() {
    let mut opts = options().with_attachment(statement());
    opts.pdfa = PdfA::A2b;
    let err = Renderer::embedded()
        .render_pdf(SAMPLE, &sample_data(), &opts)
        .unwrap_err();
    assert!(matches!(err, RenderError::Options { .. }), "{err}");
    assert!(err.to_string().contains("PDF/A-3b"), "{err}");
}

#[test]
fn attachment_names_must_be_plain_file_names() {
    for name in ["", "../x.json", "a/b.json", ".hidden", "é.json", "a b.json"] {
        let mut attachment = statement();
        attachment.name = name.to_owned();
        let opts = options().with_attachment(attachment);
        let err = Renderer::embedded()
            .render_pdf(SAMPLE, &sample_data(), &opts)
            .unwrap_err();
        assert!(
            matches!(err, RenderError::Options { .. }),
            "{name:?}: {err}"
        );
    }
}

#[test]
fn empty_ident_is_refused() {
    let opts = RenderOptions::new(super::letter_date(), " ");
    let err = Renderer::embedded()
        .render_pdf(SAMPLE, &sample_data(), &opts)
        .unwrap_err();
    assert!(err.to_string().contains("ident"), "{err}");
}

#[test]
fn unknown_template_lists_the_available_ones() {
    let err = Renderer::embedded()
        .render_pdf("missing.typ", &sample_data(), &options())
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("missing.typ") && message.contains("relance-1.typ"),
        "{message}"
    );
}

#[test]
fn embedded_templates_are_listed() {
    let renderer = Renderer::embedded();
    let names = renderer.templates();
    assert!(names.contains(&"relance-1.typ"), "{names:?}");
    assert!(names.contains(&"lib/style.typ"), "{names:?}");
}

#[test]
fn data_of_the_wrong_type_names_the_problem_and_the_template() {
    let mut data = sample_data();
    data["recipient"]["name"] = serde_json::json!(42);
    let err = Renderer::embedded()
        .render_pdf(SAMPLE, &data, &options())
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, RenderError::Compile { .. }), "{message}");
    assert!(message.contains("relance-1.typ"), "{message}");
    assert!(message.contains("expected a string"), "{message}");
    assert!(
        message.contains("lib/style.typ:"),
        "location missing: {message}"
    );
}

#[test]
fn sample_shows_every_part_of_a_letter() {
    let document = Renderer::embedded()
        .layout(SAMPLE, &sample_data(), &options())
        .unwrap();
    assert_eq!(
        document.pages().len(),
        1,
        "the first reminder fits on one page"
    );
    let text = squeeze(&laid_out_text(&document));
    for expected in [
        "AtelierMartinSARL",
        "SIREN732\u{a0}829\u{a0}320",
        "BoulangerieDupontSAS",
        "75011Paris",
        "Lyon, le 15\u{a0}mars 2026",
        "Objet\u{a0}:Rappelderèglement",
        "Nos réf.\u{a0}:DOS-2026-0042-R1-20260315",
        "F-2026-007",
        "2\u{202f}350,80\u{a0}€",
        "3\u{202f}056,79\u{a0}€",
        "JeanneMartin",
        "gérante",
    ] {
        assert!(
            text.contains(&squeeze(expected)),
            "missing {expected:?} in {text}"
        );
    }
    // An invoice not yet due (F-2026-012, due 4 April) is not claimed.
    assert!(!text.contains("F-2026-012"), "{text}");
    // One page: no page number.
    assert!(!text.contains("Page1/1"), "{text}");
}

#[test]
fn long_letters_number_their_pages() {
    let mut data = sample_data();
    let invoice = data["invoices"][0].clone();
    let invoices = data["invoices"].as_array_mut().unwrap();
    for _ in 0..60 {
        invoices.push(invoice.clone());
    }
    let document = Renderer::embedded()
        .layout(SAMPLE, &data, &options())
        .unwrap();
    let pages = document.pages().len();
    assert!(pages >= 2, "expected several pages, got {pages}");
    let text = squeeze(&laid_out_text(&document));
    for page in 1..=pages {
        assert!(
            text.contains(&format!("Page{page}/{pages}")),
            "page {page}: {text}"
        );
    }
}
