//! Payment plans (spec §6), rule by rule, against figures computed by hand.
//!
//! The common case: one invoice of 1 000 € due 31 January 2026, a b2b plan agreed on
//! 2 March 2026. Penalties 1 February – 2 March: 30 days at 12.15 % on 1 000 € = 9.99 €;
//! with the 40 € indemnity the plan covers 1 049.99 € in total, 1 000 € in principal.

use relance::calc::payment_plan::{EndCause, PlanStatus};
use relance::calc::schedule::split;
use relance::calc::{CalcError, compute};
use relance::dossier::{Format, parse};
use relance::rules::Rules;

use crate::support::*;

const INVOICE: &str =
    "[[invoices]]\nnumber = \"A\"\nissued = 2026-01-01\ndue = 2026-01-31\namount = \"1000.00\"\n";

fn plan(head: &str, instalments: &[(&str, &str)]) -> String {
    let mut s = format!("[payment_plan]\nagreed = 2026-03-02\n{head}\n");
    for (due, amount) in instalments {
        s.push_str(&format!(
            "[[payment_plan.instalments]]\ndue = {due}\namount = \"{amount}\"\n"
        ));
    }
    s
}

const TOTAL: &[(&str, &str)] = &[
    ("2026-04-01", "350.00"),
    ("2026-05-01", "350.00"),
    ("2026-06-01", "349.99"),
];

fn b2b(head: &str, extra: &str) -> relance::dossier::Dossier {
    dossier("b2b", &format!("{INVOICE}{extra}{}", plan(head, TOTAL)))
}

fn status(s: &relance::calc::Statement) -> PlanStatus {
    s.plan.as_ref().expect("a plan").status.clone()
}

#[test]
fn a_kept_plan_freezes_what_it_covers_and_owes_the_unpaid_instalments() {
    let dz = b2b("covers = \"total\"", &payment("2026-04-01", "350.00", None));
    let s = statement(&dz, "2026-04-15");
    assert_eq!(status(&s), PlanStatus::Kept);
    let l = &s.invoices[0];
    // Nothing accrued after 2 March; the 350 € went to the 9.99 € of penalties, then principal.
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2026-02-01",
            "2026-03-02",
            30,
            "1000.00",
            "12.15",
            "9.99"
        )]
    );
    assert_eq!(
        (l.penalties, l.penalties_paid, l.outstanding),
        (dec("9.99"), dec("9.99"), dec("659.99"))
    );
    assert_eq!(s.totals.total_due, dec("699.99"));
    let plan = s.plan.as_ref().unwrap();
    assert_eq!(
        (plan.covered, plan.paid(), plan.unpaid()),
        (dec("1049.99"), dec("350"), dec("699.99"))
    );
    assert_eq!(plan.invoices, vec!["A".to_string()]);
}

#[test]
fn instalments_that_do_not_add_up_are_refused_with_the_difference() {
    let dz = dossier(
        "b2b",
        &format!(
            "{INVOICE}{}",
            plan("covers = \"total\"", &[("2026-04-01", "1000.00")])
        ),
    );
    let err = compute(&dz, &Rules::embedded(), d("2026-04-15")).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, CalcError::Input(_)), "{text}");
    assert!(
        text.contains("payment_plan.instalments: \"1000.00\": the instalments add up to 1000.00 EUR but the plan covers 1049.99 EUR on 2026-03-02 (everything due of A): 49.99 EUR missing"),
        "{text}"
    );
}

#[test]
fn payments_go_to_the_instalments_in_due_order() {
    let dz = b2b(
        "covers = \"total\"",
        &(payment("2026-04-01", "200.00", None) + &payment("2026-04-20", "500.00", Some("A"))),
    );
    let s = statement(&dz, "2026-04-25");
    let paid: Vec<_> = s
        .plan
        .as_ref()
        .unwrap()
        .instalments
        .iter()
        .map(|i| i.paid)
        .collect();
    assert_eq!(paid, vec![dec("350"), dec("350"), dec("0")]);
    assert_eq!(s.totals.total_due, dec("349.99"));
}

