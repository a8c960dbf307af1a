//! The court documents: the exhibit list (bordereau, CPC 1407) and the request for an
//! injonction de payer (CPC 1405 to 1407, with 54 and 57), and the court they go to.

use serde_json::{Map, Value, json};

use super::common::Context;
use super::facts::PieceSource;
use super::wording::{city, typo_fr};
use super::{DocKind, LetterError};
use crate::dossier::{Dossier, PenaltyRate, Regime};
use crate::rules::Rules;

/// A request for an injonction de payer is heard without the debtor: it is refused when the
/// judge could only reject it (no exhibit: CPC 1407, 1409) or when it would claim a disputed
/// invoice silently (unless the user asks for it, and then it states the dispute).
fn refusals(ctx: &mut Context) -> Result<(), LetterError> {
    let document = ctx.kind.name();
    let claimed_pieces = ctx
        .lines
        .iter()
        .filter(|l| {
            ctx.pieces
                .iter()
                .any(|p| p.source == PieceSource::Invoice(l.number.clone()))
        })
        .count();
    if claimed_pieces == 0 {
        let numbers: Vec<String> = ctx.lines.iter().map(|l| l.number.clone()).collect();
        return Err(LetterError::Refused {
            document,
            why: format!(
                "no exhibit: the claimed invoice(s) {} have no `piece` (CPC 1407: the request lists the supporting documents; without the invoice the judge rejects it, CPC 1409): add invoices[].piece",
                numbers.join(", ")
            ),
        });
    }
    if !ctx.facts.disputes.is_empty() {
        let list: Vec<String> = ctx
            .facts
            .disputes
            .iter()
            .map(|d| {
                format!(
                    "{} (disputed on {})",
                    d.invoices.join(", "),
                    d.fact.event.date
                )
            })
            .collect();
        if !ctx.options.include_disputed {
            return Err(LetterError::Refused {
                document,
                why: format!(
                    "invoice(s) {} disputed by the debtor and not acknowledged since: a request heard without the debtor must not claim them silently; settle the dispute (record an acknowledgment), or pass --include-disputed to state the dispute in the request",
                    list.join("; ")
                ),
            });
        }
        ctx.warnings.push(format!(
            "--include-disputed: the request claims {} and states the dispute",
            list.join("; ")
        ));
    }
    Ok(())
}

/// What the court documents add to the shared data: the exhibits, the court, the basis and
/// what is asked after the statement's date.
pub(super) fn data(ctx: &mut Context, rules: &Rules) -> Result<Map<String, Value>, LetterError> {
    if ctx.kind == DocKind::RequeteInjonction {
        refusals(ctx)?;
    }
    let mut m = Map::new();
    m.insert("claim_basis".into(), json!(ctx.claim_basis));
    m.insert(
        "interest_after".into(),
        json!(typo_fr(&interest_after(ctx, rules))),
    );
    m.insert(
        "pieces".into(),
        ctx.pieces
            .iter()
            .enumerate()
            .map(|(i, p)| {
                json!({"number": (i + 1).to_string(), "title": p.title, "date": p.date, "file": p.file})
            })
            .collect(),
    );
    m.insert(
        "court".into(),
        competent_court(ctx.dossier, &ctx.debtor_address, rules),
    );
    let n = ctx.pieces.len();
    m.insert(
        "words_pieces".into(),
        json!(if n == 1 {
            "Bordereau d'une pièce et décompte".to_string()
        } else {
            format!("Bordereau de {n} pièces et décompte")
        }),
    );
    Ok(m)
}

/// What the request asks for after the statement's date, by regime: the rate described by
/// its rule (the L441-10 rate changes every half-year), not frozen at today's value.
fn interest_after(ctx: &Context, rules: &Rules) -> String {
    let value = |id: &str| {
        rules
            .value(id, ctx.date, String::new)
            .ok()
            .map(|(_, v)| v.value.normalize().to_string())
    };
    let after = format!(
        "à compter du {}",
        crate::documents::format::format_date_long(ctx.date.succ_opt().unwrap_or(ctx.date))
    );
    match ctx.regime {
        Regime::B2b => match (ctx.dossier.terms.penalty_rate, value("l441-10-margin"), value("l441-10-floor-factor")) {
            (PenaltyRate::Default, Some(margin), _) => format!("pénalités de retard sur le principal restant dû {after}, au taux de refinancement de la Banque centrale européenne en vigueur au 1er janvier ou au 1er juillet de chaque semestre, majoré de {margin} points (C. com. L441-10 II)"),
            (PenaltyRate::Contractual(r), _, Some(factor)) => format!("pénalités de retard sur le principal restant dû {after}, au taux contractuel de {} l'an, ou au taux de {factor} fois le taux de l'intérêt légal du semestre s'il est supérieur (C. com. L441-10 II)", crate::documents::format::format_percent(r)),
            _ => format!("pénalités de retard de l'article L441-10 du code de commerce sur le principal restant dû {after}"),
        },
        Regime::B2g => match ctx.values.get("moratory_rate") {
            Some(rate) => format!("intérêts moratoires au taux de {rate} sur le principal restant dû (CCP R2192-31)"),
            None => "intérêts moratoires (CCP R2192-31)".to_string(),
        },
        Regime::B2c | Regime::C2x => match ctx.facts.first_formal_notice() {
            Some(_) => format!("intérêts au taux légal en vigueur pour chaque semestre sur le principal restant dû {after} (C. civ. 1231-6, 1344-1, C. mon. fin. L313-2)"),
            None => "intérêts au taux légal en vigueur pour chaque semestre sur le principal restant dû à compter de la signification de l'ordonnance, qui vaut mise en demeure (C. civ. 1231-6, 1344, 1344-1)".to_string(),
        },
    }
}

/// The court a request goes to, as the templates read it (`kind`, `title`, `cerfa`,
/// `debtor_city`, `debtor_postal_code`). The one place that names the court.
///
/// CPC 1406: the judge of the place where the debtor lives; the court by the nature of the
/// claim. Between traders, the tribunal de commerce (Cerfa 12946); otherwise the tribunal
/// judiciaire (Cerfa 12948), whose juge des contentieux de la protection hears consumer credit
/// and residential leases (not handled here).
pub fn competent_court(d: &Dossier, address: &[String], _rules: &Rules) -> Value {
    let commercial = d.regime() == Regime::B2b;
    json!({
        "kind": if commercial { "tribunal de commerce" } else { "tribunal judiciaire" },
        "title": if commercial {
            "Madame ou Monsieur le Président du tribunal de commerce"
        } else {
            "Madame ou Monsieur le Président du tribunal judiciaire"
        },
        "cerfa": if commercial { "12946" } else { "12948" },
        "debtor_city": city(address),
        "debtor_postal_code": address.last().and_then(|l| l.get(..5)).unwrap_or_default(),
    })
}
