//! The competent court and the procedure for one dossier.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Courts, SeatKind, de, normalize_commune};
use crate::dossier::{DebtorKind, Dossier, EventKind, Regime};
use crate::rules::Rules;

/// Which order of courts hears the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jurisdiction {
    /// Tribunal de commerce, tribunal des activités économiques, tribunal mixte de commerce,
    /// chambre commerciale du tribunal judiciaire (Alsace-Moselle).
    Commercial,
    /// Tribunal judiciaire (consumers, civil debtors).
    Judiciaire,
    /// Tribunal administratif (a public person under an administrative contract).
    Administrative,
    /// The court the dossier names (`[court]`), used as given.
    Given,
}

impl Jurisdiction {
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::Commercial => "commercial",
            Jurisdiction::Judiciaire => "judiciaire",
            Jurisdiction::Administrative => "administrative",
            Jurisdiction::Given => "given",
        }
    }
}

/// The competent court, named, with how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Court {
    pub jurisdiction: Jurisdiction,
    /// Whether the court was found by name; `false`: `name` is the generic wording.
    pub found: bool,
    /// "tribunal de commerce de Toulouse", or the generic wording ("tribunal de commerce du
    /// lieu du siège social du débiteur") when no table answers.
    pub name: String,
    /// "Madame ou Monsieur le Président du tribunal de commerce de Toulouse".
    pub addressee: String,
    /// Only when the dossier's `[court]` gives it.
    pub address: Option<Vec<String>>,
    /// In French, for the document: "siège social du débiteur, code postal 31000 (table
    /// Datainfogreffe du 13/08/2025)".
    pub found_by: String,
    /// The articles that make it competent.
    pub basis: String,
    /// For the user (check, render): what to verify before filing.
    pub warnings: Vec<String>,
}

/// The court document a dossier leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Procedure {
    /// Requête en injonction de payer (CPC 1405 s.).
    InjonctionDePayer,
    /// Requête en référé-provision before the tribunal administratif (CJA R541-1).
    RefereProvision,
}

impl Procedure {
    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::InjonctionDePayer => "injonction-de-payer",
            Procedure::RefereProvision => "refere-provision",
        }
    }
}

/// The procedure: no injonction de payer against a public person under an administrative
/// contract (a public contract signed by a public person is one, CCP L6), the référé-provision
/// before the administrative judge instead.
pub fn procedure(d: &Dossier) -> Procedure {
    if d.regime() == Regime::B2g {
        Procedure::RefereProvision
    } else {
        Procedure::InjonctionDePayer
    }
}

/// Why an injonction de payer cannot be requested on this dossier, if it cannot.
pub fn ip_refusal(d: &Dossier) -> Option<String> {
    (procedure(d) == Procedure::RefereProvision).then(|| {
        format!(
            "{} is a public person: a public contract it signed is an administrative contract \
             (CCP L6), and no injonction de payer can be obtained on it. The route is the \
             administrative judge: render --doc requete-refere-provision (référé-provision \
             before the tribunal administratif, CJA R541-1){}",
            d.debtor.name,
            if d.contract.as_ref().is_some_and(|c| c.ccag.is_some()) {
                ", after the mémoire en réclamation the CCAG requires"
            } else {
                ""
            }
        )
    })
}

/// The CCAG's mémoire en réclamation that must come before the judge, if it is missing
/// (CE 16 déc. 2009, n° 326220).
pub fn memorandum_missing(d: &Dossier) -> Option<String> {
    let ccag = d.contract.as_ref()?.ccag.as_ref()?;
    let sent = d
        .events
        .iter()
        .any(|e| e.kind == EventKind::ClaimMemorandum);
    (!sent).then(|| {
        format!(
            "the contract refers to a CCAG ({ccag}): a mémoire en réclamation must be sent to \
             the buyer before any request to the judge (CE 16 déc. 2009, n° 326220); record \
             it as an event of kind \"claim-memorandum\""
        )
    })
}

/// Whether the référé-provision needs a lawyer (CJA R431-2, R431-3).
#[derive(Debug, Clone, PartialEq)]
pub struct Lawyer {
    /// `Some(false)`: the debtor is exempt; `None`: the dossier does not say what kind of
    /// public person the debtor is, so whether a lawyer is required cannot be told.
    pub required: Option<bool>,
    /// "CJA R431-2": the rule requiring one.
    pub required_basis: String,
    /// "CJA R431-3 5°": the exception.
    pub exception_basis: String,
    pub provisional: bool,
}

