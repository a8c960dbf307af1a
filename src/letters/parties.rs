//! The parties as a court reads them (CPC 54, 57): who asks, against whom.

use super::wording::{seat, siren_fr};
use crate::dossier::{CreditorKind, DebtorKind, Dossier};

/// CPC 54 and 57: who asks. A legal person: form, name, registered office, representative.
pub(super) fn creditor_identification(d: &Dossier) -> String {
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

/// CPC 54 2° b and 57: against whom.
pub(super) fn debtor_identification(d: &Dossier, address: &[String]) -> String {
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
