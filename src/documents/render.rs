//! The letter renderer: a template name, the caller's JSON and the options in, PDF/A bytes out.
//!
//! Same inputs, same bytes: the world has no clock and no system fonts, the PDF's date
//! is the letter's date at a fixed time, and its `/ID` is derived from the caller's
//! ident. Data reach the template only as the in-memory file `/data.json`, read with
//! `json()`: no data string is ever parsed as Typst markup or code.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use chrono::{Datelike, NaiveDate};
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::templates::TemplateSet;
use super::world::{LetterWorld, MAX_ATTACHMENTS, attachment_path};

/// How many compilations an unused memoised result survives in Typst's global cache
/// (`comemo`). Evicting after every letter keeps memory flat over a batch; keeping
/// two generations keeps the template's constant parts cached, which is faster than
/// both never evicting and evicting everything (measured: 3.9 ms vs 4.7 and 6.6 ms).
const CACHE_MAX_AGE: usize = 2;

/// The hour (UTC) of the PDF's creation date. Noon UTC is the same calendar day from
/// UTC-12 to UTC+11, so a reader converting it to local time still sees the letter's date.
const DOCUMENT_HOUR_UTC: u8 = 12;

/// The PDF/A conformance level of the output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PdfA {
    /// PDF/A-2b, the default: archivable, no embedded files allowed.
    #[default]
    A2b,
    /// PDF/A-3b: as A-2b, and allows attached files (such as the claim statement JSON).
    A3b,
}

/// A file embedded in the PDF (PDF/A-3b only), with the relationship "Data": the
/// structured data the letter presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name shown by PDF readers, for example `releve-de-creance.json`:
    /// ASCII letters, digits, `.`, `-` and `_`, not starting with a dot.
    pub name: String,
    /// The MIME type, for example `application/json`.
    pub mime: String,
    /// What the file is, for example "Relevé de créance (JSON)"; PDF/A-3 requires one.
    pub description: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// What, besides the template and its data, decides a letter's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// The letter's date: what `datetime.today()` returns in templates, and the PDF's
    /// creation and modification date (at 12:00 UTC).
    pub date: NaiveDate,
    /// A string that identifies this letter stably and uniquely (its reference); the
    /// PDF's `/ID` is derived from it. It must not be empty.
    pub ident: String,
    /// PDF/A-2b by default; attachments need [`PdfA::A3b`].
    pub pdfa: PdfA,
    /// Files to embed, at most 16.
    pub attachments: Vec<Attachment>,
    /// The EPC payload of a SEPA transfer ([`super::qr::epc_payload`]): the renderer draws
    /// its QR code and serves it to the template as the image `/epc-qr.svg`.
    pub epc_qr: Option<String>,
}

impl RenderOptions {
    /// PDF/A-2b options without attachments.
    pub fn new(date: NaiveDate, ident: impl Into<String>) -> Self {
        Self {
            date,
            ident: ident.into(),
            pdfa: PdfA::A2b,
            attachments: Vec::new(),
            epc_qr: None,
        }
    }

    /// Adds an attachment and switches to PDF/A-3b, the only level that allows one.
    #[must_use]
    pub fn with_attachment(mut self, attachment: Attachment) -> Self {
        self.pdfa = PdfA::A3b;
        self.attachments.push(attachment);
        self
    }
}

/// Whether a diagnostic stopped the compilation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a template file a diagnostic points; line and column count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The path within the template set, for example `lib/style.typ`.
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// A Typst error or warning, with its location and hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<SourceLocation>,
    pub hints: Vec<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{}:{}:{}: ", loc.file, loc.line, loc.column)?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}", self.message)?;
        for hint in &self.hints {
            write!(f, "\n    hint: {hint}")?;
        }
        Ok(())
    }
}

