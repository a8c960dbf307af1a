//! What every document of a dossier shares: the parties, the claim lines, the deadline, the
//! values the mandatory mentions are filled from, and the data every template reads.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::facts::{Piece, pieces};
use super::parties::{creditor_identification, debtor_identification};
use super::wording::{city, enumerate_fr, iban_fr, recipient_lines, siren_fr};
use super::{DocKind, FilledMention, LetterError};
use crate::calc::calendar::{department, formal_notice_deadline};
use crate::calc::{InvoiceLine, Statement};
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
    format_percent as percent_fr,
};
use crate::dossier::{Dossier, Regime};
use crate::rules::Rules;
use crate::rules::mentions::Mention;

/// The shared facts and wording of one document being built.
pub(super) struct Context<'a> {
    pub kind: DocKind,
    pub dossier: &'a Dossier,
    pub statement: &'a Statement,
    pub regime: Regime,
    pub date: NaiveDate,
    pub reference: String,
    pub debtor_address: Vec<String>,
    pub sign_name: String,
    pub sign_title: String,
    pub delay_days: u64,
    pub due_by: NaiveDate,
    /// Only invoices with something left to pay appear in a demand.
    pub lines: Vec<&'a InvoiceLine>,
    pub claim_basis: String,
    pub payment_means: String,
    pub pieces: Vec<Piece>,
    /// Values the mentions may ask for. A placeholder absent from this map is an error.
    pub values: BTreeMap<&'static str, String>,
    pub mentions: Vec<FilledMention>,
}

impl<'a> Context<'a> {
    pub fn new(
        kind: DocKind,
        dossier: &'a Dossier,
        statement: &'a Statement,
        rules: &Rules,
    ) -> Result<Self, LetterError> {
        let doc = kind.name();
        let date = statement.as_of;
        let reference = format!(
            "{}-{}-{}",
            dossier.reference,
            kind.code(),
            date.format("%Y%m%d")
        );
        let missing = |field: &str, why: &str| LetterError::MissingData {
            document: doc,
            field: field.to_string(),
            why: why.to_string(),
        };
        let debtor_address = match &dossier.debtor.address {
            Some(a) => a.clone(),
            None if kind == DocKind::Decompte => Vec::new(),
            None => {
                return Err(missing(
                    "debtor.address",
                    "the document prints the debtor's address; add it to the dossier",
                ));
            }
        };
        let signatory = match &dossier.creditor.signatory {
            Some(s) => s.clone(),
            None if dossier.agency.is_some() => String::new(),
            None => {
                return Err(missing(
                    "creditor.signatory",
                    "the document is signed: give the name and title of who signs, e.g. \"Jeanne Martin, gérante\"",
                ));
            }
        };
        let (sign_name, sign_title) = match &dossier.agency {
            Some(a) => (a.name.clone(), "Service recouvrement".to_string()),
            None => match signatory.split_once(',') {
                Some((n, t)) => (n.trim().to_string(), t.trim().to_string()),
                None => (signatory.clone(), String::new()),
            },
        };

        let regime = statement.regime;
        let department = dossier.debtor.postal_code().and_then(department);
        let (delay_days, due_by) =
            formal_notice_deadline(rules, date, department).map_err(LetterError::Rule)?;

        let lines: Vec<&InvoiceLine> = statement
            .invoices
            .iter()
            .filter(|l| !l.total_due().is_zero())
            .collect();
        let claim_basis = claim_basis(dossier, regime, &lines);
        let payment_means = payment_means(dossier);
        let pieces = pieces(dossier);
        let mut ctx = Context {
            kind,
            dossier,
            statement,
            regime,
            date,
            reference,
            debtor_address,
            sign_name,
            sign_title,
            delay_days,
            due_by,
            lines,
            claim_basis,
            payment_means,
            pieces,
            values: BTreeMap::new(),
            mentions: Vec::new(),
        };
        ctx.values = ctx.mention_values(rules);
        for m in rules
            .mentions
            .iter()
            .filter(|m| m.applies(doc, regime.as_str(), dossier.agency.is_some(), date))
        {
            let filled = fill(m, doc, &ctx.values)?;
            ctx.mentions.push(filled);
        }
        Ok(ctx)
    }

