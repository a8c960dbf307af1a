//! The last day on which each claim can still be brought (spec §3, prescription).

use chrono::{Datelike, NaiveDate};

use super::calendar::add_years;
use super::statement::{CalcError, RuleUse};
use crate::dossier::{Channel, Dossier, Event, EventKind, Invoice, Regime};
use crate::rules::Rules;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prescription {
    /// The last day on which the claim can still be brought.
    pub expires_on: NaiveDate,
    /// The rule's legal basis.
    pub basis: String,
    /// The day the current period started (the due date or the last interruption).
    pub started_on: NaiveDate,
}

/// Computes the prescription of one invoice.
///
/// `allocated` are the dates of the payments allocated to the invoice (any part of them);
/// `events` are the dossier's events up to the as-of date.
pub(super) fn prescription(
    dossier: &Dossier,
    rules: &Rules,
    invoice: &Invoice,
    events: &[&Event],
    allocated: &[NaiveDate],
) -> Result<(Prescription, RuleUse), CalcError> {
    let public = dossier.debtor.is_public_person();
    let id = if public {
        "decheance-quadriennale"
    } else {
        match dossier.regime() {
            Regime::B2b => "prescription-commercial",
            Regime::B2c => "prescription-consumer",
            Regime::C2x | Regime::B2g => "prescription-civil",
        }
    };
    let (rule, value) = rules.value(id, invoice.due, || {
        format!("the prescription of invoice {}", invoice.number)
    })?;
    let years: i32 =
        value.value.trunc().try_into().map_err(|_| {
            CalcError::BadRule(format!("{}: not a whole number of years", rule.file))
        })?;

    // The dates that start the period again, in order.
    let mut restarts: Vec<NaiveDate> = events
        .iter()
        .filter(|e| e.concerns(&invoice.number))
        .filter(|e| interrupts(e, public))
        .map(|e| e.date)
        .chain(allocated.iter().copied())
        .collect();
    restarts.sort();

    let (mut started_on, mut expires_on) = if public {
        // Four years from 1 January of the year after the rights were acquired (art. 1).
        let start = jan1(invoice.due.year() + 1);
        (start, dec31(invoice.due.year() + years))
    } else {
        (invoice.due, add_years(invoice.due, years))
    };
    for date in restarts {
        if date < invoice.due {
            continue; // An event before the due date does not move the start.
        }
        if date > expires_on {
            break; // A barred claim is not revived.
        }
        let (start, end) = if public {
            (jan1(date.year() + 1), dec31(date.year() + years))
        } else {
            (date, add_years(date, years))
        };
        if end > expires_on {
            started_on = start;
            expires_on = end;
        }
    }
    let used = RuleUse::of(rule, value);
    Ok((
        Prescription {
            expires_on,
            basis: rule.article.clone(),
            started_on,
        },
        used,
    ))
}

/// Which events start the period again: C. civ. 2240 (acknowledgment), 2241 (the
/// injonction de payer, at its service); for a public debtor also every written claim
/// (loi 68-1250 art. 2). A formal notice alone never interrupts a civil or commercial
/// prescription (Com. 18 May 2022, n° 20-23.204).
pub(crate) fn interrupts(event: &Event, public: bool) -> bool {
    match event.kind {
        // A recourse before a court interrupts the quadriennale too (loi 68-1250 art. 2).
        EventKind::Acknowledgment | EventKind::IpServed | EventKind::ReferralFiled => true,
        // The plan's agreement counts through `payment_plan.agreed` (calc::payment_plan).
        EventKind::PlanAgreed | EventKind::PlanEnded => false,
        EventKind::Reminder
        | EventKind::FormalNotice
        | EventKind::Dispute
        | EventKind::InstalmentNotice
        | EventKind::ClaimMemorandum => public && event.channel != Some(Channel::Phone),
    }
}

fn jan1(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date")
}

fn dec31(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date")
}
