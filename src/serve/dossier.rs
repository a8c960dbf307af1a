//! The dossier page `/dossiers/{key}`: parties, invoices, payments, the events as a
//! timeline, the plan, the statement on the date as `relance compute` makes it, every
//! document the dossier can have (previewed as laid-out text, downloadable as PDF/A, or
//! its refusal), the evidence bundle, and the forms that record a payment or an event.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::cache::Load;
use super::html::{Frame, as_of, date_fr, eur, not_found, text};
use super::keys::{resolve, url_segment};
use super::{App, statement};
use crate::batch::folder_name;
use crate::bundle::File;
use crate::calc::compute;
use crate::dossier::fs::Loaded;
use crate::dossier::{Channel, DebtorKind, Dossier, EventKind};
use crate::letters::{DocKind, build};

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    pub as_of: Option<String>,
    /// The document previewed (`relance render --doc` name).
    pub preview: Option<String>,
    /// What was just recorded: `payment`, `event`, `created`.
    pub done: Option<String>,
}

/// What a refused form sends back to the page: the values typed and, per field, the
/// problems, with the problems that name no field.
#[derive(Debug, Default, Serialize)]
pub struct FormState {
    pub form: String,
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, Vec<String>>,
    pub general: Vec<String>,
}

/// The key of a route, resolved to a dossier folder, or `None` (404).
pub fn dossier_dir(app: &App, key: &Result<Path<String>, PathRejection>) -> Option<PathBuf> {
    let Ok(Path(key)) = key else { return None };
    resolve(&app.config.root, key)
}

#[derive(Serialize)]
struct Doc {
    name: &'static str,
    href: String,
    preview_href: String,
    refusal: Option<String>,
}

#[derive(Serialize)]
struct Moment {
    date: String,
    what: String,
    detail: String,
    class: &'static str,
}

fn kind_fr(k: EventKind) -> &'static str {
    match k {
        EventKind::Reminder => "Relance",
        EventKind::FormalNotice => "Mise en demeure reçue",
        EventKind::Acknowledgment => "Reconnaissance de dette",
        EventKind::Dispute => "Contestation",
        EventKind::IpServed => "Injonction de payer signifiée",
        EventKind::InstalmentNotice => "Relance d'échéance",
        EventKind::PlanEnded => "Déchéance du terme",
        EventKind::PlanAgreed => "Échéancier accepté",
        EventKind::ClaimMemorandum => "Mémoire en réclamation",
        EventKind::ReferralFiled => "Requête en référé-provision déposée",
    }
}

pub fn channel_fr(c: Channel) -> &'static str {
    match c {
        Channel::Email => "courriel",
        Channel::Letter => "lettre simple",
        Channel::RegisteredLetter => "lettre recommandée avec AR",
        Channel::Phone => "téléphone",
        Channel::Sms => "SMS",
    }
}

/// Everything that happened, by date: invoices issued and due, payments, events.
fn timeline(d: &Dossier) -> Vec<Moment> {
    let mut out: Vec<(NaiveDate, u8, Moment)> = Vec::new();
    for i in &d.invoices {
        out.push((
            i.issued,
            0,
            Moment {
                date: date_fr(i.issued),
                what: format!("Facture {} émise", i.number),
                detail: format!("{} TTC, échéance le {}", eur(i.amount), date_fr(i.due)),
                class: "invoice",
            },
        ));
    }
    for p in &d.payments {
        out.push((
            p.date,
            1,
            Moment {
                date: date_fr(p.date),
                what: format!("Règlement de {}", eur(p.amount)),
                detail: [
                    p.invoice.as_ref().map(|n| format!("facture {n}")),
                    p.reference.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" — "),
                class: "payment",
            },
        ));
    }
    for e in &d.events {
        out.push((
            e.date,
            2,
            Moment {
                date: date_fr(e.date),
                what: kind_fr(e.kind).to_string(),
                detail: [
                    e.channel.map(|c| channel_fr(c).to_string()),
                    Some(
                        e.invoice
                            .as_ref()
                            .map_or("toutes les factures".to_string(), |n| {
                                format!("facture {n}")
                            }),
                    ),
                    e.piece.as_ref().map(|p| format!("pièce : {p}")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" — "),
                class: "event",
            },
        ));
    }
    out.sort_by_key(|(d, o, _)| (*d, *o));
    out.into_iter().map(|(_, _, m)| m).collect()
}

fn debtor_kind_fr(k: DebtorKind) -> &'static str {
    match k {
        DebtorKind::Company => "entreprise",
        DebtorKind::Consumer => "consommateur",
        DebtorKind::PublicBody => "personne publique",
    }
}

