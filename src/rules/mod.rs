//! The law as data: dated values with their article and source (`legal-rules/`).
//!
//! A rule is one figure that the law fixes (a rate, a margin, an amount, a period) with
//! the dates each value is in force. The code never holds a legal figure: it asks
//! [`Rules::value`] for the value in force on a date, and a date no value covers is an
//! error naming the rule file to complete, never a guess.
//!
//! The repository's `legal-rules/` folder is compiled into the binary ([`Rules::embedded`]);
//! [`Rules::load`] reads an updated copy given as `(path, text)` pairs.

pub mod add;
pub mod ecb;
mod load;
pub mod mentions;
pub mod overlay;
pub mod scenario;
pub mod status;

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
    /// The `to` is only the last day the value was known to be in force (e.g. the ECB rate
    /// up to its last checked meeting), not an end the law fixes: an overlay value may start
    /// before it, and the built-in value then ends the day before.
    pub provisional: bool,
    /// An overlay value that corrects the built-in values it overlaps (`corrects = true`,
    /// with a note saying why).
    pub corrects: bool,
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
    /// What a reader sees in a statement or a letter ("Taux de refinancement de la BCE").
    pub label: String,
    pub title: String,
    pub unit: Unit,
    /// The legal basis, as a lawyer cites it ("C. com. art. L441-10 II").
    pub article: String,
    /// The article cited for each use of the rule, keyed by the id of the rule it is
    /// combined with (`[uses]`): the ECB rate is cited as C. com. L441-10 II beside the
    /// L441-10 margin and as CCP R2192-31 beside the public-procurement margin.
    pub uses: BTreeMap<String, String>,
    /// How new values are published (`update = "half-year"` or `"fetch-ecb"`).
    pub update: Update,
    /// A computation on a date uses the value in force on the first day of its half-year
    /// (`reference_day = "half-year-start"`: the ECB rate of 1 January or 1 July,
    /// C. com. L441-10 II, CCP R2192-31); otherwise the value of the day itself.
    pub half_year_start: bool,
    /// The day someone last checked the values against their sources (`last_checked`).
    pub last_checked: NaiveDate,
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

    /// The article to cite for this rule in a computation that also used the rules
    /// `used_with`: the `[uses]` entries of those rules, else the rule's own article.
    pub fn article_with<'a>(&'a self, used_with: impl IntoIterator<Item = &'a str>) -> String {
        let cited: Vec<&str> = used_with
            .into_iter()
            .filter_map(|id| self.uses.get(id).map(String::as_str))
            .collect();
        if cited.is_empty() {
            self.article.clone()
        } else {
            cited.join(" ; ")
        }
    }

    /// The day whose value a computation on `date` needs (see [`Rule::half_year_start`]).
    pub fn needed_on(&self, date: NaiveDate) -> NaiveDate {
        if self.half_year_start {
            status::half_year(date).0
        } else {
            date
        }
    }

    /// The last day the values cover; `None` while the last value has no known end.
    pub fn covered_until(&self) -> Option<NaiveDate> {
        self.values.last().and_then(|v| v.to)
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
    pub label: String,
    pub last_checked: NaiveDate,
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
    /// The overlay folders merged over them, in order (`--rules-overlay`).
    pub overlays: Vec<String>,
    /// The court tables of `juridictions/` (shared: a clone does not copy them).
    pub courts: std::sync::Arc<crate::courts::Courts>,
}

/// A value the law needs and the rules do not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error(
        "missing law: no value of \"{id}\" ({label}) in force on {date}, needed for {purpose}. \
         {way_out}"
    )]
    Missing {
        id: String,
        label: String,
        date: NaiveDate,
        purpose: String,
        /// What to run to add the value, with the dates to cover (see [`status::way_out`]).
        way_out: String,
    },
    #[error("no rule \"{id}\" in {origin}: it is needed for {purpose}")]
    Unknown {
        id: String,
        purpose: String,
        origin: String,
    },
}

/// How a rule's new values are published, which says how to add them (`update` in the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Update {
    /// A text sets each value when it changes: `relance rules add`.
    #[default]
    Add,
    /// One value per calendar half-year, fixed by an arrêté (the legal interest rate).
    HalfYear,
    /// Published by the ECB Data Portal: `relance rules fetch ecb`.
    FetchEcb,
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
                label: rule.label.clone(),
                date,
                purpose: purpose(),
                way_out: status::way_out(self, rule, date),
            }),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
