//! The statement for a person: French labels, aligned amounts, each figure with its basis.
//! Every total printed is the sum of the lines printed above it.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::calc::Statement;
use crate::documents::format::{format_eur as euros_fr, format_percent as percent_fr};
use crate::dossier::{Dossier, Regime};
use crate::rules::Unit;

const WIDTH: usize = 78;

fn date_fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A label and an amount, the amount right-aligned on the line.
fn row(out: &mut String, indent: usize, label: &str, amount: &str) {
    let used = indent + label.chars().count() + amount.chars().count();
    let pad = WIDTH.saturating_sub(used).max(1);
    let _ = writeln!(
        out,
        "{}{label}{}{amount}",
        " ".repeat(indent),
        " ".repeat(pad)
    );
}

fn neg(amount: Decimal) -> String {
    if amount.is_zero() {
        euros_fr(amount)
    } else {
        format!("- {}", euros_fr(amount))
    }
}

/// `732829320` -> `732 829 320`, as the SIREN is printed.
fn siren_fr(siren: &str) -> String {
    let mut out = String::new();
    for (i, c) in siren.chars().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A rule value with its unit, as a French reader writes it.
fn value_fr(unit: Unit, value: Decimal) -> String {
    let plain = value.normalize().to_string().replace('.', ",");
    match unit {
        Unit::Percent => percent_fr(value),
        Unit::Points => format!("{plain} points"),
        Unit::Factor => format!("× {plain}"),
        Unit::Eur => euros_fr(value),
        Unit::Years => format!("{plain} ans"),
        Unit::Days => format!("{plain} jours"),
    }
}

pub fn render(dossier: &Dossier, s: &Statement) -> String {
    let mut out = String::new();
    let accrual_label = match s.regime {
        Regime::B2b => "Pénalités de retard (C. com. L441-10 II)",
        Regime::B2g => "Intérêts moratoires (CCP L2192-13, R2192-31)",
        Regime::B2c | Regime::C2x => "Intérêts au taux légal (C. civ. 1231-6, 1344-1)",
    };
    let regime_label = match s.regime {
        Regime::B2b => "entre professionnels (C. com. L441-10)",
        Regime::B2c => "professionnel contre consommateur",
        Regime::B2g => "créance sur une personne publique (code de la commande publique)",
        Regime::C2x => "créancier particulier",
    };
    let _ = writeln!(out, "DÉCOMPTE DE CRÉANCE arrêté au {}", date_fr(s.as_of));
    let _ = writeln!(out, "Dossier    : {}", s.reference);
    let party = |name: &str, siren: Option<&String>| match siren {
        Some(siren) => format!("{name} (SIREN {})", siren_fr(siren)),
        None => name.to_string(),
    };
    let _ = writeln!(
        out,
        "Créancier  : {}",
        party(&dossier.creditor.name, dossier.creditor.siren.as_ref())
    );
    let _ = writeln!(
        out,
        "Débiteur   : {}",
        party(&dossier.debtor.name, dossier.debtor.siren.as_ref())
    );
    let _ = writeln!(out, "Régime     : {regime_label}");
    if let Some(opened) = dossier.debtor.insolvency_opened {
        let _ = writeln!(
            out,
            "Procédure collective ouverte le {} : cours des intérêts arrêté pour les factures antérieures (C. com. L622-28)",
            date_fr(opened)
        );
    }

    for l in &s.invoices {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Facture {} du {}, échue le {} — retard : {} jour{}",
            l.number,
            date_fr(l.issued),
            date_fr(l.due),
            l.days_late,
            if l.days_late > 1 { "s" } else { "" }
        );
        row(&mut out, 2, "Principal TTC", &euros_fr(l.principal));
        let accrued = l.penalties + l.interest;
        if !l.periods.is_empty() {
            let _ = writeln!(out, "  {accrual_label} :");
            for p in &l.periods {
                let label = format!(
                    "du {} au {} : {:>4} j × {} × {}",
                    date_fr(p.from),
                    date_fr(p.to),
                    p.days,
                    euros_fr(p.base),
                    percent_fr(p.rate)
                );
                row(&mut out, 4, &label, &euros_fr(p.amount));
                let _ = writeln!(out, "      {}", p.basis);
            }
            row(
                &mut out,
                2,
                "Total des intérêts et pénalités",
                &euros_fr(accrued),
            );
        }
        if !l.indemnity.is_zero() {
            let basis = if s.regime == Regime::B2g {
                "CCP D2192-35"
            } else {
                "C. com. D441-5"
            };
            row(
                &mut out,
                2,
                &format!("Indemnité forfaitaire de recouvrement ({basis})"),
                &euros_fr(l.indemnity),
            );
        }
        if !l.paid.is_zero() {
            row(
                &mut out,
                2,
                "Règlements imputés sur cette facture",
                &neg(l.paid),
            );
            if !l.penalties_paid.is_zero() {
                let _ = writeln!(
                    out,
                    "    dont {} sur les {}, {} sur le principal",
                    euros_fr(l.penalties_paid),
                    if s.regime == Regime::B2b {
                        "pénalités"
                    } else {
                        "intérêts"
                    },
                    euros_fr(l.paid - l.penalties_paid)
                );
            }
        }
        if !l.waived.is_zero() {
            row(&mut out, 2, "Remis par l'échéancier", &neg(l.waived));
        }
        row(
            &mut out,
            2,
            "Reste dû sur cette facture",
            &euros_fr(l.total_due()),
        );
        let _ = writeln!(
            out,
            "  Prescription : action possible jusqu'au {} inclus ({})",
            date_fr(l.prescription.expires_on),
            l.prescription.basis
        );
    }

    let t = &s.totals;
    let _ = writeln!(out);
    let _ = writeln!(out, "RÉCAPITULATIF au {}", date_fr(s.as_of));
    row(
        &mut out,
        2,
        "Principal des factures",
        &euros_fr(t.principal),
    );
    if !t.penalties.is_zero() || s.regime == Regime::B2b {
        row(&mut out, 2, "Pénalités de retard", &euros_fr(t.penalties));
    }
    if !t.interest.is_zero() || s.regime != Regime::B2b {
        row(&mut out, 2, "Intérêts", &euros_fr(t.interest));
    }
    if !t.indemnities.is_zero() || matches!(s.regime, Regime::B2b | Regime::B2g) {
        row(
            &mut out,
            2,
            "Indemnités forfaitaires de recouvrement",
            &euros_fr(t.indemnities),
        );
    }
    row(&mut out, 2, "Règlements imputés", &neg(t.paid));
    if !t.waived.is_zero() {
        row(&mut out, 2, "Remis par l'échéancier", &neg(t.waived));
    }
    let _ = writeln!(out, "  {}", "-".repeat(WIDTH - 2));
    row(&mut out, 2, "TOTAL RESTANT DÛ", &euros_fr(t.total_due));
    if let Some(plan) = &s.plan {
        plan_block(&mut out, plan);
    }
    if !t.overpaid.is_zero() {
        row(
            &mut out,
            2,
            "Trop-perçu à restituer au débiteur (non déduit)",
            &euros_fr(t.overpaid),
        );
    }

    if !s.rules.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Taux, montants et délais appliqués :");
        for r in &s.rules {
            let to =
                r.to.map_or_else(String::new, |d| format!(" au {}", date_fr(d)));
            let _ = writeln!(
                out,
                "  {} = {} (en vigueur du {}{to}) — {}",
                r.id,
                value_fr(r.unit, r.value),
                date_fr(r.from),
                r.article
            );
            let _ = writeln!(out, "    {}", r.source);
        }
    }
    if !s.warnings.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Avertissements :");
        for w in &s.warnings {
            let _ = writeln!(out, "  - {w}");
        }
    }
    out
}

/// The payment plan under the statement (spec §6): its status and each instalment.
fn plan_block(out: &mut String, plan: &crate::calc::payment_plan::PlanState) {
    use crate::calc::payment_plan::PlanStatus;
    let status = match &plan.status {
        PlanStatus::Kept => "en cours".to_string(),
        PlanStatus::Completed { on } => format!("soldé le {}", date_fr(*on)),
        PlanStatus::Ended { on, .. } => format!("déchu le {}", date_fr(*on)),
        PlanStatus::Frozen { since } => {
            format!(
                "gelé par la procédure collective ouverte le {}",
                date_fr(*since)
            )
        }
    };
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "ÉCHÉANCIER accepté le {} ({}) : {status}",
        date_fr(plan.agreed),
        plan.invoices.join(", ")
    );
    for i in &plan.instalments {
        let label = format!(
            "Échéance du {} : {} (payé {})",
            date_fr(i.due),
            euros_fr(i.amount),
            euros_fr(i.paid)
        );
        row(out, 2, &label, &euros_fr(i.unpaid()));
    }
}
