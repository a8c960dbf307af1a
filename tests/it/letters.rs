//! Letter data: every mandatory mention of every document is filled from the dossier, and a
//! document refuses to be built when data it prints is missing.

use relance::calc::compute;
use relance::dossier::fs::load_dir;
use relance::letters::{DocKind, LetterError, build};
use relance::rules::Rules;
use std::path::Path;

use crate::support::*;

fn example(name: &str) -> relance::dossier::Dossier {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .unwrap()
        .dossier
}

#[test]
fn every_document_of_every_test_dossier_fills_its_mentions() {
    let rules = Rules::embedded();
    for (dir, as_of) in [
        ("examples/atelier-martin", "2026-06-30"),
        ("tests/dossiers/b2c-metz", "2026-06-30"),
        ("tests/dossiers/b2g-commune", "2026-11-24"),
        ("tests/dossiers/c2x-particulier", "2026-06-30"),
        ("tests/dossiers/agence-contractuel", "2026-06-30"),
    ] {
        let dz = example(dir);
        let s = compute(&dz, &rules, d(as_of)).unwrap();
        for kind in DocKind::for_dossier(&dz) {
            let data =
                build(kind, &dz, &s, &rules).unwrap_or_else(|e| panic!("{dir} {kind:?}: {e}"));
            for m in &data.mentions {
                assert!(!m.text.contains('{'), "{dir} {kind:?} {}: {}", m.id, m.text);
                assert_eq!(
                    data.json["mentions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|j| j["id"] == m.id.as_str())
                        .count(),
                    1
                );
            }
            let ids: Vec<&str> = data.mentions.iter().map(|m| m.id.as_str()).collect();
            let agency = dz.agency.is_some();
            if kind.is_letter() && agency {
                assert!(
                    ids.contains(&"r124-4-5-l111-8-al2") && ids.contains(&"r124-4-5-l111-8-al3"),
                    "{dir} {kind:?}"
                );
            }
            if kind == DocKind::MiseEnDemeure {
                assert!(ids.contains(&"c-civ-1344-interpellation"), "{dir}");
                let regime = s.regime.as_str();
                assert_eq!(ids.contains(&"l441-10-indemnite"), regime == "b2b", "{dir}");
                assert_eq!(
                    ids.contains(&"c-civ-1344-1-interets"),
                    regime == "b2c" || regime == "c2x",
                    "{dir}"
                );
            }
        }
    }
}

#[test]
fn the_mise_en_demeure_deadline_follows_cpc_641_642() {
    let rules = Rules::embedded();
    let dz = example("examples/atelier-martin");
    // Letter of Friday 26 June 2026 + 8 days = Saturday 4 July -> Monday 6 July 2026.
    let s = compute(&dz, &rules, d("2026-06-26")).unwrap();
    let data = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
    assert_eq!(data.json["deadline"], "6 juillet 2026");
    let m = data
        .mentions
        .iter()
        .find(|m| m.id == "c-civ-1344-interpellation")
        .unwrap();
    assert!(
        m.text.contains("au plus tard le 6 juillet 2026"),
        "{}",
        m.text
    );
    assert!(
        m.text
            .contains(data.json["totals"]["total_due"].as_str().unwrap()),
        "{}",
        m.text
    );
    assert_eq!(data.reference, "DOS-2026-0042-MED-20260626");
}

#[test]
fn a_letter_without_the_debtor_address_is_refused_naming_the_field() {
    let rules = Rules::embedded();
    let text = dossier_text(
        "b2b",
        "",
        &invoice("A", "2026-01-15", "2026-02-14", "1200.00"),
    )
    .replace("address = [\"3 place du Marché\", \"75011 Paris\"]\n", "")
    .replace(
        "address = [\"12 rue des Lilas\", \"69003 Lyon\"]",
        "address = [\"12 rue des Lilas\", \"69003 Lyon\"]\nsignatory = \"Jeanne Martin, gérante\"",
    );
    let dz =
        relance::dossier::parse(&text, relance::dossier::Format::Toml, "dossier.toml").unwrap();
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let err = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap_err();
    assert!(matches!(err, LetterError::MissingData { .. }));
    assert!(
        err.to_string()
            .starts_with("mise-en-demeure: debtor.address is missing"),
        "{err}"
    );
    // The statement does not print the address: it still builds.
    assert!(build(DocKind::Decompte, &dz, &s, &rules).is_ok());
}

#[test]
fn dates_are_written_the_french_way() {
    use relance::documents::format::format_date_long as date_long_fr;
    assert_eq!(date_long_fr(d("2026-07-01")), "1er juillet 2026");
    assert_eq!(date_long_fr(d("2026-11-24")), "24 novembre 2026");
    assert_eq!(date_long_fr(d("2027-02-28")), "28 février 2027");
}

#[test]
fn a_mention_whose_data_is_missing_stops_the_rendering_naming_it() {
    let mut files: Vec<(&str, &str)> = Rules::embedded_files().to_vec();
    files.extend(Rules::embedded_tables());
    let extra = r#"
[[mentions]]
id = "test-naissance"
documents = ["requete-injonction-de-payer"]
regimes = ["c2x"]
text = "Né le {creditor_birth_date} à {creditor_birth_place}."
required_by = "law"
article = "CPC art. 54"
source = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070716"
from = 2020-01-01
"#;
    files.push(("mentions/test.toml", extra));
    let rules = Rules::load(files, "rules").unwrap();
    let dz = example("tests/dossiers/c2x-particulier");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let err = build(DocKind::RequeteInjonction, &dz, &s, &rules).unwrap_err();
    assert!(matches!(err, LetterError::MentionData { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("test-naissance")
            && msg.contains("creditor_birth_date")
            && msg.contains("mentions/test.toml"),
        "{msg}"
    );
    // The other documents, which do not carry it, still build.
    assert!(build(DocKind::MiseEnDemeure, &dz, &s, &rules).is_ok());
}
