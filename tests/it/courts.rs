//! The competent court and procedure for each debtor (legal-rules/juridictions/).

use relance::courts::{self, Jurisdiction, Procedure, competent_court};
use relance::dossier::fs::load_dir;
use relance::rules::Rules;
use rust_decimal::Decimal;

use crate::support::*;

fn court_of(dir: &str, on: &str) -> courts::Court {
    let loaded = load_dir(std::path::Path::new(&format!("tests/dossiers/{dir}")))
        .unwrap_or_else(|p| panic!("{p}"));
    competent_court(&loaded.dossier, &Rules::embedded(), d(on), dec("1000"))
}

#[test]
fn the_embedded_court_tables_load_and_cover_the_datainfogreffe_extract() {
    let rules = Rules::embedded();
    let g = rules.courts.greffes.as_ref().expect("greffes.toml");
    assert_eq!(g.by_postal.len(), 28_136);
    assert_eq!(g.by_insee.len(), 37_031);
    assert_eq!(g.extract, d("2025-08-13"));
    assert_eq!(rules.courts.tae.as_ref().unwrap().seats.len(), 12);
    let admin = rules.courts.admin.as_ref().unwrap();
    assert!(admin.provisional);
    // Every metropolitan département (and the five overseas ones) has one tribunal.
    for dep in (1..=95)
        .filter(|&n| n != 20)
        .map(|n| format!("{n:02}"))
        .chain(["2A", "2B", "971", "972", "973", "974", "976"].map(String::from))
    {
        let n = admin
            .courts
            .iter()
            .filter(|c| c.departments.contains(&dep))
            .count();
        assert_eq!(n, 1, "département {dep}");
    }
}

#[test]
fn each_debtor_gets_its_court_by_name() {
    let cases = [
        ("tae-paris", "tribunal des activités économiques de Paris"),
        ("tae-lyon", "tribunal des activités économiques de Lyon"),
        (
            "tae-villeurbanne",
            "tribunal des activités économiques de Lyon",
        ),
        ("tc-toulouse", "tribunal de commerce de Toulouse"),
        (
            "tj-strasbourg",
            "chambre commerciale du tribunal judiciaire de Strasbourg",
        ),
        ("b2g-commune", "tribunal administratif de Lyon"),
        ("b2g-refere", "tribunal administratif de Lyon"),
    ];
    for (dir, name) in cases {
        let c = court_of(dir, "2026-06-30");
        assert_eq!(c.name, name, "{dir}");
        assert!(c.found, "{dir}");
    }
    let paris = court_of("tae-paris", "2026-06-30");
    assert!(
        paris.found_by.contains("siège social"),
        "{}",
        paris.found_by
    );
    assert!(paris.found_by.contains("75002"), "{}", paris.found_by);
    // Found by postal code: the one warning is that the court is to be checked.
    assert_eq!(paris.warnings.len(), 1, "{:?}", paris.warnings);
    assert!(
        paris.warnings[0].contains("postal code 75002"),
        "{:?}",
        paris.warnings
    );
    let villeurbanne = court_of("tae-villeurbanne", "2026-06-30");
    assert!(villeurbanne.found_by.contains("INSEE 69266"));
    // Found by INSEE code: nothing to check.
    assert!(
        !villeurbanne
            .warnings
            .iter()
            .any(|w| w.contains("postal code")),
        "{:?}",
        villeurbanne.warnings
    );
    assert_eq!(
        court_of("tj-strasbourg", "2026-06-30").addressee,
        "Madame ou Monsieur le Président de la chambre commerciale du tribunal judiciaire de Strasbourg"
    );
}

#[test]
fn the_tae_naming_is_dated() {
    assert_eq!(
        court_of("tae-lyon", "2024-12-31").name,
        "tribunal de commerce de Lyon"
    );
    assert_eq!(
        court_of("tae-lyon", "2029-01-01").name,
        "tribunal de commerce de Lyon"
    );
}

