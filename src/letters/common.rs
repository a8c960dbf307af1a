//! What every document of a dossier shares: the parties, the claim lines, the deadline, the
//! values the mandatory mentions are filled from, and the data every template reads.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::facts::{Facts, Maintained, Piece, PieceSource, Voice, pieces};
use super::parties::{creditor_identification, debtor_identification};
use super::wording::{
    city, enumerate_fr, recipient_lines, salutation, siren_fr, typo_fr, upper_first, words,
};
use super::{DocKind, FilledMention, LetterError, Options};
use crate::calc::calendar::{debtor_department, formal_notice_deadline};
use crate::calc::{InvoiceLine, Statement};
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
};
use crate::dossier::{Channel, ClaimKind, CreditorKind, Dossier, EventKind, Regime};
use crate::rules::Rules;

use super::claim::{
    claim_basis, imputation_split, payment_means, rates_applied, shown_accessories, subject,
};
use super::values::{OPTIONAL_VALUES, fill};

/// The shared facts and wording of one document being built.
pub(super) struct Context<'a> {
    pub kind: DocKind,
    pub dossier: &'a Dossier,
    /// The collection agency that writes the document: its letters, never a court request,
    /// which is the creditor's own (an agency is not the creditor's representative before
    /// the judge: it would need a special power relance does not draft).
    pub agency: Option<&'a crate::dossier::Agency>,
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
    /// What the letter asks the debtor to pay now, and the remittance text it asks for:
    /// the EPC QR code's amount and text, when the creditor has an IBAN.
    pub pay: Option<(rust_decimal::Decimal, String)>,
    pub pieces: Vec<Piece>,
    pub facts: Facts<'a>,
    /// An individual creditor writing itself: "je", not "nous".
    pub je: bool,
    pub options: Options,
    /// For the user (stderr), never printed in the document.
    pub warnings: Vec<String>,
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
        options: &Options,
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
        let agency = match kind {
            // The statement of account is the creditor's own book-keeping document.
            DocKind::RequeteInjonction | DocKind::RequeteRefere | DocKind::ReleveDeCompte => None,
            _ => dossier.agency.as_ref(),
        };
        let signatory = match &dossier.creditor.signatory {
            Some(s) => s.clone(),
            None if agency.is_some() => String::new(),
            None => {
                return Err(missing(
                    "creditor.signatory",
                    "the document is signed: give the name and title of who signs, e.g. \"Jeanne Martin, gérante\"",
                ));
            }
        };
        let (sign_name, sign_title) = match agency {
            Some(a) => (a.name.clone(), "Service recouvrement".to_string()),
            None => match signatory.split_once(',') {
                Some((n, t)) => (n.trim().to_string(), t.trim().to_string()),
                None => (signatory.clone(), String::new()),
            },
        };

        let regime = statement.regime;
        let department = debtor_department(dossier);
        let (delay_days, due_by) =
            formal_notice_deadline(rules, date, department).map_err(LetterError::Rule)?;

        let lines: Vec<&InvoiceLine> = statement
            .invoices
            .iter()
            .filter(|l| !l.total_due().is_zero())
            .collect();
        let claim_basis = claim_basis(dossier, regime, &lines);
        let payment_means = payment_means(dossier);
        let pieces = pieces(dossier, date);
        let facts = Facts::new(dossier, &lines, date, &pieces);
        let je = dossier.creditor.kind == CreditorKind::Individual && agency.is_none();
        let mut ctx = Context {
            kind,
            dossier,
            agency,
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
            pay: None,
            pieces,
            facts,
            je,
            options: options.clone(),
            warnings: Vec::new(),
            values: BTreeMap::new(),
            mentions: Vec::new(),
        };
        ctx.values = ctx.mention_values(rules);
        for m in rules
            .mentions
            .iter()
            .filter(|m| m.applies(doc, regime.as_str(), agency.is_some(), date))
        {
            // A mention resting on an optional field (the consumer mediator) is printed only
            // when the dossier gives it.
            if m.placeholders()
                .iter()
                .any(|p| OPTIONAL_VALUES.contains(p) && !ctx.values.contains_key(p))
            {
                continue;
            }
            let filled = fill(m, doc, &ctx.values)?;
            ctx.mentions.push(filled);
        }
        // CPCE R124-4: the demand and the payment means come before the quotations of
        // L111-8 (5°), which close the letter's mentions.
        ctx.mentions.sort_by_key(|m| m.id.starts_with("r124-4-5"));
        ctx.exhibit_warnings();
        if dossier.creditor.iban.is_none()
            && dossier.debtor.is_public_person()
            && ctx.kind.is_letter()
        {
            ctx.warnings.push(
                "creditor.iban is not given: the letter asks the public payer for a mandatement without naming the account to credit (a public accountant pays only to bank details it holds); give the IBAN"
                    .to_string(),
            );
        }
        if let Some(a) = ctx.agency
            && a.mandated.is_none()
            && ctx.kind.is_letter()
            && !(ctx.facts.reminders.is_empty() && ctx.facts.formal_notices.is_empty())
        {
            ctx.warnings.push(
                "agency.mandated is not given: the letter cannot tell the agency's earlier letters from the creditor's, so it names them without \"notre\" and recalls no first letter (CPCE R124-4); give the mandate's date"
                    .to_string(),
            );
        }
        Ok(ctx)
    }

    /// The voice of the letters: "nous", or "je" for an individual creditor.
    pub fn voice(&self) -> Voice {
        if self.je { Voice::I } else { Voice::We }
    }

    /// L441-9 and CPC 1407: a claimed invoice without its piece proves nothing, and the
    /// penalties and the 40 € rest on the invoice's mentions.
    fn exhibit_warnings(&mut self) {
        let with_piece = |n: &str| {
            self.pieces
                .iter()
                .any(|p| p.source == PieceSource::Invoice(n.to_string()))
        };
        let missing: Vec<&InvoiceLine> = self
            .lines
            .iter()
            .copied()
            .filter(|l| !with_piece(&l.number))
            .collect();
        let mut warnings = Vec::new();
        for l in missing {
            warnings.push(format!(
                "invoice {}: no `piece`: the claim has no exhibit for it (CPC 1407){}",
                l.number,
                if self.regime == Regime::B2b && (!(l.penalties + l.interest).is_zero() || !l.indemnity.is_zero()) {
                    "; the penalties and the 40 € claimed rest on the invoice's mentions (C. com. L441-9, L441-10): add the invoice as a piece"
                } else {
                    ""
                }
            ));
        }
        self.warnings.extend(warnings);
    }

    /// "arrêtée au 30 juin 2026, outre les pénalités de retard courant jusqu'à parfait
    /// paiement": what keeps running after the letter's date, by regime.
    pub fn as_of_clause(&self) -> String {
        let running = match self.regime {
            Regime::B2b => Some("les pénalités de retard"),
            Regime::B2g => Some("les intérêts moratoires"),
            // Legal interest runs from a formal notice: this one, or one already received.
            Regime::B2c | Regime::C2x => (self.kind == DocKind::MiseEnDemeure
                || self.facts.first_formal_notice().is_some())
            .then_some("les intérêts au taux légal"),
        };
        // Moratory interest runs on the principal left unpaid (CCP L2192-13; spec §3), and
        // the public accountant pays the principal first: it stops with the principal.
        let until = match self.regime {
            Regime::B2g => "jusqu'au paiement du principal",
            _ => "jusqu'à parfait paiement",
        };
        match running {
            Some(r) => format!(
                "arrêtée au {}, outre {r} courant {until}",
                date_long_fr(self.date)
            ),
            None => format!("arrêtée au {}", date_long_fr(self.date)),
        }
    }

    /// One line per payment imputed on a claimed invoice: "Règlement du 20/03/2026 imputé sur
    /// la facture F-1 : 1 500,00 €, sur les pénalités échues (59,86 €) puis sur le principal
    /// (1 440,14 €) – C. civ. 1343-1". The statement shows the same split.
    pub fn imputations(&self) -> Vec<String> {
        let item = if self.dossier.terms.claims == ClaimKind::Rents {
            "le loyer"
        } else {
            "la facture"
        };
        let mut out = Vec::new();
        for l in &self.lines {
            for i in &l.imputations {
                // A payment naming no invoice says so: the debtor did not choose this one.
                // A letter speaks to the debtor; a court document of it.
                let unnamed = match (i.named, self.kind.is_letter()) {
                    (true, _) => "",
                    (false, true) => ", sans indication de votre part de la facture réglée,",
                    (false, false) => ", sans désignation par le débiteur,",
                };
                out.push(typo_fr(&format!(
                    "Règlement du {}{unnamed} imputé sur {item} n°\u{a0}{} : {}, {}",
                    date_short_fr(i.date),
                    l.number,
                    euros_fr(i.amount()),
                    imputation_split(i, self.regime)
                )));
            }
        }
        out
    }

    /// The data every template reads: parties, letterhead, claim table, totals, mentions.
    pub fn base_json(&self) -> Map<String, Value> {
        let dossier = self.dossier;
        let regime = self.regime;
        let t = &self.statement.totals;
        let (sender, place) = match self.agency {
            Some(a) => {
                let identity = vec![
                    "Recouvrement amiable de créances pour le compte d'autrui".to_string(),
                    format!("SIREN {}", siren_fr(&a.siren)),
                ];
                (
                    json!({
                        "name": a.name,
                        "identity": identity,
                        "address": a.address,
                        "contact": [],
                        "footer": footer(&a.name, &identity),
                    }),
                    city(&a.address),
                )
            }
            None => {
                let identity = creditor_letterhead(dossier);
                let c = &dossier.creditor;
                let contact: Vec<String> = c
                    .extra
                    .telephone
                    .iter()
                    .map(|t| format!("Tél.\u{a0}: {t}"))
                    .chain(c.email.iter().cloned())
                    .collect();
                (
                    json!({
                        "name": c.name,
                        "identity": identity,
                        "address": c.address,
                        "contact": contact,
                        "footer": footer(&c.name, &identity),
                    }),
                    city(&c.address),
                )
            }
        };
        let numbers: Vec<String> = self.lines.iter().map(|l| l.number.clone()).collect();
        let subject = subject(
            self.kind,
            &numbers,
            self.facts.reminder_dates().len(),
            self.facts.reminded_of_all(&numbers),
        );
        let json = json!({
            "document": self.kind.name(),
            // The page geometry, for the page furniture of a long document (style.typ).
            "layout": if self.kind.is_letter() { "letter" } else { "court" },
            "regime": regime.as_str(),
            "agency": self.agency.is_some(),
            "sender": sender,
            "creditor": {
                "name": dossier.creditor.name,
                "address": dossier.creditor.address,
                "identification": creditor_identification(dossier),
            },
            "recipient": {
                "name": dossier.debtor.name,
                "address": recipient_lines(
                    &dossier.debtor.name,
                    dossier.debtor.extra.attention.as_deref(),
                    &self.debtor_address,
                ),
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
            "registered_mail_label": "Lettre recommandée avec demande d'avis de réception",
            "salutation": self.salutation(),
            "closing": self.closing(),
            "je": self.je,
            "their_reference": dossier.debtor.extra.reference.clone().unwrap_or_default(),
            "our_reference": if self.kind.is_letter() { self.reference.clone() } else { String::new() },
            "first_letter": self.first_letter_recall(),
            "signature": {
                "name": self.sign_name,
                "title": self.sign_title,
                "line": if self.sign_title.is_empty() { self.sign_name.clone() } else { format!("{}, {}", self.sign_name, self.sign_title) },
            },
            "words": words(
                self.lines.len(),
                dossier.terms.claims,
                self.lines.iter().any(|l| l.outstanding.is_zero()),
                self.lines.iter().any(|l| !l.paid.is_zero()),
            ),
            "paid_late": super::facts::paid_late_sentence(
                &self.lines,
                self.regime,
                dossier.terms.claims == ClaimKind::Rents,
            ),
            "facts": self.facts_json(),
            "as_of_clause": self.as_of_clause(),
            "imputations": self.imputations(),
            "rates": rates_applied(&self.lines, Some(self.statement.as_of)),
            "invoices": self.invoices_json(),
            // Whether anything beyond the principal is claimed: against a consumer, nothing
            // accrues before a formal notice (C. civ. 1231-6, 1344-1).
            "has_accessories": self.lines.iter().any(|l| {
                let (accrued, indemnity) = shown_accessories(l);
                !(accrued + indemnity).is_zero()
            }),
            "totals": {
                "principal": euros_fr(t.principal),
                "paid": euros_fr(t.paid),
                "outstanding": euros_fr(t.outstanding),
                "accrued": euros_fr(self.lines.iter().map(|l| shown_accessories(l).0).sum()),
                "indemnities": euros_fr(self.lines.iter().map(|l| shown_accessories(l).1).sum()),
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
                let (accrued, indemnity) = shown_accessories(l);
                json!({
                    "number": l.number,
                    "description": inv.and_then(|i| i.description.clone()).unwrap_or_default(),
                    "piece": inv.is_some_and(|i| i.piece.is_some()),
                    "issued": date_short_fr(l.issued),
                    "due_date": date_short_fr(l.due),
                    "days_late": l.days_late.to_string(),
                    "principal": euros_fr(l.principal),
                    "paid": euros_fr(l.paid),
                    "outstanding": euros_fr(l.outstanding),
                    "accrued": euros_fr(accrued),
                    "indemnity": euros_fr(indemnity),
                    "total": euros_fr(l.total_due()),
                    "amount": euros_fr(l.outstanding),
                })
            })
            .collect()
    }
}

impl Context<'_> {
    fn salutation(&self) -> String {
        let d = &self.dossier.debtor;
        let attention = d.extra.attention.clone().or_else(|| {
            self.debtor_address
                .iter()
                .find(|l| {
                    let l = l.to_lowercase();
                    l.starts_with("à l'attention")
                        || l.starts_with("à l’attention")
                        || l.starts_with("a l'attention")
                })
                .cloned()
        });
        salutation(attention.as_deref(), d.extra.civility, &d.name)
    }

    /// "Nous vous prions d'agréer, Monsieur le Président, l'expression de nos salutations
    /// distinguées." with the salutation's form of address.
    fn closing(&self) -> String {
        let who = self.salutation();
        let who = who.trim_end_matches(',');
        if self.je {
            format!("Je vous prie d'agréer, {who}, l'expression de mes salutations distinguées.")
        } else {
            format!(
                "Nous vous prions d'agréer, {who}, l'expression de nos salutations distinguées."
            )
        }
    }

    /// CPCE R124-4, last paragraph: an agency's later letters recall the reference and the
    /// date of its first letter. Its first letter is the first written reminder or notice
    /// recorded on or after the mandate (`agency.mandated`); one before it was the
    /// creditor's, and without the mandate's date none can be said to be the agency's. Its own
    /// reference is not recorded, so the dossier's reference (the prefix of every letter's
    /// reference) is recalled, and a letter's date is its receipt, said as such.
    fn first_letter_recall(&self) -> String {
        if !self.kind.is_letter() {
            return String::new();
        }
        let Some(mandated) = self.agency.and_then(|a| a.mandated) else {
            return String::new();
        };
        let first = self
            .dossier
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Reminder | EventKind::FormalNotice))
            .filter(|e| {
                e.channel
                    .is_none_or(|c| c != Channel::Phone && c != Channel::Sms)
            })
            .filter(|e| e.date >= mandated && e.date < self.date)
            .min_by_key(|e| e.date);
        let Some(first) = first else {
            return String::new();
        };
        let what = match first.channel {
            Some(Channel::Email) => {
                format!("notre premier courriel, du {}", date_long_fr(first.date))
            }
            _ => format!(
                "notre première lettre, reçue le {}",
                date_long_fr(first.date)
            ),
        };
        typo_fr(&format!(
            "Rappel de {what}, dossier référence {}",
            self.dossier.reference
        ))
    }

    /// How a letter speaks of the recorded reminders and notices: as its own ("notre
    /// relance"), unless an agency writes and some of them may predate its mandate, in which
    /// case they are named without saying whose they were ("la relance du …").
    fn steps_voice(&self) -> Voice {
        let Some(agency) = self.agency else {
            return self.voice();
        };
        let mut dates = self
            .facts
            .reminders
            .iter()
            .chain(&self.facts.formal_notices)
            .map(|f| f.event.date);
        match agency.mandated {
            Some(m) if dates.all(|d| d >= m) => Voice::We,
            _ => Voice::Neutral,
        }
    }

    fn facts_json(&self) -> Value {
        let voice = self.steps_voice();
        let reminders = self.facts.reminders_phrase(voice);
        let maintained = match (self.agency.is_some(), self.je) {
            (true, _) => Maintained::Agency(&self.dossier.creditor.name),
            (false, true) => Maintained::I,
            (false, false) => Maintained::We,
        };
        let disputes: Vec<String> = if self.kind == DocKind::RequeteInjonction {
            self.facts.dispute_sentences(false, Maintained::Applicant)
        } else {
            self.facts.dispute_sentences(true, maintained)
        };
        // The request: "malgré la relance du … et la mise en demeure reçue le … (pièce n° 4)".
        let court_steps = {
            let r = self.facts.reminders_phrase(Voice::Third);
            let n = self.facts.formal_notice_phrase(Voice::Third);
            enumerate_fr(
                &[r, n]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>(),
            )
        };
        // A letter's "malgré …": the reminders, then the formal notice already received.
        let steps = enumerate_fr(
            &[reminders.clone(), self.facts.formal_notice_phrase(voice)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>(),
        );
        json!({
            "steps": steps,
            "plan": self.plan_sentence().map(|p| typo_fr(&p)).unwrap_or_default(),
            "reminders_capitalized": upper_first(&reminders),
            "reminders_left": if self.facts.reminders.len() > 1 { "restées" } else { "restée" },
            "reminders": reminders,
            "formal_notice": self.facts.formal_notice_phrase(voice),
            "court_steps": court_steps,
            "disputes": disputes.iter().map(|d| typo_fr(d)).collect::<Vec<_>>(),
        })
    }
}