#[test]
fn b2b_automatic_acceleration_ends_the_plan_grace_days_after_a_missed_instalment() {
    let dz = b2b("covers = \"total\"\nacceleration = \"automatic\"", "");
    // Instalment of 1 April unpaid: the plan ends on 16 April (1 April + 15 days' grace).
    let kept = statement(&dz, "2026-04-15");
    assert_eq!(status(&kept), PlanStatus::Kept);
    assert_eq!(kept.totals.total_due, dec("1049.99"));
    let s = statement(&dz, "2026-04-20");
    assert_eq!(
        status(&s),
        PlanStatus::Ended {
            on: d("2026-04-16"),
            by: EndCause::Automatic {
                instalment: d("2026-04-01")
            }
        }
    );
    // As without the plan: 1 February – 20 April, 79 days at 12.15 % on 1 000 € = 26.30 €.
    assert_eq!(
        periods(&s, 0),
        vec![p(
            "2026-02-01",
            "2026-04-20",
            79,
            "1000.00",
            "12.15",
            "26.30"
        )]
    );
    assert_eq!(s.totals.total_due, dec("1066.30"));
    // The agreement still counts as an acknowledgment (C. civ. 2240).
    assert_eq!(s.invoices[0].prescription.expires_on, d("2031-03-02"));
}

#[test]
fn without_automatic_acceleration_the_plan_ends_the_day_after_the_notice_deadline() {
    // Missing instalment of 1 April: no notice, no end.
    let dz = b2b("covers = \"total\"", "");
    assert_eq!(status(&statement(&dz, "2026-04-30")), PlanStatus::Kept);
    // Notice received Friday 17 April: 15 days = Saturday 2 May -> Monday 4 May (CPC 642);
    // the plan ends on Tuesday 5 May.
    let dz = b2b(
        "covers = \"total\"",
        &event("2026-04-17", "instalment-notice", ""),
    );
    assert_eq!(status(&statement(&dz, "2026-05-04")), PlanStatus::Kept);
    assert_eq!(
        status(&statement(&dz, "2026-05-05")),
        PlanStatus::Ended {
            on: d("2026-05-05"),
            by: EndCause::Notice {
                notice: d("2026-04-17"),
                deadline: d("2026-05-04")
            }
        }
    );
    // Paid on the deadline: the plan holds.
    let dz = b2b(
        "covers = \"total\"",
        &(event("2026-04-17", "instalment-notice", "") + &payment("2026-05-04", "350.00", None)),
    );
    assert_eq!(status(&statement(&dz, "2026-05-05")), PlanStatus::Kept);
}

