//! A new dossier from a form (`GET` and `POST /new`): the creditor (remembered in the
//! served folder's `relance.toml`, the creditor file `relance import --creditor` reads),
//! the debtor and up to [`INVOICE_ROWS`] invoices. The text written is checked by
//! [`crate::dossier::parse`], and each of its problems shown beside the field it names
//! (the form's fields are named by the dossier's field paths: `invoices[0].amount`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use toml_edit::{Array, DocumentMut, Item, Table, value};

use super::App;
use super::dossier::{FormState, blocking};
use super::forms::parse_date;
use super::html::{AsOf, Frame, as_of, text};
use super::keys::url_segment;
use super::security::{csrf_ok, csrf_refused};
use crate::dossier::{CreditorKind, Format, parse, parse_creditor_file};

/// Invoice rows of the form (empty rows are ignored).
pub const INVOICE_ROWS: usize = 3;

/// The creditor file of the served folder.
pub const CREDITOR_FILE: &str = "relance.toml";

const CREDITOR_FIELDS: [&str; 8] = [
    "kind",
    "name",
    "legal_form",
    "siren",
    "address",
    "email",
    "iban",
    "signatory",
];
const DEBTOR_FIELDS: [&str; 5] = ["kind", "name", "siren", "address", "email"];
const INVOICE_FIELDS: [&str; 5] = ["number", "issued", "due", "amount", "description"];

/// Every field name of the form.
fn field_names() -> Vec<String> {
    let mut names = vec!["folder".to_string(), "reference".to_string()];
    names.extend(CREDITOR_FIELDS.iter().map(|f| format!("creditor.{f}")));
    names.extend(DEBTOR_FIELDS.iter().map(|f| format!("debtor.{f}")));
    for i in 0..INVOICE_ROWS {
        names.extend(INVOICE_FIELDS.iter().map(|f| format!("invoices[{i}].{f}")));
    }
    names
}

/// The creditor remembered in the served folder, as form values.
fn remembered(root: &Path) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(root.join(CREDITOR_FILE)) else {
        return values;
    };
    let Ok(file) = parse_creditor_file(&text, CREDITOR_FILE) else {
        return values;
    };
    let c = file.creditor;
    let kind = match c.kind {
        CreditorKind::Company => "company",
        CreditorKind::Individual => "individual",
    };
    for (k, v) in [
        ("kind", Some(kind.to_string())),
        ("name", Some(c.name)),
        ("legal_form", c.legal_form),
        ("siren", c.siren),
        ("address", Some(c.address.join("\n"))),
        ("email", c.email),
        ("iban", c.iban),
        ("signatory", c.signatory),
    ] {
        values.insert(format!("creditor.{k}"), v.unwrap_or_default());
    }
    values
}

fn render(app: &App, date: chrono::NaiveDate, state: FormState) -> Response {
    let status = if state.errors.is_empty() && state.general.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = app.pages.render(
        "new.html",
        minijinja::context! {
            frame => Frame::new(app, date, "Nouveau dossier"),
            rows => (0..INVOICE_ROWS).collect::<Vec<_>>(),
            form => state,
            creditor_file => CREDITOR_FILE,
        },
    );
    *r.status_mut() = status;
    r
}

/// `GET /new`: the form, the creditor filled in from `relance.toml` when there is one.
pub async fn new_page(State(app): State<Arc<App>>, Query(q): Query<AsOf>) -> Response {
    let date = match as_of(&app, q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return text(StatusCode::BAD_REQUEST, m),
    };
    let mut values = remembered(&app.config.root);
    values
        .entry("creditor.kind".into())
        .or_insert_with(|| "company".into());
    values.insert("debtor.kind".into(), "company".into());
    let state = FormState {
        form: "new".into(),
        values,
        ..FormState::default()
    };
    render(&app, date, state)
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A TOML date when the text is one, else the text (the loader then says what is wrong).
fn date_or_text(s: &str) -> Item {
    match parse_date(s) {
        Ok(d) => value(toml_edit::Datetime {
            date: Some(toml_edit::Date {
                year: u16::try_from(chrono::Datelike::year(&d)).unwrap_or(0),
                month: chrono::Datelike::month(&d) as u8,
                day: chrono::Datelike::day(&d) as u8,
            }),
            time: None,
            offset: None,
        }),
        Err(_) => value(s),
    }
}

fn party(values: &HashMap<String, String>, prefix: &str, fields: &[&str]) -> Table {
    let mut t = Table::new();
    for f in fields {
        let v = values
            .get(&format!("{prefix}.{f}"))
            .map(|s| s.trim())
            .unwrap_or("");
        if v.is_empty() {
            continue;
        }
        if *f == "address" {
            t.insert(f, value(lines(v).into_iter().collect::<Array>()));
        } else {
            t.insert(f, value(v));
        }
    }
    t
}

/// The dossier file the form describes.
pub fn dossier_text(values: &HashMap<String, String>) -> String {
    let get = |k: &str| values.get(k).map(|s| s.trim()).unwrap_or("");
    let mut doc = DocumentMut::new();
    doc.insert("reference", value(get("reference")));
    doc.insert("language", value("fr"));
    doc.insert(
        "creditor",
        Item::Table(party(values, "creditor", &CREDITOR_FIELDS)),
    );
    doc.insert(
        "debtor",
        Item::Table(party(values, "debtor", &DEBTOR_FIELDS)),
    );
    let mut invoices = toml_edit::ArrayOfTables::new();
    for i in 0..INVOICE_ROWS {
        let field = |f: &str| get(&format!("invoices[{i}].{f}")).to_string();
        if INVOICE_FIELDS.iter().all(|f| field(f).is_empty()) {
            continue;
        }
        let mut t = Table::new();
        t.insert("number", value(field("number")));
        t.insert("issued", date_or_text(&field("issued")));
        t.insert("due", date_or_text(&field("due")));
        t.insert("amount", value(field("amount")));
        if !field("description").is_empty() {
            t.insert("description", value(field("description")));
        }
        invoices.push(t);
    }
    doc.insert("invoices", Item::ArrayOfTables(invoices));
    doc.to_string()
}

/// The form field a problem names: the field itself, or the field of an address line.
fn form_field(problem_field: &str, names: &[String]) -> Option<String> {
    if names.iter().any(|n| n == problem_field) {
        return Some(problem_field.to_string());
    }
    let base = problem_field.rsplit_once('[').map(|(b, _)| b)?;
    names.iter().any(|n| n == base).then(|| base.to_string())
}

/// A safe folder name: ASCII letters, digits, `-`, `_`, `.`, not starting with a dot.
fn folder_problem(folder: &str) -> Option<&'static str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if folder.is_empty()
        || folder.len() > 100
        || folder.starts_with('.')
        || !folder.chars().all(safe)
    {
        return Some(
            "a folder name of letters, digits, -, _ and . (not starting with a dot), e.g. DOS-2026-0042",
        );
    }
    None
}

