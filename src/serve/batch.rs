//! The portfolio's button: everything due on the date, produced by the code of `relance
//! batch DIR --as-of DATE --out OUT --jobs 1`, run in a thread of the server, with its
//! progress on `/batch` (the page refreshes itself while it runs) and links to the files
//! it wrote. Output: `OUT/<date>/`, where OUT is `--out` (default `DIR/sorties`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Serialize;

use super::App;
use super::html::{Frame, as_of, text};
use super::keys::url_segment;
use super::security::{csrf_ok, csrf_refused};
use crate::batch::{Entry, Outcome};

/// The state of the last run.
#[derive(Default)]
pub struct Progress {
    pub running: bool,
    pub as_of: Option<NaiveDate>,
    /// The folder written.
    pub out: Option<PathBuf>,
    /// Shared with the batch code, which counts the dossiers done on it.
    pub bar: Option<indicatif::ProgressBar>,
    pub entries: Vec<Entry>,
    pub error: Option<String>,
}

/// What the portfolio and `/batch` show of it.
#[derive(Serialize)]
pub struct Snapshot {
    running: bool,
    as_of: String,
    out: String,
    done: u64,
    total: u64,
    produced: usize,
    skipped: usize,
    failed: usize,
    entries: Vec<EntryView>,
    error: Option<String>,
}

#[derive(Serialize)]
struct EntryView {
    reference: String,
    path: String,
    outcome: &'static str,
    what: String,
    files: Vec<(String, String)>,
}

/// The last run, or `None` when none was started.
pub fn snapshot(app: &App) -> Option<Snapshot> {
    let p = app.batch.lock().unwrap_or_else(|e| e.into_inner());
    let as_of = p.as_of?;
    let count = |o: Outcome| p.entries.iter().filter(|e| e.outcome == o).count();
    let mut entries: Vec<&Entry> = p.entries.iter().collect();
    entries.sort_by(|a, b| {
        (a.outcome, &a.reference, &a.path).cmp(&(b.outcome, &b.reference, &b.path))
    });
    Some(Snapshot {
        running: p.running,
        as_of: as_of.to_string(),
        out: p
            .out
            .as_ref()
            .map(|o| o.display().to_string())
            .unwrap_or_default(),
        done: p.bar.as_ref().map_or(0, |b| b.position()),
        total: p.bar.as_ref().and_then(|b| b.length()).unwrap_or(0),
        produced: count(Outcome::Produced),
        skipped: count(Outcome::Skipped),
        failed: count(Outcome::Failed),
        entries: entries
            .into_iter()
            .filter(|e| e.outcome != Outcome::Skipped)
            .map(|e| EntryView {
                reference: e.reference.clone().unwrap_or_default(),
                path: e.path.clone(),
                outcome: match e.outcome {
                    Outcome::Produced => "produit",
                    Outcome::Skipped => "rien à faire",
                    Outcome::Failed => "échec",
                },
                what: e
                    .error
                    .clone()
                    .or_else(|| e.step.clone())
                    .unwrap_or_default(),
                files: e
                    .files
                    .iter()
                    .map(|f| (f.clone(), format!("/batch/files/{}", url_segment(f))))
                    .collect(),
            })
            .collect(),
        error: p.error.clone(),
    })
}

/// `POST /batch` (`csrf`, `as_of`): starts the run, unless one is running; then `/batch`.
pub async fn start(
    State(app): State<Arc<App>>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(fields)) = form else {
        return csrf_refused();
    };
    if !csrf_ok(&app, fields.get("csrf").map(String::as_str)) {
        return csrf_refused();
    }
    let date = match as_of(&app, fields.get("as_of").map(String::as_str)) {
        Ok(d) => d,
        Err(m) => return text(StatusCode::BAD_REQUEST, m),
    };
    let out = app.config.batch_out.join(date.to_string());
    let bar = indicatif::ProgressBar::hidden();
    {
        let mut p = app.batch.lock().unwrap_or_else(|e| e.into_inner());
        if p.running {
            return Redirect::to("/batch").into_response();
        }
        *p = Progress {
            running: true,
            as_of: Some(date),
            out: Some(out.clone()),
            bar: Some(bar.clone()),
            entries: Vec::new(),
            error: None,
        };
    }
    let worker = Arc::clone(&app);
    std::thread::spawn(move || {
        let app = worker;
        let report = |entry: &Entry| {
            app.batch
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entries
                .push(entry.clone());
        };
        let result = crate::cli::batch_in_process(
            &app.config.root,
            date,
            &out,
            app.law().rules.clone(),
            app.law().files.clone(),
            &bar,
            &report,
        );
        let mut p = app.batch.lock().unwrap_or_else(|e| e.into_inner());
        p.running = false;
        if let Err(e) = result {
            p.error = Some(format!("{e:#}"));
        }
    });
    Redirect::to("/batch").into_response()
}

/// `GET /batch`: the progress and the result of the last run.
pub async fn page(State(app): State<Arc<App>>) -> Response {
    let snap = snapshot(&app);
    let date = snap
        .as_ref()
        .and_then(|s| s.as_of.parse().ok())
        .unwrap_or_else(|| app.today());
    app.pages.render(
        "batch.html",
        minijinja::context! {
            frame => Frame::new(&app, date, "Production du jour"),
            batch => snap,
        },
    )
}

/// `GET /batch/files/{file}`: a file the last run wrote, as its summary lists it (nothing
/// else of the output folder is served).
pub async fn file(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(name)) = path else {
        return super::html::not_found().await;
    };
    let target = {
        let p = app.batch.lock().unwrap_or_else(|e| e.into_inner());
        let listed = p.entries.iter().any(|e| e.files.contains(&name))
            || matches!(name.as_str(), "summary.json" | "summary.csv");
        match (&p.out, listed && !p.running) {
            (Some(out), true) => Some(out.join(&name)),
            _ => None,
        }
    };
    let Some(target) = target else {
        return super::html::not_found().await;
    };
    let Ok(bytes) = std::fs::read(&target) else {
        return super::html::not_found().await;
    };
    let mime = match target.extension().and_then(|e| e.to_str()) {
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    let file_name = name.rsplit('/').next().unwrap_or("file").to_string();
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
