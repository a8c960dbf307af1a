//! When a payment plan ends (spec §6): after an instalment notice left unanswered, without
//! notice in b2b when the agreement waives it, on a recorded `plan-ended`; never after
//! insolvency proceedings opened (C. com. L622-7, L622-29).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{EndCause, Plan, PlanStatus};
use crate::calc::CalcError;
use crate::calc::calendar::{deadline, debtor_department};
use crate::dossier::{Acceleration, Event, EventKind, Regime};

impl Plan<'_> {
    /// What the plan's payments dated up to `date` paid of it (at most what it covers).
    pub(super) fn paid_by(&self, date: NaiveDate) -> Decimal {
        let paid: Decimal = self
            .payments
            .iter()
            .filter(|p| p.date <= date)
            .map(|p| p.amount)
            .sum();
        paid.min(self.covered)
    }

    /// Whether instalment `i` is not fully paid at the end of `date`.
    pub(super) fn unpaid_on(&self, i: usize, date: NaiveDate) -> bool {
        let due: Decimal = self.instalments[..=i].iter().map(|x| x.amount).sum();
        self.paid_by(date) < due
    }

    /// The plan's status on the as-of date.
    pub(super) fn status(&mut self) -> Result<PlanStatus, CalcError> {
        let as_of = self.as_of;
        let agreed = self.agreed;
        let mut ends: Vec<(NaiveDate, EndCause)> = Vec::new();
        let events: Vec<&Event> = self
            .dossier
            .events
            .iter()
            .filter(|e| e.date >= agreed && e.date <= as_of)
            .collect();
        for e in events.iter().filter(|e| e.kind == EventKind::PlanEnded) {
            ends.push((e.date, EndCause::Recorded));
        }
        if self.plan.acceleration == Acceleration::Automatic && self.dossier.regime() == Regime::B2b
        {
            for (i, inst) in self.instalments.iter().enumerate() {
                if inst.notice_from <= as_of && self.unpaid_on(i, inst.notice_from) {
                    ends.push((
                        inst.notice_from,
                        EndCause::Automatic {
                            instalment: inst.due,
                        },
                    ));
                    break;
                }
            }
        }
        let dept = debtor_department(self.dossier).map(str::to_string);
        let mut notices: Vec<NaiveDate> = events
            .iter()
            .filter(|e| e.kind == EventKind::InstalmentNotice)
            .map(|e| e.date)
            .collect();
        notices.sort();
        for notice in notices {
            let missed = (0..self.instalments.len())
                .find(|&i| self.instalments[i].notice_from <= notice && self.unpaid_on(i, notice));
            let Some(i) = missed else {
                self.warnings.push(format!(
                    "the instalment notice of {notice} is ignored: no instalment was unpaid {} days after its due date on that day",
                    self.grace_days
                ));
                continue;
            };
            let last = deadline(self.rules, notice, self.notice_days, dept.as_deref())
                .map_err(CalcError::BadRule)?;
            let end = last.succ_opt().unwrap_or(last);
            if end <= as_of && self.unpaid_on(i, last) {
                ends.push((
                    end,
                    EndCause::Notice {
                        notice,
                        deadline: last,
                    },
                ));
            }
        }
        ends.sort_by_key(|(d, _)| *d);
        let completed_on = self
            .payments
            .iter()
            .scan(Decimal::ZERO, |sum, p| {
                *sum += p.amount;
                Some((p.date, *sum))
            })
            .find(|(_, sum)| *sum >= self.covered)
            .map(|(d, _)| d);
        // A plan fully paid cannot end afterwards.
        ends.retain(|(d, _)| completed_on.is_none_or(|c| *d <= c));
        if let Some(opened) = self.dossier.debtor.insolvency_opened {
            let before = ends.len();
            ends.retain(|(d, _)| *d < opened);
            if ends.len() < before {
                self.warnings.push(format!(
                    "the plan cannot end after the insolvency proceedings opened on {opened} (C. com. L622-7, L622-29): what would have ended it is ignored"
                ));
            }
            if ends.is_empty() && completed_on.is_none_or(|c| c >= opened) && opened <= as_of {
                return Ok(PlanStatus::Frozen {
                    since: opened.max(agreed),
                });
            }
        }
        Ok(match (ends.into_iter().next(), completed_on) {
            (Some((on, by)), _) => PlanStatus::Ended { on, by },
            (None, Some(on)) => PlanStatus::Completed { on },
            (None, None) => PlanStatus::Kept,
        })
    }

    /// Spreads the plan's payments dated up to `until` (all: `None`) over the instalments.
    pub(super) fn fill_instalments(&mut self, until: Option<NaiveDate>) {
        let mut left = match until {
            Some(d) => self.paid_by(d),
            None => self.paid_by(self.as_of),
        };
        for i in &mut self.instalments {
            i.paid = left.min(i.amount);
            left -= i.paid;
        }
    }
}
