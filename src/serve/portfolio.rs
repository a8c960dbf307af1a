//! The portfolio `/`: every dossier under the folder on a date, with its statement's and
//! plan's figures, the totals, the dossiers by stage, what is due today, the aging of the
//! amounts past due as a server-side SVG chart, and a table that sorts, filters and pages.

use std::cmp::Ordering;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::App;
use super::cache::{Computed, Load};
use super::html::{Frame, as_of, date_fr, eur, text};
use super::keys::{key_of, url_segment};
use crate::cli::dossier_dirs;
use crate::dossier::EventKind;
use crate::plan::Status;

/// Rows shown per page of the table (every dossier is sorted and filtered, then paged).
pub const PAGE_SIZE: usize = 200;

/// A prescription this close (in days) is flagged in the table.
const PRESCRIPTION_SOON_DAYS: i64 = 90;

/// The aging buckets: amounts past due by 1 to 30 days, 31 to 60, 61 to 90, 91 to 180,
/// over 180.
pub const BUCKETS: [(&str, i64, i64); 5] = [
    ("0–30 j", 1, 30),
    ("31–60 j", 31, 60),
    ("61–90 j", 61, 90),
    ("91–180 j", 91, 180),
    ("> 180 j", 181, i64::MAX),
];

/// One dossier on a date, as the table and the API see it.
pub struct Row {
    pub key: String,
    pub outcome: Outcome,
}

pub enum Outcome {
    Failed(String),
    Loaded(Box<Figures>),
}

/// A loaded dossier's figures.
pub struct Figures {
    pub reference: String,
    pub debtor: String,
    /// Principal outstanding (needs no rate).
    pub outstanding: Decimal,
    /// Everything due; `None` when a rate the statement needs is not in the rules.
    pub total_due: Option<Decimal>,
    /// The oldest due date among the invoices still unpaid.
    pub oldest_due: Option<NaiveDate>,
    pub status: Option<Status>,
    pub stage: String,
    pub next_step: Option<(String, NaiveDate)>,
    /// The earliest prescription within [`PRESCRIPTION_SOON_DAYS`] (or past).
    pub prescription_soon: Option<NaiveDate>,
    pub dispute: bool,
    pub insolvency: Option<NaiveDate>,
    /// Principal past due, per bucket of [`BUCKETS`], and not yet due.
    pub aging: [Decimal; 5],
    pub not_due: Decimal,
    /// Why the statement or the plan could not be made (a missing rate...).
    pub error: Option<String>,
}

/// Every dossier under the served folder on `as_of`, sorted by key; figures from the cache.
pub fn rows(app: &App, as_of: NaiveDate) -> Vec<Row> {
    let root = &app.config.root;
    let dirs = dossier_dirs(root);
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // The search follows what `plan` does (no symlinked folder); a dossier file that is a
    // symlink leaving the folder is not served. Only symlinks are resolved: one stat each.
    let leaves = |dir: &std::path::Path| {
        ["dossier.toml", "dossier.json"].iter().any(|name| {
            let file = dir.join(name);
            std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_symlink())
                && file
                    .canonicalize()
                    .is_ok_and(|real| !real.starts_with(&real_root))
        })
    };
    let work = |dir: PathBuf| -> Row {
        let key = key_of(root, &dir);
        if leaves(&dir) {
            return Row {
                key,
                outcome: Outcome::Failed(
                    "the dossier file resolves outside the served folder (symlink): not served"
                        .to_string(),
                ),
            };
        }
        let outcome = match app.cache.load(&dir) {
            Load::Failed(p) => Outcome::Failed(p.to_string()),
            Load::Ok { loaded, content } => {
                let c = app
                    .cache
                    .computed(&loaded, content, &app.law().rules, as_of);
                Outcome::Loaded(Box::new(figures(&loaded.dossier, &c, as_of)))
            }
        };
        Row { key, outcome }
    };
    // Two threads: the statements of a cold cache are computed on both cores.
    let half = dirs.len().div_ceil(2);
    let mut dirs = dirs;
    let second: Vec<PathBuf> = dirs.split_off(half.min(dirs.len()));
    let (mut a, b) = std::thread::scope(|s| {
        let h = s.spawn(|| second.into_iter().map(&work).collect::<Vec<_>>());
        let a: Vec<Row> = dirs.into_iter().map(&work).collect();
        (a, h.join().unwrap_or_default())
    });
    a.extend(b);
    a.sort_by(|x, y| x.key.cmp(&y.key));
    a
}

