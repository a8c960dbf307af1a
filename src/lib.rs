//! `relance`: French pre-litigation debt collection.
//!
//! The pipeline: import -> dossier -> rules -> calc -> documents -> bundle.
//! [`dossier`] turns text into a validated [`dossier::Dossier`]; [`rules`] holds the law as
//! dated values with their sources; [`calc`] computes the claim statement as a pure function
//! of the dossier, the rules and the as-of date; [`letters`] turns a statement into the data
//! of each document and [`documents`] renders it with Typst; [`bundle`] seals a dossier, its
//! pieces and what was computed from them into an evidence bundle, and verifies one; [`plan`]
//! says which dunning step is due when; [`batch`] produces what is due for many dossiers;
//! [`serve`] is the local web app over all of it.

pub mod batch;
pub mod bounded;
pub mod bundle;
pub mod calc;
pub mod cli;
pub mod courts;
pub mod documents;
pub mod dossier;
pub mod error;
pub mod import;
pub mod letters;
pub mod lock;
pub mod money;
pub mod plan;
pub mod record;
pub mod report;
pub mod rules;
pub mod serve;
pub mod tree;
