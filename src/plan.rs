//! The dunning plan: for a dossier on a date, the step reached and the next one with its date,
//! following a scenario of `legal-rules/scenarios/`.
//!
//! A step is done when the dossier records its event (a reminder, the formal notice, the
//! service of the injonction de payer); steps are counted, never repeated, so the same
//! dossier and date always give the same plan. A dispute or insolvency proceedings stop the
//! plan with the reason.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::calendar::{debtor_department, formal_notice_deadline};
use crate::calc::{CalcError, Statement, compute, compute_principal_only};
use crate::dossier::{Dossier, EventKind};
use crate::rules::Rules;
use crate::rules::scenario::{Anchor, Step};

mod instalments;

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Nothing is owed.
    Paid,
    /// The next step's date has come: produce it now.
    Due,
    /// The next step falls due later.
    Waiting,
    /// A dispute or insolvency proceedings: no dunning step until a person decides.
    Stopped,
    /// Every step of the scenario is done.
    Completed,
}

impl Status {
    pub fn label_fr(self) -> &'static str {
        match self {
            Status::Paid => "soldé",
            Status::Due => "à faire",
            Status::Waiting => "en attente",
            Status::Stopped => "suspendu",
            Status::Completed => "terminé",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRef {
    pub id: String,
    pub title: String,
    pub date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

/// The plan of one dossier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub reference: String,
    pub debtor: String,
    pub as_of: NaiveDate,
    pub scenario: String,
    pub status: Status,
    /// Amounts as strings with two decimals; `total_due` is absent when penalties or interest
    /// could not be computed (a rate not yet in the rules).
    pub outstanding: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_step: Option<StepRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<StepRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub warnings: Vec<String>,
}

/// The statement a plan rests on: the full one, or principal only when a rate is missing.
fn statement(
    dossier: &Dossier,
    rules: &Rules,
    as_of: NaiveDate,
) -> Result<(Statement, Option<String>), CalcError> {
    match compute(dossier, rules, as_of) {
        Ok(s) => Ok((s, None)),
        Err(CalcError::Rule(e)) => {
            let s = compute_principal_only(dossier, rules, as_of)?;
            Ok((
                s,
                Some(format!("amounts without penalties or interest: {e}")),
            ))
        }
        Err(e) => Err(e),
    }
}

/// Plans `dossier` as of `as_of`.
///
/// # Errors
/// The dossier's scenario does not exist; `as_of` is before an invoice's issue date.
pub fn plan(dossier: &Dossier, rules: &Rules, as_of: NaiveDate) -> Result<Plan, PlanError> {
    let (s, partial) = statement(dossier, rules, as_of).map_err(|e| PlanError(e.to_string()))?;
    plan_with_statement(dossier, rules, as_of, &s, partial)
}

/// [`plan`] on a statement already computed (`partial`: why it has no penalties or
/// interest, when a rate is missing).
///
/// # Errors
/// The dossier's scenario does not exist.
pub fn plan_with_statement(
    dossier: &Dossier,
    rules: &Rules,
    as_of: NaiveDate,
    s: &Statement,
    partial: Option<String>,
) -> Result<Plan, PlanError> {
    let scenario_id = dossier.scenario.as_deref().unwrap_or("default");
    let scenario = rules.scenario(scenario_id).ok_or_else(|| {
        PlanError(format!(
            "scenario \"{scenario_id}\" not found in {}/scenarios/: add {scenario_id}.toml or fix the dossier's `scenario`",
            rules.origin
        ))
    })?;
    let mut p = Plan {
        reference: dossier.reference.clone(),
        debtor: dossier.debtor.name.clone(),
        as_of,
        scenario: scenario.id.clone(),
        status: Status::Waiting,
        outstanding: crate::money::cents_string(s.totals.outstanding),
        total_due: partial
            .is_none()
            .then(|| crate::money::cents_string(s.totals.total_due)),
        last_step: None,
        next_step: None,
        reason: None,
        warnings: partial.into_iter().collect(),
    };
    let unpaid: Vec<_> = s
        .invoices
        .iter()
        .filter(|l| l.total_due() > Decimal::ZERO)
        .collect();
    if unpaid.is_empty() {
        p.status = Status::Paid;
        return Ok(p);
    }
    for l in &unpaid {
        let left = (l.prescription.expires_on - as_of).num_days();
        if left < 0 {
            p.warnings.push(format!(
                "invoice {}: time-barred since {} ({})",
                l.number,
                l.prescription
                    .expires_on
                    .succ_opt()
                    .unwrap_or(l.prescription.expires_on),
                l.prescription.basis
            ));
        } else if left <= scenario.prescription_warning_days {
            p.warnings.push(format!(
                "invoice {}: the claim is time-barred after {} ({} days left, {}): act before that date",
                l.number, l.prescription.expires_on, left, l.prescription.basis
            ));
        }
    }
    let events: Vec<_> = dossier
        .events
        .iter()
        .filter(|e| e.date <= as_of && unpaid.iter().any(|l| e.concerns(&l.number)))
        .collect();

    // Stops: insolvency proceedings, or a dispute not followed by an acknowledgment.
    if let Some(opened) = dossier.debtor.insolvency_opened.filter(|d| *d <= as_of) {
        p.status = Status::Stopped;
        p.reason = Some(format!(
            "insolvency proceedings opened on {opened}: declare the claim to the mandataire judiciaire (C. com. L622-24) instead of dunning (L622-21)"
        ));
        return Ok(p);
    }
    // A dispute stops the plan while an unpaid invoice it concerns has no acknowledgment
    // on or after it: the same rule as the documents (letters::facts).
    let open_dispute = events
        .iter()
        .filter(|e| e.kind == EventKind::Dispute)
        .filter(|d| {
            unpaid.iter().any(|l| {
                d.concerns(&l.number)
                    && !events.iter().any(|a| {
                        a.kind == EventKind::Acknowledgment
                            && a.date >= d.date
                            && a.concerns(&l.number)
                    })
            })
        })
        .map(|e| e.date)
        .max();
    if let Some(dispute) = open_dispute {
        p.status = Status::Stopped;
        p.reason = Some(format!(
            "the debtor disputed the claim on {dispute}: examine the dispute before any further step (an acknowledgment recorded later resumes the plan)"
        ));
        return Ok(p);
    }

    // Spec §6: a kept payment plan suspends the scenario; its end resumes it at the
    // formal notice, counting only what was done since.
    let mut resume: Option<NaiveDate> = None;
    if let Some(state) = &s.plan {
        match instalments::steps(dossier, rules, state, as_of, &events)? {
            instalments::Outcome::Normal => {}
            instalments::Outcome::Resume(from) => resume = Some(from),
            instalments::Outcome::Plan(decision) => {
                p.status = decision.status;
                p.last_step = decision.last;
                p.next_step = decision.next;
                p.reason = decision.reason;
                return Ok(p);
            }
        }
    }
    let events: Vec<_> = match resume {
        Some(from) => events.into_iter().filter(|e| e.date >= from).collect(),
        None => events,
    };

    let due = unpaid.iter().map(|l| l.due).min().expect("not empty");
    let regime = dossier.regime().as_str();
    let steps: Vec<&Step> = scenario
        .steps
        .iter()
        .filter(|s| s.applies(regime))
        .collect();
    let done = done_steps(&steps, &events, due);
    let mut last_done = done.iter().rposition(Option::is_some);
    let mut resume_at = None;
    if let Some(from) = resume {
        let notice = steps
            .iter()
            .position(|s| s.event == EventKind::FormalNotice);
        if let Some(m) = notice
            && last_done.is_none_or(|i| i < m)
        {
            last_done = None;
            resume_at = Some((m, from));
        }
    }
    if let Some(i) = last_done {
        let step = steps[i];
        p.last_step = Some(StepRef {
            id: step.id.clone(),
            title: step.title.clone(),
            date: done[i].expect("done"),
            document: None,
            channel: None,
        });
    }
    // The next step: the first not done after the last one done; a preventive step whose
    // date has passed unperformed is skipped (it cannot be done late).
    if let Some((_, from)) = resume_at {
        p.last_step = Some(instalments::ended_step(from));
    }
    let mut start = last_done.map_or(0, |i| i + 1);
    let mut previous = last_done.and_then(|i| done[i]);
    let previous_step = last_done.map(|i| steps[i]);
    if let Some((m, from)) = resume_at {
        start = m;
        previous = Some(from);
    }
    for &step in &steps[start..] {
        let date = match step.anchor {
            // Anchored on the due date, but never closer to the step actually done before
            // than the scenario spaces them: a late first reminder delays the second.
            Anchor::Due => {
                let planned = add(due, step.days);
                match (previous, previous_step) {
                    (Some(prev), Some(ps)) if ps.anchor == Anchor::Due => {
                        planned.max(add(prev, (step.days - ps.days).max(1)))
                    }
                    _ => planned,
                }
            }
            Anchor::Previous => match previous {
                Some(prev) => add(prev, step.days),
                None => add(due, step.days),
            },
            Anchor::FormalNoticeDeadline => {
                // The last notice: a second one gives a new term, which the request
                // must wait for (`render` refuses a request dated within it).
                let Some(notice) = events
                    .iter()
                    .filter(|e| e.kind == EventKind::FormalNotice && e.date > due)
                    .map(|e| e.date)
                    .max()
                else {
                    // Without a formal notice there is no deadline to wait for.
                    p.reason = Some("no formal notice recorded: send it first".to_string());
                    break;
                };
                let (_, end) = formal_notice_deadline(rules, notice, debtor_department(dossier))
                    .map_err(PlanError)?;
                add(end, step.days)
            }
        };
        if step.days < 0 && date < as_of && step.anchor == Anchor::Due && due < as_of {
            previous = None;
            continue;
        }
        p.next_step = Some(StepRef {
            id: step.id.clone(),
            title: step.title.clone(),
            date,
            document: Some(step.document.clone()),
            channel: Some(step.channel.clone()),
        });
        // Under a CCAG the mémoire en réclamation comes before the judge: it is the step.
        if step.event == EventKind::ReferralFiled
            && let Some(missing) = crate::courts::memorandum_missing(dossier)
        {
            p.next_step = Some(StepRef {
                id: "memoire-en-reclamation".to_string(),
                title: "Mémoire en réclamation à l'acheteur (CCAG), avant toute saisine du juge"
                    .to_string(),
                date,
                document: None,
                channel: Some("registered-letter".to_string()),
            });
            p.reason = Some(missing);
        }
        p.status = if date <= as_of {
            Status::Due
        } else {
            Status::Waiting
        };
        return Ok(p);
    }
    if p.next_step.is_none() && p.reason.is_none() {
        p.status = Status::Completed;
        p.reason = Some(
            "every step of the scenario is done: enforcement of the order (commissaire de justice)"
                .to_string(),
        );
    }
    Ok(p)
}

fn add(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
            .unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(date)
    }
}

/// For each step of the scenario, the date of the event that did it, if any. Reminders are
/// matched in date order: one on or before the due date is the preventive reminder (when the
/// scenario has one), the later ones are the relances in turn.
fn done_steps(
    steps: &[&Step],
    events: &[&crate::dossier::Event],
    due: NaiveDate,
) -> Vec<Option<NaiveDate>> {
    let mut reminders_before: Vec<NaiveDate> = Vec::new();
    let mut reminders_after: Vec<NaiveDate> = Vec::new();
    for e in events.iter().filter(|e| e.kind == EventKind::Reminder) {
        if e.date <= due {
            reminders_before.push(e.date);
        } else {
            reminders_after.push(e.date);
        }
    }
    reminders_before.sort();
    reminders_after.sort();
    reminders_after.dedup();
    let mut after = reminders_after.into_iter();
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        let date = match step.event {
            EventKind::Reminder if step.anchor == Anchor::Due && step.days < 0 => {
                reminders_before.first().copied()
            }
            EventKind::Reminder => after.next(),
            kind => events
                .iter()
                .filter(|e| e.kind == kind && e.date > due)
                .map(|e| e.date)
                .min(),
        };
        out.push(date);
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);
