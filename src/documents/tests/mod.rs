//! Tests of the letter renderer: PDF output, hostile data, sandbox.
//!
//! They need no external tool: text is read back from Typst's laid-out frames rather than
//! from the PDF.

mod hostile;
mod render;
mod sandbox;

use std::path::PathBuf;

use chrono::NaiveDate;
use typst::layout::{Abs, Frame, FrameItem, Point};
use typst_layout::PagedDocument;

use super::RenderOptions;

/// The letter most tests render: the first reminder, the shortest dunning letter.
pub(super) const SAMPLE: &str = "relance-1.typ";

/// The data of the first reminder of the example dossier (`examples/atelier-martin`) as of
/// 15 March 2026, before the reminder and the formal notice it records (a reminder after the
/// notice is refused), as `relance render` builds it.
pub(super) fn sample_data() -> serde_json::Value {
    use std::sync::LazyLock;
    static DATA: LazyLock<serde_json::Value> = LazyLock::new(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin");
        let dossier = crate::dossier::fs::load_dir(&dir)
            .expect("the example loads")
            .dossier;
        let rules = crate::rules::Rules::embedded();
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date");
        let statement = crate::calc::compute(&dossier, &rules, as_of).expect("computes");
        crate::letters::build(
            crate::letters::DocKind::Relance1,
            &dossier,
            &statement,
            &rules,
        )
        .expect("builds")
        .json
    });
    DATA.clone()
}

pub(super) fn letter_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).expect("valid date")
}

pub(super) fn options() -> RenderOptions {
    RenderOptions::new(letter_date(), "DOS-2026-0042-R1-20260630")
}

/// The laid-out text in reading order: every text run, each followed by a space (runs
/// end at line ends and style changes, where the source may or may not have a space).
pub(super) fn laid_out_text(document: &PagedDocument) -> String {
    collect_text(document, |_| true)
}

/// The laid-out text without the running header and footer (text whose baseline lies in
/// the top or bottom page margin), so that a paragraph split across pages reads on.
pub(super) fn body_text(document: &PagedDocument) -> String {
    // The page margins of lib/style.typ.
    let top = Abs::mm(18.0);
    let bottom = Abs::mm(297.0 - 27.0);
    collect_text(document, |y| y > top && y < bottom)
}

fn collect_text(document: &PagedDocument, keep: impl Fn(Abs) -> bool) -> String {
    // Groups in letters are only translated, so adding offsets gives page positions.
    fn walk(frame: &Frame, origin: Point, keep: &dyn Fn(Abs) -> bool, out: &mut String) {
        for (pos, item) in frame.items() {
            let at = origin + *pos;
            match item {
                FrameItem::Group(group) => walk(&group.frame, at, keep, out),
                FrameItem::Text(text) if keep(at.y) => {
                    out.push_str(&text.text);
                    out.push(' ');
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    for page in document.pages() {
        walk(&page.frame, Point::zero(), &keep, &mut out);
    }
    out
}

/// Drops the characters whose presence layout does not preserve: breakable spaces (a
/// line break replaces one) and the CR, LF and tab the style's line rule turns into
/// spaces. No-break spaces (U+00A0, U+202F) are kept, since no line may break there.
pub(super) fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'))
        .collect()
}

/// A fresh, empty directory for one test, removed by [`TempDir::drop`].
pub(super) struct TempDir(pub(super) PathBuf);

impl TempDir {
    pub(super) fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("relance-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub(super) fn write(&self, relative: &str, content: &str) {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create dir");
        std::fs::write(path, content).expect("write file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
