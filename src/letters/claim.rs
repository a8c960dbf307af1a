//! The claim's wording shared by the documents: the basis of the claim, how to pay, the
//! subject line, how each payment was imputed, the rates applied, and the accessories a
//! claim table shows.

use super::DocKind;
use chrono::NaiveDate;

use super::wording::{de_fr, enumerate_fr, iban_fr};
use crate::calc::{Imputed, InvoiceLine};
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
    format_percent as percent_fr,
};
use crate::dossier::{ClaimKind, Dossier, Imputation, PenaltyRate, Regime};
use crate::rules::Rules;

/// A claim line's penalties or interest and its indemnity as the claim table shows them: net
/// of what payments covered and of what a payment plan waived (spec §6, the accessories
/// first), so that the columns add up to the line's total.
pub(super) fn shown_accessories(l: &InvoiceLine) -> (rust_decimal::Decimal, rust_decimal::Decimal) {
    let accrued = l.penalties + l.interest - l.penalties_paid;
    let on_accrued = l.waived.min(accrued);
    (
        accrued - on_accrued,
        l.indemnity - l.indemnity_paid - (l.waived - on_accrued),
    )
}

/// "sur les pénalités échues (59,86 €) puis sur le principal (1 440,14 €) – C. civ. 1343-1"
/// (with 1342-10 when the payment named no invoice).
pub(super) fn imputation_split(i: &Imputed, regime: Regime) -> String {
    let accrued = match regime {
        Regime::B2b => "les pénalités échues",
        Regime::B2g => "les intérêts moratoires échus",
        _ => "les intérêts échus",
    };
    let a = format!("{accrued} ({})", euros_fr(i.to_accrued));
    let p = format!("le principal ({})", euros_fr(i.to_principal));
    if let Some(agreed) = i.plan {
        // A payment to the instalments (spec §6): in the order the plan applies it.
        let accrued_first = i.order == Imputation::InterestFirst && !i.before_due;
        let mut parts: Vec<&str> = Vec::new();
        let accrued_part = (!i.to_accrued.is_zero()).then_some(a.as_str());
        if accrued_first {
            parts.extend(accrued_part);
        }
        if !i.to_principal.is_zero() {
            parts.push(&p);
        }
        if !accrued_first {
            parts.extend(accrued_part);
        }
        let indemnity = format!(
            "l'indemnité forfaitaire pour frais de recouvrement ({})",
            euros_fr(i.to_indemnity)
        );
        if !i.to_indemnity.is_zero() {
            parts.push(&indemnity);
        }
        return format!(
            "sur {}, au titre de l'échéancier convenu le {}",
            parts.join(" puis sur "),
            date_short_fr(agreed)
        );
    }
    if i.before_due {
        return format!("sur {p}, réglé à l'échéance ou avant");
    }
    // A payment naming no invoice went to this one by C. civ. 1342-10; 1343-1 splits it
    // between interest and principal.
    let basis = if i.named {
        "C. civ. 1343-1"
    } else {
        "C. civ. 1342-10 et 1343-1"
    };
    match (i.order, i.to_accrued.is_zero(), i.to_principal.is_zero()) {
        (Imputation::InterestFirst, false, false) => format!("sur {a} puis sur {p} – {basis}"),
        (Imputation::InterestFirst, false, true) => format!("sur {a} – {basis}"),
        (Imputation::InterestFirst, true, _) => format!("sur {p} – {basis}"),
        // All of it to principal: which order applied makes no difference to the reader.
        (Imputation::PrincipalFirst, true, _) => format!("sur {p}"),
        (Imputation::PrincipalFirst, _, _) => {
            format!("sur {p} puis sur {a} (imputation sur le principal d'abord)")
        }
    }
}

