//! Rule overlays: merging values over the built-in rules, `rules add`, `rules fetch ecb`
//! against a local server on 127.0.0.1, `rules status`, and the end-to-end update of a
//! dossier computed past the built-in values. Every value added here is test data.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use relance::rules::Rules;
use relance::rules::overlay::{Overlay, merge};

use crate::support::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const LEGAL_OTHER: &str = "code-monetaire-financier/L313-2-taux-legal-autres-cas.toml";
const ECB: &str = "bce/taux-refinancement.toml";

fn base() -> Vec<(String, String)> {
    Rules::embedded_files()
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn overlay(origin: &str, files: &[(&str, &str)]) -> Overlay {
    Overlay {
        origin: origin.to_string(),
        files: files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    }
}

fn merged(overlays: &[Overlay]) -> Result<Rules, String> {
    merge(&base(), "legal-rules", overlays)
        .map(|m| m.rules)
        .map_err(|p| p.to_string())
}

/// An overlay file for legal-rate-other with one value (test data).
fn legal_value(from: &str, to: &str, value: &str, extra: &str) -> String {
    format!(
        "# test overlay\nid = \"legal-rate-other\"\nunit = \"percent\"\n\n[[values]]\nfrom = {from}\n\
         to = {to}\nvalue = {value}\nsource = \"https://example.test/arrete-de-test\"\n{extra}"
    )
}

#[test]
fn an_overlay_value_fills_the_days_after_the_built_in_end() {
    let text = legal_value("2026-07-01", "2026-12-31", "\"9.87\"", "");
    let m = merge(
        &base(),
        "legal-rules",
        &[overlay("ov", &[(LEGAL_OTHER, &text)])],
    )
    .unwrap();
    let (_, v) = m
        .rules
        .value("legal-rate-other", d("2026-08-01"), String::new)
        .unwrap();
    assert_eq!(v.value, dec("9.87"));
    assert_eq!(v.source, "https://example.test/arrete-de-test");
    assert_eq!(m.rules.overlays, vec!["ov".to_string()]);
    // The merged file is the built-in text, comments kept, with the value added: a bundle
    // carries it and reloads it without the overlay.
    let (_, merged_text) = m.files.iter().find(|(p, _)| p == LEGAL_OTHER).unwrap();
    assert!(merged_text.starts_with("# Legal interest rate, fixed each half-year"));
    assert!(merged_text.contains("value = \"9.87\""));
    let again = Rules::load(
        m.files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
        "copy",
    )
    .unwrap();
    assert_eq!(again.rules, m.rules.rules);
}

#[test]
fn a_gap_after_the_built_in_end_is_refused_with_its_dates() {
    let text = legal_value("2026-08-01", "2026-12-31", "\"9.87\"", "");
    let err = merged(&[overlay("ov", &[(LEGAL_OTHER, &text)])]).unwrap_err();
    assert_eq!(
        err,
        "ov/code-monetaire-financier/L313-2-taux-legal-autres-cas.toml: values[0]: gap: \
         legal-rules/code-monetaire-financier/L313-2-taux-legal-autres-cas.toml values[12] ends \
         on 2026-06-30 and this value starts on 2026-08-01: the value must start on 2026-07-01, \
         or a value must cover 2026-07-01 to 2026-07-31"
    );
}

#[test]
fn an_overlap_with_a_sourced_value_is_refused_unless_it_is_a_correction() {
    let text = legal_value("2026-06-01", "2026-12-31", "\"9.87\"", "");
    let err = merged(&[overlay("ov", &[(LEGAL_OTHER, &text)])]).unwrap_err();
    assert!(
        err.starts_with(
            "ov/code-monetaire-financier/L313-2-taux-legal-autres-cas.toml: values[0]: \"9.87\": \
             2026-06-01 to 2026-12-31: overlaps legal-rules/code-monetaire-financier/\
             L313-2-taux-legal-autres-cas.toml values[12] (2026-01-01 to 2026-06-30, value \
             \"2.62\", source https://www.legifrance.gouv.fr/"
        ),
        "{err}"
    );
    assert!(
        err.ends_with("replaced only by a correction, with corrects = true and a note saying why"),
        "{err}"
    );
    // A correction needs a note, then cuts the built-in value.
    let no_note = legal_value("2026-06-01", "2026-12-31", "\"9.87\"", "corrects = true\n");
    let err = merged(&[overlay("ov", &[(LEGAL_OTHER, &no_note)])]).unwrap_err();
    assert!(
        err.contains("values[0].note: missing: a correction of a built-in value must say why"),
        "{err}"
    );
    let fix = legal_value(
        "2026-06-01",
        "2026-12-31",
        "\"9.87\"",
        "corrects = true\nnote = \"Test : correction\"\n",
    );
    let rules = merged(&[overlay("ov", &[(LEGAL_OTHER, &fix)])]).unwrap();
    let at = |day: &str| {
        rules
            .value("legal-rate-other", d(day), String::new)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(at("2026-05-31").value, dec("2.62"));
    assert_eq!(at("2026-05-31").to, Some(d("2026-05-31")));
    assert_eq!(at("2026-06-01").value, dec("9.87"));
}

#[test]
fn a_value_without_source_or_with_a_comma_is_refused() {
    let text = "id = \"legal-rate-other\"\n[[values]]\nfrom = 2026-07-01\nvalue = \"2.5\"\n";
    let err = merged(&[overlay("ov", &[(LEGAL_OTHER, text)])]).unwrap_err();
    assert_eq!(
        err,
        "ov/code-monetaire-financier/L313-2-taux-legal-autres-cas.toml: values[0].source: \
         missing (required) (line 2)"
    );
    let text = legal_value("2026-07-01", "2026-12-31", "\"2,50\"", "");
    let err = merged(&[overlay("ov", &[(LEGAL_OTHER, &text)])]).unwrap_err();
    assert_eq!(
        err,
        "ov/code-monetaire-financier/L313-2-taux-legal-autres-cas.toml: values[0].value: \
         \"2,50\": a decimal is written with a point, not a comma: \"2.15\" (line 8)"
    );
}

#[test]
fn a_unit_mismatch_or_an_implausible_value_is_refused() {
    let text = legal_value("2026-07-01", "2026-12-31", "\"2.50\"", "")
        .replace("unit = \"percent\"", "unit = \"points\"");
    let err = merged(&[overlay("ov", &[(LEGAL_OTHER, &text)])]).unwrap_err();
    assert_eq!(
        err,
        "ov/code-monetaire-financier/L313-2-taux-legal-autres-cas.toml: unit: \"points\": \
         legal-rules/code-monetaire-financier/L313-2-taux-legal-autres-cas.toml is in percent: \
         the values added must be in the same unit (line 3)"
    );
    let text = legal_value("2026-07-01", "2026-12-31", "\"250\"", "");
    let err = merged(&[overlay("ov", &[(LEGAL_OTHER, &text)])]).unwrap_err();
    assert!(
        err.contains("values[0].value: not a figure in percent: expected an annual rate in percent, between -100 and 100"),
        "{err}"
    );
}

#[test]
fn two_overlays_on_one_rule_file_apply_in_order_and_never_overwrite_each_other() {
    let s2 = legal_value("2026-07-01", "2026-12-31", "\"9.87\"", "");
    let s1 = legal_value("2027-01-01", "2027-06-30", "\"8.76\"", "");
    let rules = merged(&[
        overlay("first", &[(LEGAL_OTHER, &s2)]),
        overlay("second", &[(LEGAL_OTHER, &s1)]),
    ])
    .unwrap();
    let val = |day: &str| {
        rules
            .value("legal-rate-other", d(day), String::new)
            .unwrap()
            .1
            .value
    };
    assert_eq!(
        (val("2026-07-01"), val("2027-06-30")),
        (dec("9.87"), dec("8.76"))
    );
    let again = legal_value("2026-07-01", "2026-12-31", "\"1.00\"", "");
    let err = merged(&[
        overlay("first", &[(LEGAL_OTHER, &s2)]),
        overlay("second", &[(LEGAL_OTHER, &again)]),
    ])
    .unwrap_err();
    assert!(
        err.starts_with(
            "second/code-monetaire-financier/L313-2-taux-legal-autres-cas.toml: values[0]: \"1.00\": \
             2026-07-01 to 2026-12-31: overlaps first/code-monetaire-financier/\
             L313-2-taux-legal-autres-cas.toml values[0] (2026-07-01 to 2026-12-31, value \"9.87\""
        ),
        "{err}"
    );
}

#[test]
fn an_overlay_file_must_sit_at_the_path_of_its_rule_and_name_it() {
    let text = legal_value("2026-07-01", "2026-12-31", "\"9.87\"", "");
    let err = merged(&[overlay("ov", &[("taux/legal.toml", &text)])]).unwrap_err();
    assert_eq!(
        err,
        "ov/taux/legal.toml: \"legal-rate-other\" is defined in legal-rules/\
         code-monetaire-financier/L313-2-taux-legal-autres-cas.toml: its overlay file goes at \
         that same path"
    );
    let err = merged(&[overlay("ov", &[(ECB, &text)])]).unwrap_err();
    assert!(err.contains("ov/bce/taux-refinancement.toml: id: \"legal-rate-other\": legal-rules/bce/taux-refinancement.toml defines \"ecb-mro\""), "{err}");
    let err = merged(&[overlay("ov", &[("mentions/x.toml", "id = \"x\"\n")])]).unwrap_err();
    assert!(
        err.contains("an overlay holds dated values of rule files only"),
        "{err}"
    );
}

#[test]
fn an_overlay_closes_an_open_or_provisional_end() {
    // The formal-notice delay has no known end: a value from 2027 closes it.
    let text = "id = \"formal-notice-delay\"\n[[values]]\nfrom = 2027-01-01\nvalue = \"10\"\n\
                source = \"https://example.test/usage\"\n";
    let rules = merged(&[overlay(
        "ov",
        &[("pratique/delai-mise-en-demeure.toml", text)],
    )])
    .unwrap();
    let r = rules.rule("formal-notice-delay").unwrap();
    assert_eq!(r.values[0].to, Some(d("2026-12-31")));
    assert_eq!(r.values[1].value, dec("10"));
    // A provisional end (the last day known) gives way to a value starting before it.
    let mut files = base();
    let slot = files.iter_mut().find(|(p, _)| p == ECB).unwrap();
    slot.1 = slot
        .1
        .replace("to = 2026-02-05\n", "to = 2026-02-05\nprovisional = true\n");
    let ecb = "id = \"ecb-mro\"\n[[values]]\nfrom = 2026-02-01\nto = 2026-03-31\nvalue = \"1.11\"\n\
               source = \"https://example.test/bce\"\n";
    let m = merge(&files, "legal-rules", &[overlay("ov", &[(ECB, ecb)])]).unwrap();
    let r = m.rules.rule("ecb-mro").unwrap();
    let n = r.values.len();
    assert_eq!(r.values[n - 2].to, Some(d("2026-01-31")));
    assert!(!r.values[n - 2].provisional);
    assert_eq!(r.values[n - 1].value, dec("1.11"));
}

// ---- the command line ----

fn relance(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_relance"));
    cmd.args(args)
        .current_dir(ROOT)
        .env_remove("RELANCE_RULES_OVERLAY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("relance-it-ov-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn add_legal(into: &Path, id: &str, from: &str, to: &str, value: &str) -> Output {
    relance(
        &[
            "rules",
            "add",
            id,
            "--from",
            from,
            "--to",
            to,
            "--value",
            value,
            "--source",
            "https://example.test/arrete-de-test",
            "--note",
            "Valeur de test",
            "--into",
            s(into),
        ],
        &[],
    )
}

#[test]
fn rules_add_keeps_the_comments_and_reads_back_equal() {
    let dir = temp("add");
    let into = dir.join("ov");
    let o = add_legal(
        &into,
        "legal-rate-other",
        "2026-07-01",
        "2026-12-31",
        "9.87",
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let file = into.join(LEGAL_OTHER);
    // A comment the user adds stays through the next add.
    let first = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("# Relu le 2 décembre 2026 (test).\n{first}")).unwrap();
    let o = add_legal(
        &into,
        "legal-rate-other",
        "2027-01-01",
        "2027-06-30",
        "8.76 %",
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.starts_with("# Relu le 2 décembre 2026 (test).\n# Values added over legal-rules/")
    );
    assert_eq!(written.matches("[[values]]").count(), 2);
    // Reads back equal: the values written are the values asked for.
    let rules = merged(&[overlay("ov", &[(LEGAL_OTHER, &written)])]).unwrap();
    let r = rules.rule("legal-rate-other").unwrap();
    let added: Vec<_> = r.values.iter().rev().take(2).rev().collect();
    assert_eq!(
        added
            .iter()
            .map(|v| (v.from, v.to, v.value, v.note.clone()))
            .collect::<Vec<_>>(),
        vec![
            (
                d("2026-07-01"),
                Some(d("2026-12-31")),
                dec("9.87"),
                Some("Valeur de test".into())
            ),
            (
                d("2027-01-01"),
                Some(d("2027-06-30")),
                dec("8.76"),
                Some("Valeur de test".into())
            ),
        ]
    );
}

#[test]
fn a_refused_add_leaves_the_overlay_byte_identical() {
    let dir = temp("refused");
    let into = dir.join("ov");
    assert!(
        add_legal(
            &into,
            "legal-rate-other",
            "2026-07-01",
            "2026-12-31",
            "9.87"
        )
        .status
        .success()
    );
    let file = into.join(LEGAL_OTHER);
    let before = std::fs::read(&file).unwrap();
    // A gap, an overlap, a comma, another unit: each refused, nothing written.
    for (from, to, value, words) in [
        ("2027-02-01", "2027-06-30", "1.00", "values[1]: gap: "),
        ("2026-10-01", "2027-06-30", "1.00", "overlaps"),
        (
            "2027-01-01",
            "2027-06-30",
            "1,00",
            "a decimal is written with a point, not a comma",
        ),
        (
            "2027-01-01",
            "2027-06-30",
            "40 €",
            "is in eur, the rule is in percent",
        ),
    ] {
        let o = add_legal(&into, "legal-rate-other", from, to, value);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{value}: {err}");
        assert!(err.contains(words), "{value}: {err}");
        assert_eq!(std::fs::read(&file).unwrap(), before, "{value}");
    }
    let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    // A refusal into a new folder creates nothing.
    let fresh = dir.join("fresh");
    let o = add_legal(
        &fresh,
        "legal-rate-other",
        "2026-08-01",
        "2026-12-31",
        "1.00",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!fresh.exists());
}

/// A server on 127.0.0.1 giving each connection the next of `answers` (whole HTTP
/// answers), then stopping; it gives up after 20 seconds without a client.
fn serve(answers: Vec<Vec<u8>>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let mut answers = answers.into_iter();
        let Some(mut next) = answers.next() else {
            return;
        };
        while std::time::Instant::now() < deadline {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(5)))
                        .unwrap();
                    let mut data = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !data.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => data.extend_from_slice(&buf[..n]),
                        }
                    }
                    let _ = stream.write_all(&next);
                    drop(stream);
                    match answers.next() {
                        Some(a) => next = a,
                        None => return,
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    format!("http://127.0.0.1:{port}")
}

fn ok_csv(body: &[u8]) -> Vec<u8> {
    let mut a = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    a.extend_from_slice(body);
    a
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{ROOT}/tests/fixtures/ecb/{name}")).unwrap()
}

fn fetch(into: &Path, endpoint: &str, until: &str) -> Output {
    relance(
        &[
            "rules",
            "fetch",
            "ecb",
            "--into",
            s(into),
            "--until",
            until,
            "--endpoint",
            endpoint,
        ],
        &[],
    )
}

#[test]
fn rules_fetch_ecb_turns_the_change_dates_into_dated_values() {
    for name in ["mro-test-data.csv", "mro-test-data-reordered.csv"] {
        let dir = temp("fetch");
        let into = dir.join("ov");
        let endpoint = serve(vec![ok_csv(&fixture(name))]);
        let o = fetch(&into, &endpoint, "2026-12-01");
        let (out, err) = text(&o);
        assert!(o.status.success(), "{name}: {err}");
        assert_eq!(
            out.lines().take(3).collect::<Vec<_>>(),
            vec![
                "ecb-mro = 2.15 from 2026-02-06 to 2026-04-14",
                "ecb-mro = 1.11 from 2026-04-15 to 2026-09-15",
                "ecb-mro = 3.33 from 2026-09-16 to 2026-12-01",
            ],
            "{name}"
        );
        let written = std::fs::read_to_string(into.join(ECB)).unwrap();
        let url = format!(
            "{endpoint}/service/data/FM/B.U2.EUR.4F.KR.MRR_FR.LEV?format=csvdata&detail=dataonly"
        );
        assert_eq!(written.matches(&format!("source = \"{url}\"")).count(), 3);
        assert!(written.contains("last_checked = 2026-12-01"));
    }
}

#[test]
fn a_bad_ecb_answer_is_refused_whole_naming_the_line() {
    let good = fixture("mro-test-data.csv");
    let text_of = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
    let cut = &good[..good.len() - 3];
    let non_numeric = text_of(&good).replace("2026-04-15,1.11", "2026-04-15,NaN");
    let decreasing = text_of(&good).replace("2026-09-16,3.33", "2026-01-16,3.33");
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (ok_csv(b""), "the answer is empty"),
        (
            ok_csv(b"KEY,FREQ,TIME_PERIOD,OBS_VALUE\n"),
            "the answer holds no observation",
        ),
        (
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .to_vec(),
            "the server answered 500 Internal Server Error",
        ),
        (
            {
                let mut a = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    good.len()
                )
                .into_bytes();
                a.extend_from_slice(cut);
                a
            },
            "the answer is cut short",
        ),
        (
            ok_csv(cut),
            "line 23: the answer ends in the middle of a line",
        ),
        (
            ok_csv(non_numeric.as_bytes()),
            "line 21: OBS_VALUE \"NaN\" is not a number",
        ),
        (
            ok_csv(decreasing.as_bytes()),
            "line 22: 2026-01-16 does not come after 2026-04-15 (line 21): the dates must increase",
        ),
        (
            ok_csv(b"DATE,VALUE\n2026-01-01,1\n"),
            "line 1: expected the columns TIME_PERIOD and OBS_VALUE",
        ),
    ];
    for (answer, words) in cases {
        let dir = temp("fetch-bad");
        let into = dir.join("ov");
        let endpoint = serve(vec![answer]);
        let o = fetch(&into, &endpoint, "2026-12-01");
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{words}: {err}");
        assert!(err.contains(words), "{words}: {err}");
        assert!(!into.exists(), "{words}: nothing written");
    }
}

