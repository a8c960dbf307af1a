//! Rendered documents: every mandatory mention is printed, in every document of every test
//! dossier; documents that must not claim something do not; the same inputs give the same
//! bytes in separate processes.

use std::path::Path;
use std::process::Command;

use relance::calc::compute;
use relance::documents::{Renderer, render_email};
use relance::dossier::fs::load_dir;
use relance::letters::{DocKind, build};
use relance::rules::Rules;

use crate::support::*;

const DOSSIERS: [(&str, &str); 6] = [
    ("examples/atelier-martin", "2026-06-30"),
    ("tests/dossiers/b2c-metz", "2026-06-30"),
    ("tests/dossiers/b2g-commune", "2026-11-24"),
    ("tests/dossiers/c2x-particulier", "2026-06-30"),
    ("tests/dossiers/agence-contractuel", "2026-03-31"),
    ("tests/dossiers/b2g-refere", "2026-06-30"),
];

/// Whitespace of any kind (line ends from layout included) folded to one space.
fn fold(s: &str) -> String {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_mandatory_mention_is_printed_in_every_document() {
    let rules = Rules::embedded();
    let renderer = Renderer::embedded();
    let mut checked = 0;
    for (dir, as_of) in DOSSIERS {
        let dz = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
            .unwrap()
            .dossier;
        let s = compute(&dz, &rules, d(as_of)).unwrap();
        for kind in DocKind::for_dossier(&dz) {
            let data = match build(kind, &dz, &s, &rules) {
                // A request without exhibit, or claiming a disputed invoice, and an exhibit
                // list without exhibit are refused (tests/it/letters.rs pins which).
                Err(relance::letters::LetterError::Refused { .. })
                    if matches!(kind, DocKind::RequeteInjonction | DocKind::Bordereau) =>
                {
                    continue;
                }
                // A reminder after a formal notice is refused: check it the day before.
                Err(relance::letters::LetterError::Refused { .. })
                    if kind.family() == relance::letters::Family::Reminder =>
                {
                    let mut notices: Vec<_> = dz
                        .events
                        .iter()
                        .filter(|e| e.kind == relance::dossier::EventKind::FormalNotice)
                        .map(|e| e.date.pred_opt().unwrap())
                        .collect();
                    notices.sort();
                    let built = notices.into_iter().find_map(|day| {
                        let before = compute(&dz, &rules, day).ok()?;
                        build(kind, &dz, &before, &rules).ok()
                    });
                    match built {
                        Some(data) => data,
                        None => continue,
                    }
                }
                r => r.unwrap(),
            };
            let opts = data.render_options();
            let template = format!("{}.typ", kind.name());
            let text = fold(&renderer.render_text(&template, &data.json, &opts).unwrap());
            for m in &data.mentions {
                assert!(
                    text.contains(&fold(&m.text)),
                    "{dir} {}: mention {} missing:\n{}\n---\n{text}",
                    kind.name(),
                    m.id,
                    m.text
                );
                checked += 1;
            }
            // What each document must say whatever the mentions.
            assert!(
                text.contains(&fold(&data.reference)),
                "{dir} {}: reference",
                kind.name()
            );
            if kind == DocKind::ReleveDeCompte {
                assert!(
                    text.contains(&fold(
                        data.json["account"]["balance_signed"].as_str().unwrap()
                    )),
                    "{dir} {}",
                    kind.name()
                );
            } else if kind.is_letter() {
                assert!(
                    text.contains(&fold(data.json["totals"]["outstanding"].as_str().unwrap())),
                    "{dir} {}",
                    kind.name()
                );
            }
            if kind == DocKind::MiseEnDemeure {
                assert!(
                    text.contains("MISE EN DEMEURE")
                        && text.contains("Lettre recommandée avec demande d'avis de réception")
                );
            }
            // Nothing of L441-10 in a letter to a consumer or from an individual.
            if matches!(s.regime.as_str(), "b2c" | "c2x") {
                assert!(
                    !text.contains("indemnité forfaitaire pour frais de recouvrement de"),
                    "{dir} {}",
                    kind.name()
                );
                assert!(!text.contains("L441-10"), "{dir} {}", kind.name());
            }
            let pdf = renderer.render_pdf(&template, &data.json, &opts).unwrap();
            assert!(
                pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF"),
                "{dir} {}",
                kind.name()
            );
        }
    }
    assert!(checked > 60, "only {checked} mentions checked");
}

#[test]
fn reminder_emails_carry_the_mentions_and_refuse_missing_data() {
    let rules = Rules::embedded();
    let dz =
        load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dossiers/agence-contractuel"))
            .unwrap()
            .dossier;
    let s = compute(&dz, &rules, d("2026-03-31")).unwrap();
    for kind in [DocKind::Relance1, DocKind::Relance2, DocKind::Relance3] {
        let data = build(kind, &dz, &s, &rules).unwrap();
        let email = render_email(kind.name(), &data.json).unwrap();
        assert!(email.starts_with("Objet\u{a0}: "), "{email}");
        for m in &data.mentions {
            assert!(email.contains(&m.text), "{}: {}", kind.name(), m.id);
        }
        // Strict mode: a variable the data lacks is an error, not an empty string.
        let mut broken = data.json.clone();
        broken.as_object_mut().unwrap().remove("payment_means");
        let err = render_email(kind.name(), &broken).unwrap_err();
        assert!(err.contains("payment_means"), "{err}");
    }
    assert!(render_email("mise-en-demeure", &serde_json::json!({})).is_err());
}

#[test]
fn the_same_letter_is_byte_identical_across_processes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_relance"))
            .args([
                "render",
                "examples/atelier-martin",
                "--doc",
                "mise-en-demeure",
                "--as-of",
                "2026-06-30",
                "--attach-statement",
            ])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let a = run();
    assert!(a.starts_with(b"%PDF-") && a.len() > 10_000);
    assert!(
        a.windows(13).any(|w| w == b"decompte.json"),
        "the statement is attached"
    );
    assert_eq!(a, run(), "two processes, two different PDFs");
}

