//! The claim statement (décompte): each invoice, each accrual period, the rules applied.

use serde_json::{Map, Value, json};

use super::common::Context;
use crate::calc::Statement;
use crate::documents::format::{
    format_date_long as date_long_fr, format_date_short as date_short_fr, format_eur as euros_fr,
    format_percent as percent_fr,
};

/// What the statement adds to the shared data: the statement itself, formatted.
pub(super) fn data(ctx: &Context) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("statement".into(), statement_json(ctx.statement));
    m
}

fn statement_json(s: &Statement) -> Value {
    json!({
        "as_of": date_long_fr(s.as_of),
        "invoices": s.invoices.iter().map(|l| json!({
            "number": l.number,
            "issued": date_short_fr(l.issued),
            "due": date_short_fr(l.due),
            "principal": euros_fr(l.principal),
            "paid": euros_fr(l.paid),
            "penalties_paid": euros_fr(l.penalties_paid),
            "outstanding": euros_fr(l.outstanding),
            "accrued": euros_fr(l.penalties + l.interest),
            "indemnity": euros_fr(l.indemnity),
            "total_due": euros_fr(l.total_due()),
            "days_late": l.days_late.to_string(),
            "prescription": date_short_fr(l.prescription.expires_on),
            "prescription_basis": l.prescription.basis,
            "periods": l.periods.iter().map(|p| json!({
                "from": date_short_fr(p.from),
                "to": date_short_fr(p.to),
                "days": p.days.to_string(),
                "base": euros_fr(p.base),
                "rate": percent_fr(p.rate),
                "amount": euros_fr(p.amount),
                "basis": p.basis,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "totals": {
            "principal": euros_fr(s.totals.principal),
            "paid": euros_fr(s.totals.paid),
            "penalties": euros_fr(s.totals.penalties),
            "interest": euros_fr(s.totals.interest),
            "indemnities": euros_fr(s.totals.indemnities),
            "total_due": euros_fr(s.totals.total_due),
            "overpaid": euros_fr(s.totals.overpaid),
        },
        "rules": s.rules.iter().map(|r| json!({
            "id": r.id, "value": r.value.normalize().to_string(), "from": date_short_fr(r.from),
            "article": r.article, "source": r.source,
        })).collect::<Vec<_>>(),
        "warnings": s.warnings,
    })
}
