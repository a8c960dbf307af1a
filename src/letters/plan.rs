//! The payment-plan letters (spec §6): the instalment notice (`relance-echeance`) and the
//! notification of the déchéance du terme (`decheance-du-terme`) here, the proposal in
//! `plan_proposal`. What the plan is on the letter's date (its instalments, what they
//! covered, whether and why it ended) comes from the statement (`calc::payment_plan`); the
//! facts (an earlier notice) from the dossier's recorded events only.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::common::Context;
use super::wording::{dates_fr, enumerate_fr, typo_fr};
use super::{DocKind, Family, LetterError, plan_proposal};
use crate::calc::Statement;
use crate::calc::calendar::{deadline, debtor_department};
use crate::calc::payment_plan::{EndCause, InstalmentState, PlanState, PlanStatus};
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
};
use crate::dossier::{Dossier, EventKind, Regime};
use crate::rules::Rules;

/// The payment-plan letters the plan's state calls for on the statement's date.
pub(super) fn meaningful(d: &Dossier, s: &Statement, rules: &Rules) -> Vec<DocKind> {
    if d.payment_plan.is_none() {
        return Vec::new();
    }
    [
        DocKind::PropositionEcheancier,
        DocKind::RelanceEcheance,
        DocKind::DecheanceDuTerme,
    ]
    .into_iter()
    .filter(|k| refusal(*k, d, s, rules).is_none())
    .collect()
}

/// Refuses a payment-plan letter the dossier's plan does not call for on the letter's date.
///
/// # Errors
/// [`LetterError::Refused`] with the reason and what to do instead.
pub(super) fn refuse(
    kind: DocKind,
    d: &Dossier,
    s: &Statement,
    rules: &Rules,
) -> Result<(), LetterError> {
    match refusal(kind, d, s, rules) {
        Some(why) => Err(LetterError::Refused {
            document: kind.name(),
            why,
        }),
        None => Ok(()),
    }
}

fn refusal(kind: DocKind, d: &Dossier, s: &Statement, rules: &Rules) -> Option<String> {
    if kind.family() != Family::Plan {
        return None;
    }
    if d.regime() == Regime::B2g {
        return Some(
            "no payment plan against a public buyer: moratory interest and the recovery \
             indemnity cannot be waived or rescheduled (CCP L2192-14)"
                .to_string(),
        );
    }
    if d.agency.is_some() {
        return Some(
            "a collection agency's letter carries the mentions of CPCE R124-4, which the rules \
             (legal-rules/mentions/agence-r124-4.toml) do not give for the payment-plan letters: \
             write this letter by hand"
                .to_string(),
        );
    }
    let Some(plan) = &d.payment_plan else {
        return Some(
            "the dossier has no [payment_plan]: propose one with `relance echeancier DOSSIER \
             --first DATE --count N --write`, then render proposition-echeancier"
                .to_string(),
        );
    };
    let as_of = s.as_of;
    if kind == DocKind::PropositionEcheancier {
        return proposal_refusal(d, plan.agreed, as_of);
    }
    let Some(state) = &s.plan else {
        return Some(format!(
            "the payment plan is not agreed on {as_of} (payment_plan.agreed): it has no effect \
             yet; once the debtor signs: relance record DOSSIER --kind plan-agreed --date DATE"
        ));
    };
    match kind {
        DocKind::RelanceEcheance => notice_refusal(d, state, as_of, rules),
        _ => end_refusal(state, as_of),
    }
}

/// The proposal is what the debtor signs: not after the plan was agreed, not in insolvency.
fn proposal_refusal(d: &Dossier, agreed: Option<NaiveDate>, as_of: NaiveDate) -> Option<String> {
    let on = agreed.unwrap_or(as_of);
    if let Some(opened) = d.debtor.insolvency_opened.filter(|o| *o <= on) {
        return Some(format!(
            "insolvency proceedings opened on {opened} (debtor.insolvency_opened): claims born \
             before cannot be paid (C. com. L622-7); declare them (L622-24) instead of \
             offering a plan"
        ));
    }
    match agreed {
        Some(agreed) if agreed < as_of => Some(format!(
            "the payment plan was agreed on {agreed} (payment_plan.agreed): the proposal is \
             what the debtor signs before; to print it again, render it --as-of {agreed}"
        )),
        _ => None,
    }
}

