//! The payment-plan letters (spec §6): proposition-echeancier, relance-echeance and
//! decheance-du-terme on the tests/dossiers/echeancier-* dossiers. Every mention is printed
//! in the PDF's text and the email; the figures are the statement's; `render --all` and
//! `batch` produce the letter the plan's state calls for; a refusal writes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use relance::calc::compute;
use relance::documents::{RenderOptions, Renderer, render_email};
use relance::dossier::fs::load_dir;
use relance::letters::{DocKind, LetterError, build};
use relance::rules::Rules;
use rust_decimal::Decimal;

use crate::support::*;

/// (dossier, as-of date, the plan letter its state calls for on that date).
const CASES: [(&str, &str, DocKind); 9] = [
    (
        "echeancier-propose",
        "2026-06-30",
        DocKind::PropositionEcheancier,
    ),
    (
        "echeancier-impaye",
        "2026-03-02",
        DocKind::PropositionEcheancier,
    ),
    ("echeancier-impaye", "2026-06-30", DocKind::RelanceEcheance),
    ("echeancier-echu", "2026-06-30", DocKind::DecheanceDuTerme),
    (
        "echeancier-automatique",
        "2026-03-02",
        DocKind::PropositionEcheancier,
    ),
    (
        "echeancier-automatique",
        "2026-06-30",
        DocKind::DecheanceDuTerme,
    ),
    (
        "echeancier-particulier",
        "2026-02-02",
        DocKind::PropositionEcheancier,
    ),
    (
        "echeancier-particulier",
        "2026-04-20",
        DocKind::RelanceEcheance,
    ),
    (
        "echeancier-particulier",
        "2026-06-30",
        DocKind::DecheanceDuTerme,
    ),
];

