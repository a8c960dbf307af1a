//! `relance import`: every importer's golden dossiers and report, and its refusals, pinned
//! as data. `tests/import/expected/<case>/cmd` holds the arguments (one per line, `{out}`
//! for the output folder); beside it `stdout`, `stderr`, `code` and `out/`, the files the
//! import wrote. `RELANCE_BLESS=1 cargo test --test it import_cases` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use relance::dossier::{Format, parse};
use relance::import::{Kind, Setup, Source, import};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("relance-import-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every file under `dir`, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn relance(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_relance"))
        .args(args)
        .current_dir(root())
        .env("COLUMNS", "100")
        .output()
        .unwrap()
}

#[test]
fn import_cases() {
    let bless = std::env::var_os("RELANCE_BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/import/expected"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the import cases are missing");
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let out = scratch(&name);
        let cmd = std::fs::read_to_string(case.join("cmd")).unwrap();
        let args: Vec<String> = cmd
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.replace("{out}", &out.display().to_string()))
            .collect();
        let output = relance(&args);
        let normalize = |b: &[u8]| {
            String::from_utf8_lossy(b)
                .replace(&out.display().to_string(), "[OUT]")
                .replace(env!("CARGO_MANIFEST_DIR"), "[ROOT]")
        };
        let code = output.status.code().unwrap_or(-1);
        let got = [
            ("stdout", normalize(&output.stdout)),
            ("stderr", normalize(&output.stderr)),
            ("code", format!("{code}\n")),
        ];
        let written = tree(&out);
        if code != 0 && !written.is_empty() {
            failures.push(format!("{name}: refused, yet wrote {:?}", written.keys()));
        }
        // Every dossier written passes `relance check`.
        for path in written.keys().filter(|p| p.ends_with("dossier.toml")) {
            let check = relance(&["check".into(), out.join(path).display().to_string()]);
            if !check.status.success() {
                failures.push(format!(
                    "{name}: {path} fails check:\n{}",
                    String::from_utf8_lossy(&check.stderr)
                ));
            }
        }
        let expected_out = case.join("out");
        if bless {
            for (file, text) in &got {
                std::fs::write(case.join(file), text).unwrap();
            }
            let _ = std::fs::remove_dir_all(&expected_out);
            for (rel, bytes) in &written {
                let path = expected_out.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, bytes).unwrap();
            }
        } else {
            for (file, actual) in &got {
                let expected = std::fs::read_to_string(case.join(file)).unwrap_or_default();
                if &expected != actual {
                    failures.push(format!(
                        "{name}/{file}:\n--- expected\n{expected}\n--- actual\n{actual}"
                    ));
                }
            }
            let expected = tree(&expected_out);
            let keys = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
            if keys(&expected) != keys(&written) {
                failures.push(format!(
                    "{name}: files written {:?}, expected {:?}",
                    keys(&written),
                    keys(&expected)
                ));
            }
            for (rel, bytes) in &written {
                if let Some(e) = expected.get(rel)
                    && e != bytes
                {
                    failures.push(format!(
                        "{name}/out/{rel}:\n--- expected\n{}\n--- actual\n{}",
                        String::from_utf8_lossy(e),
                        String::from_utf8_lossy(bytes)
                    ));
                }
            }
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Spec §5: same file, same output bytes.
#[test]
fn import_is_byte_identical_across_runs() {
    let run = |n: &str| {
        let out = scratch(n);
        let args: Vec<String> = [
            "import",
            "fec",
            "tests/import/732829320FEC20251231.txt",
            "--creditor",
            "tests/import/relance.toml",
            "--customers",
            "tests/import/clients.csv",
            "--out",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([out.display().to_string()])
        .collect();
        assert!(relance(&args).status.success());
        let t = tree(&out);
        let _ = std::fs::remove_dir_all(&out);
        t
    };
    let a = run("det-a");
    assert!(a.len() >= 3);
    assert_eq!(a, run("det-b"));
}

/// A dossier completed by hand is never overwritten without `--force`, and a refused
/// import writes nothing at all.
#[test]
fn an_existing_dossier_is_kept_unless_forced() {
    let out = scratch("force");
    let args = |force: bool| -> Vec<String> {
        let mut a: Vec<String> = [
            "import",
            "csv",
            "tests/import/factures.csv",
            "--creditor",
            "tests/import/relance.toml",
            "--out",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.push(out.display().to_string());
        if force {
            a.push("--force".into());
        }
        a
    };
    assert!(relance(&args(false)).status.success());
    let dupont = out.join("DUPONT/dossier.toml");
    std::fs::write(&dupont, "# completed by hand\n").unwrap();
    std::fs::remove_file(out.join("LEROY/dossier.toml")).unwrap();
    let again = relance(&args(false));
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains(
            "DUPONT/dossier.toml: already exists: not overwritten (use --force to replace it)"
        ),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&dupont).unwrap(),
        "# completed by hand\n"
    );
    assert!(
        !out.join("LEROY/dossier.toml").exists(),
        "a refused import wrote a dossier"
    );
    assert!(relance(&args(true)).status.success());
    assert!(
        std::fs::read_to_string(&dupont)
            .unwrap()
            .contains("F-2026-001")
    );
    std::fs::remove_dir_all(&out).unwrap();
}

/// The library API: the same dossiers as the command, and each TOML text reads back to
/// the dossier built.
#[test]
fn every_written_dossier_reads_back_equal() {
    let creditor = relance::dossier::parse_creditor_file(
        &std::fs::read_to_string(root().join("tests/import/relance.toml")).unwrap(),
        "relance.toml",
    )
    .unwrap();
    let setup = Setup {
        creditor: Some(creditor),
        customers: None,
    };
    for (kind, file) in [
        (Kind::Fec, "tests/import/732829320FEC20251231.txt"),
        (Kind::Csv, "tests/import/factures.csv"),
        (Kind::Csv, "tests/import/invoices.csv"),
        (Kind::Cii, "tests/import/cii-F-2026-0101.xml"),
        (Kind::Ubl, "tests/import/ubl-F-2026-0102.xml"),
        (Kind::Facturx, "tests/import/facturx-F-2026-0103.pdf"),
    ] {
        let bytes = std::fs::read(root().join(file)).unwrap();
        let result = import(
            kind,
            &Source {
                name: file,
                bytes: &bytes,
            },
            &setup,
        )
        .unwrap_or_else(|p| panic!("{file}: {p}"));
        assert!(!result.dossiers.is_empty(), "{file}");
        for w in &result.dossiers {
            let reread = parse(&w.toml, Format::Toml, "dossier.toml").unwrap();
            assert_eq!(reread, w.dossier, "{file}: {}", w.key);
        }
    }
}

/// FEC open items by hand: Éloïse has F-2025-118 unlettered (2 160), F-2025-131 partially
/// lettered with a 500 payment (864 − 500), and F-2025-101 lettered and paid (left out).
#[test]
fn fec_open_items_follow_the_lettering() {
    let creditor = relance::dossier::parse_creditor_file(
        &std::fs::read_to_string(root().join("tests/import/relance.toml")).unwrap(),
        "relance.toml",
    )
    .unwrap();
    let file = "tests/import/732829320FEC20251231.txt";
    let bytes = std::fs::read(root().join(file)).unwrap();
    let result = import(
        Kind::Fec,
        &Source {
            name: file,
            bytes: &bytes,
        },
        &Setup {
            creditor: Some(creditor),
            customers: None,
        },
    )
    .unwrap();
    let eloise = result
        .dossiers
        .iter()
        .find(|d| d.key == "BOULELOISE")
        .unwrap();
    let numbers: Vec<&str> = eloise
        .dossier
        .invoices
        .iter()
        .map(|i| i.number.as_str())
        .collect();
    assert_eq!(numbers, ["F-2025-118", "F-2025-131"]);
    assert_eq!(eloise.dossier.debtor.name, "Boulangerie Pâtisserie Éloïse");
    assert_eq!(eloise.dossier.debtor.address, None);
    assert_eq!(eloise.dossier.payments.len(), 1);
    assert_eq!(eloise.dossier.payments[0].amount.to_string(), "500.00");
    assert_eq!(eloise.dossier.payments[0].invoice, None);
    let sge = result.dossiers.iter().find(|d| d.key == "SGEAUX").unwrap();
    assert_eq!(
        sge.dossier.invoices[0].number, "F-2025-095",
        "lettered after closing: open"
    );
    assert_eq!(
        sge.dossier.payments[0].amount.to_string(),
        "240.00",
        "credit note"
    );
    let skipped: Vec<&str> = result
        .report
        .skipped_debtors
        .iter()
        .map(|s| s.account.as_str())
        .collect();
    assert_eq!(skipped, ["411DUPONT", "CAFEPAIX"]);
    let lines: Vec<Option<usize>> = result
        .report
        .rejected_lines
        .iter()
        .map(|r| r.line)
        .collect();
    assert_eq!(lines, [Some(38), Some(39)]);
}