#[test]
fn a_notice_before_the_grace_days_have_run_is_ignored() {
    let dz = b2b(
        "covers = \"total\"",
        &event("2026-04-10", "instalment-notice", ""),
    );
    let s = statement(&dz, "2026-05-20");
    assert_eq!(status(&s), PlanStatus::Kept);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("instalment notice of 2026-04-10 is ignored")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn a_recorded_plan_ended_event_ends_the_plan() {
    let dz = b2b("covers = \"total\"", &event("2026-04-10", "plan-ended", ""));
    assert_eq!(
        status(&statement(&dz, "2026-04-10")),
        PlanStatus::Ended {
            on: d("2026-04-10"),
            by: EndCause::Recorded
        }
    );
}

#[test]
fn a_principal_plan_waives_the_accessories_while_kept_and_closes_when_paid() {
    let body = format!(
        "{INVOICE}{}{}",
        payment("2026-04-01", "500.00", None),
        plan(
            "covers = \"principal\"",
            &[("2026-04-01", "500.00"), ("2026-05-01", "500.00")]
        )
    );
    let dz = dossier("b2b", &body);
    let s = statement(&dz, "2026-04-15");
    assert_eq!(
        (s.totals.waived, s.totals.total_due),
        (dec("49.99"), dec("500"))
    );
    let dz = dossier("b2b", &(body + &payment("2026-05-01", "500.00", None)));
    let s = statement(&dz, "2026-05-10");
    assert_eq!(
        status(&s),
        PlanStatus::Completed {
            on: d("2026-05-01")
        }
    );
    assert_eq!(
        (s.totals.waived, s.totals.total_due),
        (dec("49.99"), dec("0"))
    );
}

#[test]
fn b2b_after_the_end_a_principal_plan_revives_every_accessory() {
    let body = format!(
        "{INVOICE}{}{}",
        payment("2026-04-01", "500.00", None),
        plan(
            "covers = \"principal\"",
            &[("2026-04-01", "500.00"), ("2026-05-01", "500.00")]
        )
    );
    let dz = dossier("b2b", &(body + &event("2026-05-20", "plan-ended", "")));
    let s = statement(&dz, "2026-05-31");
    // As without the plan: 1 Feb – 1 Apr 60 days on 1 000 € = 19.97 €, paid first
    // (interest first), then 480.03 € of principal; 2 Apr – 31 May 60 days on 519.97 € = 10.39 €.
    assert_eq!(
        periods(&s, 0),
        vec![
            p("2026-02-01", "2026-04-01", 60, "1000.00", "12.15", "19.97"),
            p("2026-04-02", "2026-05-31", 60, "519.97", "12.15", "10.39"),
        ]
    );
    assert_eq!(s.totals.waived, dec("0"));
    assert_eq!(s.totals.total_due, dec("570.36"));
}

#[test]
fn b2c_after_the_end_waived_interest_stays_waived_and_legal_interest_runs_from_the_end() {
    // Formal notice received 10 February: legal interest (2.62 %, 2026-S1) from 11 February;
    // to 2 March, 20 days on 1 000 € = 1.44 €, waived by the principal plan.
    let body = format!(
        "{INVOICE}{}{}{}{}",
        event("2026-02-10", "formal-notice", ""),
        payment("2026-03-15", "500.00", None),
        event("2026-05-04", "instalment-notice", ""),
        plan(
            "covers = \"principal\"",
            &[("2026-03-15", "500.00"), ("2026-04-15", "500.00")]
        )
    );
    let dz = dossier("b2c", &body);
    let s = statement(&dz, "2026-06-30");
    // Notice Monday 4 May + 15 days = Tuesday 19 May; the plan ended on 20 May.
    assert!(matches!(status(&s), PlanStatus::Ended { on, .. } if on == d("2026-05-20")));
    // Nothing for the plan's time; from 21 May to 30 June, 41 days on 500 € = 1.47 €.
    assert_eq!(
        periods(&s, 0),
        vec![
            p("2026-02-11", "2026-03-02", 20, "1000.00", "2.62", "1.44"),
            p("2026-05-21", "2026-06-30", 41, "500.00", "2.62", "1.47"),
        ]
    );
    assert_eq!(
        (s.totals.waived, s.totals.total_due),
        (dec("1.44"), dec("501.47"))
    );
}

#[test]
fn the_agreement_restarts_the_prescription_of_the_covered_invoices_only() {
    let body = format!(
        "{INVOICE}{}{}",
        invoice("B", "2026-01-01", "2026-01-31", "200.00"),
        plan(
            "invoices = [\"A\"]\ncovers = \"principal\"",
            &[("2026-04-01", "1000.00")]
        )
    );
    let s = statement(&dossier("b2b", &body), "2026-03-10");
    let by = |n: &str| {
        s.invoices
            .iter()
            .find(|l| l.number == n)
            .unwrap()
            .prescription
            .expires_on
    };
    assert_eq!(by("A"), d("2031-03-02"));
    assert_eq!(by("B"), d("2031-01-31"));
    // B keeps accruing: 1 Feb – 10 Mar, 38 days at 12.15 % on 200 € = 2.53 €, + 40 €.
    assert_eq!(s.totals.total_due, dec("1000") + dec("242.53"));
}

#[test]
fn no_plan_against_a_public_buyer() {
    let text = dossier_text(
        "b2g",
        "",
        &format!("{INVOICE}{}", plan("covers = \"total\"", TOTAL)),
    );
    let err = parse(&text, Format::Toml, "dossier.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("dossier.toml: payment_plan: no payment plan against a public buyer"),
        "{err}"
    );
    assert!(err.contains("CCP L2192-14"), "{err}");
}

#[test]
fn automatic_acceleration_is_refused_outside_b2b() {
    let text = dossier_text(
        "b2c",
        "",
        &format!(
            "{INVOICE}{}",
            plan("covers = \"total\"\nacceleration = \"automatic\"", TOTAL)
        ),
    );
    let err = parse(&text, Format::Toml, "dossier.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("payment_plan.acceleration: \"automatic\": only between professionals"),
        "{err}"
    );
}