const PLAN_KINDS: [DocKind; 3] = [
    DocKind::PropositionEcheancier,
    DocKind::RelanceEcheance,
    DocKind::DecheanceDuTerme,
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> relance::dossier::Dossier {
    load_dir(&root().join("tests/dossiers").join(name))
        .unwrap()
        .dossier
}

/// The text's words separated by single spaces: a line that ends on a word's own hyphen
/// ("ci-" then "dessus") is joined to the next without one, as a reader reads it.
fn fold(s: &str) -> String {
    s.replace("-\n", "-")
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn euros(v: &serde_json::Value) -> Decimal {
    let s = v
        .as_str()
        .unwrap()
        .replace(['\u{a0}', '\u{202f}', ' ', '€'], "");
    s.replace(',', ".").parse().unwrap()
}

#[test]
fn each_state_calls_for_one_plan_letter_which_prints_its_mentions() {
    let rules = Rules::embedded();
    let renderer = Renderer::embedded();
    for (name, as_of, want) in CASES {
        let dz = load(name);
        let s = compute(&dz, &rules, d(as_of)).unwrap();
        let plan_kinds: Vec<DocKind> = DocKind::for_statement(&dz, &s, &rules)
            .into_iter()
            .filter(|k| PLAN_KINDS.contains(k))
            .collect();
        assert_eq!(plan_kinds, [want], "{name} {as_of}");
        for other in PLAN_KINDS.into_iter().filter(|k| *k != want) {
            assert!(
                matches!(
                    build(other, &dz, &s, &rules),
                    Err(LetterError::Refused { .. })
                ),
                "{name} {as_of}: {} should be refused",
                other.name()
            );
        }
        let data = build(want, &dz, &s, &rules).unwrap();
        assert!(!data.mentions.is_empty() || want == DocKind::DecheanceDuTerme);
        let opts = RenderOptions::new(data.date, data.reference.clone());
        let template = format!("{}.typ", want.name());
        let text = fold(&renderer.render_text(&template, &data.json, &opts).unwrap());
        let email = render_email(want.name(), &data.json).unwrap();
        for m in &data.mentions {
            assert!(
                text.contains(&fold(&m.text)),
                "{name} {as_of}: {} missing",
                m.id
            );
            // The notice is the registered letter: its email copy says so instead of
            // claiming to be the notice itself.
            if m.id == "echeancier-mise-en-demeure-1344" {
                assert!(!email.contains(&m.text), "{name} {as_of}: email: {}", m.id);
                assert!(
                    email.contains("c'est cette lettre qui vaut mise en demeure"),
                    "{name} {as_of}: {email}"
                );
                continue;
            }
            assert!(email.contains(&m.text), "{name} {as_of}: email: {}", m.id);
        }
        assert!(text.contains(&fold(&data.reference)));
        let pdf = renderer.render_pdf(&template, &data.json, &opts).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // The waiver of the notice only in a plan that waives it.
        let waiver = data.mentions.iter().any(|m| m.id.ends_with("-automatique"));
        assert_eq!(
            waiver,
            want == DocKind::PropositionEcheancier && name == "echeancier-automatique",
            "{name} {as_of}"
        );
    }
}

#[test]
fn the_figures_are_the_statements() {
    let rules = Rules::embedded();
    // The proposal's schedule adds up to what the plan covers on its date, to the cent.
    for (name, as_of) in [
        ("echeancier-propose", "2026-06-30"),
        ("echeancier-impaye", "2026-03-02"),
        ("echeancier-particulier", "2026-02-02"),
    ] {
        let dz = load(name);
        let s = compute(&dz, &rules, d(as_of)).unwrap();
        let data = build(DocKind::PropositionEcheancier, &dz, &s, &rules).unwrap();
        let plan = &data.json["plan"];
        let sum: Decimal = plan["instalments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| euros(&i["amount"]))
            .sum();
        assert_eq!(sum, euros(&plan["covered"]), "{name}");
        let covered: Decimal = data.json["covered_invoices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| euros(&i["covered"]))
            .sum();
        assert_eq!(covered, sum, "{name}");
    }
    let dz = load("echeancier-propose");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::PropositionEcheancier, &dz, &s, &rules).unwrap();
    assert_eq!(euros(&data.json["plan"]["covered"]), dec("2125.10"));

    // The notice claims the unpaid instalments past their grace days; the deadline is 15
    // days from the letter's date (30 June + 15 = Wednesday 15 July), the end the day after.
    let dz = load("echeancier-impaye");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::RelanceEcheance, &dz, &s, &rules).unwrap();
    assert_eq!(euros(&data.json["claimed"]), dec("700.00"));
    assert_eq!(data.json["deadline"], "15\u{a0}juillet 2026");
    assert_eq!(data.json["end"], "16\u{a0}juillet 2026");

    // After the end, the claim table is the statement's.
    for name in ["echeancier-echu", "echeancier-particulier"] {
        let dz = load(name);
        let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
        let data = build(DocKind::DecheanceDuTerme, &dz, &s, &rules).unwrap();
        assert_eq!(
            euros(&data.json["totals"]["total_due"]),
            s.totals.total_due,
            "{name}"
        );
        // Each row adds up (b2c: the waived interest is not shown as due).
        for row in data.json["invoices"].as_array().unwrap() {
            let parts =
                euros(&row["outstanding"]) + euros(&row["accrued"]) + euros(&row["indemnity"]);
            assert_eq!(parts, euros(&row["total"]), "{name}");
        }
    }
}

fn relance(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_relance"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "relance-plan-letters-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_refused_plan_letter_writes_nothing() {
    let out = fresh("refused");
    for (dossier, doc, as_of) in [
        (
            "examples/atelier-martin",
            "proposition-echeancier",
            "2026-06-30",
        ),
        (
            "tests/dossiers/echeancier-frais",
            "proposition-echeancier",
            "2026-06-30",
        ),
        (
            "tests/dossiers/echeancier-impaye",
            "relance-echeance",
            "2026-04-10",
        ),
        (
            "tests/dossiers/echeancier-impaye",
            "decheance-du-terme",
            "2026-06-30",
        ),
    ] {
        let file = out.join(format!("{doc}.pdf"));
        let o = relance(&[
            "render",
            dossier,
            "--doc",
            doc,
            "--as-of",
            as_of,
            "--out",
            file.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{dossier} {doc}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("refused"));
        assert!(!file.exists(), "{dossier} {doc}: written");
    }
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn batch_produces_the_plan_letter_of_the_due_step() {
    let input = fresh("batch-in");
    let out = fresh("batch-out");
    for name in [
        "echeancier-propose",
        "echeancier-impaye",
        "echeancier-echu",
        "echeancier-automatique",
    ] {
        let src = root().join("tests/dossiers").join(name);
        let dst = input.join(name);
        std::fs::create_dir_all(dst.join("pieces")).unwrap();
        for entry in walk(&src) {
            let rel = entry.strip_prefix(&src).unwrap();
            std::fs::copy(&entry, dst.join(rel)).unwrap();
        }
    }
    let o = relance(&[
        "batch",
        input.to_str().unwrap(),
        "--as-of",
        "2026-06-30",
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (reference, doc) in [
        ("ECH-2026-001", "proposition-echeancier"),
        ("ECH-2026-002", "relance-echeance"),
        ("ECH-2026-003", "decheance-du-terme"),
        ("ECH-2026-004", "decheance-du-terme"),
    ] {
        for file in [format!("{doc}.pdf"), format!("{doc}.email.txt")] {
            assert!(
                out.join(reference).join(&file).exists(),
                "{reference}: {file} missing"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&input);
    let _ = std::fs::remove_dir_all(&out);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn an_earlier_notice_is_stated_only_when_recorded() {
    use relance::dossier::{Event, EventKind};
    let rules = Rules::embedded();
    let mut dz = load("echeancier-impaye");
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::RelanceEcheance, &dz, &s, &rules).unwrap();
    assert_eq!(data.json["earlier_notices"], "");
    // A notice sent within the grace days ends nothing (the statement ignores it), but it
    // was sent: the later notice recalls it.
    dz.events.push(Event {
        date: d("2026-05-10"),
        kind: EventKind::InstalmentNotice,
        invoice: None,
        channel: None,
        piece: None,
    });
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let data = build(DocKind::RelanceEcheance, &dz, &s, &rules).unwrap();
    assert_eq!(
        data.json["earlier_notices"],
        "malgré notre relance d'échéance du 10\u{a0}mai 2026"
    );
    // A notice whose deadline has not passed sets the plan's end: no second notice.
    dz.events.pop();
    dz.events.push(Event {
        date: d("2026-06-20"),
        kind: EventKind::InstalmentNotice,
        invoice: None,
        channel: None,
        piece: None,
    });
    let s = compute(&dz, &rules, d("2026-06-30")).unwrap();
    let err = build(DocKind::RelanceEcheance, &dz, &s, &rules).unwrap_err();
    assert!(
        err.to_string()
            .contains("the instalment notice of 2026-06-20 gives the debtor until 2026-07-06"),
        "{err}"
    );
}

#[test]
fn a_consumer_plan_that_waives_nothing_says_nothing_of_waived_sums() {
    use relance::dossier::PlanCovers;
    let rules = Rules::embedded();
    let renderer = Renderer::embedded();
    let mut dz = load("echeancier-particulier");
    // Covering everything due on 2 February (the 6,44 € of interest too): nothing waived.
    let plan = dz.payment_plan.as_mut().unwrap();
    plan.covers = PlanCovers::Total;
    plan.instalments[2].amount += dec("6.44");
    for (kind, as_of) in [
        (DocKind::PropositionEcheancier, "2026-02-02"),
        (DocKind::RelanceEcheance, "2026-04-20"),
        (DocKind::DecheanceDuTerme, "2026-06-30"),
    ] {
        let s = compute(&dz, &rules, d(as_of)).unwrap();
        let data = build(kind, &dz, &s, &rules).unwrap();
        let opts = RenderOptions::new(data.date, data.reference.clone());
        let text = renderer
            .render_text(&format!("{}.typ", kind.name()), &data.json, &opts)
            .unwrap();
        let email = render_email(kind.name(), &data.json).unwrap();
        for t in [fold(&text), fold(&email)] {
            assert!(!t.contains("abandonn"), "{}: {t}", kind.name());
            assert!(t.contains("intérêts au taux légal"), "{}", kind.name());
        }
    }
}
