//! The recovery report: what each dunning step brings back, by channel.
//!
//! How it counts (the README says the same):
//! - A **step** is a recorded event that asks the debtor to pay: a `reminder` (the first
//!   recorded reminder of a dossier is relance-1, the second relance-2, any later one
//!   relance-3), a `formal-notice`, an `instalment-notice`, a `claim-memorandum`, an
//!   `ip-served` (the injonction de payer served) or a `referral-filed`. Its channel is the
//!   event's, "non précisé" when the event has none. A row is one step and one channel; it
//!   counts the steps dated from `--from` to `--to` included.
//! - A **payment** is credited to the last step dated strictly before it, whatever its
//!   channel; a payment with no step before it is credited to none. Only what the payment
//!   brought to the claim counts: the final excess the statement reports as overpaid is
//!   taken off the latest payments.
//! - **Recovered within 15 (30) days**: the payments credited to the step and dated at most
//!   15 (30) days after it, up to `--to` (a step close to `--to` has had less time).
//! - **Average days**: from each invoice's due date to the payment, over the payments
//!   recovered within 30 days, weighted by the amount the statement imputed to that invoice
//!   (payments that went to a payment plan's instalments have no invoice and are left out).
//! - **Still open**: the total due on `--to` of the dossiers whose last step up to `--to` is
//!   this one, so that the column adds up to what the dossiers dunned in the period still owe.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{CalcError, Statement, compute, compute_principal_only};
use crate::dossier::{Channel, Dossier, EventKind, Payment};
use crate::money::cents_string;
use crate::rules::Rules;

/// The steps, in the order of the report, with their French label.
pub const STEPS: [(&str, &str); 8] = [
    ("relance-1", "Relance 1"),
    ("relance-2", "Relance 2"),
    ("relance-3", "Relance 3"),
    ("mise-en-demeure", "Mise en demeure"),
    ("relance-echeance", "Relance d'échéance"),
    ("memoire-en-reclamation", "Mémoire en réclamation"),
    ("injonction-de-payer", "Injonction de payer signifiée"),
    ("refere-provision", "Référé-provision"),
];

/// Days after a step within which a payment counts as recovered by it.
const SHORT: i64 = 15;
const LONG: i64 = 30;

/// One recorded step of one dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    date: NaiveDate,
    /// Index in [`STEPS`].
    step: usize,
    channel: Option<Channel>,
}

/// One row: a step sent through one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecoveryRow {
    pub step: &'static str,
    pub channel: &'static str,
    /// Dossiers that received the step through this channel in the period.
    pub dossiers: usize,
    /// Steps sent (a dossier may receive one twice).
    pub sent: usize,
    #[serde(serialize_with = "amount")]
    pub recovered_15: Decimal,
    #[serde(serialize_with = "amount")]
    pub recovered_30: Decimal,
    /// Days from due date to payment, one decimal; `None` without a payment to measure.
    #[serde(serialize_with = "days")]
    pub average_days: Option<Decimal>,
    #[serde(serialize_with = "amount")]
    pub still_open: Decimal,
    #[serde(skip)]
    weighted: (Decimal, Decimal),
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recovery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<RecoveryRow>,
    /// Dossiers that received at least one step in the period.
    pub dossiers: usize,
    #[serde(serialize_with = "amount")]
    pub recovered_15: Decimal,
    #[serde(serialize_with = "amount")]
    pub recovered_30: Decimal,
    #[serde(serialize_with = "amount")]
    pub still_open: Decimal,
    /// Dossiers whose statement lacks a rate: their still-open amount is principal only.
    pub partial: usize,
}

/// Builds the report one dossier at a time.
#[derive(Debug)]
pub struct RecoveryBuilder {
    from: NaiveDate,
    to: NaiveDate,
    rows: BTreeMap<(usize, usize), RecoveryRow>,
    dossiers: usize,
    partial: usize,
}

impl RecoveryBuilder {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            rows: BTreeMap::new(),
            dossiers: 0,
            partial: 0,
        }
    }

    /// Adds one dossier, its statement computed as of `to`.
    ///
    /// # Errors
    /// As [`compute`], except a missing rate (the dossier then counts with its principal).
    pub fn add(&mut self, dossier: &Dossier, rules: &Rules) -> Result<(), CalcError> {
        let steps = steps(dossier, self.to);
        let from = self.from;
        let in_period = |s: &Step| s.date >= from;
        if !steps.iter().any(in_period) {
            return Ok(());
        }
        let (statement, partial) = match compute(dossier, rules, self.to) {
            Ok(s) => (s, false),
            Err(CalcError::Rule(_)) => (compute_principal_only(dossier, rules, self.to)?, true),
            Err(e) => return Err(e),
        };
        self.dossiers += 1;
        self.partial += usize::from(partial);

        let mut seen = BTreeSet::new();
        for s in steps.iter().filter(|s| in_period(s)) {
            let row = self.row(s);
            row.sent += 1;
            if seen.insert(key(s)) {
                row.dossiers += 1;
            }
        }
        if let Some(last) = steps.last().filter(|s| in_period(s)) {
            self.row(last).still_open += statement.totals.total_due;
        }
        let days = delays_by_date(&statement);
        for (date, amount) in recovered_by_date(dossier, &statement, self.to) {
            let Some(step) = steps.iter().rev().find(|s| s.date < date) else {
                continue;
            };
            let after = (date - step.date).num_days();
            if !in_period(step) || after > LONG {
                continue;
            }
            let row = self.row(step);
            row.recovered_30 += amount;
            if after <= SHORT {
                row.recovered_15 += amount;
            }
            if let Some((weighted, weight)) = days.get(&date) {
                row.weighted.0 += weighted;
                row.weighted.1 += weight;
            }
        }
        Ok(())
    }

    fn row(&mut self, s: &Step) -> &mut RecoveryRow {
        self.rows.entry(key(s)).or_insert_with(|| RecoveryRow {
            step: STEPS[s.step].0,
            channel: channel_name(s.channel),
            dossiers: 0,
            sent: 0,
            recovered_15: Decimal::ZERO,
            recovered_30: Decimal::ZERO,
            average_days: None,
            still_open: Decimal::ZERO,
            weighted: (Decimal::ZERO, Decimal::ZERO),
        })
    }

    /// The report, each total the sum of its rows.
    pub fn finish(self) -> Recovery {
        let rows: Vec<RecoveryRow> = self
            .rows
            .into_values()
            .map(|mut r| {
                let (weighted, weight) = r.weighted;
                if weight > Decimal::ZERO {
                    r.average_days = Some((weighted / weight).round_dp(1));
                }
                r
            })
            .collect();
        Recovery {
            from: self.from,
            to: self.to,
            dossiers: self.dossiers,
            recovered_15: rows.iter().map(|r| r.recovered_15).sum(),
            recovered_30: rows.iter().map(|r| r.recovered_30).sum(),
            still_open: rows.iter().map(|r| r.still_open).sum(),
            partial: self.partial,
            rows,
        }
    }
}