#[test]
fn insolvency_freezes_the_plan() {
    let text = dossier_text(
        "b2b",
        "",
        &format!(
            "{INVOICE}{}",
            plan("covers = \"total\"\nacceleration = \"automatic\"", TOTAL)
        ),
    )
    .replace(
        "address = [\"3 place du Marché\", \"75011 Paris\"]",
        "address = [\"3 place du Marché\", \"75011 Paris\"]\ninsolvency_opened = 2026-04-10",
    );
    let dz = parse(&text, Format::Toml, "dossier.toml").unwrap();
    let s = statement(&dz, "2026-04-30");
    assert_eq!(
        status(&s),
        PlanStatus::Frozen {
            since: d("2026-04-10")
        }
    );
    assert_eq!(s.totals.total_due, dec("1049.99"));
}

#[test]
fn a_consumer_plan_with_interest_or_fees_of_its_own_is_refused() {
    let dz = dossier(
        "b2c",
        &format!(
            "{INVOICE}{}",
            plan(
                "covers = \"principal\"",
                &[("2026-04-01", "520.00"), ("2026-05-01", "520.00")]
            )
        ),
    );
    let err = compute(&dz, &Rules::embedded(), d("2026-04-15"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("40.00 EUR too much"), "{err}");
    assert!(err.contains("C. conso. L312-4"), "{err}");
}

#[test]
fn plan_events_need_a_plan_and_plan_agreed_its_date() {
    let text = dossier_text(
        "b2b",
        "",
        &format!("{INVOICE}{}", event("2026-04-17", "instalment-notice", "")),
    );
    let err = parse(&text, Format::Toml, "dossier.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("events[0].kind: \"instalment-notice\": the dossier has no [payment_plan]"),
        "{err}"
    );
    let text = dossier_text(
        "b2b",
        "",
        &format!(
            "{INVOICE}{}{}",
            event("2026-03-03", "plan-agreed", ""),
            plan("covers = \"total\"", TOTAL)
        ),
    );
    let err = parse(&text, Format::Toml, "dossier.toml")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("\"plan-agreed\" on 2026-03-03 but payment_plan.agreed is 2026-03-02"),
        "{err}"
    );
}

#[test]
fn a_proposed_plan_has_no_effect() {
    let text = format!("{INVOICE}{}", plan("covers = \"total\"", TOTAL))
        .replace("agreed = 2026-03-02\n", "");
    let s = statement(&dossier("b2b", &text), "2026-04-20");
    assert!(s.plan.is_none());
    assert_eq!(s.totals.total_due, dec("1066.30"));
}

#[test]
fn schedules_add_up_to_the_cent_for_awkward_amounts() {
    assert_eq!(
        split(dec("100.00"), 3).unwrap(),
        vec![dec("33.33"), dec("33.33"), dec("33.34")]
    );
    assert_eq!(
        split(dec("0.05"), 2).unwrap(),
        vec![dec("0.02"), dec("0.03")]
    );
    let parts = split(dec("1234567.89"), 12).unwrap();
    assert_eq!(parts[..11], vec![dec("102880.65"); 11][..]);
    assert_eq!(parts[11], dec("102880.74"));
    assert_eq!(
        parts.iter().sum::<rust_decimal::Decimal>(),
        dec("1234567.89")
    );
    assert!(split(dec("0.01"), 2).is_none());
}

mod steps {
    use relance::plan::{Status, plan};
    use relance::rules::Rules;

    use super::*;

    fn at(dz: &relance::dossier::Dossier, date: &str) -> relance::plan::Plan {
        plan(dz, &Rules::embedded(), d(date)).unwrap()
    }

    fn next(p: &relance::plan::Plan) -> (Status, String, String) {
        let s = p
            .next_step
            .as_ref()
            .map_or((String::new(), String::new()), |s| {
                (s.id.clone(), s.date.to_string())
            });
        (p.status, s.0, s.1)
    }

    #[test]
    fn a_kept_plan_suspends_the_scenario_until_an_instalment_is_missed() {
        let dz = b2b("covers = \"total\"", "");
        let p = at(&dz, "2026-04-10");
        assert_eq!(next(&p), (Status::Waiting, String::new(), String::new()));
        assert_eq!(
            p.reason.as_deref(),
            Some("échéancier en cours, prochaine échéance le 01/04/2026 (350,00\u{a0}€)")
        );
        // 1 April + 15 days' grace: the instalment notice is due on 16 April.
        let p = at(&dz, "2026-04-16");
        assert_eq!(
            next(&p),
            (Status::Due, "relance-echeance".into(), "2026-04-16".into())
        );
    }

