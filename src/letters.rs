//! What each document says, as data: the JSON a letter template reads from `/data.json`.
//!
//! Built from the dossier, its statement and the rules, all pre-formatted for a French
//! reader (amounts "1 234,56 €", dates "1er juillet 2026"), so templates only lay text out.
//! The mandatory mentions of the document (`legal-rules/mentions/`) are filled here; a
//! mention whose data is missing stops the rendering with a message naming the field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::calc::Statement;
use crate::calc::calendar::{department, formal_notice_deadline};
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
    format_percent as percent_fr,
};
use crate::dossier::{CreditorKind, DebtorKind, Dossier, Regime};
use crate::rules::Rules;
use crate::rules::mentions::Mention;

/// The documents `relance render` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    Relance1,
    Relance2,
    Relance3,
    MiseEnDemeure,
    Decompte,
    Bordereau,
    RequeteInjonction,
}

impl DocKind {
    pub const ALL: [DocKind; 7] = [
        DocKind::Relance1,
        DocKind::Relance2,
        DocKind::Relance3,
        DocKind::MiseEnDemeure,
        DocKind::Decompte,
        DocKind::Bordereau,
        DocKind::RequeteInjonction,
    ];

    /// The template name and the id used in mention files.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Relance1 => "relance-1",
            DocKind::Relance2 => "relance-2",
            DocKind::Relance3 => "relance-3",
            DocKind::MiseEnDemeure => "mise-en-demeure",
            DocKind::Decompte => "decompte",
            DocKind::Bordereau => "bordereau",
            DocKind::RequeteInjonction => "requete-injonction-de-payer",
        }
    }

    /// Short code in the letter reference (`DOS-2026-0042-MED-20260630`).
    fn code(self) -> &'static str {
        match self {
            DocKind::Relance1 => "R1",
            DocKind::Relance2 => "R2",
            DocKind::Relance3 => "R3",
            DocKind::MiseEnDemeure => "MED",
            DocKind::Decompte => "DEC",
            DocKind::Bordereau => "BDP",
            DocKind::RequeteInjonction => "IP",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Whether the document is a letter to the debtor (window address, registered mail...).
    pub fn is_letter(self) -> bool {
        matches!(
            self,
            DocKind::Relance1 | DocKind::Relance2 | DocKind::Relance3 | DocKind::MiseEnDemeure
        )
    }
}

/// Why a document cannot be produced from this dossier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("{document}: {field} is missing: {why}")]
    MissingData {
        document: &'static str,
        field: String,
        why: String,
    },
    #[error(
        "{document}: mention \"{mention}\" ({article}, {file}) needs {placeholder}, which this dossier does not provide"
    )]
    MentionData {
        document: &'static str,
        mention: String,
        article: String,
        file: String,
        placeholder: String,
    },
    #[error("{0}")]
    Rule(String),
}

/// A mention as printed: its id (for tests), its text and its legal basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilledMention {
    pub id: String,
    pub text: String,
    pub article: String,
}

/// The data of one document, ready for its template.
#[derive(Debug, Clone)]
pub struct DocData {
    pub kind: DocKind,
    /// `DOS-2026-0042-MED-20260630`: printed on the letter and used as the PDF id.
    pub reference: String,
    pub date: NaiveDate,
    pub mentions: Vec<FilledMention>,
    pub json: Value,
}

fn siren_fr(siren: &str) -> String {
    siren
        .as_bytes()
        .chunks(3)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\u{a0}")
}

