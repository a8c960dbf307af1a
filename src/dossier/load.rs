//! Text -> validated [`Dossier`], reporting every problem at once (spec §1).

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::ids::{is_valid_siren, normalize_iban};
use super::*;
use crate::error::{Problem, Problems};
use crate::tree::{self, Node, Reader, Table, Value, join};

/// The text format of a dossier file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

/// Longest reference (spec §1).
const MAX_REFERENCE: usize = 64;
/// Longest free-text value: long enough for any real name or description, short enough
/// that a hostile file cannot make letters unreadable.
const MAX_TEXT: usize = 2000;
/// A French address block has at most 6 lines (NF Z 10-011).
const MAX_ADDRESS_LINES: usize = 6;
/// The largest dossier the documents are made for: at 2,500 invoices the statement
/// (décompte) took 2.3 GB to render (`benches/large.rs`), at this size under 1 GB; `check`
/// says so.
pub const MAX_INVOICES: usize = 1_000;
/// Payments and events: each is a line of the statement or of the timeline.
pub const MAX_PAYMENTS: usize = 10_000;
pub const MAX_EVENTS: usize = 10_000;
/// Larger amounts are typing mistakes; the bound keeps every product far from overflow.
const MAX_AMOUNT: &str = "999999999999.99";

/// Parses and validates a dossier.
///
/// `file` is how messages name the file (`dossier.toml`, `clients/dupont/dossier.json`).
///
/// # Errors
/// Every problem found: syntax, unknown or missing fields, wrong types, invalid SIREN or
/// IBAN, duplicate invoice numbers, `due` before `issued`, amounts that are not positive
/// decimal strings with at most two decimals, references to unknown invoices, pieces that
/// would leave the dossier folder.
///
/// # Example
/// ```
/// use relance::dossier::{parse, Format};
/// let err = parse("reference = 42\n", Format::Toml, "dossier.toml").unwrap_err();
/// assert!(err.to_string().contains("dossier.toml: reference: \"42\": expected a string"));
/// ```
pub fn parse(text: &str, format: Format, file: &str) -> Result<Dossier, Problems> {
    let root = match format {
        Format::Toml => tree::parse_toml(text),
        Format::Json => tree::parse_json(text),
    }
    .map_err(|e| e.into_problems(file))?;
    let mut cx = Reader {
        file,
        problems: Problems::default(),
    };
    let dossier = cx.dossier(&root);
    // In file order, so a user reads them top to bottom (stable: same line keeps its order).
    cx.problems.0.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    match dossier {
        Some(d) if cx.problems.is_empty() => Ok(d),
        _ => {
            if cx.problems.is_empty() {
                cx.problems
                    .push(Problem::new(file, "", "the dossier is not valid"));
            }
            Err(cx.problems)
        }
    }
}

/// The creditor's side of a dossier, as an import's `--creditor` file holds it (spec §5):
/// the `[creditor]` table, optionally `[terms]` and `[agency]`, and `payment_days`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditorFile {
    pub creditor: Creditor,
    pub terms: Option<Terms>,
    pub agency: Option<Agency>,
    /// Days from the issue date to the due date when the source gives no due date.
    pub payment_days: Option<u32>,
    /// The creditor's dunning scenario (`legal-rules/scenarios/<id>.toml`), copied into
    /// every dossier imported for it.
    pub scenario: Option<String>,
}

/// Longer payment terms are typing mistakes. Whether a term is lawful (C. com. L441-10 I)
/// is for the contract and the rules, not for this check.
pub const MAX_PAYMENT_DAYS: u32 = 365;

/// Parses and validates the `--creditor` file of `relance import`, with the same checks
/// and messages as the matching tables of a dossier.
///
/// # Errors
/// Every problem found: syntax, unknown fields, the checks of [`parse`] on `[creditor]`,
/// `[terms]` and `[agency]`, a `payment_days` that is not a whole number of days from 0
/// to 365.
///
/// # Example
/// ```
/// use relance::dossier::parse_creditor_file;
/// let err = parse_creditor_file("payment_days = 400\n", "relance.toml").unwrap_err();
/// assert!(err.to_string().contains("relance.toml: creditor: missing (required)"));
/// assert!(err.to_string().contains("relance.toml: payment_days: \"400\": at most 365 days"));
/// ```
pub fn parse_creditor_file(text: &str, file: &str) -> Result<CreditorFile, Problems> {
    let root = tree::parse_toml(text).map_err(|e| e.into_problems(file))?;
    let mut cx = Reader {
        file,
        problems: Problems::default(),
    };
    let parsed = cx.creditor_file(&root);
    cx.problems.0.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
    match parsed {
        Some(c) if cx.problems.is_empty() => Ok(c),
        _ => {
            if cx.problems.is_empty() {
                cx.problems
                    .push(Problem::new(file, "", "the creditor file is not valid"));
            }
            Err(cx.problems)
        }
    }
}