/// Why a letter could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No `.typ` file of that name in the template set.
    #[error("unknown letter template `{name}` (available: {})", .available.join(", "))]
    UnknownTemplate {
        name: String,
        available: Vec<String>,
    },
    /// The template has errors, or warnings: a warning (an unknown font, say) means the
    /// letter would not look as reviewed, so it fails the render as an error would.
    #[error("letter template `{template}` does not compile:{}", list(.diagnostics))]
    Compile {
        template: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// The laid-out letter could not be written as PDF/A.
    #[error("letter template `{template}`: PDF export failed:{}", list(.diagnostics))]
    Export {
        template: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// The render options are unusable (empty ident, attachment problem, date out of range).
    #[error("letter template `{template}`: {reason}")]
    Options { template: String, reason: String },
    /// A template directory could not be read, or holds a file the sandbox refuses.
    #[error("template directory: {}: {reason}", .path.display())]
    TemplateDir { path: PathBuf, reason: String },
}

fn list(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| format!("\n  {d}")).collect()
}

static EMBEDDED: LazyLock<Arc<TemplateSet>> = LazyLock::new(|| Arc::new(TemplateSet::embedded()));

/// Renders letters from a fixed set of templates. Cheap to clone and `Send + Sync`:
/// threads may render concurrently with one renderer.
///
/// Every render clears old entries from Typst's process-wide memoisation cache, so
/// memory stays flat over any number of letters.
#[derive(Clone)]
pub struct Renderer {
    templates: Arc<TemplateSet>,
}

impl Renderer {
    /// The templates compiled into the binary (`letter-templates/`).
    pub fn embedded() -> Self {
        Self {
            templates: Arc::clone(&EMBEDDED),
        }
    }

