//! The statement as the rows of an HTML table: the same lines, in the same order, with the
//! same labels and figures as `relance compute`'s table (`cli/table.rs`), which it follows
//! line for line. A test checks that both print the same amounts in the same order.

use rust_decimal::Decimal;
use serde::Serialize;

use super::html::{date_fr, eur};
use crate::calc::Statement;
use crate::documents::format::format_percent;
use crate::dossier::Regime;

/// One row: `head` (an invoice's heading), `line` (a label and an amount), `sub` (a
/// period: label, amount, and its basis), `total` (the grand total), `note` (text only).
#[derive(Debug, Serialize)]
pub struct Row {
    pub kind: &'static str,
    pub label: String,
    pub amount: String,
    pub basis: String,
}

fn row(kind: &'static str, label: impl Into<String>, amount: impl Into<String>) -> Row {
    Row {
        kind,
        label: label.into(),
        amount: amount.into(),
        basis: String::new(),
    }
}

fn neg(amount: Decimal) -> String {
    if amount.is_zero() {
        eur(amount)
    } else {
        format!("- {}", eur(amount))
    }
}

/// The rows of the statement, invoice by invoice, then the summary.
pub fn rows(s: &Statement) -> Vec<Row> {
    let accrual_label = match s.regime {
        Regime::B2b => "Pénalités de retard (C. com. L441-10 II)",
        Regime::B2g => "Intérêts moratoires (CCP L2192-13, R2192-31)",
        Regime::B2c | Regime::C2x => "Intérêts au taux légal (C. civ. 1231-6, 1344-1)",
    };
    let mut out = Vec::new();
    for l in &s.invoices {
        out.push(row(
            "head",
            format!(
                "Facture {} du {}, échue le {} — retard : {} jour{}",
                l.number,
                date_fr(l.issued),
                date_fr(l.due),
                l.days_late,
                if l.days_late > 1 { "s" } else { "" }
            ),
            "",
        ));
        out.push(row("line", "Principal TTC", eur(l.principal)));
        if !l.periods.is_empty() {
            out.push(row("note", format!("{accrual_label} :"), ""));
            for p in &l.periods {
                let mut r = row(
                    "sub",
                    format!(
                        "du {} au {} : {} j × {} × {}",
                        date_fr(p.from),
                        date_fr(p.to),
                        p.days,
                        eur(p.base),
                        format_percent(p.rate)
                    ),
                    eur(p.amount),
                );
                r.basis = p.basis.clone();
                out.push(r);
            }
            out.push(row(
                "line",
                "Total des intérêts et pénalités",
                eur(l.penalties + l.interest),
            ));
        }
        if !l.indemnity.is_zero() {
            let basis = if s.regime == Regime::B2g {
                "CCP D2192-35"
            } else {
                "C. com. D441-5"
            };
            out.push(row(
                "line",
                format!("Indemnité forfaitaire de recouvrement ({basis})"),
                eur(l.indemnity),
            ));
        }
        if !l.paid.is_zero() {
            out.push(row(
                "line",
                "Règlements imputés sur cette facture",
                neg(l.paid),
            ));
            if !l.penalties_paid.is_zero() {
                out.push(row(
                    "note",
                    format!(
                        "dont {} sur les {}, {} sur le principal",
                        eur(l.penalties_paid),
                        if s.regime == Regime::B2b {
                            "pénalités"
                        } else {
                            "intérêts"
                        },
                        eur(l.paid - l.penalties_paid)
                    ),
                    "",
                ));
            }
        }
        out.push(row(
            "line",
            "Reste dû sur cette facture",
            eur(l.total_due()),
        ));
        out.push(row(
            "note",
            format!(
                "Prescription : action possible jusqu'au {} inclus ({})",
                date_fr(l.prescription.expires_on),
                l.prescription.basis
            ),
            "",
        ));
    }
    let t = &s.totals;
    out.push(row(
        "head",
        format!("RÉCAPITULATIF au {}", date_fr(s.as_of)),
        "",
    ));
    out.push(row("line", "Principal des factures", eur(t.principal)));
    if !t.penalties.is_zero() || s.regime == Regime::B2b {
        out.push(row("line", "Pénalités de retard", eur(t.penalties)));
    }
    if !t.interest.is_zero() || s.regime != Regime::B2b {
        out.push(row("line", "Intérêts", eur(t.interest)));
    }
    if !t.indemnities.is_zero() || matches!(s.regime, Regime::B2b | Regime::B2g) {
        out.push(row(
            "line",
            "Indemnités forfaitaires de recouvrement",
            eur(t.indemnities),
        ));
    }
    out.push(row("line", "Règlements imputés", neg(t.paid)));
    out.push(row("total", "TOTAL RESTANT DÛ", eur(t.total_due)));
    if !t.overpaid.is_zero() {
        out.push(row(
            "line",
            "Trop-perçu à restituer au débiteur (non déduit)",
            eur(t.overpaid),
        ));
    }
    out
}

/// The rules the statement used: `id = value (en vigueur du …) — article`, and the source.
pub fn rules_used(s: &Statement) -> Vec<(String, String)> {
    s.rules
        .iter()
        .map(|r| {
            let to =
                r.to.map_or_else(String::new, |d| format!(" au {}", date_fr(d)));
            (
                format!(
                    "{} = {} (en vigueur du {}{to}) — {}",
                    r.id,
                    r.value.normalize().to_string().replace('.', ","),
                    date_fr(r.from),
                    r.article
                ),
                r.source.clone(),
            )
        })
        .collect()
}
