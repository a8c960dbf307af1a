//! The calculation engine against figures computed by hand (spec §3).

use relance::calc::{CalcError, compute};
use relance::dossier::{Format, Imputation, parse};
use relance::rules::Rules;

use crate::support::*;

#[test]
fn spec_example_adds_up_to_the_cent() {
    let dz = dossier(
        "b2b",
        &(invoice("F-2026-001", "2026-01-15", "2026-02-14", "1200.00")
            + &payment("2026-03-01", "500.00", Some("F-2026-001"))),
    );
    let s = statement(&dz, "2026-06-30");
    assert_eq!(
        periods(&s, 0),
        vec![
            p("2026-02-15", "2026-03-01", 15, "1200.00", "12.15", "5.99"),
            p("2026-03-02", "2026-06-30", 121, "705.99", "12.15", "28.44"),
        ]
    );
    let l = &s.invoices[0];
    assert_eq!(
        (l.paid, l.outstanding, l.penalties, l.indemnity),
        (dec("500"), dec("705.99"), dec("34.43"), dec("40"))
    );
    assert_eq!(l.days_late, 136);
    assert_eq!(s.totals.penalties_paid, dec("5.99"));
    assert_eq!(s.totals.total_due, dec("774.43"));
    assert_eq!(l.prescription.expires_on, d("2031-03-01"));
}

#[test]
fn days_late_counts_calendar_days_after_due() {
    let dz = dossier("b2b", &invoice("A", "2026-01-15", "2026-02-14", "100.00"));
    assert_eq!(statement(&dz, "2026-03-16").invoices[0].days_late, 30);
    assert_eq!(statement(&dz, "2026-02-14").invoices[0].days_late, 0);
    assert_eq!(statement(&dz, "2026-02-14").invoices[0].indemnity, dec("0"));
    assert!(statement(&dz, "2026-02-14").invoices[0].periods.is_empty());
}

#[test]
fn periods_are_cut_at_30_june_and_31_december_even_at_the_same_rate() {
    let dz = dossier("b2b", &invoice("A", "2025-05-16", "2025-06-15", "1000.00"));
    let s = statement(&dz, "2026-01-31");
    assert_eq!(
        periods(&s, 0),
        vec![
            p("2025-06-16", "2025-06-30", 15, "1000.00", "13.15", "5.40"),
            p("2025-07-01", "2025-12-31", 184, "1000.00", "12.15", "61.25"),
            p("2026-01-01", "2026-01-31", 31, "1000.00", "12.15", "10.32"),
        ]
    );
    assert_eq!(s.invoices[0].penalties, dec("76.97"));
}

#[test]
fn the_2023_rate_jumps_use_the_rate_in_force_on_1_january_and_1_july() {
    // MRO on 1 July 2022 was still 0 % (the hike took effect on 27 July 2022).
    let dz = dossier("b2b", &invoice("A", "2022-11-15", "2022-12-15", "1000.00"));
    let s = statement(&dz, "2023-12-31");
    assert_eq!(
        periods(&s, 0),
        vec![
            p("2022-12-16", "2022-12-31", 16, "1000.00", "10.00", "4.38"),
            p("2023-01-01", "2023-06-30", 181, "1000.00", "12.50", "61.99"),
            p("2023-07-01", "2023-12-31", 184, "1000.00", "14.00", "70.58"),
        ]
    );
}

#[test]
fn leap_years_still_divide_by_365() {
    let dz = dossier("b2b", &invoice("A", "2024-01-01", "2024-01-31", "1000.00"));
    let s = statement(&dz, "2024-12-31");
    assert_eq!(
        periods(&s, 0),
        vec![
            p("2024-02-01", "2024-06-30", 151, "1000.00", "14.50", "59.99"),
            p("2024-07-01", "2024-12-31", 184, "1000.00", "14.25", "71.84"),
        ]
    );
}

#[test]
fn a_contractual_rate_below_three_times_the_legal_rate_gives_way_to_the_floor() {
    let body = invoice("A", "2026-01-15", "2026-02-14", "1000.00");
    let low = dossier_with("b2b", "[terms]\npenalty_rate = \"5\"", &body);
    let s = statement(&low, "2026-06-30");
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2026-02-15",
            "2026-06-30",
            136,
            "1000.00",
            "7.86",
            "29.29"
        )]
    );
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("below the floor") && w.contains("7.86")),
        "{:?}",
        s.warnings
    );

    let high = dossier_with("b2b", "[terms]\npenalty_rate = \"12.5\"", &body);
    let s = statement(&high, "2026-06-30");
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2026-02-15",
            "2026-06-30",
            136,
            "1000.00",
            "12.50",
            "46.58"
        )]
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);

    // In 2024-S1 the floor (3 × 5.07 = 15.21) exceeded even ECB + 10 (14.50).
    let body = invoice("A", "2024-01-01", "2024-01-31", "1000.00");
    let dz = dossier_with("b2b", "[terms]\npenalty_rate = \"14.5\"", &body);
    let s = statement(&dz, "2024-06-29");
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2024-02-01",
            "2024-06-29",
            150,
            "1000.00",
            "15.21",
            "62.51"
        )]
    );
}