/// The lawyer rule before the tribunal administratif for this debtor.
pub fn lawyer(d: &Dossier, rules: &Rules) -> Option<Lawyer> {
    let rule = rules.courts.lawyer.as_ref()?;
    let status = d.debtor.public_status.map(|s| s.as_str());
    let required = match status {
        None | Some("public-person") => None,
        Some(s) => Some(!rule.exempt.iter().any(|e| e == s)),
    };
    Some(Lawyer {
        required,
        required_basis: rule.required.clone(),
        exception_basis: rule.exception.clone(),
        provisional: rule.provisional,
    })
}

/// The competent court for `d`'s claim of `claim` euros, on the document's date `on`.
pub fn competent_court(d: &Dossier, rules: &Rules, on: NaiveDate, claim: Decimal) -> Court {
    let courts = &rules.courts;
    if let Some(given) = &d.court {
        return Court {
            jurisdiction: Jurisdiction::Given,
            found: true,
            name: given.name.clone(),
            addressee: format!("Madame ou Monsieur le Président — {}", given.name),
            address: given.address.clone(),
            found_by: "juridiction désignée dans le dossier".to_string(),
            basis: String::new(),
            warnings: Vec::new(),
        };
    }
    if d.regime() == Regime::B2g {
        return administrative(d, courts);
    }
    let civil_form = d.debtor.legal_form.as_deref().is_some_and(|f| {
        courts.civil_forms.as_ref().is_some_and(|(_, forms)| {
            forms
                .iter()
                .any(|x| normalize_commune(x) == normalize_commune(f))
        })
    });
    let commercial = d.regime() == Regime::B2b && !civil_form;
    if commercial {
        commercial_court(d, courts, on, claim)
    } else {
        judiciaire(d, courts, civil_form)
    }
}

/// The address that fixes the debtor's court: the registered office, else the address.
fn seat_address(d: &Dossier, warnings: &mut Vec<String>) -> (Option<Vec<String>>, &'static str) {
    let company = d.debtor.kind != DebtorKind::Consumer;
    match (&d.debtor.registered_office, &d.debtor.address) {
        (Some(office), _) if company => (Some(office.clone()), "du siège social du débiteur"),
        (_, address) => {
            if company {
                warnings.push(
                    "debtor.registered_office is not given: the court is that of the \
                     registered office (CPC 43, 1406); the debtor's address was used instead, \
                     check it is the registered office"
                        .to_string(),
                );
                (address.clone(), "de l'adresse du débiteur")
            } else {
                (address.clone(), "du domicile du débiteur")
            }
        }
    }
}

