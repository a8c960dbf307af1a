//! Documents: French formatting helpers and the in-process Typst renderer for letters.
//!
//! Letters are constant Typst templates in `letter-templates/` (embedded in the binary)
//! that read their data from an in-memory `/data.json`; [`Renderer`] compiles them in a
//! sandboxed world and exports PDF/A. This module knows nothing about import formats or
//! how amounts were computed: it receives text already formatted with [`format`].

mod email;
pub mod format;
pub mod qr;
mod render;
mod templates;
mod text;
mod world;

#[cfg(test)]
mod tests;

pub use email::{email_documents, render_email};
pub use render::{
    Attachment, Diagnostic, PdfA, RenderError, RenderOptions, Renderer, Severity, SourceLocation,
};
