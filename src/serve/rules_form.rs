//! `POST /rules`: the rules page's form, `relance rules add` into the overlay folder the
//! server was started with. The value is checked against the rules merged with every overlay
//! before anything is written (a gap, an overlap, a unit or a decimal refused with its
//! reason, nothing written); once written, the new rules are in force for every page and
//! statements computed under the old ones are forgotten.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::html::{RulesNotice, as_of, rules_view, text};
use super::security::{csrf_ok, csrf_refused};
use super::{App, Law};
use crate::cli::rules_update::{AddRequest, add_value};

/// The fields of the form, kept as typed on a refusal.
pub(super) const FIELDS: [&str; 7] = ["id", "from", "to", "value", "source", "note", "checked"];

/// The longest field accepted (a URL, a note).
const MAX_FIELD: usize = 2000;

/// `POST /rules`: fields `csrf`, `as_of` (the page's date), `id`, `from`, `to`, `value`,
/// `source`, `note`, `checked` (the day the value was checked against its source).
pub async fn add(
    State(app): State<Arc<App>>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(fields)) = form else {
        return csrf_refused();
    };
    if !csrf_ok(&app, fields.get("csrf").map(String::as_str)) {
        return csrf_refused();
    }
    let Ok(page_date) = as_of(&app, fields.get("as_of").map(String::as_str)) else {
        return text(StatusCode::BAD_REQUEST, "as_of\n");
    };
    super::dossier::blocking(move || {
        let mut notice = RulesNotice::default();
        for name in FIELDS {
            let v = fields.get(name).map(|v| v.trim()).unwrap_or("");
            notice.values.insert(name.to_string(), v.to_string());
        }
        let refused = |mut notice: RulesNotice, why: String| {
            notice.refused = why;
            let mut r = rules_view(&app, page_date, &notice);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        };
        let Some(into) = app.config.rules_overlay.clone() else {
            return refused(
                notice,
                "no overlay folder: start `relance serve` with --rules-overlay DIR (or \
                 RELANCE_RULES_OVERLAY) to add values from this page"
                    .to_string(),
            );
        };
        match request(&notice) {
            Err(why) => refused(notice, why),
            Ok(req) => {
                let arg = crate::cli::RulesArg::new(app.config.rules_base.clone(), vec![into]);
                let added = add_value(&arg, &arg.overlay_dirs()[0], &req)
                    .map_err(|e| format!("{e:#}"))
                    .and_then(|r| r);
                match added.and_then(|done| {
                    let (rules, files) = arg.load_with_files().map_err(|e| format!("{e:#}"))?;
                    app.set_law(Law { rules, files });
                    Ok(done)
                }) {
                    Ok(done) => {
                        let notice = RulesNotice {
                            added: done,
                            ..RulesNotice::default()
                        };
                        let mut r = rules_view(&app, page_date, &notice);
                        // A form answered with the page it changed.
                        *r.status_mut() = StatusCode::OK;
                        r.into_response()
                    }
                    Err(why) => refused(notice, why),
                }
            }
        }
    })
    .await
}

/// The request the form's fields make, or every problem with them at once.
fn request(notice: &RulesNotice) -> Result<AddRequest, String> {
    let field = |name: &str| notice.values.get(name).map(String::as_str).unwrap_or("");
    let mut problems = Vec::new();
    let date = |name: &str, problems: &mut Vec<String>| -> Option<chrono::NaiveDate> {
        let v = field(name);
        if v.is_empty() {
            return None;
        }
        match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(format!("{name}: \"{v}\": expected a date YYYY-MM-DD"));
                None
            }
        }
    };
    for name in FIELDS {
        if field(name).len() > MAX_FIELD {
            problems.push(format!("{name}: longer than {MAX_FIELD} bytes"));
        }
    }
    for name in ["id", "from", "value", "source"] {
        if field(name).is_empty() {
            problems.push(format!("{name}: required"));
        }
    }
    let from = date("from", &mut problems);
    let to = date("to", &mut problems);
    let checked = date("checked", &mut problems);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let Some(from) = from else {
        return Err("from: required".to_string());
    };
    let note = Some(field("note").to_string()).filter(|n| !n.is_empty());
    Ok(AddRequest {
        id: field("id").to_string(),
        from,
        to,
        value: field("value").to_string(),
        source: field("source").to_string(),
        note,
        provisional: false,
        corrects: false,
        checked,
    })
}
