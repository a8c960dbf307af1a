//! The dossier: one creditor's claim against one debtor (spec §1).
//!
//! [`parse`] turns text into a validated [`Dossier`] or returns every problem at once;
//! [`fs::load_dir`] is the disk edge that also checks the pieces.

mod exhibits;
pub mod fs;
pub mod ids;
mod load;
mod payment_plan;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use load::{
    CreditorFile, Format, MAX_EVENTS, MAX_INVOICES, MAX_PAYMENT_DAYS, MAX_PAYMENTS,
    address_problem, check_piece_path, is_email, is_insee_code, parse, parse_amount,
    parse_creditor_file,
};

/// A validated dossier. Every invariant of spec §1 holds: unique invoice numbers,
/// `due >= issued`, positive amounts with at most two decimals, references to known invoices.
#[derive(Debug, Clone, PartialEq)]
pub struct Dossier {
    pub reference: String,
    pub language: String,
    /// The imputation that applies: the one the file gives, else the default of the regime
    /// (interest-first, C. civ. 1343-1; principal-first against a public person, CCP R2192-36).
    pub payment_imputation: Imputation,
    /// Whether the file gave `payment_imputation` (an explicit interest-first against a
    /// public person gets a warning).
    pub imputation_explicit: bool,
    /// The public contract's facts that pick the administrative court and procedure.
    pub contract: Option<Contract>,
    /// A court named by the user (name and address), used as given for any regime.
    pub court: Option<CourtChoice>,
    /// The avocat who presents a court request where one is required (CJA R431-2 before the
    /// tribunal administratif), and signs it.
    pub lawyer: Option<Lawyer>,
    /// Exhibits beyond the invoices and the events' proofs: the contract, the order, the
    /// proof of performance (`[[exhibits]]`), in the file's order.
    pub exhibits: Vec<Exhibit>,
    /// The dunning scenario (`legal-rules/scenarios/<id>.toml`); `None`: "default".
    pub scenario: Option<String>,
    pub creditor: Creditor,
    pub debtor: Debtor,
    pub agency: Option<Agency>,
    pub terms: Terms,
    pub invoices: Vec<Invoice>,
    pub payments: Vec<Payment>,
    pub events: Vec<Event>,
    /// The payment plan (échéancier) proposed or agreed with the debtor (spec §6).
    pub payment_plan: Option<PaymentPlan>,
}

/// A payment plan (spec §6). Its semantics live in `calc::payment_plan`.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentPlan {
    /// The day the debtor signed or accepted it in writing; `None` while only proposed.
    pub agreed: Option<NaiveDate>,
    pub piece: Option<String>,
    /// The invoices it covers; `None`: every invoice outstanding on `agreed`.
    pub invoices: Option<Vec<String>>,
    pub covers: PlanCovers,
    /// Days after an instalment's due date before the notice may be sent; `None`: the
    /// rule `plan-grace-days`.
    pub grace_days: Option<u32>,
    pub acceleration: Acceleration,
    /// In due order, each due after the previous one.
    pub instalments: Vec<Instalment>,
}

/// What a payment plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanCovers {
    /// Everything due on `agreed`: principal, accrued penalties or interest, indemnities.
    Total,
    /// The principal only; the accrued accessories are waived as long as the plan is kept.
    Principal,
}

/// How a payment plan ends when an instalment is missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceleration {
    /// After an instalment notice left unanswered (the default).
    AfterNotice,
    /// Without notice (b2b only: the agreement waives it expressly and unequivocally).
    Automatic,
}

impl PlanCovers {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanCovers::Total => "total",
            PlanCovers::Principal => "principal",
        }
    }
}

