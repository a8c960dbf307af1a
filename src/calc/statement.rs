//! The calculation engine: payments allocated and imputed, penalties or interest accrued by
//! period, indemnities, prescription; every total the sum of its rounded lines.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::calendar::HalfYear;
use super::payment_plan::PlanState;
use super::prescription::{Prescription, prescription};
use crate::dossier::{
    CreditorKind, Dossier, Event, EventKind, Imputation, Invoice, Payment, PenaltyRate, Regime,
};
use crate::error::{Problem, Problems};
use crate::money::{cents_string, rate_string, round_cents};
use crate::rules::{RuleError, Rules, Unit};

/// Why a statement cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalcError {
    /// A value the law needs is missing from the rules: never guessed.
    #[error(transparent)]
    Rule(Box<RuleError>),
    /// The as-of date does not fit the dossier.
    #[error("{0}")]
    Input(Problems),
    #[error("{0}")]
    BadRule(String),
}

/// The claim statement as of a date (spec §4).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub reference: String,
    pub as_of: NaiveDate,
    pub regime: Regime,
    /// In canonical order: due date, then issue date, then number.
    pub invoices: Vec<InvoiceLine>,
    pub totals: Totals,
    pub warnings: Vec<String>,
    /// Every rule value the statement used, sorted by id then date.
    pub rules: Vec<RuleUse>,
    /// The payment plan agreed on or before the as-of date (spec §6).
    pub plan: Option<PlanState>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceLine {
    pub number: String,
    pub issued: NaiveDate,
    pub due: NaiveDate,
    pub principal: Decimal,
    /// What payments covered on this invoice: principal and penalties or interest.
    pub paid: Decimal,
    /// Unpaid principal.
    pub outstanding: Decimal,
    pub days_late: i64,
    /// L441-10 penalties accrued (b2b), including what payments covered.
    pub penalties: Decimal,
    pub indemnity: Decimal,
    /// Legal (b2c, c2x) or moratory (b2g) interest accrued, including what payments covered.
    pub interest: Decimal,
    /// The part of `penalties` or `interest` that payments covered.
    pub penalties_paid: Decimal,
    /// The part of `indemnity` that payments to a payment plan covered (spec §6).
    pub indemnity_paid: Decimal,
    /// Penalties or interest and indemnity waived by a payment plan (spec §6).
    pub waived: Decimal,
    pub periods: Vec<Period>,
    pub prescription: Prescription,
    /// How each payment was imputed on this invoice, in date order (shown in documents).
    pub imputations: Vec<Imputed>,
}

/// The part of one payment imputed on one invoice, and how it was split.
#[derive(Debug, Clone, PartialEq)]
pub struct Imputed {
    pub date: NaiveDate,
    /// Went to penalties or interest accrued and not yet paid.
    pub to_accrued: Decimal,
    pub to_principal: Decimal,
    /// The order applied: accrued first (C. civ. 1343-1) or principal first.
    pub order: Imputation,
    /// The payment was made on or before the due date (it goes to principal).
    pub before_due: bool,
    /// The payment named this invoice; otherwise the invoice was chosen for it (C. civ.
    /// 1342-10: the oldest due, spec §3), or it is the excess of a payment naming another.
    pub named: bool,
    /// Went to the fixed indemnity (only a payment under a payment plan covering it, §6).
    pub to_indemnity: Decimal,
    /// A payment to the instalments of the payment plan agreed on this day (spec §6).
    pub plan: Option<NaiveDate>,
}

impl Imputed {
    /// The part of the payment imputed on this invoice.
    pub fn amount(&self) -> Decimal {
        self.to_accrued + self.to_principal + self.to_indemnity
    }
}

impl InvoiceLine {
    /// What remains due on this invoice.
    pub fn total_due(&self) -> Decimal {
        self.outstanding + self.penalties + self.interest - self.penalties_paid + self.indemnity
            - self.indemnity_paid
            - self.waived
    }
}