#[test]
fn render_all_writes_every_document_or_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("relance-render-all-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_relance"))
        .args([
            "render",
            "examples/atelier-martin",
            "--all",
            // After the reminder of 20 March, before the formal notice of 22 April: every
            // document (later, a reminder would be refused).
            "--as-of",
            "2026-04-10",
            "--out",
        ])
        .arg(&out)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    // Every draft has the same date: the note names the one step to send.
    assert!(
        String::from_utf8_lossy(&status.stderr).contains(
            "note: --all drafts every document the dossier allows, all dated 2026-04-10: send only the step the plan calls for: relance-2, due since 2026-03-30"
        ),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bordereau.pdf",
            "decompte.pdf",
            "mise-en-demeure.pdf",
            "relance-1.email.txt",
            "relance-1.pdf",
            "relance-2.email.txt",
            "relance-2.pdf",
            "relance-3.email.txt",
            "relance-3.pdf",
            "releve-de-compte.email.txt",
            "releve-de-compte.pdf",
            "requete-injonction-de-payer.pdf",
        ]
    );
    std::fs::remove_dir_all(&out).unwrap();

    // A dossier without the debtor's address: nothing is written, and the field is named.
    let src =
        std::fs::read_to_string(root.join("tests/dossiers/json-principal-first/dossier.json"))
            .unwrap();
    let dir = std::env::temp_dir().join(format!("relance-render-noaddr-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("dossier.json"), src).unwrap();
    let target = dir.join("out");
    let res = Command::new(env!("CARGO_BIN_EXE_relance"))
        .args(["render"])
        .arg(&dir)
        .args(["--all", "--as-of", "2026-06-30", "--out"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("debtor.address is missing"));
    assert!(!target.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A letter's closing and signature never stand alone on its last page: the paragraph before
/// them goes along (a signature page detached from the text it signs proves nothing).
#[test]
fn no_signature_stands_alone_on_the_last_page() {
    let rules = Rules::embedded();
    let renderer = Renderer::embedded();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("tests/dossiers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("dossier.toml").exists() || p.join("dossier.json").exists())
        .collect();
    dirs.push(root.join("examples/atelier-martin"));
    dirs.sort();
    let mut multipage = 0;
    for dir in dirs {
        let Ok(loaded) = load_dir(&dir) else { continue };
        let dz = loaded.dossier;
        for as_of in ["2026-03-31", "2026-06-30", "2026-11-24"] {
            let Ok(s) = compute(&dz, &rules, d(as_of)) else {
                continue;
            };
            for kind in DocKind::for_dossier(&dz)
                .into_iter()
                .filter(|k| k.is_letter())
            {
                let Ok(data) = build(kind, &dz, &s, &rules) else {
                    continue;
                };
                let template = format!("{}.typ", kind.name());
                let text = renderer
                    .render_text(&template, &data.json, &data.render_options())
                    .unwrap();
                let lines: Vec<&str> = text.lines().map(str::trim).collect();
                // The number ends the footer's first line (the same baseline).
                let Some(pages) = lines.iter().find_map(|l| {
                    l.split_once("Page 1 / ")
                        .and_then(|(_, n)| n.parse::<usize>().ok())
                }) else {
                    continue;
                };
                multipage += 1;
                let marker = format!("Page {} / {pages}", pages - 1);
                let start = lines.iter().position(|l| l.ends_with(&marker)).unwrap();
                let header = start
                    + lines[start..]
                        .iter()
                        .position(|l| l.contains("Réf.\u{a0}:") || l.contains("Réf. :"))
                        .unwrap_or_else(|| panic!("{dir:?} {kind:?}: no running header\n{text}"));
                let closing = header
                    + lines[header..]
                        .iter()
                        .position(|l| l.contains("agréer"))
                        .unwrap_or(0);
                assert!(
                    closing > header + 1,
                    "{dir:?} {kind:?} as of {as_of}: the last page holds only the closing and the signature\n{text}"
                );
            }
        }
    }
    assert!(multipage > 5, "only {multipage} letters of several pages");
}