impl Context<'_> {
    /// The payment plan that ended, as a court request or a later demand states it: "L'échéancier
    /// de paiement convenu le 2 mars 2026 (pièce n° 3), qui vaut reconnaissance de la dette
    /// (C. civ. 2240), a pris fin : …, la déchéance du terme est acquise depuis le 5 juin 2026."
    fn plan_sentence(&self) -> Option<String> {
        use crate::calc::payment_plan::{EndCause, PlanStatus};
        let plan = self.statement.plan.as_ref()?;
        let PlanStatus::Ended { on, by } = &plan.status else {
            return None;
        };
        let exhibit = |source: &PieceSource| {
            self.pieces
                .iter()
                .position(|p| p.source == *source)
                .map(|i| format!(" (pièce n°\u{a0}{})", i + 1))
        };
        let event_exhibit = |kind: crate::dossier::EventKind, date: NaiveDate| {
            self.dossier
                .events
                .iter()
                .position(|e| e.kind == kind && e.date == date)
                .and_then(|i| exhibit(&PieceSource::Event(i)))
                .unwrap_or_default()
        };
        let agreed_exhibit = exhibit(&PieceSource::Plan)
            .unwrap_or_else(|| event_exhibit(crate::dossier::EventKind::PlanAgreed, plan.agreed));
        let unpaid = |pred: &dyn Fn(&crate::calc::payment_plan::InstalmentState) -> bool| {
            plan.instalments
                .iter()
                .enumerate()
                .find(|(_, i)| pred(i) && !i.unpaid().is_zero())
                .map(|(k, i)| format!("l'échéance n°\u{a0}{} du {}", k + 1, date_long_fr(i.due)))
        };
        let cause = match by {
            EndCause::Notice { notice, .. } => format!(
                "{} étant restée impayée à l'expiration du délai donné par la relance d'échéance reçue le {}{}, ",
                unpaid(&|i| i.notice_from <= *notice).unwrap_or_else(|| "une échéance".to_string()),
                date_long_fr(*notice),
                event_exhibit(crate::dossier::EventKind::InstalmentNotice, *notice)
            ),
            EndCause::Automatic { instalment } => format!(
                "{} étant restée impayée {} jours après sa date, ",
                unpaid(&|i| i.due == *instalment).unwrap_or_else(|| "une échéance".to_string()),
                plan.grace_days
            ),
            EndCause::Recorded => String::new(),
        };
        Some(format!(
            "L'échéancier de paiement convenu le {}{agreed_exhibit}, qui vaut reconnaissance de la dette (C. civ. 2240), a pris fin : {cause}la déchéance du terme est acquise depuis le {}{}.",
            date_long_fr(plan.agreed),
            date_long_fr(*on),
            if matches!(by, EndCause::Recorded) {
                event_exhibit(crate::dossier::EventKind::PlanEnded, *on)
            } else {
                String::new()
            }
        ))
    }
}

