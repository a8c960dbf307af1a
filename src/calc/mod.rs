//! The claim statement (décompte): a pure function of the dossier, the rules and the
//! as-of date (spec §2–4).

pub mod calendar;
pub mod payment_plan;
mod prescription;
pub mod schedule;
mod statement;

pub use prescription::Prescription;
pub(crate) use prescription::interrupts;
pub use statement::{
    CalcError, Imputed, InvoiceLine, Period, RuleUse, Statement, Totals, compute,
    compute_principal_only,
};
