//! The facts of the procedure, from the dossier's records only: what was sent when and how,
//! what the debtor contested or acknowledged, and the exhibits in the order they are
//! numbered. A document states a fact only when an event records it.

use chrono::NaiveDate;

use super::wording::{dates_fr, plural};
use crate::calc::InvoiceLine;
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
};
use crate::dossier::{Channel, Dossier, Event, EventKind, ExhibitKind};

/// One exhibit: what it is, its date as printed, the file it comes from (kept for the
/// bundle, never printed), and the event or invoice it proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Piece {
    pub title: String,
    pub date: String,
    pub file: String,
    pub source: PieceSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PieceSource {
    Invoice(String),
    /// Index in `dossier.events`.
    Event(usize),
    /// The signed payment plan (`payment_plan.piece`).
    Plan,
    /// Index in `dossier.exhibits`.
    Exhibit(usize),
    /// Index in `dossier.payments`.
    Payment(usize),
}

/// A recorded event the documents may state, with its exhibit number when it has a piece.
#[derive(Debug, Clone)]
pub(super) struct Fact<'a> {
    pub event: &'a Event,
    pub exhibit: Option<usize>,
    /// The claimed invoices already due on the event's date that it concerns, when they are
    /// not all the claimed invoices: a reminder of 15 January cannot have been about an
    /// invoice due in February. `None`: every claimed invoice.
    pub only: Option<Vec<String>>,
}

/// A dispute not followed by an acknowledgment, and the claimed invoices it concerns.
#[derive(Debug, Clone)]
pub(super) struct OpenDispute<'a> {
    pub fact: Fact<'a>,
    pub invoices: Vec<String>,
}

/// What happened in the procedure up to the document's date, for the claimed invoices.
#[derive(Debug, Clone)]
pub(super) struct Facts<'a> {
    /// Reminders sent after the first claimed due date, in date order.
    pub reminders: Vec<Fact<'a>>,
    /// Formal notices received after a claimed due date, in date order.
    pub formal_notices: Vec<Fact<'a>>,
    pub disputes: Vec<OpenDispute<'a>>,
}