/// One accrual period: one base, one rate, rounded to the cent.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    pub base: Decimal,
    /// Annual rate in percent.
    pub rate: Decimal,
    pub amount: Decimal,
    /// How the rate was obtained, for a reader: "BCE 2,15 % au 01/01/2026 + 10 points".
    pub basis: String,
    /// The contractual penalty rate was below the legal floor (C. com. L441-10 II), which
    /// `rate` is.
    pub floored: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    pub principal: Decimal,
    pub paid: Decimal,
    pub outstanding: Decimal,
    pub penalties: Decimal,
    pub indemnities: Decimal,
    pub interest: Decimal,
    pub penalties_paid: Decimal,
    /// Spec §6: the indemnities a payment plan's payments covered, and what it waived.
    pub indemnities_paid: Decimal,
    pub waived: Decimal,
    pub overpaid: Decimal,
    pub total_due: Decimal,
}

impl Totals {
    /// The totals of `lines`, each the sum of the lines' rounded amounts.
    pub fn of(lines: &[InvoiceLine], overpaid: Decimal) -> Totals {
        let mut totals = Totals {
            overpaid,
            ..Totals::default()
        };
        for l in lines {
            totals.principal += l.principal;
            totals.paid += l.paid;
            totals.outstanding += l.outstanding;
            totals.penalties += l.penalties;
            totals.indemnities += l.indemnity;
            totals.interest += l.interest;
            totals.penalties_paid += l.penalties_paid;
            totals.indemnities_paid += l.indemnity_paid;
            totals.waived += l.waived;
        }
        totals.total_due = totals.outstanding + totals.penalties + totals.interest
            - totals.penalties_paid
            + totals.indemnities
            - totals.indemnities_paid
            - totals.waived;
        totals
    }
}

/// A rule value used by the statement, so a reader can check every figure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleUse {
    pub id: String,
    /// The rule's French label, for a reader.
    pub label: String,
    pub unit: Unit,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub value: Decimal,
    pub article: String,
    pub source: String,
    /// A practice no text fixes (a file of `legal-rules/pratique/`): a document says it is
    /// retained, never that it is "in force".
    pub practice: bool,
}

impl RuleUse {
    /// The use of value `v` of `rule`.
    pub(crate) fn of(rule: &crate::rules::Rule, v: &crate::rules::RuleValue) -> Self {
        RuleUse {
            id: rule.id.clone(),
            label: rule.label.clone(),
            unit: rule.unit,
            from: v.from,
            to: v.to,
            value: v.value,
            article: rule.article.clone(),
            source: v.source.clone(),
            practice: rule.file.starts_with("pratique/"),
        }
    }
}

/// The rules used, each citing the article of the use made of it (the ECB rate cites
/// L441-10 beside the L441-10 margin, R2192-31 beside the public-procurement one).
fn cite(rules: &Rules, used: BTreeSet<RuleUse>) -> Vec<RuleUse> {
    let ids: BTreeSet<String> = used.iter().map(|u| u.id.clone()).collect();
    used.into_iter()
        .map(|mut u| {
            if let Some(rule) = rules.rule(&u.id) {
                u.article = rule.article_with(ids.iter().map(String::as_str));
            }
            u
        })
        .collect()
}

/// Computes the claim statement of `dossier` as of `as_of`.
///
/// Payments and events dated after `as_of` are ignored. The function is pure: the same
/// dossier (in any order of its lists), rules and date give the same statement.
///
/// # Errors
/// [`CalcError::Input`] when `as_of` is before an invoice's issue date;
/// [`CalcError::Rule`] when a rate or figure needed for a period is missing from the rules
/// (the message names the rule file to complete).
pub fn compute(dossier: &Dossier, rules: &Rules, as_of: NaiveDate) -> Result<Statement, CalcError> {
    check_as_of(dossier, as_of)?;
    super::payment_plan::compute(dossier, rules, as_of)
}

/// The statement as §3 computes it, with a payment plan's adjustment (none: `Frozen::default()`).
pub(super) fn compute_plain(
    dossier: &Dossier,
    rules: &Rules,
    as_of: NaiveDate,
    frozen: &Frozen,
) -> Result<Statement, CalcError> {
    let mut engine = Engine::new(dossier, rules, as_of, true);
    engine.frozen = frozen;
    engine.run()
}

/// What a kept payment plan changes in the engine (spec §6): nothing more accrues on the
/// invoices it covers after `agreed`, and payments on or after `agreed` that name no invoice
/// (the plan's excess) skip them.
#[derive(Debug, Default)]
pub(super) struct Frozen {
    pub since: Option<NaiveDate>,
    pub invoices: BTreeSet<String>,
}

