//! What each document says, as data: the JSON a letter template reads from `/data.json`.
//!
//! Built from the dossier, its statement and the rules, all pre-formatted for a French
//! reader (amounts "1 234,56 €", dates "1er juillet 2026"), so templates only lay text out.
//! The mandatory mentions of the document (`legal-rules/mentions/`) are filled here; a
//! mention whose data is missing stops the rendering with a message naming the field.
//!
//! One module per document family builds what that family adds to the shared data
//! (`common`): `reminders`, `formal_notice`, `statement` (the décompte), `court` (bordereau
//! and requête, and the one function naming the court), `plan` (the payment-plan letters:
//! proposal, instalment notice, déchéance du terme). The facts of the procedure come
//! from the dossier's records (`facts`); the French wording helpers are in `wording`.

mod claim;
mod common;
pub mod court;
mod facts;
mod formal_notice;
mod observations;
mod parties;
mod plan;
mod plan_proposal;
mod reminders;
mod statement;
mod values;
mod wording;

use chrono::NaiveDate;
use serde_json::Value;

use crate::calc::Statement;
use crate::dossier::Dossier;
use crate::rules::Rules;

/// A family of documents: one builder each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Reminder,
    FormalNotice,
    Statement,
    Court,
    /// The payment-plan letters (spec §6).
    Plan,
}

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
    /// The référé-provision before the tribunal administratif (a public person, CJA R541-1).
    RequeteRefere,
    /// The payment plan offered to the debtor for signature (spec §6).
    PropositionEcheancier,
    /// The notice of a missed instalment, before the déchéance du terme (spec §6).
    RelanceEcheance,
    /// The notification that the payment plan has ended: the whole is due again (spec §6).
    DecheanceDuTerme,
    /// The statement of account (relevé de compte) sent to the debtor: every invoice and
    /// payment with the running balance, the accessories due, the balance.
    ReleveDeCompte,
}

impl DocKind {
    pub const ALL: [DocKind; 12] = [
        DocKind::Relance1,
        DocKind::Relance2,
        DocKind::Relance3,
        DocKind::MiseEnDemeure,
        DocKind::Decompte,
        DocKind::Bordereau,
        DocKind::RequeteInjonction,
        DocKind::RequeteRefere,
        DocKind::PropositionEcheancier,
        DocKind::RelanceEcheance,
        DocKind::DecheanceDuTerme,
        DocKind::ReleveDeCompte,
    ];

    /// The documents this dossier can lead to: the court request of its procedure only (an
    /// injonction de payer, or the référé-provision against a public person). The
    /// payment-plan letters depend on the plan's state on a date: see [`DocKind::for_statement`].
    pub fn for_dossier(d: &Dossier) -> Vec<DocKind> {
        let refere = crate::courts::procedure(d) == crate::courts::Procedure::RefereProvision;
        DocKind::ALL
            .into_iter()
            .filter(|k| match k {
                DocKind::RequeteInjonction => !refere,
                DocKind::RequeteRefere => refere,
                k => k.family() != Family::Plan,
            })
            .collect()
    }

    /// [`DocKind::for_dossier`] and the payment-plan letter the plan's state calls for on
    /// the statement's date: the proposal while the plan is not yet agreed, the instalment
    /// notice once an instalment is unpaid past its grace days, the déchéance du terme once
    /// the plan has ended.
    pub fn for_statement(d: &Dossier, statement: &Statement, rules: &Rules) -> Vec<DocKind> {
        let mut kinds = DocKind::for_dossier(d);
        kinds.extend(plan::meaningful(d, statement, rules));
        kinds
    }

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
            DocKind::RequeteRefere => "requete-refere-provision",
            DocKind::PropositionEcheancier => "proposition-echeancier",
            DocKind::RelanceEcheance => "relance-echeance",
            DocKind::DecheanceDuTerme => "decheance-du-terme",
            DocKind::ReleveDeCompte => "releve-de-compte",
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
            DocKind::RequeteRefere => "RP",
            DocKind::PropositionEcheancier => "ECH",
            DocKind::RelanceEcheance => "RE",
            DocKind::DecheanceDuTerme => "DDT",
            DocKind::ReleveDeCompte => "RDC",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The family whose builder makes this document's data.
    pub fn family(self) -> Family {
        match self {
            DocKind::Relance1 | DocKind::Relance2 | DocKind::Relance3 => Family::Reminder,
            DocKind::MiseEnDemeure => Family::FormalNotice,
            DocKind::Decompte | DocKind::ReleveDeCompte => Family::Statement,
            DocKind::Bordereau | DocKind::RequeteInjonction | DocKind::RequeteRefere => {
                Family::Court
            }
            DocKind::PropositionEcheancier
            | DocKind::RelanceEcheance
            | DocKind::DecheanceDuTerme => Family::Plan,
        }
    }