#[test]
fn principal_first_leaves_the_penalties_unpaid() {
    let dz = dossier_with(
        "b2b",
        "payment_imputation = \"principal-first\"",
        &(invoice("F-2026-001", "2026-01-15", "2026-02-14", "1200.00")
            + &payment("2026-03-01", "500.00", Some("F-2026-001"))),
    );
    let s = statement(&dz, "2026-06-30");
    assert_eq!(
        periods(&s, 0),
        vec![
            p("2026-02-15", "2026-03-01", 15, "1200.00", "12.15", "5.99"),
            p("2026-03-02", "2026-06-30", 121, "700.00", "12.15", "28.19"),
        ]
    );
    assert_eq!(s.totals.penalties_paid, dec("0"));
    assert_eq!(s.totals.outstanding, dec("700"));
    assert_eq!(s.totals.total_due, dec("774.18"));
}

#[test]
fn an_unnamed_payment_goes_to_the_oldest_due_invoice_and_the_excess_moves_on() {
    let body = invoice("NEW", "2026-01-05", "2026-03-31", "300.00")
        + &invoice("OLD", "2026-01-01", "2026-01-31", "200.00")
        // On or before both due dates: no interest, straight to principal.
        + &payment("2026-01-20", "250.00", None);
    let s = statement(&dossier("b2b", &body), "2026-01-25");
    let by = |n: &str| s.invoices.iter().find(|l| l.number == n).unwrap().clone();
    assert_eq!(
        s.invoices[0].number, "OLD",
        "canonical order is by due date"
    );
    assert_eq!(
        (by("OLD").paid, by("OLD").outstanding),
        (dec("200"), dec("0"))
    );
    assert_eq!(
        (by("NEW").paid, by("NEW").outstanding),
        (dec("50"), dec("250"))
    );
    assert_eq!(s.totals.overpaid, dec("0"));
}

#[test]
fn a_payment_naming_a_settled_invoice_flows_to_the_oldest_unpaid_one() {
    let body = invoice("A", "2026-01-01", "2026-01-31", "100.00")
        + &invoice("B", "2026-01-01", "2026-02-28", "100.00")
        + &payment("2026-01-10", "100.00", Some("B"))
        + &payment("2026-01-10", "150.00", Some("B"));
    // Same date: naming payments by increasing amount: 100 settles B, 150 flows to A (100), 50 over.
    let s = statement(&dossier("b2b", &body), "2026-01-31");
    assert_eq!(s.totals.paid, dec("200"));
    assert_eq!(s.totals.overpaid, dec("50"));
    assert_eq!(s.totals.total_due, dec("0"));
    assert!(s.warnings.iter().any(|w| w.contains("overpaid")));
}

#[test]
fn same_day_payments_naming_an_invoice_come_before_unnamed_ones() {
    let body = invoice("A", "2026-01-01", "2026-01-31", "100.00")
        + &invoice("B", "2026-01-01", "2026-02-28", "100.00")
        + &payment("2026-01-10", "100.00", None)
        + &payment("2026-01-10", "100.00", Some("A"));
    // The naming payment settles A first, so the unnamed one goes to B.
    let s = statement(&dossier("b2b", &body), "2026-01-31");
    assert_eq!(s.invoices[1].paid, dec("100"));
    assert_eq!(s.totals.overpaid, dec("0"));
}

#[test]
fn overpayment_is_reported_not_deducted() {
    let body = invoice("A", "2026-01-01", "2026-01-31", "100.00")
        + &payment("2026-01-31", "150.00", Some("A"));
    let s = statement(&dossier("b2b", &body), "2026-06-30");
    assert_eq!(
        (s.totals.paid, s.totals.overpaid, s.totals.total_due),
        (dec("100"), dec("50"), dec("0"))
    );
    assert_eq!(
        s.invoices[0].indemnity,
        dec("0"),
        "paid on the due date: not late"
    );
    assert_eq!(s.invoices[0].days_late, 0);
}

