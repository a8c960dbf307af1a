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
            "--accept-differences",
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
        closing_date: None,
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
            closing_date: None,
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

fn creditor_setup() -> Setup {
    let creditor = relance::dossier::parse_creditor_file(
        &std::fs::read_to_string(root().join("tests/import/relance.toml")).unwrap(),
        "relance.toml",
    )
    .unwrap();
    Setup {
        creditor: Some(creditor),
        customers: None,
        closing_date: None,
    }
}

fn import_text(kind: Kind, name: &str, bytes: &[u8]) -> relance::import::Import {
    import(kind, &Source { name, bytes }, &creditor_setup()).unwrap_or_else(|p| panic!("{p}"))
}

fn rejected(result: &relance::import::Import) -> Vec<String> {
    result.rejected.iter().map(ToString::to_string).collect()
}

const FEC: &str = "732829320FEC20251231.txt";

/// Pipe-separated, space-padded, zero-padded, trailing separator, UTF-8 with BOM, the
/// `EcrtureLet` typo: all read as in the wild (formats.md §1).
#[test]
fn fec_quirks_of_real_exports_are_tolerated() {
    let text = "\u{feff}JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcrtureLet|DateLet|ValidDate|Montantdevise|Idevise|\n\
VE   |Ventes|1|20251001|411000  |Clients|C001 |Épicerie Zoé   |F-1 |20251001|Vente| 000000001200,00|0000000000,00|  |        |20251001 10:25:37|||\n\
VE   |Ventes|2|20251002|411000  |Clients|C001 |Épicerie Zoé   |F-2 |2025-10-02|Vente|0000074,70|0,00|||20251002|||\n";
    let r = import_text(Kind::Fec, FEC, text.as_bytes());
    assert_eq!(rejected(&r), Vec::<String>::new());
    assert_eq!(r.report.encoding.as_deref(), Some("UTF-8 (with BOM)"));
    let d = &r.dossiers[0].dossier;
    assert_eq!(d.debtor.name, "Épicerie Zoé");
    assert_eq!(d.invoices[0].amount.to_string(), "1200.00");
    assert_eq!(d.invoices[1].amount.to_string(), "74.70");
}

/// The `Montant` + `Sens` variant, and two open lines of one piece (an invoice in two
/// instalments) merged into one invoice.
#[test]
fn fec_amount_and_side_columns_and_split_pieces() {
    let text = "JournalCode\tCompteNum\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tMontant\tSens\tEcritureLet\tDateLet\n\
VE\t411000\tC2\tGarage Lenoir\tF-9\t20251105\tVente 1/2\t500,00\tD\t\t\n\
VE\t411000\tC2\tGarage Lenoir\tF-9\t20251105\tVente 2/2\t500,00\tD\t\t\n\
BQ\t411000\tC2\tGarage Lenoir\tVIR-1\t20251120\tAcompte\t300,00\tC\t\t\n\
VE\t411000\tC2\tGarage Lenoir\tF-10\t20251106\tVente\t40,00\tX\t\t\n";
    let r = import_text(Kind::Fec, FEC, text.as_bytes());
    assert_eq!(
        rejected(&r),
        [format!(
            "{FEC}: Sens: \"X\": expected D or C (or +1 / -1) (line 5)"
        )]
    );
    let d = &r.dossiers[0].dossier;
    assert_eq!(d.invoices.len(), 1);
    assert_eq!(d.invoices[0].amount.to_string(), "1000.00");
    assert_eq!(d.payments[0].amount.to_string(), "300.00");
    assert!(
        r.dossiers[0]
            .toml
            .contains("sum of the open lines of piece F-9")
    );
}

/// A lettering group with an unreadable line: which of its lines are open cannot be told,
/// so none is imported (claiming a paid invoice would be worse than leaving one out).
/// A lettered line without DateLet counts as lettered by the closing date.
#[test]
fn fec_a_lettering_group_with_an_unusable_line_is_left_out() {
    let text = "JournalCode\tCompteNum\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\n\
VE\t411000\tC3\tFromagerie Paul\tF-20\t20251010\tVente\t900,00\t0,00\tAA\t20251030\n\
BQ\t411000\tC3\tFromagerie Paul\tVIR-2\t20251030\tVirement\t0,00\t9OO,00\tAA\t20251030\n\
VE\t411000\tC3\tFromagerie Paul\tF-21\t20251011\tVente\t100,00\t0,00\tAB\t\n\
BQ\t411000\tC3\tFromagerie Paul\tVIR-3\t20251031\tVirement\t0,00\t100,00\tAB\t\n\
VE\t411000\tC3\tFromagerie Paul\tF-22\t20251012\tVente\t50,00\t0,00\t\t\n\
VE\t411000\tC3\tFromagerie Paul\tF-22\t20251013\tVente\t60,00\t0,00\t\t\n";
    let r = import_text(Kind::Fec, FEC, text.as_bytes());
    let all = rejected(&r);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(
        all[1].starts_with(&format!("{FEC}: Credit: \"9OO,00\"")),
        "{}",
        all[1]
    );
    assert_eq!(
        all[0],
        format!(
            "{FEC}: EcritureLet: \"AA\": lettering group with an unusable line (line 3): what is \
             still open cannot be told (line 2)"
        )
    );
    // One piece, two dates (a batch piece): both kept, each with a derived number.
    let d = &r.dossiers[0].dossier;
    let numbers: Vec<&str> = d.invoices.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(numbers, ["F-22-20251012", "F-22-20251013"]);
    assert!(
        r.report.assumptions.iter().any(|n| n.note
            == "2 lettered line(s) without DateLet taken as lettered by the closing date")
    );
}