impl Acceleration {
    pub fn as_str(self) -> &'static str {
        match self {
            Acceleration::AfterNotice => "after-notice",
            Acceleration::Automatic => "automatic",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instalment {
    pub due: NaiveDate,
    pub amount: Decimal,
}

/// How a payment made after the due date is split between interest and principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imputation {
    /// C. civ. 1343-1: interest first, then principal (the default).
    InterestFirst,
    /// Principal first: a concession the creditor may make.
    PrincipalFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditorKind {
    /// Acts as a professional.
    Company,
    /// A natural person not acting for professional purposes.
    Individual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebtorKind {
    Company,
    Consumer,
    PublicBody,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Creditor {
    pub kind: CreditorKind,
    pub name: String,
    pub legal_form: Option<String>,
    pub siren: Option<String>,
    pub address: Vec<String>,
    pub email: Option<String>,
    /// Compact form, checked (mod 97).
    pub iban: Option<String>,
    pub signatory: Option<String>,
    /// Optional data the documents print when given (letterhead, parties of a request).
    pub extra: CreditorExtra,
}

/// Optional creditor data for the documents: the letterhead mentions of C. com. R123-237,
/// the legal representative (CPC 54 2° b), an individual's civil status (CPC 54 2° a), the
/// consumer mediator (C. conso. L612-1, L616-1). Each is printed only when given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreditorExtra {
    pub telephone: Option<String>,
    /// The city of the RCS registry ("Lyon": "RCS Lyon 732 829 320").
    pub rcs_city: Option<String>,
    /// Share capital in euros, a decimal string.
    pub share_capital: Option<Decimal>,
    /// The legal representative: a natural person ("Jeanne Martin").
    pub representative: Option<String>,
    /// Their capacity ("gérante", "président").
    pub representative_capacity: Option<String>,
    /// An individual creditor: "Mme" or "M." (the feminine where it applies).
    pub civility: Option<Civility>,
    pub birth_date: Option<NaiveDate>,
    pub birth_place: Option<String>,
    pub nationality: Option<String>,
    pub profession: Option<String>,
    /// The consumer mediator the creditor adheres to (name, address or website).
    pub consumer_mediator: Option<String>,
}

/// How a natural person is addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Civility {
    Madame,
    Monsieur,
}

/// Optional debtor data for the letters: who the letter is for, and the debtor's reference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DebtorExtra {
    /// The person the letter is for ("M. Paul Dupont, président"): the salutation follows it.
    pub attention: Option<String>,
    /// A consumer debtor: "Mme" or "M.".
    pub civility: Option<Civility>,
    /// The debtor's own reference for the claim ("Vos réf.").
    pub reference: Option<String>,
}

/// Whether a `public-body` debtor is a public person (State, collectivité, établissement
/// public) or a public undertaking / private-law buyer (SEM, SPL, SA HLM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicStatus {
    /// A public person, without saying which: its contracts are administrative (CCP L6),
    /// the code de la commande publique and the administrative judge apply.
    PublicPerson,
    /// A collectivité territoriale or an établissement public relevant d'elle.
    LocalAuthority,
    /// An établissement public de santé.
    PublicHospital,
    /// The State or one of its établissements publics.
    State,
    /// Not a public person: the b2b rules (C. com. L441-10) and the commercial court.
    PublicUndertaking,
}

impl PublicStatus {
    /// The name a dossier file uses (`"local-authority"`).
    pub fn as_str(self) -> &'static str {
        match self {
            PublicStatus::PublicPerson => "public-person",
            PublicStatus::LocalAuthority => "local-authority",
            PublicStatus::PublicHospital => "public-hospital",
            PublicStatus::State => "state",
            PublicStatus::PublicUndertaking => "public-undertaking",
        }
    }
}

/// The public contract an invoice of a public-person dossier was issued under.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contract {
    /// Where the contract is performed (CJA R312-11); `None`: the debtor's address.
    pub place_of_performance: Option<Vec<String>>,
    /// The CCAG the contract refers to (e.g. "CCAG-Travaux 2021"): a mémoire en
    /// réclamation must come before the judge (CE 16 déc. 2009, n° 326220).
    pub ccag: Option<String>,
}