/// The page of the dossier in `dir` on `date`; `form` when a form was refused.
pub fn view(
    app: &App,
    key: &str,
    dir: &std::path::Path,
    date: NaiveDate,
    params: &Params,
    form: Option<FormState>,
) -> Response {
    let seg = url_segment(key);
    let loaded = match app.cache.load(dir) {
        Load::Failed(problems) => {
            return app.pages.render(
                "broken.html",
                minijinja::context! {
                    frame => Frame::new(app, date, key),
                    key => key,
                    problems => problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
                },
            );
        }
        Load::Ok { loaded, content } => (loaded, content),
    };
    let (loaded, content) = loaded;
    let d = &loaded.dossier;
    let c = app.cache.computed(&loaded, content, &app.law().rules, date);
    let q = format!("as_of={date}");
    let mut preview = None;
    let docs: Vec<Doc> = DocKind::ALL
        .iter()
        .map(|k| {
            let refusal = match &c.statement {
                Err(e) => Some(e.clone()),
                Ok(s) => build(*k, d, s, &app.law().rules)
                    .err()
                    .map(|e| e.to_string()),
            };
            if refusal.is_none()
                && params.preview.as_deref() == Some(k.name())
                && let Ok(s) = &c.statement
            {
                preview = Some(preview_text(app, *k, d, s));
            }
            Doc {
                name: k.name(),
                href: format!("/dossiers/{seg}/documents/{}.pdf?{q}", k.name()),
                preview_href: format!("/dossiers/{seg}?{q}&preview={}#apercu", k.name()),
                refusal,
            }
        })
        .collect();
    let statement_rows = c.statement.as_ref().ok().map(statement::rows);
    let rules_used = c
        .statement
        .as_ref()
        .ok()
        .map(statement::rules_used)
        .unwrap_or_default();
    let plan = c.plan.as_ref().ok();
    let status = if form.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let creditor = &d.creditor;
    let mut response = app.pages.render(
        "dossier.html",
        minijinja::context! {
            frame => Frame::new(app, date, d.reference.clone()),
            key => key,
            seg => seg,
            q => q,
            reference => d.reference.clone(),
            regime => d.regime().as_str(),
            creditor => minijinja::context! {
                name => creditor.name.clone(),
                siren => creditor.siren.clone(),
                address => creditor.address.clone(),
                email => creditor.email.clone(),
                iban => creditor.iban.clone(),
                signatory => creditor.signatory.clone(),
            },
            debtor => minijinja::context! {
                kind => debtor_kind_fr(d.debtor.kind),
                name => d.debtor.name.clone(),
                siren => d.debtor.siren.clone(),
                address => d.debtor.address.clone(),
                email => d.debtor.email.clone(),
                insolvency => d.debtor.insolvency_opened.map(date_fr),
            },
            agency => d.agency.as_ref().map(|a| minijinja::context! {
                name => a.name.clone(), siren => a.siren.clone(), mandate => a.mandate.clone(),
            }),
            invoices => d.invoices.iter().map(|i| minijinja::context! {
                number => i.number.clone(),
                issued => date_fr(i.issued),
                due => date_fr(i.due),
                amount => eur(i.amount),
                description => i.description.clone().unwrap_or_default(),
                piece => i.piece.clone().unwrap_or_default(),
            }).collect::<Vec<_>>(),
            invoice_numbers => d.invoices.iter().map(|i| i.number.clone()).collect::<Vec<_>>(),
            timeline => timeline(d),
            statement => statement_rows,
            statement_error => c.statement.as_ref().err().cloned(),
            statement_warnings => c.statement.as_ref().map(|s| s.warnings.clone()).unwrap_or_default(),
            total_due => c.statement.as_ref().ok().map(|s| eur(s.totals.total_due)),
            rules_used => rules_used,
            plan => plan.map(|p| minijinja::context! {
                status => p.status.label_fr(),
                last => p.last_step.as_ref().map(|s| format!("{} le {}", s.title, date_fr(s.date))),
                next => p.next_step.as_ref().map(|s| format!("{} le {}", s.title, date_fr(s.date))),
                reason => p.reason.clone(),
                warnings => p.warnings.clone(),
            }),
            plan_error => c.plan.as_ref().err().cloned(),
            warnings => d.warnings(),
            docs => docs,
            preview => preview,
            preview_name => params.preview.clone(),
            bundle_href => format!("/dossiers/{seg}/bundle.zip?{q}"),
            done => params.done.clone(),
            form => form.unwrap_or_default(),
            event_kinds => [
                ("reminder", "Relance envoyée (reçue le)"),
                ("formal-notice", "Mise en demeure (reçue le)"),
                ("acknowledgment", "Reconnaissance de dette"),
                ("dispute", "Contestation"),
                ("ip-served", "Injonction de payer signifiée"),
            ],
            channels => [
                ("", "—"),
                ("email", "courriel"),
                ("letter", "lettre simple"),
                ("registered-letter", "lettre recommandée avec AR"),
                ("phone", "téléphone"),
                ("sms", "SMS"),
            ],
        },
    );
    *response.status_mut() = status;
    response
}

