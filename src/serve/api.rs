//! The JSON API for integration: `GET /api/dossiers?as_of=DATE` (one object per dossier)
//! and `GET /api/dossiers/{key}/statement?as_of=DATE`, whose body is byte for byte what
//! `relance compute DOSSIER --as-of DATE --format json` prints.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::App;
use super::cache::Load;
use super::dossier::{blocking, dossier_dir};
use super::html::{AsOf, as_of};
use super::portfolio::{Outcome, rows};
use crate::calc::compute;
use crate::money::cents_string;

fn json(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": message.into() });
    json(status, format!("{body}\n"))
}

#[derive(Serialize)]
struct Item {
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    debtor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal_outstanding: Option<String>,
    /// Absent when a rate the statement needs is missing from the rules (see `error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    total_due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<crate::plan::Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_date: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `GET /api/dossiers?as_of=DATE`: every dossier, sorted by key, with its reference,
/// debtor, principal outstanding, total due, stage, next step and date; a dossier that
/// does not load has its problems in `error`.
pub async fn dossiers(State(app): State<Arc<App>>, Query(q): Query<AsOf>) -> Response {
    let date = match as_of(&app, q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    blocking(move || {
        let items: Vec<Item> = rows(&app, date)
            .into_iter()
            .map(|r| match r.outcome {
                Outcome::Failed(e) => Item {
                    key: r.key,
                    reference: None,
                    debtor: None,
                    principal_outstanding: None,
                    total_due: None,
                    stage: None,
                    status: None,
                    next_step: None,
                    next_date: None,
                    error: Some(e),
                },
                Outcome::Loaded(f) => Item {
                    key: r.key,
                    reference: Some(f.reference),
                    debtor: Some(f.debtor),
                    principal_outstanding: Some(cents_string(f.outstanding)),
                    total_due: f.total_due.map(cents_string),
                    stage: Some(f.stage),
                    status: f.status,
                    next_step: f.next_step.as_ref().map(|s| s.0.clone()),
                    next_date: f.next_step.map(|s| s.1),
                    error: f.error,
                },
            })
            .collect();
        let body = serde_json::json!({ "as_of": date, "dossiers": items });
        let mut text = serde_json::to_string_pretty(&body).unwrap_or_default();
        text.push('\n');
        json(StatusCode::OK, text)
    })
    .await
}

/// `GET /api/dossiers/{key}/statement?as_of=DATE`: `relance compute --format json`.
/// A dossier that does not load, or a statement that cannot be computed (a missing rate),
/// is 422 with the CLI's message in `error`.
pub async fn statement(
    State(app): State<Arc<App>>,
    key: Result<Path<String>, PathRejection>,
    Query(q): Query<AsOf>,
) -> Response {
    let Some(dir) = dossier_dir(&app, &key) else {
        return error(StatusCode::NOT_FOUND, "no such dossier");
    };
    let date = match as_of(&app, q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    blocking(move || match app.cache.load(&dir) {
        Load::Failed(p) => error(StatusCode::UNPROCESSABLE_ENTITY, p.to_string()),
        Load::Ok { loaded, .. } => match compute(&loaded.dossier, &app.law().rules, date) {
            Ok(s) => json(StatusCode::OK, s.to_json_string()),
            Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        },
    })
    .await
}
