//! Portfolio reports: what is owed by age (`aging`), one debtor's statement of account
//! (`account`). Pure functions of dossiers, rules and a date, returning plain data that the
//! command line prints and the web app shows.

pub mod account;
pub mod aging;