    /// The embedded templates, with the files of `dir` added or replacing those of the
    /// same relative path (`lib/style.typ` replaces the shared style, for example).
    /// The files (`.typ`, `.svg`, `.png`, `.jpg`, `.jpeg`) are read now: rendering never
    /// reads the disk.
    ///
    /// # Errors
    /// [`RenderError::TemplateDir`] if the directory cannot be read, holds a symbolic
    /// link, or a file name that is not UTF-8.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, RenderError> {
        let templates = TemplateSet::with_dir(dir.as_ref())?;
        Ok(Self {
            templates: Arc::new(templates),
        })
    }

    /// The names of the templates one can render, such as `mise-en-demeure.typ`, sorted.
    pub fn templates(&self) -> Vec<&str> {
        self.templates.typ_names().collect()
    }

    /// Renders `template` with `data` as PDF/A.
    ///
    /// # Errors
    /// [`RenderError::UnknownTemplate`], [`RenderError::Options`], and
    /// [`RenderError::Compile`] or [`RenderError::Export`] with Typst's diagnostics (a
    /// template that produces warnings fails too).
    ///
    /// # Example
    /// ```no_run
    /// use relance::{calc, documents::{Renderer, RenderOptions}, dossier, letters, rules::Rules};
    /// let loaded = dossier::fs::load_dir("examples/atelier-martin".as_ref())?;
    /// let rules = Rules::embedded();
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    /// let statement = calc::compute(&loaded.dossier, &rules, date)?;
    /// let data = letters::build(letters::DocKind::MiseEnDemeure, &loaded.dossier, &statement, &rules)?;
    /// let opts = RenderOptions::new(date, data.reference.clone());
    /// let pdf = Renderer::embedded().render_pdf("mise-en-demeure.typ", &data.json, &opts)?;
    /// assert!(pdf.starts_with(b"%PDF"));
    /// // Unknown templates are refused, naming the ones that exist.
    /// assert!(Renderer::embedded().render_pdf("nope.typ", &data.json, &opts).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render_pdf(
        &self,
        template: &str,
        data: &serde_json::Value,
        opts: &RenderOptions,
    ) -> Result<Vec<u8>, RenderError> {
        let result = self
            .compile_letter(template, data, opts)
            .and_then(|(world, mut document)| {
                bound_metadata(&mut document);
                export(&world, &document, template, opts)
            });
        comemo::evict(CACHE_MAX_AGE);
        result
    }

    /// The document's text as laid out, line by line, pages separated by a form feed line:
    /// what a reader sees, for golden tests that must survive a Typst upgrade better than
    /// PDF bytes do, and for checking that every mandatory mention is printed.
    ///
    /// # Errors
    /// As [`Renderer::render_pdf`].
    pub fn render_text(
        &self,
        template: &str,
        data: &serde_json::Value,
        opts: &RenderOptions,
    ) -> Result<String, RenderError> {
        let result = self
            .compile_letter(template, data, opts)
            .map(|(_, document)| super::text::document_text(&document));
        comemo::evict(CACHE_MAX_AGE);
        result
    }

    /// Compiles without exporting: the laid-out pages, for tests that read the text back.
    #[cfg(test)]
    pub(crate) fn layout(
        &self,
        template: &str,
        data: &serde_json::Value,
        opts: &RenderOptions,
    ) -> Result<PagedDocument, RenderError> {
        let result = self
            .compile_letter(template, data, opts)
            .map(|(_, document)| document);
        comemo::evict(CACHE_MAX_AGE);
        result
    }

    /// Lays the letter out once, with static page furniture; a letter longer than a page
    /// then gets its page numbers and running header drawn over its pages.
    ///
    /// Page numbers ("Page 2 / 3") need the page count, and any furniture that asks Typst
    /// for the page (`context`) makes it lay the whole text out again (measured: a
    /// one-page letter 2.3 ms against 4.8; a two-page statement of varied dossiers 36 ms
    /// against 10 for one pass). So the text is laid out once; when the data names its
    /// page geometry (`layout`: "letter" or "court", as the letters module sets it) and
    /// the document has several pages, `lib/furniture.typ` lays out that many empty pages
    /// of the same geometry carrying only the numbers and the header, which costs little,
    /// and each is drawn over the letter's page. The furniture sits in the margins,
    /// where the letter's footer leaves room for the number.
    fn compile_letter(
        &self,
        template: &str,
        data: &serde_json::Value,
        opts: &RenderOptions,
    ) -> Result<(LetterWorld<'_>, PagedDocument), RenderError> {
        let main =
            self.templates
                .main_id(template)
                .ok_or_else(|| RenderError::UnknownTemplate {
                    name: template.to_owned(),
                    available: self.templates().into_iter().map(str::to_owned).collect(),
                })?;
        let options_error = |reason: String| RenderError::Options {
            template: template.to_owned(),
            reason,
        };
        check_options(opts).map_err(options_error)?;
        let today = typst_date(opts.date, None)
            .ok_or_else(|| options_error(format!("date {} is out of range", opts.date)))?;

        let data_bytes =
            Bytes::new(serde_json::to_vec(data).expect("a serde_json::Value always serialises"));
        let attachments: Vec<Bytes> = opts
            .attachments
            .iter()
            .map(|a| Bytes::new(a.bytes.clone()))
            .collect();
        let qr = match &opts.epc_qr {
            Some(payload) => Some(Bytes::new(super::qr::svg(payload).map_err(options_error)?)),
            None => None,
        };
        let world = LetterWorld::new(
            &self.templates,
            main,
            today,
            data_bytes.clone(),
            render_info(opts, None),
            attachments,
            qr,
        );
        let document = compile(&world, template)?;
        let pages = document.pages().len();
        let furniture = self.templates.main_id(FURNITURE);
        let (Some(furniture), true) = (furniture, pages > 1 && data.get("layout").is_some()) else {
            return Ok((world, document));
        };
        let furniture_world = LetterWorld::new(
            &self.templates,
            furniture,
            today,
            data_bytes,
            render_info(opts, Some(pages)),
            Vec::new(),
            None,
        );
        let drawn = compile(&furniture_world, FURNITURE)?;
        if drawn.pages().len() != pages {
            return Err(RenderError::Compile {
                template: template.to_owned(),
                diagnostics: vec![Diagnostic {
                    severity: Severity::Error,
                    message: format!(
                        "the page furniture has {} pages for a document of {pages}",
                        drawn.pages().len()
                    ),
                    location: None,
                    hints: vec!["the furniture must hold one page per page".to_owned()],
                }],
            });
        }
        Ok((world, overlay(document, &drawn)))
    }
}