impl Reader<'_> {
    fn creditor_file(&mut self, root: &Node) -> Option<CreditorFile> {
        let mut t = self.table("", root)?;
        let creditor = self
            .required(&mut t, "creditor")
            .and_then(|(f, n)| self.creditor(&f, n));
        let terms = match self.take(&mut t, "terms") {
            None => Some(None),
            Some((f, n)) => self.terms(&f, n).map(Some),
        };
        let agency = match self.take(&mut t, "agency") {
            None => Some(None),
            Some((f, n)) => self.agency(&f, n).map(Some),
        };
        let payment_days = match self.take(&mut t, "payment_days") {
            None => Some(None),
            Some((f, n)) => match &n.value {
                Value::Number(s) => match s.parse::<u32>() {
                    Ok(days) if days <= MAX_PAYMENT_DAYS => Some(Some(days)),
                    Ok(_) => {
                        self.bad(
                            &f,
                            n,
                            format!(
                                "at most {MAX_PAYMENT_DAYS} days from the issue date: \
                                 a typing mistake?"
                            ),
                        );
                        None
                    }
                    Err(_) => {
                        self.bad(&f, n, "expected a whole number of days, e.g. 30");
                        None
                    }
                },
                other => {
                    let kind = other.kind();
                    self.bad(
                        &f,
                        n,
                        format!("expected a whole number of days, e.g. 30, found {kind}"),
                    );
                    None
                }
            },
        };
        let scenario = self.opt_text(&mut t, "scenario", 64);
        self.finish(t);
        Some(CreditorFile {
            creditor: creditor?,
            terms: terms?,
            agency: agency?,
            payment_days: payment_days?,
            scenario,
        })
    }
}