fn commercial_court(d: &Dossier, courts: &Courts, on: NaiveDate, claim: Decimal) -> Court {
    let mut warnings = Vec::new();
    let (address, whose) = seat_address(d, &mut warnings);
    let postal = address
        .as_ref()
        .and_then(|a| a.last())
        .and_then(|l| l.get(..5))
        .map(str::to_string);
    let alsace = postal
        .as_deref()
        .and_then(Courts::department)
        .is_some_and(|dep| {
            courts
                .alsace_moselle
                .as_ref()
                .is_some_and(|(_, deps)| deps.contains(&dep))
        });
    let generic = if alsace {
        "chambre commerciale du tribunal judiciaire du lieu du siège social du débiteur"
    } else {
        "tribunal de commerce du lieu du siège social du débiteur"
    };
    let basis = "CPC art. 1406 et 43".to_string();
    let not_found = |warnings: Vec<String>, found_by: String| Court {
        jurisdiction: Jurisdiction::Commercial,
        found: false,
        name: generic.to_string(),
        addressee: format!("Madame ou Monsieur le Président du {generic}"),
        address: None,
        found_by,
        basis: basis.clone(),
        warnings,
    };
    let Some(g) = &courts.greffes else {
        warnings.push("no table of the commercial courts in the rules (juridictions/greffes.toml): the court is not named".to_string());
        return not_found(warnings, format!("{whose} (aucune table des greffes)"));
    };
    let date = g.extract.format("%d/%m/%Y");
    let (seat, how) = match (&d.debtor.insee, postal.as_deref()) {
        (Some(insee), _) => (g.by_insee(insee), format!("commune INSEE {insee} {whose}")),
        (None, Some(cp)) => {
            warnings.push(format!(
                "the court was found by the postal code {cp}: one postal code can cover communes of two court areas (the table keeps one); check it, or give debtor.insee"
            ));
            (
                g.by_postal_code(cp),
                format!(
                    "code postal {cp} {whose}, à vérifier : un code postal peut couvrir deux ressorts"
                ),
            )
        }
        (None, None) => {
            warnings.push("debtor.address is missing: the court cannot be found".to_string());
            return not_found(warnings, whose.to_string());
        }
    };
    let found_by = format!("{how} (table Datainfogreffe du {date})");
    let seat = match seat {
        Some(Some(seat)) => seat,
        Some(None) | None => {
            warnings.push(format!(
                "{}: not covered by the table of commercial courts ({}): name the court with a [court] table",
                d.debtor.insee.clone().or(postal).unwrap_or_default(),
                g.source.file
            ));
            return not_found(warnings, found_by);
        }
    };
    let tae = courts
        .tae
        .as_ref()
        .filter(|t| t.from <= on && on <= t.to && t.seats.contains(&seat.key));
    let name = match (seat.kind, tae) {
        (_, Some(_)) => format!("tribunal des activités économiques {}", de(&seat.seat)),
        (SeatKind::TribunalDeCommerce, None) => format!("tribunal de commerce {}", de(&seat.seat)),
        (SeatKind::TribunalMixte, None) => format!("tribunal mixte de commerce {}", de(&seat.seat)),
        (SeatKind::ChambreCommercialeTj, None) => {
            format!(
                "chambre commerciale du tribunal judiciaire {}",
                de(&seat.seat)
            )
        }
    };
    let mut basis = basis;
    if let Some(t) = tae {
        basis.push_str(&format!(" ; {}", t.source.article));
        if let Some(c) = courts
            .contribution
            .as_ref()
            .filter(|c| c.from <= on && on <= c.to && claim > c.threshold)
        {
            warnings.push(format!(
                "the claim exceeds {} EUR before a tribunal des activités économiques: the \
                 contribution pour la justice économique may apply ({}; whether it applies to \
                 an injonction de payer is unconfirmed; companies of fewer than 250 employees \
                 are exempt)",
                c.threshold.normalize(),
                c.source.article
            ));
        }
    }
    let addressee = match seat.kind {
        SeatKind::ChambreCommercialeTj if tae.is_none() => {
            format!("Madame ou Monsieur le Président de la {name}")
        }
        _ => format!("Madame ou Monsieur le Président du {name}"),
    };
    Court {
        jurisdiction: Jurisdiction::Commercial,
        found: true,
        name,
        addressee,
        address: None,
        found_by,
        basis,
        warnings,
    }
}

