//! A proposed payment plan (`relance echeancier`): what the plan would cover on a date, cut
//! into equal instalments, the last one adjusted to the cent (spec §6).

use chrono::{Days, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::statement::{CalcError, Frozen, compute_plain};
use crate::dossier::{Dossier, Instalment, PlanCovers, Regime};
use crate::error::Problem;
use crate::money::cents_string;
use crate::rules::Rules;

/// How often instalments fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// The same day of each month (the last day of a shorter month).
    Month,
    Week,
    Days(u32),
}

/// A schedule to offer the debtor.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub as_of: NaiveDate,
    pub covers: PlanCovers,
    /// The invoices covered (outstanding on `as_of`), in the statement's order.
    pub invoices: Vec<String>,
    /// What the plan covers on `as_of`: the sum of the instalments.
    pub covered: Decimal,
    pub instalments: Vec<Instalment>,
}

/// Cuts what the plan would cover on `as_of` into `count` instalments from `first`.
///
/// With `covers = Total` the amount includes the penalties or interest accrued up to
/// `as_of`: the plan must be agreed on that day, or the instalments will no longer add up
/// to what it covers (and the dossier is refused with the difference).
///
/// # Errors
/// A public buyer (CCP L2192-14), insolvency proceedings (C. com. L622-7), nothing
/// outstanding, fewer cents than instalments, a first instalment before `as_of`, or a
/// figure the statement needs missing from the rules.
///
/// # Example
/// ```
/// use relance::calc::schedule::split;
/// use rust_decimal::Decimal;
/// let parts = split(Decimal::new(10000, 2), 3).unwrap();
/// assert_eq!(parts, vec![Decimal::new(3333, 2), Decimal::new(3333, 2), Decimal::new(3334, 2)]);
/// assert!(split(Decimal::new(1, 2), 2).is_none());
/// ```
pub fn propose(
    dossier: &Dossier,
    rules: &Rules,
    as_of: NaiveDate,
    covers: PlanCovers,
    first: NaiveDate,
    count: u32,
    every: Every,
) -> Result<Proposal, CalcError> {
    let refuse = |field: &str, message: String| {
        CalcError::Input(Problem::new("echeancier", field, message).into())
    };
    if dossier.regime() == Regime::B2g {
        return Err(refuse(
            "debtor.kind",
            "no payment plan against a public buyer: moratory interest and the recovery \
             indemnity cannot be waived or rescheduled (CCP L2192-14)"
                .to_string(),
        ));
    }
    if let Some(opened) = dossier.debtor.insolvency_opened.filter(|d| *d <= as_of) {
        return Err(refuse(
            "debtor.insolvency_opened",
            format!(
                "insolvency proceedings opened on {opened}: claims born before cannot be paid \
                 (C. com. L622-7); declare them (L622-24) instead of offering a plan"
            ),
        ));
    }
    if first < as_of {
        return Err(refuse(
            "--first",
            format!("the first instalment {first} is before the day of the plan {as_of}"),
        ));
    }
    let mut without = dossier.clone();
    without.payment_plan = None;
    let s = compute_plain(&without, rules, as_of, &Frozen::default())?;
    let lines: Vec<_> = s
        .invoices
        .iter()
        .filter(|l| l.total_due() > Decimal::ZERO)
        .filter(|l| covers == PlanCovers::Total || l.outstanding > Decimal::ZERO)
        .collect();
    let covered: Decimal = lines
        .iter()
        .map(|l| match covers {
            PlanCovers::Total => l.total_due(),
            PlanCovers::Principal => l.outstanding,
        })
        .sum();
    if lines.is_empty() {
        return Err(refuse(
            "invoices",
            format!("nothing is outstanding on {as_of}: no plan to offer"),
        ));
    }
    let amounts = split(covered, count).ok_or_else(|| {
        refuse(
            "--count",
            format!(
                "{} EUR cannot be cut into {count} instalments of at least one cent",
                cents_string(covered)
            ),
        )
    })?;
    let mut instalments = Vec::with_capacity(amounts.len());
    for (k, amount) in amounts.into_iter().enumerate() {
        let due = nth_due(first, every, k as u32)
            .ok_or_else(|| refuse("--count", "a due date out of range".to_string()))?;
        instalments.push(Instalment { due, amount });
    }
    Ok(Proposal {
        as_of,
        covers,
        invoices: lines.iter().map(|l| l.number.clone()).collect(),
        covered,
        instalments,
    })
}

/// `total` in `count` equal parts rounded down to the cent, the last one taking the rest;
/// `None` when a part would be zero.
pub fn split(total: Decimal, count: u32) -> Option<Vec<Decimal>> {
    if count == 0 || total < Decimal::new(i64::from(count), 2) {
        return None;
    }
    let part = (total / Decimal::from(count)).round_dp_with_strategy(2, RoundingStrategy::ToZero);
    let mut parts = vec![part; count as usize];
    let last = total - part * Decimal::from(count - 1);
    *parts.last_mut().expect("count > 0") = last;
    Some(parts)
}

/// The due date of instalment `k` (0 for the first).
fn nth_due(first: NaiveDate, every: Every, k: u32) -> Option<NaiveDate> {
    match every {
        Every::Month => first.checked_add_months(Months::new(k)),
        Every::Week => first.checked_add_days(Days::new(7 * u64::from(k))),
        Every::Days(n) => first.checked_add_days(Days::new(u64::from(n) * u64::from(k))),
    }
}