/// An exhibit the court documents list (`[[exhibits]]`): what the claim rests on beside
/// the invoices (CPC 1407: the request comes with its supporting documents).
#[derive(Debug, Clone, PartialEq)]
pub struct Exhibit {
    pub kind: ExhibitKind,
    /// How the exhibit list names it, as given ("Contrat de maintenance n° 2025-14").
    pub title: String,
    pub date: Option<NaiveDate>,
    pub piece: String,
}

/// What an exhibit proves, which places it in the exhibit list and tells a référé whether
/// the obligation rests on more than the invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExhibitKind {
    /// The contract, the public contract (marché), the general terms the debtor accepted.
    Contract,
    /// The purchase order, the signed quotation.
    Order,
    /// The proof the work was done or the goods delivered: delivery note, reception report
    /// (procès-verbal de réception), attestation de service fait.
    Performance,
    /// Anything else (correspondence, an expert's report).
    Other,
}

/// The creditor's avocat: `name` ("Me Claire Roux"), `bar` (the barreau, "Lyon"), `address`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lawyer {
    pub name: String,
    pub bar: String,
    pub address: Option<Vec<String>>,
}

/// A court chosen by the user, printed as given.
#[derive(Debug, Clone, PartialEq)]
pub struct CourtChoice {
    pub name: String,
    pub address: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Debtor {
    pub kind: DebtorKind,
    pub name: String,
    /// SCI, SCP, association…: a civil debtor goes to the tribunal judiciaire (C. com. L721-3).
    pub legal_form: Option<String>,
    /// `public-body` only (default: a public person).
    pub public_status: Option<PublicStatus>,
    pub siren: Option<String>,
    /// A company's registered office when it differs from `address` (CPC 43, 1406).
    pub registered_office: Option<Vec<String>>,
    /// The INSEE code of the commune of the registered office (else of the address): finds
    /// the court exactly where a postal code may cover two court areas.
    pub insee: Option<String>,
    /// May be missing after an import: letters that print it refuse to render.
    pub address: Option<Vec<String>>,
    pub email: Option<String>,
    /// Date of the judgment opening a sauvegarde, redressement or liquidation.
    pub insolvency_opened: Option<NaiveDate>,
    pub extra: DebtorExtra,
}

impl Debtor {
    /// The postal code on the last address line, when there is an address.
    pub fn postal_code(&self) -> Option<&str> {
        self.address
            .as_ref()
            .and_then(|lines| lines.last())
            .and_then(|line| line.get(..5))
    }

    /// The date insolvency proceedings were opened against the debtor, when a claim
    /// invoiced on `issued` arose before it: such a claim is declared to the mandataire
    /// judiciaire, not paid nor sued for (C. com. L622-7, L622-21, L622-24), and stops
    /// accruing on the eve of the opening (L622-28). The invoice date stands for the date
    /// the claim arose.
    pub fn opened_after(&self, issued: NaiveDate) -> Option<NaiveDate> {
        self.insolvency_opened.filter(|opened| issued < *opened)
    }