fn judiciaire(d: &Dossier, courts: &Courts, civil_form: bool) -> Court {
    let mut warnings = Vec::new();
    let (address, whose) = seat_address(d, &mut warnings);
    let basis = if civil_form {
        "CPC art. 1406 ; C. com. art. L721-3".to_string()
    } else {
        "CPC art. 1406".to_string()
    };
    let generic = "tribunal judiciaire du lieu où demeure le débiteur";
    let last = address.as_ref().and_then(|a| a.last()).cloned();
    let found = courts.tj.as_ref().and_then(|tj| {
        if let Some(insee) = &d.debtor.insee {
            return tj
                .entries
                .binary_search_by(|e| e.insee.as_str().cmp(insee))
                .ok()
                .map(|i| (&tj.entries[i], format!("commune INSEE {insee} {whose}")));
        }
        let line = last.as_deref()?;
        let (cp, commune) = (line.get(..5)?, line.get(6..)?);
        let dep = Courts::department(cp)?;
        let wanted = normalize_commune(
            commune
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ')
                .trim_end_matches(" CEDEX")
                .trim_end_matches(" Cedex"),
        );
        let mut hits = tj.entries.iter().filter(|e| {
            e.insee.starts_with(dep.as_str()) && normalize_commune(&e.commune) == wanted
        });
        let first = hits.next()?;
        if hits.any(|h| h.court != first.court) {
            return None;
        }
        Some((first, format!("commune « {commune} » ({cp}) {whose}")))
    });
    match (found, &courts.tj) {
        (Some((entry, how)), Some(tj)) => {
            let name = if normalize_commune(&entry.court).starts_with("TRIBUNAL JUDICIAIRE") {
                let mut c = entry.court.clone();
                c.replace_range(..1, "t");
                c
            } else {
                format!("tribunal judiciaire {}", de(&entry.court))
            };
            Court {
                jurisdiction: Jurisdiction::Judiciaire,
                found: true,
                addressee: format!("Madame ou Monsieur le Président du {name}"),
                name,
                address: None,
                found_by: format!("{how} ({})", tj.imported_from),
                basis,
                warnings,
            }
        }
        _ => {
            warnings.push(if courts.tj.is_some() {
                "the debtor's commune is not found in the table of the tribunaux judiciaires: name the court with a [court] table (name, address)".to_string()
            } else {
                "no table of the tribunaux judiciaires ships: name the court with a [court] table (name, address), or load the Ministry of Justice table with `relance rules import-courts`".to_string()
            });
            Court {
                jurisdiction: Jurisdiction::Judiciaire,
                found: false,
                name: generic.to_string(),
                addressee: format!("Madame ou Monsieur le Président du {generic}"),
                address: None,
                found_by: whose.to_string(),
                basis,
                warnings,
            }
        }
    }
}

/// CJA R312-11: the tribunal of the place where the contract is performed, failing that the
/// seat of the authority that signed it; named from CJA R221-3.
fn administrative(d: &Dossier, courts: &Courts) -> Court {
    let mut warnings = Vec::new();
    let place = d
        .contract
        .as_ref()
        .and_then(|c| c.place_of_performance.clone());
    let (address, whose) = match place {
        Some(p) => (Some(p), "du lieu d'exécution du contrat"),
        None => {
            warnings.push(
                "contract.place_of_performance is not given: the debtor's address is used \
                 (CJA R312-11: the tribunal of the place where the contract is performed, \
                 failing that of the seat of the authority that signed it)"
                    .to_string(),
            );
            (
                d.debtor.address.clone(),
                "du siège de la personne publique signataire",
            )
        }
    };
    let generic = "tribunal administratif du lieu d'exécution du contrat";
    let basis = "CJA art. R312-11 et R221-3".to_string();
    let cp = address
        .as_ref()
        .and_then(|a| a.last())
        .and_then(|l| l.get(..5))
        .map(str::to_string);
    let found = courts.admin.as_ref().and_then(|admin| {
        let cp = cp.as_deref()?;
        let dep = Courts::department(cp)?;
        let court = admin
            .courts
            .iter()
            .find(|c| c.postal_codes.iter().any(|p| p == cp))
            .or_else(|| admin.courts.iter().find(|c| c.departments.contains(&dep)))?;
        Some((court, admin, cp))
    });
    match found {
        Some((court, admin, cp)) => {
            let name = format!("tribunal administratif {}", de(&court.seat));
            if admin.provisional {
                warnings.push(format!(
                    "the {name} comes from a provisional table (CJA R221-3): check it on Légifrance before filing"
                ));
            }
            let provisional = if admin.provisional {
                format!(
                    " ; {}",
                    admin
                        .note
                        .as_deref()
                        .unwrap_or("table provisoire, à vérifier")
                )
            } else {
                String::new()
            };
            Court {
                jurisdiction: Jurisdiction::Administrative,
                found: true,
                addressee: format!("Madame ou Monsieur le Président du {name}"),
                name,
                address: None,
                found_by: format!("code postal {cp} {whose} (ressort : CJA R221-3{provisional})"),
                basis,
                warnings,
            }
        }
        None => {
            warnings.push(format!(
                "{}: no tribunal administratif found for this postal code: name the court with a [court] table",
                cp.unwrap_or_default()
            ));
            Court {
                jurisdiction: Jurisdiction::Administrative,
                found: false,
                name: generic.to_string(),
                addressee: format!("Madame ou Monsieur le Président du {generic}"),
                address: None,
                found_by: whose.to_string(),
                basis,
                warnings,
            }
        }
    }
}