#[test]
fn an_invoice_paid_late_keeps_its_indemnity_and_its_delay() {
    let body = invoice("A", "2026-01-01", "2026-01-31", "100.00")
        + &payment("2026-02-10", "101.00", Some("A"));
    let s = statement(&dossier("b2b", &body), "2026-06-30");
    let l = &s.invoices[0];
    assert_eq!(l.days_late, 10);
    assert_eq!(l.indemnity, dec("40"));
    // 10 days at 12.15 % on 100 € = 0.33 €, paid first; the next 100 € settle the
    // principal and the last 0.67 € are overpaid.
    assert_eq!(l.penalties, dec("0.33"));
    assert_eq!(s.totals.overpaid, dec("0.67"));
    assert_eq!(s.totals.total_due, dec("40"));
}

#[test]
fn payments_and_events_after_the_as_of_date_are_ignored() {
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00")
        + &payment("2026-07-01", "500.00", Some("A"))
        + &event("2026-07-02", "acknowledgment", "");
    let s = statement(&dossier("b2b", &body), "2026-06-30");
    assert_eq!(s.totals.paid, dec("0"));
    assert_eq!(s.invoices[0].prescription.expires_on, d("2031-02-14"));
    assert!(s.warnings.iter().any(|w| w.contains("ignored")));
}

#[test]
fn consumer_interest_runs_from_the_formal_notice_at_the_legal_rate() {
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00")
        + &event("2026-02-01", "formal-notice", "") // premature: ignored
        + &event("2026-03-10", "formal-notice", "channel = \"registered-letter\"");
    let s = statement(&dossier("b2c", &body), "2026-06-30");
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2026-03-11",
            "2026-06-30",
            112,
            "1200.00",
            "2.62",
            "9.65"
        )]
    );
    let l = &s.invoices[0];
    assert_eq!(
        (l.penalties, l.interest, l.indemnity),
        (dec("0"), dec("9.65"), dec("0"))
    );
    assert_eq!(l.prescription.expires_on, d("2028-02-14"));
    assert_eq!(l.prescription.basis, "C. conso. L218-2");
    assert!(s.warnings.iter().any(|w| w.contains("premature")));
}

#[test]
fn consumer_without_formal_notice_owes_no_interest() {
    let body =
        invoice("A", "2026-01-15", "2026-02-14", "1200.00") + &event("2026-03-01", "reminder", "");
    let s = statement(&dossier("b2c", &body), "2026-06-30");
    assert!(s.invoices[0].periods.is_empty());
    assert_eq!(s.totals.total_due, dec("1200"));
}

#[test]
fn an_individual_creditor_uses_the_higher_legal_rate_column() {
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00")
        + &event("2026-03-10", "formal-notice", "");
    let s = statement(&dossier("c2x", &body), "2026-06-30");
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2026-03-11",
            "2026-06-30",
            112,
            "1200.00",
            "6.67",
            "24.56"
        )]
    );
    assert_eq!(s.invoices[0].indemnity, dec("0"));
    assert_eq!(s.invoices[0].prescription.basis, "C. civ. 2224");
}

#[test]
fn public_buyers_owe_one_moratory_rate_for_the_whole_delay_and_40_euros() {
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00");
    // 2026-S2 rates are not in the rules, yet b2g needs only the rate of 1 January 2026.
    let s = statement(&dossier("b2g", &body), "2026-11-24");
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2026-02-15",
            "2026-11-24",
            283,
            "1200.00",
            "10.15",
            "94.44"
        )]
    );
    let l = &s.invoices[0];
    assert_eq!(
        (l.interest, l.penalties, l.indemnity),
        (dec("94.44"), dec("0"), dec("40"))
    );
    assert_eq!(l.prescription.expires_on, d("2030-12-31"));
}

#[test]
fn insolvency_stops_interest_and_the_indemnity_for_earlier_invoices() {
    let head = "";
    let body = invoice("BEFORE", "2026-01-15", "2026-02-14", "1200.00")
        + &invoice("SPANNING", "2026-03-01", "2026-04-15", "500.00")
        + &invoice("AFTER", "2026-04-10", "2026-05-10", "300.00");
    let mut text = dossier_text("b2b", head, &body);
    text = text.replace(
        "address = [\"3 place du Marché\", \"75011 Paris\"]",
        "address = [\"3 place du Marché\", \"75011 Paris\"]\ninsolvency_opened = 2026-04-01",
    );
    let dz =
        relance::dossier::parse(&text, relance::dossier::Format::Toml, "dossier.toml").unwrap();
    let s = statement(&dz, "2026-06-30");
    let by = |n: &str| s.invoices.iter().find(|l| l.number == n).unwrap().clone();
    assert_eq!(by("BEFORE").periods.len(), 1);
    assert_eq!(by("BEFORE").periods[0].to, d("2026-03-31"));
    assert_eq!(by("BEFORE").penalties, dec("17.98"));
    assert_eq!(by("BEFORE").indemnity, dec("40"));
    assert!(by("SPANNING").periods.is_empty());
    assert_eq!(
        by("SPANNING").indemnity,
        dec("0"),
        "payment at the due date was forbidden"
    );
    assert_eq!(by("AFTER").periods[0].to, d("2026-06-30"));
    assert_eq!(by("AFTER").indemnity, dec("40"));
}