impl Reader<'_> {
    fn amount(&mut self, field: &str, node: &Node) -> Option<Decimal> {
        let s = match &node.value {
            Value::Str(s) => s,
            Value::Number(n) => {
                self.bad(
                    field,
                    node,
                    format!(
                        "expected a string such as \"{}\": amounts are written in quotes so that \
                         no binary float ever touches money",
                        suggest_amount(n)
                    ),
                );
                return None;
            }
            other => {
                let kind = other.kind();
                self.bad(
                    field,
                    node,
                    format!("expected an amount such as \"1200.00\", found {kind}"),
                );
                return None;
            }
        };
        match parse_amount(s) {
            Ok(d) => Some(d),
            Err(message) => {
                self.bad(field, node, message);
                None
            }
        }
    }

    pub(super) fn req_amount(&mut self, t: &mut Table<'_>, key: &str) -> Option<Decimal> {
        let (field, node) = self.required(t, key)?;
        self.amount(&field, node)
    }

    fn address(&mut self, field: &str, node: &Node) -> Option<Vec<String>> {
        let Value::Array(items) = &node.value else {
            self.bad(
                field,
                node,
                format!(
                    "expected an array of lines, e.g. [\"12 rue des Lilas\", \"69003 Lyon\"], found {}",
                    node.value.kind()
                ),
            );
            return None;
        };
        if items.len() < 2 || items.len() > MAX_ADDRESS_LINES {
            self.bad(
                field,
                node,
                format!(
                    "expected 2 to {MAX_ADDRESS_LINES} lines, found {}",
                    items.len()
                ),
            );
            return None;
        }
        let mut lines = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let f = format!("{field}[{i}]");
            match self.string(&f, item, 200, false) {
                Some(s) => lines.push(s),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let last = lines.last().expect("at least two lines");
        if !starts_with_postal_code(last) {
            let f = format!("{field}[{}]", lines.len() - 1);
            self.bad(
                &f,
                &items[lines.len() - 1],
                "the last line must start with the 5-digit postal code and a space, e.g. \"69003 Lyon\"",
            );
            return None;
        }
        Some(lines)
    }

    fn siren(&mut self, field: &str, node: &Node) -> Option<String> {
        let s = self.string(field, node, 20, false)?;
        if is_valid_siren(&s) {
            Some(s)
        } else if s.len() != 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
            self.bad(field, node, "expected 9 digits without spaces (SIREN)");
            None
        } else {
            self.bad(field, node, "not a valid SIREN (Luhn check digit)");
            None
        }
    }

    fn email(&mut self, field: &str, node: &Node) -> Option<String> {
        let s = self.string(field, node, 254, false)?;
        if is_email(&s) {
            Some(s)
        } else {
            self.bad(field, node, "not an email address");
            None
        }
    }

    /// A piece path, checked as text here; `fs::check_pieces` checks it on disk.
    pub(super) fn piece(&mut self, field: &str, node: &Node) -> Option<String> {
        let s = self.string(field, node, 500, false)?;
        if let Err(message) = check_piece_path(&s) {
            self.bad(field, node, message);
            return None;
        }
        Some(s)
    }

    fn dossier(&mut self, root: &Node) -> Option<Dossier> {
        let mut t = self.table("", root)?;
        let reference = self.req_text(&mut t, "reference", MAX_REFERENCE);
        let language = match self.take(&mut t, "language") {
            None => Some("fr".to_string()),
            Some((field, node)) => self
                .choice(&field, node, &[("fr", "fr")])
                .map(str::to_string),
        };
        let payment_imputation = match self.take(&mut t, "payment_imputation") {
            None => Some(None),
            Some((field, node)) => self
                .choice(
                    &field,
                    node,
                    &[
                        ("interest-first", Imputation::InterestFirst),
                        ("principal-first", Imputation::PrincipalFirst),
                    ],
                )
                .map(Some),
        };
        let scenario = self.opt_text(&mut t, "scenario", 64);
        let creditor = self
            .required(&mut t, "creditor")
            .and_then(|(f, n)| self.creditor(&f, n));
        let debtor = self
            .required(&mut t, "debtor")
            .and_then(|(f, n)| self.debtor(&f, n));
        let agency = match self.take(&mut t, "agency") {
            None => Some(None),
            Some((f, n)) => self.agency(&f, n).map(Some),
        };
        let terms = match self.take(&mut t, "terms") {
            None => Some(Terms::default()),
            Some((f, n)) => self.terms(&f, n),
        };
        let contract = match self.take(&mut t, "contract") {
            None => Some(None),
            Some((f, n)) => self.contract(&f, n).map(Some),
        };
        let court = match self.take(&mut t, "court") {
            None => Some(None),
            Some((f, n)) => self.court(&f, n).map(Some),
        };
        let lawyer = match self.take(&mut t, "lawyer") {
            None => Some(None),
            Some((f, n)) => self.lawyer(&f, n).map(Some),
        };

        let invoice_nodes = self.array_of_tables(&mut t, "invoices");
        if invoice_nodes.is_empty() {
            self.problem(
                "invoices",
                None,
                "a dossier needs at least one [[invoices]] entry",
            );
        }
        for (what, count, max) in [
            ("invoices", invoice_nodes.len(), MAX_INVOICES),
            ("payments", count_of(&t, "payments"), MAX_PAYMENTS),
            ("events", count_of(&t, "events"), MAX_EVENTS),
        ] {
            if count > max {
                self.problem(
                    what,
                    None,
                    format!(
                        "{count} {what}, more than the {max} a dossier supports (its documents \
                         would not render in bounded time and memory): split the dossier"
                    ),
                );
            }
        }
        let mut invoices = Vec::new();
        let mut numbers: BTreeMap<String, String> = BTreeMap::new();
        for (field, node) in &invoice_nodes {
            // Numbers are registered even when the invoice has other problems, so a
            // duplicate is always reported and payments naming it are not.
            let mut duplicate = false;
            if let Some(number) = raw_number(node) {
                if let Some(first) = numbers.get(&number) {
                    duplicate = true;
                    self.problems.push(
                        Problem::new(
                            self.file,
                            format!("{field}.number"),
                            format!("duplicate invoice number (already in {first})"),
                        )
                        .with_value(number)
                        .at_line(number_line(node)),
                    );
                } else {
                    numbers.insert(number, field.clone());
                }
            }
            if let Some(inv) = self.invoice(field, node)
                && !duplicate
            {
                invoices.push(inv);
            }
        }
        let payment_nodes = self.array_of_tables(&mut t, "payments");
        let mut payments = Vec::new();
        for (field, node) in &payment_nodes {
            if let Some(p) = self.payment(field, node, &numbers) {
                payments.push(p);
            }
        }
        let event_nodes = self.array_of_tables(&mut t, "events");
        let mut events = Vec::new();
        let mut event_index = Vec::new();
        for (i, (field, node)) in event_nodes.iter().enumerate() {
            if let Some(e) = self.event(field, node, &numbers) {
                events.push(e);
                event_index.push(i);
            }
        }
        self.distinct_parties(creditor.as_ref(), debtor.as_ref(), agency.as_ref());
        let exhibits = self.exhibits(&mut t);
        let regime = match (&creditor, &debtor) {
            (Some(c), Some(d)) => Some(regime_of(c.kind, d.kind, d.is_public_person())),
            _ => None,
        };
        let plan_node = self.take(&mut t, "payment_plan");
        let plan_present = plan_node.is_some();
        let payment_plan = match plan_node {
            None => Some(None),
            Some((f, n)) => self.payment_plan(&f, n, regime, &numbers).map(Some),
        };
        self.plan_events(
            &event_nodes,
            &events,
            &event_index,
            payment_plan.as_ref().and_then(|p| p.as_ref()),
            plan_present,
        );
        self.finish(t);

        let (creditor, debtor, payment_imputation) = (creditor?, debtor?, payment_imputation?);
        // Spec §3: principal-first by default against a public person (CCP R2192-36).
        let default_imputation =
            if creditor.kind == CreditorKind::Company && debtor.is_public_person() {
                Imputation::PrincipalFirst
            } else {
                Imputation::InterestFirst
            };
        Some(Dossier {
            reference: reference?,
            language: language?,
            payment_imputation: payment_imputation.unwrap_or(default_imputation),
            imputation_explicit: payment_imputation.is_some(),
            contract: contract?,
            exhibits,
            court: court?,
            lawyer: lawyer?,
            scenario,
            creditor,
            debtor,
            agency: agency?,
            terms: terms?,
            invoices,
            payments,
            events,
            payment_plan: payment_plan?,
        })
    }

    /// Creditor, debtor and agency are three persons: one SIREN given to two of them is a
    /// mistake of the file, and a letter would identify the wrong company.
    fn distinct_parties(
        &mut self,
        creditor: Option<&Creditor>,
        debtor: Option<&Debtor>,
        agency: Option<&Option<Agency>>,
    ) {
        let creditor = creditor.and_then(|c| c.siren.as_deref());
        let debtor = debtor.and_then(|d| d.siren.as_deref());
        let agency = agency.and_then(|a| a.as_ref()).map(|a| a.siren.as_str());
        for (field, siren, other, other_field) in [
            ("debtor.siren", debtor, creditor, "creditor.siren"),
            ("agency.siren", agency, creditor, "creditor.siren"),
            ("agency.siren", agency, debtor, "debtor.siren"),
        ] {
            if let (Some(s), Some(o)) = (siren, other)
                && s == o
            {
                self.problems.push(
                    Problem::new(
                        self.file,
                        field,
                        format!(
                            "the same SIREN as {other_field}: the parties are different \
                             persons, each with its own SIREN"
                        ),
                    )
                    .with_value(s.to_string()),
                );
            }
        }
    }

    fn creditor(&mut self, path: &str, node: &Node) -> Option<Creditor> {
        let mut t = self.table(path, node)?;
        let kind = self.required(&mut t, "kind").and_then(|(f, n)| {
            self.choice(
                &f,
                n,
                &[
                    ("company", CreditorKind::Company),
                    ("individual", CreditorKind::Individual),
                ],
            )
        });
        let name = self.req_text(&mut t, "name", 200);
        let legal_form = self.take(&mut t, "legal_form");
        let siren = self.take(&mut t, "siren");
        let (legal_form, siren) = match kind {
            Some(CreditorKind::Individual) => {
                for (f, n) in [&legal_form, &siren].into_iter().flatten() {
                    self.bad(f, n, "for a company creditor only (kind = \"company\")");
                }
                (Some(None), Some(None))
            }
            _ => {
                let lf = match legal_form {
                    Some((f, n)) => self.string(&f, n, 100, false).map(Some),
                    None => Some(None),
                };
                let s = match siren {
                    Some((f, n)) => self.siren(&f, n).map(Some),
                    None => {
                        if kind == Some(CreditorKind::Company) {
                            self.problem(
                                &join(path, "siren"),
                                t.line,
                                "missing: a company creditor must give its SIREN (CPC 54, C. com. R123-237)",
                            );
                        }
                        None
                    }
                };
                (lf, s)
            }
        };
        let address = self
            .required(&mut t, "address")
            .and_then(|(f, n)| self.address(&f, n));
        let email = match self.take(&mut t, "email") {
            Some((f, n)) => self.email(&f, n).map(Some),
            None => Some(None),
        };
        let iban = match self.take(&mut t, "iban") {
            Some((f, n)) => match self.string(&f, n, 60, false) {
                Some(s) => match normalize_iban(&s) {
                    Ok(iban) => Some(Some(iban)),
                    Err(message) => {
                        self.bad(&f, n, message);
                        None
                    }
                },
                None => None,
            },
            None => Some(None),
        };
        let signatory = self.opt_text(&mut t, "signatory", 200);
        let extra = self.creditor_extra(&mut t, kind);
        self.finish(t);
        Some(Creditor {
            kind: kind?,
            name: name?,
            legal_form: legal_form?,
            siren: siren?,
            address: address?,
            email: email?,
            iban: iban?,
            signatory,
            extra: extra?,
        })
    }

    /// The optional fields of [`CreditorExtra`]; an individual's civil status only for an
    /// individual, the registry and capital only for a company.
    fn creditor_extra(
        &mut self,
        t: &mut Table<'_>,
        kind: Option<CreditorKind>,
    ) -> Option<CreditorExtra> {
        let mut ok = true;
        let telephone = self.opt_text(t, "telephone", 40);
        let company_only = [
            "rcs_city",
            "share_capital",
            "representative",
            "representative_capacity",
        ];
        let individual_only = [
            "civility",
            "birth_date",
            "birth_place",
            "nationality",
            "profession",
        ];
        for key in company_only {
            if kind == Some(CreditorKind::Individual)
                && let Some((f, n)) = t
                    .entries
                    .iter()
                    .find(|e| e.key == key)
                    .map(|e| (join(&t.path, key), &e.node))
            {
                self.bad(&f, n, "for a company creditor only (kind = \"company\")");
                ok = false;
            }
        }
        for key in individual_only {
            if kind == Some(CreditorKind::Company)
                && let Some((f, n)) = t
                    .entries
                    .iter()
                    .find(|e| e.key == key)
                    .map(|e| (join(&t.path, key), &e.node))
            {
                self.bad(
                    &f,
                    n,
                    "for an individual creditor only (kind = \"individual\")",
                );
                ok = false;
            }
        }
        let rcs_city = self.opt_text(t, "rcs_city", 100);
        let share_capital = match self.take(t, "share_capital") {
            Some((f, n)) => {
                match &n.value {
                    Value::Str(v) => match Decimal::from_str(v) {
                        Ok(d) if d > Decimal::ZERO && d.scale() <= 2 => Some(d),
                        _ => {
                            self.bad(&f, n, "expected a positive amount in euros as a string, e.g. \"10000.00\"");
                            ok = false;
                            None
                        }
                    },
                    _ => {
                        self.bad(
                            &f,
                            n,
                            "expected a positive amount in euros as a string, e.g. \"10000.00\"",
                        );
                        ok = false;
                        None
                    }
                }
            }
            None => None,
        };
        let representative = self.opt_text(t, "representative", 200);
        let representative_capacity = self.opt_text(t, "representative_capacity", 100);
        let civility = self.civility(t, &mut ok);
        let birth_date = match self.take(t, "birth_date") {
            Some((f, n)) => {
                let d = self.date(&f, n);
                ok &= d.is_some();
                d
            }
            None => None,
        };
        let birth_place = self.opt_text(t, "birth_place", 200);
        let nationality = self.opt_text(t, "nationality", 100);
        let profession = self.opt_text(t, "profession", 200);
        let consumer_mediator = self.opt_text(t, "consumer_mediator", 500);
        ok.then_some(CreditorExtra {
            telephone,
            rcs_city,
            share_capital,
            representative,
            representative_capacity,
            civility,
            birth_date,
            birth_place,
            nationality,
            profession,
            consumer_mediator,
        })
    }

    fn civility(&mut self, t: &mut Table<'_>, ok: &mut bool) -> Option<Civility> {
        let (f, n) = self.take(t, "civility")?;
        let c = self.choice(
            &f,
            n,
            &[("Mme", Civility::Madame), ("M.", Civility::Monsieur)],
        );
        *ok &= c.is_some();
        c
    }

    fn debtor(&mut self, path: &str, node: &Node) -> Option<Debtor> {
        let mut t = self.table(path, node)?;
        let kind = self.required(&mut t, "kind").and_then(|(f, n)| {
            self.choice(
                &f,
                n,
                &[
                    ("company", DebtorKind::Company),
                    ("consumer", DebtorKind::Consumer),
                    ("public-body", DebtorKind::PublicBody),
                ],
            )
        });
        let name = self.req_text(&mut t, "name", 200);
        let legal_form = match self.take(&mut t, "legal_form") {
            Some((f, n)) if kind == Some(DebtorKind::Consumer) => {
                self.bad(&f, n, "a consumer has no legal form (kind = \"consumer\")");
                None
            }
            Some((f, n)) => self.string(&f, n, 100, false).map(Some),
            None => Some(None),
        };
        let public_status = match self.take(&mut t, "public_status") {
            Some((f, n)) if kind != Some(DebtorKind::PublicBody) => {
                self.bad(
                    &f,
                    n,
                    "for a public-body debtor only (kind = \"public-body\")",
                );
                None
            }
            Some((f, n)) => self
                .choice(
                    &f,
                    n,
                    &[
                        ("public-person", PublicStatus::PublicPerson),
                        ("local-authority", PublicStatus::LocalAuthority),
                        ("public-hospital", PublicStatus::PublicHospital),
                        ("state", PublicStatus::State),
                        ("public-undertaking", PublicStatus::PublicUndertaking),
                    ],
                )
                .map(Some),
            None => Some(None),
        };
        let registered_office = match self.take(&mut t, "registered_office") {
            Some((f, n)) if kind == Some(DebtorKind::Consumer) => {
                self.bad(
                    &f,
                    n,
                    "a consumer has no registered office (kind = \"consumer\")",
                );
                None
            }
            Some((f, n)) => self.address(&f, n).map(Some),
            None => Some(None),
        };
        let insee = match self.take(&mut t, "insee") {
            Some((f, n)) => match self.string(&f, n, 5, false) {
                Some(code) if is_insee_code(&code) => Some(Some(code)),
                Some(_) => {
                    self.bad(
                        &f,
                        n,
                        "expected the commune's 5-character INSEE code, e.g. \"69266\" or \"2A004\"",
                    );
                    None
                }
                None => None,
            },
            None => Some(None),
        };
        let siren = match self.take(&mut t, "siren") {
            Some((f, n)) if kind == Some(DebtorKind::Consumer) => {
                self.bad(&f, n, "a consumer has no SIREN (kind = \"consumer\")");
                None
            }
            Some((f, n)) => self.siren(&f, n).map(Some),
            None => Some(None),
        };
        let address = match self.take(&mut t, "address") {
            Some((f, n)) => self.address(&f, n).map(Some),
            None => Some(None),
        };
        let email = match self.take(&mut t, "email") {
            Some((f, n)) => self.email(&f, n).map(Some),
            None => Some(None),
        };
        let insolvency_opened = match self.take(&mut t, "insolvency_opened") {
            Some((f, n)) => self.date(&f, n).map(Some),
            None => Some(None),
        };
        let mut extra_ok = true;
        let extra = DebtorExtra {
            attention: self.opt_text(&mut t, "attention", 200),
            civility: self.civility(&mut t, &mut extra_ok),
            reference: self.opt_text(&mut t, "reference", 100),
        };
        self.finish(t);
        Some(Debtor {
            kind: kind?,
            name: name?,
            legal_form: legal_form?,
            public_status: public_status?,
            siren: siren?,
            registered_office: registered_office?,
            insee: insee?,
            address: address?,
            email: email?,
            insolvency_opened: insolvency_opened?,
            extra: extra_ok.then_some(extra)?,
        })
    }

    fn agency(&mut self, path: &str, node: &Node) -> Option<Agency> {
        let mut t = self.table(path, node)?;
        let name = self.req_text(&mut t, "name", 200);
        let siren = self
            .required(&mut t, "siren")
            .and_then(|(f, n)| self.siren(&f, n));
        let address = self
            .required(&mut t, "address")
            .and_then(|(f, n)| self.address(&f, n));
        let mandate = self.req_text(&mut t, "mandate", 100);
        let mandated = match self.take(&mut t, "mandated") {
            Some((f, n)) => self.date(&f, n).map(Some),
            None => Some(None),
        };
        self.finish(t);
        Some(Agency {
            name: name?,
            siren: siren?,
            address: address?,
            mandate: mandate?,
            mandated: mandated?,
        })
    }

    fn terms(&mut self, path: &str, node: &Node) -> Option<Terms> {
        let mut t = self.table(path, node)?;
        let rate = match self.take(&mut t, "penalty_rate") {
            None => Some(PenaltyRate::Default),
            Some((f, n)) => match &n.value {
                Value::Str(s) if s == "default" => Some(PenaltyRate::Default),
                Value::Str(s) => match parse_rate(s) {
                    Ok(r) => Some(PenaltyRate::Contractual(r)),
                    Err(m) => {
                        self.bad(&f, n, m);
                        None
                    }
                },
                _ => {
                    self.bad(
                        &f,
                        n,
                        "expected \"default\" or an annual rate in percent as a string, e.g. \"12.5\"",
                    );
                    None
                }
            },
        };
        let claims = match self.take(&mut t, "claims") {
            None => Some(ClaimKind::Invoices),
            Some((f, n)) => self.choice(
                &f,
                n,
                &[
                    ("invoices", ClaimKind::Invoices),
                    ("rents", ClaimKind::Rents),
                ],
            ),
        };
        self.finish(t);
        Some(Terms {
            penalty_rate: rate?,
            claims: claims?,
        })
    }

    fn invoice(&mut self, path: &str, node: &Node) -> Option<Invoice> {
        let mut t = self.table(path, node)?;
        let number = self.req_text(&mut t, "number", 64);
        let issued = self.req_date(&mut t, "issued");
        let due_node = t.entries.iter().find(|e| e.key == "due").map(|e| &e.node);
        let due = self.req_date(&mut t, "due");
        let amount = self.req_amount(&mut t, "amount");
        let description = match self.take(&mut t, "description") {
            Some((f, n)) => self.string(&f, n, MAX_TEXT, true).map(Some),
            None => Some(None),
        };
        let piece = match self.take(&mut t, "piece") {
            Some((f, n)) => self.piece(&f, n).map(Some),
            None => Some(None),
        };
        let received = match self.take(&mut t, "received") {
            Some((f, n)) => match (self.date(&f, n), issued) {
                (Some(r), Some(i)) if r < i => {
                    self.bad(&f, n, format!("before the issue date {i}"));
                    None
                }
                (r, _) => r.map(Some),
            },
            None => Some(None),
        };
        self.finish(t);
        if let (Some(i), Some(d), Some(n)) = (issued, due, due_node)
            && d < i
        {
            self.bad(
                &format!("{path}.due"),
                n,
                format!("before the issue date {i}"),
            );
            return None;
        }
        Some(Invoice {
            number: number?,
            issued: issued?,
            due: due?,
            amount: amount?,
            description: description?,
            piece: piece?,
            received: received?,
        })
    }

    /// `[contract]`: the public contract's place of performance and CCAG.
    fn contract(&mut self, path: &str, node: &Node) -> Option<Contract> {
        let mut t = self.table(path, node)?;
        let place = match self.take(&mut t, "place_of_performance") {
            Some((f, n)) => self.address(&f, n).map(Some),
            None => Some(None),
        };
        let ccag = self.opt_text(&mut t, "ccag", 200);
        self.finish(t);
        Some(Contract {
            place_of_performance: place?,
            ccag,
        })
    }

    /// `[court]`: a court named by the user, printed as given.
    fn court(&mut self, path: &str, node: &Node) -> Option<CourtChoice> {
        let mut t = self.table(path, node)?;
        let name = self.req_text(&mut t, "name", 200);
        let address = match self.take(&mut t, "address") {
            Some((f, n)) => self.address(&f, n).map(Some),
            None => Some(None),
        };
        self.finish(t);
        Some(CourtChoice {
            name: name?,
            address: address?,
        })
    }

    /// `[lawyer]`: the avocat who presents and signs a court request.
    fn lawyer(&mut self, path: &str, node: &Node) -> Option<Lawyer> {
        let mut t = self.table(path, node)?;
        let name = self.req_text(&mut t, "name", 200);
        let bar = self.req_text(&mut t, "bar", 100);
        let address = match self.take(&mut t, "address") {
            Some((f, n)) => self.address(&f, n).map(Some),
            None => Some(None),
        };
        self.finish(t);
        Some(Lawyer {
            name: name?,
            bar: bar?,
            address: address?,
        })
    }

    fn invoice_ref(
        &mut self,
        t: &mut Table<'_>,
        numbers: &BTreeMap<String, String>,
    ) -> Option<Option<String>> {
        match self.take(t, "invoice") {
            None => Some(None),
            Some((f, n)) => {
                let s = self.string(&f, n, 64, false)?;
                if numbers.contains_key(&s) {
                    Some(Some(s))
                } else {
                    self.bad(&f, n, "no invoice has this number in the dossier");
                    None
                }
            }
        }
    }

    fn payment(
        &mut self,
        path: &str,
        node: &Node,
        numbers: &BTreeMap<String, String>,
    ) -> Option<Payment> {
        let mut t = self.table(path, node)?;
        let date = self.req_date(&mut t, "date");
        let amount = self.req_amount(&mut t, "amount");
        let invoice = self.invoice_ref(&mut t, numbers);
        let reference = match self.take(&mut t, "reference") {
            Some((f, n)) => self.string(&f, n, 200, false).map(Some),
            None => Some(None),
        };
        let piece = match self.take(&mut t, "piece") {
            Some((f, n)) => self.piece(&f, n).map(Some),
            None => Some(None),
        };
        self.finish(t);
        Some(Payment {
            date: date?,
            amount: amount?,
            invoice: invoice?,
            reference: reference?,
            piece: piece?,
        })
    }

    fn event(
        &mut self,
        path: &str,
        node: &Node,
        numbers: &BTreeMap<String, String>,
    ) -> Option<Event> {
        let mut t = self.table(path, node)?;
        let date = self.req_date(&mut t, "date");
        let kind = self.required(&mut t, "kind").and_then(|(f, n)| {
            self.choice(
                &f,
                n,
                &[
                    ("reminder", EventKind::Reminder),
                    ("formal-notice", EventKind::FormalNotice),
                    ("acknowledgment", EventKind::Acknowledgment),
                    ("dispute", EventKind::Dispute),
                    ("ip-served", EventKind::IpServed),
                    ("instalment-notice", EventKind::InstalmentNotice),
                    ("plan-ended", EventKind::PlanEnded),
                    ("plan-agreed", EventKind::PlanAgreed),
                    ("claim-memorandum", EventKind::ClaimMemorandum),
                    ("referral-filed", EventKind::ReferralFiled),
                ],
            )
        });
        let invoice = self.invoice_ref(&mut t, numbers);
        let channel = match self.take(&mut t, "channel") {
            None => Some(None),
            Some((f, n)) => self
                .choice(
                    &f,
                    n,
                    &[
                        ("email", Channel::Email),
                        ("letter", Channel::Letter),
                        ("registered-letter", Channel::RegisteredLetter),
                        ("phone", Channel::Phone),
                        ("sms", Channel::Sms),
                    ],
                )
                .map(Some),
        };
        let piece = match self.take(&mut t, "piece") {
            Some((f, n)) => self.piece(&f, n).map(Some),
            None => Some(None),
        };
        self.finish(t);
        Some(Event {
            date: date?,
            kind: kind?,
            invoice: invoice?,
            channel: channel?,
            piece: piece?,
        })
    }
}