/// The laid-out text of a document, or the renderer's error.
fn preview_text(app: &App, kind: DocKind, d: &Dossier, s: &crate::calc::Statement) -> String {
    let data = match build(kind, d, s, &app.law().rules) {
        Ok(data) => data,
        Err(e) => return e.to_string(),
    };
    let opts = data.render_options();
    app.renderer
        .render_text(&format!("{}.typ", kind.name()), &data.json, &opts)
        .unwrap_or_else(|e| e.to_string())
}

/// `GET /dossiers/{key}`.
pub async fn page(
    State(app): State<Arc<App>>,
    key: Result<Path<String>, PathRejection>,
    Query(p): Query<Params>,
) -> Response {
    let Some(dir) = dossier_dir(&app, &key) else {
        return not_found().await;
    };
    let date = match as_of(&app, p.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return text(StatusCode::BAD_REQUEST, m),
    };
    let key = key.map(|Path(k)| k).unwrap_or_default();
    blocking(move || view(&app, &key, &dir, date, &p, None)).await
}

/// Runs page work off the async threads (statements, Typst, disk).
pub async fn blocking(f: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "500\n"))
}

/// A document refused (a missing datum, a missing rate): 422 with the message.
fn refused(message: impl Into<String>) -> Response {
    text(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("Document refusé : {}\n", message.into()),
    )
}

/// The dossier, or its problems as a message.
fn loaded(app: &App, dir: &std::path::Path) -> Result<Arc<Loaded>, String> {
    match app.cache.load(dir) {
        Load::Ok { loaded, .. } => Ok(loaded),
        Load::Failed(p) => Err(p.to_string()),
    }
}

/// `GET /dossiers/{key}/documents/{doc}.pdf?as_of=DATE`: the PDF/A of `relance render
/// --doc DOC --as-of DATE`.
pub async fn document(
    State(app): State<Arc<App>>,
    path: Result<Path<(String, String)>, PathRejection>,
    Query(p): Query<Params>,
) -> Response {
    let Ok(Path((key, file))) = path else {
        return not_found().await;
    };
    let Some(dir) = resolve(&app.config.root, &key) else {
        return not_found().await;
    };
    let Some(kind) = file.strip_suffix(".pdf").and_then(DocKind::parse) else {
        return not_found().await;
    };
    let date = match as_of(&app, p.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return text(StatusCode::BAD_REQUEST, m),
    };
    blocking(move || {
        let loaded = match loaded(&app, &dir) {
            Ok(l) => l,
            Err(m) => return refused(m),
        };
        let d = &loaded.dossier;
        let s = match compute(d, &app.law().rules, date) {
            Ok(s) => s,
            Err(e) => return refused(e.to_string()),
        };
        let data = match build(kind, d, &s, &app.law().rules) {
            Ok(data) => data,
            Err(e) => return refused(e.to_string()),
        };
        let opts = data.render_options();
        match app
            .renderer
            .render_pdf(&format!("{}.typ", kind.name()), &data.json, &opts)
        {
            Ok(pdf) => download(
                "application/pdf",
                &format!("{}-{}.pdf", folder_name(&d.reference), kind.name()),
                pdf,
                true,
            ),
            Err(e) => refused(e.to_string()),
        }
    })
    .await
}

fn download(mime: &'static str, name: &str, bytes: Vec<u8>, inline: bool) -> Response {
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        name
    );
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /dossiers/{key}/bundle.zip?as_of=DATE`: the sealed bundle of `relance bundle`.
pub async fn bundle(
    State(app): State<Arc<App>>,
    key: Result<Path<String>, PathRejection>,
    Query(p): Query<Params>,
) -> Response {
    let Some(dir) = dossier_dir(&app, &key) else {
        return not_found().await;
    };
    let date = match as_of(&app, p.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return text(StatusCode::BAD_REQUEST, m),
    };
    blocking(move || {
        let loaded = match loaded(&app, &dir) {
            Ok(l) => l,
            Err(m) => return refused(m),
        };
        let d = &loaded.dossier;
        let law = app.law();
        let rules = &law.rules;
        let s = match compute(d, rules, date) {
            Ok(s) => s,
            Err(e) => return refused(e.to_string()),
        };
        // As `relance bundle`: every document that can be made, the others left out.
        let mut pdfs = Vec::new();
        for kind in DocKind::ALL {
            let Ok(data) = build(kind, d, &s, rules) else {
                continue;
            };
            let opts = data.render_options();
            match app
                .renderer
                .render_pdf(&format!("{}.typ", kind.name()), &data.json, &opts)
            {
                Ok(pdf) => pdfs.push(File::new(format!("{}.pdf", kind.name()), pdf)),
                Err(e) => return refused(e.to_string()),
            }
        }
        let sealed = crate::cli::evidence_bag(&loaded, &s, &app.law().files, pdfs)
            .map_err(|e| format!("{e:#}"))
            .and_then(|bag| bag.seal(None).map_err(|e| e.to_string()));
        match sealed {
            Ok(sealed) => download(
                "application/zip",
                &format!("{}.zip", folder_name(&d.reference)),
                sealed.zip,
                false,
            ),
            Err(e) => refused(e),
        }
    })
    .await
}