    /// A public body that is a public person (the default for `public-body`).
    pub fn is_public_person(&self) -> bool {
        self.kind == DebtorKind::PublicBody
            && self.public_status != Some(PublicStatus::PublicUndertaking)
    }
}

/// A collection agency writing for the creditor (CPCE L124-1, R124-4).
#[derive(Debug, Clone, PartialEq)]
pub struct Agency {
    pub name: String,
    pub siren: String,
    pub address: Vec<String>,
    /// Reference of the creditor's written mandate (R124-3).
    pub mandate: String,
    /// The day the mandate took effect: recorded letters before it are the creditor's own,
    /// letters from it the agency's. Without it the agency's letters cannot tell, and speak
    /// of earlier letters without saying whose they were.
    pub mandated: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Terms {
    pub penalty_rate: PenaltyRate,
    /// What the claimed items are: invoices, or rents ("loyers") under a lease.
    pub claims: ClaimKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClaimKind {
    #[default]
    Invoices,
    Rents,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum PenaltyRate {
    /// ECB main refinancing rate + the L441-10 margin, by half-year.
    #[default]
    Default,
    /// A contractual annual rate in percent.
    Contractual(Decimal),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub number: String,
    pub issued: NaiveDate,
    pub due: NaiveDate,
    /// Amount including VAT, in euros.
    pub amount: Decimal,
    pub description: Option<String>,
    /// Path relative to the dossier folder.
    pub piece: Option<String>,
    /// b2g: the day the public buyer received the payment request (Chorus Pro); the legal
    /// payment term runs from it (CCP R2192-10).
    pub received: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    pub date: NaiveDate,
    pub amount: Decimal,
    /// The invoice the debtor said it pays (C. civ. 1342-10).
    pub invoice: Option<String>,
    pub reference: Option<String>,
    /// The proof of the payment and its date (bank statement, notice of a public payer's
    /// mandat): an exhibit when a court request states the payment.
    pub piece: Option<String>,
}

impl Payment {
    /// The order payments are applied in (spec §3): by date; on the same date those naming
    /// an invoice first, then by increasing amount, then by reference (none first), so the
    /// file's order never matters.
    pub fn application_order(
        &self,
    ) -> (NaiveDate, bool, Decimal, &Option<String>, &Option<String>) {
        (
            self.date,
            self.invoice.is_none(),
            self.amount,
            &self.reference,
            &self.invoice,
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// For a letter, the day the debtor received it (first presentation of a registered letter).
    pub date: NaiveDate,
    pub kind: EventKind,
    /// Without it the event concerns every invoice.
    pub invoice: Option<String>,
    pub channel: Option<Channel>,
    pub piece: Option<String>,
}

impl Event {
    /// Whether the event concerns this invoice (no invoice named means all of them).
    pub fn concerns(&self, invoice: &str) -> bool {
        self.invoice.as_deref().is_none_or(|n| n == invoice)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    Reminder,
    FormalNotice,
    Acknowledgment,
    Dispute,
    IpServed,
    /// The notice of a missed instalment of the payment plan (`relance-echeance`).
    InstalmentNotice,
    /// The payment plan has ended (déchéance du terme), as the creditor records it.
    PlanEnded,
    /// The debtor agreed the payment plan: its date is `payment_plan.agreed`.
    PlanAgreed,
    /// The mémoire en réclamation sent to the public buyer under a CCAG.
    ClaimMemorandum,
    /// The requête en référé-provision filed at the tribunal administratif (CJA R541-1).
    ReferralFiled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Email,
    Letter,
    RegisteredLetter,
    Phone,
    Sms,
}

impl EventKind {
    /// The name a dossier file uses (`"formal-notice"`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Reminder => "reminder",
            EventKind::FormalNotice => "formal-notice",
            EventKind::Acknowledgment => "acknowledgment",
            EventKind::Dispute => "dispute",
            EventKind::IpServed => "ip-served",
            EventKind::InstalmentNotice => "instalment-notice",
            EventKind::PlanEnded => "plan-ended",
            EventKind::PlanAgreed => "plan-agreed",
            EventKind::ClaimMemorandum => "claim-memorandum",
            EventKind::ReferralFiled => "referral-filed",
        }
    }
}

impl Channel {
    /// The name a dossier file uses (`"registered-letter"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::RegisteredLetter => "registered-letter",
            Channel::Phone => "phone",
            Channel::Sms => "sms",
        }
    }
}

/// Who owes whom, which picks the law that applies (spec §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Regime {
    /// Company creditor, company debtor: C. com. L441-10.
    B2b,
    /// Company creditor, consumer debtor: legal interest from the formal notice.
    B2c,
    /// Company creditor, public body: code de la commande publique.
    B2g,
    /// Individual creditor, any debtor.
    C2x,
}

impl Regime {
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::B2b => "b2b",
            Regime::B2c => "b2c",
            Regime::B2g => "b2g",
            Regime::C2x => "c2x",
        }
    }
}

