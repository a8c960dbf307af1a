//! The aging report (balance âgée): per dossier and in total, the principal past due by age
//! bucket, the total due with accessories, and the dunning stage.
//!
//! An invoice's age is its `days_late` (spec §3: calendar days after `due`), so an invoice
//! due on the as-of date is "not yet due". Under a payment plan that still holds, the
//! invoices it covers are replaced by its unpaid instalments, each aged from its own due
//! date. `total_due` is the statement's, so the report's total is the sum of the dossiers'
//! statements.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{CalcError, Statement, compute, compute_principal_only};
use crate::dossier::Dossier;
use crate::money::cents_string;
use crate::plan::plan_with_statement;
use crate::rules::Rules;

/// The buckets, as the JSON and CSV name them.
pub const BUCKETS: [&str; 6] = [
    "not_yet_due",
    "d0_30",
    "d31_60",
    "d61_90",
    "d91_180",
    "over_180",
];
/// The buckets, as a French reader reads them.
pub const BUCKETS_FR: [&str; 6] = [
    "Non échu",
    "0–30 j",
    "31–60 j",
    "61–90 j",
    "91–180 j",
    "> 180 j",
];

/// The bucket of an amount `days_late` days late: 0 is not yet due, 1–30 the first bucket.
pub fn bucket(days_late: i64) -> usize {
    match days_late {
        ..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        91..=180 => 4,
        _ => 5,
    }
}

/// One dossier's line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgingRow {
    pub reference: String,
    pub debtor: String,
    /// The principal (or unpaid instalments) in each bucket of [`BUCKETS`].
    #[serde(serialize_with = "amounts")]
    pub buckets: [Decimal; 6],
    /// The sum of the buckets.
    #[serde(serialize_with = "amount")]
    pub principal: Decimal,
    /// The statement's total due; without penalties or interest when `partial`.
    #[serde(serialize_with = "amount")]
    pub total_due: Decimal,
    /// A rate is missing from the rules: `total_due` is the principal only.
    pub partial: bool,
    /// The dunning stage: the plan's status and its next step.
    pub stage: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aging {
    pub as_of: NaiveDate,
    /// Sorted by reference.
    pub rows: Vec<AgingRow>,
    #[serde(serialize_with = "amounts")]
    pub buckets: [Decimal; 6],
    #[serde(serialize_with = "amount")]
    pub principal: Decimal,
    #[serde(serialize_with = "amount")]
    pub total_due: Decimal,
}

impl Aging {
    /// The report of `rows`, each total the sum of the rows.
    pub fn of(as_of: NaiveDate, mut rows: Vec<AgingRow>) -> Aging {
        rows.sort_by(|a, b| a.reference.cmp(&b.reference));
        let mut buckets = [Decimal::ZERO; 6];
        for r in &rows {
            for (t, v) in buckets.iter_mut().zip(r.buckets) {
                *t += v;
            }
        }
        Aging {
            as_of,
            principal: rows.iter().map(|r| r.principal).sum(),
            total_due: rows.iter().map(|r| r.total_due).sum(),
            buckets,
            rows,
        }
    }

    /// The `n` rows with the largest total due (ties: by reference).
    pub fn largest(&self, n: usize) -> Vec<&AgingRow> {
        let mut rows: Vec<&AgingRow> = self.rows.iter().collect();
        rows.sort_by(|a, b| {
            b.total_due
                .cmp(&a.total_due)
                .then(a.reference.cmp(&b.reference))
        });
        rows.truncate(n);
        rows
    }
}

/// One dossier's line as of `as_of`.
///
/// # Errors
/// As [`compute`], except a missing rate: the line then holds the principal only.
pub fn row(dossier: &Dossier, rules: &Rules, as_of: NaiveDate) -> Result<AgingRow, CalcError> {
    let (s, partial) = match compute(dossier, rules, as_of) {
        Ok(s) => (s, false),
        Err(CalcError::Rule(_)) => (compute_principal_only(dossier, rules, as_of)?, true),
        Err(e) => return Err(e),
    };
    let buckets = buckets(&s);
    let why =
        partial.then(|| "amounts without penalties or interest: a rate is missing".to_string());
    let stage = match plan_with_statement(dossier, rules, as_of, &s, why) {
        Ok(p) => match &p.next_step {
            Some(step) => format!("{}: {} ({})", p.status.label_fr(), step.id, step.date),
            None => p.status.label_fr().to_string(),
        },
        Err(e) => format!("erreur : {e}"),
    };
    Ok(AgingRow {
        reference: dossier.reference.clone(),
        debtor: dossier.debtor.name.clone(),
        principal: buckets.iter().copied().sum(),
        buckets,
        total_due: s.totals.total_due,
        partial,
        stage,
    })
}

