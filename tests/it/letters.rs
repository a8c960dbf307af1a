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
        ("tests/dossiers/agence-contractuel", "2026-03-31"),
    ] {
        let dz = example(dir);
        let s = compute(&dz, &rules, d(as_of)).unwrap();
        for kind in DocKind::for_dossier(&dz) {
            let built = build(kind, &dz, &s, &rules);
            // CPC 1407, 1409: no exhibit (b2c-metz, b2g-commune, c2x-particulier), or a disputed invoice
            // (agence-contractuel, before its dispute: no exhibit): the request is refused.
            // Nor is an exhibit list of a dossier without any exhibit.
            let refused = matches!(
                dir,
                "tests/dossiers/b2c-metz"
                    | "tests/dossiers/c2x-particulier"
                    | "tests/dossiers/agence-contractuel"
            ) && matches!(kind, DocKind::RequeteInjonction | DocKind::Bordereau);
            if refused {
                assert!(
                    matches!(built, Err(LetterError::Refused { .. })),
                    "{dir} {kind:?}: {built:?}"
                );
                continue;
            }
            // A reminder after a formal notice received is refused (a false chronology).
            let notice_received = dz
                .events
                .iter()
                .any(|e| e.kind == relance::dossier::EventKind::FormalNotice && e.date <= d(as_of));
            if notice_received && kind.family() == relance::letters::Family::Reminder {
                assert!(
                    matches!(&built, Err(LetterError::Refused { why, .. }) if why.contains("formal notice")),
                    "{dir} {kind:?}: {built:?}"
                );
                continue;
            }
            let data = built.unwrap_or_else(|e| panic!("{dir} {kind:?}: {e}"));
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
            // The statement of account is the creditor's own book-keeping document, never the
            // agency's letter.
            if kind.is_letter() && agency && kind != DocKind::ReleveDeCompte {
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
    assert_eq!(data.json["deadline"], "6\u{a0}juillet 2026");
    let m = data
        .mentions
        .iter()
        .find(|m| m.id == "c-civ-1344-interpellation")
        .unwrap();
    assert!(
        m.text.contains("au plus tard le 6\u{a0}juillet 2026"),
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
    assert_eq!(date_long_fr(d("2026-07-01")), "1er\u{a0}juillet 2026");
    assert_eq!(date_long_fr(d("2026-11-24")), "24\u{a0}novembre 2026");
    assert_eq!(date_long_fr(d("2027-02-28")), "28\u{a0}février 2027");
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

/// The dates a "malgré …" phrase writes ("des 20 février et 16 mars 2026"), as dates.
fn dates_in(phrase: &str) -> Vec<chrono::NaiveDate> {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let words: Vec<&str> = phrase
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    // Read right to left: a year applies to the days before it, a month likewise.
    let (mut year, mut month) = (None, None);
    let mut out = Vec::new();
    for w in words.iter().rev() {
        if let Ok(y) = w.parse::<i32>()
            && y > 1900
        {
            year = Some(y);
        } else if let Some(m) = MONTHS.iter().position(|m| m == w) {
            month = Some(m as u32 + 1);
        } else if let Ok(d) = w.trim_end_matches("er").parse::<u32>()
            && let (Some(y), Some(m)) = (year, month)
        {
            out.push(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        }
    }
    out.sort();
    out
}

#[test]
fn reminders_only_no_formal_notice_is_claimed_anywhere() {
    let rules = Rules::embedded();
    let dz = example("tests/dossiers/relances-seules");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let med = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
    assert_eq!(
        med.json["facts"]["reminders"],
        "nos relances des 20\u{a0}février et 16\u{a0}mars 2026"
    );
    assert_eq!(med.json["facts"]["formal_notice"], "");
    let ip = build(DocKind::RequeteInjonction, &dz, &s, &rules).unwrap();
    assert_eq!(
        ip.json["facts"]["court_steps"],
        "les relances des 20\u{a0}février et 16\u{a0}mars 2026"
    );
    // The request does not say that no formal notice was sent; the user is warned.
    assert!(ip.json["facts"].get("no_formal_notice").is_none());
    assert!(
        ip.warnings
            .iter()
            .any(|w| w.starts_with("no formal notice is recorded")),
        "{:?}",
        ip.warnings
    );
    // The attention line names a gérante: so does the salutation, and the address shows it.
    assert_eq!(med.json["salutation"], "Madame la Gérante,");
    assert_eq!(
        med.json["recipient"]["address"][0],
        "À l'attention de Mme Anne Leroy, gérante"
    );
    assert_eq!(
        med.json["sender"]["identity"],
        serde_json::json!([
            "SAS au capital de 20\u{202f}000,00\u{a0}€",
            "RCS Lyon 586\u{a0}710\u{a0}972"
        ])
    );
}

#[test]
fn a_request_without_exhibit_or_with_a_disputed_invoice_is_refused() {
    let rules = Rules::embedded();
    let dz = example("tests/dossiers/facture-contestee");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let err = build(DocKind::RequeteInjonction, &dz, &s, &rules).unwrap_err();
    assert!(
        err.to_string()
            .contains("F-2026-001 (disputed on 2026-04-08)"),
        "{err}"
    );
    let opts = relance::letters::Options {
        include_disputed: true,
    };
    let ip =
        relance::letters::build_with(DocKind::RequeteInjonction, &dz, &s, &rules, &opts).unwrap();
    assert_eq!(
        ip.json["facts"]["disputes"][0],
        "La facture n°\u{a0}F-2026-001 a été contestée par le débiteur le 8\u{a0}avril 2026\u{a0}; le requérant maintient sa demande."
    );
    let med = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
    assert!(!med.warnings.is_empty());
    let dz = example("tests/dossiers/b2c-metz");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    assert!(matches!(
        build(DocKind::RequeteInjonction, &dz, &s, &rules),
        Err(LetterError::Refused { .. })
    ));
}

#[test]
fn amounts_deducted_carry_a_real_minus_and_no_empty_trace() {
    let rules = Rules::embedded();
    let dz = example("examples/atelier-martin");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let dec = build(DocKind::Decompte, &dz, &s, &rules).unwrap();
    let inv = &dec.json["statement"]["invoices"][0];
    assert_eq!(inv["imputations"][0]["minus"], "\u{2212}500,00\u{a0}€");
    // An invoice without payment has no "- 0,00 €" line.
    assert_eq!(
        dec.json["statement"]["invoices"][1]["imputations"],
        serde_json::json!([])
    );
    // An individual creditor: no SIREN line, no empty part in the footer.
    let dz = example("tests/dossiers/c2x-particulier");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let r = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
    assert_eq!(r.json["sender"]["identity"], serde_json::json!([]));
    assert_eq!(r.json["sender"]["footer"], "Claire Petit");
    assert_eq!(r.json["je"], true);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Every date a "malgré …" phrase writes is the date of a recorded event of that kind.
    #[test]
    fn every_date_in_a_malgre_phrase_is_a_recorded_event(
        reminders in proptest::collection::vec(0u64..120, 0..4),
        notice in proptest::option::of(0u64..120),
    ) {
        let rules = Rules::embedded();
        let mut body = invoice("A", "2026-01-05", "2026-02-04", "900.00");
        body.push_str("piece = \"pieces/a.pdf\"\n");
        let base = d("2026-02-05");
        let mut dates = Vec::new();
        for r in &reminders {
            let day = base + chrono::Days::new(*r);
            dates.push(day);
            body.push_str(&format!("\n[[events]]\ndate = {day}\nkind = \"reminder\"\nchannel = \"email\"\n"));
        }
        if let Some(n) = notice {
            let day = base + chrono::Days::new(n);
            body.push_str(&format!("\n[[events]]\ndate = {day}\nkind = \"formal-notice\"\nchannel = \"registered-letter\"\n"));
        }
        let dz = dossier("b2b", &body);
        let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
        for kind in [DocKind::Relance2, DocKind::Relance3, DocKind::MiseEnDemeure, DocKind::RequeteInjonction] {
            let Ok(data) = build(kind, &dz, &s, &rules) else { continue };
            let f = &data.json["facts"];
            let mut wanted = dates.clone();
            wanted.sort();
            wanted.dedup();
            let got = dates_in(f["reminders"].as_str().unwrap());
            proptest::prop_assert_eq!(&got, &wanted);
            let steps = dates_in(f["court_steps"].as_str().unwrap());
            let mut all = wanted.clone();
            all.extend(notice.map(|n| base + chrono::Days::new(n)));
            for day in steps {
                proptest::prop_assert!(all.contains(&day), "{} not recorded", day);
            }
        }
    }
}

#[test]
fn a_refere_needs_its_lawyer_its_exhibit_and_a_named_court() {
    let rules = Rules::embedded();
    let base = example("tests/dossiers/b2g-refere");
    let s = compute(&base, &rules, d("2026-06-30")).unwrap();
    let ok = build(DocKind::RequeteRefere, &base, &s, &rules).unwrap();
    assert_eq!(
        ok.json["refere"]["signature"],
        "Pour le requérant, Mᵉ Claire Roux, avocat"
    );
    // The contract comes first in the exhibit list, the reception report after the
    // invoice; the performance is stated from that exhibit only, and nothing is missing.
    let titles = piece_titles(&ok.json);
    assert!(
        titles[0].starts_with("Marché n° 2025-FCS-031"),
        "{titles:?}"
    );
    assert!(titles[1].starts_with("Facture n°"), "{titles:?}");
    assert!(
        titles[2].starts_with("Procès-verbal de réception"),
        "{titles:?}"
    );
    let facts = ok.json["refere"]["facts"].as_str().unwrap();
    assert!(
        facts.contains(
            "L'exécution de la commande facturée est justifiée par la pièce n°\u{a0}3 (Procès-verbal de réception sans réserve des fournitures du lot 3)."
        ),
        "{facts}"
    );
    assert!(
        ok.json["refere"]["discussion"]
            .as_str()
            .unwrap()
            .contains("elle résulte du contrat (pièce n°\u{a0}1), de la facture produite (pièce n°\u{a0}2) et du justificatif de l'exécution de la commande (pièce n°\u{a0}3), et le délai de paiement de la facture est expiré"),
    );
    assert!(
        !ok.warnings
            .iter()
            .any(|w| w.contains("rests on the invoices")),
        "{:?}",
        ok.warnings
    );
    let mut invoices_only = base.clone();
    invoices_only.exhibits.clear();
    let bare = build(DocKind::RequeteRefere, &invoices_only, &s, &rules).unwrap();
    assert!(
        !bare.json["refere"]["facts"]
            .as_str()
            .unwrap()
            .contains("exécution"),
    );
    assert!(
        bare.warnings
            .iter()
            .any(|w| w.contains("rests on the invoices alone")),
        "{:?}",
        bare.warnings
    );
    // A State établissement public: the lawyer is required (CJA R431-2); without one the
    // request would be irrecevable, so it is refused.
    let mut no_lawyer = base.clone();
    no_lawyer.lawyer = None;
    let err = build(DocKind::RequeteRefere, &no_lawyer, &s, &rules).unwrap_err();
    assert!(
        matches!(&err, LetterError::Refused { why, .. } if why.contains("R431-2") && why.contains("[lawyer]")),
        "{err}"
    );
    // A public person of unknown kind: whether a lawyer is needed cannot be told.
    let mut unknown = no_lawyer.clone();
    unknown.debtor.public_status = None;
    let err = build(DocKind::RequeteRefere, &unknown, &s, &rules).unwrap_err();
    assert!(
        matches!(&err, LetterError::Refused { why, .. } if why.contains("public_status")),
        "{err}"
    );
    // No invoice as exhibit: nothing shows the obligation (CJA R541-1).
    let mut no_piece = base.clone();
    for i in &mut no_piece.invoices {
        i.piece = None;
    }
    let err = build(DocKind::RequeteRefere, &no_piece, &s, &rules).unwrap_err();
    assert!(
        matches!(&err, LetterError::Refused { why, .. } if why.contains("no exhibit") && why.contains("R541-1")),
        "{err}"
    );
    // A commune: dispensée du ministère d'avocat (CJA R431-3), signed by the creditor.
    let commune = example("tests/dossiers/b2g-commune");
    let s = compute(&commune, &rules, d("2026-11-24")).unwrap();
    let data = build(DocKind::RequeteRefere, &commune, &s, &rules).unwrap();
    let lawyer = data.json["refere"]["lawyer"].as_str().unwrap();
    assert!(
        lawyer.contains("dispensée du ministère d'avocat"),
        "{lawyer}"
    );
    assert!(!lawyer.contains("sauf si"), "{lawyer}");
    assert_eq!(data.json["refere"]["signature"], "Karim Benali, gérant");
    // The interest on VRT-2025-214 rests on the date of its payment: without the proof of
    // that payment a warning asks for it; with it, the proof is an exhibit.
    assert!(
        data.warnings
            .iter()
            .any(|w| w.contains("late payment of invoice VRT-2025-214 on 2025-12-19")),
        "{:?}",
        data.warnings
    );
    let mut proved = commune.clone();
    proved.payments[0].piece = Some("pieces/avis-de-paiement.pdf".to_string());
    let data = build(DocKind::RequeteRefere, &proved, &s, &rules).unwrap();
    assert!(!data.warnings.iter().any(|w| w.contains("late payment")));
    let titles = piece_titles(&data.json);
    assert_eq!(
        titles.last().copied(),
        Some(
            "Justificatif du règlement du 19\u{a0}décembre 2025 (18\u{202f}240,00\u{a0}€, Mandat 2025-11873)"
        ),
        "{titles:?}"
    );
}

#[test]
fn a_reminder_cites_only_the_invoices_due_on_its_date() {
    let rules = Rules::embedded();
    let mut dz = example("tests/dossiers/agence-contractuel");
    // The agency was mandated before the reminder of 15 January: the reminder is its own.
    dz.agency.as_mut().unwrap().mandated = Some(d("2026-01-10"));
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let med = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
    // GAD-26-0077 fell due on 26 February 2026, after the reminder of 15 January.
    let reminders = med.json["facts"]["reminders"].as_str().unwrap();
    assert_eq!(
        reminders,
        "notre relance du 15\u{a0}janvier 2026 (factures n°\u{a0}GAD-25-0912 et n°\u{a0}GAD-25-1045)"
    );
    // The agency recalls its first letter by the dossier's reference, not a rebuilt one.
    assert_eq!(
        med.json["first_letter"],
        "Rappel de notre premier courriel, du 15\u{a0}janvier 2026, dossier référence AGC-2025-7781"
    );
}

/// An agency's letter calls a recorded letter its own only when it came after the mandate:
/// one before was the creditor's, and without the mandate's date nobody can tell.
#[test]
fn an_agency_claims_as_its_own_only_the_letters_after_its_mandate() {
    let rules = Rules::embedded();
    for (mandated, own) in [
        (None, false),
        (Some("2026-02-01"), false),
        (Some("2026-01-15"), true),
    ] {
        let mut dz = example("tests/dossiers/agence-contractuel");
        dz.agency.as_mut().unwrap().mandated = mandated.map(d);
        let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
        let med = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
        let reminders = med.json["facts"]["reminders"].as_str().unwrap();
        assert_eq!(
            reminders.starts_with("notre relance"),
            own,
            "{mandated:?}: {reminders}"
        );
        assert_eq!(
            reminders.starts_with("la relance du 15"),
            !own,
            "{mandated:?}: {reminders}"
        );
        assert_eq!(med.json["first_letter"] != "", own, "{mandated:?}");
        assert_eq!(
            med.warnings
                .iter()
                .any(|w| w.contains("agency.mandated is not given")),
            mandated.is_none(),
            "{mandated:?}: {:?}",
            med.warnings
        );
    }
}

/// "1 234,56 €" as a number.
fn euros(s: &serde_json::Value) -> rust_decimal::Decimal {
    let s: String = s
        .as_str()
        .unwrap()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == ',' || *c == '-' || *c == '−')
        .map(|c| match c {
            ',' => '.',
            '−' => '-',
            c => c,
        })
        .collect();
    s.parse().unwrap()
}

#[test]
fn every_claim_table_row_adds_up_to_its_total() {
    let rules = Rules::embedded();
    let mut rows = 0;
    for (dir, dates) in [
        ("examples/atelier-martin", &["2026-04-10", "2026-06-30"][..]),
        (
            "tests/dossiers/echeancier-particulier",
            &["2026-04-15", "2026-06-30"][..],
        ),
        (
            "tests/dossiers/echeancier-impaye",
            &["2026-05-20", "2026-06-30"][..],
        ),
        ("tests/dossiers/echeancier-echu", &["2026-06-30"][..]),
        ("tests/dossiers/b2c-metz", &["2026-06-30"][..]),
        ("tests/dossiers/b2g-commune", &["2026-11-24"][..]),
    ] {
        let dz = example(dir);
        for as_of in dates {
            let Ok(s) = compute(&dz, &rules, d(as_of)) else {
                continue;
            };
            for kind in DocKind::ALL {
                let Ok(data) = build(kind, &dz, &s, &rules) else {
                    continue;
                };
                let Some(lines) = data.json["invoices"].as_array() else {
                    continue;
                };
                for l in lines {
                    assert_eq!(
                        euros(&l["outstanding"]) + euros(&l["accrued"]) + euros(&l["indemnity"]),
                        euros(&l["total"]),
                        "{dir} {as_of} {kind:?}: {l}"
                    );
                    rows += 1;
                }
                let t = &data.json["totals"];
                assert_eq!(
                    euros(&t["outstanding"]) + euros(&t["accrued"]) + euros(&t["indemnities"]),
                    euros(&t["total_due"]),
                    "{dir} {as_of} {kind:?}: {t}"
                );
            }
        }
    }
    assert!(rows > 50, "{rows}");
}

/// The décompte's summary adds up to its total, to the cent, in every test dossier
/// (principal, accessories, indemnities, payments, what a plan waived).
#[test]
fn the_statement_summary_adds_up_to_the_total_due() {
    let rules = Rules::embedded();
    let euros = |v: &serde_json::Value| -> rust_decimal::Decimal {
        let s = v.as_str().unwrap();
        let negative = s.starts_with('\u{2212}') || s.starts_with('-');
        let digits: String = s
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == ',')
            .collect::<String>()
            .replace(',', ".");
        let d: rust_decimal::Decimal = digits.parse().unwrap();
        if negative { -d } else { d }
    };
    let mut checked = 0;
    for dir in
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dossiers"))
            .unwrap()
    {
        let dir = dir.unwrap().path();
        let Ok(loaded) = relance::dossier::fs::load_dir(&dir) else {
            continue;
        };
        for as_of in ["2026-03-02", "2026-04-20", "2026-06-30", "2026-11-24"] {
            let Ok(s) = compute(&loaded.dossier, &rules, d(as_of)) else {
                continue;
            };
            let Ok(data) = build(DocKind::Decompte, &loaded.dossier, &s, &rules) else {
                continue;
            };
            let st = &data.json["statement"];
            let sum: rust_decimal::Decimal = st["summary"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| euros(&r["amount"]))
                .sum();
            assert_eq!(
                sum,
                euros(&st["totals"]["total_due"]),
                "{} {as_of}: {}",
                dir.display(),
                st["summary"]
            );
            // And each invoice's block, line by line: principal, accrual periods, indemnity,
            // every payment imputed (under a plan too), what a plan waived.
            for inv in st["invoices"].as_array().unwrap() {
                let mut block = euros(&inv["principal"]);
                for p in inv["periods"].as_array().unwrap() {
                    block += euros(&p["amount"]);
                }
                if inv["has_indemnity"] == true {
                    block += euros(&inv["indemnity"]);
                }
                for i in inv["imputations"].as_array().unwrap() {
                    block += euros(&i["minus"]);
                }
                if !inv["waived"].is_null() {
                    block += euros(&inv["waived"]["amount"]);
                }
                assert_eq!(
                    block,
                    euros(&inv["total_due"]),
                    "{} {as_of} invoice {}: {inv}",
                    dir.display(),
                    inv["number"]
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked}");
}

/// The titles of a court document's exhibit list, in order.
fn piece_titles(json: &serde_json::Value) -> Vec<&str> {
    json["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect()
}

/// A document produces only what existed on its date: a formal notice received after it is
/// neither stated nor listed among the exhibits.
#[test]
fn no_exhibit_is_dated_after_the_document() {
    let rules = Rules::embedded();
    let dz = example("tests/dossiers/tj-strasbourg");
    let date = d("2026-03-25");
    assert!(
        dz.events.iter().any(|e| e.date > date && e.piece.is_some()),
        "the fixture records a proof after the request's date"
    );
    let s = compute(&dz, &rules, date).unwrap();
    let ip = build(DocKind::RequeteInjonction, &dz, &s, &rules).unwrap();
    let titles = piece_titles(&ip.json);
    assert!(
        !titles.iter().any(|t| t.contains("Mise en demeure")),
        "{titles:?}"
    );
    // On a later date the same proof is listed.
    let later = d("2026-06-30");
    let s = compute(&dz, &rules, later).unwrap();
    let ip = build(DocKind::RequeteInjonction, &dz, &s, &rules).unwrap();
    assert!(
        piece_titles(&ip.json)
            .iter()
            .any(|t| t.contains("Mise en demeure")),
    );
}

/// The prescription's restart names what restarted it, as the calculation counted it: a
/// reminder to a company interrupts nothing (C. civ. 2240-2244), the payment of the same day
/// does; the public-law rule (loi 68-1250) is never cited against a private debtor.
#[test]
fn the_prescription_restart_is_the_act_the_calculation_counted() {
    // The wording, whatever the no-break spaces of French typography.
    let flat = |t: &str| t.replace(['\u{a0}', '\u{202f}'], " ");
    let rules = Rules::embedded();
    let dz = example("tests/dossiers/facture-contestee");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::Decompte, &dz, &s, &rules).unwrap();
    let inv = &data.json["statement"]["invoices"][1];
    assert_eq!(inv["number"], "F-2026-007");
    let text = inv["prescription_text"].as_str().unwrap();
    assert!(
        text.contains("interrompue par le paiement partiel du 20/03/2026"),
        "{text}"
    );
    assert!(!text.contains("68-1250"), "{text}");

    // Under a payment plan that ended (b2c): its payment restarts it, and the delay runs to
    // the as-of date again.
    let dz = example("tests/dossiers/echeancier-particulier");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::Decompte, &dz, &s, &rules).unwrap();
    let inv = &data.json["statement"]["invoices"][0];
    let text = inv["prescription_text"].as_str().unwrap();
    assert!(
        text.contains("interrompue par le paiement partiel du 02/03/2026"),
        "{text}"
    );
    assert_eq!(inv["days_late"], "211 jours");
    assert_eq!(
        inv["imputations"][0]["split"],
        "sur le principal (600,00\u{a0}€), au titre de l'échéancier convenu le 02/02/2026"
    );
    // A new period of the same length runs from the act (C. civ. 2231).
    assert!(
        flat(text).starts_with("Prescription (C. conso. L218-2) interrompue par")
            && flat(text)
                .contains("nouveau délai de même durée courant de cette date (C. civ. 2231)")
            && flat(text).ends_with("action possible jusqu'au 02/03/2028 inclus."),
        "{text}"
    );

    // The déchéance quadriennale: a new four years from 1 January after the act (a
    // formal notice received in 2026 on invoices due in 2025).
    let mut dz = example("tests/dossiers/b2g-commune");
    dz.events.push(relance::dossier::Event {
        date: d("2026-02-10"),
        kind: relance::dossier::EventKind::FormalNotice,
        invoice: None,
        channel: Some(relance::dossier::Channel::RegisteredLetter),
        piece: None,
    });
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::Decompte, &dz, &s, &rules).unwrap();
    let texts: Vec<&str> = data.json["statement"]["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["prescription_text"].as_str().unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("interrompue par")
            && t.contains("nouveau délai courant du 1er\u{a0}janvier 2027")
            && t.ends_with("action possible jusqu'au 31/12/2030 inclus.")),
        "{texts:?}"
    );
    assert!(texts.iter().all(|t| !t.contains("2231")), "{texts:?}");
}

/// What a consumer's plan waived stays waived for good (spec §6, C. conso. R212-2 3°): the
/// relevé claims only the interest left due, never the whole accrued interest above a line
/// that takes part of it back.
#[test]
fn the_statement_of_account_claims_only_the_interest_a_plan_left_due() {
    let rules = Rules::embedded();
    let dz = example("tests/dossiers/echeancier-particulier");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::ReleveDeCompte, &dz, &s, &rules).unwrap();
    let rows: Vec<(&str, &str)> = data.json["account"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["label"].as_str().unwrap(), r["amount"].as_str().unwrap()))
        .collect();
    // 11,18 € accrued, 6,44 € of it waived.
    assert_eq!(
        rows,
        vec![("Intérêts au taux légal restant dus", "4,74\u{a0}€")]
    );
    assert_eq!(data.json["account"]["balance"], "1\u{202f}204,74\u{a0}€");
}

/// Against a consumer before any formal notice nothing accrues (C. civ. 1231-6, 1344-1): the
/// firm reminder neither says the delay "ouvre droit aux sommes suivantes" nor lists
/// accessories at 0,00 €.
#[test]
fn a_consumer_reminder_without_accessories_claims_only_the_principal() {
    let rules = Rules::embedded();
    let dz = example("tests/dossiers/echeancier-frais");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::Relance2, &dz, &s, &rules).unwrap();
    assert_eq!(data.json["has_accessories"], false);
    let example = example("examples/atelier-martin");
    let s = compute(&example, &rules, d("2026-03-20")).unwrap();
    let data = build(DocKind::Relance2, &example, &s, &rules).unwrap();
    assert_eq!(data.json["has_accessories"], true);
}

