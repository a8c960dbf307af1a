//! The statement while a payment plan holds, and after its end for b2c (spec §6): the
//! covered invoices frozen on `agreed`, the plan's payments spread over them, legal interest
//! from the day after the end.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Plan, rule_use};
use crate::calc::calendar::HalfYear;
use crate::calc::statement::{
    CalcError, Frozen, Imputed, Period, Statement, Totals, compute_plain,
};
use crate::dossier::{Event, EventKind, Imputation, Payment};
use crate::money::round_cents;

impl Plan<'_> {
    /// Acknowledgment events for the covered invoices: `agreed` (C. civ. 2240) and, in
    /// `paid_on`, every plan payment that went to them.
    pub(super) fn acknowledgments(&self) -> Vec<Event> {
        let mut out = Vec::new();
        for c in &self.lines {
            for date in std::iter::once(self.agreed).chain(c.paid_on.iter().copied()) {
                out.push(Event {
                    date,
                    kind: EventKind::Acknowledgment,
                    invoice: Some(c.line.number.clone()),
                    channel: None,
                    piece: None,
                });
            }
        }
        out
    }

    /// The statement while the plan is kept, completed or frozen, and after the end for b2c.
    pub(super) fn kept_statement(
        &mut self,
        ended: Option<NaiveDate>,
    ) -> Result<Statement, CalcError> {
        let mut excess: Vec<Payment> = Vec::new();
        let payments = self.payments.clone();
        // Legal interest from the day after the end (b2c), on the principal left unpaid.
        if let Some(end) = ended {
            let start = end.succ_opt().unwrap_or(end);
            for c in &mut self.lines {
                c.cursor = Some(start);
            }
        }
        for p in payments {
            let mut left = p.amount;
            for idx in 0..self.lines.len() {
                if left.is_zero() {
                    break;
                }
                if ended.is_some_and(|e| p.date > e) {
                    self.accrue(idx, p.date)?;
                }
                left = self.take(idx, p.date, left);
            }
            if left > Decimal::ZERO {
                excess.push(Payment {
                    date: p.date,
                    amount: left,
                    invoice: None,
                    reference: p.reference.clone(),
                    piece: p.piece.clone(),
                });
            }
        }
        if ended.is_some() {
            for idx in 0..self.lines.len() {
                self.accrue(idx, self.as_of)?;
            }
        }
        self.fill_instalments(ended);

        // Everything else as §3: the invoices the plan does not cover, and the plan's excess.
        let covered: BTreeSet<String> = self.lines.iter().map(|c| c.line.number.clone()).collect();
        let mut rest = self.dossier.clone();
        rest.payment_plan = None;
        let agreed = self.agreed;
        rest.payments.retain(|p| {
            p.date < agreed || p.invoice.as_ref().is_some_and(|n| !covered.contains(n))
        });
        rest.payments.extend(excess);
        rest.events.extend(self.acknowledgments());
        let frozen = Frozen {
            since: Some(agreed),
            invoices: covered,
        };
        let mut s = compute_plain(&rest, self.rules, self.as_of, &frozen)?;
        let mut covered_lines = std::mem::take(&mut self.lines).into_iter();
        for line in &mut s.invoices {
            if frozen.invoices.contains(&line.number) {
                let c = covered_lines.next().expect("same invoices, same order");
                let prescription = line.prescription.clone();
                *line = c.line;
                line.waived = c.waived_accessories + c.waived_indemnity;
                line.prescription = prescription;
                // While the plan holds, the delay is the one frozen on `agreed` (nothing accrues
                // after it); once it has ended (b2c), the delay runs again to the as-of date.
                if ended.is_some() {
                    line.days_late = match c.cleared_on {
                        Some(cleared) if line.outstanding.is_zero() => {
                            (cleared - line.due).num_days()
                        }
                        _ if line.outstanding.is_zero() => line.days_late,
                        _ => (self.as_of - line.due).num_days(),
                    }
                    .max(0);
                }
            }
        }
        s.totals = Totals::of(&s.invoices, s.totals.overpaid);
        Ok(s)
    }

    /// Applies up to `amount` of a plan payment made on `date` to covered invoice `idx`.
    pub(super) fn take(&mut self, idx: usize, date: NaiveDate, amount: Decimal) -> Decimal {
        let imputation = self.dossier.payment_imputation;
        let c = &mut self.lines[idx];
        let l = &mut c.line;
        let mut left = amount;
        let accessories = l.penalties + l.interest - l.penalties_paid - c.waived_accessories;
        // C. civ. 1343-1 (interest first) unless the creditor chose principal first; a
        // payment on or before the invoice's due date goes to principal (spec §3).
        let first_accessories = imputation == Imputation::InterestFirst && date > l.due;
        let mut to_acc = Decimal::ZERO;
        if first_accessories {
            to_acc = left.min(accessories);
            left -= to_acc;
        }
        let to_principal = left.min(l.outstanding);
        left -= to_principal;
        if !first_accessories {
            to_acc = left.min(accessories);
            left -= to_acc;
        }
        let to_indemnity = left.min(l.indemnity - l.indemnity_paid - c.waived_indemnity);
        left -= to_indemnity;
        l.penalties_paid += to_acc;
        l.outstanding -= to_principal;
        l.indemnity_paid += to_indemnity;
        let taken = to_acc + to_principal + to_indemnity;
        if taken > Decimal::ZERO {
            l.paid += taken;
            c.paid_on.push(date);
            if to_principal > Decimal::ZERO && l.outstanding.is_zero() {
                c.cleared_on = Some(date);
            }
            // Shown on the invoice as every other payment: the statement adds up line by line.
            l.imputations.push(Imputed {
                date,
                to_accrued: to_acc,
                to_principal,
                order: imputation,
                before_due: date <= l.due,
                named: true,
                to_indemnity,
                plan: Some(self.agreed),
            });
        }
        left
    }

    /// Legal interest on covered invoice `idx` up to `until` (b2c after the end: C. civ.
    /// 1231-6, 1344-1, as after a formal notice), by half-year, each period rounded.
    pub(super) fn accrue(&mut self, idx: usize, until: NaiveDate) -> Result<(), CalcError> {
        let mut until = until;
        if let Some(opened) = self
            .dossier
            .debtor
            .opened_after(self.lines[idx].line.issued)
        {
            until = until.min(opened.pred_opt().unwrap_or(opened));
        }
        while let Some(from) = self.lines[idx].cursor.filter(|c| *c <= until) {
            let half = HalfYear::of(from);
            let to = until.min(half.end());
            self.lines[idx].cursor = to.succ_opt();
            let base = self.lines[idx].line.outstanding;
            if base.is_zero() {
                continue;
            }
            let number = self.lines[idx].line.number.clone();
            let (rule, v) = self.rules.value("legal-rate-other", half.start(), || {
                format!("the legal interest of half-year {half} after the payment plan ended (invoice {number})")
            })?;
            self.used.insert(rule_use(rule, v));
            let rate = v.value;
            let days = (to - from).num_days() + 1;
            let amount = round_cents(base * rate * Decimal::from(days) / Decimal::from(36500));
            let l = &mut self.lines[idx].line;
            l.interest += amount;
            l.periods.push(Period {
                from,
                to,
                days,
                base,
                rate,
                amount,
                basis: format!(
                    "taux légal du {}, autres cas, après la fin de l'échéancier (C. civ. 1231-6, 1344-1)",
                    half.fr()
                ),
                floored: false,
            });
        }
        Ok(())
    }
}