/// The regime of a creditor and a debtor (spec §2).
pub fn regime_of(creditor: CreditorKind, debtor: DebtorKind, public_person: bool) -> Regime {
    match (creditor, debtor) {
        (CreditorKind::Individual, _) => Regime::C2x,
        (CreditorKind::Company, DebtorKind::Company) => Regime::B2b,
        (CreditorKind::Company, DebtorKind::Consumer) => Regime::B2c,
        // A public undertaking or private-law buyer (SEM, SPL, SA HLM) is not a public person.
        (CreditorKind::Company, DebtorKind::PublicBody) if !public_person => Regime::B2b,
        (CreditorKind::Company, DebtorKind::PublicBody) => Regime::B2g,
    }
}

impl Dossier {
    /// Every piece the dossier names, with the field naming it, in the file's order:
    /// invoices, payments, events, the payment plan, then the other exhibits.
    pub fn piece_paths(&self) -> Vec<(String, &str)> {
        let invoices = self.invoices.iter().enumerate().filter_map(|(i, inv)| {
            inv.piece
                .as_deref()
                .map(|p| (format!("invoices[{i}].piece"), p))
        });
        let payments = self.payments.iter().enumerate().filter_map(|(i, p)| {
            p.piece
                .as_deref()
                .map(|piece| (format!("payments[{i}].piece"), piece))
        });
        let events = self.events.iter().enumerate().filter_map(|(i, ev)| {
            ev.piece
                .as_deref()
                .map(|p| (format!("events[{i}].piece"), p))
        });
        let plan = self
            .payment_plan
            .iter()
            .filter_map(|p| p.piece.as_deref())
            .map(|p| ("payment_plan.piece".to_string(), p));
        let exhibits = self
            .exhibits
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("exhibits[{i}].piece"), e.piece.as_str()));
        invoices
            .chain(payments)
            .chain(events)
            .chain(plan)
            .chain(exhibits)
            .collect()
    }

    pub fn regime(&self) -> Regime {
        regime_of(
            self.creditor.kind,
            self.debtor.kind,
            self.debtor.is_public_person(),
        )
    }

    /// Things worth knowing that do not stop a computation (spec §5: a missing debtor address).
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.debtor.address.is_none() {
            warnings.push(
                "debtor.address is missing: the statement can be computed, but letters and the \
                 injonction de payer request cannot be rendered until it is filled in"
                    .to_string(),
            );
        }
        if self.creditor.signatory.is_none() {
            warnings.push(
                "creditor.signatory is missing: letters need the name and title of who signs them"
                    .to_string(),
            );
        }
        if let PenaltyRate::Contractual(_) = self.terms.penalty_rate
            && self.regime() != Regime::B2b
        {
            warnings.push(format!(
                "terms.penalty_rate applies between professionals only (C. com. L441-10): \
                 ignored for a {} dossier",
                self.regime().as_str()
            ));
        }
        if self.regime() == Regime::B2g
            && self.imputation_explicit
            && self.payment_imputation == Imputation::InterestFirst
        {
            warnings.push(
                "payment_imputation = \"interest-first\" against a public person: a mandat \
                 pays the principal, the moratory interest and the 40 € being paid separately \
                 (CCP L2192-12, L2192-13, R2192-36); imputing it to interest first re-imputes \
                 the mandat and may overstate the claim"
                    .to_string(),
            );
        }
        for (i, inv) in self.invoices.iter().enumerate() {
            if self.regime() == Regime::B2g && inv.received.is_none() {
                warnings.push(format!(
                    "invoices[{i}].received: not given for invoice {}: a public buyer's payment \
                     term runs from the day it received the payment request, failing proof from \
                     the request's date as CCP R2192-12 sets it; the delay is counted \
                     from due = {} as given: check that it is not earlier",
                    inv.number, inv.due
                ));
            }
            if let Some(received) = inv.received
                && inv.due < received
            {
                warnings.push(format!(
                    "invoices[{i}].due: {}: earlier than the day the payment request was \
                     received ({received}): the legal payment term runs from its receipt \
                     (CCP R2192-10 et s.), so the delay cannot start before it",
                    inv.due
                ));
            }
        }
        warnings
    }
}
