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
mod limits;
mod overlay;
mod payment_plan;
mod plan;
mod plan_letters;
mod props;
mod record;
mod render;
mod reports;
mod rules;
mod serve;
mod support;
mod varied;
