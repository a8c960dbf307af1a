//! The sandboxed Typst `World` a letter compiles in: embedded fonts, the template set,
//! the caller's data as in-memory files, and a fixed date.
//!
//! The `World` trait is Typst's only door to files, fonts and the clock, so this type
//! decides everything a template can see:
//! - fonts: the Typst embedded fonts plus the vendored Relance Sans (Liberation Sans without
//!   hinting, OFL, `letter-templates/fonts/`), never system fonts, so that the same input
//!   gives the same bytes on every machine;
//! - files: the [`TemplateSet`] and the virtual files below, nothing from the disk;
//! - packages: refused (`@preview/...` fails with a message saying so);
//! - `datetime.today()`: the letter's date.
//!
//! Virtual files, fixed paths interned once per process (Typst's file ids are global,
//! leaked and capped at 65,535, so an id per letter would eventually panic):
//! - `/data.json`: the caller's data;
//! - `/render.json`: what the renderer tells the style module (the attachments list);
//! - `/attachments/0`, `/attachments/1`, ...: the attachments' bytes;
//! - `/epc-qr.svg`: the EPC QR code of a SEPA transfer, when the letter carries one.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::templates::TemplateSet;

/// The most attachments one letter may carry; it bounds the interned attachment ids.
pub(crate) const MAX_ATTACHMENTS: usize = 16;

/// Relance Sans: Liberation Sans 2.1.5 without its TrueType hinting, renamed as the SIL Open
/// Font License 1.1 requires of a modified version (`tools/relance-sans.py`,
/// `letter-templates/fonts/OFL.txt`): the sans-serif the letter style uses, with Arial's
/// metrics. Typst's embedded fonts have no sans-serif. Its layout tables are light: shaping
/// the letters' text costs about a third of what it cost in Inter, whose contextual
/// substitutions ran on every glyph, and a document renders about 30 % faster (measured with
/// `benches/templates.rs`, see the README). Without hinting, which PDF readers ignore, the
/// subsets each PDF embeds are a fifth smaller and rendering takes 5 % fewer instructions.
const VENDORED_FONTS: [&[u8]; 4] = [
    include_bytes!("../../letter-templates/fonts/RelanceSans-Regular.ttf"),
    include_bytes!("../../letter-templates/fonts/RelanceSans-Italic.ttf"),
    include_bytes!("../../letter-templates/fonts/RelanceSans-Bold.ttf"),
    include_bytes!("../../letter-templates/fonts/RelanceSans-BoldItalic.ttf"),
];

/// Fonts and the standard library, built once per process and shared by every world and
/// thread: parsing the fonts and building the library cost far more than a letter.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = VENDORED_FONTS
        .into_iter()
        .chain(typst_assets::fonts())
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

fn intern(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid constant virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

static DATA_ID: LazyLock<FileId> = LazyLock::new(|| intern("/data.json"));
static RENDER_ID: LazyLock<FileId> = LazyLock::new(|| intern("/render.json"));
static QR_ID: LazyLock<FileId> = LazyLock::new(|| intern("/epc-qr.svg"));
static ATTACHMENT_IDS: LazyLock<Vec<FileId>> = LazyLock::new(|| {
    (0..MAX_ATTACHMENTS)
        .map(|i| intern(&attachment_path(i)))
        .collect()
});

/// The virtual path of the `index`-th attachment's bytes.
pub(crate) fn attachment_path(index: usize) -> String {
    format!("/attachments/{index}")
}

/// One compilation's world. Cheap to build: it borrows the template set and owns only
/// this letter's data.
pub(crate) struct LetterWorld<'a> {
    templates: &'a TemplateSet,
    main: FileId,
    today: Datetime,
    data: Bytes,
    render: Bytes,
    attachments: Vec<Bytes>,
    qr: Option<Bytes>,
}

impl<'a> LetterWorld<'a> {
    /// `attachments` must hold at most [`MAX_ATTACHMENTS`] entries (checked by the caller).
    pub(crate) fn new(
        templates: &'a TemplateSet,
        main: FileId,
        today: Datetime,
        data: Bytes,
        render: Bytes,
        attachments: Vec<Bytes>,
        qr: Option<Bytes>,
    ) -> Self {
        debug_assert!(attachments.len() <= MAX_ATTACHMENTS);
        Self {
            templates,
            main,
            today,
            data,
            render,
            attachments,
            qr,
        }
    }

    /// The in-memory files, which take precedence over template files of the same path.
    fn virtual_file(&self, id: FileId) -> Option<Bytes> {
        if id == *DATA_ID {
            return Some(self.data.clone());
        }
        if id == *RENDER_ID {
            return Some(self.render.clone());
        }
        if id == *QR_ID {
            return self.qr.clone();
        }
        let index = ATTACHMENT_IDS.iter().position(|&a| a == id)?;
        self.attachments.get(index).cloned()
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

/// Packages are never downloaded nor read: a letter must not depend on anything outside
/// the reviewed template set.
fn check_root(id: FileId) -> FileResult<()> {
    match id.root() {
        VirtualRoot::Project => Ok(()),
        VirtualRoot::Package(spec) => Err(FileError::Package(PackageError::Other(Some(
            format!("letter templates cannot use packages ({spec})").into(),
        )))),
    }
}

impl World for LetterWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        check_root(id)?;
        if self.virtual_file(id).is_some() {
            return Err(FileError::NotSource);
        }
        let file = self.templates.get(id).ok_or_else(|| not_found(id))?;
        match &file.source {
            Some(source) => Ok(source.clone()),
            None if id.vpath().extension() == Some("typ") => Err(FileError::InvalidUtf8),
            None => Err(FileError::NotSource),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        check_root(id)?;
        if let Some(bytes) = self.virtual_file(id) {
            return Ok(bytes);
        }
        let file = self.templates.get(id).ok_or_else(|| not_found(id))?;
        Ok(file.bytes.clone())
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    /// The letter's date whatever the offset asked for: a letter is dated in France and
    /// its date is an input, never the clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
