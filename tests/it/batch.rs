//! `relance batch` end to end on generated dossiers: what is produced for each step, the
//! summary, shards that partition the work, and a run killed midway then completed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::generate::{AS_OF, Expected, write_dossiers};

fn relance() -> Command {
    Command::new(env!("CARGO_BIN_EXE_relance"))
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("relance-batch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn batch(input: &Path, out: &Path, extra: &[&str]) -> Output {
    relance()
        .arg("batch")
        .arg(input)
        .args(["--as-of", AS_OF, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// Every file under `dir`, by path relative to it, with its bytes. A file that vanishes
/// while being listed (a running batch renaming its temporary files) is left out.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn summary(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The files a produced dossier's folder must hold for its due document.
fn expected_files(e: &Expected) -> BTreeSet<String> {
    let doc = e.document.unwrap();
    let mut names = vec![
        format!("{doc}.pdf"),
        "decompte.pdf".into(),
        "decompte.json".into(),
        format!("{}.zip", e.reference),
    ];
    if doc.starts_with("relance-") {
        names.push(format!("{doc}.email.txt"));
    }
    if doc == "requete-injonction-de-payer" {
        names.push("bordereau.pdf".into());
    }
    names
        .into_iter()
        .map(|n| format!("{}/{n}", e.reference))
        .collect()
}

/// A file under its final name is complete: a PDF ends with its trailer, a zip with its
/// end of central directory, a JSON file parses.
fn assert_complete(name: &str, bytes: &[u8]) {
    if name.ends_with(".pdf") {
        assert!(
            bytes.starts_with(b"%PDF") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
            "{name}: truncated PDF"
        );
    } else if name.ends_with(".zip") {
        assert!(
            bytes.len() >= 22 && bytes[bytes.len() - 22..].starts_with(b"PK\x05\x06"),
            "{name}: truncated zip"
        );
    } else if name.ends_with(".json") {
        assert!(
            serde_json::from_slice::<Value>(bytes).is_ok(),
            "{name}: truncated JSON"
        );
    }
}

fn is_temp(name: &str) -> bool {
    name.rsplit('/').next().unwrap().starts_with('.') || name.contains(".tmp-")
}

/// 200 generated dossiers (some refused, some with nothing due) and one whole batch of them
/// with two jobs, made once and shared by the tests that read them.
struct Whole {
    input: PathBuf,
    out: PathBuf,
    expected: Vec<Expected>,
    output: Output,
}

fn whole() -> &'static Whole {
    static WHOLE: OnceLock<Whole> = OnceLock::new();
    WHOLE.get_or_init(|| {
        let dir = fresh_dir("whole");
        let input = dir.join("dossiers");
        let out = dir.join("out");
        let expected = write_dossiers(&input, 200, true);
        let output = batch(&input, &out, &["--jobs", "2"]);
        Whole {
            input,
            out,
            expected,
            output,
        }
    })
}

#[test]
fn batch_of_200_dossiers_produces_each_due_step_and_reports_the_failures() {
    let w = whole();
    let stderr = String::from_utf8_lossy(&w.output.stderr);
    // Some dossiers are refused: exit 1, and the others are produced all the same.
    assert_eq!(w.output.status.code(), Some(1), "{stderr}");
    let s = summary(&w.out.join("summary.json"));
    let count = |o: &str| w.expected.iter().filter(|e| e.outcome == o).count();
    assert_eq!(s["dossiers"], 200);
    assert_eq!(s["produced"], count("produced"));
    assert_eq!(s["skipped"], count("skipped"));
    assert_eq!(s["failed"], count("failed"));
    assert_eq!(s["failed"], 15, "{stderr}");
    assert_eq!(s["as_of"], AS_OF);
    assert!(s["shard"].is_null());

    let all = files(&w.out);
    let entries = s["entries"].as_array().unwrap();
    let by_path: BTreeMap<&str, &Value> = entries
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e))
        .collect();
    let mut wanted: BTreeSet<String> = ["summary.json".into(), "summary.csv".into()].into();
    for e in &w.expected {
        let got = by_path[e.path.as_str()];
        assert_eq!(got["outcome"], e.outcome, "{}: {got}", e.path);
        match e.outcome {
            "produced" => {
                assert_eq!(got["status"], "due");
                assert_eq!(got["document"], e.document.unwrap(), "{}", e.path);
                let listed: BTreeSet<String> = got["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string())
                    .collect();
                assert_eq!(listed, expected_files(e), "{}", e.path);
                wanted.extend(listed);
            }
            "skipped" => {
                assert_ne!(got["status"], "due");
                assert!(!w.out.join(&e.reference).exists());
            }
            _ => {
                let error = got["error"].as_str().unwrap();
                assert!(
                    stderr.contains(&format!("error: {}: ", e.path)),
                    "{}: not reported on stderr",
                    e.path
                );
                assert!(!error.is_empty());
            }
        }
    }
    // The refusals say why: the field, the missing address, the scenario.
    assert!(stderr.contains("expected a decimal with a dot"), "{stderr}");
    assert!(stderr.contains("debtor.address"), "{stderr}");
    assert!(stderr.contains("scenario \"inexistant\""), "{stderr}");
    // Exactly the files listed, every one complete, no temporary file.
    assert_eq!(all.keys().cloned().collect::<BTreeSet<_>>(), wanted);
    for (name, bytes) in &all {
        assert!(!is_temp(name), "{name}");
        assert_complete(name, bytes);
    }
    // Sorted by reference; the CSV has the same rows.
    let references: Vec<&str> = entries
        .iter()
        .map(|e| e["reference"].as_str().unwrap_or(""))
        .collect();
    assert!(references.is_sorted());
    let csv = String::from_utf8(all["summary.csv"].clone()).unwrap();
    assert_eq!(csv.lines().count(), 201);
    assert!(csv.starts_with("reference,path,outcome,status,step,document,date,total_due,"));
    // Step, files and stderr aside, the PDF of a produced step is the one `render` makes.
    let med = w
        .expected
        .iter()
        .find(|e| e.document == Some("mise-en-demeure") && e.outcome == "produced")
        .unwrap();
    let rendered = relance()
        .args(["render"])
        .arg(w.input.join(&med.path))
        .args(["--doc", "mise-en-demeure", "--as-of", AS_OF])
        .output()
        .unwrap();
    assert!(rendered.status.success());
    assert_eq!(
        all[&format!("{}/mise-en-demeure.pdf", med.reference)],
        rendered.stdout
    );
}

#[test]
fn shards_partition_the_batch_with_no_overlap() {
    let w = whole();
    let out = fresh_dir("shards");
    let mut seen: BTreeMap<String, Value> = BTreeMap::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let output = batch(&w.input, &out, &["--jobs", "2", "--shard", &shard]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let s = summary(&out.join(format!("summary-{i}-of-3.json")));
        assert_eq!(s["shard"], shard);
        let entries = s["entries"].as_array().unwrap();
        assert!(!entries.is_empty(), "shard {shard} is empty");
        for e in entries {
            let path = e["path"].as_str().unwrap().to_string();
            assert!(
                seen.insert(path.clone(), e.clone()).is_none(),
                "{path} twice"
            );
        }
        assert!(out.join(format!("summary-{i}-of-3.csv")).is_file());
    }
    // The union is the whole: same entries, and the same files, byte for byte.
    let whole_entries: BTreeMap<String, Value> = summary(&w.out.join("summary.json"))["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_string(), e.clone()))
        .collect();
    assert_eq!(seen, whole_entries);
    let strip = |mut f: BTreeMap<String, Vec<u8>>| {
        f.retain(|name, _| !name.starts_with("summary"));
        f
    };
    assert!(strip(files(&out)) == strip(files(&w.out)));
}

#[test]
fn a_batch_killed_midway_leaves_no_partial_file_and_a_rerun_completes_it() {
    let dir = fresh_dir("killed");
    let input = dir.join("dossiers");
    let out = dir.join("out");
    let expected = write_dossiers(&input, 40, false);
    let mut child = relance()
        .arg("batch")
        .arg(&input)
        .args(["--as-of", AS_OF, "--out"])
        .arg(&out)
        .args(["--jobs", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let zips = || {
        files(&out)
            .keys()
            .filter(|n| n.ends_with(".zip") && !is_temp(n))
            .count()
    };
    while !out.is_dir() || zips() < 3 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    let status = child.wait().unwrap();
    assert!(!status.success());
    let after_kill = files(&out);
    assert!(
        !after_kill.contains_key("summary.json"),
        "the run had not finished"
    );
    assert!(after_kill.keys().filter(|n| n.ends_with(".zip")).count() < 40);
    for (name, bytes) in &after_kill {
        if !is_temp(name) {
            assert_complete(name, bytes);
        }
    }
    // What a kill during a write leaves, in a folder done and in one not yet reached.
    let stale = [
        format!("{}/.decompte.pdf.tmp-4242424", expected[0].reference),
        format!("{}/.decompte.json.tmp-4242424", expected[39].reference),
    ];
    for s in &stale {
        let path = out.join(s);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"%PDF-1.7 trunc").unwrap();
    }

    let output = batch(&input, &out, &["--jobs", "2"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let s = summary(&out.join("summary.json"));
    assert_eq!(s["produced"], 40);
    let done = files(&out);
    for e in &expected {
        for f in expected_files(e) {
            assert!(done.contains_key(&f), "{f} missing after the rerun");
        }
    }
    for (name, bytes) in &done {
        assert!(!is_temp(name), "{name} left behind");
        assert_complete(name, bytes);
    }
    // Files the killed run finished are rewritten with the same bytes.
    for (name, bytes) in &after_kill {
        if !is_temp(name) {
            assert_eq!(&done[name], bytes, "{name}");
        }
    }
}

#[test]
fn shard_and_jobs_are_checked() {
    let dir = fresh_dir("usage");
    for (flag, value) in [("--shard", "3/3"), ("--shard", "x"), ("--jobs", "0")] {
        let output = relance()
            .args(["batch", "nowhere", "--as-of", AS_OF, "--out"])
            .arg(dir.join("out"))
            .args([flag, value])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
    }
    let output = batch(&dir, &dir.join("out"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no dossier"));
}

/// `n` generated dossiers under `input`, each with a step due, renamed to `references`.
fn dossiers_named(input: &Path, references: &[&str]) -> Vec<PathBuf> {
    let generated = write_dossiers(input, references.len(), false);
    generated
        .iter()
        .zip(references)
        .map(|(e, r)| {
            let file = input.join(&e.path).join("dossier.toml");
            let text = std::fs::read_to_string(&file).unwrap();
            let quoted = serde_json::to_string(r).unwrap();
            let text = text.replace(&format!("\"{}\"", e.reference), &quoted);
            std::fs::write(&file, text).unwrap();
            input.join(&e.path)
        })
        .collect()
}

fn entries_by_path(summary: &Value) -> BTreeMap<String, Value> {
    summary["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_string(), e.clone()))
        .collect()
}

#[test]
fn output_folders_never_meet_and_reserved_names_are_portable() {
    let dir = fresh_dir("folders");
    let input = dir.join("dossiers");
    let hashed = relance::batch::folder_name("DOS 2026/0042");
    dossiers_named(
        &input,
        &["DOS 2026/0042", &hashed, "CASE-1", "case-1", "CON", "=1+2"],
    );
    let out = dir.join("out");
    let output = batch(&input, &out, &["--jobs", "2"]);
    let s = summary(&out.join("summary.json"));
    let by_path = entries_by_path(&s);
    let folder = |p: &str| {
        let files = by_path[p]["files"].as_array().unwrap();
        files[0]
            .as_str()
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(by_path["d-00000"]["outcome"], "produced", "{s}");
    assert_eq!(by_path["d-00001"]["outcome"], "produced", "{s}");
    assert_ne!(
        folder("d-00000"),
        folder("d-00001"),
        "two references, two folders"
    );
    for p in ["d-00002", "d-00003"] {
        assert_eq!(by_path[p]["outcome"], "failed", "{s}");
        assert!(
            by_path[p]["error"]
                .as_str()
                .unwrap()
                .contains("meets that of"),
            "{s}"
        );
    }
    assert_eq!(by_path["d-00004"]["outcome"], "produced", "{s}");
    assert_ne!(folder("d-00004").to_ascii_uppercase(), "CON");
    assert_eq!(output.status.code(), Some(1));
    // The formula-like reference is text in the CSV summary.
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(csv.contains("\n'=1+2,"), "{csv}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn symlinked_and_unreadable_dossier_folders_are_reported_not_left_out() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fresh_dir("hidden");
    let input = dir.join("dossiers");
    let elsewhere = dir.join("elsewhere");
    let made = dossiers_named(&elsewhere, &["LINKED-1", "DANGLING-1", "LOCKED-1"]);
    std::fs::create_dir_all(&input).unwrap();
    dossiers_named(&input.join("plain"), &["PLAIN-1"]);
    std::os::unix::fs::symlink(&made[0], input.join("linked")).unwrap();
    // A dossier file that is a dangling symlink.
    std::fs::create_dir_all(input.join("dangling")).unwrap();
    std::os::unix::fs::symlink(
        dir.join("nowhere.toml"),
        input.join("dangling/dossier.toml"),
    )
    .unwrap();
    // A folder that cannot be read (not testable as root, who reads everything).
    let locked = input.join("locked");
    std::fs::rename(&made[2], &locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let unreadable = std::fs::read_dir(&locked).is_err();

    let out = dir.join("out");
    let output = batch(&input, &out, &[]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(output.status.code(), Some(1));
    let s = summary(&out.join("summary.json"));
    let by_path = entries_by_path(&s);
    assert_eq!(by_path["plain/d-00000"]["outcome"], "produced", "{s}");
    assert_eq!(by_path["linked"]["outcome"], "failed", "{s}");
    assert!(
        by_path["linked"]["error"]
            .as_str()
            .unwrap()
            .contains("symlink"),
        "{s}"
    );
    assert_eq!(by_path["dangling"]["outcome"], "failed", "{s}");
    if unreadable {
        assert_eq!(by_path["locked"]["outcome"], "failed", "{s}");
    }

    let plan = relance()
        .args(["plan"])
        .arg(&input)
        .args(["--as-of", AS_OF, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(1));
    let text = String::from_utf8_lossy(&plan.stdout);
    assert!(
        text.contains("linked") && text.contains("dangling"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A worker that dies (here made to abort, as the kernel kills a process out of memory)
/// fails only the dossier it was on: a new worker produces the rest, the summary is written.
#[cfg(debug_assertions)]
#[test]
fn a_dead_worker_fails_only_its_dossier() {
    let dir = fresh_dir("death");
    let input = dir.join("dossiers");
    dossiers_named(&input, &["LIVE-1", "DIES-1", "LIVE-2", "LIVE-3"]);
    let out = dir.join("out");
    let output = batch(&input, &out, &["--jobs", "1", "--debug-abort-on", "DIES-1"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let s = summary(&out.join("summary.json"));
    assert_eq!(s["produced"], 3, "{s}");
    assert_eq!(s["failed"], 1, "{s}");
    let by_path = entries_by_path(&s);
    assert_eq!(by_path["d-00001"]["reference"], "DIES-1");
    assert!(
        by_path["d-00001"]["error"]
            .as_str()
            .unwrap()
            .contains("worker process producing this dossier died"),
        "{s}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_orphaned_worker_exits_quietly_on_a_broken_pipe() {
    let dir = fresh_dir("orphan");
    let input = dir.join("dossiers");
    dossiers_named(&input, &["ORPHAN-1", "ORPHAN-2"]);
    let mut child = relance()
        .arg("batch")
        .arg(&input)
        .args(["--as-of", AS_OF, "--out"])
        .arg(dir.join("out"))
        .args(["--jobs", "1", "--worker", "--shard", "0/1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The parent is gone: nobody reads the worker's reports.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The varied dossiers of `benches/varied.rs` stay valid: every one loads, is planned and,
/// when a step is due, produced, so the benchmark measures work and not refusals; and they
/// do differ (regimes, documents).
#[test]
fn the_varied_benchmark_dossiers_load_and_produce_without_failure() {
    let input = fresh_dir("varied-in");
    let out = fresh_dir("varied-out");
    crate::varied::write_varied(&input, 60);
    let run = batch(&input, &out, &["--jobs", "1"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let s = summary(&out.join("summary.json"));
    let entries = s["entries"].as_array().unwrap();
    let failed: Vec<_> = entries
        .iter()
        .filter(|e| e["outcome"] == "failed")
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let documents: BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e["document"].as_str())
        .collect();
    let produced = entries
        .iter()
        .filter(|e| e["outcome"] == "produced")
        .count();
    assert!(produced >= 45, "{produced} of 60 produced");
    assert!(documents.len() >= 4, "{documents:?}");
    let _ = std::fs::remove_dir_all(&input);
    let _ = std::fs::remove_dir_all(&out);
}
