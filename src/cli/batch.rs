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

use super::bundle::evidence_bag;
use super::plan::dossier_dirs;
use super::{RulesArg, write_atomic};
use crate::batch::{Entry, Outcome, Shard, Summary, folder_name, produce};
use crate::calc::compute;
use crate::documents::Renderer;
use crate::dossier::fs::load_dir;
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
    /// Dossiers produced at once; default: the number of cores available.
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
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let shard = args.shard.unwrap_or(Shard::ALL);
    let jobs = args
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    if !args.worker && dossier_dirs(&args.dir).is_empty() {
        anyhow::bail!(
            "{}: no dossier (dossier.toml or dossier.json) found",
            args.dir.display()
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create", args.out.display()))?;
    let entries = if jobs == 1 || args.worker {
        let (rules, rule_files) = args.rules.load_with_files()?;
        let job = Job {
            rules,
            rule_files,
            renderer: Renderer::embedded(),
            as_of: args.as_of,
            root: &args.dir,
            out: &args.out,
        };
        let bar = if args.worker {
            indicatif::ProgressBar::hidden()
        } else {
            progress_bar(0)
        };
        let report = |entry: &Entry| {
            if args.worker {
                // One line per dossier, read by the parent as it comes (progress).
                let line = serde_json::to_string(entry).expect("an entry serialises");
                println!("{line}");
            } else if let Some(error) = &entry.error {
                bar.suspend(|| eprintln!("error: {}: {error}", entry.path));
            }
            bar.inc(1);
        };
        let entries = job.run(shard, &bar, &report)?;
        bar.finish_and_clear();
        if args.worker {
            return Ok(ExitCode::SUCCESS);
        }
        entries
    } else {
        workers(&args, shard, jobs)?
    };

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

/// `--jobs N`: N worker processes of this same program, worker k taking part k of N of the
/// shard, each reporting its dossiers as JSON lines that feed the progress bar and the
/// summary. Processes rather than threads, because Typst's memoisation cache is
/// process-wide: two threads rendering in one process contend on it and evict each other's
/// entries, and measured no faster than one (4.07 s against 4.06 s for 400 dossiers),
/// where two processes take 2.10 s.
fn workers(args: &Args, shard: Shard, jobs: usize) -> anyhow::Result<Vec<Entry>> {
    use std::io::BufRead;
    let exe = std::env::current_exe().context("cannot find this program to start workers")?;
    let bar = progress_bar(0);
    let mut children = Vec::with_capacity(jobs);
    for k in 0..jobs as u64 {
        let mut cmd = std::process::Command::new(&exe);
        cmd.arg("batch")
            .arg(&args.dir)
            .arg("--as-of")
            .arg(args.as_of.to_string())
            .arg("--out")
            .arg(&args.out)
            .args(["--jobs", "1", "--worker", "--shard"])
            .arg(shard.part(k, jobs as u64).to_string())
            .stdout(std::process::Stdio::piped());
        cmd.args(args.rules.child_args());
        children.push(cmd.spawn().context("cannot start a worker process")?);
    }
    let entries = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for child in &mut children {
            let stdout = child.stdout.take().expect("piped");
            let (bar, entries) = (&bar, &entries);
            scope.spawn(move || {
                for line in std::io::BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(entry) = serde_json::from_str::<Entry>(&line) {
                        if let Some(error) = &entry.error {
                            bar.suspend(|| eprintln!("error: {}: {error}", entry.path));
                        }
                        bar.inc(1);
                        entries.lock().expect("not poisoned").push(entry);
                    }
                }
            });
        }
    });
    bar.finish_and_clear();
    for mut child in children {
        let status = child.wait()?;
        if !status.success() {
            anyhow::bail!(
                "a worker process failed ({status}): the summary is not written; run the batch again"
            );
        }
    }
    Ok(entries.into_inner().expect("not poisoned"))
}

impl Job<'_> {
    /// Every dossier of `shard`, one after the other, each reported as it is done.
    fn run(
        &self,
        shard: Shard,
        bar: &indicatif::ProgressBar,
        report: &dyn Fn(&Entry),
    ) -> anyhow::Result<Vec<Entry>> {
        let dirs = dossier_dirs(self.root);
        if dirs.is_empty() {
            anyhow::bail!(
                "{}: no dossier (dossier.toml or dossier.json) found",
                self.root.display()
            );
        }
        // First pass: the reference of every dossier, to pick this shard's. A dossier that
        // cannot be loaded is assigned by its path, so exactly one shard reports it.
        let mut mine: Vec<(PathBuf, Result<String, String>)> = dirs
            .into_iter()
            .map(|dir| {
                let key = load_dir(&dir)
                    .map(|l| l.dossier.reference)
                    .map_err(|p| p.to_string());
                (dir, key)
            })
            .filter(|(dir, key)| match key {
                Ok(reference) => shard.takes(reference),
                Err(_) => shard.takes(&self.relative(dir)),
            })
            .collect();
        bar.set_length(mine.len() as u64);
        // Two dossiers with one reference would write one folder: both fail, named.
        let mut entries = Vec::with_capacity(mine.len());
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
                (Ok(_), None) => {
                    todo.push(dir.clone());
                    continue;
                }
            };
            report(&entry);
            entries.push(entry);
        }
        todo.sort();
        for dir in &todo {
            let entry = self.dossier(dir);
            report(&entry);
            entries.push(entry);
        }
        #[cfg(target_os = "linux")]
        super::sync_filesystem(self.out)
            .with_context(|| format!("{}: cannot flush to disk", self.out.display()))?;
        Ok(entries)
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
    };
    let entries = job.run(Shard::ALL, bar, &|e: &Entry| {
        report(e);
        bar.inc(1);
    })?;
    let summary = Summary::new(as_of, Shard::ALL, entries);
    for (ext, text) in [("json", summary.to_json()), ("csv", summary.to_csv())] {
        let path = out.join(format!("summary.{ext}"));
        write_atomic(&path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
    }
    Ok(summary)
}