/// The CSV importer with English headers, commas and a quoted field holding the separator.
#[test]
fn csv_refuses_an_unknown_debtor_invoice_and_duplicates() {
    let text = "name,number,date,amount,type,invoice\n\
\"Dupont, Frères\",F-1,2026-01-10,100.00,,\n\
\"Dupont, Frères\",F-1,2026-01-11,50.00,,\n\
\"Dupont, Frères\",P-1,2026-02-01,20.00,payment,F-404\n\
\"Dupont, Frères\",P-2,2026-02-02,20.00,payment,F-1\n";
    let r = import_text(Kind::Csv, "export.csv", text.as_bytes());
    assert_eq!(
        rejected(&r),
        [
            "export.csv: number: \"F-1\": duplicate invoice number for this debtor (first on line 2) (line 3)",
            "export.csv: invoice: \"F-404\": names an invoice not imported for this debtor (absent from the file, or its line was rejected) (line 4)",
        ]
    );
    let w = &r.dossiers[0];
    assert_eq!(w.key, "Dupont-Freres");
    assert_eq!(w.dossier.debtor.name, "Dupont, Frères");
    assert_eq!(w.dossier.payments[0].invoice.as_deref(), Some("F-1"));
}

/// Folder names stay unique and safe even when two accounts differ only by case or by
/// characters a file system refuses.
#[test]
fn keys_are_unique_folder_names() {
    let text = "debtor;name;number;date;amount\n\
../Dupont;Dupont A;F-1;01/02/2026;10,00\n\
dupont;Dupont B;F-2;01/02/2026;10,00\n\
DUPONT;Dupont C;F-3;01/02/2026;10,00\n";
    let r = import_text(Kind::Csv, "x.csv", text.as_bytes());
    let keys: Vec<&str> = r.dossiers.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(keys, ["DUPONT-2", "Dupont", "dupont-3"]);
}

/// A monthly batch piece (`VE 0323` over entries of several dates) keeps every open line:
/// the ledger balance of each customer account, computed here from the file's columns,
/// equals the balance of the dossier written and the report's reconciliation.
#[test]
fn fec_batch_pieces_keep_every_open_line_and_reconcile_to_the_cent() {
    let bytes = std::fs::read(root().join("tests/import/batch").join(FEC)).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let mut ledger: BTreeMap<String, rust_decimal::Decimal> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f[4].starts_with("411") {
            let amount = |s: &str| {
                s.replace(',', ".")
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            };
            *ledger.entry(f[6].to_string()).or_default() += amount(f[11]) - amount(f[12]);
        }
    }
    assert_eq!(ledger["CLIA"].to_string(), "300.50");
    let r = import_text(Kind::Fec, FEC, &bytes);
    assert!(rejected(&r).is_empty(), "{:?}", rejected(&r));
    for a in &r.report.accounts {
        assert_eq!(a.ledger_balance, ledger[&a.account].to_string(), "{a:?}");
        assert_eq!(a.difference, "0.00", "{a:?}");
    }
    for w in &r.dossiers {
        let d = &w.dossier;
        let open: rust_decimal::Decimal = d
            .invoices
            .iter()
            .map(|i| i.amount)
            .sum::<rust_decimal::Decimal>()
            - d.payments
                .iter()
                .map(|p| p.amount)
                .sum::<rust_decimal::Decimal>();
        let account = &r
            .report
            .dossiers
            .iter()
            .find(|e| e.key == w.key)
            .unwrap()
            .account;
        assert_eq!(open, ledger[account], "{}", w.key);
    }
    let clia = &r.dossiers.iter().find(|w| w.key == "CLIA").unwrap().dossier;
    let numbers: Vec<&str> = clia.invoices.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(numbers, ["VE 0323-VE0001", "VE 0323-VE0002"]);
    assert!(
        r.report
            .assumptions
            .iter()
            .any(|n| n.note.contains("batch piece"))
    );
}
