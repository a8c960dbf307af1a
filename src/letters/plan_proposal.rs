//! The payment plan offered for signature (`proposition-echeancier`, spec §6): the invoices
//! covered and what they owe on the plan's date, the schedule, the terms the debtor signs.
//!
//! The plan's date is `payment_plan.agreed` when the dossier gives it, else the letter's
//! date: the statement is computed on that day with the plan agreed, so the schedule adds up
//! to the cent to what the plan covers, or the letter is refused with the difference.

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::LetterError;
use super::common::Context;
use super::plan::{plan_json, subject};
use super::wording::enumerate_fr;
use crate::calc::{CalcError, InvoiceLine, compute};
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
};
use crate::dossier::{Acceleration, PlanCovers};
use crate::rules::Rules;

/// Mentions kept only when the plan waives the notice (`acceleration = "automatic"`).
const AUTOMATIC_SUFFIX: &str = "-automatique";

pub(super) fn data(ctx: &mut Context, rules: &Rules) -> Result<Map<String, Value>, LetterError> {
    let doc = ctx.kind.name();
    let refused = |why: String| LetterError::Refused { document: doc, why };
    let d = ctx.dossier;
    let Some(plan) = &d.payment_plan else {
        return Err(refused("the dossier has no [payment_plan]".to_string()));
    };
    let on = plan.agreed.unwrap_or(ctx.date);
    let mut signed = d.clone();
    if let Some(p) = &mut signed.payment_plan {
        p.agreed = Some(on);
    }
    let s = compute(&signed, rules, on).map_err(|e| match e {
        CalcError::Input(p) => refused(format!("the plan cannot be signed on {on}: {p}")),
        other => LetterError::Rule(other.to_string()),
    })?;
    let Some(state) = &s.plan else {
        return Err(LetterError::Rule(format!(
            "the statement on {on} has no payment plan"
        )));
    };
    let automatic = state.acceleration == Acceleration::Automatic;
    ctx.mentions
        .retain(|m| automatic || !m.id.ends_with(AUTOMATIC_SUFFIX));

    let covered_lines: Vec<_> = s
        .invoices
        .iter()
        .filter(|l| state.invoices.contains(&l.number))
        .collect();
    let sum: Decimal = covered_lines.iter().map(|l| l.total_due()).sum();
    if sum != state.covered {
        return Err(LetterError::Rule(format!(
            "the covered invoices owe {sum} on {on} but the plan covers {}",
            state.covered
        )));
    }
    let waived: Decimal = covered_lines.iter().map(|l| l.waived).sum();
    let others: Vec<String> = s
        .invoices
        .iter()
        .filter(|l| !state.invoices.contains(&l.number) && l.total_due() > Decimal::ZERO)
        .map(|l| format!("n°\u{a0}{}", l.number))
        .collect();
    let accessories: Decimal = covered_lines.iter().map(|l| accrued(l)).sum();
    let (invoices, totals) = covered_json(&covered_lines, state.covered);
    if state.covers == PlanCovers::Total && plan.agreed.is_none() && accessories > Decimal::ZERO {
        ctx.warnings.push(format!(
            "the schedule adds up to what is due on {on}, accrued accessories included (covers = \
             \"total\"): if the debtor signs on another day, propose the plan again on that day"
        ));
    }
    let mut m = Map::new();
    m.insert("subject".into(), json!(subject(ctx.kind, &state.invoices)));
    m.insert("plan".into(), plan_json(state));
    m.insert("plan_date".into(), json!(date_long_fr(on)));
    m.insert("covered_invoices".into(), json!(invoices));
    m.insert("covered_totals".into(), totals);
    m.insert(
        "has_indemnity".into(),
        json!(covered_lines.iter().any(|l| !l.indemnity.is_zero())),
    );
    m.insert("waived".into(), json!(euros_fr(waived)));
    m.insert("has_waived".into(), json!(waived > Decimal::ZERO));
    m.insert("other_invoices".into(), json!(enumerate_fr(&others)));
    m.insert("several_other_invoices".into(), json!(others.len() > 1));
    m.insert(
        "instalment_count".into(),
        json!(state.instalments.len().to_string()),
    );
    m.insert("payment_means".into(), json!(ctx.payment_means));
    // No payment code in the proposal: a payment before the signature would let the
    // debtor argue the plan accepted by performance without its terms (C. civ. 1103).
    Ok(m)
}

fn accrued(l: &InvoiceLine) -> Decimal {
    l.penalties + l.interest - l.penalties_paid
}

/// The covered invoices on the plan's date (principal, accrued penalties or interest,
/// indemnity, what the plan covers of each) and their totals.
fn covered_json(lines: &[&InvoiceLine], covered: Decimal) -> (Value, Value) {
    let rows: Vec<Value> = lines
        .iter()
        .map(|l| {
            json!({
                "number": l.number,
                "issued": date_short_fr(l.issued),
                "due_date": date_short_fr(l.due),
                "outstanding": euros_fr(l.outstanding),
                "accrued": euros_fr(accrued(l)),
                "indemnity": euros_fr(l.indemnity - l.indemnity_paid),
                "waived": euros_fr(l.waived),
                "covered": euros_fr(l.total_due()),
            })
        })
        .collect();
    let totals = json!({
        "outstanding": euros_fr(lines.iter().map(|l| l.outstanding).sum()),
        "accrued": euros_fr(lines.iter().map(|l| accrued(l)).sum()),
        "indemnity": euros_fr(lines.iter().map(|l| l.indemnity - l.indemnity_paid).sum()),
        "covered": euros_fr(covered),
    });
    (Value::Array(rows), totals)
}