/// How many entries the array `key` of `t` holds, before they are read.
fn count_of(t: &Table<'_>, key: &str) -> usize {
    t.entries
        .iter()
        .find(|e| e.key == key)
        .map_or(0, |e| match &e.node.value {
            Value::Array(items) => items.len(),
            _ => 0,
        })
}

/// A commune's INSEE code: 5 digits, or 2A / 2B and 3 digits (Corsica).
pub fn is_insee_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && b[0].is_ascii_digit()
        && (b[1].is_ascii_digit() || (b[0] == b'2' && (b[1] == b'A' || b[1] == b'B')))
        && b[2..].iter().all(u8::is_ascii_digit)
}

fn raw_number(node: &Node) -> Option<String> {
    match &node.value {
        Value::Table(entries) => entries
            .iter()
            .find(|e| e.key == "number")
            .and_then(|e| match &e.node.value {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            }),
        _ => None,
    }
}

fn number_line(node: &Node) -> Option<usize> {
    match &node.value {
        Value::Table(entries) => entries
            .iter()
            .find(|e| e.key == "number")
            .and_then(|e| e.line)
            .or(node.line),
        _ => node.line,
    }
}

/// Parses an amount string: digits, optionally a dot and one or two decimals, > 0.
///
/// # Errors
/// A message saying what to write instead.
pub fn parse_amount(s: &str) -> Result<Decimal, String> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(if s.contains(',') && !s.contains('.') {
            format!(
                "expected a decimal with a dot, e.g. \"{}\"",
                suggest_amount(&s.replace(',', "."))
            )
        } else if s.starts_with('-') {
            "must be greater than 0".to_string()
        } else {
            "expected a decimal with a dot and no spaces or signs, e.g. \"1200.00\"".to_string()
        });
    }
    if frac.is_some_and(|f| f.len() > 2) {
        return Err("at most 2 decimals (euros and cents)".to_string());
    }
    let value = Decimal::from_str(s).map_err(|_| "not a decimal number".to_string())?;
    if value <= Decimal::ZERO {
        return Err("must be greater than 0".to_string());
    }
    if value > Decimal::from_str(MAX_AMOUNT).expect("constant") {
        return Err(format!("larger than {MAX_AMOUNT}: a typing mistake?"));
    }
    Ok(value)
}

