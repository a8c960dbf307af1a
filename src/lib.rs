//! `relance`: French pre-litigation debt collection.
//!
//! The pipeline: import -> dossier -> rules -> calc -> documents -> bundle.

pub mod documents;