impl<'a> Facts<'a> {
    pub fn new(
        dossier: &'a Dossier,
        lines: &[&InvoiceLine],
        as_of: NaiveDate,
        pieces: &[Piece],
    ) -> Facts<'a> {
        let exhibit = |index: usize| {
            pieces
                .iter()
                .position(|p| p.source == PieceSource::Event(index))
                .map(|i| i + 1)
        };
        let claimed = |e: &Event| lines.iter().any(|l| e.concerns(&l.number));
        let first_due = lines.iter().map(|l| l.due).min();
        let mut events: Vec<(usize, &Event)> = dossier
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.date <= as_of && claimed(e))
            .collect();
        events.sort_by_key(|(i, e)| (e.date, *i));
        let after_due = |e: &Event| first_due.is_some_and(|due| e.date > due);
        let coverage = |e: &Event| -> Vec<String> {
            lines
                .iter()
                .filter(|l| e.concerns(&l.number) && l.due < e.date)
                .map(|l| l.number.clone())
                .collect()
        };
        let mut covered: Vec<(usize, Vec<String>)> = Vec::new();
        for (i, e) in &events {
            if matches!(e.kind, EventKind::Reminder | EventKind::FormalNotice) {
                let c = coverage(e);
                if c.len() < lines.len() {
                    covered.push((*i, c));
                }
            }
        }
        let only = |i: usize| -> Option<Vec<String>> {
            covered
                .iter()
                .find(|(j, _)| *j == i)
                .map(|(_, c)| c.clone())
        };
        let of = |kind: EventKind| -> Vec<Fact<'a>> {
            events
                .iter()
                .filter(|(i, e)| {
                    e.kind == kind && after_due(e) && only(*i).is_none_or(|c| !c.is_empty())
                })
                .map(|(i, e)| Fact {
                    event: e,
                    exhibit: exhibit(*i),
                    only: only(*i),
                })
                .collect()
        };
        let reminders = of(EventKind::Reminder);
        let formal_notices = of(EventKind::FormalNotice);
        let mut disputes = Vec::new();
        for (i, e) in events.iter().filter(|(_, e)| e.kind == EventKind::Dispute) {
            let invoices: Vec<String> = lines
                .iter()
                .filter(|l| e.concerns(&l.number))
                .filter(|l| {
                    !events.iter().any(|(_, a)| {
                        a.kind == EventKind::Acknowledgment
                            && a.date >= e.date
                            && a.concerns(&l.number)
                    })
                })
                .map(|l| l.number.clone())
                .collect();
            if !invoices.is_empty() {
                disputes.push(OpenDispute {
                    fact: Fact {
                        event: e,
                        exhibit: exhibit(*i),
                        only: None,
                    },
                    invoices,
                });
            }
        }
        Facts {
            reminders,
            formal_notices,
            disputes,
        }
    }

    /// The distinct dates of the recorded reminders, in order.
    pub fn reminder_dates(&self) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = self.reminders.iter().map(|f| f.event.date).collect();
        dates.sort();
        dates.dedup();
        dates
    }

    /// Whether every recorded reminder concerned all of `numbers` (the invoices a letter
    /// claims): a reminder sent before some of them fell due did not remind of those.
    pub fn reminded_of_all(&self, numbers: &[String]) -> bool {
        self.reminders.iter().all(|f| {
            f.only
                .as_ref()
                .is_none_or(|only| numbers.iter().all(|n| only.contains(n)))
        })
    }

    /// "notre relance du 20 mars 2026" / "nos relances des 20 février et 16 mars 2026";
    /// empty without a recorded reminder.
    /// `voice` is "notre"/"nos" or "ma"/"mes" (an individual creditor writes "je"), or "la"/"les"
    /// for a request, which speaks of the creditor in the third person.
    pub fn reminders_phrase(&self, voice: Voice) -> String {
        let (one, many) = voice.determiners();
        // A court document cites each reminder's exhibit, so the dates are then said one by one.
        let cited = voice == Voice::Third && self.reminders.iter().any(|f| f.exhibit.is_some());
        if !cited && self.reminders.iter().all(|f| f.only.is_none()) {
            let dates = self.reminder_dates();
            return match dates.len() {
                0 => String::new(),
                1 => format!("{one} relance du {}", dates_fr(&dates)),
                _ => format!("{many} relances des {}", dates_fr(&dates)),
            };
        }
        // Some reminder concerned only the invoices already due on its date: each is named
        // with them, "nos relances du 15 janvier 2026 (facture n° A) et du 10 mars 2026".
        // Uncited, consecutive reminders on the same invoices are named once: "nos relances
        // des 8 mars, 20 mars et 2 avril 2026 (facture n° F-101)".
        let mut groups: Vec<(Vec<NaiveDate>, String)> = Vec::new();
        for f in &self.reminders {
            let r = refs(f.only.as_deref(), f.exhibit.filter(|_| cited));
            match groups.last_mut() {
                Some((dates, last)) if !cited && *last == r => {
                    if dates.last() != Some(&f.event.date) {
                        dates.push(f.event.date);
                    }
                }
                _ => groups.push((vec![f.event.date], r)),
            }
        }
        let each: Vec<String> = groups
            .iter()
            .map(|(dates, r)| match dates.len() {
                1 => format!("du {}{r}", date_long_fr(dates[0])),
                _ => format!("des {}{r}", dates_fr(dates)),
            })
            .collect();
        let dates: usize = groups.iter().map(|(d, _)| d.len()).sum();
        match dates {
            1 => format!("{one} relance {}", each[0]),
            _ => format!("{many} relances {}", super::wording::enumerate_fr(&each)),
        }
    }

    /// The last formal notice: "notre mise en demeure reçue le 2 avril 2026", with the
    /// invoices it concerned when they are not all the claimed ones, and in a court
    /// document its exhibit ("la mise en demeure reçue le 2 avril 2026 (pièce n° 4)").
    pub fn formal_notice_phrase(&self, voice: Voice) -> String {
        let (one, _) = voice.determiners();
        match self.formal_notices.last() {
            None => String::new(),
            Some(f) => format!(
                "{one} mise en demeure reçue le {}{}",
                date_long_fr(f.event.date),
                // Exhibit numbers are the court's (the bordereau): never in a letter to the
                // debtor, who has no bordereau.
                refs(
                    f.only.as_deref(),
                    f.exhibit.filter(|_| voice == Voice::Third)
                )
            ),
        }
    }

    /// The earliest formal notice received after the claimed due dates.
    pub fn first_formal_notice(&self) -> Option<NaiveDate> {
        self.formal_notices.first().map(|f| f.event.date)
    }

    /// One sentence per open dispute: "La facture n° A a été contestée le 8 avril 2026
    /// (pièce n° 3)."
    pub fn dispute_sentences(
        &self,
        addressee_is_debtor: bool,
        maintained: Maintained,
    ) -> Vec<String> {
        self.disputes
            .iter()
            .map(|d| {
                let n = d.invoices.len();
                format!(
                    "{} {} {} {} {} le {}{}\u{a0}; {}.",
                    if n > 1 { "Les factures" } else { "La facture" },
                    d.invoices
                        .iter()
                        .map(|i| format!("n°\u{a0}{i}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    plural(n, "a été", "ont été"),
                    plural(n, "contestée", "contestées"),
                    if addressee_is_debtor {
                        "par vos soins"
                    } else {
                        "par le débiteur"
                    },
                    date_long_fr(d.fact.event.date),
                    if addressee_is_debtor {
                        String::new()
                    } else {
                        exhibit_ref(d.fact.exhibit)
                    },
                    maintained.words(n),
                )
            })
            .collect()
    }
}

/// What a document says of a disputed invoice it still claims. The creditor's own letter
/// and a request say the claim is maintained: the signatory decides it by signing. An
/// agency's letter says only what the letter itself does, which its mandate to collect
/// covers; whether the creditor maintains the claim after the dispute is the creditor's to
/// say, and no event of the dossier records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Maintained<'a> {
    We,
    I,
    /// An agency, for the creditor of this name (named: the letter may name its principal
    /// only further down).
    Agency(&'a str),
    Applicant,
}

impl Maintained<'_> {
    fn words(self, invoices: usize) -> String {
        match self {
            Maintained::We => "nous maintenons notre demande".into(),
            Maintained::I => "je maintiens ma demande".into(),
            Maintained::Agency(creditor) => format!(
                "la présente mise en demeure {} néanmoins, pour le compte de {creditor}",
                plural(invoices, "la comprend", "les comprend")
            ),
            Maintained::Applicant => "le requérant maintient sa demande".into(),
        }
    }
}

