//! The statement's observations: what the court (or the mandataire judiciaire) should know
//! about the figures, in French, from what the calculation did.

use super::common::Context;
use super::wording::{enumerate_fr, plural, typo_fr};
use crate::calc::InvoiceLine;
use crate::documents::format::{
    format_date_short as date_short_fr, format_eur as euros_fr, format_percent as percent_fr,
};
use crate::dossier::Regime;

/// What the court should know about the figures, in French: a contractual rate below the
/// legal floor, payments exceeding the claim. The user's English warnings stay on stderr.
pub(super) fn observations(ctx: &Context) -> Vec<String> {
    let mut out = Vec::new();
    // The floor, once for the statement: "8,28 % l'an au 2ᵉ semestre 2025 et 7,86 % l'an au
    // 1ᵉʳ semestre 2026" (each floored period's basis names the contractual rate and the
    // floor's terms).
    let mut floors: Vec<String> = Vec::new();
    for l in &ctx.statement.invoices {
        for p in &l.periods {
            let floor = format!(
                "{} l'an au {}",
                percent_fr(p.rate),
                crate::calc::calendar::HalfYear::of(p.from).fr()
            );
            if p.floored && !floors.contains(&floor) {
                floors.push(floor);
            }
        }
    }
    if !floors.is_empty() {
        out.push(typo_fr(&format!(
            "Le taux contractuel des pénalités est inférieur au minimum légal (C. com. L441-10 II), qui s'applique : {}.",
            enumerate_fr(&floors)
        )));
    }
    // A plan that still holds: what the frozen invoices now depend on.
    if let Some(plan) = ctx.statement.plan.as_ref().filter(|p| p.running()) {
        let as_of = ctx.statement.as_of;
        let unpaid: Vec<String> = plan
            .instalments
            .iter()
            .enumerate()
            .filter(|(_, i)| i.due <= as_of && !i.unpaid().is_zero())
            .map(|(n, i)| {
                format!(
                    "l'échéance n°\u{a0}{} du {} ({})",
                    n + 1,
                    date_short_fr(i.due),
                    euros_fr(i.unpaid())
                )
            })
            .collect();
        let state = match unpaid.len() {
            0 => "les échéances échues sont réglées".to_string(),
            1 => format!("{} reste impayée", unpaid[0]),
            _ => format!("{} restent impayées", enumerate_fr(&unpaid)),
        };
        out.push(typo_fr(&format!(
            "Échéancier convenu le {} : {state} ; pour les factures qu'il couvre, le reste dû est la somme des échéances non réglées.",
            date_short_fr(plan.agreed)
        )));
    }
    let over = ctx.statement.totals.overpaid;
    if !over.is_zero() {
        out.push(typo_fr(&format!(
            "Les règlements reçus excèdent de {} les sommes dues ; cet excédent n'est pas déduit.",
            euros_fr(over)
        )));
    }
    out
}

/// The opening of insolvency proceedings as of the statement's date, when an invoice arose
/// before it: the statement is then what the creditor declares (C. com. L622-24).
pub(super) fn insolvency_opened(ctx: &Context) -> Option<chrono::NaiveDate> {
    let opened = (ctx.dossier.debtor.insolvency_opened).filter(|o| *o <= ctx.statement.as_of)?;
    (ctx.statement.invoices.iter())
        .any(|l| l.issued < opened)
        .then_some(opened)
}

/// Insolvency proceedings: the statement is what the creditor declares (L622-24), so it
/// says why earlier invoices stop accruing on the eve of the opening (L622-28, applied by
/// L631-14 and L641-3) and which ones bear no indemnity (payment forbidden at their due
/// date, L441-10 II), as the calculation did, and what becomes of later ones (L622-17 I,
/// L622-24 al. 6).
pub(super) fn insolvency(ctx: &Context) -> Option<String> {
    let opened = insolvency_opened(ctx)?;
    let debtor = &ctx.dossier.debtor;
    let numbers = |keep: &dyn Fn(&InvoiceLine) -> bool| -> Vec<String> {
        ctx.statement
            .invoices
            .iter()
            .filter(|l| keep(l))
            .map(|l| format!("n°\u{a0}{}", l.number))
            .collect()
    };
    let before = numbers(&|l| debtor.opened_after(l.issued).is_some());
    if before.is_empty() {
        return None;
    }
    let mut text = format!(
        "Procédure collective ouverte le {} : {} {}, {} avant cette date, {} à déclarer au mandataire judiciaire ou au liquidateur (C. com. L622-24) et ne {} être payée{} ni poursuivie{} (L622-7, L622-21) ; leurs intérêts et pénalités de retard sont arrêtés au {}, veille du jugement d'ouverture (L622-28)",
        date_short_fr(opened),
        plural(before.len(), "la facture", "les factures"),
        enumerate_fr(&before),
        plural(before.len(), "née", "nées"),
        plural(before.len(), "est", "sont"),
        plural(before.len(), "peut", "peuvent"),
        plural(before.len(), "", "s"),
        plural(before.len(), "", "s"),
        date_short_fr(opened.pred_opt().unwrap_or(opened)),
    );
    let unowed = numbers(&|l| {
        debtor.opened_after(l.issued).is_some() && l.due >= opened && l.indemnity.is_zero()
    });
    if !unowed.is_empty() && ctx.statement.regime == Regime::B2b {
        text.push_str(&format!(
            " ; aucune indemnité forfaitaire pour {} {}, dont le paiement à l'échéance était interdit (L441-10 II)",
            plural(unowed.len(), "la facture", "les factures"),
            enumerate_fr(&unowed)
        ));
    }
    let after = numbers(&|l| debtor.opened_after(l.issued).is_none());
    if !after.is_empty() {
        text.push_str(&format!(
            ". {} {}, {} après le jugement d'ouverture, {} payable{} à {} échéance si {} remplit les conditions de l'article L622-17\u{a0}I (créance née pour les besoins de la procédure ou en contrepartie d'une prestation fournie au débiteur pendant la période d'observation) ; à défaut, {} aussi à déclarer (L622-24, al. 6)",
            plural(after.len(), "La facture", "Les factures"),
            enumerate_fr(&after),
            plural(after.len(), "née", "nées"),
            plural(after.len(), "est", "sont"),
            plural(after.len(), "", "s"),
            plural(after.len(), "son", "leur"),
            plural(after.len(), "elle", "chacune"),
            plural(after.len(), "elle est", "elles sont"),
        ));
    }
    Some(typo_fr(&format!("{text}.")))
}
