//! Benchmark: a claim statement for a dossier of 10,000 invoices and 10,000 payments.
//!
//! `cargo bench --bench statement` (release). Prints the best and median of 30 runs.
//! Target (issue 3): ≤ 50 ms.

use std::time::Instant;

use chrono::{Days, NaiveDate};
use relance::calc::compute;
use relance::dossier::*;
use relance::rules::Rules;
use rust_decimal::Decimal;

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1)
        .unwrap()
        .checked_add_days(Days::new(offset))
        .unwrap()
}

/// A deterministic large dossier: invoices spread over 2023–2026, payments half naming an
/// invoice, half not, so both allocation paths run.
fn big_dossier(n: usize) -> Dossier {
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let invoices: Vec<Invoice> = (0..n)
        .map(|i| {
            let issued = next() % 1150;
            Invoice {
                number: format!("F-{i:06}"),
                issued: day(issued),
                due: day(issued + 30 + next() % 30),
                amount: Decimal::new(10_000 + (next() % 1_000_000) as i64, 2),
                description: None,
                piece: None,
                received: None,
            }
        })
        .collect();
    let payments: Vec<Payment> = (0..n)
        .map(|i| Payment {
            date: day(next() % 1270),
            amount: Decimal::new(1_000 + (next() % 400_000) as i64, 2),
            invoice: (i % 2 == 0).then(|| format!("F-{:06}", next() as usize % n)),
            reference: None,
            piece: None,
        })
        .collect();
    Dossier {
        reference: "BENCH".into(),
        language: "fr".into(),
        payment_imputation: Imputation::InterestFirst,
        imputation_explicit: true,
        contract: None,
        exhibits: Vec::new(),
        court: None,
        lawyer: None,
        scenario: None,
        creditor: Creditor {
            kind: CreditorKind::Company,
            name: "C".into(),
            legal_form: None,
            siren: Some("732829320".into()),
            address: vec!["1 rue A".into(), "69003 Lyon".into()],
            email: None,
            iban: None,
            signatory: None,
            extra: Default::default(),
        },
        debtor: Debtor {
            kind: DebtorKind::Company,
            name: "D".into(),
            legal_form: None,
            public_status: None,
            siren: None,
            registered_office: None,
            insee: None,
            address: None,
            email: None,
            insolvency_opened: None,
            extra: Default::default(),
        },
        agency: None,
        terms: Terms::default(),
        invoices,
        payments,
        events: Vec::new(),
        payment_plan: None,
    }
}

fn main() {
    let rules = Rules::embedded();
    let dossier = big_dossier(10_000);
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let mut times = Vec::new();
    let mut periods = 0;
    for _ in 0..30 {
        let start = Instant::now();
        let s = compute(&dossier, &rules, as_of).unwrap();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        periods = s.invoices.iter().map(|l| l.periods.len()).sum::<usize>();
        std::hint::black_box(&s);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "statement: 10000 invoices, 10000 payments, {periods} periods: best {:.1} ms, median {:.1} ms",
        times[0],
        times[times.len() / 2]
    );
    let start = Instant::now();
    let json = compute(&dossier, &rules, as_of).unwrap().to_json_string();
    println!(
        "statement + JSON ({} bytes): {:.1} ms",
        json.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
}
