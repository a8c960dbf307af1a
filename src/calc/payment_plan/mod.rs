//! The payment plan (échéancier) in the statement (spec §6).
//!
//! A plan agreed on or before the as-of date reschedules what it covers: the statement of
//! those invoices is frozen on `agreed` (nothing more accrues), payments dated on or after
//! `agreed` go to the instalments in due order, and the total due for them is the sum of
//! the unpaid instalments. The plan ends only after an instalment notice left unanswered,
//! automatically in b2b when the agreement says so, or on a recorded `plan-ended`; after
//! the end a b2b or c2x statement is computed as if there had been no plan, while a b2c one
//! keeps the waived accessories waived and bears legal interest from the day after the end.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::statement::{CalcError, Frozen, InvoiceLine, RuleUse, Statement, compute_plain};
use crate::dossier::{Dossier, Payment, PaymentPlan, PlanCovers, Regime};
use crate::error::{Problem, Problems};
use crate::money::cents_string;
use crate::rules::{RuleError, Rules};

mod end;
mod kept;
mod state;

pub use state::{EndCause, InstalmentState, PlanState, PlanStatus};

/// The statement of `dossier` as of `as_of`, with its payment plan when one was agreed on
/// or before that date (the caller checked the as-of date against the invoices).
pub(super) fn compute(
    dossier: &Dossier,
    rules: &Rules,
    as_of: NaiveDate,
) -> Result<Statement, CalcError> {
    let plan = match &dossier.payment_plan {
        Some(p) if p.agreed.is_some_and(|a| a <= as_of) => p,
        _ => return compute_plain(dossier, rules, as_of, &Frozen::default()),
    };
    let agreed = plan.agreed.expect("filtered above");
    let regime = dossier.regime();
    if regime == Regime::B2g {
        return Err(input(
            "payment_plan",
            "no payment plan against a public buyer (CCP L2192-14)".to_string(),
        ));
    }
    let mut cx = Plan::new(dossier, plan, rules, agreed, as_of)?;
    let status = cx.status()?;
    let invoices: Vec<String> = cx.lines.iter().map(|l| l.line.number.clone()).collect();
    let ended = match &status {
        PlanStatus::Ended { on, .. } => Some(*on),
        _ => None,
    };
    let mut statement = match ended {
        // Spec §6: b2b and c2x after the end are computed as if there were no plan, the
        // acknowledgment of `agreed` still counting.
        Some(on) if regime != Regime::B2c => {
            let mut with_ack = dossier.clone();
            with_ack.events.extend(cx.acknowledgments());
            let mut s = compute_plain(&with_ack, rules, as_of, &Frozen::default())?;
            // A payment the debtor made to the plan's instalments was designated by the plan:
            // on the invoices it covers, it is not imputed "sans désignation" (C. civ. 1342-10).
            for line in s
                .invoices
                .iter_mut()
                .filter(|l| invoices.contains(&l.number))
            {
                for i in line.imputations.iter_mut().filter(|i| i.date >= agreed) {
                    i.named = true;
                }
            }
            cx.fill_instalments(Some(on));
            s.warnings.push(format!(
                "the payment plan agreed on {agreed} ended on {on}: the statement is computed as \
                 without it, with every penalty or interest and indemnity (as the agreement states)"
            ));
            s
        }
        _ => cx.kept_statement(ended)?,
    };
    if let PlanStatus::Frozen { since } = status {
        statement.warnings.push(format!(
            "the payment plan is frozen since the insolvency proceedings opened on {since}: a \
             missed instalment ends nothing (C. com. L622-7, L622-29); declare the claim (L622-24)"
        ));
    }
    statement.warnings.append(&mut cx.warnings);
    let mut used: BTreeSet<RuleUse> = statement.rules.drain(..).collect();
    used.extend(cx.used.iter().cloned());
    statement.rules = used.into_iter().collect();
    statement.plan = Some(PlanState {
        agreed,
        covers: plan.covers,
        acceleration: plan.acceleration,
        grace_days: cx.grace_days,
        notice_days: cx.notice_days,
        invoices,
        covered: cx.covered,
        instalments: cx.instalments,
        status,
    });
    Ok(statement)
}

