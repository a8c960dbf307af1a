//! `relance batch` on dossiers unlike each other (`tests/it/varied.rs`: every regime, one to
//! six invoices, payments, events by every channel, contractual rates, agencies,
//! insolvency), whole process and in-process. `cargo bench --bench varied`.
//!
//! - speed: `RELANCE_BENCH_DOSSIERS` (default 200) dossiers batched with `--jobs 1` then
//!   `--jobs 2`: milliseconds per dossier per core and the speed-up;
//! - memory: `RELANCE_BENCH_RSS_DOSSIERS` (default 10,000; 0 skips it) dossiers batched with
//!   two jobs, peak resident memory per process (VmHWM);
//! - the split of a dossier's time, in this process, over the same dossiers: loading,
//!   planning, the statement, each document (data and Typst), the bundle, the disk.
//!
//! - `RELANCE_BENCH_WRITE=DIR`: only writes the varied dossiers into DIR (to profile
//!   `relance batch` on them by hand) and exits.
//!
//! Targets (issue 14): ≤ 15 ms per dossier on one core, ≥ 1.85× on two, ≤ 80 MB per worker.

#[path = "support/process.rs"]
mod process;
#[path = "../tests/it/varied.rs"]
mod varied;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use relance::bundle::{Bag, File, Input};
use relance::documents::Renderer;
use relance::letters::build;
use relance::rules::Rules;

use process::env_usize;

