//! The court documents: the exhibit list (bordereau, CPC 1407) and the request for an
//! injonction de payer (CPC 1405 to 1407, with 54 and 57), and the court they go to.

use serde_json::{Map, Value, json};

use super::DocKind;
use super::common::Context;
use super::wording::city;
use crate::courts::Jurisdiction;
use crate::dossier::{EventKind, Regime};
use crate::rules::Rules;

/// What the court documents add to the shared data: the exhibits, the court, the basis and
/// what is asked after the statement's date.
pub(super) fn data(ctx: &Context, rules: &Rules) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("claim_basis".into(), json!(ctx.claim_basis));
    m.insert("interest_after".into(), json!(interest_after(ctx)));
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
    m.insert("court".into(), competent_court(ctx, rules));
    m.insert(
        "procedure".into(),
        json!(crate::courts::procedure(ctx.dossier).as_str()),
    );
    if ctx.kind == DocKind::RequeteRefere {
        m.insert("refere".into(), refere(ctx, rules));
    }
    m
}

/// What the request asks for after the statement's date, by regime.
fn interest_after(ctx: &Context) -> String {
    match ctx.regime {
        Regime::B2b => match ctx.values.get("penalty_rate") {
            Some(rate) => format!("pénalités de retard au taux de {rate} sur le principal restant dû, à compter du lendemain de la date du décompte (C. com. L441-10 II)"),
            None => "pénalités de retard de l'article L441-10 du code de commerce".to_string(),
        },
        Regime::B2g => match ctx.values.get("moratory_rate") {
            Some(rate) => format!("intérêts moratoires au taux de {rate} sur le principal restant dû (CCP R2192-31)"),
            None => "intérêts moratoires (CCP R2192-31)".to_string(),
        },
        Regime::B2c | Regime::C2x => "intérêts au taux légal sur le principal restant dû à compter de la mise en demeure (C. civ. 1231-6, 1344-1)".to_string(),
    }
}

/// The court a request goes to, as the templates read it: `name` ("tribunal de commerce de
/// Toulouse", or the generic wording when no table answers), `title` (the addressee),
/// `found_by` and `basis` (how it was found, which articles), `address` (when the dossier
/// names the court), `kind`, `cerfa` (the injonction de payer form), `debtor_city`,
/// `debtor_postal_code`, `warnings`. The one place that names the court: the lookup is
/// `courts::competent_court` (`legal-rules/juridictions/`).
pub(super) fn competent_court(ctx: &Context, rules: &Rules) -> Value {
    let d = ctx.dossier;
    let address = &ctx.debtor_address;
    let court = crate::courts::competent_court(d, rules, ctx.date, ctx.statement.totals.total_due);
    let (kind, cerfa) = match court.jurisdiction {
        Jurisdiction::Commercial => ("tribunal de commerce", "12946"),
        Jurisdiction::Judiciaire => ("tribunal judiciaire", "12948"),
        Jurisdiction::Administrative => ("tribunal administratif", ""),
        Jurisdiction::Given if d.regime() == Regime::B2b => ("juridiction désignée", "12946"),
        Jurisdiction::Given => ("juridiction désignée", "12948"),
    };
    json!({
        "kind": kind,
        "name": court.name,
        "title": court.addressee,
        "found_by": court.found_by,
        "basis": court.basis,
        "address": court.address.unwrap_or_default(),
        "named": court.found,
        "cerfa": cerfa,
        "warnings": court.warnings,
        "debtor_city": city(address),
        "debtor_postal_code": address.last().and_then(|l| l.get(..5)).unwrap_or_default(),
    })
}

/// What the référé-provision adds (CJA R541-1): the facts from the records, why the
/// obligation is not seriously disputable, and whether a lawyer is required.
fn refere(ctx: &Context, rules: &Rules) -> Value {
    let d = ctx.dossier;
    let fr = |date: chrono::NaiveDate| crate::documents::format::format_date_long(date);
    let mut facts = format!(
        "Le requérant a exécuté les prestations prévues au contrat conclu avec {} et en a \
         demandé le paiement par les factures ci-dessous, demeurées impayées à l'expiration \
         du délai de paiement.",
        d.debtor.name
    );
    let notice = d
        .events
        .iter()
        .filter(|e| e.kind == EventKind::FormalNotice && e.date <= ctx.date)
        .map(|e| e.date)
        .min();
    if let Some(n) = notice {
        facts.push_str(&format!(
            " Une mise en demeure lui a été adressée le {}.",
            fr(n)
        ));
    }
    let memo = d
        .events
        .iter()
        .filter(|e| e.kind == EventKind::ClaimMemorandum && e.date <= ctx.date)
        .map(|e| e.date)
        .min();
    if let (Some(m), Some(ccag)) = (memo, d.contract.as_ref().and_then(|c| c.ccag.as_ref())) {
        facts.push_str(&format!(
            " Le contrat se référant au {ccag}, le requérant a adressé au pouvoir adjudicateur \
             son mémoire en réclamation le {}.",
            fr(m)
        ));
    }
    let discussion = "L'existence de l'obligation n'est pas sérieusement contestable : les \
        prestations ont été exécutées et facturées, et le délai de paiement est expiré. Les \
        intérêts moratoires et l'indemnité forfaitaire pour frais de recouvrement sont dus de \
        plein droit et sans autre formalité dès le lendemain de l'expiration du délai de \
        paiement (articles L2192-13, R2192-31 et D2192-35 du code de la commande publique). Le \
        juge des référés peut accorder une provision au créancier, même en l'absence d'une \
        demande au fond, lorsque l'existence de l'obligation n'est pas sérieusement contestable \
        (article R541-1 du code de justice administrative).";
    let lawyer = crate::courts::lawyer(d, rules).map_or_else(
        || "Vérifier si le ministère d'avocat est obligatoire (CJA R431-2 et R431-3).".to_string(),
        |l| l.text,
    );
    json!({"facts": facts, "discussion": discussion, "lawyer": lawyer})
}
