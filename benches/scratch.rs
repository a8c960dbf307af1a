#[path = "../tests/it/varied.rs"]
mod varied;
use relance::letters::{DocKind, build};
use relance::rules::Rules;
use std::time::Instant;
fn main() {
    let rules = Rules::embedded();
    let r = relance::documents::Renderer::embedded();
    let as_of = "2026-06-30".parse().unwrap();
    let mut by_pages: std::collections::BTreeMap<usize, (f64, f64, usize)> = Default::default();
    for i in 0..120 {
        let (text, _) = varied::dossier(i);
        let Ok(d) = relance::dossier::parse(&text, relance::dossier::Format::Toml, "dossier.toml") else { continue };
        let Ok(s) = relance::calc::compute(&d, &rules, as_of) else { continue };
        let Ok(data) = build(DocKind::Decompte, &d, &s, &rules) else { continue };
        let opts = data.render_options();
        let t = Instant::now();
        let txt = r.render_text("decompte.typ", &data.json, &opts).unwrap();
        let lay = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let _pdf = r.render_pdf("decompte.typ", &data.json, &opts).unwrap();
        let pdf = t.elapsed().as_secs_f64() * 1000.0;
        let pages = txt.matches('\u{c}').count() + 1;
        let e = by_pages.entry(pages).or_default();
        e.0 += lay; e.1 += pdf; e.2 += 1;
    }
    for (p, (l, pdf, n)) in by_pages {
        println!("{p} pages: {n} décomptes, layout {:.1} ms, pdf {:.1} ms", l / n as f64, pdf / n as f64);
    }
}
