//! The evidence bundle: determinism, the tamper suite (every member flipped, deleted,
//! renamed; members added; the zip truncated), hostile zips, and a time-stamp from a local
//! openssl TSA served over HTTP on 127.0.0.1.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use relance::bundle::archive::{self, Limits, Method};
use relance::bundle::verify::{Report, verify};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn relance(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_relance"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap()
}

/// A fresh folder for one test.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("relance-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The example dossier's bundle as of 2026-06-30, made by the binary.
fn example_bundle(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let out = dir.join("bundle.zip");
    let mut args = vec![
        "bundle",
        "examples/atelier-martin",
        "--as-of",
        "2026-06-30",
        "--out",
        s(&out),
    ];
    args.extend_from_slice(extra);
    let o = relance(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(&out).unwrap()
}

/// Every member's name and content, in zip order.
fn members(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// Zips `members` again, as a forger would: `mimetype` stored, the rest deflated.
fn rezip(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let list: Vec<(&str, &[u8], Method)> = members
        .iter()
        .map(|(n, b)| {
            let method = if n == "mimetype" {
                Method::Stored
            } else {
                Method::Deflated
            };
            (n.as_str(), b.as_slice(), method)
        })
        .collect();
    archive::write(&list, "2026-06-30".parse().unwrap()).unwrap()
}

fn report_text(r: &Report) -> String {
    r.problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `verify` fails and one of its problems names `member`.
#[track_caller]
fn assert_fails_naming(zip: &[u8], member: &str, what: &str) {
    let report = verify(zip, &Limits::default());
    assert!(!report.is_ok(), "{what}: verify passed");
    let text = report_text(&report);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.member.as_deref() == Some(member) || p.message.contains(member)),
        "{what}: no problem names {member}:\n{text}"
    );
}

#[test]
fn the_same_dossier_and_date_give_the_same_bytes() {
    let dir = temp("determinism");
    let a = example_bundle(&dir, &[]);
    let b = example_bundle(&dir, &[]);
    assert_eq!(a, b);
    // The compiled-in rules and the repository's folder are the same files: same bundle.
    let c = example_bundle(&dir, &["--rules", "legal-rules"]);
    assert_eq!(a, c);
    let report = verify(&a, &Limits::default());
    assert!(report.is_ok(), "{}", report_text(&report));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_bundle_holds_the_dossier_pieces_documents_timeline_and_rules() {
    let dir = temp("layout");
    let zip = example_bundle(&dir, &[]);
    let m = members(&zip);
    let names: Vec<&str> = m.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "mimetype");
    let mut sorted = names[1..].to_vec();
    sorted.sort();
    assert_eq!(sorted, names[1..], "members after mimetype are sorted");
    let dossier = std::fs::read(format!("{ROOT}/examples/atelier-martin/dossier.toml")).unwrap();
    let get = |n: &str| {
        m.iter()
            .find(|(name, _)| name == n)
            .unwrap_or_else(|| panic!("{n} missing"))
            .1
            .clone()
    };
    assert_eq!(get("data/dossier/dossier.toml"), dossier);
    assert_eq!(
        get("data/dossier/pieces/F-2026-001.pdf"),
        std::fs::read(format!(
            "{ROOT}/examples/atelier-martin/pieces/F-2026-001.pdf"
        ))
        .unwrap()
    );
    let statement: serde_json::Value =
        serde_json::from_slice(&get("data/documents/statement.json")).unwrap();
    assert_eq!(statement["totals"]["total_due"], "4180.33");
    assert!(
        String::from_utf8(get("data/documents/statement.txt"))
            .unwrap()
            .contains("180,33")
    );
    for (path, text) in relance::rules::Rules::embedded_files()
        .iter()
        .filter(|(p, _)| !p.starts_with("juridictions/"))
    {
        assert_eq!(get(&format!("data/rules/{path}")), text.as_bytes());
    }
    let payments = String::from_utf8(get("data/timeline/payments.csv")).unwrap();
    assert_eq!(
        payments,
        "date,amount,invoice,reference\r\n2026-03-01,500.00,F-2026-001,VIR SEPA BOULANGERIE DUPONT 01/03\r\n"
    );
    let bag_info = String::from_utf8(get("bag-info.txt")).unwrap();
    assert!(bag_info.contains("Bagging-Date: 2026-06-30\n"));
    assert!(bag_info.contains("External-Identifier: DOS-2026-0042\n"));
    // The seal is the SHA-256 of the tag manifest, as sha256sum computes it.
    let seal = relance::bundle::manifest::hex(&relance::bundle::seal::seal_of(&get(
        "tagmanifest-sha256.txt",
    )));
    assert!(
        String::from_utf8(get("seal.txt"))
            .unwrap()
            .contains(&seal[..4])
    );
    let o = relance(&[
        "bundle",
        "examples/atelier-martin",
        "--as-of",
        "2026-06-30",
        "--out",
        s(&dir.join("again.zip")),
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains(&seal));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rules_given_with_rules_dir_are_the_ones_carried() {
    let dir = temp("rules-dir");
    let rules = dir.join("rules");
    copy_dir(Path::new(&format!("{ROOT}/legal-rules")), &rules);
    let file = rules.join("bce/taux-refinancement.toml");
    let text = std::fs::read_to_string(&file).unwrap() + "\n# checked again on 2026-07-02\n";
    std::fs::write(&file, &text).unwrap();
    let zip = example_bundle(&dir, &["--rules", s(&rules)]);
    let m = members(&zip);
    let carried = &m
        .iter()
        .find(|(n, _)| n == "data/rules/bce/taux-refinancement.toml")
        .unwrap()
        .1;
    assert_eq!(carried, text.as_bytes());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the example dossier whose first piece is called `name`.
fn dossier_with_piece_named(dir: &Path, name: &str) -> PathBuf {
    let d = dir.join("dossier");
    copy_dir(Path::new(&format!("{ROOT}/examples/atelier-martin")), &d);
    std::fs::rename(d.join("pieces/F-2026-001.pdf"), d.join("pieces").join(name)).unwrap();
    let text = std::fs::read_to_string(d.join("dossier.toml"))
        .unwrap()
        .replace("pieces/F-2026-001.pdf", &format!("pieces/{name}"));
    std::fs::write(d.join("dossier.toml"), text).unwrap();
    d
}

#[test]
fn pieces_with_spaces_and_accents_keep_their_names() {
    let dir = temp("names");
    let name = "Facture n° 1 (copie é).pdf";
    let d = dossier_with_piece_named(&dir, name);
    let out = dir.join("b.zip");
    let o = relance(&["bundle", s(&d), "--as-of", "2026-06-30", "--out", s(&out)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let zip = std::fs::read(&out).unwrap();
    assert!(
        members(&zip)
            .iter()
            .any(|(n, _)| *n == format!("data/dossier/pieces/{name}"))
    );
    let report = verify(&zip, &Limits::default());
    assert!(report.is_ok(), "{}", report_text(&report));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_piece_name_with_a_percent_sign_is_refused_with_the_reason() {
    let dir = temp("percent");
    let d = dossier_with_piece_named(&dir, "remise 100%.pdf");
    let out = dir.join("b.zip");
    let o = relance(&["bundle", s(&d), "--as-of", "2026-06-30", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("pieces/remise 100%.pdf") && stderr.contains("rename"),
        "{stderr}"
    );
    assert!(!out.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- The tamper suite -----

#[test]
fn flipping_one_byte_of_any_member_is_caught_and_named() {
    let dir = temp("flip");
    let zip = example_bundle(&dir, &[]);
    let original = members(&zip);
    for i in 0..original.len() {
        let mut changed = original.clone();
        let (name, bytes) = &mut changed[i];
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        let name = name.clone();
        assert_fails_naming(
            &rezip(&changed),
            &name,
            &format!("content of {name} flipped"),
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `(name, data start, compressed size)` of every member, from the local headers.
fn data_ranges(zip: &[u8]) -> Vec<(String, usize, usize)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let f = archive.by_index(i).unwrap();
            (
                f.name().unwrap().to_string(),
                f.data_start().unwrap() as usize,
                f.compressed_size() as usize,
            )
        })
        .collect()
}

#[test]
fn flipping_one_byte_of_any_member_in_the_zip_itself_is_caught_and_named() {
    let dir = temp("flip-raw");
    let zip = example_bundle(&dir, &[]);
    for (name, start, size) in data_ranges(&zip) {
        let mut changed = zip.clone();
        changed[start + size / 2] ^= 0x20;
        assert_fails_naming(&changed, &name, &format!("zip bytes of {name} flipped"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn deleting_any_member_is_caught_and_named() {
    let dir = temp("delete");
    let zip = example_bundle(&dir, &[]);
    let original = members(&zip);
    for i in 0..original.len() {
        let mut changed = original.clone();
        let (name, _) = changed.remove(i);
        assert_fails_naming(&rezip(&changed), &name, &format!("{name} deleted"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn renaming_any_member_is_caught_and_names_both_names() {
    let dir = temp("rename");
    let zip = example_bundle(&dir, &[]);
    let original = members(&zip);
    for i in 0..original.len() {
        let mut changed = original.clone();
        let old = changed[i].0.clone();
        let new = format!("{old}.renamed");
        changed[i].0 = new.clone();
        let forged = rezip(&changed);
        assert_fails_naming(&forged, &old, &format!("{old} renamed"));
        assert_fails_naming(&forged, &new, &format!("{old} renamed"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn adding_a_member_anywhere_is_caught_and_named() {
    let dir = temp("add");
    let zip = example_bundle(&dir, &[]);
    let original = members(&zip);
    for name in [
        "data/dossier/pieces/extra.pdf",
        "data/extra.txt",
        "extra.txt",
        "META-INF/signatures.xml",
        "manifest-md5.txt",
    ] {
        let mut changed = original.clone();
        changed.push((name.to_string(), b"added later".to_vec()));
        assert_fails_naming(&rezip(&changed), name, &format!("{name} added"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_truncated_zip_is_refused_and_the_cut_member_named() {
    let dir = temp("truncate");
    let zip = example_bundle(&dir, &[]);
    for len in [0, 1, 21, zip.len() - 1, zip.len() - 22, zip.len() - 200] {
        let report = verify(&zip[..len], &Limits::default());
        assert!(!report.is_ok(), "truncated to {len}: verify passed");
    }
    for (name, start, size) in data_ranges(&zip) {
        if size < 2 {
            continue;
        }
        assert_fails_naming(
            &zip[..start + size / 2],
            &name,
            &format!("cut inside {name}"),
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- Hostile zips -----

/// A zip with one member per `(name, content)`, written by the zip crate.
fn plain_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let list: Vec<(&str, &[u8], Method)> = entries
        .iter()
        .map(|(n, b)| (*n, *b, Method::Deflated))
        .collect();
    archive::write(&list, "2026-06-30".parse().unwrap()).unwrap()
}

/// Replaces every occurrence of `from` by `to` (same length) in the zip's bytes: in the local
/// header and in the central directory.
fn patch(zip: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = zip.to_vec();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    out
}

#[track_caller]
fn assert_refused(zip: &[u8], words: &str) {
    let report = verify(zip, &Limits::default());
    let text = report_text(&report);
    assert!(!report.is_ok());
    assert!(text.contains(words), "expected {words:?} in:\n{text}");
}

#[test]
fn zip_slip_absolute_and_windows_names_are_refused() {
    for (name, words) in [
        ("../../etc/cron.d/x", "zip slip"),
        ("data/../../x", "zip slip"),
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/x", "colon"),
        ("data\\..\\x", "backslash"),
    ] {
        // Same-length placeholder, patched to the hostile name after writing.
        let placeholder: String = "p".repeat(name.len());
        let zip = plain_zip(&[("mimetype", b"x"), (&placeholder, b"payload")]);
        let zip = patch(&zip, placeholder.as_bytes(), name.as_bytes());
        assert_refused(&zip, words);
    }
}

#[test]
fn symlinks_and_duplicate_names_are_refused() {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    w.add_symlink("data/link", "/etc/passwd", o).unwrap();
    let zip = w.finish().unwrap().into_inner();
    assert_refused(&zip, "symbolic link");

    let zip = plain_zip(&[("data/a.txt", b"one"), ("data/b.txt", b"two")]);
    let zip = patch(&zip, b"data/b.txt", b"data/a.txt");
    assert_refused(&zip, "duplicate member name");
}

#[test]
fn zip_bombs_are_refused_before_inflating() {
    // 64 MiB of zeros deflate to about 64 KiB: a ratio over 100.
    let zeros = vec![0u8; 64 << 20];
    let zip = plain_zip(&[("data/zeros.bin", &zeros)]);
    assert_refused(&zip, "compression ratio");

    // A member that inflates past its declared size: declared 1000, holds 2 MB.
    let zeros = vec![0u8; 2_000_000];
    let zip = plain_zip(&[("data/z.bin", &zeros)]);
    let declared = (zeros.len() as u32).to_le_bytes();
    let zip = patch(&zip, &declared, &1000u32.to_le_bytes());
    assert_refused(&zip, "more than its declared size");

    // A declared size over the limit.
    let limits = Limits {
        max_member_size: 100,
        ..Limits::default()
    };
    let zip = plain_zip(&[("data/a.txt", &[b'a'; 1000])]);
    let report = verify(&zip, &limits);
    assert!(report_text(&report).contains("declared size 1000 bytes"));
}

#[test]
fn garbage_never_panics() {
    let dir = temp("garbage");
    let zip = example_bundle(&dir, &[]);
    let mut x: u64 = 0x1234_5678;
    for round in 0..300 {
        let mut bytes = zip.clone();
        for _ in 0..(1 + round % 8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let at = (x as usize) % bytes.len();
            bytes[at] = (x >> 32) as u8;
        }
        let _ = verify(&bytes, &Limits::default());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- Atomic writes -----

#[test]
fn a_failed_bundle_writes_nothing() {
    let dir = temp("atomic");
    let out = dir.join("bundle.zip");
    // No ECB rate for 2026-S2: the statement cannot be computed.
    let o = relance(&[
        "bundle",
        "examples/atelier-martin",
        "--as-of",
        "2026-09-30",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    // A token for another document is refused before anything is written.
    let token = format!("{ROOT}/tests/fixtures/tsa/token.tst");
    let o = relance(&[
        "bundle",
        "examples/atelier-martin",
        "--as-of",
        "2026-06-30",
        "--out",
        s(&out),
        "--tsa-token",
        &token,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stamps another document"));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing left behind"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- Time-stamps from a local TSA -----

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A time-stamping authority on 127.0.0.1: answers each HTTP POST with
/// `openssl ts -reply`, signing with the test TSA of `tests/fixtures/tsa/`. Serves `count`
/// requests, then stops.
fn start_tsa(dir: &Path, count: usize) -> String {
    copy_dir(Path::new(&format!("{ROOT}/tests/fixtures/tsa")), dir);
    std::fs::write(dir.join("tsaserial"), "01\n").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let mut stream = stream.unwrap();
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            let body = loop {
                let n = stream.read(&mut buf).unwrap();
                data.extend_from_slice(&buf[..n]);
                if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .unwrap()
                        .trim()
                        .parse()
                        .unwrap();
                    while data.len() < end + 4 + length {
                        let n = stream.read(&mut buf).unwrap();
                        data.extend_from_slice(&buf[..n]);
                    }
                    break data[end + 4..end + 4 + length].to_vec();
                }
                assert!(n > 0, "connection closed early");
            };
            std::fs::write(dir.join("req.tsq"), &body).unwrap();
            let status = Command::new("openssl")
                .args([
                    "ts",
                    "-reply",
                    "-config",
                    "tsa.cnf",
                    "-queryfile",
                    "req.tsq",
                    "-out",
                    "resp.tsr",
                ])
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(status.status.success());
            let response = std::fs::read(dir.join("resp.tsr")).unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                response.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&response).unwrap();
        }
    });
    format!("http://127.0.0.1:{port}/tsa")
}

#[test]
fn a_token_from_a_local_openssl_tsa_verifies_with_its_ca() {
    if !openssl_available() {
        eprintln!("skipped: openssl is not installed (the TSA test needs `openssl ts`)");
        return;
    }
    let dir = temp("tsa");
    let url = start_tsa(&dir.join("tsa"), 1);
    let zip = example_bundle(&dir, &["--tsa", &url]);
    let m = members(&zip);
    assert!(m.iter().any(|(n, _)| n == "META-INF/timestamp.tst"));
    let report = verify(&zip, &Limits::default());
    assert!(report.is_ok(), "{}", report_text(&report));
    let info = report.timestamp.unwrap();
    assert_eq!(info.tsa.as_deref(), Some("CN=relance Test TSA"));

    let bundle = dir.join("bundle.zip");
    let ca = format!("{ROOT}/tests/fixtures/tsa/ca.pem");
    let o = relance(&["verify", s(&bundle), "--ca", &ca]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stdout}");
    assert!(stdout.contains("signature and chain"), "{stdout}");

    let other = format!("{ROOT}/tests/fixtures/tsa/other-ca.pem");
    let o = relance(&["verify", s(&bundle), "--ca", &other]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("does not hold"));

    // The same token given as a file makes the same bundle.
    let token = m
        .iter()
        .find(|(n, _)| n == "META-INF/timestamp.tst")
        .unwrap()
        .1
        .clone();
    std::fs::write(dir.join("token.tst"), &token).unwrap();
    let again = example_bundle(&dir, &["--tsa-token", s(&dir.join("token.tst"))]);
    assert_eq!(zip, again);
    std::fs::remove_dir_all(&dir).unwrap();
}