fn figures(d: &crate::dossier::Dossier, c: &Computed, as_of: NaiveDate) -> Figures {
    let mut f = Figures {
        reference: d.reference.clone(),
        debtor: d.debtor.name.clone(),
        outstanding: Decimal::ZERO,
        total_due: c.statement.as_ref().ok().map(|s| s.totals.total_due),
        oldest_due: None,
        status: None,
        stage: String::new(),
        next_step: None,
        prescription_soon: None,
        dispute: false,
        insolvency: d.debtor.insolvency_opened.filter(|o| *o <= as_of),
        aging: [Decimal::ZERO; 5],
        not_due: Decimal::ZERO,
        error: c.statement.as_ref().err().cloned(),
    };
    if let Some(s) = c.any_statement() {
        f.outstanding = s.totals.outstanding;
        for l in s.invoices.iter().filter(|l| l.outstanding > Decimal::ZERO) {
            f.oldest_due = Some(f.oldest_due.map_or(l.due, |o| o.min(l.due)));
            let late = (as_of - l.due).num_days();
            match BUCKETS
                .iter()
                .position(|(_, lo, hi)| (*lo..=*hi).contains(&late))
            {
                Some(i) => f.aging[i] += l.outstanding,
                None => f.not_due += l.outstanding,
            }
            if (l.prescription.expires_on - as_of).num_days() <= PRESCRIPTION_SOON_DAYS {
                let e = l.prescription.expires_on;
                f.prescription_soon = Some(f.prescription_soon.map_or(e, |p| p.min(e)));
            }
        }
    }
    // A dispute not followed by an acknowledgment (what stops the plan).
    let last = |k: EventKind| {
        d.events
            .iter()
            .filter(|e| e.kind == k && e.date <= as_of)
            .map(|e| e.date)
            .max()
    };
    f.dispute = last(EventKind::Dispute)
        .is_some_and(|dis| last(EventKind::Acknowledgment).is_none_or(|ack| ack < dis));
    match &c.plan {
        Ok(p) => {
            f.status = Some(p.status);
            f.stage = stage(p);
            f.next_step = p.next_step.as_ref().map(|s| (s.title.clone(), s.date));
        }
        Err(e) => {
            f.stage = "erreur".to_string();
            f.error.get_or_insert_with(|| e.clone());
        }
    }
    f
}

