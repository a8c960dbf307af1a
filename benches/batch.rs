//! `relance batch` throughput and memory, whole process, on generated dossiers; and the same
//! formal notice typeset by `pdflatex` for comparison. Run by `benches/batch.sh` (which
//! installs pdflatex when missing), or `cargo bench --bench batch`.
//!
//! - speed: `RELANCE_BENCH_DOSSIERS` (default 1,000) dossiers, each with a step due, batched
//!   with `--jobs 1` then `--jobs 2`: dossiers per second, milliseconds per dossier per core,
//!   and the speed-up;
//! - memory: `RELANCE_BENCH_RSS_DOSSIERS` (default 10,000; 0 skips it) dossiers batched with
//!   the default jobs, peak resident memory of the process (VmHWM);
//! - the example's mise en demeure rendered 50 times in-process by Typst, and the same letter
//!   (`benches/mise-en-demeure.tex`) typeset 50 times by `pdflatex`, when it is installed.

#[path = "../tests/it/generate.rs"]
#[allow(dead_code)]
mod generate;
#[path = "support/process.rs"]
mod process;

use process::{batch_run, env_usize};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const RUNS: usize = 50;

fn main() {
    let speed_n = env_usize("RELANCE_BENCH_DOSSIERS", 1000);
    let rss_n = env_usize("RELANCE_BENCH_RSS_DOSSIERS", 10_000);
    let work = std::env::temp_dir().join(format!("relance-bench-batch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);

    let input = work.join(format!("dossiers-{speed_n}"));
    generate::write_dossiers(&input, speed_n, false);
    let mut per_second = Vec::new();
    for jobs in [1usize, 2] {
        let out = work.join(format!("out-{jobs}"));
        let run = batch_run(&input, &out, generate::AS_OF, Some(jobs));
        let rate = speed_n as f64 / run.wall.as_secs_f64();
        println!(
            "batch of {speed_n} dossiers, --jobs {jobs}: {:.2} s, {rate:.1} dossiers/s, {:.2} ms per dossier per core, peak RSS {} MB per process, {} MB in all",
            run.wall.as_secs_f64(),
            run.wall.as_secs_f64() * 1000.0 * jobs as f64 / speed_n as f64,
            run.peak_kb / 1024,
            run.total_kb / 1024
        );
        per_second.push(rate);
        let _ = std::fs::remove_dir_all(&out);
    }
    println!(
        "speed-up from 1 to 2 jobs: {:.2}x",
        per_second[1] / per_second[0]
    );
    let _ = std::fs::remove_dir_all(&input);

    if rss_n > 0 {
        let input = work.join(format!("dossiers-{rss_n}"));
        generate::write_dossiers(&input, rss_n, false);
        let out = work.join("out-rss");
        let run = batch_run(&input, &out, generate::AS_OF, None);
        println!(
            "batch of {rss_n} dossiers, default jobs: {:.1} s, {:.1} dossiers/s, peak RSS (VmHWM) {} MB per process, {} MB in all",
            run.wall.as_secs_f64(),
            rss_n as f64 / run.wall.as_secs_f64(),
            run.peak_kb / 1024,
            run.total_kb / 1024
        );
        let _ = std::fs::remove_dir_all(&input);
        let _ = std::fs::remove_dir_all(&out);
    }

    let typst_ms = typst_letter_ms();
    println!("mise en demeure, Typst in-process: {typst_ms:.2} ms per letter (mean of {RUNS})");
    let process_ms = relance_render_ms(&work);
    println!(
        "mise en demeure, `relance render` whole process: {process_ms:.2} ms per letter (mean of {RUNS})"
    );
    match pdflatex_ms(&work) {
        Some(latex_ms) => println!(
            "mise en demeure, pdflatex whole process: {latex_ms:.2} ms per letter (mean of {RUNS}): {:.1}x the in-process Typst time, {:.1}x `relance render`",
            latex_ms / typst_ms,
            latex_ms / process_ms
        ),
        None => println!("pdflatex not found: run benches/batch.sh, which installs it"),
    }
    let _ = std::fs::remove_dir_all(&work);
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin")
}

/// The example's formal notice rendered in-process, after one warm-up render (fonts).
fn typst_letter_ms() -> f64 {
    use relance::documents::{RenderOptions, Renderer};
    let date = generate::AS_OF.parse().expect("date");
    let dossier = relance::dossier::fs::load_dir(&example())
        .expect("example")
        .dossier;
    let rules = relance::rules::Rules::embedded();
    let statement = relance::calc::compute(&dossier, &rules, date).expect("statement");
    let data = relance::letters::build(
        relance::letters::DocKind::MiseEnDemeure,
        &dossier,
        &statement,
        &rules,
    )
    .expect("letter data");
    let renderer = Renderer::embedded();
    // A distinct reference each time, as in a batch: Typst cannot reuse the last letter.
    let render = |i: usize| {
        let mut json = data.json.clone();
        json["reference"] = format!("{}-{i}", data.reference).into();
        let opts = RenderOptions::new(date, format!("{}-{i}", data.reference));
        renderer
            .render_pdf("mise-en-demeure.typ", &json, &opts)
            .expect("renders")
    };
    render(0);
    let start = Instant::now();
    for i in 1..=RUNS {
        std::hint::black_box(render(i));
    }
    start.elapsed().as_secs_f64() * 1000.0 / RUNS as f64
}

fn relance_render_ms(work: &Path) -> f64 {
    let out = work.join("med.pdf");
    let start = Instant::now();
    for _ in 0..RUNS {
        let status = Command::new(env!("CARGO_BIN_EXE_relance"))
            .arg("render")
            .arg(example())
            .args([
                "--doc",
                "mise-en-demeure",
                "--as-of",
                generate::AS_OF,
                "--out",
            ])
            .arg(&out)
            .status()
            .expect("relance render");
        assert!(status.success());
    }
    start.elapsed().as_secs_f64() * 1000.0 / RUNS as f64
}

/// `benches/mise-en-demeure.tex` typeset by pdflatex, `None` when it is not installed.
fn pdflatex_ms(work: &Path) -> Option<f64> {
    let dir = work.join("latex");
    std::fs::create_dir_all(&dir).ok()?;
    let tex = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/mise-en-demeure.tex");
    std::fs::copy(&tex, dir.join("letter.tex")).ok()?;
    let run = || {
        Command::new("pdflatex")
            .args(["-interaction=batchmode", "-halt-on-error", "letter.tex"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    // One run first (font maps, page count); it must succeed.
    if !run().ok()?.success() {
        eprintln!(
            "pdflatex failed on benches/mise-en-demeure.tex: see {}",
            dir.display()
        );
        return None;
    }
    let start = Instant::now();
    for _ in 0..RUNS {
        assert!(run().ok()?.success());
    }
    assert!(dir.join("letter.pdf").is_file());
    Some(start.elapsed().as_secs_f64() * 1000.0 / RUNS as f64)
}
