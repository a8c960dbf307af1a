//! Portfolio reports (recovery by step, the aging PDF), the statement of account sent to
//! the debtor, and the EPC QR code of the letters, against figures counted by hand.

use relance::letters::{DocKind, build};
use relance::report::recovery::RecoveryBuilder;
use relance::rules::Rules;

use crate::support::*;

/// A dossier of the repository, by its folder relative to the crate.
fn dossier_dir(name: &str) -> relance::dossier::Dossier {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    relance::dossier::fs::load_dir(&path).unwrap().dossier
}

mod recovery {
    use super::*;

    /// A b2b dossier: 1 000 € due 31 January, dunned three times; 300 € paid 5 days after
    /// relance-1, 400 € 19 days after the formal notice, 200 € 61 days after it.
    fn dunned() -> relance::dossier::Dossier {
        let body = [
            invoice("A1", "2026-01-01", "2026-01-31", "1000.00"),
            event("2026-02-10", "reminder", "channel = \"email\""),
            event("2026-02-20", "reminder", "channel = \"letter\""),
            event(
                "2026-03-01",
                "formal-notice",
                "channel = \"registered-letter\"",
            ),
            payment("2026-02-15", "300.00", None),
            payment("2026-03-20", "400.00", None),
            payment("2026-05-01", "200.00", None),
        ]
        .concat();
        dossier("b2b", &body)
    }

    /// A b2c dossier (nothing accrues before a formal notice): 500 € due 31 January, one
    /// reminder, 600 € paid two days later: 100 € overpaid, 500 € recovered.
    fn overpaid() -> relance::dossier::Dossier {
        let body = [
            invoice("B1", "2026-01-01", "2026-01-31", "500.00"),
            event("2026-02-10", "reminder", "channel = \"email\""),
            payment("2026-02-12", "600.00", None),
        ]
        .concat();
        dossier("b2c", &body)
    }

    /// A reminder before the period, a payment after it: neither counted.
    fn before_the_period() -> relance::dossier::Dossier {
        let body = [
            invoice("C1", "2025-12-01", "2025-12-31", "800.00"),
            event("2026-01-10", "reminder", "channel = \"email\""),
            payment("2026-02-05", "800.00", None),
        ]
        .concat();
        dossier("b2b", &body)
    }

    #[test]
    fn each_payment_goes_to_the_last_step_before_it_within_15_and_30_days() {
        let rules = Rules::embedded();
        let mut b = RecoveryBuilder::new(d("2026-02-01"), d("2026-06-30"));
        let a = dunned();
        for dz in [&a, &overpaid(), &before_the_period()] {
            b.add(dz, &rules).unwrap();
        }
        let r = b.finish();
        let rows: Vec<_> = r
            .rows
            .iter()
            .map(|row| {
                (
                    row.step,
                    row.channel,
                    row.dossiers,
                    row.sent,
                    row.recovered_15,
                    row.recovered_30,
                    row.average_days,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                // 300 € (15 days after due) and 500 € (12 days): (4 500 + 6 000) / 800.
                (
                    "relance-1",
                    "email",
                    2,
                    2,
                    dec("800"),
                    dec("800"),
                    Some(dec("13.1"))
                ),
                ("relance-2", "letter", 1, 1, dec("0"), dec("0"), None),
                // 400 € 19 days after the notice, 48 days after due; 200 € after 61 days: none.
                (
                    "mise-en-demeure",
                    "registered-letter",
                    1,
                    1,
                    dec("0"),
                    dec("400"),
                    Some(dec("48.0"))
                ),
            ]
        );
        assert_eq!(r.dossiers, 2);
        assert_eq!(r.recovered_15, dec("800"));
        assert_eq!(r.recovered_30, dec("1200"));
        // Still open: the dunned dossier's total due, under its last step; the overpaid one owes 0.
        let open = statement(&a, "2026-06-30").totals.total_due;
        assert!(open > dec("100"));
        assert_eq!(r.rows[2].still_open, open);
        assert_eq!(r.rows[0].still_open, dec("0"));
        assert_eq!(r.still_open, open);
    }

    #[test]
    fn payments_after_the_period_end_are_ignored() {
        let rules = Rules::embedded();
        let mut b = RecoveryBuilder::new(d("2026-02-01"), d("2026-02-14"));
        b.add(&dunned(), &rules).unwrap();
        let r = b.finish();
        // Only relance-1 (10 February) is in the period; the 300 € of 15 February is after it.
        assert_eq!(r.rows.len(), 1);
        assert_eq!(
            (r.rows[0].step, r.rows[0].recovered_30),
            ("relance-1", dec("0"))
        );
    }

    #[test]
    fn the_third_and_later_reminders_are_relance_3_and_a_step_without_channel_says_so() {
        let body = [
            invoice("A1", "2026-01-01", "2026-01-31", "1000.00"),
            event("2026-02-10", "reminder", ""),
            event("2026-02-20", "reminder", ""),
            event("2026-03-01", "reminder", ""),
            event("2026-03-10", "reminder", ""),
        ]
        .concat();
        let mut b = RecoveryBuilder::new(d("2026-01-01"), d("2026-06-30"));
        b.add(&dossier("b2b", &body), &Rules::embedded()).unwrap();
        let r = b.finish();
        let rows: Vec<_> = r.rows.iter().map(|x| (x.step, x.channel, x.sent)).collect();
        assert_eq!(
            rows,
            [
                ("relance-1", "non-precise", 1),
                ("relance-2", "non-precise", 1),
                ("relance-3", "non-precise", 2),
            ]
        );
        assert_eq!(r.rows[2].dossiers, 1);
    }

    #[test]
    fn csv_golden() {
        let rules = Rules::embedded();
        let mut b = RecoveryBuilder::new(d("2026-02-01"), d("2026-06-30"));
        b.add(&overpaid(), &rules).unwrap();
        assert_eq!(
            relance::report::recovery::to_csv(&b.finish()),
            "step,channel,dossiers,sent,recovered_15,recovered_30,average_days,still_open\n\
             relance-1,email,1,1,500.00,500.00,12.0,0.00\n\
             TOTAL,,1,,500.00,500.00,,0.00\n"
        );
    }
}

mod qr {
    use super::*;

