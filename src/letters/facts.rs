//! The facts of the procedure, from the dossier's records only: the exhibits (invoice and
//! event pieces) in the order they are numbered.

use chrono::NaiveDate;

use crate::documents::format::{format_date_short as date_short_fr, format_eur as euros_fr};
use crate::dossier::{Dossier, EventKind};

/// One exhibit: what it is, its date as printed, the file it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Piece {
    pub title: String,
    pub date: String,
    pub file: String,
}

/// The exhibits: every invoice piece, then every event piece, in date order.
pub(super) fn pieces(d: &Dossier) -> Vec<Piece> {
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
            EventKind::Reminder => "Relance",
            EventKind::FormalNotice => "Mise en demeure et avis de réception",
            EventKind::Acknowledgment => "Reconnaissance de dette",
            EventKind::Dispute => "Contestation du débiteur",
            EventKind::IpServed => "Signification de l'ordonnance",
            EventKind::ClaimMemorandum => "Mémoire en réclamation",
            EventKind::ReferralFiled => "Requête en référé-provision",
        };
        out.push((
            e.date,
            what.to_string(),
            e.piece.clone().unwrap_or_default(),
        ));
    }
    out.into_iter()
        .map(|(d, title, file)| Piece {
            title,
            date: date_short_fr(d),
            file,
        })
        .collect()
}