    /// Whether the document is a letter to the debtor (window address, registered mail...).
    pub fn is_letter(self) -> bool {
        matches!(
            self,
            DocKind::Relance1
                | DocKind::Relance2
                | DocKind::Relance3
                | DocKind::MiseEnDemeure
                | DocKind::PropositionEcheancier
                | DocKind::RelanceEcheance
                | DocKind::DecheanceDuTerme
                | DocKind::ReleveDeCompte
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
    /// The document cannot be filed as the dossier stands: nothing is written.
    #[error("{document}: refused: {why}")]
    Refused { document: &'static str, why: String },
    #[error("{0}")]
    Rule(String),
}

/// Choices the user makes when producing a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Claim a disputed invoice in a request for an injonction de payer anyway; the request
    /// then states the dispute and its date.
    pub include_disputed: bool,
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
    /// For the user (English, on stderr), never printed in the document.
    pub warnings: Vec<String>,
    /// The EPC QR code's payload (a SEPA transfer of what the letter asks to pay), for the
    /// letters that ask for a payment when the creditor has an IBAN.
    pub epc_payload: Option<String>,
}

impl DocData {
    /// The options the document renders with: its date, its reference as the PDF's id and
    /// its QR code.
    pub fn render_options(&self) -> crate::documents::RenderOptions {
        let mut opts = crate::documents::RenderOptions::new(self.date, self.reference.clone());
        opts.epc_qr = self.epc_payload.clone();
        opts
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
    build_with(kind, dossier, statement, rules, &Options::default())
}

/// [`build`] with the user's [`Options`].
///
/// # Errors
/// As [`build`]; and [`LetterError::Refused`] for a document that cannot be filed: a
/// request for an injonction de payer with no exhibit (CPC 1407, 1409), or claiming a
/// disputed invoice without [`Options::include_disputed`].
pub fn build_with(
    kind: DocKind,
    dossier: &Dossier,
    statement: &Statement,
    rules: &Rules,
    options: &Options,
) -> Result<DocData, LetterError> {
    refuse(kind, dossier)?;
    refuse_in_insolvency(kind, dossier, statement)?;
    plan::refuse(kind, dossier, statement, rules)?;
    refuse_under_kept_plan(kind, statement)?;
    // The plan's letters read the plan's statement as it is, the statement of account lists
    // every invoice; the others claim what is due.
    let (due_only, not_yet_due) =
        if kind.family() == Family::Plan || kind == DocKind::ReleveDeCompte {
            (None, Vec::new())
        } else {
            past_due(statement)
        };
    let statement = due_only.as_ref().unwrap_or(statement);
    let principal_only = principal_only(kind, dossier, statement)?;
    let statement = principal_only.as_ref().unwrap_or(statement);
    if !matches!(kind.family(), Family::Statement | Family::Plan)
        && statement.invoices.iter().all(|l| l.total_due().is_zero())
    {
        return Err(LetterError::Refused {
            document: kind.name(),
            why: format!(
                "nothing is due on {}: no invoice is both past its due date and unpaid",
                statement.as_of
            ),
        });
    }
    let mut ctx = common::Context::new(kind, dossier, statement, rules, options)?;
    for (number, due) in not_yet_due {
        ctx.warnings.push(format!(
            "invoice {number} is not yet due on {} (due {due}): the document leaves it out",
            statement.as_of
        ));
    }
    // A formal notice is safest received at the registered office (the legal person's seat,
    // where the court of the request is also found): said when it goes elsewhere.
    if kind.family() == Family::FormalNotice
        && let Some(office) = &dossier.debtor.registered_office
        && !office.is_empty()
    {
        // The same place, whatever name or attention lines the address block adds.
        // (A terminal's warning: plain spaces, not the letters' no-break ones.)
        let place =
            |lines: &[String]| wording::seat(&dossier.debtor.name, lines).replace('\u{a0}', " ");
        let to = place(&ctx.debtor_address);
        let seat = place(office);
        if to != seat {
            ctx.warnings.push(format!(
                "the formal notice goes to debtor.address ({to}), not to the registered office \
                 ({seat}): send it (or a copy) to the registered office, so that its receipt \
                 cannot be disputed"
            ));
        }
    }
    let own = match kind.family() {
        Family::Reminder => reminders::data(&mut ctx)?,
        Family::FormalNotice => formal_notice::data(&mut ctx),
        Family::Statement => statement::data(&mut ctx),
        Family::Court => court::data(&mut ctx, rules)?,
        Family::Plan => plan::data(&mut ctx, rules)?,
    };
    let mut json = ctx.base_json();
    json.extend(own);
    if matches!(kind.family(), Family::Reminder | Family::FormalNotice) {
        // The code pays what the letter's sentence asks, to the cent: the principal in a
        // first reminder (which shows no accessories, unless an agency writes it).
        let amount = if kind == DocKind::Relance1 && ctx.agency.is_none() {
            statement.totals.outstanding
        } else {
            statement.totals.total_due
        };
        // The remittance text: the reference the letter asks to recall, and the invoices.
        let remittance = crate::documents::qr::remittance_of(
            &ctx.reference,
            ctx.lines.iter().map(|l| l.number.as_str()),
        );
        ctx.pay = Some((amount, remittance));
    }
    let epc_payload = epc(&ctx, &mut json);
    Ok(DocData {
        kind,
        reference: ctx.reference,
        date: ctx.date,
        mentions: ctx.mentions,
        json: Value::Object(json),
        warnings: ctx.warnings,
        epc_payload,
    })
}

/// The EPC QR code of the payment the letter asks for (`ctx.pay`), to the creditor's IBAN,
/// and its caption in the data (`epc_qr`: amount and remittance text). None for a public
/// payer: its accountant pays by mandat from the account designated in the contract, not
/// from a scan.
fn epc(ctx: &common::Context, json: &mut serde_json::Map<String, Value>) -> Option<String> {
    let (amount, remittance) = ctx.pay.as_ref()?;
    let iban = ctx.dossier.creditor.iban.as_deref()?;
    if ctx.dossier.debtor.is_public_person() {
        return None;
    }
    let payload =
        crate::documents::qr::epc_payload(&ctx.dossier.creditor.name, iban, *amount, remittance)?;
    json.insert(
        "epc_qr".into(),
        serde_json::json!({
            "amount": crate::documents::format::format_eur(*amount),
            "remittance": remittance,
        }),
    );
    Some(payload)
}

/// The statement of what is due on its date: a document claims only invoices whose due date
/// has passed ("arrivées à échéance"); an invoice not yet due is left out, totals recomputed.
/// `None` when every line is due (or under a payment plan, whose statement is the plan's).
fn past_due(statement: &Statement) -> (Option<Statement>, Vec<(String, chrono::NaiveDate)>) {
    let early = |l: &crate::calc::InvoiceLine| l.due >= statement.as_of && !l.total_due().is_zero();
    if statement.plan.is_some() || !statement.invoices.iter().any(early) {
        return (None, Vec::new());
    }
    let left_out = statement
        .invoices
        .iter()
        .filter(|l| early(l))
        .map(|l| (l.number.clone(), l.due))
        .collect();
    (Some(restricted(statement, |l| !early(l))), left_out)
}

/// `statement` with only the invoices `keep` keeps, its totals those of these invoices.
fn restricted(
    statement: &Statement,
    keep: impl Fn(&crate::calc::InvoiceLine) -> bool,
) -> Statement {
    let mut s = statement.clone();
    s.invoices.retain(|l| keep(l));
    s.totals = crate::calc::Totals::of(&s.invoices, statement.totals.overpaid);
    s
}

/// The first reminder claims the principal only (an agency's states everything, R124-4): an
/// invoice paid late that owes only accessories has no place in it, and the totals are
/// those of the invoices it lists. Refused when no principal is left.
fn principal_only(
    kind: DocKind,
    dossier: &Dossier,
    statement: &Statement,
) -> Result<Option<Statement>, LetterError> {
    let settled =
        |l: &crate::calc::InvoiceLine| l.outstanding.is_zero() && !l.total_due().is_zero();
    if kind != DocKind::Relance1
        || dossier.agency.is_some()
        || !statement.invoices.iter().any(settled)
    {
        return Ok(None);
    }
    let s = restricted(statement, |l| !settled(l));
    if s.invoices.iter().all(|l| l.total_due().is_zero()) {
        return Err(LetterError::Refused {
            document: kind.name(),
            why: "every invoice's principal is paid: only penalties or interest and indemnities \
                  remain, which relance-1 does not claim; send relance-2 or the formal notice, \
                  which state them"
                .to_string(),
        });
    }
    Ok(Some(s))
}

/// A payment plan being kept binds the creditor (C. civ. 1103): no reminder, demand or court
/// request for the invoices it covers until it ends; a missed instalment is notified with
/// relance-echeance, the end with decheance-du-terme, after which the dunning resumes.
fn refuse_under_kept_plan(kind: DocKind, statement: &Statement) -> Result<(), LetterError> {
    use crate::calc::payment_plan::PlanStatus;
    let Some(plan) = &statement.plan else {
        return Ok(());
    };
    let demand = matches!(kind.family(), Family::Reminder | Family::FormalNotice)
        || matches!(kind, DocKind::RequeteInjonction | DocKind::RequeteRefere);
    if !demand || plan.status != PlanStatus::Kept {
        return Ok(());
    }
    let next = plan
        .next_unpaid()
        .map(|i| format!(" (next instalment due {})", i.due))
        .unwrap_or_default();
    Err(LetterError::Refused {
        document: kind.name(),
        why: format!(
            "the payment plan agreed on {} is being kept{next}: the debtor is not in default of the invoice(s) it covers ({}) while it runs; notify a missed instalment with relance-echeance, and its end with decheance-du-terme",
            plan.agreed,
            plan.invoices.join(", ")
        ),
    })
}

/// No demand and no action for a claim that arose before the opening of a sauvegarde,
/// redressement or liquidation judiciaire: payment is forbidden (C. com. L622-7) and actions
/// are stayed (L622-21); such claims are declared to the mandataire judiciaire (L622-24). The
/// statement and the exhibit list, which support the declaration, are still produced.
fn refuse_in_insolvency(
    kind: DocKind,
    d: &Dossier,
    statement: &Statement,
) -> Result<(), LetterError> {
    let Some(opened) = d.debtor.insolvency_opened else {
        return Ok(());
    };
    // The statement of account invites payment: it is a demand here (L622-7).
    if kind == DocKind::Decompte || kind == DocKind::Bordereau {
        return Ok(());
    }
    let before: Vec<&str> = statement
        .invoices
        .iter()
        .filter(|l| d.debtor.opened_after(l.issued).is_some() && !l.total_due().is_zero())
        .map(|l| l.number.as_str())
        .collect();
    if before.is_empty() {
        return Ok(());
    }
    Err(LetterError::Refused {
        document: kind.name(),
        why: format!(
            "the debtor is in insolvency proceedings opened on {opened} (debtor.insolvency_opened): \
             invoice(s) {} arose before the opening and can be neither demanded nor sued for \
             (C. com. L622-7, L622-21): declare them to the mandataire judiciaire (L622-24) \
             with the statement (decompte) and the exhibit list (bordereau)",
            before.join(", ")
        ),
    })
}

/// The court documents a dossier's procedure forbids: no injonction de payer against a public
/// person (CCP L6); the référé-provision only against one, and after the CCAG's mémoire en
/// réclamation when a CCAG applies (CE 16 déc. 2009, n° 326220).
fn refuse(kind: DocKind, d: &Dossier) -> Result<(), LetterError> {
    let reason = match kind {
        DocKind::RequeteInjonction => crate::courts::ip_refusal(d),
        DocKind::RequeteRefere
            if crate::courts::procedure(d) != crate::courts::Procedure::RefereProvision =>
        {
            Some(
                "the référé-provision before the tribunal administratif is the route against a \
                 public person only (debtor kind \"public-body\", not a public undertaking): \
                 use requete-injonction-de-payer"
                    .to_string(),
            )
        }
        DocKind::RequeteRefere => crate::courts::memorandum_missing(d),
        _ => None,
    };
    match reason {
        Some(why) => Err(LetterError::Refused {
            document: kind.name(),
            why,
        }),
        None => Ok(()),
    }
}