/// The stage of a plan, as the portfolio groups dossiers: the last step done, or where the
/// plan stands when it does not move on.
pub fn stage(p: &crate::plan::Plan) -> String {
    match p.status {
        Status::Paid => "Soldé".to_string(),
        Status::Stopped => "Suspendu".to_string(),
        Status::Completed => "Terminé".to_string(),
        Status::Due | Status::Waiting => p
            .last_step
            .as_ref()
            .map_or_else(|| "Aucune étape faite".to_string(), |s| s.title.clone()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    as_of: Option<String>,
    /// reference, debtor, outstanding, total, oldest, stage, next.
    sort: Option<String>,
    /// asc or desc.
    dir: Option<String>,
    /// Words found in the reference, the debtor or the key.
    q: Option<String>,
    /// A stage shown alone.
    stage: Option<String>,
    /// due, prescription, dispute, insolvency, errors.
    only: Option<String>,
    page: Option<usize>,
}

#[derive(Serialize)]
struct TableRow {
    key: String,
    href: String,
    reference: String,
    debtor: String,
    outstanding: String,
    total_due: String,
    oldest_due: String,
    stage: String,
    status: String,
    due_now: bool,
    next_step: String,
    next_date: String,
    prescription: String,
    dispute: bool,
    insolvency: String,
    problems: Vec<String>,
}

fn table_row(r: &Row) -> TableRow {
    let href = format!("/dossiers/{}", url_segment(&r.key));
    match &r.outcome {
        Outcome::Failed(problems) => TableRow {
            key: r.key.clone(),
            href,
            reference: String::new(),
            debtor: String::new(),
            outstanding: String::new(),
            total_due: String::new(),
            oldest_due: String::new(),
            stage: "ne se charge pas".to_string(),
            status: "failed".to_string(),
            due_now: false,
            next_step: String::new(),
            next_date: String::new(),
            prescription: String::new(),
            dispute: false,
            insolvency: String::new(),
            problems: problems.lines().map(str::to_string).collect(),
        },
        Outcome::Loaded(f) => TableRow {
            key: r.key.clone(),
            href,
            reference: f.reference.clone(),
            debtor: f.debtor.clone(),
            outstanding: eur(f.outstanding),
            total_due: f.total_due.map_or_else(|| "taux manquant".to_string(), eur),
            oldest_due: f.oldest_due.map(date_fr).unwrap_or_default(),
            stage: f.stage.clone(),
            status: f
                .status
                .map(|s| s.label_fr().to_string())
                .unwrap_or_default(),
            due_now: f.status == Some(Status::Due),
            next_step: f
                .next_step
                .as_ref()
                .map(|s| s.0.clone())
                .unwrap_or_default(),
            next_date: f
                .next_step
                .as_ref()
                .map(|s| date_fr(s.1))
                .unwrap_or_default(),
            prescription: f.prescription_soon.map(date_fr).unwrap_or_default(),
            dispute: f.dispute,
            insolvency: f.insolvency.map(date_fr).unwrap_or_default(),
            problems: f.error.iter().cloned().collect(),
        },
    }
}

fn figures_of(r: &Row) -> Option<&Figures> {
    match &r.outcome {
        Outcome::Loaded(f) => Some(f),
        Outcome::Failed(_) => None,
    }
}

fn compare(sort: &str, a: &Row, b: &Row) -> Ordering {
    let (fa, fb) = (figures_of(a), figures_of(b));
    let by = match sort {
        "reference" => fa.map(|f| &f.reference).cmp(&fb.map(|f| &f.reference)),
        "debtor" => fa
            .map(|f| f.debtor.to_lowercase())
            .cmp(&fb.map(|f| f.debtor.to_lowercase())),
        "outstanding" => fa.map(|f| f.outstanding).cmp(&fb.map(|f| f.outstanding)),
        "total" => fa
            .and_then(|f| f.total_due)
            .cmp(&fb.and_then(|f| f.total_due)),
        "oldest" => fa
            .and_then(|f| f.oldest_due)
            .cmp(&fb.and_then(|f| f.oldest_due)),
        "stage" => fa.map(|f| &f.stage).cmp(&fb.map(|f| &f.stage)),
        "next" => fa
            .and_then(|f| f.next_step.as_ref().map(|s| s.1))
            .cmp(&fb.and_then(|f| f.next_step.as_ref().map(|s| s.1))),
        _ => Ordering::Equal,
    };
    by.then_with(|| a.key.cmp(&b.key))
}

fn keep(p: &Params, r: &Row) -> bool {
    let f = figures_of(r);
    if let Some(q) = p.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let q = q.to_lowercase();
        let hay = format!(
            "{} {} {}",
            r.key,
            f.map_or("", |f| f.reference.as_str()),
            f.map_or("", |f| f.debtor.as_str())
        )
        .to_lowercase();
        if !q.split_whitespace().all(|w| hay.contains(w)) {
            return false;
        }
    }
    if let Some(stage) = p.stage.as_deref().filter(|s| !s.is_empty())
        && f.is_none_or(|f| f.stage != stage)
    {
        return false;
    }
    match p.only.as_deref().unwrap_or("") {
        "due" => f.is_some_and(|f| f.status == Some(Status::Due)),
        "prescription" => f.is_some_and(|f| f.prescription_soon.is_some()),
        "dispute" => f.is_some_and(|f| f.dispute),
        "insolvency" => f.is_some_and(|f| f.insolvency.is_some()),
        "errors" => f.is_none_or(|f| f.error.is_some()),
        _ => true,
    }
}

#[derive(Serialize)]
struct Bar {
    label: String,
    amount: String,
    x: u32,
    y: u32,
    height: u32,
    label_y: u32,
}

/// The aging chart's bars, scaled to the largest bucket (heights in SVG units of 160).
fn bars(aging: &[Decimal; 5]) -> Vec<Bar> {
    let max = aging.iter().copied().max().unwrap_or(Decimal::ZERO);
    BUCKETS
        .iter()
        .zip(aging)
        .enumerate()
        .map(|(i, ((label, _, _), amount))| {
            let height = if max.is_zero() {
                0
            } else {
                // At least 1 unit for a bucket that holds something.
                let h = (*amount * Decimal::from(160) / max)
                    .round()
                    .to_u32()
                    .unwrap_or(160);
                if amount.is_zero() { 0 } else { h.max(1) }
            };
            Bar {
                label: (*label).to_string(),
                amount: eur(*amount),
                x: 20 + 110 * i as u32,
                y: 180 - height,
                height,
                label_y: 172 - height,
            }
        })
        .collect()
}

/// The query string of the table with one parameter changed (for sort and page links).
fn link(p: &Params, as_of: NaiveDate, sort: &str, dir: &str, page: usize) -> String {
    let mut parts = vec![
        format!("as_of={as_of}"),
        format!("sort={sort}"),
        format!("dir={dir}"),
    ];
    let enc = |s: &str| url_segment(s);
    if let Some(q) = p.q.as_deref().filter(|q| !q.is_empty()) {
        parts.push(format!("q={}", enc(q)));
    }
    if let Some(s) = p.stage.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("stage={}", enc(s)));
    }
    if let Some(o) = p.only.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("only={}", enc(o)));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("/?{}", parts.join("&"))
}