fn key(s: &Step) -> (usize, usize) {
    (s.step, s.channel.map_or(0, |c| c as usize + 1))
}

fn channel_name(c: Option<Channel>) -> &'static str {
    match c {
        None => "non-precise",
        Some(Channel::Email) => "email",
        Some(Channel::Letter) => "letter",
        Some(Channel::RegisteredLetter) => "registered-letter",
        Some(Channel::Phone) => "phone",
        Some(Channel::Sms) => "sms",
    }
}

/// The dossier's steps dated up to `to`, in date order (the reminders numbered in the
/// order they were sent).
fn steps(dossier: &Dossier, to: NaiveDate) -> Vec<Step> {
    let mut events: Vec<_> = dossier.events.iter().filter(|e| e.date <= to).collect();
    events.sort_by_key(|e| e.date);
    let mut reminders = 0usize;
    let mut out = Vec::new();
    for e in events {
        let step = match e.kind {
            EventKind::Reminder => {
                reminders += 1;
                reminders.min(3) - 1
            }
            EventKind::FormalNotice => 3,
            EventKind::InstalmentNotice => 4,
            EventKind::ClaimMemorandum => 5,
            EventKind::IpServed => 6,
            EventKind::ReferralFiled => 7,
            EventKind::Acknowledgment
            | EventKind::Dispute
            | EventKind::PlanEnded
            | EventKind::PlanAgreed => continue,
        };
        out.push(Step {
            date: e.date,
            step,
            channel: e.channel,
        });
    }
    out
}

/// What the payments of each date up to `to` brought to the claim: their amounts, less the
/// statement's final excess (overpaid), taken off the latest payments first.
fn recovered_by_date(
    dossier: &Dossier,
    statement: &Statement,
    to: NaiveDate,
) -> Vec<(NaiveDate, Decimal)> {
    let mut by_date: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
    for p in dossier.payments.iter().filter(|p: &&Payment| p.date <= to) {
        *by_date.entry(p.date).or_default() += p.amount;
    }
    let mut excess = statement.totals.overpaid;
    for amount in by_date.values_mut().rev() {
        let cut = excess.min(*amount);
        *amount -= cut;
        excess -= cut;
    }
    by_date
        .into_iter()
        .filter(|(_, a)| *a > Decimal::ZERO)
        .collect()
}

/// For each payment date: the sum of (days from the invoice's due date to the payment ×
/// amount imputed on it) and the sum of those amounts.
fn delays_by_date(statement: &Statement) -> BTreeMap<NaiveDate, (Decimal, Decimal)> {
    let mut out: BTreeMap<NaiveDate, (Decimal, Decimal)> = BTreeMap::new();
    for l in &statement.invoices {
        for i in &l.imputations {
            let amount = i.amount();
            let days = (i.date - l.due).num_days().max(0);
            let e = out.entry(i.date).or_default();
            e.0 += amount * Decimal::from(days);
            e.1 += amount;
        }
    }
    out
}

fn amount<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&cents_string(*d))
}

fn days<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&format!("{d:.1}")),
        None => s.serialize_none(),
    }
}

/// The French label of a step id.
pub fn step_fr(id: &str) -> &'static str {
    STEPS
        .iter()
        .find(|(s, _)| *s == id)
        .map_or("?", |(_, fr)| *fr)
}

/// The French label of a channel name.
pub fn channel_fr(name: &str) -> &'static str {
    match name {
        "email" => "courriel",
        "letter" => "lettre simple",
        "registered-letter" => "LRAR",
        "phone" => "téléphone",
        "sms" => "SMS",
        _ => "non précisé",
    }
}

/// The report as CSV: one row per step and channel, then the total.
pub fn to_csv(r: &Recovery) -> String {
    let mut out = String::from(
        "step,channel,dossiers,sent,recovered_15,recovered_30,average_days,still_open\n",
    );
    for row in &r.rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            row.step,
            row.channel,
            row.dossiers,
            row.sent,
            cents_string(row.recovered_15),
            cents_string(row.recovered_30),
            row.average_days
                .map(|d| format!("{d:.1}"))
                .unwrap_or_default(),
            cents_string(row.still_open)
        ));
    }
    out.push_str(&format!(
        "TOTAL,,{},,{},{},,{}\n",
        r.dossiers,
        cents_string(r.recovered_15),
        cents_string(r.recovered_30),
        cents_string(r.still_open)
    ));
    out
}