/// Checks an agreed plan: the instalments add up to the cent to what it covers on `agreed`.
///
/// # Errors
/// [`CalcError::Input`] naming `payment_plan.instalments` with the difference; a figure the
/// statement on `agreed` needs missing from the rules.
pub fn check(dossier: &Dossier, rules: &Rules) -> Result<(), CalcError> {
    match &dossier.payment_plan {
        Some(plan) if plan.agreed.is_some() => {
            let agreed = plan.agreed.expect("matched");
            Plan::new(dossier, plan, rules, agreed, agreed).map(|_| ())
        }
        _ => Ok(()),
    }
}

/// A covered invoice while the plan's payments are applied.
struct Covered {
    line: InvoiceLine,
    /// Accessories (penalties or interest) and indemnity waived on `agreed`
    /// (`covers = "principal"`).
    waived_accessories: Decimal,
    waived_indemnity: Decimal,
    /// First day of legal interest not yet accrued after the end (b2c).
    cursor: Option<NaiveDate>,
    /// The dates a plan payment went to it: each starts the prescription again (C. civ. 2240).
    paid_on: Vec<NaiveDate>,
    /// The day a plan payment paid the last of its principal.
    cleared_on: Option<NaiveDate>,
}

struct Plan<'a> {
    dossier: &'a Dossier,
    plan: &'a PaymentPlan,
    rules: &'a Rules,
    agreed: NaiveDate,
    as_of: NaiveDate,
    grace_days: u32,
    notice_days: u64,
    covered: Decimal,
    lines: Vec<Covered>,
    /// Payments dated from `agreed` to the as-of date that go to the plan, in §3 order.
    payments: Vec<&'a Payment>,
    instalments: Vec<InstalmentState>,
    used: BTreeSet<RuleUse>,
    warnings: Vec<String>,
}

