//! `relance serve`'s portfolio on `RELANCE_BENCH_DOSSIERS` (default 10,000) generated
//! dossiers, through the router in-process: the first request (cold: every dossier loaded,
//! its statement and plan computed), then warm requests (statements from the cache, each
//! dossier file's state checked), their mean and worst; and the JSON list of the API.
//! `cargo bench --bench serve`.

#[path = "../tests/it/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use relance::rules::Rules;
use relance::serve::{App, Config, router};
use tower::ServiceExt;

const WARM_RUNS: usize = 10;

async fn get(app: &Arc<App>, uri: &str) -> (Duration, usize) {
    let start = Instant::now();
    let response = router(Arc::clone(app))
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (start.elapsed(), body.len())
}

fn main() {
    let n: usize = std::env::var("RELANCE_BENCH_DOSSIERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("relance-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    generate::write_dossiers(&dir, n, true);
    let date: chrono::NaiveDate = generate::AS_OF.parse().unwrap();
    let app = App::new(Config {
        root: dir.clone(),
        batch_out: dir.join("sorties"),
        rules: Rules::embedded(),
        rule_files: Vec::new(),
        rules_overlay: None,
        rules_base: None,
        today: Arc::new(move || date),
        token: None,
        csrf: "bench".to_string(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for (what, uri) in [
            ("portfolio", format!("/?as_of={date}")),
            ("portfolio sorted by total, filtered", format!("/?as_of={date}&sort=total&dir=desc&only=due")),
            ("API list", format!("/api/dossiers?as_of={date}")),
        ] {
            let (cold, bytes) = get(&app, &uri).await;
            let mut warm = Vec::with_capacity(WARM_RUNS);
            for _ in 0..WARM_RUNS {
                warm.push(get(&app, &uri).await.0);
            }
            let mean = warm.iter().sum::<Duration>() / WARM_RUNS as u32;
            let worst = warm.iter().max().copied().unwrap_or_default();
            println!(
                "{what} of {n} dossiers: first request {:.0} ms, then {:.0} ms mean, {:.0} ms worst over {WARM_RUNS} ({} kB)",
                cold.as_secs_f64() * 1000.0,
                mean.as_secs_f64() * 1000.0,
                worst.as_secs_f64() * 1000.0,
                bytes / 1024
            );
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
}
