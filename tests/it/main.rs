//! The integration suite: one binary, a module per part of the toolkit.

mod calc;
mod cli;
mod dossier;
mod golden;
mod import;
mod props;
mod rules;
mod support;
