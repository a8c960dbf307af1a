//! `relance serve`: a local web app over the same engine as the command line.
//!
//! Every figure, document and write goes through the library code the CLI uses: the
//! statement is [`crate::calc::compute`], the plan [`crate::plan::plan`], documents
//! [`crate::letters::build`] and [`crate::documents::Renderer`], bundles
//! `cli::bundle::evidence_bag`, writes [`crate::record::record`] (under the dossier's lock),
//! the batch button `cli::batch`'s code. So the page, the API and the CLI cannot disagree.
//!
//! Like `cli/`, this module is a disk edge: it reads the served folder and writes through
//! the record code. It reads no clock: the date of the day comes from the caller
//! (`cli/serve.rs`), a test gives a fixed one.
//!
//! [`router`] builds the axum router without a socket (the tests send it requests with
//! `tower::ServiceExt::oneshot`); `cli/serve.rs` binds it and runs it on tokio.

mod api;
mod batch;
mod cache;
mod dossier;
mod forms;
mod html;
mod import;
pub mod keys;
mod newdossier;
mod portfolio;
mod rules_form;
mod security;
mod statement;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use chrono::NaiveDate;

use crate::documents::Renderer;
use crate::rules::Rules;

/// The largest request body accepted: an uploaded proof, or an accounting export to import.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// What the server is started with.
pub struct Config {
    /// The folder whose dossiers are served (searched as `relance plan` searches).
    pub root: PathBuf,
    /// The rules, as every command loads them, and the files they came from (for bundles).
    pub rules: Rules,
    pub rule_files: Vec<(String, String)>,
    /// Where the batch button writes (`OUT/<date>/`): `--out`, default `DIR/sorties`.
    pub batch_out: PathBuf,
    /// The folder given by `--rules-overlay`, shown on the rules page; the rules page's form
    /// adds values into it.
    pub rules_overlay: Option<PathBuf>,
    /// The folder given by `--rules`, when the rules are not the compiled-in ones.
    pub rules_base: Option<PathBuf>,
    /// The date pages show when the request names none: `--as-of`, else today.
    pub today: Arc<dyn Fn() -> NaiveDate + Send + Sync>,
    /// When set, every request must carry it (query `token`, the cookie it sets, or
    /// `Authorization: Bearer`).
    pub token: Option<String>,
    /// The CSRF token every form carries (a hidden `csrf` field); a POST without it is 403.
    pub csrf: String,
}

/// The rules in force in the app and the files they came from (for bundles): replaced as a
/// whole when the rules page adds a value.
pub struct Law {
    pub rules: Rules,
    pub files: Vec<(String, String)>,
}

/// The shared state of every request.
pub struct App {
    pub config: Config,
    law: std::sync::RwLock<Arc<Law>>,
    pub(crate) renderer: Renderer,
    pub(crate) cache: cache::Cache,
    pub(crate) pages: html::Pages,
    pub(crate) batch: Mutex<batch::Progress>,
    pub(crate) imports: Mutex<import::Staged>,
}

impl App {
    pub fn new(config: Config) -> Arc<App> {
        let law = Law {
            rules: config.rules.clone(),
            files: config.rule_files.clone(),
        };
        Arc::new(App {
            law: std::sync::RwLock::new(Arc::new(law)),
            config,
            renderer: Renderer::embedded(),
            cache: cache::Cache::default(),
            pages: html::Pages::new(),
            batch: Mutex::new(batch::Progress::default()),
            imports: Mutex::new(import::Staged::default()),
        })
    }

    /// The rules in force now.
    pub fn law(&self) -> Arc<Law> {
        Arc::clone(&self.law.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Puts new rules in force; statements computed under the old ones are forgotten.
    pub(crate) fn set_law(&self, law: Law) {
        *self.law.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(law);
        self.cache.forget_computed();
    }

    /// The date of the day (the `--as-of` given, else the caller's clock).
    pub(crate) fn today(&self) -> NaiveDate {
        (self.config.today)()
    }
}

/// The web app's routes, with the token and CSRF checks and the upload limit.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(portfolio::page))
        .route("/static/{file}", get(html::asset))
        .route("/dossiers/{key}", get(dossier::page))
        .route("/dossiers/{key}/documents/{file}", get(dossier::document))
        .route("/dossiers/{key}/bundle.zip", get(dossier::bundle))
        .route("/dossiers/{key}/payments", post(forms::payment))
        .route("/dossiers/{key}/events", post(forms::event))
        .route("/new", get(forms::new_page).post(forms::new_dossier))
        .route("/import", get(import::page).post(import::upload))
        .route("/import/confirm", post(import::confirm))
        .route("/rules", get(html::rules_page).post(rules_form::add))
        .route("/batch", get(batch::page).post(batch::start))
        .route("/batch/files/{file}", get(batch::file))
        .route("/api/dossiers", get(api::dossiers))
        .route("/api/dossiers/{key}/statement", get(api::statement))
        .fallback(html::not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            security::guard,
        ))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
        .with_state(app)
}
