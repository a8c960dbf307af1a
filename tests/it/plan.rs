//! The dunning plan and `relance record`: steps follow the scenario, recorded events move the
//! plan on, a step never comes twice, disputes and insolvency stop it.

use std::path::{Path, PathBuf};
use std::process::Command;

use relance::plan::{Status, plan};
use relance::rules::Rules;

use crate::support::*;

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

fn copy_example(name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin");
    let dst = std::env::temp_dir().join(format!("relance-plan-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(dst.join("pieces")).unwrap();
    std::fs::copy(src.join("dossier.toml"), dst.join("dossier.toml")).unwrap();
    for e in std::fs::read_dir(src.join("pieces")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join("pieces").join(e.file_name())).unwrap();
    }
    dst
}

#[test]
fn steps_follow_the_default_scenario() {
    let rules = Rules::embedded();
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00");
    let dz = dossier("b2b", &body);
    let at = |date: &str| plan(&dz, &rules, d(date)).unwrap();
    let p = at("2026-02-01");
    assert_eq!(p.status, Status::Waiting);
    assert_eq!(p.next_step.as_ref().unwrap().id, "rappel-preventif");
    assert_eq!(p.next_step.as_ref().unwrap().date, d("2026-02-09"));
    // The preventive reminder cannot be sent late: once due has passed, relance-1 is next.
    let p = at("2026-02-20");
    assert_eq!(
        (p.status, p.next_step.as_ref().unwrap().id.as_str()),
        (Status::Due, "relance-1")
    );
    assert_eq!(p.next_step.as_ref().unwrap().date, d("2026-02-19"));
}

#[test]
fn recorded_steps_are_never_planned_again() {
    let rules = Rules::embedded();
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00")
        + &event("2026-02-25", "reminder", "channel = \"email\"")
        + &event("2026-03-02", "reminder", "channel = \"letter\"");
    let dz = dossier("b2b", &body);
    let p = plan(&dz, &rules, d("2026-03-20")).unwrap();
    assert_eq!(p.last_step.as_ref().unwrap().id, "relance-2");
    let next = p.next_step.unwrap();
    assert_eq!(next.id, "relance-3");
    // 30 days after due, and at least 15 days (the scenario's spacing) after relance-2.
    assert_eq!(next.date, d("2026-03-17"));
    // The same inputs give the same plan.
    assert_eq!(
        plan(&dz, &rules, d("2026-03-20"))
            .unwrap()
            .next_step
            .unwrap(),
        next
    );
}

#[test]
fn the_injonction_waits_for_the_formal_notice_deadline() {
    let rules = Rules::embedded();
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00")
        + &event(
            "2026-06-26",
            "formal-notice",
            "channel = \"registered-letter\"",
        );
    let p = plan(&dossier("b2b", &body), &rules, d("2026-06-30")).unwrap();
    let next = p.next_step.unwrap();
    assert_eq!(next.id, "injonction-de-payer");
    // 26 June + 8 days = Saturday 4 July -> Monday 6 July (CPC 642); the request the day after.
    assert_eq!(next.date, d("2026-07-07"));
    assert_eq!(p.status, Status::Waiting);
}

/// A second formal notice gives the debtor a new term: the request waits for it, as
/// `render` does (a request dated within the last notice's term is refused).
#[test]
fn the_injonction_waits_for_the_last_formal_notice() {
    let rules = Rules::embedded();
    let notice = |date: &str| event(date, "formal-notice", "channel = \"registered-letter\"");
    let body = invoice("A", "2026-01-15", "2026-02-14", "1200.00")
        + &notice("2026-04-02")
        + &notice("2026-06-26");
    let p = plan(&dossier("b2b", &body), &rules, d("2026-06-30")).unwrap();
    let next = p.next_step.unwrap();
    assert_eq!(next.id, "injonction-de-payer");
    // The first notice's term ended in April; the second's on Monday 6 July.
    assert_eq!(next.date, d("2026-07-07"));
    assert_eq!(p.status, Status::Waiting);
}

#[test]
fn a_dispute_or_insolvency_stops_the_plan_and_payment_ends_it() {
    let rules = Rules::embedded();
    let body =
        invoice("A", "2026-01-15", "2026-02-14", "1200.00") + &event("2026-03-01", "dispute", "");
    let p = plan(&dossier("b2b", &body), &rules, d("2026-06-30")).unwrap();
    assert_eq!(p.status, Status::Stopped);
    assert!(p.reason.unwrap().contains("disputed"));
    let resumed = body.clone() + &event("2026-04-01", "acknowledgment", "");
    assert_ne!(
        plan(&dossier("b2b", &resumed), &rules, d("2026-06-30"))
            .unwrap()
            .status,
        Status::Stopped
    );

    let paid = invoice("A", "2026-01-15", "2026-02-14", "1200.00")
        + &payment("2026-02-10", "1200.00", Some("A"));
    assert_eq!(
        plan(&dossier("b2b", &paid), &rules, d("2026-06-30"))
            .unwrap()
            .status,
        Status::Paid
    );
}

#[test]
fn a_prescription_close_at_hand_raises_a_warning() {
    let rules = Rules::embedded();
    let body = invoice("A", "2024-01-15", "2024-07-10", "500.00");
    let p = plan(&dossier("b2c", &body), &rules, d("2026-06-01")).unwrap();
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("time-barred after 2026-07-10")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn record_appends_keeping_comments_and_the_plan_moves_on() {
    let dir = copy_example("record");
    let dossier = dir.to_str().unwrap();
    let before = std::fs::read_to_string(dir.join("dossier.toml")).unwrap();
    let (code, out, _) = relance(&["plan", dossier, "--as-of", "2026-06-30", "--format", "json"]);
    assert_eq!(code, 0);
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan[0]["next_step"]["id"], "injonction-de-payer");

    let proof = std::env::temp_dir().join(format!("signification-{}.pdf", std::process::id()));
    std::fs::write(&proof, b"%PDF-1.4 proof").unwrap();
    let (code, _, err) = relance(&[
        "record",
        dossier,
        "--kind",
        "ip-served",
        "--date",
        "2026-07-20",
        "--channel",
        "letter",
        "--piece",
        proof.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let after = std::fs::read_to_string(dir.join("dossier.toml")).unwrap();
    assert!(
        after.starts_with(&before),
        "the existing text, comments included, is kept as it was"
    );
    assert!(after.contains("kind = \"ip-served\""));
    assert!(
        dir.join("pieces")
            .join(proof.file_name().unwrap())
            .is_file()
    );

    let (code, _, err) = relance(&[
        "record",
        dossier,
        "--payment",
        "250.00",
        "--date",
        "2026-07-21",
        "--invoice",
        "F-2026-001",
        "--reference",
        "VIR 21/07",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = relance(&["plan", dossier, "--as-of", "2026-07-31", "--format", "json"]);
    assert_eq!(code, 0);
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan[0]["status"], "completed");
    assert_eq!(plan[0]["last_step"]["id"], "injonction-de-payer");

    // Refused records leave the file untouched.
    let snapshot = std::fs::read_to_string(dir.join("dossier.toml")).unwrap();
    let (code, _, err) = relance(&[
        "record",
        dossier,
        "--payment",
        "12,50",
        "--date",
        "2026-07-22",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--payment: \"12,50\": expected a decimal with a dot"),
        "{err}"
    );
    let (code, _, err) = relance(&[
        "record",
        dossier,
        "--kind",
        "reminder",
        "--date",
        "2026-07-22",
        "--invoice",
        "NOPE",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("events[3].invoice: \"NOPE\": no invoice has this number"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("dossier.toml")).unwrap(),
        snapshot
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let _ = std::fs::remove_file(proof);
}

#[test]
fn record_works_on_json_dossiers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/dossiers/json-principal-first/dossier.json");
    let dir = std::env::temp_dir().join(format!("relance-plan-json-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(src, dir.join("dossier.json")).unwrap();
    let (code, _, err) = relance(&[
        "record",
        dir.to_str().unwrap(),
        "--kind",
        "reminder",
        "--date",
        "2026-03-01",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dossier.json")).unwrap()).unwrap();
    assert_eq!(v["events"][0]["kind"], "reminder");
    assert_eq!(v["reference"], "JSON-2026-01");
    std::fs::remove_dir_all(&dir).unwrap();
}