fn iban_fr(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The city of an address whose last line is "69003 Lyon".
fn city(address: &[String]) -> String {
    address
        .last()
        .and_then(|l| l.get(6..))
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn enumerate_fr(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

/// Builds the data of `kind` for `dossier` as of `statement.as_of` (the letter's date).
///
/// # Errors
/// Data the document prints is missing from the dossier (the debtor's address for a letter,
/// the signatory...), or a mandatory mention needs a value the dossier does not provide.
pub fn build(
    kind: DocKind,
    dossier: &Dossier,
    statement: &Statement,
    rules: &Rules,
) -> Result<DocData, LetterError> {
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

    // Only invoices with something left to pay appear in a demand.
    let lines: Vec<_> = statement
        .invoices
        .iter()
        .filter(|l| !l.total_due().is_zero())
        .collect();
    let invoices_json: Vec<Value> = lines
        .iter()
        .map(|l| {
            let inv = dossier.invoices.iter().find(|i| i.number == l.number);
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
        .collect();
    let t = &statement.totals;
    let accessories = t.penalties + t.interest - t.penalties_paid + t.indemnities;

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
    let claim_basis = format!(
        "{} {}, émise{} par {} et demeurée{} impayée{} à l'échéance ; {accessory_basis}",
        if numbers.len() > 1 {
            "factures"
        } else {
            "facture"
        },
        enumerate_fr(&numbers),
        if numbers.len() > 1 { "s" } else { "" },
        dossier.creditor.name,
        if numbers.len() > 1 { "s" } else { "" },
        if numbers.len() > 1 { "s" } else { "" },
    );

    let creditor_address = dossier.creditor.address.join(", ");
    let payment_means = match &dossier.creditor.iban {
        Some(iban) => format!(
            "virement sur le compte IBAN {} (titulaire : {})",
            iban_fr(iban),
            dossier.creditor.name
        ),
        None => format!(
            "chèque à l'ordre de {} adressé au {}",
            dossier.creditor.name, creditor_address
        ),
    };

    // Values the mentions may ask for. A placeholder absent from this map is an error.
    let mut values: BTreeMap<&str, String> = BTreeMap::new();
    values.insert("total_due", euros_fr(t.total_due));
    values.insert("principal_due", euros_fr(t.outstanding));
    values.insert("accessories_due", euros_fr(accessories));
    values.insert("indemnities_total", euros_fr(t.indemnities));
    values.insert("claim_basis", claim_basis.clone());
    values.insert("creditor_name", dossier.creditor.name.clone());
    values.insert("creditor_address", creditor_address.clone());
    values.insert("payment_means", payment_means.clone());
    values.insert("letter_reference", reference.clone());
    values.insert("letter_date", date_long_fr(date));
    values.insert("deadline", date_long_fr(due_by));
    values.insert("deadline_days", delay_days.to_string());
    values.insert("as_of", date_long_fr(date));
    if let Some(a) = &dossier.agency {
        values.insert("agency_name", a.name.clone());
        values.insert("agency_address", a.address.join(", "));
        values.insert("agency_mandate", a.mandate.clone());
    }
    // The rate running on the letter's date, as the last period shows it.
    if let Some(p) = statement
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
        match regime {
            Regime::B2b => values.insert("penalty_rate", rate),
            _ => values.insert("moratory_rate", rate),
        };
    }
    let indemnity_rule = match regime {
        Regime::B2g => Some("ccp-indemnity"),
        Regime::B2b => Some("l441-10-indemnity"),
        _ => None,
    };
    if let Some(id) = indemnity_rule
        && let Ok((_, v)) = rules.value(id, date, String::new)
    {
        values.insert("indemnity_unit", euros_fr(v.value));
    }
    let pieces = pieces(dossier);
    values.insert("pieces_count", pieces.len().to_string());
    values.insert("creditor_identification", creditor_identification(dossier));
    values.insert(
        "debtor_identification",
        debtor_identification(dossier, &debtor_address),
    );

    let mut mentions = Vec::new();
    for m in rules
        .mentions
        .iter()
        .filter(|m| m.applies(doc, regime.as_str(), dossier.agency.is_some(), date))
    {
        mentions.push(fill(m, doc, &values)?);
    }

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
        kind,
        &lines.iter().map(|l| l.number.clone()).collect::<Vec<_>>(),
    );
    let salutation = "Madame, Monsieur,";

    let json = json!({
        "document": doc,
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
            "address": recipient_lines(&dossier.debtor.name, &debtor_address),
        },
        "debtor": {
            "name": dossier.debtor.name,
            "identification": debtor_identification(dossier, &debtor_address),
            "city": city(&debtor_address),
        },
        "place": place,
        "date": date_long_fr(date),
        "subject": subject,
        "reference": reference,
        "dossier_reference": dossier.reference,
        "registered_mail": kind == DocKind::MiseEnDemeure,
        "salutation": salutation,
        "signature": {"name": sign_name, "title": sign_title},
        "invoices": invoices_json,
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
        "deadline": date_long_fr(due_by),
        "deadline_days": delay_days.to_string(),
        "payment_means": payment_means,
        "interest_after": interest_after(regime, &values),
        "claim_basis": claim_basis,
        "mentions": mentions.iter().map(|m| json!({"id": m.id, "text": m.text, "article": m.article})).collect::<Vec<_>>(),
        "statement": statement_json(statement),
        "pieces": pieces.iter().enumerate().map(|(i, p)| json!({"number": (i + 1).to_string(), "title": p.0, "date": p.1, "file": p.2})).collect::<Vec<_>>(),
        "court": court(dossier, &debtor_address),
    });
    Ok(DocData {
        kind,
        reference,
        date,
        mentions,
        json,
    })
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

/// What the request asks for after the statement's date, by regime.
fn interest_after(regime: Regime, values: &BTreeMap<&str, String>) -> String {
    match regime {
        Regime::B2b => match values.get("penalty_rate") {
            Some(rate) => format!("pénalités de retard au taux de {rate} sur le principal restant dû, à compter du lendemain de la date du décompte (C. com. L441-10 II)"),
            None => "pénalités de retard de l'article L441-10 du code de commerce".to_string(),
        },
        Regime::B2g => match values.get("moratory_rate") {
            Some(rate) => format!("intérêts moratoires au taux de {rate} sur le principal restant dû (CCP R2192-31)"),
            None => "intérêts moratoires (CCP R2192-31)".to_string(),
        },
        Regime::B2c | Regime::C2x => "intérêts au taux légal sur le principal restant dû à compter de la mise en demeure (C. civ. 1231-6, 1344-1)".to_string(),
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
    }
}

/// The window block: the name, then the address lines not already starting with it.
fn recipient_lines(name: &str, address: &[String]) -> Vec<String> {
    address
        .iter()
        .filter(|l| l.as_str() != name)
        .cloned()
        .collect()
}

/// The address where a party is established: the address block without the lines that
/// repeat the name or direct the letter to a person ("À l'attention de ...").
fn seat(name: &str, address: &[String]) -> String {
    address
        .iter()
        .filter(|l| l.as_str() != name)
        .filter(|l| {
            let lower = l.to_lowercase();
            !(lower.starts_with("à l'attention")
                || lower.starts_with("a l'attention")
                || lower.starts_with("à l’attention")
                || lower.starts_with("attn"))
        })
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

/// CPC 54 and 57: who asks. A legal person: form, name, registered office, representative.
fn creditor_identification(d: &Dossier) -> String {
    let c = &d.creditor;
    match c.kind {
        CreditorKind::Company => {
            let mut s = c.name.clone();
            if let Some(f) = &c.legal_form {
                s.push_str(&format!(", {f}"));
            }
            if let Some(siren) = &c.siren {
                s.push_str(&format!(
                    ", immatriculée sous le numéro SIREN {}",
                    siren_fr(siren)
                ));
            }
            s.push_str(&format!(
                ", dont le siège social est situé {}",
                c.address.join(", ")
            ));
            if let Some(sig) = &c.signatory {
                s.push_str(&format!(", représentée par {sig}"));
            }
            s
        }
        CreditorKind::Individual => format!("{}, demeurant {}", c.name, seat(&c.name, &c.address)),
    }
}

fn debtor_identification(d: &Dossier, address: &[String]) -> String {
    let b = &d.debtor;
    let place = seat(&b.name, address);
    match b.kind {
        DebtorKind::Consumer => format!("{}, demeurant {place}", b.name),
        DebtorKind::Company | DebtorKind::PublicBody => {
            let mut s = b.name.clone();
            if let Some(siren) = &b.siren {
                s.push_str(&format!(", SIREN {}", siren_fr(siren)));
            }
            s.push_str(&format!(", dont le siège est situé {place}"));
            s
        }
    }
}

/// The exhibits: every invoice piece, then every event piece, in date order.
fn pieces(d: &Dossier) -> Vec<(String, String, String)> {
    let mut out: Vec<(NaiveDate, String, String)> = Vec::new();
    let mut invoices: Vec<_> = d.invoices.iter().collect();
    invoices.sort_by(|a, b| (a.issued, &a.number).cmp(&(b.issued, &b.number)));
    for inv in invoices {
        if let Some(p) = &inv.piece {
            out.push((
                inv.issued,
                format!("Facture n° {} ({})", inv.number, euros_fr(inv.amount)),
                p.clone(),
            ));
        }
    }
    let mut events: Vec<_> = d.events.iter().filter(|e| e.piece.is_some()).collect();
    events.sort_by_key(|e| e.date);
    for e in events {
        let what = match e.kind {
            crate::dossier::EventKind::Reminder => "Relance",
            crate::dossier::EventKind::FormalNotice => "Mise en demeure et avis de réception",
            crate::dossier::EventKind::Acknowledgment => "Reconnaissance de dette",
            crate::dossier::EventKind::Dispute => "Contestation du débiteur",
            crate::dossier::EventKind::IpServed => "Signification de l'ordonnance",
            crate::dossier::EventKind::ClaimMemorandum => "Mémoire en réclamation",
            crate::dossier::EventKind::ReferralFiled => "Requête en référé-provision",
        };
        out.push((
            e.date,
            what.to_string(),
            e.piece.clone().unwrap_or_default(),
        ));
    }
    out.into_iter()
        .map(|(d, t, f)| (t, date_short_fr(d), f))
        .collect()
}

/// CPC 1406: the judge of the place where the debtor lives; the court by the nature of the
/// claim. Between traders, the tribunal de commerce (Cerfa 12946); otherwise the tribunal
/// judiciaire (Cerfa 12948), whose juge des contentieux de la protection hears consumer credit
/// and residential leases (not handled here).
fn court(d: &Dossier, address: &[String]) -> Value {
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

fn statement_json(s: &Statement) -> Value {
    json!({
        "as_of": date_long_fr(s.as_of),
        "invoices": s.invoices.iter().map(|l| json!({
            "number": l.number,
            "issued": date_short_fr(l.issued),
            "due": date_short_fr(l.due),
            "principal": euros_fr(l.principal),
            "paid": euros_fr(l.paid),
            "penalties_paid": euros_fr(l.penalties_paid),
            "outstanding": euros_fr(l.outstanding),
            "accrued": euros_fr(l.penalties + l.interest),
            "indemnity": euros_fr(l.indemnity),
            "total_due": euros_fr(l.total_due()),
            "days_late": l.days_late.to_string(),
            "prescription": date_short_fr(l.prescription.expires_on),
            "prescription_basis": l.prescription.basis,
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
            "principal": euros_fr(s.totals.principal),
            "paid": euros_fr(s.totals.paid),
            "penalties": euros_fr(s.totals.penalties),
            "interest": euros_fr(s.totals.interest),
            "indemnities": euros_fr(s.totals.indemnities),
            "total_due": euros_fr(s.totals.total_due),
            "overpaid": euros_fr(s.totals.overpaid),
        },
        "rules": s.rules.iter().map(|r| json!({
            "id": r.id, "value": r.value.normalize().to_string(), "from": date_short_fr(r.from),
            "article": r.article, "source": r.source,
        })).collect::<Vec<_>>(),
        "warnings": s.warnings,
    })
}