/// Why a plan that is not kept calls for no instalment notice.
fn status_refusal(state: &PlanState) -> Option<String> {
    match &state.status {
        PlanStatus::Kept => None,
        PlanStatus::Completed { on } => Some(format!(
            "the payment plan is fully paid since {on}: nothing is due under it"
        )),
        PlanStatus::Frozen { since } => Some(format!(
            "the payment plan is frozen since the insolvency proceedings opened on {since}: a \
             missed instalment ends nothing (C. com. L622-7, L622-29); declare the claim (L622-24)"
        )),
        PlanStatus::Ended { on, .. } => Some(format!(
            "the payment plan ended on {on}: notify it with decheance-du-terme"
        )),
    }
}

/// The instalment notice needs a kept plan, an instalment unpaid past its grace days, and
/// no earlier notice still running.
fn notice_refusal(
    d: &Dossier,
    state: &PlanState,
    as_of: NaiveDate,
    rules: &Rules,
) -> Option<String> {
    if let Some(why) = status_refusal(state) {
        return Some(why);
    }
    if missed(state, as_of).is_empty() {
        let next = match state.next_unpaid() {
            Some(i) => format!(
                "; the next instalment, due on {}, may be noticed from {} if still unpaid",
                i.due, i.notice_from
            ),
            None => String::new(),
        };
        return Some(format!(
            "no instalment is unpaid {} days (payment_plan.grace_days) after its due date on \
             {as_of}{next}",
            state.grace_days
        ));
    }
    running_notice(d, state, as_of, rules).map(|(notice, last)| {
        format!(
            "the instalment notice of {notice} gives the debtor until {last}: the plan ends on \
             the day after if the instalment is still unpaid; render decheance-du-terme then"
        )
    })
}

/// The déchéance du terme needs a plan that has ended on the letter's date.
fn end_refusal(state: &PlanState, as_of: NaiveDate) -> Option<String> {
    match state.status {
        PlanStatus::Ended { .. } => None,
        PlanStatus::Kept => Some(format!(
            "the payment plan has not ended on {as_of}: it ends only after an instalment notice \
             (relance-echeance) left unpaid at its deadline{}, or on a recorded plan-ended event",
            if state.acceleration == crate::dossier::Acceleration::Automatic {
                ", or automatically grace days after a missed instalment"
            } else {
                ""
            }
        )),
        // Completed or frozen.
        _ => status_refusal(state),
    }
}

/// The instalments unpaid `grace_days` after their due date on `as_of`: those an instalment
/// notice may claim.
fn missed(state: &PlanState, as_of: NaiveDate) -> Vec<(usize, &InstalmentState)> {
    state
        .instalments
        .iter()
        .enumerate()
        .filter(|(_, i)| i.notice_from <= as_of && i.unpaid() > Decimal::ZERO)
        .collect()
}

/// An instalment notice recorded before `as_of` whose deadline has not passed: the plan's
/// end is already set by it (the dunning plan waits for it).
fn running_notice(
    d: &Dossier,
    state: &PlanState,
    as_of: NaiveDate,
    rules: &Rules,
) -> Option<(NaiveDate, NaiveDate)> {
    d.events
        .iter()
        .filter(|e| e.kind == EventKind::InstalmentNotice)
        .filter(|e| e.date >= state.agreed && e.date < as_of)
        .filter_map(|e| {
            let last = deadline(rules, e.date, state.notice_days, debtor_department(d)).ok()?;
            (last >= as_of).then_some((e.date, last))
        })
        .min()
}

/// What the three letters add to the shared data.
pub(super) fn data(ctx: &mut Context, rules: &Rules) -> Result<Map<String, Value>, LetterError> {
    match ctx.kind {
        DocKind::PropositionEcheancier => plan_proposal::data(ctx, rules),
        DocKind::RelanceEcheance => notice(ctx, rules),
        _ => end(ctx),
    }
}