    #[test]
    fn the_formal_notice_carries_the_code_of_what_it_demands() {
        let dz = dossier_dir("examples/atelier-martin");
        let s = statement(&dz, "2026-06-30");
        let data = build(DocKind::MiseEnDemeure, &dz, &s, &Rules::embedded()).unwrap();
        assert_eq!(
            data.epc_payload.as_deref(),
            // The remittance: the reference the letter asks to recall, and the invoices.
            Some(
                "BCD\n002\n1\nSCT\n\nAtelier Martin SARL\nFR7630006000011234567890189\nEUR4180.33\n\n\nDOS-2026-0042-MED-20260630 F-2026-001 F-2026-007 F-2026-012"
            )
        );
        assert_eq!(data.render_options().epc_qr, data.epc_payload);
        assert_eq!(data.json["epc_qr"]["amount"], "4\u{202f}180,33\u{a0}€");
        let text = relance::documents::Renderer::embedded()
            .render_text("mise-en-demeure.typ", &data.json, &data.render_options())
            .unwrap();
        // The caption sits beside the signature: the text runs line by line across both.
        assert!(
            text.contains("Pour payer par virement, scannez ce"),
            "{text}"
        );
        // Its amount may start a line of the caption.
        assert!(
            text.replace('\n', " ")
                .contains("montant 4\u{202f}180,33\u{a0}€"),
            "{text}"
        );
        // The court documents and the statement ask for no payment by scan.
        for kind in [
            DocKind::Decompte,
            DocKind::RequeteInjonction,
            DocKind::Bordereau,
        ] {
            let data = build(kind, &dz, &s, &Rules::embedded()).unwrap();
            assert!(data.epc_payload.is_none(), "{kind:?}");
        }
    }

    #[test]
    fn the_code_pays_what_the_sentence_asks() {
        let rules = Rules::embedded();
        // A first reminder shows the principal only: its code pays the principal.
        let dz = dossier_dir("examples/atelier-martin");
        let s = statement(&dz, "2026-04-10");
        let data = build(DocKind::Relance1, &dz, &s, &rules).unwrap();
        let payload = data.epc_payload.unwrap();
        assert!(
            payload.contains(&format!(
                "\nEUR{}\n",
                relance::money::cents_string(s.totals.outstanding)
            )),
            "{payload}"
        );
        assert!(s.totals.total_due > s.totals.outstanding);
        // The plan proposal has none: paying before signing would accept the plan without
        // its terms.
        let p = dossier_dir("tests/dossiers/echeancier-propose");
        let s = statement(&p, "2026-06-30");
        let data = build(DocKind::PropositionEcheancier, &p, &s, &rules).unwrap();
        assert!(data.epc_payload.is_none());
        // The instalment notice: the missed instalments.
        let p = dossier_dir("tests/dossiers/echeancier-impaye");
        let s = statement(&p, "2026-06-30");
        let data = build(DocKind::RelanceEcheance, &p, &s, &rules).unwrap();
        assert!(data.epc_payload.unwrap().contains("\nEUR700.00\n"));
    }