    #[test]
    fn after_the_notice_the_end_then_the_formal_notice() {
        let notice = event(
            "2026-04-17",
            "instalment-notice",
            "channel = \"registered-letter\"",
        );
        let dz = b2b("covers = \"total\"", &notice);
        let p = at(&dz, "2026-04-20");
        assert_eq!(
            next(&p),
            (
                Status::Waiting,
                "decheance-du-terme".into(),
                "2026-05-05".into()
            )
        );
        assert_eq!(p.last_step.as_ref().unwrap().id, "relance-echeance");
        let p = at(&dz, "2026-05-05");
        assert_eq!(
            next(&p),
            (
                Status::Due,
                "decheance-du-terme".into(),
                "2026-05-05".into()
            )
        );
        // The end notified on 6 May: the scenario resumes at the formal notice (+8 days).
        let dz = b2b(
            "covers = \"total\"",
            &(notice + &event("2026-05-06", "plan-ended", "")),
        );
        let p = at(&dz, "2026-05-06");
        assert_eq!(
            next(&p),
            (
                Status::Waiting,
                "mise-en-demeure".into(),
                "2026-05-14".into()
            )
        );
        assert_eq!(p.last_step.as_ref().unwrap().id, "decheance-du-terme");
    }

    #[test]
    fn the_proposal_step_is_on_with_the_default_echeancier_scenario() {
        let body = "scenario = \"default-echeancier\"\n";
        let mut text = dossier_text("b2b", body, INVOICE);
        for k in ["2026-02-05", "2026-02-15", "2026-03-02"] {
            text.push_str(&event(k, "reminder", ""));
        }
        let dz = parse(&text, Format::Toml, "dossier.toml").unwrap();
        let p = at(&dz, "2026-03-10");
        assert_eq!(
            next(&p),
            (
                Status::Due,
                "proposition-echeancier".into(),
                "2026-03-10".into()
            )
        );
        // The default scenario goes straight to the formal notice.
        let dz = parse(
            &text.replace("scenario = \"default-echeancier\"\n", ""),
            Format::Toml,
            "dossier.toml",
        )
        .unwrap();
        assert_eq!(
            at(&dz, "2026-03-10").next_step.unwrap().id,
            "mise-en-demeure"
        );
    }
}

mod aging {
    use relance::report::aging::{Aging, row};
    use relance::rules::Rules;

    use super::*;

    fn load(name: &str) -> relance::dossier::Dossier {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/portfolio")
            .join(name);
        relance::dossier::fs::load_dir(&path).unwrap().dossier
    }

    #[test]
    fn every_bucket_edge() {
        // Due on the as-of date: not yet due (late from the next day); 30 days: 0–30; 31:
        // 31–60; 90: 61–90; 91 and 180: 91–180; 181: over 180.
        let r = row(&load("P-1"), &Rules::embedded(), d("2026-06-30")).unwrap();
        assert_eq!(
            r.buckets,
            [
                dec("150"),
                dec("130"),
                dec("131"),
                dec("190"),
                dec("471"),
                dec("281")
            ]
        );
        assert_eq!(r.principal, dec("1353"));
    }

    #[test]
    fn a_kept_plan_ages_its_unpaid_instalments() {
        let r = row(&load("P-3"), &Rules::embedded(), d("2026-06-30")).unwrap();
        assert_eq!(r.stage, "à faire: relance-echeance (2026-05-16)");
        // Instalment of 1 May (60 days) and of 1 June (29 days).
        assert_eq!(
            r.buckets,
            [
                dec("0"),
                dec("349.99"),
                dec("350"),
                dec("0"),
                dec("0"),
                dec("0")
            ]
        );
        assert_eq!(r.total_due, dec("699.99"));
    }

    #[test]
    fn totals_are_the_sum_of_the_statements() {
        let rules = Rules::embedded();
        let as_of = d("2026-06-30");
        let dossiers: Vec<_> = ["P-1", "P-2", "P-3"].iter().map(|n| load(n)).collect();
        let report = Aging::of(
            as_of,
            dossiers
                .iter()
                .map(|dz| row(dz, &rules, as_of).unwrap())
                .collect(),
        );
        let sum: rust_decimal::Decimal = dossiers
            .iter()
            .map(|dz| compute(dz, &rules, as_of).unwrap().totals.total_due)
            .sum();
        assert_eq!(report.total_due, sum);
        let by_bucket: rust_decimal::Decimal = report.buckets.iter().sum();
        assert_eq!(by_bucket, report.principal);
    }

