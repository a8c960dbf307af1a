//! The statement of account (relevé de compte) of one dossier: every invoice and payment
//! in date order with the running balance, then the penalties or interest and indemnities
//! due on the date, and the balance.
//!
//! The balance is the statement's total due, less any overpayment (owed back): invoices −
//! payments + penalties or interest accrued + indemnities − what a payment plan waived.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{CalcError, Statement, compute};
use crate::dossier::Dossier;
use crate::money::cents_string;
use crate::rules::Rules;

/// One line of the account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub date: NaiveDate,
    /// `invoice` or `payment`.
    pub kind: &'static str,
    /// The invoice number, or the payment's reference.
    pub label: String,
    #[serde(serialize_with = "amount")]
    pub debit: Decimal,
    #[serde(serialize_with = "amount")]
    pub credit: Decimal,
    #[serde(serialize_with = "amount")]
    pub balance: Decimal,
}

/// The statement of account as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub reference: String,
    pub debtor: String,
    pub as_of: NaiveDate,
    pub entries: Vec<Entry>,
    /// Penalties (b2b) or interest (b2c, c2x, b2g) accrued up to the date, paid or not.
    #[serde(serialize_with = "amount")]
    pub accessories: Decimal,
    #[serde(serialize_with = "amount")]
    pub indemnities: Decimal,
    /// What a payment plan waived (spec §6).
    #[serde(serialize_with = "amount")]
    pub waived: Decimal,
    /// The last entry's balance + accessories + indemnities − waived: negative when the
    /// debtor paid too much.
    #[serde(serialize_with = "amount")]
    pub balance: Decimal,
    /// The statement's total due (spec §4), which an overpayment does not lower.
    #[serde(serialize_with = "amount")]
    pub total_due: Decimal,
}

/// The statement of account of `dossier` as of `as_of`.
///
/// # Errors
/// As [`compute`].
pub fn account(dossier: &Dossier, rules: &Rules, as_of: NaiveDate) -> Result<Account, CalcError> {
    let s = compute(dossier, rules, as_of)?;
    Ok(of(dossier, &s))
}

/// The statement of account built on a statement already computed.
pub fn of(dossier: &Dossier, s: &Statement) -> Account {
    // Invoices by issue date, payments by date; on the same day invoices first, then as
    // the statement orders them (number, amount, reference): the file's order never matters.
    let mut items: Vec<(NaiveDate, u8, String, Decimal, Decimal)> = Vec::new();
    for inv in &dossier.invoices {
        items.push((inv.issued, 0, inv.number.clone(), inv.amount, Decimal::ZERO));
    }
    for p in dossier.payments.iter().filter(|p| p.date <= s.as_of) {
        let label = match (&p.reference, &p.invoice) {
            (Some(r), Some(n)) => format!("{r} ({n})"),
            (Some(r), None) => r.clone(),
            (None, Some(n)) => format!("règlement ({n})"),
            (None, None) => "règlement".to_string(),
        };
        items.push((p.date, 1, label, Decimal::ZERO, p.amount));
    }
    items.sort();
    let mut balance = Decimal::ZERO;
    let entries = items
        .into_iter()
        .map(|(date, k, label, debit, credit)| {
            balance += debit - credit;
            Entry {
                date,
                kind: if k == 0 { "invoice" } else { "payment" },
                label,
                debit,
                credit,
                balance,
            }
        })
        .collect();
    let t = &s.totals;
    let accessories = t.penalties + t.interest;
    Account {
        reference: dossier.reference.clone(),
        debtor: dossier.debtor.name.clone(),
        as_of: s.as_of,
        entries,
        accessories,
        indemnities: t.indemnities,
        waived: t.waived,
        balance: balance + accessories + t.indemnities - t.waived,
        total_due: t.total_due,
    }
}

fn amount<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&cents_string(*d))
}