/// Writes the creditor of the form into `relance.toml`, keeping what else the file holds.
fn remember(root: &Path, values: &HashMap<String, String>) -> Result<(), String> {
    let path = root.join(CREDITOR_FILE);
    let mut doc: DocumentMut = match std::fs::read_to_string(&path) {
        Ok(t) => t.parse().map_err(|e| format!("{CREDITOR_FILE}: {e}"))?,
        Err(_) => DocumentMut::new(),
    };
    doc.insert(
        "creditor",
        Item::Table(party(values, "creditor", &CREDITOR_FIELDS)),
    );
    let text = doc.to_string();
    parse_creditor_file(&text, CREDITOR_FILE).map_err(|p| p.to_string())?;
    crate::cli::write_atomic(&path, text.as_bytes()).map_err(|e| format!("{CREDITOR_FILE}: {e}"))
}

/// `POST /new`: checks the dossier the form describes; writes `FOLDER/dossier.toml` under
/// the served folder (never over an existing folder) and remembers the creditor.
pub async fn new_dossier(
    State(app): State<Arc<App>>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(values)) = form else {
        return csrf_refused();
    };
    if !csrf_ok(&app, values.get("csrf").map(String::as_str)) {
        return csrf_refused();
    }
    let date = app.today();
    blocking(move || {
        let names = field_names();
        let mut state = FormState {
            form: "new".into(),
            values: names
                .iter()
                .map(|n| (n.clone(), values.get(n).cloned().unwrap_or_default()))
                .collect(),
            ..FormState::default()
        };
        let text = dossier_text(&values);
        if let Err(problems) = parse(&text, Format::Toml, "dossier.toml") {
            for p in problems.iter() {
                match form_field(&p.field, &names) {
                    Some(f) => state.errors.entry(f).or_default().push(p.to_string()),
                    None => state.general.push(p.to_string()),
                }
            }
        }
        let reference = values.get("reference").map(|s| s.trim()).unwrap_or("");
        let folder = match values.get("folder").map(|s| s.trim()).unwrap_or("") {
            "" => crate::batch::folder_name(reference),
            f => f.to_string(),
        };
        let root = &app.config.root;
        if let Some(m) = folder_problem(&folder) {
            state
                .errors
                .entry("folder".into())
                .or_default()
                .push(m.to_string());
        } else if std::fs::symlink_metadata(root.join(&folder)).is_ok() {
            state
                .errors
                .entry("folder".into())
                .or_default()
                .push(format!(
                    "{folder}: already exists in the served folder: choose another name"
                ));
        }
        if !state.errors.is_empty() || !state.general.is_empty() {
            return render(&app, date, state);
        }
        let dir = root.join(&folder);
        let written = std::fs::create_dir(&dir).and_then(|()| {
            crate::cli::write_atomic(&dir.join("dossier.toml"), text.as_bytes()).inspect_err(|_| {
                let _ = std::fs::remove_dir(&dir);
            })
        });
        if let Err(e) = written {
            state.general.push(format!("{folder}: cannot write: {e}"));
            return render(&app, date, state);
        }
        let mut target = format!(
            "/dossiers/{}?as_of={date}&done=created",
            url_segment(&folder)
        );
        if let Err(e) = remember(root, &values) {
            // The dossier is written; only the memory of the creditor failed: say so.
            target.push_str("&creditor=");
            target.push_str(&url_segment(&e));
        }
        Redirect::to(&target).into_response()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_line_problems_go_to_the_address_field() {
        let names = field_names();
        assert_eq!(
            form_field("creditor.address[1]", &names).as_deref(),
            Some("creditor.address")
        );
        assert_eq!(
            form_field("invoices[0].amount", &names).as_deref(),
            Some("invoices[0].amount")
        );
        assert_eq!(form_field("terms", &names), None);
    }

    #[test]
    fn folder_names_are_checked() {
        assert!(folder_problem("DOS-1").is_none());
        for bad in ["", ".", "..", "../x", "a/b", ".hidden", "a\\b"] {
            assert!(folder_problem(bad).is_some(), "{bad}");
        }
    }
}