#[test]
fn prescription_restarts_on_acknowledgment_payment_and_service_but_not_on_formal_notice() {
    let body = invoice("A", "2021-01-15", "2021-02-14", "1000.00")
        + &invoice("B", "2021-01-15", "2021-02-14", "1000.00")
        + &event("2021-01-20", "acknowledgment", "invoice = \"A\"") // before due: no effect
        + &event("2022-05-03", "formal-notice", "invoice = \"A\"")   // never interrupts
        + &event("2023-06-01", "acknowledgment", "invoice = \"A\"")
        + &event("2024-02-29", "ip-served", "invoice = \"B\"");
    let s = statement(&dossier("b2b", &body), "2024-12-31");
    assert_eq!(s.invoices[0].prescription.expires_on, d("2028-06-01"));
    assert_eq!(s.invoices[0].prescription.started_on, d("2023-06-01"));
    // 29 February + 5 years -> 28 February.
    assert_eq!(s.invoices[1].prescription.expires_on, d("2029-02-28"));
}

#[test]
fn a_barred_claim_is_not_revived() {
    let body = invoice("A", "2020-01-01", "2020-01-31", "1000.00")
        + &event("2022-03-01", "acknowledgment", "");
    let s = statement(&dossier("b2c", &body), "2022-06-30");
    assert_eq!(s.invoices[0].prescription.expires_on, d("2022-01-31"));
    assert!(
        s.warnings.iter().any(|w| w.contains("time-barred")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn a_payment_restarts_the_prescription_of_the_invoice_it_went_to() {
    let body = invoice("A", "2026-01-01", "2026-01-31", "1000.00")
        + &invoice("B", "2026-01-01", "2026-02-28", "1000.00")
        + &payment("2026-03-10", "100.00", None);
    let s = statement(&dossier("b2b", &body), "2026-06-30");
    assert_eq!(s.invoices[0].prescription.expires_on, d("2031-03-10"));
    assert_eq!(s.invoices[1].prescription.expires_on, d("2031-02-28"));
}

#[test]
fn the_quadriennale_restarts_on_written_claims_from_the_next_1_january() {
    let body = invoice("A", "2025-02-01", "2025-03-10", "1000.00")
        + &event("2026-05-01", "reminder", "channel = \"phone\"")
        + &invoice("B", "2025-02-01", "2025-03-10", "1000.00")
        + &event(
            "2026-05-01",
            "reminder",
            "invoice = \"B\"\nchannel = \"letter\"",
        );
    let s = statement(&dossier("b2g", &body), "2026-06-30");
    assert_eq!(s.invoices[0].prescription.expires_on, d("2029-12-31"));
    assert_eq!(s.invoices[1].prescription.expires_on, d("2030-12-31"));
    assert_eq!(s.invoices[1].prescription.started_on, d("2027-01-01"));
    assert!(s.invoices[0].prescription.basis.contains("68-1250"));
    // An individual creditor against a public body: the same déchéance.
    let s = statement(
        &dossier("c2g", &invoice("A", "2025-02-01", "2025-03-10", "1.00")),
        "2026-06-30",
    );
    assert_eq!(s.invoices[0].prescription.expires_on, d("2029-12-31"));
}

#[test]
fn a_missing_rate_is_an_error_naming_the_rule_file_never_a_guess() {
    let dz = dossier("b2b", &invoice("A", "2026-01-15", "2026-02-14", "1200.00"));
    let err = compute(&dz, &Rules::embedded(), d("2026-07-01")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, CalcError::Rule(_)));
    for part in [
        "ecb-mro",
        "2026-07-01",
        "2026-S2",
        "legal-rules/bce/taux-refinancement.toml",
        "source",
    ] {
        assert!(msg.contains(part), "{part} not in {msg}");
    }
    // Consumers: the legal rate of 2026-S2 is missing too.
    let dz = dossier(
        "b2c",
        &(invoice("A", "2026-01-15", "2026-02-14", "1200.00")
            + &event("2026-03-10", "formal-notice", "")),
    );
    let msg = compute(&dz, &Rules::embedded(), d("2026-07-01"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("legal-rate-other") && msg.contains("L313-2-taux-legal-autres-cas.toml"),
        "{msg}"
    );
}

#[test]
fn as_of_before_an_issue_date_is_refused() {
    let dz = dossier("b2b", &invoice("A", "2026-01-15", "2026-02-14", "1200.00"));
    let msg = compute(&dz, &Rules::embedded(), d("2026-01-14"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("invoices[0].issued") && msg.contains("2026-01-15"),
        "{msg}"
    );
}

#[test]
fn a_statement_cites_the_ecb_rate_under_the_article_of_its_regime() {
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00");
    let article = |s: &relance::calc::Statement| {
        let r = s.rules.iter().find(|r| r.id == "ecb-mro").unwrap();
        (r.label.clone(), r.article.clone())
    };
    let b2b = statement(&dossier("b2b", &body), "2026-06-30");
    assert_eq!(
        article(&b2b),
        (
            "Taux de refinancement de la BCE".to_string(),
            "C. com. art. L441-10 II (taux de référence)".to_string()
        )
    );
    assert!(b2b.rules.iter().all(|r| !r.article.contains("R2192")));
    let b2g = statement(&dossier("b2g", &body), "2026-06-30");
    assert_eq!(article(&b2g).1, "CCP art. R2192-31 (taux de référence)");
}

/// A commune paid by mandat (CCP L2192-12, L2192-13, R2192-36): by default the mandat pays the
/// principal, the accrual stops on its date, and the interest accrued up to it stays due.
/// By hand: 191 days (12/06/2025 to 19/12/2025) × 18 240,00 € × 11,15 % (BCE 3,15 % on
/// 01/01/2025 + 8 points) / 365 = 1 064,2415… → 1 064,24 €; nothing after the mandat.
#[test]
fn a_mandat_paying_the_principal_stops_the_moratory_interest_principal_first_by_default() {
    let body = invoice("A", "2025-05-12", "2025-06-11", "18240.00")
        + &payment("2025-12-19", "18240.00", Some("A"));
    let dz = dossier("b2g", &body);
    assert_eq!(dz.payment_imputation, Imputation::PrincipalFirst);
    let s = statement(&dz, "2026-06-30");
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2025-06-12",
            "2025-12-19",
            191,
            "18240.00",
            "11.15",
            "1064.24"
        )]
    );
    let l = &s.invoices[0];
    assert_eq!(
        (l.outstanding, l.interest, l.penalties_paid, l.indemnity),
        (dec("0"), dec("1064.24"), dec("0"), dec("40"))
    );
    assert_eq!(l.days_late, 191);
    assert_eq!(s.totals.total_due, dec("1104.24"));
    assert!(
        !s.warnings.iter().any(|w| w.contains("R2192-36")),
        "{:?}",
        s.warnings
    );
}

/// An explicit interest-first against a public buyer still applies, with a warning: it
/// re-imputes the mandat to the interest, so principal stays unpaid and interest runs on.
#[test]
fn an_explicit_interest_first_against_a_public_buyer_applies_with_a_warning() {
    let body = invoice("A", "2025-05-12", "2025-06-11", "18240.00")
        + &payment("2025-12-19", "18240.00", Some("A"));
    let dz = dossier_with("b2g", "payment_imputation = \"interest-first\"", &body);
    assert_eq!(dz.payment_imputation, Imputation::InterestFirst);
    let s = statement(&dz, "2026-06-30");
    assert_eq!(s.invoices[0].outstanding, dec("1064.24"));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("interest-first") && w.contains("R2192-36")),
        "{:?}",
        s.warnings
    );
}

/// A public undertaking or private-law buyer (SEM, SPL, SA HLM) is not a public person:
/// the b2b rules apply (C. com. L441-10), interest-first by default.
#[test]
fn a_public_undertaking_is_a_b2b_debtor() {
    let text = dossier_text(
        "b2b",
        "",
        &invoice("A", "2026-01-15", "2026-02-14", "1200.00"),
    )
    .replace(
        "kind = \"company\"\nname = \"Boulangerie Dupont SAS\"",
        "kind = \"public-body\"\npublic_status = \"public-undertaking\"\nname = \"SPL Lyon Confluence\"",
    );
    let dz = parse(&text, Format::Toml, "dossier.toml").unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(dz.regime(), relance::dossier::Regime::B2b);
    assert_eq!(dz.payment_imputation, Imputation::InterestFirst);
    let s = statement(&dz, "2026-06-30");
    assert!(s.invoices[0].penalties > dec("0"));
    assert_eq!(s.invoices[0].prescription.basis, "C. com. L110-4");
}
