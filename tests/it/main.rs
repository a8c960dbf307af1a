//! The integration suite: one binary, a module per part of the toolkit.

mod batch;
mod bundle;
mod calc;
mod cli;
mod courts;
mod dossier;
mod generate;
mod golden;
mod import;
mod letters;
mod plan;
mod props;
mod render;
mod rules;
mod support;