impl Frozen {
    fn covers(&self, number: &str) -> bool {
        self.since.is_some() && self.invoices.contains(number)
    }
}

static NOT_FROZEN: Frozen = Frozen {
    since: None,
    invoices: BTreeSet::new(),
};

fn check_as_of(dossier: &Dossier, as_of: NaiveDate) -> Result<(), CalcError> {
    let mut problems = Problems::default();
    for (i, inv) in dossier.invoices.iter().enumerate() {
        if as_of < inv.issued {
            problems.push(
                Problem::new(
                    "--as-of",
                    format!("invoices[{i}].issued"),
                    format!(
                        "the as-of date {as_of} is before the issue date of invoice {}",
                        inv.number
                    ),
                )
                .with_value(inv.issued.to_string()),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CalcError::Input(problems))
    }
}

/// The statement without penalties or interest: payments go to principal only.
///
/// For planning when the rates of a half-year are not published yet: it tells which
/// invoices remain unpaid and when claims expire, and says in a warning that penalties and
/// interest are left out. Never use it for a figure claimed from a debtor.
///
/// # Errors
/// As [`compute`], except that no rate is needed.
pub fn compute_principal_only(
    dossier: &Dossier,
    rules: &Rules,
    as_of: NaiveDate,
) -> Result<Statement, CalcError> {
    check_as_of(dossier, as_of)?;
    let mut engine = Engine::new(dossier, rules, as_of, false);
    engine
        .warn("penalties and interest are not computed in this view (principal only)".to_string());
    engine.run()
}

/// The state of one invoice while payments are applied in date order.
struct Account<'d> {
    invoice: &'d Invoice,
    unpaid_principal: Decimal,
    /// Sum of the closed periods' rounded amounts.
    accrued: Decimal,
    accrued_paid: Decimal,
    paid: Decimal,
    /// First day not yet accrued.
    cursor: NaiveDate,
    /// First and last day on which penalties or interest may run (None: they never run).
    window: Option<(NaiveDate, NaiveDate)>,
    periods: Vec<Period>,
    principal_cleared_on: Option<NaiveDate>,
    paid_after_due: bool,
    allocated_on: Vec<NaiveDate>,
    imputations: Vec<Imputed>,
}

impl Account<'_> {
    fn settled(&self) -> bool {
        self.unpaid_principal.is_zero() && self.accrued == self.accrued_paid
    }
}

/// The rate of one half-year (or of the whole delay for b2g), computed once.
#[derive(Clone)]
struct Rate {
    rate: Decimal,
    basis: String,
    floored: bool,
}

struct Engine<'a> {
    dossier: &'a Dossier,
    rules: &'a Rules,
    as_of: NaiveDate,
    regime: Regime,
    rates: HashMap<(HalfYear, Option<NaiveDate>), Rate>,
    /// False for the principal-only view: no penalty or interest accrues.
    accrual: bool,
    used: BTreeSet<RuleUse>,
    warnings: Vec<String>,
    frozen: &'a Frozen,
}

impl<'a> Engine<'a> {
    fn new(dossier: &'a Dossier, rules: &'a Rules, as_of: NaiveDate, accrual: bool) -> Self {
        Engine {
            dossier,
            rules,
            as_of,
            regime: dossier.regime(),
            rates: HashMap::new(),
            accrual,
            used: BTreeSet::new(),
            warnings: Vec::new(),
            frozen: &NOT_FROZEN,
        }
    }

    fn warn(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }

    /// Looks up a rule value and records it for the statement's `rules` list.
    fn value(
        &mut self,
        id: &str,
        date: NaiveDate,
        purpose: impl FnOnce() -> String,
    ) -> Result<Decimal, CalcError> {
        let (rule, v) = self.rules.value(id, date, purpose)?;
        self.used.insert(RuleUse::of(rule, v));
        Ok(v.value)
    }