/// `GET /`.
pub async fn page(State(app): State<Arc<App>>, Query(p): Query<Params>) -> Response {
    let date = match as_of(&app, p.as_of.as_deref()) {
        Ok(d) => d,
        Err(m) => return text(StatusCode::BAD_REQUEST, m),
    };
    let app2 = Arc::clone(&app);
    let Ok(all) = tokio::task::spawn_blocking(move || rows(&app2, date)).await else {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "500\n");
    };
    render(&app, &p, date, all)
}

fn render(app: &App, p: &Params, date: NaiveDate, mut all: Vec<Row>) -> Response {
    // Totals, stages and aging over every dossier, whatever the filter.
    let loaded: Vec<&Figures> = all.iter().filter_map(figures_of).collect();
    let outstanding: Decimal = loaded.iter().map(|f| f.outstanding).sum();
    let total_known = loaded.iter().all(|f| f.total_due.is_some());
    let total_due: Decimal = loaded.iter().filter_map(|f| f.total_due).sum();
    let missing_total = loaded.iter().filter(|f| f.total_due.is_none()).count();
    let mut aging = [Decimal::ZERO; 5];
    let mut not_due = Decimal::ZERO;
    let mut stages: Vec<(String, usize)> = Vec::new();
    for f in &loaded {
        for (a, b) in aging.iter_mut().zip(f.aging) {
            *a += b;
        }
        not_due += f.not_due;
        match stages.iter_mut().find(|(s, _)| *s == f.stage) {
            Some((_, n)) => *n += 1,
            None => stages.push((f.stage.clone(), 1)),
        }
    }
    stages.sort();
    let stages: Vec<(String, usize, String)> = stages
        .into_iter()
        .map(|(s, n)| {
            let href = format!("/?as_of={date}&stage={}", url_segment(&s));
            (s, n, href)
        })
        .collect();
    let count = all.len();
    let failed = all.len() - loaded.len();
    let due_today: Vec<TableRow> = all
        .iter()
        .filter(|r| figures_of(r).is_some_and(|f| f.status == Some(Status::Due)))
        .map(table_row)
        .collect();
    let broken: Vec<TableRow> = all
        .iter()
        .filter(|r| figures_of(r).is_none())
        .map(table_row)
        .collect();

    let sort = p.sort.as_deref().unwrap_or("reference");
    let desc = p.dir.as_deref() == Some("desc");
    all.retain(|r| keep(p, r));
    all.sort_by(|a, b| {
        let o = compare(sort, a, b);
        if desc { o.reverse() } else { o }
    });
    let shown = all.len();
    let pages = shown.div_ceil(PAGE_SIZE).max(1);
    let page = p.page.unwrap_or(1).clamp(1, pages);
    let table: Vec<TableRow> = all
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(table_row)
        .collect();
    let columns: Vec<(String, String, String)> = [
        ("reference", "Dossier"),
        ("debtor", "Débiteur"),
        ("outstanding", "Principal restant dû"),
        ("total", "Total dû"),
        ("oldest", "Plus ancienne échéance"),
        ("stage", "Étape"),
        ("next", "Prochaine étape"),
    ]
    .iter()
    .map(|(id, label)| {
        let next_dir = if sort == *id && !desc { "desc" } else { "asc" };
        let mark = match (sort == *id, desc) {
            (true, false) => " ▲",
            (true, true) => " ▼",
            _ => "",
        };
        (
            label.to_string() + mark,
            link(p, date, id, next_dir, 1),
            (*id).to_string(),
        )
    })
    .collect();
    let dir = if desc { "desc" } else { "asc" };
    let batch = super::batch::snapshot(app);
    app.pages.render(
        "portfolio.html",
        minijinja::context! {
            frame => Frame::new(app, date, "Portefeuille"),
            count => count,
            failed => failed,
            outstanding => eur(outstanding),
            total_due => eur(total_due),
            total_known => total_known,
            missing_total => missing_total,
            not_due => eur(not_due),
            bars => bars(&aging),
            stages => stages,
            due_today => due_today,
            broken => broken,
            columns => columns,
            table => table,
            shown => shown,
            page => page,
            pages => pages,
            prev => (page > 1).then(|| link(p, date, sort, dir, page - 1)),
            next => (page < pages).then(|| link(p, date, sort, dir, page + 1)),
            q => p.q.clone().unwrap_or_default(),
            stage => p.stage.clone().unwrap_or_default(),
            only => p.only.clone().unwrap_or_default(),
            sort => sort,
            dir => dir,
            batch => batch,
        },
    )
}
