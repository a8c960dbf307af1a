//! `relance batch DIR --as-of DATE --out OUT [--jobs N] [--shard i/n]`: everything the plan
//! says is due on a date, for every dossier under a folder, in parallel.
//!
//! Kill-safety: every file is written atomically (`write_atomic`: a temporary file, then a
//! rename), and the output of a dossier depends only on its inputs and the date, so a run
//! that is interrupted is completed by running it again: it rewrites the same bytes. A
//! temporary file left by a killed run (`.NAME.tmp-PID`) is removed when the rerun reaches
//! its dossier, and only there, so shards sharing one output folder never touch each
//! other's files.

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

use super::bundle::evidence_bag;
use super::{RulesArg, write_atomic};
use crate::batch::{Entry, Outcome, Shard, Summary, folder_name, produce};
use crate::calc::compute;
use crate::documents::Renderer;
use crate::dossier::fs::{find_dossiers, load_dir};
use crate::plan::{Status, plan};
use crate::rules::Rules;

pub const EXAMPLES: &str = "\
Examples:
  relance batch dossiers/ --as-of 2026-06-30 --out out/2026-06-30
  relance batch dossiers/ --as-of 2026-06-30 --out out/2026-06-30 --jobs 4
  relance batch dossiers/ --as-of 2026-06-30 --out /shared/out --shard \"$JOB_COMPLETION_INDEX/8\"

For each dossier whose next step is due on the date, OUT/<reference>/ receives the step's
document (<doc>.pdf, and <doc>.email.txt for a reminder), the statement (decompte.pdf,
decompte.json) and the evidence bundle (<reference>.zip). OUT/summary.json and
OUT/summary.csv list every dossier: produced, skipped (not due, with its next date) or
failed (with the reason). Exit status 1 when a dossier failed; the others are produced.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder holding the dossier folders (searched recursively).
    dir: PathBuf,
    /// The date to produce for (YYYY-MM-DD): the letters' date and the statements' as-of date.
    #[arg(long, value_name = "DATE")]
    as_of: NaiveDate,
    /// The output folder (created if needed): one folder per dossier produced, and the summary.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Dossiers produced at once (worker processes); default: the number of cores available.
    /// Never more than the number of dossiers.
    #[arg(long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Take only shard i of n (0 <= i < n): the dossiers whose reference's FNV-1a hash is
    /// i modulo n. The summary is then summary-i-of-n.{json,csv}.
    #[arg(long, value_name = "i/n")]
    shard: Option<Shard>,
    /// Internal: run as one of the worker processes of `--jobs`, reporting each dossier as
    /// a JSON line on standard output instead of writing the summary.
    #[arg(long, hide = true)]
    worker: bool,
    /// Internal: a restarted worker skips its dossiers up to this one (the one its
    /// predecessor died on, reported failed by the parent), in path order.
    #[arg(long, hide = true, value_name = "PATH", requires = "worker")]
    resume_after: Option<String>,
    /// Tests only (debug builds): the worker aborts, as if killed, when it starts the dossier
    /// with this reference.
    #[cfg(debug_assertions)]
    #[arg(long, hide = true, value_name = "REFERENCE")]
    debug_abort_on: Option<String>,
    #[command(flatten)]
    rules: RulesArg,
}

/// What every dossier's job reads and never changes.
struct Job<'a> {
    rules: Rules,
    rule_files: Vec<(String, String)>,
    renderer: Renderer,
    as_of: NaiveDate,
    root: &'a Path,
    out: &'a Path,
    #[cfg(debug_assertions)]
    abort_on: Option<String>,
}

/// What a worker tells its parent, one JSON line each: the dossier it starts (so that, if
/// it dies there, the parent fails that dossier only), then its entry.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Message {
    Begin {
        path: String,
        reference: Option<String>,
    },
    Done(Entry),
}