/// Who speaks of the procedure: the creditor or agency ("nous"), an individual creditor
/// ("je"), or a request, in the third person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Voice {
    We,
    I,
    Third,
    /// An agency speaking of letters it may not have sent itself (the creditor's, before
    /// the mandate): "la relance du …", no possessive and no exhibit.
    Neutral,
}

impl Voice {
    fn determiners(self) -> (&'static str, &'static str) {
        match self {
            Voice::We => ("notre", "nos"),
            Voice::I => ("ma", "mes"),
            Voice::Third | Voice::Neutral => ("la", "les"),
        }
    }
}

/// "facture n° A", "factures n° A et n° B", or "" for every claimed invoice.
fn invoices_named(only: Option<&[String]>) -> String {
    match only {
        None | Some([]) => String::new(),
        Some([one]) => format!("facture n°\u{a0}{one}"),
        Some(many) => {
            let numbers: Vec<String> = many.iter().map(|n| format!("n°\u{a0}{n}")).collect();
            format!("factures {}", super::wording::enumerate_fr(&numbers))
        }
    }
}

/// The invoices an event concerned and its exhibit in one parenthesis: " (facture n° A ;
/// pièce n° 4)", " (pièce n° 4)", " (factures n° A et n° B)" or "".
fn refs(only: Option<&[String]>, exhibit: Option<usize>) -> String {
    let invoices = invoices_named(only);
    let exhibit = exhibit.map(|n| format!("pièce n°\u{a0}{n}"));
    match (invoices.is_empty(), exhibit) {
        (true, None) => String::new(),
        (true, Some(e)) => format!(" ({e})"),
        (false, None) => format!(" ({invoices})"),
        (false, Some(e)) => format!(" ({invoices}\u{a0}; {e})"),
    }
}

/// " (pièce n° 4)" or "".
fn exhibit_ref(exhibit: Option<usize>) -> String {
    exhibit
        .map(|n| format!(" (pièce n°\u{a0}{n})"))
        .unwrap_or_default()
}