/// The template that draws page numbers and the running header (see `compile_letter`).
const FURNITURE: &str = "lib/furniture.typ";

/// `document` with each page of `furniture` drawn over its page. The furniture's
/// introspection tags are left out: it is page decoration (an artifact in a tagged PDF),
/// and its tags would name elements the document does not hold.
fn overlay(mut document: PagedDocument, furniture: &PagedDocument) -> PagedDocument {
    let mut pages = document.pages().to_vec();
    for (page, over) in pages.iter_mut().zip(furniture.pages()) {
        page.frame
            .push_frame(typst::layout::Point::zero(), untagged(&over.frame));
    }
    PagedDocument::new(pages.into(), document.info_mut().clone())
}

fn untagged(frame: &typst::layout::Frame) -> typst::layout::Frame {
    use typst::layout::{Frame, FrameItem};
    let mut out = Frame::soft(frame.size());
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Tag(_) => {}
            FrameItem::Group(group) => {
                let mut g = group.clone();
                g.frame = untagged(&group.frame);
                g.parent = None;
                out.push(*pos, FrameItem::Group(g));
            }
            other => out.push(*pos, other.clone()),
        }
    }
    out
}

/// Checks what Typst would otherwise reject late or obscurely.
fn check_options(opts: &RenderOptions) -> Result<(), String> {
    if opts.ident.trim().is_empty() {
        return Err("the ident (the letter's reference) must not be empty".to_owned());
    }
    if opts.attachments.is_empty() {
        return Ok(());
    }
    if opts.pdfa != PdfA::A3b {
        return Err("attachments need PDF/A-3b: PDF/A-2b forbids embedded files".to_owned());
    }
    if opts.attachments.len() > MAX_ATTACHMENTS {
        return Err(format!(
            "at most {MAX_ATTACHMENTS} attachments, got {}",
            opts.attachments.len()
        ));
    }
    for (i, attachment) in opts.attachments.iter().enumerate() {
        let name = &attachment.name;
        let valid = !name.is_empty()
            && name.len() <= 128
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !valid {
            return Err(format!(
                "attachment name {name:?} is not a plain file name (ASCII letters, digits, `.`, `-`, `_`)"
            ));
        }
        if opts.attachments[..i].iter().any(|a| a.name == *name) {
            return Err(format!("two attachments are named {name:?}"));
        }
        if attachment.mime.trim().is_empty() {
            return Err(format!("attachment {name:?} has no MIME type"));
        }
        if attachment.description.trim().is_empty() {
            return Err(format!(
                "attachment {name:?} has no description (PDF/A-3 requires one)"
            ));
        }
    }
    Ok(())
}

/// `/render.json`: what the shared style module needs from the renderer: the
/// attachments to embed, whether `/epc-qr.svg` exists, and the page count once a first pass has found more than one
/// page (see [`Renderer::compile_letter`]).
fn render_info(opts: &RenderOptions, page_count: Option<usize>) -> Bytes {
    let attachments: Vec<serde_json::Value> = opts
        .attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            serde_json::json!({
                "path": attachment_path(i),
                "name": a.name,
                "mime": a.mime,
                "description": a.description,
            })
        })
        .collect();
    let info = serde_json::json!({
        "attachments": attachments,
        "page_count": page_count,
        "epc_qr": opts.epc_qr.is_some(),
    });
    Bytes::new(serde_json::to_vec(&info).expect("a serde_json::Value always serialises"))
}