/// Writes one message to the parent. When the parent is gone (a broken pipe), there is no
/// one left to report to: exit quietly, with no panic message.
fn emit(message: &Message) {
    use std::io::Write;
    let line = serde_json::to_string(message).expect("a message serialises");
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        std::process::exit(1);
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let shard = args.shard.unwrap_or(Shard::ALL);
    if args.worker {
        return worker(&args, shard);
    }
    let found = find_dossiers(&args.dir).len();
    if found == 0 {
        anyhow::bail!(
            "{}: no dossier (dossier.toml or dossier.json) found",
            args.dir.display()
        );
    }
    // More workers than dossiers would only start idle processes.
    let jobs = args
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
        .min(found);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create", args.out.display()))?;
    let total = (shard == Shard::ALL).then_some(found as u64);
    let entries = workers(&args, shard, jobs, total)?;

    let summary = Summary::new(args.as_of, shard, entries);
    let suffix = shard.suffix();
    for (ext, text) in [("json", summary.to_json()), ("csv", summary.to_csv())] {
        let path = args.out.join(format!("summary{suffix}.{ext}"));
        remove_stale_temp(&args.out, path.file_name().and_then(|n| n.to_str()));
        write_atomic(&path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
    }
    println!(
        "{} dossier(s){}: {} produced, {} skipped (nothing due), {} failed; summary in {}",
        summary.dossiers,
        summary
            .shard
            .as_ref()
            .map(|s| format!(" in shard {s}"))
            .unwrap_or_default(),
        summary.produced,
        summary.skipped,
        summary.failed,
        args.out.join(format!("summary{suffix}.json")).display()
    );
    if summary.failed > 0 {
        eprintln!("error: {} dossier(s) failed", summary.failed);
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs as a worker: produces every dossier of its part, reporting each as JSON lines.
fn worker(args: &Args, shard: Shard) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create", args.out.display()))?;
    let (rules, rule_files) = args.rules.load_with_files()?;
    let job = Job {
        rules,
        rule_files,
        renderer: Renderer::embedded(),
        as_of: args.as_of,
        root: &args.dir,
        out: &args.out,
        #[cfg(debug_assertions)]
        abort_on: args.debug_abort_on.clone(),
    };
    job.run(shard, args.resume_after.as_deref(), &emit)?;
    Ok(ExitCode::SUCCESS)
}

/// `--jobs N`: N worker processes of this same program, worker k taking part k of N of the
/// shard, each reporting its dossiers as JSON lines that feed the progress bar and the
/// summary. Processes rather than threads, because Typst's memoisation cache is
/// process-wide: two threads rendering in one process contend on it and evict each other's
/// entries, and measured no faster than one (4.07 s against 4.06 s for 400 dossiers),
/// where two processes take 2.10 s. Processes also contain a dossier that exhausts the
/// memory: its worker dies, that dossier fails, and a new worker takes the rest of the part.
fn workers(
    args: &Args,
    shard: Shard,
    jobs: usize,
    total: Option<u64>,
) -> anyhow::Result<Vec<Entry>> {
    let exe = std::env::current_exe().context("cannot find this program to start workers")?;
    let bar = progress_bar(total.unwrap_or(0));
    let entries = std::sync::Mutex::new(Vec::new());
    let errors = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for k in 0..jobs as u64 {
            let (bar, entries, errors, exe) = (&bar, &entries, &errors, &exe);
            let part = shard.part(k, jobs as u64);
            scope.spawn(move || {
                let command = |resume: Option<&str>| {
                    let mut cmd = std::process::Command::new(exe);
                    cmd.arg("batch")
                        .arg(&args.dir)
                        .arg("--as-of")
                        .arg(args.as_of.to_string())
                        .arg("--out")
                        .arg(&args.out)
                        .args(["--jobs", "1", "--worker", "--shard"])
                        .arg(part.to_string())
                        .stdout(std::process::Stdio::piped());
                    cmd.args(args.rules.child_args());
                    if let Some(path) = resume {
                        cmd.arg("--resume-after").arg(path);
                    }
                    #[cfg(debug_assertions)]
                    if let Some(r) = &args.debug_abort_on {
                        cmd.arg("--debug-abort-on").arg(r);
                    }
                    cmd
                };
                let push = |entry: Entry| {
                    if let Some(error) = &entry.error {
                        bar.suspend(|| eprintln!("error: {}: {error}", entry.path));
                    }
                    bar.inc(1);
                    entries.lock().expect("not poisoned").push(entry);
                };
                if let Err(e) = supervise(command, push) {
                    errors.lock().expect("not poisoned").push(e);
                }
            });
        }
    });
    bar.finish_and_clear();
    let errors = errors.into_inner().expect("not poisoned");
    if !errors.is_empty() {
        anyhow::bail!(
            "{}: the summary is not written; run the batch again",
            errors.join("; ")
        );
    }
    Ok(entries.into_inner().expect("not poisoned"))
}