    fn mention_values(&self, rules: &Rules) -> BTreeMap<&'static str, String> {
        let dossier = self.dossier;
        let t = &self.statement.totals;
        let date = self.date;
        let accessories = t.penalties + t.interest - t.penalties_paid + t.indemnities;
        let mut values: BTreeMap<&'static str, String> = BTreeMap::new();
        values.insert("total_due", euros_fr(t.total_due));
        values.insert("principal_due", euros_fr(t.outstanding));
        values.insert("accessories_due", euros_fr(accessories));
        values.insert("indemnities_total", euros_fr(t.indemnities));
        values.insert("claim_basis", self.claim_basis.clone());
        values.insert("creditor_name", dossier.creditor.name.clone());
        values.insert("creditor_address", dossier.creditor.address.join(", "));
        values.insert("payment_means", self.payment_means.clone());
        values.insert("letter_reference", self.reference.clone());
        values.insert("letter_date", date_long_fr(date));
        values.insert("deadline", date_long_fr(self.due_by));
        values.insert("deadline_days", self.delay_days.to_string());
        values.insert("as_of", date_long_fr(date));
        if let Some(a) = &dossier.agency {
            values.insert("agency_name", a.name.clone());
            values.insert("agency_address", a.address.join(", "));
            values.insert("agency_mandate", a.mandate.clone());
        }
        // The rate running on the letter's date, as the last period shows it.
        if let Some(p) = self
            .statement
            .invoices
            .iter()
            .filter_map(|l| l.periods.last())
            .max_by_key(|p| p.to)
        {
            // The basis without its trailing citation: the mention cites the article itself.
            let what = match p.basis.rfind(" (") {
                Some(i) if p.basis.ends_with(')') => p.basis[..i].to_string(),
                _ => p.basis.clone(),
            };
            let rate = format!("{} l'an ({what})", percent_fr(p.rate));
            match self.regime {
                Regime::B2b => values.insert("penalty_rate", rate),
                _ => values.insert("moratory_rate", rate),
            };
        }
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
        values.insert("pieces_count", self.pieces.len().to_string());
        values.insert("creditor_identification", creditor_identification(dossier));
        values.insert(
            "debtor_identification",
            debtor_identification(dossier, &self.debtor_address),
        );
        values
    }

    /// The data every template reads: parties, letterhead, claim table, totals, mentions.
    pub fn base_json(&self) -> Map<String, Value> {
        let dossier = self.dossier;
        let regime = self.regime;
        let t = &self.statement.totals;
        let (sender, place) = match &dossier.agency {
            Some(a) => (
                json!({
                    "name": a.name,
                    "legal_form": "Recouvrement amiable de créances pour le compte d'autrui",
                    "siren": siren_fr(&a.siren),
                    "address": a.address,
                    "contact": [],
                }),
                city(&a.address),
            ),
            None => (
                json!({
                    "name": dossier.creditor.name,
                    "legal_form": dossier.creditor.legal_form.clone().unwrap_or_default(),
                    "siren": dossier.creditor.siren.as_deref().map(siren_fr).unwrap_or_default(),
                    "address": dossier.creditor.address,
                    "contact": dossier.creditor.email.iter().collect::<Vec<_>>(),
                }),
                city(&dossier.creditor.address),
            ),
        };
        let subject = subject(
            self.kind,
            &self
                .lines
                .iter()
                .map(|l| l.number.clone())
                .collect::<Vec<_>>(),
        );
        let json = json!({
            "document": self.kind.name(),
            "regime": regime.as_str(),
            "agency": dossier.agency.is_some(),
            "sender": sender,
            "creditor": {
                "name": dossier.creditor.name,
                "address": dossier.creditor.address,
                "identification": creditor_identification(dossier),
            },
            "recipient": {
                "name": dossier.debtor.name,
                "address": recipient_lines(&dossier.debtor.name, &self.debtor_address),
            },
            "debtor": {
                "name": dossier.debtor.name,
                "identification": debtor_identification(dossier, &self.debtor_address),
                "city": city(&self.debtor_address),
            },
            "place": place,
            "date": date_long_fr(self.date),
            "subject": subject,
            "reference": self.reference,
            "dossier_reference": dossier.reference,
            "registered_mail": false,
            "salutation": "Madame, Monsieur,",
            "signature": {"name": self.sign_name, "title": self.sign_title},
            "invoices": self.invoices_json(),
            "totals": {
                "principal": euros_fr(t.principal),
                "paid": euros_fr(t.paid),
                "outstanding": euros_fr(t.outstanding),
                "accrued": euros_fr(t.penalties + t.interest - t.penalties_paid),
                "indemnities": euros_fr(t.indemnities),
                "total_due": euros_fr(t.total_due),
            },
            "accrual_label": match regime {
                Regime::B2b => "Pénalités de retard",
                Regime::B2g => "Intérêts moratoires",
                _ => "Intérêts au taux légal",
            },
            "accrual_label_lower": match regime {
                Regime::B2b => "pénalités de retard",
                Regime::B2g => "intérêts moratoires",
                _ => "intérêts au taux légal",
            },
            "has_indemnity": !t.indemnities.is_zero(),
            "payment_means": self.payment_means,
            "mentions": self.mentions.iter().map(|m| json!({"id": m.id, "text": m.text, "article": m.article})).collect::<Vec<_>>(),
        });
        match json {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn invoices_json(&self) -> Vec<Value> {
        self.lines
            .iter()
            .map(|l| {
                let inv = self.dossier.invoices.iter().find(|i| i.number == l.number);
                let accrued = l.penalties + l.interest - l.penalties_paid;
                json!({
                    "number": l.number,
                    "description": inv.and_then(|i| i.description.clone()).unwrap_or_default(),
                    "issued": date_short_fr(l.issued),
                    "due_date": date_short_fr(l.due),
                    "days_late": l.days_late.to_string(),
                    "principal": euros_fr(l.principal),
                    "paid": euros_fr(l.paid),
                    "outstanding": euros_fr(l.outstanding),
                    "accrued": euros_fr(accrued),
                    "indemnity": euros_fr(l.indemnity),
                    "total": euros_fr(l.total_due()),
                    "amount": euros_fr(l.outstanding),
                })
            })
            .collect()
    }
}

/// What the claim rests on: the invoices, then the accessories the law attaches by regime.
fn claim_basis(dossier: &Dossier, regime: Regime, lines: &[&InvoiceLine]) -> String {
    let numbers: Vec<String> = lines
        .iter()
        .map(|l| format!("n° {} du {}", l.number, date_long_fr(l.issued)))
        .collect();
    let accessory_basis = match regime {
        Regime::B2b => {
            "pénalités de retard et indemnité forfaitaire pour frais de recouvrement (C. com. art. L441-10 et D441-5)"
        }
        Regime::B2g => {
            "intérêts moratoires et indemnité forfaitaire (CCP art. L2192-13, R2192-31 et D2192-35)"
        }
        Regime::B2c | Regime::C2x => {
            "intérêts au taux légal à compter de la mise en demeure (C. civ. art. 1231-6 et 1344-1)"
        }
    };
    let plural = numbers.len() > 1;
    let s = if plural { "s" } else { "" };
    format!(
        "{} {}, émise{s} par {} et demeurée{s} impayée{s} à l'échéance ; {accessory_basis}",
        if plural { "factures" } else { "facture" },
        enumerate_fr(&numbers),
        dossier.creditor.name,
    )
}

fn payment_means(dossier: &Dossier) -> String {
    match &dossier.creditor.iban {
        Some(iban) => format!(
            "virement sur le compte IBAN {} (titulaire : {})",
            iban_fr(iban),
            dossier.creditor.name
        ),
        None => format!(
            "chèque à l'ordre de {} adressé au {}",
            dossier.creditor.name,
            dossier.creditor.address.join(", ")
        ),
    }
}

fn subject(kind: DocKind, numbers: &[String]) -> String {
    let what = if numbers.len() > 1 {
        format!("factures {}", enumerate_fr(numbers))
    } else {
        format!("facture {}", numbers.first().cloned().unwrap_or_default())
    };
    match kind {
        DocKind::Relance1 => format!("Rappel de règlement — {what}"),
        DocKind::Relance2 => format!("Deuxième relance — {what}"),
        DocKind::Relance3 => format!("Dernière relance avant mise en demeure — {what}"),
        DocKind::MiseEnDemeure => format!("Mise en demeure de payer — {what}"),
        DocKind::Decompte => "Décompte de la créance".to_string(),
        DocKind::Bordereau => "Bordereau des pièces communiquées".to_string(),
        DocKind::RequeteInjonction => "Requête en injonction de payer".to_string(),
        DocKind::RequeteRefere => "Requête en référé-provision".to_string(),
    }
}

fn fill(
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
        text,
        article: m.article.clone(),
    })
}
