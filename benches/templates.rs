//! Two or more template sets compared on the same varied dossiers, in one process, rounds
//! alternating between the sets so that a noisy machine slows each set alike:
//! `RELANCE_AB_TEMPLATES=old-templates:letter-templates cargo bench --bench templates`.
//!
//! Each set is a folder laid over the built-in templates (`Renderer::from_dir`), so a copy
//! of `letter-templates/` from another commit measures that commit's templates. The data
//! of each document is built once; a round renders every document of every dossier (the
//! step due and the décompte, as `batch` does). Reported per set and document: the fastest
//! round and the median, in milliseconds per document.
//!
//! - `RELANCE_BENCH_DOSSIERS` (default 100): how many varied dossiers;
//! - `RELANCE_AB_ROUNDS` (default 5): rounds per set;
//! - `RELANCE_AB_KINDS` (default all): the documents to render, comma-separated
//!   (`decompte,bordereau`), to profile one kind alone;
//! - `RELANCE_AB_LAYOUT_ONLY=1`: lay the documents out without exporting the PDF (the
//!   difference with a full run is the PDF export's share).

#[path = "../tests/it/varied.rs"]
mod varied;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use relance::documents::{RenderOptions, Renderer};
use relance::letters::build;
use relance::rules::Rules;

fn main() {
    let n = env_usize("RELANCE_BENCH_DOSSIERS", 100);
    let rounds = env_usize("RELANCE_AB_ROUNDS", 5);
    let layout_only = std::env::var_os("RELANCE_AB_LAYOUT_ONLY").is_some();
    let sets = std::env::var("RELANCE_AB_TEMPLATES").unwrap_or_else(|_| "letter-templates".into());
    let renderers: Vec<(String, Renderer)> = sets
        .split(':')
        .map(|d| {
            (
                d.to_owned(),
                Renderer::from_dir(d).expect("template folder"),
            )
        })
        .collect();

    let work = std::env::temp_dir().join(format!("relance-bench-ab-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    varied::write_varied(&work, n);
    let mut documents = documents(&work);
    if let Ok(kinds) = std::env::var("RELANCE_AB_KINDS") {
        documents.retain(|(kind, _, _)| kinds.split(',').any(|k| k == *kind));
    }
    let _ = std::fs::remove_dir_all(&work);
    println!(
        "{} documents of {n} varied dossiers, {rounds} rounds per set",
        documents.len()
    );

    // times[set][kind] = one total per round
    let mut times: Vec<BTreeMap<&str, Vec<Duration>>> = vec![BTreeMap::new(); renderers.len()];
    for _ in 0..rounds {
        for (set, (_, renderer)) in renderers.iter().enumerate() {
            let mut round: BTreeMap<&str, Duration> = BTreeMap::new();
            for (kind, json, opts) in &documents {
                let t = Instant::now();
                let template = format!("{kind}.typ");
                let pdf = if layout_only {
                    renderer
                        .render_text(&template, json, opts)
                        .expect("lays out")
                        .into_bytes()
                } else {
                    renderer.render_pdf(&template, json, opts).expect("renders")
                };
                *round.entry(kind).or_default() += t.elapsed();
                std::hint::black_box(pdf);
            }
            for (kind, d) in round {
                times[set].entry(kind).or_default().push(d);
            }
        }
    }

    let count = |kind: &str| documents.iter().filter(|(k, _, _)| *k == kind).count();
    for (set, (name, _)) in renderers.iter().enumerate() {
        println!("{name}:");
        let mut best_all = 0.0;
        for (kind, rounds) in &times[set] {
            let mut ms: Vec<f64> = rounds
                .iter()
                .map(|d| d.as_secs_f64() * 1000.0 / count(kind) as f64)
                .collect();
            ms.sort_by(f64::total_cmp);
            best_all += ms[0] * count(kind) as f64;
            println!(
                "  {kind:<34} best {:>6.2} ms, median {:>6.2} ms per document ({} documents)",
                ms[0],
                ms[ms.len() / 2],
                count(kind)
            );
        }
        println!(
            "  all documents, best rounds: {:.1} ms per dossier",
            best_all / n as f64
        );
    }
}

/// The documents `batch` renders for each varied dossier: its due step (with the bordereau
/// for a request) and the décompte.
fn documents(dir: &std::path::Path) -> Vec<(&'static str, serde_json::Value, RenderOptions)> {
    let rules = Rules::embedded();
    let as_of = varied::AS_OF.parse().expect("date");
    let mut dirs: Vec<_> = std::fs::read_dir(dir)
        .expect("list")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in &dirs {
        let loaded = relance::dossier::fs::load_dir(dir).expect("loads");
        let plan = relance::plan::plan(&loaded.dossier, &rules, as_of).expect("plans");
        let Some(document) = plan
            .next_step
            .as_ref()
            .filter(|_| plan.status == relance::plan::Status::Due)
            .and_then(|s| s.document.clone())
        else {
            continue;
        };
        let statement = relance::calc::compute(&loaded.dossier, &rules, as_of).expect("computes");
        let kinds = varied::batch_documents(&document);
        for kind in kinds {
            let data = build(kind, &loaded.dossier, &statement, &rules).expect("builds");
            let opts = data.render_options();
            out.push((kind.name(), data.json, opts));
        }
    }
    out
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