/// Runs one part's worker to its end, restarting it after the dossier it died on (failed,
/// with the reason) until the part is done. Each restart skips at least one more dossier,
/// so this ends.
///
/// # Errors
/// A worker cannot be started, or fails outside any dossier (its rules cannot be loaded).
fn supervise(
    command: impl Fn(Option<&str>) -> std::process::Command,
    push: impl Fn(Entry),
) -> Result<(), String> {
    use std::io::BufRead;
    let mut resume: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    loop {
        let mut child = command(resume.as_deref())
            .spawn()
            .map_err(|e| format!("cannot start a worker process: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        let mut current = None;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            match serde_json::from_str::<Message>(&line) {
                Ok(Message::Begin { path, reference }) => current = Some((path, reference)),
                Ok(Message::Done(entry)) => {
                    current = None;
                    // A restarted worker reports its part's refused dossiers again.
                    if seen.insert(entry.path.clone()) {
                        push(entry);
                    }
                }
                Err(_) => {}
            }
        }
        let status = child
            .wait()
            .map_err(|e| format!("cannot wait for a worker process: {e}"))?;
        if status.success() {
            return Ok(());
        }
        let Some((path, reference)) = current else {
            return Err(format!("a worker process failed ({status})"));
        };
        seen.insert(path.clone());
        push(Entry::failed(
            reference,
            path.clone(),
            format!(
                "the worker process producing this dossier died ({status}), most likely out \
                 of memory: this dossier is too large for this machine; the others are produced"
            ),
        ));
        resume = Some(path);
    }
}