fn main() {
    let n = env_usize("RELANCE_BENCH_DOSSIERS", 200);
    let rss_n = env_usize("RELANCE_BENCH_RSS_DOSSIERS", 10_000);
    if let Some(dir) = std::env::var_os("RELANCE_BENCH_WRITE") {
        varied::write_varied(Path::new(&dir), n);
        println!(
            "{n} varied dossiers written into {}",
            Path::new(&dir).display()
        );
        return;
    }
    let work = std::env::temp_dir().join(format!("relance-bench-varied-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let input = work.join(format!("varied-{n}"));
    varied::write_varied(&input, n);

    split(&input, n);

    let mut rates = Vec::new();
    for jobs in [1usize, 2] {
        let out = work.join(format!("out-{jobs}"));
        let run = process::batch_run(&input, &out, varied::AS_OF, Some(jobs));
        let produced = produced(&out);
        println!(
            "batch of {n} varied dossiers ({produced} produced), --jobs {jobs}: {:.2} s, {:.1} ms per dossier per core, peak RSS {} MB per process",
            run.wall.as_secs_f64(),
            run.wall.as_secs_f64() * 1000.0 * jobs as f64 / n as f64,
            run.peak_kb / 1024
        );
        rates.push(n as f64 / run.wall.as_secs_f64());
        let _ = std::fs::remove_dir_all(&out);
    }
    println!("speed-up from 1 to 2 jobs: {:.2}x", rates[1] / rates[0]);

    if rss_n > 0 {
        let input = work.join(format!("varied-{rss_n}"));
        varied::write_varied(&input, rss_n);
        let out = work.join("out-rss");
        let run = process::batch_run(&input, &out, varied::AS_OF, Some(2));
        println!(
            "batch of {rss_n} varied dossiers, --jobs 2: {:.1} s, {:.1} ms per dossier per core, peak RSS (VmHWM) {} MB per process, {} MB in all",
            run.wall.as_secs_f64(),
            run.wall.as_secs_f64() * 2000.0 / rss_n as f64,
            run.peak_kb / 1024,
            run.total_kb / 1024
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// The number of dossiers a batch produced, from its summary.
fn produced(out: &Path) -> usize {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary");
    let v: serde_json::Value = serde_json::from_str(&text).expect("summary JSON");
    v["entries"].as_array().map_or(0, |e| {
        e.iter().filter(|e| e["outcome"] == "produced").count()
    })
}

/// Where one dossier's time goes, as `batch` spends it, measured part by part.
fn split(input: &Path, n: usize) {
    let rules = Rules::embedded();
    let renderer = Renderer::embedded();
    let as_of = varied::AS_OF.parse().expect("date");
    let disk = std::env::temp_dir().join(format!("relance-bench-split-{}", std::process::id()));
    std::fs::create_dir_all(&disk).expect("create");
    let mut parts: BTreeMap<String, (Duration, usize)> = BTreeMap::new();
    let mut add = |name: &str, d: Duration| {
        let e = parts.entry(name.to_string()).or_default();
        e.0 += d;
        e.1 += 1;
    };
    let mut dirs: Vec<_> = std::fs::read_dir(input)
        .expect("list")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let start_all = Instant::now();
    let mut produced = 0usize;
    for dir in &dirs {
        let t = Instant::now();
        let loaded = relance::dossier::fs::load_dir(dir).expect("loads");
        add("1 load", t.elapsed());
        let t = Instant::now();
        let plan = relance::plan::plan(&loaded.dossier, &rules, as_of).expect("plans");
        add("2 plan", t.elapsed());
        let Some(document) = plan
            .next_step
            .as_ref()
            .filter(|_| plan.status == relance::plan::Status::Due)
            .and_then(|s| s.document.clone())
        else {
            continue;
        };
        produced += 1;
        let t = Instant::now();
        let statement = relance::calc::compute(&loaded.dossier, &rules, as_of).expect("computes");
        add("3 statement", t.elapsed());
        let kinds = varied::batch_documents(&document);
        let mut pdfs = Vec::new();
        for kind in kinds {
            let t = Instant::now();
            let data = build(kind, &loaded.dossier, &statement, &rules).expect("builds");
            add(&format!("4 data {}", kind.name()), t.elapsed());
            let t = Instant::now();
            let pdf = renderer
                .render_pdf(
                    &format!("{}.typ", kind.name()),
                    &data.json,
                    &data.render_options(),
                )
                .expect("renders");
            add(&format!("5 typst {}", kind.name()), t.elapsed());
            pdfs.push(File::new(format!("{}.pdf", kind.name()), pdf));
        }
        let t = Instant::now();
        let pieces = loaded
            .dossier
            .invoices
            .iter()
            .filter_map(|i| i.piece.as_ref())
            .map(|p| File::new(p.clone(), std::fs::read(dir.join(p)).expect("piece")))
            .collect();
        let mut documents = vec![File::new("statement.json", statement.to_json_string())];
        documents.extend(pdfs.iter().cloned());
        let bag = Bag::new(Input {
            dossier: &loaded.dossier,
            as_of,
            dossier_file: File::new(
                "dossier.toml",
                std::fs::read(dir.join("dossier.toml")).expect("dossier"),
            ),
            pieces,
            documents,
            rules: Rules::embedded_files()
                .iter()
                .map(|(p, t)| File::new(*p, *t))
                .collect(),
        })
        .expect("bag");
        let sealed = bag.seal(None).expect("seal");
        add("6 bundle", t.elapsed());
        let t = Instant::now();
        let folder = disk.join(&loaded.dossier.reference);
        std::fs::create_dir_all(&folder).expect("create");
        for f in pdfs.iter().chain([&File::new("bundle.zip", sealed.zip)]) {
            std::fs::write(folder.join(&f.path), &f.bytes).expect("write");
        }
        add("7 disk", t.elapsed());
    }
    let total = start_all.elapsed();
    println!(
        "in-process, one thread, {n} varied dossiers ({produced} with a step due): {:.1} ms per dossier",
        total.as_secs_f64() * 1000.0 / n as f64
    );
    for (name, (d, count)) in &parts {
        println!(
            "  {:<36} {:>7.2} ms per dossier ({count} times, {:.2} ms each, {:.0} % of the time)",
            &name[2..],
            d.as_secs_f64() * 1000.0 / n as f64,
            d.as_secs_f64() * 1000.0 / *count as f64,
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&disk);
}