    fn run(mut self) -> Result<Statement, CalcError> {
        let dossier = self.dossier;
        let as_of = self.as_of;
        let events: Vec<&Event> = dossier.events.iter().filter(|e| e.date <= as_of).collect();
        let ignored_events = dossier.events.len() - events.len();
        let mut payments: Vec<&Payment> = dossier
            .payments
            .iter()
            .filter(|p| p.date <= as_of)
            .collect();
        let ignored_payments = dossier.payments.len() - payments.len();
        if ignored_payments + ignored_events > 0 {
            self.warn(format!(
                "{ignored_payments} payment(s) and {ignored_events} event(s) dated after the as-of date {as_of} are ignored"
            ));
        }
        // Spec §3: by date; on the same date those naming an invoice first, then by
        // increasing amount, then by reference (none first). The file's order never matters.
        payments.sort_by(|a, b| a.application_order().cmp(&b.application_order()));

        let mut invoices: Vec<&Invoice> = dossier.invoices.iter().collect();
        invoices.sort_by(|a, b| (a.due, a.issued, &a.number).cmp(&(b.due, b.issued, &b.number)));
        let index: HashMap<&str, usize> = invoices
            .iter()
            .enumerate()
            .map(|(i, inv)| (inv.number.as_str(), i))
            .collect();

        let mut accounts: Vec<Account<'_>> = Vec::with_capacity(invoices.len());
        for inv in &invoices {
            let window = self.window(inv, &events);
            accounts.push(Account {
                invoice: inv,
                unpaid_principal: inv.amount,
                accrued: Decimal::ZERO,
                accrued_paid: Decimal::ZERO,
                paid: Decimal::ZERO,
                cursor: window.map_or(inv.due, |(start, _)| start),
                window,
                periods: Vec::new(),
                principal_cleared_on: None,
                paid_after_due: false,
                allocated_on: Vec::new(),
                imputations: Vec::new(),
            });
        }

        let mut overpaid = Decimal::ZERO;
        // Every invoice before `oldest` is settled for good: once principal and accrued
        // amounts are paid nothing accrues any more, so the search only moves forward.
        let mut oldest = 0usize;
        for payment in payments {
            let mut left = payment.amount;
            if let Some(number) = &payment.invoice {
                let i = index[number.as_str()];
                left = self.allocate(&mut accounts[i], payment.date, left, true)?;
            }
            while left > Decimal::ZERO {
                while oldest < accounts.len() && accounts[oldest].settled() {
                    oldest += 1;
                }
                // Spec §6: the plan's excess skips what the plan covers.
                let mut next = oldest;
                while next < accounts.len()
                    && (accounts[next].settled()
                        || (self.frozen.since.is_some_and(|d| payment.date >= d)
                            && self.frozen.covers(&accounts[next].invoice.number)))
                {
                    next += 1;
                }
                let Some(account) = accounts.get_mut(next) else {
                    overpaid += left;
                    break;
                };
                left = self.allocate(account, payment.date, left, false)?;
            }
        }

        let mut lines = Vec::with_capacity(accounts.len());
        for mut account in accounts {
            self.accrue(&mut account, as_of)?;
            lines.push(self.line(account, &events)?);
        }

        let totals = Totals::of(&lines, overpaid);
        if overpaid > Decimal::ZERO {
            self.warn(format!(
                "payments exceed everything due by {} EUR: the excess is reported as overpaid and owed back to the debtor",
                cents_string(overpaid)
            ));
        }
        for l in &lines {
            if l.prescription.expires_on < as_of && l.total_due() > Decimal::ZERO {
                self.warn(format!(
                    "invoice {}: the claim has been time-barred since {} ({})",
                    l.number,
                    l.prescription
                        .expires_on
                        .succ_opt()
                        .unwrap_or(l.prescription.expires_on),
                    l.prescription.basis
                ));
            }
        }
        if let Some(opened) = dossier.debtor.insolvency_opened
            && dossier.invoices.iter().any(|inv| inv.issued < opened)
        {
            self.warn(format!(
                "insolvency proceedings opened on {opened}: claims born before that date cannot be paid \
                 (C. com. L622-7) and must be declared to the mandataire judiciaire within the time limit \
                 running from the BODACC publication (C. com. L622-24, R622-24); no formal notice or \
                 injonction de payer may be pursued for them (L622-21)"
            ));
        }
        for w in dossier.warnings() {
            if w.starts_with("terms.penalty_rate") || w.starts_with("payment_imputation") {
                self.warn(w);
            }
        }

        Ok(Statement {
            reference: dossier.reference.clone(),
            as_of,
            regime: self.regime,
            invoices: lines,
            totals,
            warnings: self.warnings,
            rules: cite(self.rules, self.used),
            plan: None,
        })
    }

