//! The forms that write: a payment (`POST /dossiers/{key}/payments`), an event with an
//! optional uploaded proof (`POST /dossiers/{key}/events`), both through
//! [`crate::record::record`] (under the dossier's lock, checked before the write,
//! atomic), and a new dossier (`/new`). Every POST checks the CSRF token before anything
//! else and writes nothing without it; every problem is shown beside its field with the
//! message the CLI gives.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::App;
use super::dossier::{FormState, Params, blocking, dossier_dir, view};
use super::html::{as_of, text};
use super::keys::url_segment;
use super::security::{csrf_ok, csrf_refused};
use crate::dossier::{Channel, EventKind, parse_amount};
use crate::error::Problems;
use crate::record::{Entry, Piece, RecordError, record};

pub use super::newdossier::{new_dossier, new_page};

/// The largest text field accepted in a form (a reference, a name).
const MAX_FIELD: usize = 2_000;

/// The message of a date that does not parse: the dossier loader's.
pub const BAD_DATE: &str = "not a valid date (YYYY-MM-DD)";

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| BAD_DATE.to_string())
}

fn value<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("").trim()
}

fn optional(fields: &HashMap<String, String>, name: &str) -> Option<String> {
    Some(value(fields, name).to_string()).filter(|s| !s.is_empty())
}

/// The form field a problem of the new dossier file names: `payments[3].invoice` ->
/// `invoice` (the entry appended is the one the form describes).
fn field_of(problem_field: &str, section: &str) -> Option<String> {
    let rest = problem_field.strip_prefix(section)?.strip_prefix('[')?;
    let (_, field) = rest.split_once("].")?;
    Some(field.split(['.', '[']).next().unwrap_or(field).to_string())
}

/// A refusal of the record code, spread over the form: problems of the appended entry
/// beside their field, the others above the form.
fn spread(state: &mut FormState, section: &str, count: usize, error: RecordError) {
    let problems: Option<&Problems> = match &error {
        RecordError::Rejected(p) | RecordError::Invalid(p) => Some(p),
        _ => None,
    };
    match problems {
        Some(p) => {
            for problem in p.iter() {
                let own = problem
                    .field
                    .starts_with(&format!("{section}[{count}]"))
                    .then(|| field_of(&problem.field, section))
                    .flatten();
                match own {
                    Some(f) => state.errors.entry(f).or_default().push(problem.to_string()),
                    None => state.general.push(problem.to_string()),
                }
            }
            if let RecordError::Invalid(_) = error {
                state
                    .general
                    .push("the dossier has problems: fix them before recording".to_string());
            }
        }
        None => state.general.push(error.to_string()),
    }
}

/// The page again, with the form's values and problems (422), or the 303 to the page.
fn answer(
    app: &App,
    key: &str,
    dir: &std::path::Path,
    date: NaiveDate,
    state: FormState,
    done: &str,
) -> Response {
    if state.errors.is_empty() && state.general.is_empty() {
        return Redirect::to(&format!(
            "/dossiers/{}?as_of={date}&done={done}",
            url_segment(key)
        ))
        .into_response();
    }
    view(app, key, dir, date, &Params::default(), Some(state))
}

fn count(app: &App, dir: &std::path::Path, section: &str) -> usize {
    match app.cache.load(dir) {
        super::cache::Load::Ok { loaded, .. } => match section {
            "payments" => loaded.dossier.payments.len(),
            _ => loaded.dossier.events.len(),
        },
        super::cache::Load::Failed(_) => 0,
    }
}

/// `POST /dossiers/{key}/payments`: fields `csrf`, `date`, `amount`, `invoice`,
/// `reference` (and `as_of`, the page's date).
pub async fn payment(
    State(app): State<Arc<App>>,
    key: Result<Path<String>, PathRejection>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(dir) = dossier_dir(&app, &key) else {
        return super::html::not_found().await;
    };
    let Ok(Form(fields)) = form else {
        return csrf_refused();
    };
    if !csrf_ok(&app, fields.get("csrf").map(String::as_str)) {
        return csrf_refused();
    }
    let key = key.map(|Path(k)| k).unwrap_or_default();
    let Ok(page_date) = as_of(&app, fields.get("as_of").map(String::as_str)) else {
        return text(StatusCode::BAD_REQUEST, "as_of\n");
    };
    blocking(move || {
        let mut state = FormState {
            form: "payment".to_string(),
            ..FormState::default()
        };
        for name in ["date", "amount", "invoice", "reference"] {
            state
                .values
                .insert(name.to_string(), value(&fields, name).to_string());
        }
        let date = parse_date(value(&fields, "date"))
            .map_err(|m| state.errors.entry("date".into()).or_default().push(m))
            .ok();
        let raw = value(&fields, "amount");
        let amount = parse_amount(raw)
            .map_err(|m| {
                state
                    .errors
                    .entry("amount".into())
                    .or_default()
                    .push(format!("--payment: \"{raw}\": {m}"))
            })
            .ok();
        for name in ["invoice", "reference"] {
            if value(&fields, name).len() > MAX_FIELD {
                state
                    .errors
                    .entry(name.into())
                    .or_default()
                    .push(format!("longer than {MAX_FIELD} bytes"));
            }
        }
        if let (Some(date), Some(amount), true) = (date, amount, state.errors.is_empty()) {
            let entry = Entry::Payment {
                date,
                amount,
                invoice: optional(&fields, "invoice"),
                reference: optional(&fields, "reference"),
            };
            let n = count(&app, &dir, "payments");
            if let Err(e) = record(&dir, &entry, crate::lock::DEFAULT_WAIT, &app.law().rules) {
                spread(&mut state, "payments", n, e);
            }
        }
        answer(&app, &key, &dir, page_date, state, "payment")
    })
    .await
}

