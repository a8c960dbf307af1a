//! `/import`: upload an accounting export (CSV, FEC) or an e-invoice with the creditor file
//! (or the served folder's `relance.toml`), see the import report that `relance import`
//! writes (dossiers, skipped debtors, rejected lines with their reasons), then confirm to
//! write the dossiers into the served folder. The import itself is
//! [`crate::import::import`]; what is written, and the refusal to overwrite an existing
//! dossier, are those of `relance import` without `--force`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::App;
use super::dossier::blocking;
use super::html::{AsOf, Frame, as_of, text};
use super::keys::url_segment;
use super::newdossier::CREDITOR_FILE;
use super::security::{csrf_ok, csrf_refused};
use crate::dossier::parse_creditor_file;
use crate::error::Problems;
use crate::import::{self, Import, Kind, REPORT_FILE, Setup, Source};

/// Imports waiting for confirmation, by number (at most [`MAX_STAGED`], oldest dropped).
#[derive(Default)]
pub struct Staged {
    next: u64,
    imports: BTreeMap<u64, Import>,
}

const MAX_STAGED: usize = 8;

const KINDS: [(&str, &str); 5] = [
    ("csv", "CSV (factures, règlements, avoirs)"),
    ("fec", "FEC (fichier des écritures comptables)"),
    ("facturx", "Factur-X (PDF)"),
    ("cii", "CII (XML)"),
    ("ubl", "UBL (XML)"),
];

fn kind(s: &str) -> Option<Kind> {
    Some(match s {
        "csv" => Kind::Csv,
        "fec" => Kind::Fec,
        "facturx" => Kind::Facturx,
        "cii" => Kind::Cii,
        "ubl" => Kind::Ubl,
        _ => return None,
    })
}

/// What the import page shows besides its form: a refusal, a report waiting for
/// confirmation, or the dossiers written.
#[derive(Default, serde::Serialize)]
struct Shown {
    refused: Vec<String>,
    report: Option<import::Report>,
    staged: u64,
    existing: Vec<String>,
    written: Vec<(String, String)>,
}

fn page_with(app: &App, date: chrono::NaiveDate, status: StatusCode, shown: Shown) -> Response {
    let mut r = app.pages.render(
        "import.html",
        minijinja::context! {
            frame => Frame::new(app, date, "Importer"),
            kinds => KINDS,
            creditor_file => CREDITOR_FILE,
            has_creditor_file => app.config.root.join(CREDITOR_FILE).is_file(),
            refused => shown.refused,
            report => shown.report,
            staged => shown.staged,
            existing => shown.existing,
            written => shown.written,
        },
    );
    *r.status_mut() = status;
    r
}

/// `GET /import`.
pub async fn page(State(app): State<Arc<App>>, Query(q): Query<AsOf>) -> Response {
    let date = match as_of(&app, q.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return text(StatusCode::BAD_REQUEST, m),
    };
    page_with(&app, date, StatusCode::OK, Shown::default())
}

#[derive(Default)]
struct Files {
    fields: BTreeMap<String, String>,
    files: BTreeMap<String, (String, Vec<u8>)>,
}

async fn read(mut m: Multipart) -> Result<Files, String> {
    let mut out = Files::default();
    while let Some(field) = m.next_field().await.map_err(|e| e.body_text())? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    out.files.insert(name, (file_name, bytes.to_vec()));
                }
            }
            None => {
                let v = field.text().await.map_err(|e| e.body_text())?;
                out.fields.insert(name, v);
            }
        }
    }
    Ok(out)
}

/// The setup of the import: the creditor file uploaded, else the served folder's.
fn setup(root: &Path, files: &Files) -> Result<Setup, Problems> {
    let mut setup = Setup::default();
    let creditor = match files.files.get("creditor") {
        Some((name, bytes)) => Some((super::forms::upload_name(name), bytes.clone())),
        None => std::fs::read(root.join(CREDITOR_FILE))
            .ok()
            .map(|b| (CREDITOR_FILE.to_string(), b)),
    };
    if let Some((name, bytes)) = creditor {
        let text = String::from_utf8(bytes)
            .map_err(|_| Problems::from(crate::error::Problem::new(&name, "", "not UTF-8 text")))?;
        setup.creditor = Some(parse_creditor_file(&text, &name)?);
    }
    if let Some((name, bytes)) = files.files.get("customers") {
        setup.customers = Some(import::parse_customers(
            bytes,
            &super::forms::upload_name(name),
        )?);
    }
    Ok(setup)
}