    /// The days on which penalties or interest may run on an invoice.
    fn window(&mut self, inv: &Invoice, events: &[&Event]) -> Option<(NaiveDate, NaiveDate)> {
        if !self.accrual {
            return None;
        }
        let start = match self.regime {
            // L441-10 II, CCP L2192-13: from the day after the due date, without a reminder.
            Regime::B2b | Regime::B2g => inv.due.succ_opt()?,
            // C. civ. 1231-6, 1344-1: from the formal notice; one received before the due
            // date is premature and ignored.
            Regime::B2c | Regime::C2x => {
                let notices = events
                    .iter()
                    .filter(|e| e.kind == EventKind::FormalNotice && e.concerns(&inv.number));
                let premature = notices.clone().filter(|e| e.date <= inv.due).count();
                if premature > 0 {
                    self.warn(format!(
                        "invoice {}: a formal notice received on or before the due date {} is premature and does not make interest run",
                        inv.number, inv.due
                    ));
                }
                notices
                    .filter(|e| e.date > inv.due)
                    .map(|e| e.date)
                    .min()?
                    .succ_opt()?
            }
        };
        let mut end = self.as_of;
        // L622-28, L631-14, L641-3: the opening judgment stops interest on earlier claims.
        if let Some(opened) = self.dossier.debtor.opened_after(inv.issued) {
            end = end.min(opened.pred_opt()?);
        }
        // Spec §6: nothing more accrues on what a kept plan covers.
        if let Some(agreed) = self.frozen.since
            && self.frozen.covers(&inv.number)
        {
            end = end.min(agreed);
        }
        (start <= end).then_some((start, end))
    }

    /// Closes the accrual of `account` up to `until` (included), period by period.
    fn accrue(&mut self, account: &mut Account<'_>, until: NaiveDate) -> Result<(), CalcError> {
        let Some((_, last)) = account.window else {
            return Ok(());
        };
        let until = until.min(last);
        while account.cursor <= until {
            let from = account.cursor;
            let half = HalfYear::of(from);
            let to = match self.regime {
                // CCP R2192-31: one rate for the whole delay, no half-year cut.
                Regime::B2g => until,
                _ => until.min(half.end()),
            };
            account.cursor = to.succ_opt().expect("dates are bounded");
            let base = account.unpaid_principal;
            if base.is_zero() {
                continue;
            }
            let rate = self.rate(account.invoice, from)?;
            let days = (to - from).num_days() + 1;
            // Spec §3: actual days over 365 (leap years too); the rate is in percent.
            let amount = round_cents(base * rate.rate * Decimal::from(days) / Decimal::from(36500));
            account.accrued += amount;
            account.periods.push(Period {
                from,
                to,
                days,
                base,
                rate: rate.rate,
                amount,
                basis: rate.basis,
                floored: rate.floored,
            });
        }
        Ok(())
    }

    /// Applies up to `amount` of a payment made on `date` to one invoice; returns the rest.
    fn allocate(
        &mut self,
        account: &mut Account<'_>,
        date: NaiveDate,
        amount: Decimal,
        named: bool,
    ) -> Result<Decimal, CalcError> {
        self.accrue(account, date)?;
        let mut left = amount;
        let interest_due = account.accrued - account.accrued_paid;
        let imputation = if date <= account.invoice.due {
            // A payment on or before the due date goes to principal.
            Imputation::PrincipalFirst
        } else {
            self.dossier.payment_imputation
        };
        let (to_interest, to_principal) = match imputation {
            Imputation::InterestFirst => {
                let i = left.min(interest_due);
                left -= i;
                let p = left.min(account.unpaid_principal);
                left -= p;
                (i, p)
            }
            Imputation::PrincipalFirst => {
                let p = left.min(account.unpaid_principal);
                left -= p;
                let i = left.min(interest_due);
                left -= i;
                (i, p)
            }
        };
        account.accrued_paid += to_interest;
        account.unpaid_principal -= to_principal;
        if to_principal > Decimal::ZERO && account.unpaid_principal.is_zero() {
            account.principal_cleared_on = Some(date);
        }
        let taken = to_interest + to_principal;
        if taken > Decimal::ZERO {
            account.paid += taken;
            account.allocated_on.push(date);
            account.imputations.push(Imputed {
                date,
                to_accrued: to_interest,
                to_principal,
                order: imputation,
                before_due: date <= account.invoice.due,
                named,
                to_indemnity: Decimal::ZERO,
                plan: None,
            });
            if date > account.invoice.due {
                account.paid_after_due = true;
            }
        }
        Ok(left)
    }

