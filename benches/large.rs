//! Benchmark: every document of one dossier of many invoices (1,000 by default, the most a
//! dossier supports), each rendered in its own process so its peak memory is its own.
//!
//! `cargo bench --bench large` (release); `RELANCE_BENCH_INVOICES=N` for another size, up to the
//! dossier limit (the dossier is read by `parse`, which refuses more).
//! Invoice numbers are 64 characters long, the most a dossier accepts, so PDF metadata
//! strings are at their longest. Targets (issue 10): under 10 s and under 1 GB per document.

use std::process::Command;
use std::time::Instant;

use relance::documents::{RenderOptions, Renderer};
use relance::letters::{DocKind, build};

fn dossier_text(n: usize) -> String {
    let mut s = String::from(
        r#"reference = "BENCH-LARGE"
[creditor]
kind = "company"
name = "Atelier Martin SARL"
legal_form = "SARL"
siren = "732829320"
address = ["12 rue des Lilas", "69003 Lyon"]
iban = "FR76 3000 6000 0112 3456 7890 189"
signatory = "Jeanne Martin, gérante"

[debtor]
kind = "company"
name = "Boulangerie Dupont SAS"
siren = "381653260"
address = ["3 place du Marché", "75011 Paris"]
"#,
    );
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 3;
        let number = format!("F-2026-{i:06}-{}", "X".repeat(64 - 14));
        s.push_str(&format!(
            "\n[[invoices]]\nnumber = \"{number}\"\nissued = 2026-{month:02}-{day:02}\n\
             due = 2026-{:02}-{day:02}\namount = \"{}.{:02}\"\n",
            month + 1,
            100 + i * 7 % 5000,
            i % 100
        ));
    }
    s.push_str("\n[[events]]\ndate = 2026-05-04\nkind = \"formal-notice\"\nchannel = \"registered-letter\"\n");
    s
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn render_one(n: usize, doc: &str) {
    let text = dossier_text(n);
    let dossier = relance::dossier::parse(&text, relance::dossier::Format::Toml, "bench.toml")
        .unwrap_or_else(|p| panic!("{p}"));
    let rules = relance::rules::Rules::embedded();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    let statement = relance::calc::compute(&dossier, &rules, date).expect("statement");
    let kind = DocKind::parse(doc).expect("a document");
    let start = Instant::now();
    let data = build(kind, &dossier, &statement, &rules).expect("letter data");
    let pdf = Renderer::embedded()
        .render_pdf(
            &format!("{doc}.typ"),
            &data.json,
            &RenderOptions::new(date, "BENCH-LARGE"),
        )
        .unwrap_or_else(|e| panic!("{doc}: {e}"));
    println!(
        "{doc:>28}: {:>7.2} s, {:>6} MiB peak, {:>6} KiB PDF",
        start.elapsed().as_secs_f64(),
        peak_kib() / 1024,
        pdf.len() / 1024
    );
}

fn main() {
    let n: usize = std::env::var("RELANCE_BENCH_INVOICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        render_one(n, &args[i + 1]);
        return;
    }
    println!("{n} invoices, 64-character numbers; one process per document:");
    let exe = std::env::current_exe().expect("this benchmark");
    for kind in DocKind::ALL {
        let status = Command::new(&exe)
            .args(["--one", kind.name()])
            .env("RELANCE_BENCH_INVOICES", n.to_string())
            .status()
            .expect("a child");
        if !status.success() {
            println!("{:>28}: FAILED ({status})", kind.name());
        }
    }
}