fn typst_date(date: NaiveDate, hour: Option<u8>) -> Option<Datetime> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    match hour {
        None => Datetime::from_ymd(date.year(), month, day),
        Some(hour) => Datetime::from_ymd_hms(date.year(), month, day, hour, 0, 0),
    }
}

fn compile(world: &LetterWorld<'_>, template: &str) -> Result<PagedDocument, RenderError> {
    let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
    match output {
        Ok(document) if warnings.is_empty() => Ok(document),
        Ok(_) => Err(RenderError::Compile {
            template: template.to_owned(),
            diagnostics: convert(world, &warnings),
        }),
        Err(errors) => {
            let mut diagnostics = convert(world, &errors);
            diagnostics.extend(convert(world, &warnings));
            Err(RenderError::Compile {
                template: template.to_owned(),
                diagnostics,
            })
        }
    }
}

/// The longest metadata string written (title, author, description, keyword). PDF/A
/// forbids strings over 32,767 bytes (ISO 19005-2, 6.1.13, from the PDF's implementation
/// limits), and a reader shows a title on one line: a subject listing 500 invoice numbers
/// is shortened here, with an ellipsis, while the letter itself still lists them all.
const MAX_METADATA_CHARS: usize = 500;

fn bound_metadata(document: &mut PagedDocument) {
    let info = document.info_mut();
    let cut = |s: &typst::ecow::EcoString| -> Option<typst::ecow::EcoString> {
        if s.chars().count() <= MAX_METADATA_CHARS {
            return None;
        }
        let head: String = s.chars().take(MAX_METADATA_CHARS).collect();
        // At the last list separator or space, so no number is shown cut.
        let at = head
            .rfind(", ")
            .or_else(|| head.rfind(' '))
            .unwrap_or(head.len());
        Some(format!("{} …", &head[..at]).into())
    };
    if let Some(short) = info.title.as_ref().and_then(cut) {
        info.title = Some(short);
    }
    if let Some(short) = info.description.as_ref().and_then(cut) {
        info.description = Some(short);
    }
    for s in info.author.iter_mut().chain(info.keywords.iter_mut()) {
        if let Some(short) = cut(s) {
            *s = short;
        }
    }
}

fn export(
    world: &LetterWorld<'_>,
    document: &PagedDocument,
    template: &str,
    opts: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    let standard = match opts.pdfa {
        PdfA::A2b => PdfStandard::A_2b,
        PdfA::A3b => PdfStandard::A_3b,
    };
    let standards =
        PdfStandards::new(&[standard]).expect("a single PDF/A standard is always valid");
    let created =
        typst_date(opts.date, Some(DOCUMENT_HOUR_UTC)).ok_or_else(|| RenderError::Options {
            template: template.to_owned(),
            reason: format!("date {} is out of range", opts.date),
        })?;
    let options = PdfOptions {
        ident: Smart::Custom(opts.ident.clone()),
        timestamp: Some(Timestamp::new_utc(created)),
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| RenderError::Export {
        template: template.to_owned(),
        diagnostics: convert(world, &errors),
    })
}

fn convert(world: &dyn World, diagnostics: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .map(|d| Diagnostic {
            severity: match d.severity {
                TypstSeverity::Error => Severity::Error,
                TypstSeverity::Warning => Severity::Warning,
            },
            message: d.message.to_string(),
            location: locate(world, d),
            hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
        })
        .collect()
}

fn locate(world: &dyn World, diagnostic: &SourceDiagnostic) -> Option<SourceLocation> {
    let id = diagnostic.span.id()?;
    let range = world.range(diagnostic.span)?;
    let source = world.source(id).ok()?;
    let (line, column) = source.lines().byte_to_line_column(range.start)?;
    Some(SourceLocation {
        file: id.vpath().get_without_slash().to_owned(),
        line: line + 1,
        column: column + 1,
    })
}