/// How an event's proof is labelled in an exhibit list.
fn event_title(e: &Event) -> String {
    let how = match e.channel {
        Some(Channel::Email) => " par courriel",
        Some(Channel::Letter) => " par lettre simple",
        Some(Channel::RegisteredLetter) => {
            " par lettre recommandée avec demande d'avis de réception"
        }
        Some(Channel::Phone) => " par téléphone",
        Some(Channel::Sms) => " par SMS",
        None => "",
    };
    let date = date_long_fr(e.date);
    match e.kind {
        // An event's date is the day the debtor received the letter (spec §3).
        EventKind::Reminder => format!("Relance{how}, reçue le {date}"),
        EventKind::FormalNotice => {
            format!("Mise en demeure{how}, reçue le {date}, et preuve de sa réception")
        }
        EventKind::Acknowledgment => format!("Reconnaissance de dette du {date}{how}"),
        EventKind::Dispute => format!("Contestation du débiteur du {date}{how}"),
        EventKind::IpServed => {
            format!("Acte de signification de l'ordonnance d'injonction de payer du {date}")
        }
        EventKind::InstalmentNotice => {
            format!("Relance d'échéance impayée de l'échéancier, reçue le {date}{how}")
        }
        EventKind::PlanEnded => format!("Déchéance du terme de l'échéancier, le {date}{how}"),
        EventKind::PlanAgreed => format!("Échéancier de paiement accepté le {date}"),
        EventKind::ClaimMemorandum => format!("Mémoire en réclamation{how}, reçu le {date}"),
        EventKind::ReferralFiled => format!("Requête en référé-provision du {date}"),
    }
}

/// The exhibits of a document dated `date`: every invoice piece, the contract and order
/// before them, then the proofs of events and payments in date order. Nothing recorded
/// after `date` is an exhibit: a document cannot produce what did not exist on its date
/// (spec §3 ignores events and payments after the as-of date).
pub(super) fn pieces(d: &Dossier, date: NaiveDate) -> Vec<Piece> {
    let mut out: Vec<(NaiveDate, Piece)> = Vec::new();
    let mut invoices: Vec<_> = d.invoices.iter().collect();
    invoices.sort_by(|a, b| (a.issued, &a.number).cmp(&(b.issued, &b.number)));
    for inv in invoices {
        if let Some(p) = &inv.piece {
            out.push((
                inv.issued,
                Piece {
                    title: format!(
                        "Facture n°\u{a0}{} du {} ({})",
                        inv.number,
                        date_long_fr(inv.issued),
                        euros_fr(inv.amount)
                    ),
                    date: date_short_fr(inv.issued),
                    file: p.clone(),
                    source: PieceSource::Invoice(inv.number.clone()),
                },
            ));
        }
    }
    // The proofs of events and payments follow, in date order (the sort below is stable:
    // on one day, events in the file's order, then payments).
    let first_event = out.len();
    for (i, e) in d
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.piece.is_some() && e.date <= date)
    {
        out.push((
            e.date,
            Piece {
                title: event_title(e),
                date: date_short_fr(e.date),
                file: e.piece.clone().unwrap_or_default(),
                source: PieceSource::Event(i),
            },
        ));
    }
    for (i, pay) in d
        .payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.date <= date)
    {
        if let Some(file) = &pay.piece {
            out.push((
                pay.date,
                Piece {
                    title: payment_title(pay),
                    date: date_short_fr(pay.date),
                    file: file.clone(),
                    source: PieceSource::Payment(i),
                },
            ));
        }
    }
    out[first_event..].sort_by_key(|(date, _)| *date);
    // The signed payment plan, unless an event (its plan-agreed) already gives that file.
    if let Some(plan) = &d.payment_plan
        && plan.agreed.is_none_or(|a| a <= date)
        && let Some(file) = &plan.piece
        && !out.iter().any(|(_, p)| p.file == *file)
    {
        let date = plan.agreed.unwrap_or_default();
        // Among the event pieces, in date order.
        let first_event = out
            .iter()
            .position(|(_, p)| !matches!(p.source, PieceSource::Invoice(_)))
            .unwrap_or(out.len());
        let at = out[first_event..]
            .iter()
            .position(|(d, _)| *d > date)
            .map_or(out.len(), |i| first_event + i);
        out.insert(
            at,
            (
                date,
                Piece {
                    title: match plan.agreed {
                        Some(a) => format!("Échéancier de paiement accepté le {}", date_long_fr(a)),
                        None => "Échéancier de paiement".to_string(),
                    },
                    date: plan.agreed.map(date_short_fr).unwrap_or_default(),
                    file: file.clone(),
                    source: PieceSource::Plan,
                },
            ),
        );
    }
    let mut pieces: Vec<Piece> = out.into_iter().map(|(_, p)| p).collect();
    // The dossier's other exhibits: what the claim rests on (contract, order) first, the
    // proof of performance after the invoices, anything else last; each group by date.
    let exhibits = |kinds: &[ExhibitKind]| -> Vec<Piece> {
        let mut chosen: Vec<_> = d
            .exhibits
            .iter()
            .enumerate()
            .filter(|(_, e)| kinds.contains(&e.kind) && e.date.is_none_or(|x| x <= date))
            .collect();
        chosen.sort_by_key(|(i, e)| (e.date, *i));
        chosen
            .into_iter()
            .map(|(i, e)| Piece {
                title: e.title.clone(),
                date: e.date.map(date_short_fr).unwrap_or_default(),
                file: e.piece.clone(),
                source: PieceSource::Exhibit(i),
            })
            .collect()
    };
    let after_invoices = pieces
        .iter()
        .rposition(|p| matches!(p.source, PieceSource::Invoice(_)))
        .map_or(0, |i| i + 1);
    pieces.splice(
        after_invoices..after_invoices,
        exhibits(&[ExhibitKind::Performance]),
    );
    pieces.splice(0..0, exhibits(&[ExhibitKind::Contract, ExhibitKind::Order]));
    pieces.extend(exhibits(&[ExhibitKind::Other]));
    pieces
}

