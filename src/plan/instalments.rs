//! The dunning plan under a payment plan (spec §6): a kept plan suspends the scenario, an
//! instalment unpaid `grace_days` after its due date calls for the instalment notice
//! (`relance-echeance`), the end of the plan for the `decheance-du-terme`, after which the
//! scenario resumes at the formal notice.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{PlanError, Status, StepRef};
use crate::calc::calendar::{deadline, debtor_department};
use crate::calc::payment_plan::{PlanState, PlanStatus};
use crate::documents::format::format_eur;
use crate::dossier::{Dossier, Event, EventKind};
use crate::rules::Rules;

/// What the payment plan makes of the dunning plan.
pub(super) enum Outcome {
    /// No plan in force, or a plan fully paid: the scenario as usual.
    Normal,
    /// The plan ended and its end was notified on this date: the scenario resumes at the
    /// formal notice.
    Resume(NaiveDate),
    /// The plan decides.
    Plan(Box<Decision>),
}

/// The dunning plan's fields when the payment plan decides.
pub(super) struct Decision {
    pub status: Status,
    pub last: Option<StepRef>,
    pub next: Option<StepRef>,
    pub reason: Option<String>,
}

const NOTICE_ID: &str = "relance-echeance";
const NOTICE_TITLE: &str = "Relance d'échéance impayée (préavis avant déchéance du terme)";
const END_ID: &str = "decheance-du-terme";
const END_TITLE: &str = "Notification de la déchéance du terme de l'échéancier";

fn step(id: &str, title: &str, date: NaiveDate, channel: Option<&str>) -> StepRef {
    StepRef {
        id: id.to_string(),
        title: title.to_string(),
        date,
        document: channel.map(|_| id.to_string()),
        channel: channel.map(str::to_string),
    }
}

/// The step done when the plan's end was notified (a `plan-ended` event).
pub(super) fn ended_step(date: NaiveDate) -> StepRef {
    step(END_ID, END_TITLE, date, None)
}

fn fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The dunning plan's steps under `state` on `as_of`; `events` are the dossier's up to it.
pub(super) fn steps(
    dossier: &Dossier,
    rules: &Rules,
    state: &PlanState,
    as_of: NaiveDate,
    events: &[&Event],
) -> Result<Outcome, PlanError> {
    let since = |kind: EventKind, from: NaiveDate| {
        events
            .iter()
            .filter(|e| e.kind == kind && e.date >= from)
            .map(|e| e.date)
            .max()
    };
    match &state.status {
        PlanStatus::Completed { .. } => Ok(Outcome::Normal),
        PlanStatus::Frozen { since } => Ok(Outcome::Plan(Box::new(Decision {
            status: Status::Stopped,
            last: None,
            next: None,
            reason: Some(format!(
                "payment plan frozen by the insolvency proceedings opened on {since} (C. com. L622-7, L622-29): declare the claim (L622-24)"
            )),
        }))),
        PlanStatus::Ended { on, .. } => match since(EventKind::PlanEnded, state.agreed) {
            Some(notified) => Ok(Outcome::Resume(notified)),
            None => Ok(Outcome::Plan(Box::new(Decision {
                status: if *on <= as_of {
                    Status::Due
                } else {
                    Status::Waiting
                },
                last: since(EventKind::InstalmentNotice, state.agreed)
                    .map(|d| step(NOTICE_ID, NOTICE_TITLE, d, None)),
                next: Some(step(END_ID, END_TITLE, *on, Some("registered-letter"))),
                reason: Some(format!(
                    "the payment plan agreed on {} ended on {on}: notify the déchéance du terme, then the formal notice",
                    state.agreed
                )),
            }))),
        },
        PlanStatus::Kept => {
            let missed = state
                .instalments
                .iter()
                .find(|i| i.notice_from <= as_of && i.unpaid() > Decimal::ZERO);
            let Some(missed) = missed else {
                let reason = match state.next_unpaid() {
                    Some(i) => format!(
                        "échéancier en cours, prochaine échéance le {} ({})",
                        fr(i.due),
                        format_eur(i.unpaid())
                    ),
                    None => "échéancier en cours".to_string(),
                };
                return Ok(Outcome::Plan(Box::new(Decision {
                    status: Status::Waiting,
                    last: None,
                    next: None,
                    reason: Some(reason),
                })));
            };
            match since(EventKind::InstalmentNotice, missed.notice_from) {
                None => Ok(Outcome::Plan(Box::new(Decision {
                    status: Status::Due,
                    last: None,
                    next: Some(step(
                        NOTICE_ID,
                        NOTICE_TITLE,
                        missed.notice_from,
                        Some("registered-letter"),
                    )),
                    reason: Some(format!(
                        "the instalment due on {} is unpaid ({}): send the instalment notice",
                        fr(missed.due),
                        format_eur(missed.unpaid())
                    )),
                }))),
                Some(notice) => {
                    let dept = debtor_department(dossier);
                    let last =
                        deadline(rules, notice, state.notice_days, dept).map_err(PlanError)?;
                    let end = last.succ_opt().unwrap_or(last);
                    Ok(Outcome::Plan(Box::new(Decision {
                        status: Status::Waiting,
                        last: Some(step(NOTICE_ID, NOTICE_TITLE, notice, None)),
                        next: Some(step(END_ID, END_TITLE, end, Some("registered-letter"))),
                        reason: Some(format!(
                            "instalment notice received on {}: the plan ends on {} unless the instalment is paid by {}",
                            fr(notice),
                            fr(end),
                            fr(last)
                        )),
                    })))
                }
            }
        }
    }
}
