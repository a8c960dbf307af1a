//! Portfolio reports: what is owed by age (`aging`), one debtor's statement of account
//! (`account`), what each dunning step recovers (`recovery`). Pure functions of dossiers,
//! rules and dates, returning plain data that the command line prints and the web app shows.

pub mod account;
pub mod aging;
pub mod recovery;
