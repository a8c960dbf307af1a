//! The law as data: dated values with their article and source (`legal-rules/`).
//!
//! A rule is one figure that the law fixes (a rate, a margin, an amount, a period) with
//! the dates each value is in force. The code never holds a legal figure: it asks
//! [`Rules::value`] for the value in force on a date, and a date no value covers is an
//! error naming the rule file to complete, never a guess.
//!
//! The repository's `legal-rules/` folder is compiled into the binary ([`Rules::embedded`]);
//! [`Rules::load`] reads an updated copy given as `(path, text)` pairs.

mod load;
pub mod mentions;
pub mod scenario;

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use load::REQUIRED;

/// What a rule's values measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// An annual rate in percent.
    Percent,
    /// Percentage points added to a rate.
    Points,
    /// A multiplier (the floor of three times the legal rate).
    Factor,
    /// An amount in euros.
    Eur,
    Years,
    Days,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Points => "points",
            Unit::Factor => "factor",
            Unit::Eur => "eur",
            Unit::Years => "years",
            Unit::Days => "days",
        }
    }
}

/// One value of a rule and the dates it is in force (both ends included).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleValue {
    pub from: NaiveDate,
    /// Last day in force; `None` while in force with no known end.
    pub to: Option<NaiveDate>,
    pub value: Decimal,
    pub source: String,
    pub note: Option<String>,
}

impl RuleValue {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// A figure of the law with its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub unit: Unit,
    /// The legal basis, as a lawyer cites it ("C. com. art. L441-10 II").
    pub article: String,
    /// The file it was read from, relative to the rules folder.
    pub file: String,
    /// Sorted by `from`, contiguous, not overlapping (checked by the loader).
    pub values: Vec<RuleValue>,
}

impl Rule {
    pub fn value_at(&self, date: NaiveDate) -> Option<&RuleValue> {
        let i = self.values.partition_point(|v| v.from <= date);
        i.checked_sub(1)
            .map(|i| &self.values[i])
            .filter(|v| v.covers(date))
    }
}

/// A public holiday: a fixed day of the year or an offset from Easter Sunday.
#[derive(Debug, Clone, PartialEq)]
pub struct Holiday {
    pub name: String,
    pub day: HolidayDay,
    /// Departments where it applies (first two digits of the postal code); empty: everywhere.
    pub departments: Vec<String>,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub article: String,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayDay {
    Fixed { month: u32, day: u32 },
    Easter(i64),
}

/// The public-holiday calendar (C. trav. L3133-1, L3134-13).
#[derive(Debug, Clone, PartialEq)]
pub struct Holidays {
    pub id: String,
    pub file: String,
    pub entries: Vec<Holiday>,
}

/// Every rule, by id, plus the holiday calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub rules: BTreeMap<String, Rule>,
    pub holidays: Option<Holidays>,
    /// The mandatory mentions of letters (`mentions/*.toml`), in file order.
    pub mentions: Vec<mentions::Mention>,
    /// Dunning scenarios (`scenarios/*.toml`), by file order.
    pub scenarios: Vec<scenario::Scenario>,
    /// Where the rules came from ("embedded" or the folder given), for messages.
    pub origin: String,
    /// The court tables of `juridictions/` (shared: a clone does not copy them).
    pub courts: std::sync::Arc<crate::courts::Courts>,
}

/// A value the law needs and the rules do not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error(
        "missing law: no value of \"{id}\" ({title}) in force on {date}, needed for {purpose}. \
         Complete {origin}/{file} with a [[values]] entry covering {date}: \
         from = YYYY-MM-DD, value = \"...\" ({unit}), source = \"https://...\" (the text that \
         fixes it), then run `relance rules check` (or pass --rules DIR with the updated copy)"
    )]
    Missing {
        id: String,
        title: String,
        date: NaiveDate,
        purpose: String,
        file: String,
        origin: String,
        unit: &'static str,
    },
    #[error("no rule \"{id}\" in {origin}: it is needed for {purpose}")]
    Unknown {
        id: String,
        purpose: String,
        origin: String,
    },
}

impl Rules {
    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&scenario::Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    /// The value of rule `id` in force on `date`.
    ///
    /// `purpose` says what the value is needed for; it only appears in the error.
    ///
    /// # Errors
    /// [`RuleError::Missing`] when no value covers `date`, naming the file to complete;
    /// [`RuleError::Unknown`] when the rule does not exist.
    // The error is only built on the way out of a computation; its size costs nothing.
    #[allow(clippy::result_large_err)]
    pub fn value(
        &self,
        id: &str,
        date: NaiveDate,
        purpose: impl FnOnce() -> String,
    ) -> Result<(&Rule, &RuleValue), RuleError> {
        let Some(rule) = self.rules.get(id) else {
            return Err(RuleError::Unknown {
                id: id.to_string(),
                purpose: purpose(),
                origin: self.origin.clone(),
            });
        };
        match rule.value_at(date) {
            Some(v) => Ok((rule, v)),
            None => Err(RuleError::Missing {
                id: id.to_string(),
                title: rule.title.clone(),
                date,
                purpose: purpose(),
                file: rule.file.clone(),
                origin: self.origin.clone(),
                unit: rule.unit.as_str(),
            }),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