/// Every rate that applied to the claimed invoices, in the order first used, each with its
/// basis and the dates it applied: "12,15 % l'an (BCE 2,15 % au 01/01/2026 + 10 points) du
/// 15/02/2026 au 30/06/2026". When the dates of two rates overlap (a public buyer's rate is
/// fixed by the half-year each delay started in, CCP R2192-31), each names its invoices, so
/// that no reader takes two rates for one period.
///
/// A letter passes its statement's date as `running_at`: a rate still running on it is
/// said "depuis le 01/01/2026", not "du 01/01/2026 au 30/06/2026", which would read as a
/// rate that stopped (a public buyer's runs to the payment of the principal, a half-year's
/// to its end). The décompte, which states what it computed, passes `None`.
pub(super) fn rates_applied(lines: &[&InvoiceLine], running_at: Option<NaiveDate>) -> Vec<String> {
    struct Seen<'a> {
        key: String,
        from: NaiveDate,
        to: NaiveDate,
        invoices: Vec<&'a str>,
    }
    let mut seen: Vec<Seen> = Vec::new();
    let mut periods: Vec<_> = lines
        .iter()
        .flat_map(|l| l.periods.iter().map(move |p| (l.number.as_str(), p)))
        .collect();
    periods.sort_by_key(|(_, p)| (p.from, p.to));
    for (number, p) in periods {
        // The basis without its trailing citation: the text around it cites the article.
        let what = match p.basis.rfind(" (") {
            Some(i) if p.basis.ends_with(')') => p.basis[..i].to_string(),
            _ => p.basis.clone(),
        };
        let key = format!("{} l'an ({what})", percent_fr(p.rate));
        match seen.iter_mut().find(|s| s.key == key) {
            Some(s) => {
                s.from = s.from.min(p.from);
                s.to = s.to.max(p.to);
                if !s.invoices.contains(&number) {
                    s.invoices.push(number);
                }
            }
            None => seen.push(Seen {
                key,
                from: p.from,
                to: p.to,
                invoices: vec![number],
            }),
        }
    }
    if seen.len() == 1 {
        return seen.into_iter().map(|s| s.key).collect();
    }
    let overlap = seen.iter().enumerate().any(|(i, a)| {
        seen[i + 1..]
            .iter()
            .any(|b| a.from <= b.to && b.from <= a.to)
    });
    seen.into_iter()
        .map(|s| {
            let whose = if overlap {
                let n: Vec<String> = s.invoices.iter().map(|n| format!("n°\u{a0}{n}")).collect();
                format!(
                    " pour {} {}",
                    if n.len() > 1 {
                        "les factures"
                    } else {
                        "la facture"
                    },
                    enumerate_fr(&n)
                )
            } else {
                String::new()
            };
            if Some(s.to) == running_at {
                format!("{}{whose} depuis le {}", s.key, date_short_fr(s.from))
            } else {
                format!(
                    "{}{whose} du {} au {}",
                    s.key,
                    date_short_fr(s.from),
                    date_short_fr(s.to)
                )
            }
        })
        .collect()
}

/// What the claim rests on: the invoices, then the accessories the law attaches by regime.
pub(super) fn claim_basis(dossier: &Dossier, regime: Regime, lines: &[&InvoiceLine]) -> String {
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
    let rent = dossier.terms.claims == ClaimKind::Rents;
    let plural = numbers.len() > 1;
    let s = if plural { "s" } else { "" };
    format!(
        "{} {}, {}{s} par {} et {}{s} {}{s} à l'échéance\u{a0}; {accessory_basis}",
        match (rent, plural) {
            (false, false) => "facture",
            (false, true) => "factures",
            (true, false) => "loyer",
            (true, true) => "loyers",
        },
        enumerate_fr(&numbers),
        if rent { "appelé" } else { "émise" },
        dossier.creditor.name,
        if rent { "demeuré" } else { "demeurée" },
        if rent { "impayé" } else { "impayée" },
    )
}

