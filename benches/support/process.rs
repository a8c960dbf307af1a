//! `relance batch` run as a separate process, timed, with the peak resident memory of each
//! of its processes: shared by the batch benchmarks.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub wall: Duration,
    /// The largest peak RSS of one process, and the sum of every process's peak.
    pub peak_kb: u64,
    pub total_kb: u64,
}

/// Runs the release binary's batch, timing it and sampling its peak resident memory
/// (VmHWM, which only grows, read until the process exits).
pub fn batch_run(input: &Path, out: &Path, as_of: &str, jobs: Option<usize>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_relance"));
    cmd.arg("batch")
        .arg(input)
        .args(["--as-of", as_of, "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(j) = jobs {
        cmd.args(["--jobs", &j.to_string()]);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("run relance batch");
    // The peak of each process of the tree (the parent and its worker processes).
    let mut peaks: std::collections::BTreeMap<u32, u64> = Default::default();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "relance batch failed: {status}");
            break;
        }
        let mut pids = vec![child.id()];
        pids.extend(children_of(child.id()));
        for pid in pids {
            if let Some(kb) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                .ok()
                .and_then(|s| vm_kb(&s, "VmHWM:"))
            {
                let peak = peaks.entry(pid).or_default();
                *peak = (*peak).max(kb);
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Run {
        wall: start.elapsed(),
        peak_kb: peaks.values().copied().max().unwrap_or(0),
        total_kb: peaks.values().sum(),
    }
}

fn vm_kb(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The processes whose parent is `parent`, from `/proc/*/stat` (the `children` file of
/// `/proc/PID/task/TID` lists only the children of that one thread, and needs a kernel
/// option).
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
                    let rest = &stat[stat.rfind(')')? + 1..];
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// A count from the environment (`RELANCE_BENCH_...`), or `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
