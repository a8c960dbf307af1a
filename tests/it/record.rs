//! `relance record` as an attacker and an unlucky user would run it: at once from many
//! processes, through symlinks, on files with their own mode, after a killed run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn relance(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_relance"))
        .args(args)
        .output()
        .unwrap()
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("relance-record-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The example dossier copied into `dir` (its pieces included).
fn example_in(dir: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin");
    std::fs::create_dir_all(dir.join("pieces")).unwrap();
    std::fs::copy(src.join("dossier.toml"), dir.join("dossier.toml")).unwrap();
    for e in std::fs::read_dir(src.join("pieces")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join("pieces").join(e.file_name())).unwrap();
    }
}

fn payments(file: &Path) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    doc.get("payments")
        .and_then(|p| p.as_array())
        .map_or(0, Vec::len)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn concurrent_records_lose_no_payment() {
    let dir = fresh("concurrent");
    example_in(&dir);
    let file = dir.join("dossier.toml");
    let before = payments(&file);
    let children: Vec<_> = (0..10)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_relance"))
                .args(["record", dir.to_str().unwrap(), "--payment"])
                .arg(format!("1.{i:02}"))
                .args(["--date", "2026-07-21"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ok = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            ok += 1;
        } else {
            assert!(
                text(&out).contains("another relance process is writing this dossier"),
                "{}",
                text(&out)
            );
        }
    }
    assert_eq!(ok, 10, "every call waits its turn");
    assert_eq!(
        payments(&file),
        before + ok,
        "every call that exited 0 wrote"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_held_lock_fails_with_a_clear_message_and_writes_nothing() {
    let dir = fresh("held");
    example_in(&dir);
    let file = dir.join("dossier.toml");
    let snapshot = std::fs::read(&file).unwrap();
    let held =
        relance::lock::lock(&file.canonicalize().unwrap(), std::time::Duration::ZERO).unwrap();
    let out = relance(&[
        "record",
        dir.to_str().unwrap(),
        "--payment",
        "5.00",
        "--date",
        "2026-07-21",
        "--wait",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("another relance process is writing this dossier"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(&file).unwrap(), snapshot);
    drop(held);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_piece_through_a_symlinked_pieces_folder_is_refused_and_the_users_file_kept() {
    let dir = fresh("pieces-link");
    let dossier = dir.join("dossier");
    let outside = dir.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    example_in(&dossier);
    // The example's pieces move out and `pieces/` becomes a symlink to the user's folder.
    for e in std::fs::read_dir(dossier.join("pieces")).unwrap() {
        let e = e.unwrap();
        std::fs::rename(e.path(), outside.join(e.file_name())).unwrap();
    }
    std::fs::remove_dir(dossier.join("pieces")).unwrap();
    std::os::unix::fs::symlink(&outside, dossier.join("pieces")).unwrap();
    let proof = outside.join("ar-unique.pdf");
    std::fs::write(&proof, b"%PDF-1.4 the only copy").unwrap();
    let snapshot = std::fs::read(dossier.join("dossier.toml")).unwrap();
    let out = relance(&[
        "record",
        dossier.join("dossier.toml").to_str().unwrap(),
        "--kind",
        "formal-notice",
        "--date",
        "2026-07-03",
        "--piece",
        proof.to_str().unwrap(),
    ]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        std::fs::read(&proof).unwrap(),
        b"%PDF-1.4 the only copy",
        "the user's file is still there"
    );
    assert_eq!(
        std::fs::read(dossier.join("dossier.toml")).unwrap(),
        snapshot
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_refused_record_leaves_an_existing_identical_piece_in_place() {
    let dir = fresh("piece-kept");
    let dossier = dir.join("dossier");
    example_in(&dossier);
    let proof = dir.join("ar.pdf");
    std::fs::write(&proof, b"%PDF-1.4 proof").unwrap();
    std::fs::write(dossier.join("pieces/ar.pdf"), b"%PDF-1.4 proof").unwrap();
    let out = relance(&[
        "record",
        dossier.to_str().unwrap(),
        "--kind",
        "formal-notice",
        "--date",
        "2026-07-03",
        "--invoice",
        "NOPE",
        "--piece",
        proof.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(dossier.join("pieces/ar.pdf").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn record_keeps_the_mode_the_symlink_and_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fresh("mode");
    let dossier = dir.join("dossier");
    example_in(&dossier);
    let file = dossier.join("dossier.toml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A stale temporary file of a killed run.
    let stale = dossier.join(".dossier.toml.tmp-999999");
    std::fs::write(&stale, b"half").unwrap();
    let args = |d: &str| {
        vec![
            "record".to_string(),
            d.to_string(),
            "--kind".into(),
            "reminder".into(),
            "--date".into(),
            "2026-07-03".into(),
        ]
    };
    let run = |d: &Path| {
        let a = args(d.to_str().unwrap());
        relance(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(&dossier);
    assert!(out.status.success(), "{}", text(&out));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o600, "the file keeps its mode");
    assert!(!stale.exists(), "the stale temporary file is removed");

    // A symlinked dossier file: the target is updated, the link stays a link.
    let real = dir.join("real.toml");
    std::fs::rename(&file, &real).unwrap();
    std::os::unix::fs::symlink(&real, &file).unwrap();
    let out = run(&dossier);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        std::fs::symlink_metadata(&file)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let reminders = |t: &str| t.matches("kind = \"reminder\"").count();
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin/dossier.toml"),
    )
    .unwrap();
    assert_eq!(
        reminders(&std::fs::read_to_string(&real).unwrap()),
        reminders(&example) + 2,
        "both records went into the symlink's target"
    );

    // A read-only file is refused, untouched.
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o400)).unwrap();
    let snapshot = std::fs::read(&real).unwrap();
    let out = run(&dossier);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("read-only"), "{}", text(&out));
    assert_eq!(std::fs::read(&real).unwrap(), snapshot);
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn record_on_json_keeps_the_layout() {
    let dir = fresh("json-layout");
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/dossiers/json-principal-first/dossier.json");
    let before = std::fs::read_to_string(src).unwrap();
    std::fs::write(dir.join("dossier.json"), &before).unwrap();
    let out = relance(&[
        "record",
        dir.to_str().unwrap(),
        "--payment",
        "10.00",
        "--date",
        "2026-03-01",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let after = std::fs::read_to_string(dir.join("dossier.json")).unwrap();
    // Every line of the old file is still there, in order: only lines were added.
    let mut rest = after.lines();
    for line in before.lines() {
        let line = line.trim_end_matches(',');
        assert!(
            rest.any(|l| l.trim_end_matches(',') == line),
            "lost line {line:?} in\n{after}"
        );
    }
    let v: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(
        v["payments"].as_array().unwrap().last().unwrap()["amount"],
        "10.00"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