fn buckets(s: &Statement) -> [Decimal; 6] {
    let mut out = [Decimal::ZERO; 6];
    let plan = s.plan.as_ref().filter(|p| p.running());
    for l in &s.invoices {
        if plan.is_some_and(|p| p.invoices.contains(&l.number)) {
            continue;
        }
        if l.outstanding > Decimal::ZERO {
            out[bucket(l.days_late)] += l.outstanding;
        }
    }
    if let Some(p) = plan {
        for i in &p.instalments {
            if i.unpaid() > Decimal::ZERO {
                out[bucket((s.as_of - i.due).num_days())] += i.unpaid();
            }
        }
    }
    out
}

fn amount<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&cents_string(*d))
}

fn amounts<S: serde::Serializer>(d: &[Decimal; 6], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(6))?;
    for (name, v) in BUCKETS.iter().zip(d) {
        m.serialize_entry(name, &cents_string(*v))?;
    }
    m.end()
}

/// The report as CSV: one row per dossier, then the total.
pub fn to_csv(a: &Aging) -> String {
    let mut out = format!(
        "reference,debtor,{},principal,total_due,partial,stage\n",
        BUCKETS.join(",")
    );
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    for r in &a.rows {
        let b: Vec<String> = r.buckets.iter().map(|v| cents_string(*v)).collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            field(&r.reference),
            field(&r.debtor),
            b.join(","),
            cents_string(r.principal),
            cents_string(r.total_due),
            r.partial,
            field(&r.stage)
        ));
    }
    let b: Vec<String> = a.buckets.iter().map(|v| cents_string(*v)).collect();
    out.push_str(&format!(
        "TOTAL,,{},{},{},,\n",
        b.join(","),
        cents_string(a.principal),
        cents_string(a.total_due)
    ));
    out
}

/// The data of the PDF report (`letter-templates/balance-agee.typ`): the totals, the
/// buckets with the height of their bar (per mille of the largest), the `largest` rows.
pub fn pdf_data(a: &Aging, largest: usize) -> serde_json::Value {
    use crate::documents::format::{format_date_long, format_eur};
    use serde_json::json;
    let max = a.buckets.iter().copied().max().unwrap_or(Decimal::ZERO);
    let permille = |v: Decimal| -> i64 {
        if max.is_zero() {
            return 0;
        }
        let p = (v * Decimal::from(1000) / max).round();
        i64::try_from(p).unwrap_or(0)
    };
    let partial = a.rows.iter().filter(|r| r.partial).count();
    json!({
        "as_of": format_date_long(a.as_of),
        "dossiers": match a.rows.len() { 1 => "1 dossier".to_string(), n => format!("{n} dossiers") },
        "principal": format_eur(a.principal),
        "total_due": format_eur(a.total_due),
        "partial": match partial {
            0 => String::new(),
            n => format!("{n} dossier(s) sans pénalités ni intérêts : un taux manque aux règles."),
        },
        "bucket_labels": BUCKETS_FR,
        "buckets": BUCKETS_FR.iter().zip(a.buckets).map(|(label, v)| json!({
            "label": label,
            "amount": format_eur(v),
            "permille": permille(v),
        })).collect::<Vec<_>>(),
        "largest": a.largest(largest).into_iter().map(|r| json!({
            "reference": r.reference,
            "debtor": r.debtor,
            "buckets": r.buckets.iter().map(|v| format_eur(*v)).collect::<Vec<_>>(),
            "principal": format_eur(r.principal),
            "total_due": format_eur(r.total_due),
            "stage": r.stage,
        })).collect::<Vec<_>>(),
    })
}
