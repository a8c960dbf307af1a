//! Plain-text emails for the reminders, the payment-plan letters and the statement of account
//! (`letter-templates/email/*.hbs`), rendered with
//! handlebars in strict mode: a variable the data does not hold is an error, never an empty
//! string. The text is plain: nothing is HTML-escaped.

use std::sync::LazyLock;

use handlebars::Handlebars;

/// The email templates, compiled in.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "relance-1",
        include_str!("../../letter-templates/email/relance-1.hbs"),
    ),
    (
        "relance-2",
        include_str!("../../letter-templates/email/relance-2.hbs"),
    ),
    (
        "relance-3",
        include_str!("../../letter-templates/email/relance-3.hbs"),
    ),
    (
        "proposition-echeancier",
        include_str!("../../letter-templates/email/proposition-echeancier.hbs"),
    ),
    (
        "relance-echeance",
        include_str!("../../letter-templates/email/relance-echeance.hbs"),
    ),
    (
        "decheance-du-terme",
        include_str!("../../letter-templates/email/decheance-du-terme.hbs"),
    ),
    (
        "releve-de-compte",
        include_str!("../../letter-templates/email/releve-de-compte.hbs"),
    ),
];

static REGISTRY: LazyLock<Handlebars<'static>> = LazyLock::new(|| {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    for (name, text) in TEMPLATES {
        hb.register_template_string(name, *text)
            .expect("the email templates are checked by `cargo test`");
    }
    hb
});

/// The documents that have an email version.
pub fn email_documents() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(n, _)| *n)
}

/// Renders the email of `document` with the letter's data.
///
/// # Errors
/// No email exists for this document, or the data lacks a variable the template uses.
pub fn render_email(document: &str, data: &serde_json::Value) -> Result<String, String> {
    if !TEMPLATES.iter().any(|(n, _)| *n == document) {
        return Err(format!(
            "no email version of {document}: emails exist for {}",
            email_documents().collect::<Vec<_>>().join(", ")
        ));
    }
    REGISTRY
        .render(document, data)
        .map_err(|e| format!("email {document}: {e}"))
}