    #[test]
    fn no_code_without_iban_nor_for_a_public_payer() {
        let mut dz = dossier_dir("examples/atelier-martin");
        dz.creditor.iban = None;
        let s = statement(&dz, "2026-06-30");
        let data = build(DocKind::MiseEnDemeure, &dz, &s, &Rules::embedded()).unwrap();
        assert!(data.epc_payload.is_none());
        assert!(data.json.get("epc_qr").is_none());
        let text = relance::documents::Renderer::embedded()
            .render_text("mise-en-demeure.typ", &data.json, &data.render_options())
            .unwrap();
        assert!(!text.contains("scannez"), "{text}");

        let head = "";
        let body = invoice("G1", "2026-01-01", "2026-01-31", "1000.00");
        let mut g = dossier_with("b2g", head, &body);
        g.creditor.iban = Some("FR7630006000011234567890189".into());
        g.creditor.signatory = Some("Jeanne Martin, gérante".into());
        let s = statement(&g, "2026-06-30");
        let data = build(DocKind::MiseEnDemeure, &g, &s, &Rules::embedded()).unwrap();
        assert!(data.epc_payload.is_none());
    }

    #[test]
    fn the_svg_is_deterministic() {
        let p = "BCD\n002\n1\nSCT\n\nA\nFR7630006000011234567890189\nEUR1.00\n\n\nR";
        let a = relance::documents::qr::svg(p).unwrap();
        assert_eq!(a, relance::documents::qr::svg(p).unwrap());
        assert!(a.starts_with(b"<?xml"));
    }
}

mod account_letter {
    use super::*;

    #[test]
    fn the_statement_of_account_lists_every_entry_and_its_balance() {
        let body = [
            invoice("A1", "2026-01-01", "2026-01-31", "1000.00"),
            invoice("A2", "2026-06-01", "2026-07-31", "200.00"),
            payment("2026-01-20", "400.00", Some("A1")),
        ]
        .concat();
        let mut dz = dossier("b2c", &body);
        dz.creditor.signatory = Some("Jeanne Martin, gérante".into());
        let s = statement(&dz, "2026-06-30");
        let data = build(DocKind::ReleveDeCompte, &dz, &s, &Rules::embedded()).unwrap();
        let a = &data.json["account"];
        // Every invoice, the one not yet due too; b2c without notice: no interest.
        let entries: Vec<(&str, &str)> = a["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["date"].as_str().unwrap(), e["balance"].as_str().unwrap()))
            .collect();
        assert_eq!(
            entries,
            [
                ("01/01/2026", "1\u{202f}000,00\u{a0}€"),
                ("20/01/2026", "600,00\u{a0}€"),
                ("01/06/2026", "800,00\u{a0}€"),
            ]
        );
        assert_eq!(a["balance_signed"], "800,00\u{a0}€");
        assert_eq!(a["is_due"], true);
        let email = relance::documents::render_email("releve-de-compte", &data.json).unwrap();
        assert!(
            email.contains("Le solde de 800,00\u{a0}€ reste dû"),
            "{email}"
        );
        let text = relance::documents::Renderer::embedded()
            .render_text("releve-de-compte.typ", &data.json, &data.render_options())
            .unwrap();
        assert!(text.contains("Solde au 30\u{a0}juin 2026"), "{text}");
    }

    #[test]
    fn the_balance_splits_as_the_demands_of_the_same_day_split_it() {
        let rules = Rules::embedded();
        let dz = dossier_dir("examples/atelier-martin");
        let s = statement(&dz, "2026-06-30");
        let data = build(DocKind::ReleveDeCompte, &dz, &s, &rules).unwrap();
        let rows: Vec<(&str, &str)> = data.json["account"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["label"].as_str().unwrap(), r["amount"].as_str().unwrap()))
            .collect();
        // 500 € paid on 1 March: 5.99 € to the penalties then accrued (C. civ. 1343-1).
        assert_eq!(
            rows,
            [
                (
                    "Part des règlements imputée sur les pénalités (C. civ. 1343-1)",
                    "+5,99\u{a0}€"
                ),
                ("Principal restant dû", "3\u{202f}920,79\u{a0}€"),
                ("Pénalités de retard restant dues", "139,54\u{a0}€"),
                (
                    "Indemnités forfaitaires pour frais de recouvrement",
                    "120,00\u{a0}€"
                ),
            ]
        );
        let med = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
        assert_eq!(med.json["totals"]["outstanding"], "3\u{202f}920,79\u{a0}€");
    }

