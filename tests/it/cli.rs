//! End-to-end CLI cases pinned as data: `tests/cli/<case>/cmd` holds the arguments (one per
//! line, paths relative to the repository), beside `stdout`, `stderr` and `code`.
//! `RELANCE_BLESS=1 cargo test` rewrites the expected files, to be reviewed as a diff.
//! `{TMP}` in an argument is a fresh folder for the case (shown as `[TMP]` in the output).

use std::path::Path;
use std::process::Command;

fn normalize(s: &str, tmp: &Path) -> String {
    s.replace(&tmp.display().to_string(), "[TMP]")
        .replace(env!("CARGO_MANIFEST_DIR"), "[ROOT]")
}

#[test]
fn cli_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("RELANCE_BLESS").is_some();
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("tests/cli"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "the CLI cases are missing");
    let mut failures = Vec::new();
    for dir in dirs {
        let cmd = std::fs::read_to_string(dir.join("cmd")).unwrap();
        let tmp = std::env::temp_dir().join(format!(
            "relance-cli-case-{}-{}",
            dir.file_name().unwrap().to_string_lossy(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        let args: Vec<String> = cmd
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.replace("{TMP}", &tmp.display().to_string()))
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_relance"))
            .args(&args)
            .current_dir(root)
            .env("COLUMNS", "100")
            .env_remove("RELANCE_RULES_OVERLAY")
            .output()
            .unwrap();
        let got = [
            (
                "stdout",
                normalize(&String::from_utf8_lossy(&out.stdout), &tmp),
            ),
            (
                "stderr",
                normalize(&String::from_utf8_lossy(&out.stderr), &tmp),
            ),
            ("code", format!("{}\n", out.status.code().unwrap_or(-1))),
        ];
        let _ = std::fs::remove_dir_all(&tmp);
        for (name, actual) in got {
            let path = dir.join(name);
            if bless {
                std::fs::write(&path, &actual).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if expected != actual {
                failures.push(format!(
                    "{}/{name}:\n--- expected\n{expected}\n--- actual\n{actual}",
                    dir.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn compute_json_is_byte_identical_across_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_relance"))
            .args([
                "compute",
                "examples/atelier-martin",
                "--as-of",
                "2026-06-30",
                "--format",
                "json",
            ])
            .current_dir(root)
            .output()
            .unwrap()
            .stdout
    };
    let a = run();
    assert!(!a.is_empty());
    assert_eq!(a, run());
}

#[test]
fn compute_out_writes_the_file_and_nothing_on_error() {
    let tmp = std::env::temp_dir().join(format!("relance-cli-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tmp.join("statement.json");
    let status = Command::new(env!("CARGO_BIN_EXE_relance"))
        .args([
            "compute",
            "examples/atelier-martin",
            "--as-of",
            "2026-06-30",
            "--format",
            "json",
            "--out",
        ])
        .arg(&out)
        .current_dir(root)
        .status()
        .unwrap();
    assert!(status.success());
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["totals"]["total_due"], "4180.33");
    let failed = tmp.join("failed.json");
    let status = Command::new(env!("CARGO_BIN_EXE_relance"))
        .args([
            "compute",
            "examples/atelier-martin",
            "--as-of",
            "2026-09-30",
            "--out",
        ])
        .arg(&failed)
        .current_dir(root)
        .status()
        .unwrap();
    assert!(!status.success());
    assert!(!failed.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn a_piece_escaping_through_a_symlink_is_refused() {
    #[cfg(unix)]
    {
        let tmp = std::env::temp_dir().join(format!("relance-symlink-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("dossier/pieces")).unwrap();
        std::fs::write(tmp.join("outside.pdf"), b"%PDF").unwrap();
        std::os::unix::fs::symlink(tmp.join("outside.pdf"), tmp.join("dossier/pieces/f.pdf"))
            .unwrap();
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin/dossier.toml"),
        )
        .unwrap()
        .replace("pieces/F-2026-001.pdf", "pieces/f.pdf")
        .replace("piece = \"pieces/F-2026-007.pdf\"\n", "")
        .replace("piece = \"pieces/F-2026-012.pdf\"\n", "")
        .replace("piece = \"pieces/relance-2026-03-20.eml\"\n", "")
        .replace(
            "piece = \"pieces/mise-en-demeure-ar.pdf\"\n",
            "piece = \"pieces/missing.pdf\"\n",
        );
        std::fs::write(tmp.join("dossier/dossier.toml"), text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_relance"))
            .arg("check")
            .arg(tmp.join("dossier"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr.contains(
                "invoices[0].piece: \"pieces/f.pdf\": resolves outside the dossier folder (symlink)"
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains(
                "events[1].piece: \"pieces/missing.pdf\": no such file in the dossier folder"
            ),
            "{stderr}"
        );
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