impl Job<'_> {
    /// Every dossier of `shard`, one after the other, each reported as it is done; after a
    /// restart, the dossiers up to `resume_after` (in path order) are not produced again.
    fn run(
        &self,
        shard: Shard,
        resume_after: Option<&str>,
        emit: &dyn Fn(&Message),
    ) -> anyhow::Result<()> {
        let found = find_dossiers(self.root);
        if found.is_empty() {
            anyhow::bail!(
                "{}: no dossier (dossier.toml or dossier.json) found",
                self.root.display()
            );
        }
        // First pass: the reference of every dossier of the whole run (every shard), to find
        // output folders that meet and to pick this shard's. A dossier that cannot be
        // loaded is assigned by its path, so exactly one shard reports it.
        let all: Vec<(PathBuf, Result<String, String>)> = found
            .into_iter()
            .map(|f| {
                let key = match &f.problem {
                    Some(problem) => Err(format!("{}: {problem}", f.dir.display())),
                    None => load_dir(&f.dir)
                        .map(|l| l.dossier.reference)
                        .map_err(|p| p.to_string()),
                };
                (f.dir, key)
            })
            .collect();
        let clashes = self.folder_clashes(&all);
        let mut mine: Vec<(PathBuf, Result<String, String>)> = all
            .into_iter()
            .filter(|(dir, key)| match key {
                Ok(reference) => shard.takes(reference),
                Err(_) => shard.takes(&self.relative(dir)),
            })
            .collect();
        // Two dossiers with one reference would write one folder: both fail, named.
        mine.sort_by(|a, b| (a.1.as_ref().ok(), &a.0).cmp(&(b.1.as_ref().ok(), &b.0)));
        let mut todo = Vec::with_capacity(mine.len());
        for (i, (dir, key)) in mine.iter().enumerate() {
            let same = |j: usize| {
                mine.get(j)
                    .filter(|(_, k)| k.is_ok() && k.as_ref().ok() == key.as_ref().ok())
            };
            let other = same(i + 1).or_else(|| i.checked_sub(1).and_then(same));
            let entry = match (key, other) {
                (Ok(reference), Some((other, _))) => Entry::failed(
                    Some(reference.clone()),
                    self.relative(dir),
                    format!(
                        "reference \"{reference}\" is also the reference of {}: each dossier needs its own",
                        self.relative(other)
                    ),
                ),
                (Err(problems), _) => Entry::failed(None, self.relative(dir), problems.clone()),
                (Ok(reference), None) => match clashes.get(dir) {
                    Some(clash) => {
                        Entry::failed(Some(reference.clone()), self.relative(dir), clash.clone())
                    }
                    None => {
                        todo.push((dir.clone(), reference.clone()));
                        continue;
                    }
                },
            };
            emit(&Message::Done(entry));
        }
        todo.sort();
        let start = resume_after
            .and_then(|r| todo.iter().position(|(d, _)| self.relative(d) == r))
            .map_or(0, |i| i + 1);
        for (dir, reference) in &todo[start..] {
            emit(&Message::Begin {
                path: self.relative(dir),
                reference: Some(reference.clone()),
            });
            emit(&Message::Done(self.dossier(dir)));
        }
        #[cfg(target_os = "linux")]
        super::sync_filesystem(self.out)
            .with_context(|| format!("{}: cannot flush to disk", self.out.display()))?;
        Ok(())
    }

    /// The dossiers of the whole run whose output folders meet though their references
    /// differ (`Dossier-1` and `dossier-1` on a case-insensitive file system, a hash
    /// collision): each fails, naming the other, rather than write over the other's files.
    fn folder_clashes(
        &self,
        all: &[(PathBuf, Result<String, String>)],
    ) -> std::collections::HashMap<PathBuf, String> {
        let mut by_folder: std::collections::BTreeMap<String, Vec<(&String, &PathBuf)>> =
            std::collections::BTreeMap::new();
        for (dir, key) in all {
            if let Ok(reference) = key {
                by_folder
                    .entry(folder_name(reference).to_lowercase())
                    .or_default()
                    .push((reference, dir));
            }
        }
        let mut clashes = std::collections::HashMap::new();
        for group in by_folder.values() {
            for (reference, dir) in group {
                let others: Vec<String> = group
                    .iter()
                    .filter(|(r, _)| r != reference)
                    .map(|(r, d)| format!("\"{r}\" ({})", self.relative(d)))
                    .collect();
                if !others.is_empty() {
                    clashes.insert(
                        (*dir).clone(),
                        format!(
                            "its output folder {} meets that of {}: rename one reference",
                            folder_name(reference),
                            others.join(", ")
                        ),
                    );
                }
            }
        }
        clashes
    }

    /// `dir` relative to the batch's folder, with `/` separators.
    fn relative(&self, dir: &Path) -> String {
        let rel = dir.strip_prefix(self.root).unwrap_or(dir);
        let s = rel.to_string_lossy().replace('\\', "/");
        if s.is_empty() { ".".to_string() } else { s }
    }

    /// One dossier, from its folder to its files on disk and its line in the summary.
    fn dossier(&self, dir: &Path) -> Entry {
        let path = self.relative(dir);
        let loaded = match load_dir(dir) {
            Ok(l) => l,
            Err(problems) => return Entry::failed(None, path, problems.to_string()),
        };
        let reference = loaded.dossier.reference.clone();
        #[cfg(debug_assertions)]
        if self.abort_on.as_deref() == Some(reference.as_str()) {
            std::process::abort();
        }
        let fail = |e: String| Entry::failed(Some(reference.clone()), path.clone(), e);
        let p = match plan(&loaded.dossier, &self.rules, self.as_of) {
            Ok(p) => p,
            Err(e) => return fail(e.to_string()),
        };
        let folder = folder_name(&reference);
        let out_dir = self.out.join(&folder);
        remove_stale_temp(&out_dir, None);
        if p.status != Status::Due {
            return Entry::planned(path, &p, Outcome::Skipped);
        }
        let document = p
            .next_step
            .as_ref()
            .and_then(|s| s.document.clone())
            .unwrap_or_default();
        let result = (|| -> anyhow::Result<(Vec<String>, Vec<String>)> {
            let statement = compute(&loaded.dossier, &self.rules, self.as_of)?;
            let produced = produce(
                &document,
                &loaded.dossier,
                &statement,
                &self.rules,
                &self.renderer,
            )
            .map_err(anyhow::Error::msg)?;
            let sealed =
                evidence_bag(&loaded, &statement, &self.rule_files, produced.pdfs())?.seal(None)?;
            std::fs::create_dir_all(&out_dir)
                .with_context(|| format!("{}: cannot create", out_dir.display()))?;
            let zip = format!("{folder}.zip");
            let mut files = Vec::new();
            for (name, bytes) in produced
                .files
                .iter()
                .map(|f| (f.path.as_str(), f.bytes.as_slice()))
                .chain([(zip.as_str(), sealed.zip.as_slice())])
            {
                let target = out_dir.join(name);
                write_file(&target, bytes)
                    .with_context(|| format!("{}: cannot write", target.display()))?;
                files.push(format!("{folder}/{name}"));
            }
            files.sort();
            Ok((files, produced.warnings))
        })();
        match result {
            Ok((files, warnings)) => {
                let mut entry = Entry::planned(path, &p, Outcome::Produced);
                entry.files = files;
                entry.warnings.extend(warnings);
                entry
            }
            Err(e) => fail(format!("{e:#}")),
        }
    }
}