/// `POST /import` (multipart: `csrf`, `kind`, `file`, optional `creditor` and `customers`):
/// the report, and a confirmation form. Nothing is written.
pub async fn upload(
    State(app): State<Arc<App>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else {
        return csrf_refused();
    };
    let files = match read(multipart).await {
        Ok(f) => f,
        Err(e) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("413 : envoi refusé ({e}), rien n'a été importé\n"),
            );
        }
    };
    if !csrf_ok(&app, files.fields.get("csrf").map(String::as_str)) {
        return csrf_refused();
    }
    let date = app.today();
    blocking(move || {
        let refuse = |problems: Vec<String>| {
            page_with(
                &app,
                date,
                StatusCode::UNPROCESSABLE_ENTITY,
                Shown {
                    refused: problems,
                    ..Shown::default()
                },
            )
        };
        let Some(k) = files.fields.get("kind").and_then(|k| kind(k)) else {
            return refuse(vec![
                "kind: choose csv, fec, facturx, cii or ubl".to_string(),
            ]);
        };
        let Some((name, bytes)) = files.files.get("file") else {
            return refuse(vec!["file: choose the file to import".to_string()]);
        };
        let setup = match setup(&app.config.root, &files) {
            Ok(s) => s,
            Err(p) => return refuse(p.iter().map(|p| p.to_string()).collect()),
        };
        let name = super::forms::upload_name(name);
        let source = Source { name: &name, bytes };
        let result = match import::import(k, &source, &setup) {
            Ok(r) => r,
            Err(p) => return refuse(p.iter().map(|p| p.to_string()).collect()),
        };
        let existing: Vec<String> = result
            .dossiers
            .iter()
            .filter(|d| app.config.root.join(&d.key).join("dossier.toml").exists())
            .map(|d| d.key.clone())
            .collect();
        let report = result.report.clone();
        let id = {
            let mut staged = app.imports.lock().unwrap_or_else(|e| e.into_inner());
            staged.next += 1;
            let id = staged.next;
            staged.imports.insert(id, result);
            while staged.imports.len() > MAX_STAGED {
                staged.imports.pop_first();
            }
            id
        };
        page_with(
            &app,
            date,
            StatusCode::OK,
            Shown {
                report: Some(report),
                staged: id,
                existing,
                ..Shown::default()
            },
        )
    })
    .await
}

/// `POST /import/confirm` (`csrf`, `staged`): writes the staged import's dossiers, their
/// pieces and `import-report.json` into the served folder, unless one of its dossiers
/// already exists there (then nothing is written).
pub async fn confirm(
    State(app): State<Arc<App>>,
    form: Result<Form<BTreeMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(fields)) = form else {
        return csrf_refused();
    };
    if !csrf_ok(&app, fields.get("csrf").map(String::as_str)) {
        return csrf_refused();
    }
    let date = app.today();
    let id: u64 = fields
        .get("staged")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    blocking(move || {
        let staged = app
            .imports
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .imports
            .remove(&id);
        let Some(result) = staged else {
            return page_with(
                &app,
                date,
                StatusCode::NOT_FOUND,
                Shown {
                    refused: vec!["this import is no longer waiting: upload the file again".into()],
                    ..Shown::default()
                },
            );
        };
        match write(&app.config.root, &result) {
            Ok(()) => {
                let written: Vec<(String, String)> = result
                    .dossiers
                    .iter()
                    .map(|d| (d.key.clone(), format!("/dossiers/{}", url_segment(&d.key))))
                    .collect();
                page_with(
                    &app,
                    date,
                    StatusCode::OK,
                    Shown {
                        written,
                        ..Shown::default()
                    },
                )
            }
            Err(problems) => page_with(
                &app,
                date,
                StatusCode::CONFLICT,
                Shown {
                    refused: problems,
                    ..Shown::default()
                },
            ),
        }
    })
    .await
}

/// What `relance import --out DIR` writes, refusing as it does an existing dossier.
fn write(root: &Path, result: &Import) -> Result<(), Vec<String>> {
    let existing: Vec<String> = result
        .dossiers
        .iter()
        .map(|d| root.join(&d.key).join("dossier.toml"))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
        .map(|p| {
            format!(
                "{}: already exists: not overwritten, nothing written",
                p.display()
            )
        })
        .collect();
    if !existing.is_empty() {
        return Err(existing);
    }
    let fail = |p: &Path, e: std::io::Error| vec![format!("{}: cannot write: {e}", p.display())];
    for d in &result.dossiers {
        let dir = root.join(&d.key);
        for piece in &d.pieces {
            let path = dir.join(&piece.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
            }
            crate::cli::write_atomic(&path, &piece.bytes).map_err(|e| fail(&path, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| fail(&dir, e))?;
        let file = dir.join("dossier.toml");
        crate::cli::write_atomic(&file, d.toml.as_bytes()).map_err(|e| fail(&file, e))?;
    }
    let report = root.join(REPORT_FILE);
    crate::cli::write_atomic(&report, result.report.to_json_string().as_bytes())
        .map_err(|e| fail(&report, e))
}