    /// The annual rate for a period starting on `from`.
    fn rate(&mut self, inv: &Invoice, from: NaiveDate) -> Result<Rate, CalcError> {
        let half = match self.regime {
            // The half-year in which the delay started.
            Regime::B2g => HalfYear::of(inv.due.succ_opt().expect("bounded")),
            _ => HalfYear::of(from),
        };
        let key_date = match self.regime {
            Regime::B2g => Some(inv.due),
            _ => None,
        };
        if let Some(rate) = self.rates.get(&(half, key_date)) {
            return Ok(rate.clone());
        }
        let rate = self.compute_rate(inv, half)?;
        self.rates.insert((half, key_date), rate.clone());
        Ok(rate)
    }

    fn compute_rate(&mut self, inv: &Invoice, half: HalfYear) -> Result<Rate, CalcError> {
        let start = half.start();
        let fr = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
        match self.regime {
            Regime::B2b => {
                let purpose = |what: &str| {
                    let what = what.to_string();
                    let number = inv.number.clone();
                    move || format!("{what} of half-year {half} (invoice {number})")
                };
                match self.dossier.terms.penalty_rate {
                    PenaltyRate::Default => {
                        let ecb =
                            self.value("ecb-mro", start, purpose("the L441-10 penalty rate"))?;
                        let margin = self.value(
                            "l441-10-margin",
                            start.max(inv.due.succ_opt().expect("bounded")),
                            purpose("the L441-10 penalty rate"),
                        )?;
                        Ok(Rate {
                            floored: false,
                            rate: ecb + margin,
                            basis: format!(
                                "BCE {} % au {} + {} points (C. com. L441-10 II)",
                                rate_string(ecb).replace('.', ","),
                                fr(start),
                                margin.normalize()
                            ),
                        })
                    }
                    PenaltyRate::Contractual(rate) => {
                        let legal = self.value(
                            "legal-rate-other",
                            start,
                            purpose("the floor of the contractual penalty rate"),
                        )?;
                        let factor = self.value(
                            "l441-10-floor-factor",
                            start.max(inv.due.succ_opt().expect("bounded")),
                            purpose("the floor of the contractual penalty rate"),
                        )?;
                        let floor = legal * factor;
                        if rate < floor {
                            self.warn(format!(
                                "{half}: the contractual penalty rate {} % is below the floor of {} × the legal interest rate ({} %) = {} %: the floor applies (C. com. L441-10 II)",
                                rate_string(rate),
                                factor.normalize(),
                                rate_string(legal),
                                rate_string(floor)
                            ));
                            Ok(Rate {
                                rate: floor,
                                floored: true,
                                basis: format!(
                                    "taux contractuel de {} % l'an porté au minimum légal, {} fois le taux légal de {} % du {} (C. com. L441-10 II)",
                                    rate_string(rate).replace('.', ","),
                                    factor.normalize(),
                                    rate_string(legal).replace('.', ","),
                                    half.fr()
                                ),
                            })
                        } else {
                            Ok(Rate {
                                floored: false,
                                rate,
                                basis: "taux contractuel (C. com. L441-10 II)".to_string(),
                            })
                        }
                    }
                }
            }
            Regime::B2g => {
                let started = inv.due.succ_opt().expect("bounded");
                let number = inv.number.clone();
                let ecb = self.value("ecb-mro", start, || {
                    format!(
                        "the moratory interest rate of invoice {number} (delay started in {half})"
                    )
                })?;
                let number = inv.number.clone();
                let margin = self.value("ccp-moratory-margin", started, || {
                    format!("the moratory interest rate of invoice {number}")
                })?;
                Ok(Rate {
                    floored: false,
                    rate: ecb + margin,
                    basis: format!(
                        "BCE {} % au {} + {} points (CCP R2192-31)",
                        rate_string(ecb).replace('.', ","),
                        fr(start),
                        margin.normalize()
                    ),
                })
            }
            Regime::B2c | Regime::C2x => {
                let (id, column) = match self.dossier.creditor.kind {
                    CreditorKind::Individual => ("legal-rate-individual", "créancier particulier"),
                    CreditorKind::Company => ("legal-rate-other", "autres cas"),
                };
                let number = inv.number.clone();
                let legal = self.value(id, start, || {
                    format!("the legal interest of half-year {half} (invoice {number})")
                })?;
                Ok(Rate {
                    floored: false,
                    rate: legal,
                    basis: format!(
                        "taux légal du {}, {column} (C. civ. 1231-6, 1344-1)",
                        half.fr()
                    ),
                })
            }
        }
    }