#[test]
fn rules_status_says_what_is_missing_and_how_to_add_it() {
    let o = relance(&["rules", "status", "--as-of", "2026-12-01"], &[]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("3 rule(s) have no value on 2026-12-01"),
        "{out}"
    );
    assert!(
        out.contains("legal-rate-other: The values end on 2026-06-30. The rate of each half-year is fixed by an arrêté in the Journal officiel: run `relance rules add legal-rate-other --from 2026-07-01 --to 2026-12-31 --value V (percent)"),
        "{out}"
    );
    assert!(
        out.contains(
            "ecb-mro: The values end on 2026-02-05. Run `relance rules fetch ecb --into DIR`"
        ),
        "{out}"
    );
    let o = relance(&["rules", "status", "--as-of", "2026-06-30"], &[]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
}

#[test]
fn a_dossier_past_the_built_in_rules_is_brought_up_to_date_with_an_overlay() {
    let dir = temp("e2e");
    let into = dir.join("ov");
    let compute = |extra: &[&str]| {
        let mut args = vec![
            "compute",
            "examples/atelier-martin",
            "--as-of",
            "2026-12-01",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        relance(&args, &[])
    };
    let o = compute(&[]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("missing law: no value of \"ecb-mro\""),
        "{err}"
    );
    assert!(
        err.contains("`relance rules fetch ecb --into DIR`"),
        "{err}"
    );

    let endpoint = serve(vec![ok_csv(&fixture("mro-test-data.csv"))]);
    assert!(fetch(&into, &endpoint, "2026-12-01").status.success());
    for id in ["legal-rate-individual", "legal-rate-other"] {
        let o = add_legal(&into, id, "2026-07-01", "2026-12-31", "4.56");
        assert!(o.status.success(), "{:?}", text(&o));
    }
    let o = compute(&["--rules-overlay", s(&into)]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sources: Vec<&str> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert!(
        sources
            .iter()
            .any(|s| s.starts_with(&format!("{endpoint}/service/data/FM/"))),
        "{sources:?}"
    );
    // The environment variable does the same.
    let env = relance(
        &[
            "compute",
            "examples/atelier-martin",
            "--as-of",
            "2026-12-01",
            "--format",
            "json",
        ],
        &[("RELANCE_RULES_OVERLAY", s(&into))],
    );
    assert_eq!(text(&env).0, out);

    // A bundle made with the overlay verifies, and recomputes without it.
    let zip = dir.join("b.zip");
    let o = relance(
        &[
            "bundle",
            "examples/atelier-martin",
            "--as-of",
            "2026-12-01",
            "--out",
            s(&zip),
            "--rules-overlay",
            s(&into),
        ],
        &[],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let o = relance(&["verify", s(&zip), "--recompute"], &[]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains("data/documents/statement.json: recomputed from the bundle's dossier and"),
        "{out}"
    );
    assert!(out.contains("identical"), "{out}");
    // The overlay is checked with the rules (rules check --rules-overlay).
    let o = relance(&["rules", "check", "--rules-overlay", s(&into)], &[]);
    assert!(o.status.success(), "{:?}", text(&o));
}

#[test]
fn verify_recompute_names_the_first_field_that_differs() {
    let dir = temp("recompute");
    let zip = dir.join("b.zip");
    let o = relance(
        &[
            "bundle",
            "examples/atelier-martin",
            "--as-of",
            "2026-06-30",
            "--out",
            s(&zip),
        ],
        &[],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let o = relance(&["verify", s(&zip), "--recompute"], &[]);
    assert!(o.status.success(), "{:?}", text(&o));
    // A rule value changed inside the bundle (and its hashes left wrong) gives another
    // statement: the first differing field is named.
    let bytes = std::fs::read(&zip).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name == "data/rules/code-de-commerce/L441-10-marge.toml" {
            content = String::from_utf8(content)
                .unwrap()
                .replace("value = \"10\"", "value = \"11\"")
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    let changed = dir.join("changed.zip");
    std::fs::write(&changed, out.finish().unwrap().into_inner()).unwrap();
    let o = relance(&["verify", s(&changed), "--recompute"], &[]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out.contains("FAILED  data/documents/statement.json: recomputed from the bundle's dossier and rules, invoices[0].outstanding differs: \"705.99\" in the bundle, \"706.48\" recomputed"),
        "{out}"
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_clap_definitions() {
    let o = relance(&["completions", "bash"], &[]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains("relance") && out.contains("--rules-overlay"),
        "{out}"
    );
    let o = relance(&["man"], &[]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.starts_with(".ie") || out.starts_with(".TH"),
        "{}",
        &out[..out.len().min(200)]
    );
    assert!(out.contains("relance"), "man page");
}
