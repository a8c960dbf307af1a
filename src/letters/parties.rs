//! The parties as a court reads them (CPC 54, 57): who asks, against whom.

use super::wording::{address_line, seat, siren_fr};
use crate::dossier::{CreditorKind, DebtorKind, Dossier};

/// CPC 54 and 57: who asks. A legal person: form, name, registered office, representative.
pub(super) fn creditor_identification(d: &Dossier) -> String {
    let c = &d.creditor;
    match c.kind {
        CreditorKind::Company => {
            let mut s = c.name.clone();
            if let Some(f) = &c.legal_form
                && !super::wording::name_shows_form(&c.name, f)
            {
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
                c.address
                    .iter()
                    .map(|l| address_line(l))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            // CPC 54 2° b: the body that represents it, a natural person and their capacity.
            match (
                &c.extra.representative,
                &c.extra.representative_capacity,
                &c.signatory,
            ) {
                (Some(n), Some(q), _) => s.push_str(&format!(", représentée par {n}, {q}")),
                (Some(n), None, _) => s.push_str(&format!(", représentée par {n}")),
                (None, _, Some(sig)) => s.push_str(&format!(", représentée par {sig}")),
                _ => s.push_str(", prise en la personne de son représentant légal"),
            }
            s
        }
        CreditorKind::Individual => {
            // CPC 54 2° a: names, profession, domicile, nationality, date and place of birth.
            let e = &c.extra;
            let born = match e.civility {
                Some(crate::dossier::Civility::Madame) => "née",
                _ => "né",
            };
            let mut s = c.name.clone();
            if let Some(p) = &e.profession {
                s.push_str(&format!(", {p}"));
            }
            match (e.birth_date, &e.birth_place) {
                (Some(date), Some(place)) => s.push_str(&format!(
                    ", {born} le {} à {place}",
                    crate::documents::format::format_date_long(date)
                )),
                (Some(date), None) => s.push_str(&format!(
                    ", {born} le {}",
                    crate::documents::format::format_date_long(date)
                )),
                (None, Some(place)) => s.push_str(&format!(", {born} à {place}")),
                (None, None) => {}
            }
            if let Some(n) = &e.nationality {
                s.push_str(&format!(", de nationalité {n}"));
            }
            s.push_str(&format!(", demeurant {}", seat(&c.name, &c.address)));
            s
        }
    }
}

/// CPC 54 2° b and 57: against whom. A legal person is identified by its registered office
/// (siège social) when the dossier gives it, not by the address letters go to.
pub(super) fn debtor_identification(d: &Dossier, address: &[String]) -> String {
    let b = &d.debtor;
    match b.kind {
        DebtorKind::Consumer => format!("{}, demeurant {}", b.name, seat(&b.name, address)),
        DebtorKind::Company | DebtorKind::PublicBody => {
            let mut s = b.name.clone();
            if let Some(siren) = &b.siren {
                s.push_str(&format!(", SIREN {}", siren_fr(siren)));
            }
            // The address letters go to is not shown to be the registered office: the text
            // does not assert it (the court depends on it, CPC 43 and 1406), and the requête
            // warns that it must be checked (courts::lookup). A public person's seat is the
            // address of its authority (mairie, présidence).
            let office = b
                .registered_office
                .as_deref()
                .or((b.kind == DebtorKind::PublicBody).then_some(address));
            match office {
                // A company's registered office is its "siège social"; a public person has a
                // seat, not a siège social.
                Some(office) => s.push_str(&format!(
                    ", dont le siège{} est situé {}",
                    if b.kind == DebtorKind::PublicBody {
                        ""
                    } else {
                        " social"
                    },
                    seat(&b.name, office)
                )),
                None => s.push_str(&format!(", dont l'adresse est {}", seat(&b.name, address))),
            }
            // A collectivité territoriale is sued in the person of its executive (the maire,
            // the president of its council); any other public person in that of its legal
            // representative, whom the dossier does not name.
            if b.kind == DebtorKind::PublicBody {
                s.push_str(", ");
                s.push_str(
                    local_authority(&b.name).unwrap_or("en la personne de son représentant légal"),
                );
            }
            s
        }
    }
}

/// When a public debtor's name says it is a collectivité territoriale (a commune, a
/// département or a région; not a métropole or a communauté, most of which are
/// établissements publics), the person in whom it is sued, agreed with its name.
pub(super) fn local_authority(name: &str) -> Option<&'static str> {
    // "Département", "Departement", "Région" and "Region" alike.
    let lower = name.trim().to_lowercase().replace('é', "e");
    [
        ("commune ", "prise en la personne de son maire en exercice"),
        ("ville ", "prise en la personne de son maire en exercice"),
        (
            "departement ",
            "pris en la personne du président de son conseil départemental",
        ),
        (
            "region ",
            "prise en la personne du président de son conseil régional",
        ),
    ]
    .iter()
    .find(|(prefix, _)| lower.starts_with(prefix))
    .map(|(_, person)| *person)
}

#[cfg(test)]
mod tests {
    use super::local_authority;

    #[test]
    fn a_collectivite_is_sued_in_the_person_of_its_executive_agreed_with_its_name() {
        assert_eq!(
            local_authority("Commune de Villeurbanne"),
            Some("prise en la personne de son maire en exercice")
        );
        assert_eq!(
            local_authority("  Ville de Lyon"),
            Some("prise en la personne de son maire en exercice")
        );
        assert_eq!(
            local_authority("Département du Rhône"),
            Some("pris en la personne du président de son conseil départemental")
        );
        assert_eq!(
            local_authority("Région Auvergne-Rhône-Alpes"),
            Some("prise en la personne du président de son conseil régional")
        );
        assert_eq!(
            local_authority("Departement de la Loire"),
            Some("pris en la personne du président de son conseil départemental")
        );
        // A métropole or a communauté is most often an établissement public: not guessed.
        assert_eq!(local_authority("Métropole de Lyon"), None);
        assert_eq!(local_authority("Communauté de communes du Pilat"), None);
        assert_eq!(local_authority("Centre hospitalier de Villeurbanne"), None);
    }
}