    fn line(&mut self, account: Account<'_>, events: &[&Event]) -> Result<InvoiceLine, CalcError> {
        let inv = account.invoice;
        let days_late = match account.principal_cleared_on {
            Some(cleared) if account.unpaid_principal.is_zero() => {
                (cleared - inv.due).num_days().max(0)
            }
            _ => (self.as_of - inv.due).num_days().max(0),
        };
        let accrued: Decimal = account.periods.iter().map(|p| p.amount).sum();
        debug_assert_eq!(accrued, account.accrued);
        let (penalties, interest) = match self.regime {
            Regime::B2b => (accrued, Decimal::ZERO),
            _ => (Decimal::ZERO, accrued),
        };
        let indemnity = self.indemnity(inv, days_late > 0 || account.paid_after_due)?;
        let (prescription, rule) =
            prescription(self.dossier, self.rules, inv, events, &account.allocated_on)?;
        self.used.insert(rule);
        Ok(InvoiceLine {
            number: inv.number.clone(),
            issued: inv.issued,
            due: inv.due,
            principal: inv.amount,
            paid: account.paid,
            outstanding: account.unpaid_principal,
            days_late,
            penalties,
            indemnity,
            interest,
            penalties_paid: account.accrued_paid,
            indemnity_paid: Decimal::ZERO,
            waived: Decimal::ZERO,
            periods: account.periods,
            prescription,
            imputations: account.imputations,
        })
    }

    /// The fixed recovery indemnity: b2b (L441-10 II, D441-5) and b2g (L2192-13, D2192-35).
    fn indemnity(&mut self, inv: &Invoice, late: bool) -> Result<Decimal, CalcError> {
        let id = match self.regime {
            Regime::B2b => "l441-10-indemnity",
            Regime::B2g => "ccp-indemnity",
            Regime::B2c | Regime::C2x => return Ok(Decimal::ZERO),
        };
        if !late {
            return Ok(Decimal::ZERO);
        }
        // Not due when an insolvency procedure forbade payment at the due date (L441-10 II).
        if let Some(opened) = self.dossier.debtor.opened_after(inv.issued)
            && inv.due >= opened
        {
            return Ok(Decimal::ZERO);
        }
        let number = inv.number.clone();
        self.value(id, inv.due.succ_opt().expect("bounded"), || {
            format!("the recovery indemnity of invoice {number}")
        })
    }
}

impl From<RuleError> for CalcError {
    fn from(e: RuleError) -> Self {
        CalcError::Rule(Box::new(e))
    }
}

// ----- JSON (spec §4) -----

impl Statement {
    /// The statement as the JSON object of spec §4.
    pub fn to_json(&self) -> serde_json::Value {
        JsonStatement::from(self).into_value()
    }

    /// The JSON text of spec §4, pretty-printed with a final newline (what `compute` prints).
    pub fn to_json_string(&self) -> String {
        let mut s = serde_json::to_string_pretty(&JsonStatement::from(self))
            .expect("plain strings and numbers");
        s.push('\n');
        s
    }
}

#[derive(Serialize)]
struct JsonStatement<'a> {
    reference: &'a str,
    as_of: String,
    regime: &'static str,
    currency: &'static str,
    invoices: Vec<JsonInvoice<'a>>,
    totals: JsonTotals,
    warnings: &'a [String],
    rules: Vec<JsonRule<'a>>,
    /// Spec §6: only when a payment plan was agreed on or before the as-of date.
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_plan: Option<serde_json::Value>,
}