/// "Justificatif du règlement du 19 décembre 2025 (18 240,00 €, mandat n° 2025-11873)".
fn payment_title(p: &crate::dossier::Payment) -> String {
    format!(
        "Justificatif du règlement du {} ({}{})",
        date_long_fr(p.date),
        euros_fr(p.amount),
        p.reference
            .as_ref()
            .map(|r| format!(", {r}"))
            .unwrap_or_default()
    )
}

/// The invoices whose principal was paid, late, and which are claimed only for what the
/// delay left due: "La facture n° VRT-2025-214, réglée le 19 décembre 2025 après son
/// échéance, n'est plus due qu'au titre des intérêts moratoires et de l'indemnité forfaitaire
/// pour frais de recouvrement." Empty when every claimed invoice still owes principal: the
/// letters' "demeurent impayées" is then true of each.
pub(super) fn paid_late_sentence(
    lines: &[&InvoiceLine],
    regime: crate::dossier::Regime,
    rents: bool,
) -> String {
    use crate::dossier::Regime;
    let paid: Vec<&InvoiceLine> = lines
        .iter()
        .copied()
        .filter(|l| l.outstanding.is_zero() && !l.total_due().is_zero())
        .collect();
    if paid.is_empty() {
        return String::new();
    }
    let on = |l: &InvoiceLine| {
        l.imputations
            .iter()
            .filter(|i| !i.to_principal.is_zero())
            .map(|i| i.date)
            .max()
    };
    let accessory = match regime {
        Regime::B2b => "des pénalités de retard",
        Regime::B2g => "des intérêts moratoires",
        Regime::B2c | Regime::C2x => "des intérêts au taux légal",
    };
    let indemnity = paid.iter().any(|l| !l.indemnity.is_zero());
    let accrued = paid
        .iter()
        .any(|l| !(l.penalties + l.interest - l.penalties_paid).is_zero());
    let due = match (accrued, indemnity) {
        (true, true) => {
            format!("{accessory} et de l'indemnité forfaitaire pour frais de recouvrement")
        }
        (true, false) => accessory.to_string(),
        (false, _) => "de l'indemnité forfaitaire pour frais de recouvrement".to_string(),
    };
    let e = if rents { "" } else { "e" };
    if let [l] = paid.as_slice() {
        let when = on(l).map_or(String::new(), |d| {
            format!(", réglé{e} le {}", date_long_fr(d))
        });
        return format!(
            "{} n°\u{a0}{}{when} après son échéance, n'est plus {} qu'au titre {due}.",
            if rents { "Le loyer" } else { "La facture" },
            l.number,
            if rents { "dû" } else { "due" }
        );
    }
    let each: Vec<String> = paid
        .iter()
        .map(|l| match on(l) {
            Some(d) => format!("n°\u{a0}{} (réglé{e} le {})", l.number, date_short_fr(d)),
            None => format!("n°\u{a0}{}", l.number),
        })
        .collect();
    format!(
        "{} {}, payé{e}s après leur échéance, ne sont plus {} qu'au titre {due}.",
        if rents { "Les loyers" } else { "Les factures" },
        super::wording::enumerate_fr(&each),
        if rents { "dus" } else { "dues" }
    )
}