/// Writes a dossier's file atomically. On Linux without a flush per file: the run flushes
/// the file system once before reporting (a commit per file would cost more than the
/// rendering on a journaled file system).
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    return super::write_atomic_unsynced(path, bytes);
    #[cfg(not(target_os = "linux"))]
    return write_atomic(path, bytes);
}

/// Removes the temporary files `write_atomic` leaves when a process is killed mid-write
/// (`.NAME.tmp-PID`) in `dir`: all of them, or those of the file `only`.
fn remove_stale_temp(dir: &Path, only: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((target, pid)) = name
            .strip_prefix('.')
            .and_then(|rest| rest.rsplit_once(".tmp-"))
        else {
            continue;
        };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if only.is_none_or(|o| o == target) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A progress bar on standard error when it is a terminal; none in a pipe or a log.
fn progress_bar(len: u64) -> indicatif::ProgressBar {
    // The length is set once the shard's dossiers are known.
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} dossiers, {per_sec}, {eta} left",
    ) {
        bar.set_style(style);
    }
    bar
}

/// `relance batch DIR --as-of DATE --out OUT --jobs 1` in this process, for the web app's
/// button: `bar` counts the dossiers (its length is set once they are known), `report`
/// receives each one as it is done, and the summary is written as the command writes it.
pub(crate) fn in_process(
    dir: &Path,
    as_of: NaiveDate,
    out: &Path,
    rules: Rules,
    rule_files: Vec<(String, String)>,
    bar: &indicatif::ProgressBar,
    report: &dyn Fn(&Entry),
) -> anyhow::Result<Summary> {
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    let job = Job {
        rules,
        rule_files,
        renderer: Renderer::embedded(),
        as_of,
        root: dir,
        out,
        #[cfg(debug_assertions)]
        abort_on: None,
    };
    let entries = std::sync::Mutex::new(Vec::new());
    job.run(Shard::ALL, None, &|m: &Message| {
        if let Message::Done(e) = m {
            report(e);
            bar.inc(1);
            entries.lock().expect("not poisoned").push(e.clone());
        }
    })?;
    let entries = entries.into_inner().expect("not poisoned");
    let summary = Summary::new(as_of, Shard::ALL, entries);
    for (ext, text) in [("json", summary.to_json()), ("csv", summary.to_csv())] {
        let path = out.join(format!("summary.{ext}"));
        write_atomic(&path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
    }
    Ok(summary)
}
