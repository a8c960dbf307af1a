//! Letter rendering speed and memory: N distinct formal notices on one thread.
//!
//! `cargo bench --bench render` renders 200 letters; `RELANCE_BENCH_LETTERS=10000 cargo
//! bench --bench render` checks that memory stays flat over a long batch. Reports the
//! first letter (fonts and standard library built then), the mean of the others, the PDF
//! size, and resident memory (VmRSS at each tenth of the run, VmHWM peak at the end).

use std::time::{Duration, Instant};

use relance::documents::{RenderOptions, Renderer};

fn main() {
    let letters: usize = std::env::var("RELANCE_BENCH_LETTERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin");
    let dossier = relance::dossier::fs::load_dir(&dir)
        .expect("example")
        .dossier;
    let rules = relance::rules::Rules::embedded();
    let statement = relance::calc::compute(&dossier, &rules, date).expect("statement");
    let base = relance::letters::build(
        relance::letters::DocKind::MiseEnDemeure,
        &dossier,
        &statement,
        &rules,
    )
    .expect("letter data")
    .json;
    let renderer = Renderer::embedded();

    let start = Instant::now();
    let first = renderer
        .render_pdf(
            "mise-en-demeure.typ",
            &letter(&base, 0),
            &RenderOptions::new(date, "REL-0"),
        )
        .expect("first letter renders");
    let first_time = start.elapsed();
    println!(
        "first letter: {:.1} ms, {} bytes, RSS {} MB",
        ms(first_time),
        first.len(),
        status_mb("VmRSS")
    );

    let mut total = Duration::ZERO;
    let mut bytes = 0usize;
    let checkpoint = (letters / 10).max(1);
    for i in 1..=letters {
        let data = letter(&base, i);
        let opts = RenderOptions::new(date, format!("REL-{i}"));
        let start = Instant::now();
        let pdf = renderer
            .render_pdf("mise-en-demeure.typ", &data, &opts)
            .expect("letter renders");
        total += start.elapsed();
        bytes += pdf.len();
        if i % checkpoint == 0 {
            println!(
                "{i:>6} letters: {:.2} ms/letter so far, RSS {} MB",
                ms(total) / i as f64,
                status_mb("VmRSS")
            );
        }
    }
    println!(
        "{letters} letters after the first: {:.2} ms/letter ({:.0} letters/s), mean PDF {} bytes, peak RSS (VmHWM) {} MB",
        ms(total) / letters as f64,
        letters as f64 / total.as_secs_f64(),
        bytes / letters,
        status_mb("VmHWM")
    );
}

/// The example's formal notice made distinct: recipient, reference, invoice numbers and amounts
/// change with `i`, so Typst's cache cannot reuse a previous letter's layout.
fn letter(base: &serde_json::Value, i: usize) -> serde_json::Value {
    let mut data = base.clone();
    data["recipient"]["name"] = format!("Société Cliente n° {i}").into();
    data["reference"] = format!("REL-2026-{i:05}").into();
    for (k, invoice) in data["invoices"]
        .as_array_mut()
        .expect("invoices")
        .iter_mut()
        .enumerate()
    {
        invoice["number"] = format!("F-{i:05}-{k}").into();
        invoice["total"] = format!("{},{:02}\u{a0}€", 100 + i % 900, (i * 7 + k) % 100).into();
    }
    data["totals"]["total_due"] = format!("{}\u{202f}{:03},00\u{a0}€", 1 + i % 9, i % 1000).into();
    data
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A memory line of `/proc/self/status`, in MB (0 where the file does not exist).
fn status_mb(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb / 1024)
}
