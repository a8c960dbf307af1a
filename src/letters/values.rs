//! The values the mandatory mentions are filled from (`{total_due}`, `{deadline}`...), and
//! the filling: a placeholder the document has no value for is an error naming the mention.

use std::collections::BTreeMap;

use super::claim::rates_applied;
use super::common::Context;
use super::parties::{creditor_identification, debtor_identification};
use super::wording::{enumerate_fr, typo_fr};
use super::{FilledMention, LetterError};
use crate::documents::format::{format_date_long as date_long_fr, format_eur as euros_fr};
use crate::dossier::{ClaimKind, Regime};
use crate::rules::Rules;
use crate::rules::mentions::Mention;

/// Mention values that come from optional dossier fields: a mention that needs one the
/// dossier does not give is left out rather than stopping the rendering.
pub(super) const OPTIONAL_VALUES: &[&str] = &["consumer_mediator", "insolvency_opened"];

impl Context<'_> {
    /// What the penalties run at after the letter's half-year, whose rate is the last the
    /// statement shows: the L441-10 II rate changes every half-year. Empty when nothing
    /// accrues any more (nothing outstanding, an insolvency), or when the rule is missing
    /// at the letter's date (nothing is guessed).
    fn penalties_after(&self, rules: &Rules) -> String {
        if self.statement.totals.outstanding.is_zero()
            || self.dossier.debtor.insolvency_opened.is_some()
        {
            return String::new();
        }
        super::claim::penalty_rate_terms(self.dossier, rules, self.date)
            .map(|terms| format!(", puis, pour chaque semestre suivant, {terms}"))
            .unwrap_or_default()
    }

    pub(super) fn mention_values(&self, rules: &Rules) -> BTreeMap<&'static str, String> {
        let dossier = self.dossier;
        let t = &self.statement.totals;
        let date = self.date;
        // Everything but the principal: penalties or interest and indemnities, net of what
        // payments covered and a plan waived.
        let accessories = t.total_due - t.outstanding;
        let mut values: BTreeMap<&'static str, String> = BTreeMap::new();
        values.insert("total_due", euros_fr(t.total_due));
        values.insert("principal_due", euros_fr(t.outstanding));
        values.insert("accessories_due", euros_fr(accessories));
        values.insert("indemnities_total", euros_fr(t.indemnities));
        let with_indemnity = (self.statement.invoices.iter())
            .filter(|l| !l.indemnity.is_zero())
            .count();
        let rents = dossier.terms.claims == ClaimKind::Rents;
        values.insert(
            "indemnity_invoices",
            match (with_indemnity, rents) {
                (1, false) => "pour la facture concernée".to_string(),
                (1, true) => "pour le loyer concerné".to_string(),
                (n, false) => format!("pour les {n} factures concernées"),
                (n, true) => format!("pour les {n} loyers concernés"),
            },
        );
        values.insert("claim_basis", self.claim_basis.clone());
        values.insert("creditor_name", dossier.creditor.name.clone());
        values.insert("creditor_address", dossier.creditor.address.join(", "));
        values.insert("payment_means", self.payment_means.clone());
        values.insert("letter_reference", self.reference.clone());
        values.insert("letter_date", date_long_fr(date));
        values.insert("deadline", date_long_fr(self.due_by));
        values.insert("deadline_days", self.delay_days.to_string());
        values.insert("as_of", date_long_fr(date));
        values.insert(
            "summons",
            if self.je {
                "je vous mets en demeure"
            } else {
                "nous vous mettons en demeure"
            }
            .to_string(),
        );
        values.insert("public_buyer_next_step", self.public_buyer_next_step());
        // The declaration's time limit is said only where a claim is to be declared.
        if let Some(opened) = super::observations::insolvency_opened(self) {
            values.insert("insolvency_opened", date_long_fr(opened));
        }
        if let Some(m) = &dossier.creditor.extra.consumer_mediator {
            values.insert("consumer_mediator", m.clone());
        }
        if let Some(a) = self.agency {
            values.insert("agency_name", a.name.clone());
            values.insert("agency_address", a.address.join(", "));
            values.insert("agency_mandate", a.mandate.clone());
        }
        // Every rate that applied to the claimed invoices, each with its basis and, when
        // there are several, the dates it applied.
        let rates = rates_applied(&self.lines, Some(self.statement.as_of));
        if !rates.is_empty() {
            let rate = enumerate_fr(&rates);
            match self.regime {
                Regime::B2b => values.insert("penalty_rate", rate + &self.penalties_after(rules)),
                _ => values.insert("moratory_rate", rate),
            };
        }
        // C. civ. 1344-1: interest runs from the first formal notice received; a later notice
        // recalls it rather than starting it again.
        // b2c after a payment plan's end: legal interest runs from the day after (spec §6).
        let plan_end = match self.statement.plan.as_ref().map(|p| &p.status) {
            Some(crate::calc::payment_plan::PlanStatus::Ended { on, .. })
                if self.regime == Regime::B2c =>
            {
                Some(*on)
            }
            _ => None,
        };
        values.insert(
            "interest_start",
            match self.facts.first_formal_notice() {
                _ if plan_end.is_some() => format!(
                    "courent depuis le {}, lendemain de la déchéance du terme de l'échéancier",
                    date_long_fr(plan_end.and_then(|d| d.succ_opt()).unwrap_or(date))
                ),
                Some(d) if d < date => format!(
                    "courent depuis {} mise en demeure reçue le {}",
                    if self.je { "ma" } else { "notre" },
                    date_long_fr(d)
                ),
                _ => "courent à compter de la réception de la présente mise en demeure".to_string(),
            },
        );
        let indemnity_rule = match self.regime {
            Regime::B2g => Some("ccp-indemnity"),
            Regime::B2b => Some("l441-10-indemnity"),
            _ => None,
        };
        if let Some(id) = indemnity_rule
            && let Ok((_, v)) = rules.value(id, date, String::new)
        {
            values.insert("indemnity_unit", euros_fr(v.value));
        }
        // R124-4 3°: the 40 € per invoice is part of the sum claimed, under the rule of the
        // regime; nothing when none is claimed.
        let indemnity_clause = match (self.regime, values.get("indemnity_unit")) {
            (Regime::B2b, Some(unit)) if !t.indemnities.is_zero() => format!(
                ", dont l'indemnité forfaitaire pour frais de recouvrement de {unit} par facture (C. com. L441-10 II et D441-5)"
            ),
            (Regime::B2g, Some(unit)) if !t.indemnities.is_zero() => format!(
                ", dont l'indemnité forfaitaire pour frais de recouvrement de {unit} par facture (CCP L2192-13 et D2192-35)"
            ),
            _ => String::new(),
        };
        values.insert("indemnity_clause", indemnity_clause);
        values.insert("pieces_count", self.pieces.len().to_string());
        values.insert(
            "pieces_listed",
            match self.pieces.len() {
                1 => "une pièce, listée ci-après".to_string(),
                2 => "pièces n°\u{a0}1 et 2, listées ci-après".to_string(),
                n => format!("pièces numérotées de 1 à {n}, listées ci-après"),
            },
        );
        values.insert("creditor_identification", creditor_identification(dossier));
        values.insert(
            "debtor_identification",
            debtor_identification(dossier, &self.debtor_address),
        );
        values
    }

    /// What follows an unanswered formal notice to a public buyer: the référé-provision, or
    /// first the mémoire en réclamation when the contract refers to a CCAG and none is
    /// recorded (the judge would dismiss a request made before it).
    fn public_buyer_next_step(&self) -> String {
        let ccag = self.dossier.contract.as_ref().and_then(|c| c.ccag.as_ref());
        let refere = "le juge des référés du tribunal administratif d'une demande de provision \
                      (article R541-1 du code de justice administrative)";
        match ccag {
            Some(ccag) if crate::courts::memorandum_missing(self.dossier).is_some() => format!(
                "nous vous adresserons le mémoire en réclamation prévu par le {ccag}, \
                 préalable à la saisine du {}",
                refere.trim_start_matches("le ")
            ),
            _ => format!("nous saisirons {refere}, sans autre avis"),
        }
    }
}

pub(super) fn fill(
    m: &Mention,
    doc: &'static str,
    values: &BTreeMap<&str, String>,
) -> Result<FilledMention, LetterError> {
    let mut text = m.text.clone();
    for name in m.placeholders() {
        let Some(v) = values.get(name) else {
            return Err(LetterError::MentionData {
                document: doc,
                mention: m.id.clone(),
                article: m.article.clone(),
                file: m.file.clone(),
                placeholder: name.to_string(),
            });
        };
        text = text.replacen(&format!("{{{name}}}"), v, 1);
    }
    Ok(FilledMention {
        id: m.id.clone(),
        text: typo_fr(&text),
        article: m.article.clone(),
    })
}