/// A multipart form read whole: text fields, and the one file (`piece`) with its name.
#[derive(Default)]
struct Upload {
    fields: HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
}

/// Reads a multipart body within the router's size limit. A file field with no file
/// chosen (an empty name and no bytes) is no file.
async fn read_upload(mut multipart: Multipart, file_field: &str) -> Result<Upload, String> {
    let mut up = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        let name = field.name().unwrap_or("").to_string();
        if name == file_field {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|e| e.body_text())?;
            if !file_name.is_empty() || !bytes.is_empty() {
                up.file = Some((file_name, bytes.to_vec()));
            }
        } else {
            let value = field.text().await.map_err(|e| e.body_text())?;
            if value.len() > MAX_FIELD {
                return Err(format!("{name}: longer than {MAX_FIELD} bytes"));
            }
            up.fields.insert(name, value);
        }
    }
    Ok(up)
}

/// The plain file name of an upload: its last path part, as browsers on every system may
/// send a whole path.
pub fn upload_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

fn event_kind(s: &str) -> Option<EventKind> {
    [
        EventKind::Reminder,
        EventKind::FormalNotice,
        EventKind::Acknowledgment,
        EventKind::Dispute,
        EventKind::IpServed,
    ]
    .into_iter()
    .find(|k| k.as_str() == s)
}

fn channel(s: &str) -> Option<Channel> {
    [
        Channel::Email,
        Channel::Letter,
        Channel::RegisteredLetter,
        Channel::Phone,
        Channel::Sms,
    ]
    .into_iter()
    .find(|c| c.as_str() == s)
}

/// `POST /dossiers/{key}/events` (multipart): fields `csrf`, `date`, `kind`, `invoice`,
/// `channel`, and the file `piece`, stored in the dossier's `pieces/`.
pub async fn event(
    State(app): State<Arc<App>>,
    key: Result<Path<String>, PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Some(dir) = dossier_dir(&app, &key) else {
        return super::html::not_found().await;
    };
    let Ok(multipart) = multipart else {
        return csrf_refused();
    };
    let up = match read_upload(multipart, "piece").await {
        Ok(up) => up,
        Err(e) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("413 : envoi refusé ({e}), rien n'a été enregistré\n"),
            );
        }
    };
    if !csrf_ok(&app, up.fields.get("csrf").map(String::as_str)) {
        return csrf_refused();
    }
    let key = key.map(|Path(k)| k).unwrap_or_default();
    let Ok(page_date) = as_of(&app, up.fields.get("as_of").map(String::as_str)) else {
        return text(StatusCode::BAD_REQUEST, "as_of\n");
    };
    blocking(move || {
        let fields = &up.fields;
        let mut state = FormState {
            form: "event".to_string(),
            ..FormState::default()
        };
        for name in ["date", "kind", "invoice", "channel"] {
            state
                .values
                .insert(name.to_string(), value(fields, name).to_string());
        }
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let date = parse_date(value(fields, "date"))
            .map_err(|m| errors.entry("date".into()).or_default().push(m))
            .ok();
        let kind = event_kind(value(fields, "kind"));
        if kind.is_none() {
            errors.entry("kind".into()).or_default().push(format!(
                "\"{}\": expected reminder, formal-notice, acknowledgment, dispute or ip-served",
                value(fields, "kind")
            ));
        }
        let chan = match value(fields, "channel") {
            "" => Ok(None),
            c => channel(c).map(Some).ok_or(c),
        };
        if let Err(c) = chan {
            errors.entry("channel".into()).or_default().push(format!(
                "\"{c}\": expected email, letter, registered-letter, phone or sms"
            ));
        }
        state.errors = errors;
        if let (Some(date), Some(kind), Ok(channel), true) =
            (date, kind, chan, state.errors.is_empty())
        {
            let piece = up.file.as_ref().map(|(name, bytes)| Piece::Bytes {
                name: upload_name(name),
                bytes: bytes.clone(),
            });
            let entry = Entry::Event {
                date,
                kind,
                invoice: optional(fields, "invoice"),
                channel,
                piece,
            };
            let n = count(&app, &dir, "events");
            if let Err(e) = record(&dir, &entry, crate::lock::DEFAULT_WAIT, &app.law().rules) {
                let piece_problem =
                    matches!(&e, RecordError::Refused(m) if m.starts_with("piece "));
                if piece_problem {
                    state
                        .errors
                        .entry("piece".into())
                        .or_default()
                        .push(e.to_string());
                } else {
                    spread(&mut state, "events", n, e);
                }
            }
        }
        answer(&app, &key, &dir, page_date, state, "event")
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_of_the_new_entry_go_beside_their_field() {
        assert_eq!(
            field_of("payments[3].invoice", "payments").as_deref(),
            Some("invoice")
        );
        assert_eq!(
            field_of("events[0].piece", "events").as_deref(),
            Some("piece")
        );
        assert_eq!(field_of("debtor.name", "events"), None);
        assert_eq!(upload_name("C:\\Users\\a\\ar.pdf"), "ar.pdf");
        assert_eq!(upload_name("/tmp/x/ar.pdf"), "ar.pdf");
    }
}
