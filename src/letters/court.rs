//! The court documents: the exhibit list (bordereau, CPC 1407) and the request for an
//! injonction de payer (CPC 1405 to 1407, with 54 and 57), and the court they go to.

use serde_json::{Map, Value, json};

use super::common::Context;
use super::wording::city;
use crate::dossier::{Dossier, Regime};
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
    m.insert(
        "court".into(),
        competent_court(ctx.dossier, &ctx.debtor_address, rules),
    );
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
