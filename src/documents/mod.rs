//! Documents: French formatting helpers for the text letters show.

pub mod format;