/// A reminder's subject and words never state a past the dossier does not hold: "Deuxième
/// relance" after exactly one recorded reminder, "une dernière fois" only after one, and
/// reminders on the same invoice named once.
#[test]
fn a_reminder_states_only_the_reminders_the_dossier_records() {
    use relance::documents::{RenderOptions, Renderer, render_email};
    let rules = Rules::embedded();
    let as_of = d("2026-06-30");
    let subject = |name: &str, kind: DocKind| {
        let dz = example(name);
        let s = compute(&dz, &rules, as_of).unwrap();
        let data = build(kind, &dz, &s, &rules).unwrap();
        data.json["subject"].as_str().unwrap().to_owned()
    };
    // No reminder recorded, one of every invoice, one of only one of the two invoices, two.
    assert!(
        subject("tests/dossiers/echeancier-frais", DocKind::Relance2).starts_with("Relance — ")
    );
    let mut one = example("tests/dossiers/relances-seules");
    one.events.truncate(1);
    let s = compute(&one, &rules, as_of).unwrap();
    let first = build(DocKind::Relance2, &one, &s, &rules).unwrap();
    assert!(
        first.json["subject"]
            .as_str()
            .unwrap()
            .starts_with("Deuxième relance — "),
        "{}",
        first.json["subject"]
    );
    assert!(
        subject("tests/dossiers/b2g-commune", DocKind::Relance2).starts_with("Nouvelle relance — ")
    );
    assert!(
        subject("tests/dossiers/relances-seules", DocKind::Relance2)
            .starts_with("Nouvelle relance — ")
    );

    // "Une dernière fois" only after a reminder, in the letter and in its email.
    for (name, last) in [
        ("tests/dossiers/echeancier-frais", false),
        ("tests/dossiers/relances-seules", true),
    ] {
        let dz = example(name);
        let s = compute(&dz, &rules, as_of).unwrap();
        let data = build(DocKind::Relance3, &dz, &s, &rules).unwrap();
        let opts = RenderOptions::new(data.date, data.reference.clone());
        let text = Renderer::embedded()
            .render_text("relance-3.typ", &data.json, &opts)
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let email = render_email("relance-3", &data.json).unwrap();
        assert_eq!(text.contains("une dernière fois"), last, "{name}: {text}");
        assert_eq!(email.contains("une dernière fois"), last, "{name}: {email}");
        let subject = data.json["subject"].as_str().unwrap();
        assert_eq!(
            subject.starts_with("Dernière relance avant mise en demeure — "),
            last,
            "{name}: {subject}"
        );
        assert_eq!(
            subject.starts_with("Relance avant mise en demeure — "),
            !last,
            "{name}: {subject}"
        );
        assert!(!text.contains("démarche contentieuse"), "{name}: {text}");
    }

    // Three reminders on the same invoice: its number said once.
    let dz = example("tests/dossiers/echeancier-propose");
    let s = compute(&dz, &rules, as_of).unwrap();
    let data = build(DocKind::Relance2, &dz, &s, &rules).unwrap();
    let reminders = data.json["facts"]["reminders"].as_str().unwrap();
    assert_eq!(reminders.matches("F-101").count(), 1, "{reminders}");
    assert!(reminders.starts_with("nos relances des "), "{reminders}");
}