    #[test]
    fn under_a_kept_plan_only_the_instalments_due_are_asked() {
        let rules = Rules::embedded();
        // Signed on 2 March, first instalment on 1 April: nothing to pay yet, no code.
        let dz = dossier_dir("tests/dossiers/echeancier-automatique");
        let s = statement(&dz, "2026-03-02");
        let data = build(DocKind::ReleveDeCompte, &dz, &s, &rules).unwrap();
        assert_eq!(data.json["account"]["under_plan"], true);
        assert_eq!(data.json["account"]["is_due"], false);
        assert!(data.epc_payload.is_none());
        let email = relance::documents::render_email("releve-de-compte", &data.json).unwrap();
        assert!(
            email.contains("Aucune échéance n'est à régler avant sa date."),
            "{email}"
        );
        assert!(!email.contains("reste dû"), "{email}");
    }

    #[test]
    fn a_disputed_invoice_is_said_disputed_and_no_code_is_printed() {
        let dz = dossier_dir("tests/dossiers/agence-contractuel");
        let s = statement(&dz, "2026-06-30");
        let data = build(DocKind::ReleveDeCompte, &dz, &s, &Rules::embedded()).unwrap();
        let disputes = data.json["account"]["disputes"].as_array().unwrap();
        assert_eq!(
            disputes[0],
            "La facture n°\u{a0}GAD-26-0077 figure au présent relevé\u{a0}; vous l'avez contestée le 8\u{a0}avril 2026."
        );
        assert!(data.epc_payload.is_none());
        // Issued by the creditor, it names the agency the file is entrusted to.
        assert!(
            data.json["account"]["mandate"]
                .as_str()
                .unwrap()
                .contains("MANDAT-2026-017")
        );
    }

    #[test]
    fn refused_in_insolvency_for_what_arose_before_the_opening() {
        let body = invoice("A1", "2026-01-01", "2026-01-31", "1000.00");
        let mut dz = dossier("b2b", &body);
        dz.creditor.signatory = Some("Jeanne Martin, gérante".into());
        dz.debtor.insolvency_opened = Some(d("2026-03-01"));
        let s = statement(&dz, "2026-06-30");
        let e = build(DocKind::ReleveDeCompte, &dz, &s, &Rules::embedded()).unwrap_err();
        assert!(e.to_string().contains("L622-7"), "{e}");
    }
}

/// An invoice whose principal was paid late is never said "impayée": the letters say what
/// remains due on it.
#[test]
fn an_invoice_paid_late_is_claimed_for_its_accessories_not_said_unpaid() {
    let rules = Rules::embedded();
    let dz = dossier_dir("tests/dossiers/b2g-commune");
    let s = statement(&dz, "2026-11-24");
    let med = build(DocKind::MiseEnDemeure, &dz, &s, &rules).unwrap();
    assert_eq!(
        med.json["paid_late"],
        "La facture n°\u{a0}VRT-2025-214, réglée le 19\u{a0}décembre 2025 après son échéance, n'est plus due qu'au titre des intérêts moratoires et de l'indemnité forfaitaire pour frais de recouvrement."
    );
    assert_eq!(med.json["words"]["remain_unpaid"], "demeurent dues");
    // The first reminder claims principal only: the paid invoice is not in it.
    let r1 = build(DocKind::Relance1, &dz, &s, &rules).unwrap();
    let numbers: Vec<&str> = r1.json["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["VRT-2025-390"]);
    assert_eq!(r1.json["paid_late"], "");
}

#[test]
fn the_aging_pdf_renders_with_its_chart_and_largest_debtors() {
    use relance::report::aging::{Aging, pdf_data, row};
    let rules = Rules::embedded();
    let as_of = d("2026-06-30");
    let rows = ["P-1", "P-2", "P-3"]
        .iter()
        .map(|n| row(&dossier_dir(&format!("tests/portfolio/{n}")), &rules, as_of).unwrap())
        .collect();
    let report = Aging::of(as_of, rows);
    let data = pdf_data(&report, 20);
    let bars: Vec<i64> = data["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["permille"].as_i64().unwrap())
        .collect();
    assert_eq!(bars.iter().max(), Some(&1000));
    let opts = relance::documents::RenderOptions::new(as_of, "BALANCE-AGEE-20260630");
    let text = relance::documents::Renderer::embedded()
        .render_text("balance-agee.typ", &data, &opts)
        .unwrap();
    assert!(text.contains("Balance âgée au 30\u{a0}juin 2026"), "{text}");
    for r in &report.rows {
        assert!(text.contains(&r.reference), "{text}");
    }
}
