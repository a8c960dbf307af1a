//! The formal notice (mise en demeure, C. civ. 1344): registered letter, dated deadline.

use serde_json::{Map, Value, json};

use super::common::Context;
use super::wording::{enumerate_fr, typo_fr};
use crate::documents::format::format_date_long as date_long_fr;

/// What the formal notice adds to the shared data: the registered-mail line, "Sous toutes
/// réserves", the deadline, the attachments line; a disputed invoice is stated (with a
/// warning to the user), never claimed silently.
pub(super) fn data(ctx: &mut Context) -> Map<String, Value> {
    let mut m = Map::new();
    for d in &ctx.facts.disputes {
        ctx.warnings.push(format!(
            "the debtor disputed invoice(s) {} on {}: the formal notice states the dispute and {}; examine it before going further",
            d.invoices.join(", "),
            d.fact.event.date,
            if ctx.agency.is_some() {
                "that it still claims them on the creditor's behalf (ask the creditor's written instruction before sending it, C. civ. 1984, 1989)"
            } else {
                "that the claim is maintained"
            }
        ));
    }
    m.insert("registered_mail".into(), json!(true));
    m.insert("reserve".into(), json!("Sous toutes réserves"));
    let numbers: Vec<String> = ctx
        .lines
        .iter()
        .filter(|l| {
            ctx.dossier
                .invoices
                .iter()
                .any(|i| i.number == l.number && i.piece.is_some())
        })
        .map(|l| format!("n°\u{a0}{}", l.number))
        .collect();
    let what = match (ctx.dossier.terms.claims, numbers.len()) {
        (_, 0) => String::new(),
        (crate::dossier::ClaimKind::Rents, 1) => format!(", avis d'échéance {}", numbers[0]),
        (crate::dossier::ClaimKind::Rents, _) => {
            format!(", avis d'échéance {}", enumerate_fr(&numbers))
        }
        (_, 1) => format!(", facture {}", numbers[0]),
        (_, _) => format!(", factures {}", enumerate_fr(&numbers)),
    };
    m.insert(
        "attachments_line".into(),
        json!(typo_fr(&format!("P.J. : décompte de la créance{what}"))),
    );
    m.insert("deadline".into(), json!(date_long_fr(ctx.due_by)));
    m.insert("deadline_days".into(), json!(ctx.delay_days.to_string()));
    m
}