/// How to pay: a transfer to the creditor's IBAN; a public payer without it pays by
/// mandatement, never by cheque (the account it pays to is not in the dossier, so the
/// letter names none, and a warning asks for the IBAN); otherwise a cheque.
pub(super) fn payment_means(dossier: &Dossier) -> String {
    match &dossier.creditor.iban {
        Some(iban) => format!(
            "virement sur le compte IBAN {} (titulaire\u{a0}: {})",
            iban_fr(iban),
            dossier.creditor.name
        ),
        None if dossier.debtor.is_public_person() => {
            format!("mandatement au profit {}", de_fr(&dossier.creditor.name))
        }
        None => format!(
            "chèque à l'ordre {}, à envoyer à l'adresse suivante\u{a0}: {}",
            de_fr(&dossier.creditor.name),
            dossier.creditor.address.join(", ")
        ),
    }
}

/// The document's subject line. `reminders` is how many reminders the dossier records (on
/// distinct dates), `of_all` whether each concerned every invoice of the letter: a firm
/// reminder is the "Deuxième relance" only after exactly one of them all (else "Nouvelle
/// relance", which says only that there were others), and the last one the "Dernière
/// relance" only after one at least.
pub(super) fn subject(kind: DocKind, numbers: &[String], reminders: usize, of_all: bool) -> String {
    let what = if numbers.len() > 1 {
        format!("factures {}", enumerate_fr(numbers))
    } else {
        format!("facture {}", numbers.first().cloned().unwrap_or_default())
    };
    match kind {
        DocKind::Relance1 => format!("Rappel de règlement — {what}"),
        DocKind::Relance2 => match reminders {
            0 => format!("Relance — {what}"),
            1 if of_all => format!("Deuxième relance — {what}"),
            _ => format!("Nouvelle relance — {what}"),
        },
        // "Dernière" says there were others: only after a recorded reminder.
        DocKind::Relance3 if reminders == 0 => format!("Relance avant mise en demeure — {what}"),
        DocKind::Relance3 => format!("Dernière relance avant mise en demeure — {what}"),
        DocKind::MiseEnDemeure => format!("Mise en demeure de payer — {what}"),
        DocKind::Decompte => "Décompte de la créance".to_string(),
        DocKind::ReleveDeCompte => "Relevé de compte".to_string(),
        DocKind::Bordereau => "Bordereau des pièces communiquées".to_string(),
        DocKind::RequeteInjonction => "Requête en injonction de payer".to_string(),
        DocKind::RequeteRefere => "Requête en référé-provision".to_string(),
        DocKind::PropositionEcheancier => format!("Proposition d'échéancier de paiement — {what}"),
        DocKind::RelanceEcheance => format!("Échéance impayée de votre échéancier — {what}"),
        DocKind::DecheanceDuTerme => format!("Déchéance du terme de votre échéancier — {what}"),
    }
}

/// The L441-10 II penalty rate as the law or the contract sets it, every half-year, for what
/// accrues after a document's date: "au taux de refinancement de la Banque centrale
/// européenne en vigueur au 1er janvier pour le premier semestre et au 1er juillet pour le
/// second, majoré de 10 points", or the contractual rate against its floor. The margin and
/// the floor's factor come from the rules in force on `date`; `None` when one is missing
/// (nothing is guessed).
pub(super) fn penalty_rate_terms(d: &Dossier, rules: &Rules, date: NaiveDate) -> Option<String> {
    let value = |id: &str| {
        rules
            .value(id, date, String::new)
            .ok()
            .map(|(_, v)| v.value.normalize().to_string())
    };
    match d.terms.penalty_rate {
        PenaltyRate::Default => value("l441-10-margin").map(|margin| {
            format!(
                "au taux de refinancement de la Banque centrale européenne en vigueur au 1er janvier pour le premier semestre et au 1er juillet pour le second, majoré de {margin} points"
            )
        }),
        PenaltyRate::Contractual(rate) => value("l441-10-floor-factor").map(|factor| {
            format!(
                "au taux contractuel de {} l'an ou, s'il est supérieur, au taux égal à {factor} fois le taux de l'intérêt légal du semestre",
                crate::documents::format::format_percent(rate)
            )
        }),
    }
}
