//! What a payment plan looks like on the as-of date (spec §6), and its JSON.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use crate::dossier::{Acceleration, PlanCovers};
use crate::money::cents_string;

/// Where a plan agreed on or before the as-of date stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanStatus {
    /// Running: the next instalments are awaited.
    Kept,
    /// Every instalment is paid: what the plan covers is settled.
    Completed { on: NaiveDate },
    /// Déchéance du terme: the whole is due again since `on`.
    Ended { on: NaiveDate, by: EndCause },
    /// Insolvency proceedings opened on `since`: a missed instalment ends nothing (C. com.
    /// L622-7, L622-29); the claim must be declared (L622-24).
    Frozen { since: NaiveDate },
}

/// Why a plan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndCause {
    /// An instalment notice received on `notice` left the instalment unpaid at `deadline`.
    Notice {
        notice: NaiveDate,
        deadline: NaiveDate,
    },
    /// b2b with `acceleration = "automatic"`: the instalment due on `instalment` stayed unpaid
    /// `grace_days` after it.
    Automatic { instalment: NaiveDate },
    /// A `plan-ended` event.
    Recorded,
}

/// One instalment and what the plan's payments covered of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalmentState {
    pub due: NaiveDate,
    pub amount: Decimal,
    pub paid: Decimal,
    /// The first day the instalment notice may be sent if it is still unpaid: `due` +
    /// `grace_days`.
    pub notice_from: NaiveDate,
}

impl InstalmentState {
    pub fn unpaid(&self) -> Decimal {
        self.amount - self.paid
    }
}

/// The plan as the statement sees it on the as-of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanState {
    pub agreed: NaiveDate,
    pub covers: PlanCovers,
    pub acceleration: Acceleration,
    pub grace_days: u32,
    /// The days an instalment notice gives (rule `plan-notice-days`).
    pub notice_days: u64,
    /// The invoices covered, in the statement's order.
    pub invoices: Vec<String>,
    /// What the plan covers on `agreed` (= the sum of the instalments).
    pub covered: Decimal,
    pub instalments: Vec<InstalmentState>,
    pub status: PlanStatus,
}

impl PlanState {
    /// What the payments covered of the instalments.
    pub fn paid(&self) -> Decimal {
        self.instalments.iter().map(|i| i.paid).sum()
    }

    /// The sum of the unpaid instalments.
    pub fn unpaid(&self) -> Decimal {
        self.instalments.iter().map(InstalmentState::unpaid).sum()
    }

    /// The first instalment not fully paid.
    pub fn next_unpaid(&self) -> Option<&InstalmentState> {
        self.instalments.iter().find(|i| i.unpaid() > Decimal::ZERO)
    }

    /// Whether the plan still holds on the as-of date (kept or frozen).
    pub fn running(&self) -> bool {
        matches!(self.status, PlanStatus::Kept | PlanStatus::Frozen { .. })
    }

    /// The `payment_plan` object of the statement's JSON.
    pub fn to_json(&self) -> serde_json::Value {
        let (status, since, by) = match &self.status {
            PlanStatus::Kept => ("kept", None, None),
            PlanStatus::Completed { on } => ("completed", Some(*on), None),
            PlanStatus::Ended { on, by } => ("ended", Some(*on), Some(by)),
            PlanStatus::Frozen { since } => ("frozen", Some(*since), None),
        };
        let mut v = json!({
            "agreed": self.agreed.to_string(),
            "covers": self.covers.as_str(),
            "acceleration": self.acceleration.as_str(),
            "grace_days": self.grace_days,
            "notice_days": self.notice_days,
            "invoices": self.invoices,
            "covered": cents_string(self.covered),
            "paid": cents_string(self.paid()),
            "unpaid": cents_string(self.unpaid()),
            "status": status,
            "instalments": self.instalments.iter().map(|i| json!({
                "due": i.due.to_string(),
                "amount": cents_string(i.amount),
                "paid": cents_string(i.paid),
                "unpaid": cents_string(i.unpaid()),
            })).collect::<Vec<_>>(),
        });
        let obj = v.as_object_mut().expect("an object");
        if let Some(since) = since {
            obj.insert("since".into(), json!(since.to_string()));
        }
        match by {
            Some(EndCause::Notice { notice, deadline }) => {
                obj.insert(
                    "ended_by".into(),
                    json!({"kind": "notice", "notice": notice.to_string(), "deadline": deadline.to_string()}),
                );
            }
            Some(EndCause::Automatic { instalment }) => {
                obj.insert(
                    "ended_by".into(),
                    json!({"kind": "automatic", "instalment": instalment.to_string()}),
                );
            }
            Some(EndCause::Recorded) => {
                obj.insert("ended_by".into(), json!({"kind": "plan-ended"}));
            }
            None => {}
        }
        v
    }
}