    #[test]
    fn the_account_balance_is_the_statement_less_any_overpayment() {
        let rules = Rules::embedded();
        for name in ["P-1", "P-2", "P-3"] {
            let dz = load(name);
            let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
            let a = relance::report::account::of(&dz, &s);
            assert_eq!(a.balance, s.totals.total_due - s.totals.overpaid, "{name}");
        }
    }
}

mod commands {
    use std::path::Path;
    use std::process::Command;

    fn relance(args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_relance"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    #[test]
    fn echeancier_writes_the_plan_and_record_agrees_it_after_checking_the_sum() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = std::env::temp_dir().join(format!("relance-echeancier-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let text = std::fs::read_to_string(root.join("tests/portfolio/P-3/dossier.toml")).unwrap();
        let cut = text.find("[[events]]").unwrap();
        std::fs::write(dir.join("dossier.toml"), &text[..cut]).unwrap();
        let d = dir.to_str().unwrap();
        let (code, out, err) = relance(&[
            "echeancier",
            d,
            "--first",
            "2026-04-01",
            "--count",
            "3",
            "--as-of",
            "2026-03-02",
            "--write",
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("049,99") && out.contains("350,01"), "{out}");
        let written = std::fs::read_to_string(dir.join("dossier.toml")).unwrap();
        assert!(
            written.starts_with(&text[..cut]),
            "the file's layout is kept"
        );
        assert!(
            written.contains("[payment_plan]\ninvoices = [\"A\"]\ncovers = \"total\""),
            "{written}"
        );
        // Signed a day late: penalties ran one more day, the instalments no longer add up.
        let (code, _, err) =
            relance(&["record", d, "--kind", "plan-agreed", "--date", "2026-03-03"]);
        assert_eq!(code, 1);
        assert!(err.contains("0.33 EUR missing"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.join("dossier.toml")).unwrap(),
            written
        );
        let (code, _, err) =
            relance(&["record", d, "--kind", "plan-agreed", "--date", "2026-03-02"]);
        assert_eq!(code, 0, "{err}");
        let agreed = std::fs::read_to_string(dir.join("dossier.toml")).unwrap();
        assert!(agreed.contains("agreed = 2026-03-02"), "{agreed}");
        assert!(agreed.contains("kind = \"plan-agreed\""), "{agreed}");
        let (code, _, err) = relance(&[
            "echeancier",
            d,
            "--first",
            "2026-04-01",
            "--count",
            "3",
            "--as-of",
            "2026-03-02",
            "--write",
        ]);
        assert_eq!(code, 1);
        assert!(err.contains("already has a payment plan"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

mod qr {
    use relance::documents::qr::{dossier_payload, epc_payload};

    use super::*;

    fn example() -> relance::dossier::Dossier {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin");
        relance::dossier::fs::load_dir(&path).unwrap().dossier
    }

    #[test]
    fn the_payload_of_the_example_formal_notice_byte_for_byte() {
        let dz = example();
        let s = statement(&dz, "2026-06-30");
        assert_eq!(
            dossier_payload(&dz, &s).unwrap(),
            "BCD\n002\n1\nSCT\n\nAtelier Martin SARL\nFR7630006000011234567890189\nEUR4180.33\n\n\nDOS-2026-0042 F-2026-001 F-2026-007 F-2026-012"
        );
    }

    #[test]
    fn amounts_with_cents_and_beyond_a_million() {
        let p = |a: &str| epc_payload("C", "FR7630006000011234567890189", dec(a), "R");
        assert!(p("0.05").unwrap().contains("\nEUR0.05\n"));
        assert!(p("1234567.89").unwrap().contains("\nEUR1234567.89\n"));
        assert!(p("999999999.99").unwrap().contains("\nEUR999999999.99\n"));
        assert!(p("1000000000.00").is_none());
        assert!(p("0").is_none());
    }

    #[test]
    fn a_creditor_without_iban_gets_no_code() {
        let mut dz = example();
        dz.creditor.iban = None;
        let s = statement(&dz, "2026-06-30");
        assert!(dossier_payload(&dz, &s).is_none());
    }
}