/// "TTC" says VAT is included: the décompte says it of a company's invoices, not of what a
/// private person claims.
#[test]
fn the_statement_says_ttc_only_of_a_companys_invoices() {
    let rules = Rules::embedded();
    for (name, label) in [
        ("examples/atelier-martin", "Principal TTC"),
        ("tests/dossiers/c2x-particulier", "Principal"),
    ] {
        let dz = example(name);
        let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
        let data = build(DocKind::Decompte, &dz, &s, &rules).unwrap();
        assert_eq!(data.json["statement"]["principal_label"], label, "{name}");
    }
}

/// A disputed invoice in a formal notice: the creditor's own letter maintains its claim (its
/// signatory decides it); an agency's letter says only what the letter does, since no event
/// records that the creditor maintains the claim after the dispute, and warns to ask.
#[test]
fn an_agency_does_not_state_its_principals_answer_to_a_dispute() {
    let rules = Rules::embedded();
    let mut dz = example("tests/dossiers/agence-contractuel");
    for agency in [true, false] {
        if !agency {
            dz.agency = None;
        }
        let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
        let med = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
        let disputes: Vec<&str> = med.json["facts"]["disputes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(disputes.len(), 1, "{disputes:?}");
        let said = disputes[0];
        assert!(
            said.contains("contestée par vos soins le 8\u{a0}avril 2026"),
            "{said}"
        );
        assert!(!said.contains("mandant maintient"), "{said}");
        assert_eq!(
            said.contains("la présente mise en demeure la comprend néanmoins, pour le compte de Grossiste Alpes Distribution SA."),
            agency,
            "{said}"
        );
        assert_eq!(
            said.contains("nous maintenons notre demande"),
            !agency,
            "{said}"
        );
        assert_eq!(
            med.warnings
                .iter()
                .any(|w| w.contains("written instruction")),
            agency,
            "{:?}",
            med.warnings
        );
    }
}

/// Insolvency proceedings: the statement, which the creditor declares, says first which
/// invoices are to be declared, why their penalties stop on the eve of the opening, which
/// bear no indemnity, and what becomes of a later invoice; it never totals the claim to
/// declare with the later one, and it states the declaration's time limit.
#[test]
fn the_statement_of_an_insolvent_debtor_says_what_the_opening_changed() {
    let rules = Rules::embedded();
    let dz = example("tests/dossiers/redressement");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::Decompte, &dz, &s, &rules).unwrap();
    let st = &data.json["statement"];
    let said = st["insolvency"].as_str().unwrap_or_else(|| panic!("{st}"));
    assert!(
        said.starts_with("Procédure collective ouverte le 02/03/2026\u{a0}: les factures n°\u{a0}IVP-1187 et n°\u{a0}IVP-1240, nées avant cette date"),
        "{said}"
    );
    assert!(said.contains("arrêtés au 01/03/2026"), "{said}");
    assert!(
        said.contains("aucune indemnité forfaitaire pour la facture n°\u{a0}IVP-1240,"),
        "{said}"
    );
    assert!(
        said.contains("La facture n°\u{a0}IVP-1302, née après le jugement d'ouverture, est payable à son échéance si elle remplit les conditions de l'article L622-17\u{a0}I"),
        "{said}"
    );
    // Said once, on the first page, not among the observations.
    assert!(
        !st["observations"]
            .to_string()
            .contains("Procédure collective"),
        "{st}"
    );
    // Each invoice's last line, and the two balances, which add up to the total.
    let labels: Vec<&str> = (st["invoices"].as_array().unwrap().iter())
        .map(|i| i["total_label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Montant à déclarer (C. com. L622-24)",
            "Montant à déclarer (C. com. L622-24)",
            "Reste dû sur cette facture"
        ]
    );
    let balance = st["balance"].as_array().unwrap();
    assert_eq!(balance.len(), 2, "{balance:?}");
    assert_eq!(
        balance[0]["label"],
        "Créances nées avant le jugement d'ouverture du 02/03/2026, à déclarer (C. com. L622-24)"
    );
    assert_eq!(
        balance[1]["label"],
        "Créances nées après le jugement d'ouverture"
    );
    let euros = |v: &serde_json::Value| -> rust_decimal::Decimal {
        let t: String = (v.as_str().unwrap().chars())
            .filter(|c| c.is_ascii_digit() || *c == ',')
            .collect();
        t.replace(',', ".").parse().unwrap()
    };
    let declared: rust_decimal::Decimal = (s.invoices.iter())
        .filter(|l| l.number != "IVP-1302")
        .map(|l| l.total_due())
        .sum();
    assert_eq!(euros(&balance[0]["amount"]), declared);
    assert_eq!(
        euros(&balance[0]["amount"]) + euros(&balance[1]["amount"]),
        s.totals.total_due
    );
    assert!(!data.json.to_string().contains("Total restant dû"));
    // The time limit, from its mention rule, with the opening's date.
    let mentions = data.json["mentions"].to_string().replace('\u{a0}', " ");
    assert!(
        mentions.contains("rendu le 2 mars 2026, sont à déclarer")
            && mentions.contains("dans un délai de deux mois"),
        "{mentions}"
    );
}

/// Without insolvency proceedings, the statement totals what remains due, in one line.
#[test]
fn a_statement_totals_what_remains_due_in_one_line() {
    let rules = Rules::embedded();
    let dz = example("examples/atelier-martin");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::Decompte, &dz, &s, &rules).unwrap();
    let st = &data.json["statement"];
    assert!(st["insolvency"].is_null(), "{st}");
    assert_eq!(st["balance"].as_array().unwrap().len(), 1);
    assert_eq!(st["balance"][0]["label"], "Total restant dû");
    assert!(
        !data.json["mentions"]
            .to_string()
            .contains("jugement d'ouverture")
    );
}
