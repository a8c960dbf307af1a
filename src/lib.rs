//! `relance`: French pre-litigation debt collection.
//!
//! The pipeline: import -> dossier -> rules -> calc -> documents -> bundle.
//! [`dossier`] turns text into a validated [`dossier::Dossier`]; [`rules`] holds the law as
//! dated values with their sources; [`calc`] computes the claim statement as a pure function
//! of the dossier, the rules and the as-of date.

pub mod calc;
pub mod cli;
pub mod dossier;
pub mod error;
pub mod import;
pub mod rules;
pub mod tree;