/// The plan's figures every letter of the family prints.
pub(super) fn plan_json(state: &PlanState) -> Value {
    json!({
        "agreed": date_long_fr(state.agreed),
        "automatic": state.acceleration == crate::dossier::Acceleration::Automatic,
        "principal_only": state.covers == crate::dossier::PlanCovers::Principal,
        "grace_days": state.grace_days.to_string(),
        "notice_days": state.notice_days.to_string(),
        "invoices": state.invoices,
        "invoices_line": enumerate_fr(&state.invoices.iter().map(|n| format!("n°\u{a0}{n}")).collect::<Vec<_>>()),
        "several_invoices": state.invoices.len() > 1,
        "covered": euros_fr(state.covered),
        "paid": euros_fr(state.paid()),
        "unpaid": euros_fr(state.unpaid()),
        "instalments": state.instalments.iter().enumerate().map(|(k, i)| json!({
            "number": (k + 1).to_string(),
            "due": date_short_fr(i.due),
            "due_long": date_long_fr(i.due),
            "amount": euros_fr(i.amount),
            "paid": euros_fr(i.paid),
            "unpaid": euros_fr(i.unpaid()),
        })).collect::<Vec<_>>(),
    })
}

/// The subject line naming the invoices the plan covers.
pub(super) fn subject(kind: DocKind, invoices: &[String]) -> String {
    let what = match invoices {
        [one] => format!("facture {one}"),
        _ => format!("factures {}", enumerate_fr(invoices)),
    };
    let head = match kind {
        DocKind::PropositionEcheancier => "Proposition d'échéancier de paiement",
        DocKind::RelanceEcheance => "Échéance impayée de votre échéancier",
        _ => "Déchéance du terme de votre échéancier",
    };
    format!("{head} — {what}")
}

/// The instalment notice: the instalments unpaid past their grace days, the deadline (the
/// rule `plan-notice-days`, counted from the letter's date as a formal notice's: CPC 641,
/// 642), the déchéance du terme at its end.
fn notice(ctx: &mut Context, rules: &Rules) -> Result<Map<String, Value>, LetterError> {
    let d = ctx.dossier;
    let as_of = ctx.date;
    let state = plan_state(ctx)?;
    let missed = missed(state, as_of);
    let Some(&(first_index, first)) = missed.first() else {
        return Err(LetterError::Refused {
            document: ctx.kind.name(),
            why: "no instalment is unpaid past its grace days".to_string(),
        });
    };
    let last = deadline(rules, as_of, state.notice_days, debtor_department(d))
        .map_err(LetterError::Rule)?;
    let end = last.succ_opt().unwrap_or(last);
    // Earlier notices on or after the first missed instalment's due date: recorded facts.
    let earlier: Vec<NaiveDate> = d
        .events
        .iter()
        .filter(|e| e.kind == EventKind::InstalmentNotice && e.date >= first.due && e.date < as_of)
        .map(|e| e.date)
        .collect();
    let claimed: Decimal = missed.iter().map(|(_, i)| i.unpaid()).sum();
    let rest: Decimal = state.unpaid() - claimed;
    let mut m = Map::new();
    m.insert("subject".into(), json!(subject(ctx.kind, &state.invoices)));
    m.insert("registered_mail".into(), json!(true));
    m.insert("plan".into(), plan_json(state));
    m.insert(
        "missed".into(),
        json!(
            missed
                .iter()
                .map(|(k, i)| json!({
                    "number": (k + 1).to_string(),
                    "due": date_short_fr(i.due),
                    "amount": euros_fr(i.amount),
                    "paid": euros_fr(i.paid),
                    "unpaid": euros_fr(i.unpaid()),
                }))
                .collect::<Vec<_>>()
        ),
    );
    m.insert("several_missed".into(), json!(missed.len() > 1));
    m.insert("claimed".into(), json!(euros_fr(claimed)));
    m.insert(
        "first_missed".into(),
        json!({
            "number": (first_index + 1).to_string(),
            "due": date_long_fr(first.due),
            "unpaid": euros_fr(first.unpaid()),
        }),
    );
    m.insert("rest".into(), json!(euros_fr(rest)));
    m.insert("has_rest".into(), json!(rest > Decimal::ZERO));
    m.insert("deadline".into(), json!(date_long_fr(last)));
    m.insert("end".into(), json!(date_long_fr(end)));
    m.insert(
        "earlier_notices".into(),
        json!(if earlier.is_empty() {
            String::new()
        } else {
            typo_fr(&format!(
                "malgré {} du {}",
                if earlier.len() > 1 {
                    "nos relances d'échéance"
                } else {
                    "notre relance d'échéance"
                },
                dates_fr(&earlier)
            ))
        }),
    );
    m.insert("payment_means".into(), json!(ctx.payment_means));
    ctx.pay = Some((claimed, instalment_remittance(&ctx.reference, &missed)));
    Ok(m)
}

