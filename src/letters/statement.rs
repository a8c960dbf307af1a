//! The claim statement (décompte): each invoice, each accrual period, each payment and how it
//! was imputed, the rates and rule values applied, in French for the court that reads it.

use serde_json::{Map, Value, json};

use super::claim::rates_applied;
use super::common::Context;
use super::wording::typo_fr;
use crate::calc::{InvoiceLine, RuleUse, Statement};
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
    format_percent as percent_fr,
};
use chrono::{Datelike, NaiveDate};

use crate::dossier::{ClaimKind, Dossier, EventKind, Regime};
use crate::rules::Unit;

/// What the statement adds to the shared data: the statement itself, formatted.
pub(super) fn data(ctx: &mut Context) -> Map<String, Value> {
    let mut m = Map::new();
    if ctx.kind == super::DocKind::ReleveDeCompte {
        let account = account_json(ctx);
        m.insert("account".into(), account);
    } else {
        m.insert("statement".into(), statement_json(ctx));
    }
    m
}

/// The statement of account (relevé de compte): the entries in date order with the running
/// balance; then how the balance splits as the demands split it (the part of the payments
/// imputed on accrued penalties or interest, C. civ. 1343-1, the principal left, what is left
/// of the accessories), so that the debtor reads the same principal as in a demand of the
/// same day; what a payment plan changes (the instalments, what it waives); the disputes
/// recorded; the mandate of an agency handling the file.
fn account_json(ctx: &mut Context) -> Value {
    use crate::calc::payment_plan::PlanStatus;
    use rust_decimal::Decimal;
    let s = ctx.statement;
    let d = ctx.dossier;
    let a = crate::report::account::of(d, s);
    let t = &s.totals;
    let item = if d.terms.claims == ClaimKind::Rents {
        "Loyer"
    } else {
        "Facture"
    };
    let money = |v: Decimal| {
        if v.is_zero() {
            String::new()
        } else {
            euros_fr(v)
        }
    };
    let due_of: std::collections::BTreeMap<&str, NaiveDate> = d
        .invoices
        .iter()
        .map(|i| (i.number.as_str(), i.due))
        .collect();
    let entries: Vec<Value> = a
        .entries
        .iter()
        .map(|e| {
            let label = if e.kind == "invoice" {
                match due_of.get(e.label.as_str()) {
                    Some(due) => format!(
                        "{item} n°\u{a0}{}, échéance {}",
                        e.label,
                        date_short_fr(*due)
                    ),
                    None => format!("{item} n°\u{a0}{}", e.label),
                }
            } else if let Some(rest) = e.label.strip_prefix("règlement") {
                // A payment with no reference: "Règlement (F-2026-007)", not "Règlement : règlement".
                format!("Règlement{rest}")
            } else {
                format!("Règlement\u{a0}: {}", e.label)
            };
            json!({
                "date": date_short_fr(e.date),
                "label": label,
                "debit": money(e.debit),
                "credit": money(e.credit),
                "balance": euros_fr(e.balance),
            })
        })
        .collect();
    let subtotal = a.entries.last().map_or(Decimal::ZERO, |e| e.balance);
    let indemnity_paid: Decimal = s.invoices.iter().map(|l| l.indemnity_paid).sum();
    let imputed = t.penalties_paid + indemnity_paid;
    let accrued_left = a.accessories - t.penalties_paid;
    let indemnities_left = a.indemnities - indemnity_paid;
    let (accrued_label, imputed_label) = match s.regime {
        Regime::B2b if indemnity_paid.is_zero() => (
            "Pénalités de retard restant dues",
            "Part des règlements imputée sur les pénalités (C. civ. 1343-1)",
        ),
        Regime::B2b => (
            "Pénalités de retard restant dues",
            "Part des règlements imputée sur les pénalités et indemnités",
        ),
        Regime::B2g if indemnity_paid.is_zero() => (
            "Intérêts moratoires restant dus",
            "Part des règlements imputée sur les intérêts moratoires",
        ),
        Regime::B2g => (
            "Intérêts moratoires restant dus",
            "Part des règlements imputée sur les intérêts et indemnités",
        ),
        Regime::B2c | Regime::C2x => (
            "Intérêts au taux légal restant dus",
            "Part des règlements imputée sur les intérêts (C. civ. 1343-1)",
        ),
    };
    // A consumer's waived interest stays waived for good (spec §6, C. conso. R212-2 3°): the
    // relevé states only the interest still due, not a sum it then takes back.
    let consumer_waiver =
        s.regime == Regime::B2c && !a.waived.is_zero() && accrued_left >= a.waived;
    let (accrued_left, waived) = if consumer_waiver {
        (accrued_left - a.waived, Decimal::ZERO)
    } else {
        (accrued_left, a.waived)
    };
    // Part of what accrued is waived below (a plan's accessories, conditionally): what
    // accrued is then unpaid, not due.
    let accrued_label = if waived.is_zero() {
        accrued_label
    } else {
        match s.regime {
            Regime::B2b => "Pénalités de retard non réglées",
            Regime::B2g => "Intérêts moratoires non réglés",
            Regime::B2c | Regime::C2x => "Intérêts au taux légal non réglés",
        }
    };
    let plan = s.plan.as_ref();
    let mut rows = Vec::new();
    if !imputed.is_zero() {
        // Added back: the entries deducted these payments whole, the principal only got the rest.
        rows.push(json!({"label": imputed_label, "amount": format!("+{}", euros_fr(imputed)), "strong": false}));
        let principal = subtotal + imputed;
        rows.push(json!({
            "label": if principal == t.outstanding { "Principal restant dû" } else { "Solde après imputation des règlements" },
            "amount": euros_fr(principal),
            "strong": true,
        }));
    }
    if !accrued_left.is_zero() {
        rows.push(
            json!({"label": accrued_label, "amount": euros_fr(accrued_left), "strong": false}),
        );
    }
    if !indemnities_left.is_zero() {
        rows.push(json!({"label": "Indemnités forfaitaires pour frais de recouvrement", "amount": euros_fr(indemnities_left), "strong": false}));
    }
    if !waived.is_zero() {
        // b2c: what the plan waived stays waived, kept or not (spec §6, C. conso. R212-2 3°).
        let label = match plan.map(|p| &p.status) {
            _ if s.regime == Regime::B2c => "Accessoires abandonnés par l'échéancier",
            Some(PlanStatus::Kept | PlanStatus::Frozen { .. }) => {
                "Accessoires non réclamés tant que l'échéancier est respecté"
            }
            _ => "Accessoires remis par l'échéancier",
        };
        rows.push(json!({"label": label, "amount": minus(waived), "strong": false}));
    }
    let state = match a.balance.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Greater => "due",
        std::cmp::Ordering::Less => "credit",
        std::cmp::Ordering::Equal => "zero",
    };
    // Under a plan that holds, the balance is paid by its instalments (C. civ. 1305-2: what
    // is due at a term cannot be claimed before it): the relevé says so and asks only for
    // the instalments already due.
    let running = plan.filter(|p| p.running());
    let schedule: Vec<Value> = running
        .map(|p| {
            p.instalments
                .iter()
                .enumerate()
                .filter(|(_, i)| !i.unpaid().is_zero())
                .map(|(k, i)| {
                    json!({
                        "number": (k + 1).to_string(),
                        "due": date_long_fr(i.due),
                        "unpaid": euros_fr(i.unpaid()),
                        "past": i.due <= s.as_of,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let past_due: Decimal = running.map_or(Decimal::ZERO, |p| {
        p.instalments
            .iter()
            .filter(|i| i.due <= s.as_of)
            .map(|i| i.unpaid())
            .sum()
    });
    let disputes: Vec<String> = ctx
        .facts
        .disputes
        .iter()
        .map(|x| {
            let numbers = x
                .invoices
                .iter()
                .map(|i| format!("n°\u{a0}{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let on = date_long_fr(x.fact.event.date);
            if x.invoices.len() > 1 {
                format!("Les factures {numbers} figurent au présent relevé\u{a0}; vous les avez contestées le {on}.")
            } else {
                format!("La facture {numbers} figure au présent relevé\u{a0}; vous l'avez contestée le {on}.")
            }
        })
        .collect();
    // What the relevé asks to pay by scan: nothing while a dispute is open; under a plan,
    // the instalments already due.
    let payable = if running.is_some() {
        past_due
    } else {
        a.balance
    };
    if disputes.is_empty() && payable > Decimal::ZERO {
        let numbers: Vec<&str> = s
            .invoices
            .iter()
            .filter(|l| !l.total_due().is_zero())
            .map(|l| l.number.as_str())
            .collect();
        ctx.pay = Some((
            payable,
            crate::documents::qr::remittance_of(&ctx.reference, numbers.into_iter()),
        ));
    }
    let mandate = d.agency.as_ref().map_or(String::new(), |ag| {
        format!(
            "Le recouvrement de ces sommes a été confié à {}, {} (mandat {}), à qui toute \
             correspondance relative à ce compte peut être adressée\u{a0}; tout règlement \
             effectué {} vous libère envers nous.",
            ag.name,
            ag.address.join(", "),
            ag.mandate,
            if d.creditor.iban.is_some() {
                "sur le compte indiqué ci-dessus"
            } else {
                "à notre ordre"
            }
        )
    });
    json!({
        "as_of": date_long_fr(a.as_of),
        "entries": entries,
        "subtotal": euros_fr(subtotal),
        "rows": rows,
        "balance": euros_fr(a.balance.abs()),
        "balance_signed": euros_fr(a.balance),
        "is_due": state == "due" && running.is_none(),
        "is_credit": state == "credit",
        "is_settled": state == "zero",
        "under_plan": running.is_some(),
        "plan_agreed": running.map_or(String::new(), |p| date_long_fr(p.agreed)),
        "schedule": schedule,
        "past_due": euros_fr(past_due),
        "has_past_due": past_due > Decimal::ZERO,
        "disputes": disputes,
        "mandate": mandate,
    })
}

/// The amount as a deduction: "−500,00 €" with a real minus sign.
pub(super) fn minus(amount: rust_decimal::Decimal) -> String {
    format!("\u{2212}{}", euros_fr(amount))
}

fn statement_json(ctx: &Context) -> Value {
    let s: &Statement = ctx.statement;
    let d = ctx.dossier;
    let item = if d.terms.claims == ClaimKind::Rents {
        "Loyer"
    } else {
        "Facture"
    };
    let lines: Vec<&InvoiceLine> = s.invoices.iter().collect();
    let t = &s.totals;
    let mut summary = vec![json!({"label": "Principal", "amount": euros_fr(t.principal)})];
    if !t.penalties.is_zero() {
        summary.push(json!({"label": "Pénalités de retard", "amount": euros_fr(t.penalties)}));
    }
    if !t.interest.is_zero() {
        summary.push(json!({"label": match s.regime { Regime::B2g => "Intérêts moratoires", _ => "Intérêts au taux légal" }, "amount": euros_fr(t.interest)}));
    }
    if !t.indemnities.is_zero() {
        summary.push(json!({"label": "Indemnités forfaitaires pour frais de recouvrement", "amount": euros_fr(t.indemnities)}));
    }
    if !t.paid.is_zero() {
        summary.push(json!({"label": "Règlements imputés", "amount": minus(t.paid)}));
    }
    let kept = s.plan.as_ref().is_some_and(|p| p.running());
    let waived_label = if s.regime == Regime::B2c {
        "Accessoires abandonnés par l'échéancier"
    } else if kept {
        "Accessoires non réclamés tant que l'échéancier est respecté"
    } else {
        "Accessoires remis par l'échéancier"
    };
    if !t.waived.is_zero() {
        summary.push(json!({"label": waived_label, "amount": minus(t.waived)}));
    }
    let opened = super::observations::insolvency_opened(ctx);
    let declared = |l: &InvoiceLine| opened.is_some() && d.debtor.opened_after(l.issued).is_some();
    json!({
        "as_of": date_long_fr(s.as_of),
        // "TTC" says VAT is included: not of a rent, nor of what a private person bills.
        "principal_label": if d.creditor.kind == crate::dossier::CreditorKind::Company
            && d.terms.claims != ClaimKind::Rents
        {
            "Principal TTC"
        } else {
            "Principal"
        },
        "invoices": s.invoices.iter().map(|l| json!({
            "number": l.number,
            "title": format!("{item} n°\u{a0}{}", l.number),
            "issued": date_short_fr(l.issued),
            "due": date_short_fr(l.due),
            "principal": euros_fr(l.principal),
            "paid": euros_fr(l.paid),
            "penalties_paid": euros_fr(l.penalties_paid),
            "outstanding": euros_fr(l.outstanding),
            "accrued": euros_fr(l.penalties + l.interest),
            "indemnity": euros_fr(l.indemnity),
            "has_indemnity": !l.indemnity.is_zero(),
            "total_due": euros_fr(l.total_due()),
            "total_label": if declared(l) {
                "Montant à déclarer (C. com. L622-24)"
            } else {
                "Reste dû sur cette facture"
            },
            "days_late": days_late_text(s, l),
            "prescription": date_short_fr(l.prescription.expires_on),
            "prescription_basis": l.prescription.basis,
            "prescription_text": prescription_text(d, l),
            "imputations": l.imputations.iter().map(|i| json!({
                "label": format!("Règlement du {}", date_short_fr(i.date)),
                "split": imputation_detail(i, s.regime),
                "minus": minus(i.amount()),
            })).collect::<Vec<_>>(),
            // What the plan waived, on the invoice it was waived on: each block adds up.
            "waived": (!l.waived.is_zero()).then(|| json!({"label": waived_label, "amount": minus(l.waived)})),
            "periods": l.periods.iter().map(|p| json!({
                "from": date_short_fr(p.from),
                "to": date_short_fr(p.to),
                "days": p.days.to_string(),
                "base": euros_fr(p.base),
                "rate": percent_fr(p.rate),
                "amount": euros_fr(p.amount),
                "basis": p.basis,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "totals": {
            "principal": euros_fr(t.principal),
            "paid": euros_fr(t.paid),
            "penalties": euros_fr(t.penalties),
            "interest": euros_fr(t.interest),
            "indemnities": euros_fr(t.indemnities),
            "total_due": euros_fr(t.total_due),
            "overpaid": euros_fr(t.overpaid),
        },
        "summary": summary,
        "balance": balance(&lines, opened, &declared, t.total_due),
        "insolvency": super::observations::insolvency(ctx),
        "rates": rates_applied(&lines, None),
        "rules": s.rules.iter().map(|r| json!({
            "text": typo_fr(&rule_text(r, s.regime)),
            "source": r.source,
        })).collect::<Vec<_>>(),
        "observations": super::observations::observations(ctx),
    })
}

/// The statement's last lines: what remains due, or, once insolvency proceedings are
/// opened, what is declared apart from what arose later, which are not one claim (C. com.
/// L622-24, L622-17): the two lines add up to the total.
fn balance(
    lines: &[&InvoiceLine],
    opened: Option<NaiveDate>,
    declared: &dyn Fn(&InvoiceLine) -> bool,
    total_due: rust_decimal::Decimal,
) -> Vec<Value> {
    let Some(opened) = opened else {
        return vec![json!({"label": "Total restant dû", "amount": euros_fr(total_due)})];
    };
    let sum = |keep: bool| -> rust_decimal::Decimal {
        (lines.iter())
            .filter(|l| declared(l) == keep)
            .map(|l| l.total_due())
            .sum()
    };
    let (prior, later) = (sum(true), sum(false));
    let mut out = vec![json!({
        "label": format!(
            "Créances nées avant le jugement d'ouverture du {}, à déclarer (C. com. L622-24)",
            date_short_fr(opened)
        ),
        "amount": euros_fr(prior),
    })];
    if lines.iter().any(|l| !declared(l)) {
        out.push(json!({
            "label": "Créances nées après le jugement d'ouverture",
            "amount": euros_fr(later),
        }));
    }
    out
}

/// "136 jours"; on an invoice a payment plan still holds, the delay frozen on the day it was
/// agreed, said as such (nothing accrues after it, spec §6).
fn days_late_text(s: &Statement, l: &InvoiceLine) -> String {
    let days = match l.days_late {
        0 => "aucun".to_string(),
        1 => "1 jour".to_string(),
        n => format!("{n} jours"),
    };
    let frozen = s.plan.as_ref().filter(|p| {
        !matches!(
            p.status,
            crate::calc::payment_plan::PlanStatus::Ended { .. }
        ) && p.invoices.contains(&l.number)
    });
    match frozen {
        Some(p) if l.days_late > 0 => format!(
            "{days} au {}, date de l'échéancier",
            date_short_fr(p.agreed)
        ),
        _ => days,
    }
}

/// "sur les pénalités échues (5,99 €) puis sur le principal (494,01 €) – C. civ. 1343-1".
fn imputation_detail(i: &crate::calc::Imputed, regime: Regime) -> String {
    super::claim::imputation_split(i, regime)
}

/// A rule value as a reader checks it: its article (only the one that applies to this
/// regime when the rule serves several), its value with its unit, since when.
fn rule_text(r: &RuleUse, regime: Regime) -> String {
    let article = r
        .article
        .split(" ; ")
        .filter(|a| match regime {
            Regime::B2g => !a.starts_with("C. com."),
            _ => !a.starts_with("CCP"),
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    let article = if article.is_empty() {
        r.article.clone()
    } else {
        article
    };
    let value = match r.unit {
        Unit::Percent => percent_fr(r.value),
        Unit::Points => format!("{} points", r.value.normalize()),
        Unit::Factor => format!("{} fois", r.value.normalize()),
        Unit::Eur => euros_fr(r.value),
        Unit::Years => format!("{} ans", r.value.normalize()),
        Unit::Days => format!("{} jours", r.value.normalize()),
    };
    if r.practice {
        // No text fixes it: retained by practice or by the plan's clause, not "in force".
        return format!("{} : {value} – {article}", r.label);
    }
    format!(
        "{article} : {value}, en vigueur depuis le {}",
        date_short_fr(r.from)
    )
}

/// The prescription as a court reads it: the last day, its article, and why it restarted
/// (C. civ. 2240, 2241) or, for a consumer, that it is counted from the due date.
fn prescription_text(d: &Dossier, l: &InvoiceLine) -> String {
    let p = &l.prescription;
    let until = format!(
        "action possible jusqu'au {} inclus",
        date_short_fr(p.expires_on)
    );
    let started = p.started_on;
    // The déchéance quadriennale starts again on 1 January after the interrupting act.
    let public = d.debtor.is_public_person();
    let starts = |date: NaiveDate| {
        if public {
            date.year() + 1 == started.year() && started.month() == 1 && started.day() == 1
        } else {
            date == started
        }
    };
    let restarted = !starts(l.due);
    let event = d
        .events
        .iter()
        .filter(|e| restarted && e.concerns(&l.number) && starts(e.date))
        // The events the calculation counted (calc::prescription), nothing else.
        .filter(|e| crate::calc::interrupts(e, public))
        .max_by_key(|e| e.date);
    let paid = restarted && l.imputations.iter().any(|i| starts(i.date));
    // Spec §6: the plan's agreement is an acknowledgment of the invoices it covers.
    let plan_agreed = d
        .payment_plan
        .as_ref()
        .and_then(|p| p.agreed)
        .filter(|a| restarted && starts(*a));
    let why = match event.map(|e| e.kind) {
        _ if plan_agreed.is_some() => Some(format!(
            " interrompue par l'échéancier accepté le {}, qui vaut reconnaissance de la dette (C. civ. 2240)",
            date_short_fr(plan_agreed.unwrap_or(started))
        )),
        Some(EventKind::Acknowledgment) => Some(format!(
            " interrompue par la reconnaissance de dette du {} (C. civ. 2240)",
            date_short_fr(event.map(|e| e.date).unwrap_or(started))
        )),
        Some(EventKind::IpServed) => Some(format!(
            " interrompue par la signification de l'ordonnance du {} (C. civ. 2241)",
            date_short_fr(event.map(|e| e.date).unwrap_or(started))
        )),
        Some(EventKind::ReferralFiled) => Some(format!(
            " interrompue par le recours juridictionnel du {} (loi n° 68-1250, art. 2)",
            date_short_fr(event.map(|e| e.date).unwrap_or(started))
        )),
        Some(
            EventKind::Reminder
            | EventKind::FormalNotice
            | EventKind::Dispute
            | EventKind::InstalmentNotice
            | EventKind::ClaimMemorandum,
        ) => Some(format!(
            " interrompue par la réclamation écrite du {} (loi n° 68-1250, art. 2)",
            date_short_fr(event.map(|e| e.date).unwrap_or(started))
        )),
        None | Some(EventKind::PlanEnded | EventKind::PlanAgreed) if paid => Some(format!(
            " interrompue par le paiement partiel du {}, qui vaut reconnaissance de la dette (C. civ. 2240)",
            date_short_fr(started)
        )),
        None | Some(EventKind::PlanEnded | EventKind::PlanAgreed) => None,
    };
    // "Prescription (C. com. L110-4) interrompue par …, nouveau délai … : action possible
    // jusqu'au …": what is interrupted is the prescription, not the action.
    let s = match why {
        // The interruption erases the time run and a new period of the same length starts
        // (C. civ. 2231); the déchéance quadriennale's, from 1 January after the act.
        Some(w) if public => format!(
            "Prescription ({}){w}\u{a0}; nouveau délai courant du {}\u{a0}: {until}",
            p.basis,
            date_long_fr(started)
        ),
        Some(w) => format!(
            "Prescription ({}){w}\u{a0}; nouveau délai de même durée courant de cette date (C. civ. 2231)\u{a0}: {until}",
            p.basis
        ),
        // What the calculation did, and nothing else (spec §3: from the due date).
        None if d.regime() == Regime::B2c => format!(
            "Prescription\u{a0}: {until} ({}), délai compté de l'échéance de la facture",
            p.basis
        ),
        None => format!("Prescription\u{a0}: {until} ({})", p.basis),
    };
    typo_fr(&format!("{s}."))
}