#[test]
fn the_address_stands_in_for_the_registered_office_with_a_warning() {
    let c = court_of("tae-lyon", "2026-06-30");
    assert!(c.found_by.contains("adresse du débiteur"), "{}", c.found_by);
    assert!(
        c.warnings.iter().any(|w| w.contains("registered_office")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn a_large_claim_before_a_tae_may_owe_the_contribution() {
    let loaded = load_dir(std::path::Path::new("tests/dossiers/tae-lyon")).unwrap();
    let rules = Rules::embedded();
    let big = competent_court(&loaded.dossier, &rules, d("2026-06-30"), dec("57600"));
    assert!(
        big.warnings
            .iter()
            .any(|w| w.contains("contribution pour la justice économique may apply")),
        "{:?}",
        big.warnings
    );
    let small = competent_court(&loaded.dossier, &rules, d("2026-06-30"), dec("50000"));
    assert!(!small.warnings.iter().any(|w| w.contains("contribution")));
    // Not before a tribunal de commerce.
    let tls = load_dir(std::path::Path::new("tests/dossiers/tc-toulouse")).unwrap();
    let c = competent_court(&tls.dossier, &rules, d("2026-06-30"), dec("90000"));
    assert!(!c.warnings.iter().any(|w| w.contains("contribution")));
}

#[test]
fn civil_debtors_and_consumers_go_to_the_tribunal_judiciaire() {
    let c = court_of("sci-debiteur", "2026-06-30");
    assert_eq!(c.jurisdiction, Jurisdiction::Judiciaire);
    assert!(!c.found);
    assert_eq!(c.name, "tribunal judiciaire du lieu où demeure le débiteur");
    assert!(c.basis.contains("L721-3"));
    assert!(c.warnings.iter().any(|w| w.contains("[court]")));
    let c = court_of("b2c-metz", "2026-06-30");
    assert_eq!(c.jurisdiction, Jurisdiction::Judiciaire);
}

#[test]
fn an_uncovered_postal_code_gives_the_generic_wording_and_a_warning() {
    let dz = dossier("b2b", &invoice("A", "2026-01-15", "2026-02-14", "100.00"));
    let mut dz = dz;
    dz.debtor.address = Some(vec!["1 rue X".into(), "99999 Nulle-Part".into()]);
    let c = competent_court(&dz, &Rules::embedded(), d("2026-06-30"), Decimal::ONE);
    assert!(!c.found);
    assert_eq!(
        c.name,
        "tribunal de commerce du lieu du siège social du débiteur"
    );
    assert!(
        c.warnings.iter().any(|w| w.contains("99999")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn a_court_named_in_the_dossier_is_used_as_given() {
    let dz = dossier_with(
        "b2c",
        "[court]\nname = \"tribunal judiciaire de Metz\"\naddress = [\"3 rue Haute-Pierre\", \"57000 Metz\"]\n",
        &invoice("A", "2026-01-15", "2026-02-14", "100.00"),
    );
    let c = competent_court(&dz, &Rules::embedded(), d("2026-06-30"), Decimal::ONE);
    assert_eq!(c.jurisdiction, Jurisdiction::Given);
    assert_eq!(c.name, "tribunal judiciaire de Metz");
    assert_eq!(c.address.as_ref().unwrap()[1], "57000 Metz");
}

#[test]
fn a_public_person_takes_the_administrative_route() {
    let loaded = load_dir(std::path::Path::new("tests/dossiers/b2g-commune")).unwrap();
    let dz = &loaded.dossier;
    assert_eq!(courts::procedure(dz), Procedure::RefereProvision);
    let refusal = courts::ip_refusal(dz).unwrap();
    assert!(
        refusal.contains("CCP L6") && refusal.contains("R541-1"),
        "{refusal}"
    );
    // No place of performance: the debtor's address, with a warning (CJA R312-11).
    let c = competent_court(dz, &Rules::embedded(), d("2026-06-30"), Decimal::ONE);
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("place_of_performance"))
    );
    // A commune said to be a collectivité: no lawyer needed (CJA R431-3 5°); a public person
    // of no stated kind: unknown, the request is refused without a [lawyer].
    let l = courts::lawyer(dz, &Rules::embedded()).unwrap();
    assert_eq!(l.required, Some(false), "{l:?}");
    assert!(l.exception_basis.contains("R431-3"), "{l:?}");
    let mut unknown = dz.clone();
    unknown.debtor.public_status = None;
    let l = courts::lawyer(&unknown, &Rules::embedded()).unwrap();
    assert_eq!(l.required, None, "{l:?}");
    let ccag = load_dir(std::path::Path::new("tests/dossiers/b2g-ccag")).unwrap();
    let l = courts::lawyer(&ccag.dossier, &Rules::embedded()).unwrap();
    assert_eq!(l.required, Some(false), "{l:?}");
    assert!(
        courts::memorandum_missing(&ccag.dossier)
            .unwrap()
            .contains("326220")
    );
    let refere = load_dir(std::path::Path::new("tests/dossiers/b2g-refere")).unwrap();
    assert!(courts::memorandum_missing(&refere.dossier).is_none());
    assert_eq!(
        courts::lawyer(&refere.dossier, &Rules::embedded())
            .unwrap()
            .required,
        Some(true)
    );
    let c = competent_court(
        &refere.dossier,
        &Rules::embedded(),
        d("2026-06-30"),
        Decimal::ONE,
    );
    assert!(c.found_by.contains("69500") && c.found_by.contains("lieu d'exécution"));
    // The tribunaux administratifs table is provisional: the one warning says to check it.
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(
        c.warnings[0].contains("provisional table"),
        "{:?}",
        c.warnings
    );
}

#[test]
fn a_public_undertaking_goes_to_the_commercial_court() {
    let text = dossier_text("b2b", "", &invoice("A", "2026-01-15", "2026-02-14", "100.00"))
        .replace(
            "kind = \"company\"\nname = \"Boulangerie Dupont SAS\"",
            "kind = \"public-body\"\npublic_status = \"public-undertaking\"\nname = \"SPL Lyon Part-Dieu\"",
        );
    let dz =
        relance::dossier::parse(&text, relance::dossier::Format::Toml, "dossier.toml").unwrap();
    assert_eq!(courts::procedure(&dz), Procedure::InjonctionDePayer);
    let c = competent_court(&dz, &Rules::embedded(), d("2026-06-30"), Decimal::ONE);
    assert_eq!(c.name, "tribunal des activités économiques de Paris");
}

/// A small file in the Ministry of Justice's format: the known communes and a Lyon suburb.
const MINISTRY: &str = "Commune;Libellé Commune;Orig. CA;N° CA;Cour d'Appel compétente;Orig. TJ;N° TJ;Tribunal judiciaire compétent;Orig. TPRX;N° TPRX;Tribunal de proximité compétent;Orig. CPH;N° CPH;Conseil de Prud'hommes compétent
01187;Dortan;CA;1;Lyon;TJ;11;Bourg-en-Bresse;;;;CPH;111;Oyonnax
13201;Marseille 1er Arrondissement;CA;2;Aix-en-Provence;TJ;21;Marseille;;;;CPH;211;Marseille
33063;Bordeaux;CA;3;Bordeaux;TJ;31;Bordeaux;;;;CPH;311;Bordeaux
69381;Lyon 1er Arrondissement;CA;4;Lyon;TJ;41;Lyon;;;;CPH;411;Lyon
69266;Villeurbanne;CA;4;Lyon;TJ;41;Lyon;;;;CPH;411;Lyon
75056;Paris;CA;5;Paris;TJ;51;Paris;;;;CPH;511;Paris
";

#[test]
fn the_ministry_table_imports_into_a_rules_folder_and_names_the_tribunal_judiciaire() {
    let imported = courts::import::import(MINISTRY.as_bytes(), "fixture.csv").unwrap();
    assert_eq!((imported.communes, imported.courts), (6, 5));
    let files = &imported.files;
    let rules = Rules::load(
        files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
        "my-rules",
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let dz = dossier_with(
        "b2c",
        "",
        &invoice("A", "2026-01-15", "2026-02-14", "100.00"),
    );
    let mut dz = dz;
    dz.debtor.address = Some(vec![
        "3 rue Francis-de-Pressensé".into(),
        "69100 VILLEURBANNE".into(),
    ]);
    let c = competent_court(&dz, &rules, d("2026-06-30"), Decimal::ONE);
    assert_eq!(c.name, "tribunal judiciaire de Lyon");
    assert!(c.found_by.contains("fixture.csv"), "{}", c.found_by);
}

#[test]
fn a_shifted_ministry_file_is_refused() {
    let shifted = MINISTRY.replace(
        "69381;Lyon 1er Arrondissement;CA;4;Lyon;TJ;41;Lyon",
        "69381;Lyon 1er Arrondissement;CA;4;Lyon;TJ;Lyon;41",
    );
    let err = courts::import::import(shifted.as_bytes(), "shifted.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("shifted"), "{err}");
    let partial: String = MINISTRY
        .lines()
        .filter(|l| !l.starts_with("75056"))
        .map(|l| format!("{l}\n"))
        .collect();
    let err = courts::import::import(partial.as_bytes(), "partial.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("75056"), "{err}");
}