impl<'a> Plan<'a> {
    /// The plan on `agreed`: what it covers, checked against the instalments to the cent.
    fn new(
        dossier: &'a Dossier,
        plan: &'a PaymentPlan,
        rules: &'a Rules,
        agreed: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<Self, CalcError> {
        let mut used = BTreeSet::new();
        let grace_days = match plan.grace_days {
            Some(d) => d,
            None => {
                let d = whole_days(rules, "plan-grace-days", agreed, &mut used)?;
                u32::try_from(d)
                    .map_err(|_| CalcError::BadRule("plan-grace-days: too many days".to_string()))?
            }
        };
        // Listed among the rules used only when the plan ends after notice: a plan that
        // waives the notice does not apply it.
        let mut unused = BTreeSet::new();
        let notice_used = if plan.acceleration == crate::dossier::Acceleration::Automatic {
            &mut unused
        } else {
            &mut used
        };
        let notice_days = whole_days(rules, "plan-notice-days", agreed, notice_used)?;

        // The dossier as it stood on `agreed`: invoices issued by then, payments before it.
        let mut then = dossier.clone();
        then.payment_plan = None;
        then.invoices.retain(|i| i.issued <= agreed);
        let known: BTreeSet<String> = then.invoices.iter().map(|i| i.number.clone()).collect();
        then.payments
            .retain(|p| p.date < agreed && p.invoice.as_ref().is_none_or(|n| known.contains(n)));
        then.events
            .retain(|e| e.invoice.as_ref().is_none_or(|n| known.contains(n)));
        let at = compute_plain(&then, rules, agreed, &Frozen::default())?;

        let mut problems = Problems::default();
        if let Some(listed) = &plan.invoices {
            for (i, n) in listed.iter().enumerate() {
                if !known.contains(n) {
                    problems.push(
                        Problem::new(
                            "dossier",
                            format!("payment_plan.invoices[{i}]"),
                            format!("issued after the plan was agreed ({agreed}): a plan covers what is owed on that day"),
                        )
                        .with_value(n.clone()),
                    );
                }
            }
        }
        let lines: Vec<Covered> = at
            .invoices
            .into_iter()
            .filter(|l| match &plan.invoices {
                Some(listed) => listed.contains(&l.number),
                None => l.total_due() > Decimal::ZERO,
            })
            .map(|line| {
                let (wa, wi) = match plan.covers {
                    PlanCovers::Total => (Decimal::ZERO, Decimal::ZERO),
                    PlanCovers::Principal => (
                        line.penalties + line.interest - line.penalties_paid,
                        line.indemnity,
                    ),
                };
                Covered {
                    line,
                    waived_accessories: wa,
                    waived_indemnity: wi,
                    cursor: None,
                    paid_on: Vec::new(),
                    cleared_on: None,
                }
            })
            .collect();
        let covered: Decimal = lines
            .iter()
            .map(|c| match plan.covers {
                PlanCovers::Total => c.line.total_due(),
                PlanCovers::Principal => c.line.outstanding,
            })
            .sum();
        check_sum(dossier, plan, agreed, &lines, covered, &mut problems);
        if !problems.is_empty() {
            return Err(CalcError::Input(problems));
        }
        let payments = plan_payments(dossier, agreed, as_of, &lines);
        let instalments = plan
            .instalments
            .iter()
            .map(|i| InstalmentState {
                due: i.due,
                amount: i.amount,
                paid: Decimal::ZERO,
                notice_from: i
                    .due
                    .checked_add_days(chrono::Days::new(u64::from(grace_days)))
                    .unwrap_or(i.due),
            })
            .collect();
        Ok(Plan {
            dossier,
            plan,
            rules,
            agreed,
            as_of,
            grace_days,
            notice_days,
            covered,
            lines,
            payments,
            instalments,
            used,
            warnings: Vec::new(),
        })
    }
}

/// The instalments must add up to the cent to what the plan covers on `agreed` (spec §6).
fn check_sum(
    dossier: &Dossier,
    plan: &PaymentPlan,
    agreed: NaiveDate,
    lines: &[Covered],
    covered: Decimal,
    problems: &mut Problems,
) {
    let scheduled: Decimal = plan.instalments.iter().map(|i| i.amount).sum();
    {
        if lines.is_empty() {
            problems.push(Problem::new(
                "dossier",
                "payment_plan",
                format!("nothing is outstanding on {agreed} on the invoices the plan would cover"),
            ));
        } else if scheduled != covered {
            let mut message = format!(
                "the instalments add up to {} EUR but the plan covers {} EUR on {agreed} ({} of {}): {} EUR {}",
                cents_string(scheduled),
                cents_string(covered),
                if plan.covers == PlanCovers::Total {
                    "everything due"
                } else {
                    "the principal outstanding"
                },
                lines
                    .iter()
                    .map(|c| c.line.number.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                cents_string((scheduled - covered).abs()),
                if scheduled > covered {
                    "too much"
                } else {
                    "missing"
                }
            );
            if scheduled > covered && dossier.regime() == Regime::B2c {
                message.push_str(
                    " (a plan with a consumer bears no interest or fee of its own: C. conso. L312-4)",
                );
            }
            problems.push(
                Problem::new("dossier", "payment_plan.instalments", message)
                    .with_value(cents_string(scheduled)),
            );
        }
    }
}

/// Spec §6: payments on or after `agreed` go to the instalments, except one naming an
/// invoice the plan does not cover (the debtor's choice, C. civ. 1342-10); in §3 order.
fn plan_payments<'a>(
    dossier: &'a Dossier,
    agreed: NaiveDate,
    as_of: NaiveDate,
    lines: &[Covered],
) -> Vec<&'a Payment> {
    let covered_numbers: BTreeSet<&str> = lines.iter().map(|c| c.line.number.as_str()).collect();
    let mut payments: Vec<&Payment> = dossier
        .payments
        .iter()
        .filter(|p| p.date >= agreed && p.date <= as_of)
        .filter(|p| {
            p.invoice
                .as_deref()
                .is_none_or(|n| covered_numbers.contains(n))
        })
        .collect();
    payments.sort_by(|a, b| a.application_order().cmp(&b.application_order()));
    payments
}

fn rule_use(rule: &crate::rules::Rule, v: &crate::rules::RuleValue) -> RuleUse {
    RuleUse::of(rule, v)
}

/// A whole number of days from the rules, recorded as used.
fn whole_days(
    rules: &Rules,
    id: &str,
    date: NaiveDate,
    used: &mut BTreeSet<RuleUse>,
) -> Result<u64, CalcError> {
    let (rule, v) = rules
        .value(id, date, || format!("the payment plan agreed on {date}"))
        .map_err(|e: RuleError| CalcError::from(e))?;
    used.insert(rule_use(rule, v));
    let days = if v.value.fract().is_zero() {
        u64::try_from(v.value.trunc()).ok()
    } else {
        None
    };
    days.ok_or_else(|| {
        CalcError::BadRule(format!(
            "{}/{}: not a whole number of days",
            rules.origin, rule.file
        ))
    })
}

fn input(field: &str, message: String) -> CalcError {
    CalcError::Input(Problem::new("dossier", field, message).into())
}