/// An annual contractual rate in percent, e.g. "12.5": 0 to 100, at most 4 decimals.
fn parse_rate(s: &str) -> Result<Decimal, String> {
    let ok_shape = {
        let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && !frac.is_empty()
            && frac.len() <= 4
            && frac.bytes().all(|b| b.is_ascii_digit())
    };
    if !ok_shape {
        return Err(
            "expected \"default\" or an annual rate in percent with a dot, e.g. \"12.5\""
                .to_string(),
        );
    }
    let rate = Decimal::from_str(s).map_err(|_| "not a decimal number".to_string())?;
    if rate > Decimal::ONE_HUNDRED {
        return Err("an annual rate above 100 % is surely a typing mistake".to_string());
    }
    Ok(rate)
}

/// A corrected amount for messages: `12.5` -> `12.50`, `1200` -> `1200.00`.
fn suggest_amount(raw: &str) -> String {
    match Decimal::from_str(raw.trim()) {
        Ok(d) if d.scale() <= 2 => format!("{:.2}", d),
        _ => "1200.00".to_string(),
    }
}

/// A piece path must be relative, inside the dossier folder, with `/` separators.
pub fn check_piece_path(s: &str) -> Result<(), &'static str> {
    if s.starts_with('/') || s.starts_with('\\') || s.get(1..2) == Some(":") {
        return Err(
            "must be a path relative to the dossier folder, e.g. \"pieces/F-2026-001.pdf\"",
        );
    }
    if s.contains('\\') {
        return Err("use / as the path separator");
    }
    if s.split('/').any(|c| c == "..") {
        return Err("must stay inside the dossier folder (no \"..\")");
    }
    if s.split('/').any(|c| c.is_empty() || c == ".") || s.ends_with('/') {
        return Err("not a file path (empty or \".\" component)");
    }
    Ok(())
}