/// Totals in the spec's field order.
#[derive(Serialize)]
struct JsonTotals {
    principal: String,
    paid: String,
    outstanding: String,
    penalties: String,
    indemnities: String,
    interest: String,
    penalties_paid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    indemnities_paid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<String>,
    overpaid: String,
    total_due: String,
}

#[derive(Serialize)]
struct JsonInvoice<'a> {
    number: &'a str,
    issued: String,
    due: String,
    principal: String,
    paid: String,
    outstanding: String,
    days_late: i64,
    penalties: String,
    indemnity: String,
    interest: String,
    penalties_paid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    indemnity_paid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<String>,
    total_due: String,
    periods: Vec<JsonPeriod<'a>>,
    prescription: JsonPrescription<'a>,
}

#[derive(Serialize)]
struct JsonPeriod<'a> {
    from: String,
    to: String,
    days: i64,
    base: String,
    rate: String,
    amount: String,
    basis: &'a str,
}

#[derive(Serialize)]
struct JsonPrescription<'a> {
    expires_on: String,
    basis: &'a str,
    started_on: String,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    label: &'a str,
    value: String,
    from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    article: &'a str,
    source: &'a str,
}

impl<'a> From<&'a Statement> for JsonStatement<'a> {
    fn from(s: &'a Statement) -> Self {
        let t = &s.totals;
        // The plan's fields appear only with a plan, so every other statement keeps its shape.
        let with_plan = |d: Decimal| s.plan.is_some().then(|| cents_string(d));
        JsonStatement {
            reference: &s.reference,
            as_of: s.as_of.to_string(),
            regime: s.regime.as_str(),
            currency: "EUR",
            invoices: s
                .invoices
                .iter()
                .map(|l| JsonInvoice {
                    number: &l.number,
                    issued: l.issued.to_string(),
                    due: l.due.to_string(),
                    principal: cents_string(l.principal),
                    paid: cents_string(l.paid),
                    outstanding: cents_string(l.outstanding),
                    days_late: l.days_late,
                    penalties: cents_string(l.penalties),
                    indemnity: cents_string(l.indemnity),
                    interest: cents_string(l.interest),
                    penalties_paid: cents_string(l.penalties_paid),
                    indemnity_paid: with_plan(l.indemnity_paid),
                    waived: with_plan(l.waived),
                    total_due: cents_string(l.total_due()),
                    periods: l
                        .periods
                        .iter()
                        .map(|p| JsonPeriod {
                            from: p.from.to_string(),
                            to: p.to.to_string(),
                            days: p.days,
                            base: cents_string(p.base),
                            rate: rate_string(p.rate),
                            amount: cents_string(p.amount),
                            basis: &p.basis,
                        })
                        .collect(),
                    prescription: JsonPrescription {
                        expires_on: l.prescription.expires_on.to_string(),
                        basis: &l.prescription.basis,
                        started_on: l.prescription.started_on.to_string(),
                    },
                })
                .collect(),
            totals: JsonTotals {
                principal: cents_string(t.principal),
                paid: cents_string(t.paid),
                outstanding: cents_string(t.outstanding),
                penalties: cents_string(t.penalties),
                indemnities: cents_string(t.indemnities),
                interest: cents_string(t.interest),
                penalties_paid: cents_string(t.penalties_paid),
                indemnities_paid: with_plan(t.indemnities_paid),
                waived: with_plan(t.waived),
                overpaid: cents_string(t.overpaid),
                total_due: cents_string(t.total_due),
            },
            warnings: &s.warnings,
            rules: s
                .rules
                .iter()
                .map(|r| JsonRule {
                    id: &r.id,
                    label: &r.label,
                    value: r.value.to_string(),
                    from: r.from.to_string(),
                    to: r.to.map(|d| d.to_string()),
                    article: &r.article,
                    source: &r.source,
                })
                .collect(),
            payment_plan: s.plan.as_ref().map(PlanState::to_json),
        }
    }
}

impl JsonStatement<'_> {
    fn into_value(self) -> serde_json::Value {
        serde_json::to_value(self).expect("plain strings and numbers")
    }
}