/// "DOS-2026-0042-RE-20260630 ECHEANCE 2 3": the letter's reference and the numbers of the
/// instalments a payment settles, the remittance text of its QR code.
pub(super) fn instalment_remittance(
    reference: &str,
    instalments: &[(usize, &InstalmentState)],
) -> String {
    let numbers: Vec<String> = instalments
        .iter()
        .map(|(k, _)| (k + 1).to_string())
        .collect();
    format!("{reference} ECHEANCE {}", numbers.join(" "))
}

/// The déchéance du terme: what ended the plan, from the statement and the records, and the
/// whole claim due again as the statement computes it after the end.
fn end(ctx: &mut Context) -> Result<Map<String, Value>, LetterError> {
    let state = plan_state(ctx)?;
    let PlanStatus::Ended { on, by } = &state.status else {
        return Err(LetterError::Refused {
            document: ctx.kind.name(),
            why: "the payment plan has not ended".to_string(),
        });
    };
    let instalment = |pred: &dyn Fn(&InstalmentState) -> bool| {
        state
            .instalments
            .iter()
            .enumerate()
            .find(|(_, i)| pred(i) && i.unpaid() > Decimal::ZERO)
            .map(|(k, i)| {
                json!({
                    "number": (k + 1).to_string(),
                    "due": date_long_fr(i.due),
                    "unpaid": euros_fr(i.unpaid()),
                })
            })
            .unwrap_or(Value::Null)
    };
    let cause = match by {
        EndCause::Notice { notice, deadline } => json!({
            "kind": "notice",
            "notice": date_long_fr(*notice),
            "deadline": date_long_fr(*deadline),
            "instalment": instalment(&|i| i.notice_from <= *notice),
        }),
        EndCause::Automatic { instalment: due } => json!({
            "kind": "automatic",
            "notice": "",
            "deadline": "",
            "instalment": instalment(&|i| i.due == *due),
        }),
        EndCause::Recorded => json!({
            "kind": "recorded",
            "notice": "",
            "deadline": "",
            "instalment": Value::Null,
        }),
    };
    let by_notice = matches!(by, EndCause::Notice { .. });
    let automatic = matches!(by, EndCause::Automatic { .. });
    let mut m = Map::new();
    m.insert("subject".into(), json!(subject(ctx.kind, &state.invoices)));
    m.insert("registered_mail".into(), json!(true));
    m.insert("plan".into(), plan_json(state));
    m.insert("ended_on".into(), json!(date_long_fr(*on)));
    // b2c: the interest the plan waived stays waived (spec §6), said with its amount.
    let waived = ctx.statement.totals.waived;
    m.insert(
        "waived".into(),
        json!(if waived.is_zero() {
            String::new()
        } else {
            euros_fr(waived)
        }),
    );
    m.insert("cause".into(), cause);
    m.insert("by_notice".into(), json!(by_notice));
    m.insert("by_automatic".into(), json!(automatic));
    // b2c: legal interest runs from the day after the end (spec §6), formal notice or not.
    if ctx.regime == Regime::B2c {
        m.insert(
            "as_of_clause".into(),
            json!(format!(
                "arrêtée au {}, outre les intérêts au taux légal courant jusqu'à parfait paiement",
                date_long_fr(ctx.date)
            )),
        );
    }
    let since = on.succ_opt().unwrap_or(*on);
    m.insert("interest_from".into(), json!(date_long_fr(since)));
    Ok(m)
}

fn plan_state<'a>(ctx: &Context<'a>) -> Result<&'a PlanState, LetterError> {
    ctx.statement
        .plan
        .as_ref()
        .ok_or_else(|| LetterError::Refused {
            document: ctx.kind.name(),
            why: "the payment plan is not agreed on the letter's date".to_string(),
        })
}