/// Whether an address line starts with a 5-digit French postal code and a space.
pub fn starts_with_postal_code(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 6 && b[..5].iter().all(u8::is_ascii_digit) && b[5] == b' '
}

/// Whether `s` looks like an email address (`user@domain.tld`, no blanks): the check of
/// `email` fields.
pub fn is_email(s: &str) -> bool {
    matches!(s.split_once('@'), Some((user, domain))
        if !user.is_empty() && domain.contains('.') && !domain.contains('@')
            && !domain.starts_with('.') && !domain.ends_with('.'))
        && !s.contains(char::is_whitespace)
        && s.chars().count() <= 254
        && !s.chars().any(char::is_control)
}

/// Why `lines` cannot be the `address` of a party, or `None` when it can: 2 to 6 lines,
/// none empty, longer than 200 characters or with a control character, the last starting
/// with the postal code.
pub fn address_problem(lines: &[String]) -> Option<String> {
    if lines.len() < 2 || lines.len() > MAX_ADDRESS_LINES {
        return Some(format!(
            "expected 2 to {MAX_ADDRESS_LINES} lines, found {}",
            lines.len()
        ));
    }
    for line in lines {
        if line.trim().is_empty() {
            return Some("an empty line".to_string());
        }
        if line.chars().count() > 200
            || line
                .chars()
                .any(|c| c.is_control() || crate::tree::is_invisible(c))
        {
            return Some(
                "a line longer than 200 characters or with a control character".to_string(),
            );
        }
    }
    if !starts_with_postal_code(lines.last().expect("at least two lines")) {
        return Some(
            "the last line must start with the 5-digit postal code and a space, e.g. \"69003 Lyon\""
                .to_string(),
        );
    }
    None
}
