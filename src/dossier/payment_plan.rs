//! `[payment_plan]` of a dossier (spec §6): text -> validated [`PaymentPlan`], every problem
//! at once. What needs the rules (the instalments' sum against what the plan covers on
//! `agreed`) is checked by `calc::payment_plan`.

use std::collections::BTreeMap;

use super::*;
use crate::tree::{Node, Reader, Value};

/// Longest schedule: ten years of monthly instalments, far beyond any real plan.
const MAX_INSTALMENTS: usize = 120;

impl Reader<'_> {
    /// Reads `[payment_plan]`; `regime` is the dossier's when its parties could be read.
    pub(super) fn payment_plan(
        &mut self,
        path: &str,
        node: &Node,
        regime: Option<Regime>,
        numbers: &BTreeMap<String, String>,
    ) -> Option<PaymentPlan> {
        let mut t = self.table(path, node)?;
        if regime == Some(Regime::B2g) {
            self.problem(
                path,
                t.line,
                "no payment plan against a public buyer: moratory interest and the recovery \
                 indemnity cannot be waived or rescheduled (CCP L2192-14)",
            );
        }
        let agreed = match self.take(&mut t, "agreed") {
            Some((f, n)) => self.date(&f, n).map(Some),
            None => Some(None),
        };
        let piece = match self.take(&mut t, "piece") {
            Some((f, n)) => self.piece(&f, n).map(Some),
            None => Some(None),
        };
        let invoices = match self.take(&mut t, "invoices") {
            None => Some(None),
            Some((f, n)) => self.plan_invoices(&f, n, numbers).map(Some),
        };
        let covers = self.required(&mut t, "covers").and_then(|(f, n)| {
            self.choice(
                &f,
                n,
                &[
                    ("total", PlanCovers::Total),
                    ("principal", PlanCovers::Principal),
                ],
            )
        });
        let grace_days = match self.take(&mut t, "grace_days") {
            None => Some(None),
            Some((f, n)) => match &n.value {
                Value::Number(s) => match s.parse::<u32>() {
                    Ok(days) if days <= MAX_PAYMENT_DAYS => Some(Some(days)),
                    _ => {
                        self.bad(
                            &f,
                            n,
                            format!("expected a whole number of days from 0 to {MAX_PAYMENT_DAYS}"),
                        );
                        None
                    }
                },
                other => {
                    let kind = other.kind();
                    self.bad(
                        &f,
                        n,
                        format!("expected a whole number of days, e.g. 15, found {kind}"),
                    );
                    None
                }
            },
        };
        let acceleration = match self.take(&mut t, "acceleration") {
            None => Some(Acceleration::AfterNotice),
            Some((f, n)) => {
                let a = self.choice(
                    &f,
                    n,
                    &[
                        ("after-notice", Acceleration::AfterNotice),
                        ("automatic", Acceleration::Automatic),
                    ],
                );
                if a == Some(Acceleration::Automatic) && regime.is_some_and(|r| r != Regime::B2b) {
                    self.bad(
                        &f,
                        n,
                        "only between professionals (b2b): a debtor who is not one keeps the \
                         notice before the plan ends (Cass. 1re civ., 22 June 2017, n° 16-18.418)",
                    );
                    None
                } else {
                    a
                }
            }
        };
        let nodes = self.array_of_tables(&mut t, "instalments");
        let field = format!("{path}.instalments");
        if nodes.is_empty() {
            self.problem(
                &field,
                t.line,
                "a payment plan needs at least one [[payment_plan.instalments]] entry",
            );
        } else if nodes.len() > MAX_INSTALMENTS {
            self.problem(
                &field,
                t.line,
                format!("more than {MAX_INSTALMENTS} instalments: a typing mistake?"),
            );
        }
        let mut instalments = Vec::new();
        let mut ok = true;
        for (f, n) in &nodes {
            match self.instalment(f, n) {
                Some(i) => {
                    if let Some(prev) = instalments.last().map(|p: &Instalment| p.due)
                        && i.due <= prev
                    {
                        self.problem(
                            &format!("{f}.due"),
                            n.line,
                            format!("not after the previous instalment's due date {prev}: list the instalments in due order"),
                        );
                        ok = false;
                    }
                    if let Some(Some(a)) = agreed
                        && i.due < a
                    {
                        self.problem(
                            &format!("{f}.due"),
                            n.line,
                            format!("before the day the plan was agreed ({a})"),
                        );
                        ok = false;
                    }
                    instalments.push(i);
                }
                None => ok = false,
            }
        }
        self.finish(t);
        if !ok {
            return None;
        }
        Some(PaymentPlan {
            agreed: agreed?,
            piece: piece?,
            invoices: invoices?,
            covers: covers?,
            grace_days: grace_days?,
            acceleration: acceleration?,
            instalments,
        })
    }

    fn plan_invoices(
        &mut self,
        field: &str,
        node: &Node,
        numbers: &BTreeMap<String, String>,
    ) -> Option<Vec<String>> {
        let Value::Array(items) = &node.value else {
            self.bad(
                field,
                node,
                format!(
                    "expected an array of invoice numbers, e.g. [\"F-2026-001\"], found {}",
                    node.value.kind()
                ),
            );
            return None;
        };
        if items.is_empty() {
            self.bad(
                field,
                node,
                "empty: leave the field out to cover every invoice outstanding on `agreed`",
            );
            return None;
        }
        let mut out: Vec<String> = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let f = format!("{field}[{i}]");
            match self.string(&f, item, 64, false) {
                Some(s) if !numbers.contains_key(&s) => {
                    self.bad(&f, item, "no invoice has this number in the dossier");
                    ok = false;
                }
                Some(s) if out.contains(&s) => {
                    self.bad(&f, item, "listed twice");
                    ok = false;
                }
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn instalment(&mut self, path: &str, node: &Node) -> Option<Instalment> {
        let mut t = self.table(path, node)?;
        let due = self.req_date(&mut t, "due");
        let amount = self.req_amount(&mut t, "amount");
        self.finish(t);
        Some(Instalment {
            due: due?,
            amount: amount?,
        })
    }

    /// Events that only make sense with a plan: an instalment notice, the plan's end, its
    /// agreement (which must be the plan's `agreed`).
    pub(super) fn plan_events(
        &mut self,
        event_nodes: &[(String, &Node)],
        events: &[Event],
        index: &[usize],
        plan: Option<&PaymentPlan>,
        plan_present: bool,
    ) {
        for (e, i) in events.iter().zip(index) {
            let (field, node) = &event_nodes[*i];
            let field = format!("{field}.kind");
            match e.kind {
                EventKind::InstalmentNotice | EventKind::PlanEnded | EventKind::PlanAgreed
                    if !plan_present =>
                {
                    self.problem(
                        &field,
                        node.line,
                        format!("\"{}\": the dossier has no [payment_plan]", e.kind.as_str()),
                    );
                }
                EventKind::PlanAgreed => {
                    if let Some(p) = plan
                        && p.agreed != Some(e.date)
                    {
                        self.problem(
                            &field,
                            node.line,
                            format!(
                                "\"plan-agreed\" on {} but payment_plan.agreed is {}: record the agreement with `relance record --kind plan-agreed`, which writes both",
                                e.date,
                                p.agreed.map_or("missing".to_string(), |d| d.to_string())
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}