/// The letterhead lines after the name (C. com. R123-237): legal form and share capital,
/// then the registry and SIREN; nothing for a field the dossier does not give.
fn creditor_letterhead(d: &Dossier) -> Vec<String> {
    let c = &d.creditor;
    let mut out = Vec::new();
    // A lone form the name already shows ("Atelier Martin SARL") is not printed again;
    // with the capital it keeps the usual "SAS au capital de …".
    let form = match (&c.legal_form, c.extra.share_capital) {
        (Some(f), Some(k)) => Some(format!("{f} au capital de {}", euros_fr(k))),
        (Some(f), None) if super::wording::name_shows_form(&c.name, f) => None,
        (Some(f), None) => Some(f.clone()),
        (None, Some(k)) => Some(format!("Au capital de {}", euros_fr(k))),
        (None, None) => None,
    };
    out.extend(form);
    if let Some(siren) = &c.siren {
        out.push(match &c.extra.rcs_city {
            Some(city) => format!("RCS {city} {}", siren_fr(siren)),
            None => format!("SIREN {}", siren_fr(siren)),
        });
    }
    out
}

/// The footer line: the name and the identity lines, joined by dashes, no empty part.
fn footer(name: &str, identity: &[String]) -> String {
    std::iter::once(name.to_string())
        .chain(identity.iter().cloned())
        .collect::<Vec<_>>()
        .join(" – ")
}
