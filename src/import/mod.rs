//! Importers: accounting exports and e-invoices -> one [`Dossier`] per debtor (spec §5).
//!
//! Each importer reads its source into [`Draft`]s (a debtor and its open items, with where
//! each came from); [`finish`] completes them from the `--customers` file, keeps the debtors
//! with a positive open balance, builds the dossiers, writes them as TOML ([`write`]) and
//! reads each back with [`crate::dossier::parse`] as a self-check. Nothing here touches the
//! disk or knows about rules: the CLI writes the files.
//!
//! The import never invents a value: what the source lacks is left out, or assumed and
//! said (in a comment of the dossier and in the [`Report`]), and every line it cannot use
//! is reported with its line number and the reason.

mod csv;
mod einvoice;
pub mod encoding;
mod fec;
mod folder;
pub mod values;
pub mod write;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::dossier::{
    Agency, Creditor, CreditorFile, Debtor, DebtorKind, Dossier, Format, Imputation, Invoice,
    Payment, Terms, parse,
};
use crate::error::{Problem, Problems};
use crate::money::cents_string;

pub use csv::{Customer, Customers, parse_customers};
pub use folder::import_folder;

/// The days from issue to due date assumed when neither the source nor `--creditor`
/// gives them (spec §5: `payment_days`, default 30; C. com. L441-10 I).
pub const DEFAULT_PAYMENT_DAYS: u32 = 30;

/// The name of the report written beside the dossier folders.
pub const REPORT_FILE: &str = "import-report.json";

/// What is imported (spec §5, `relance import KIND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A spreadsheet with the documented columns (README, "Importing").
    Csv,
    /// The French accounting export (fichier des écritures comptables, A47 A-1 LPF).
    Fec,
    /// A Factur-X / ZUGFeRD PDF: the CII XML embedded in it.
    Facturx,
    /// A UN/CEFACT Cross Industry Invoice (EN 16931).
    Cii,
    /// An OASIS UBL 2.1 invoice or credit note (EN 16931).
    Ubl,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Csv => "csv",
            Kind::Fec => "fec",
            Kind::Facturx => "facturx",
            Kind::Cii => "cii",
            Kind::Ubl => "ubl",
        }
    }

    fn is_einvoice(self) -> bool {
        matches!(self, Kind::Facturx | Kind::Cii | Kind::Ubl)
    }
}

/// The file to import: its name as the user gave it (for messages; the FEC's closing date
/// is read from it) and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

impl Source<'_> {
    /// The file name without its folders: what the report and the dossiers name.
    pub fn file_name(&self) -> &str {
        self.name.rsplit(['/', '\\']).next().unwrap_or(self.name)
    }
}

/// What the user gives besides the source: `--creditor` and `--customers`.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub creditor: Option<CreditorFile>,
    pub customers: Option<Customers>,
    /// FEC: the closing date to use instead of the file name's (a misnamed file).
    pub closing_date: Option<NaiveDate>,
}

/// The result of an import: the dossiers to write, the report, and the lines rejected.
#[derive(Debug, Clone)]
pub struct Import {
    /// Sorted by key.
    pub dossiers: Vec<Written>,
    pub report: Report,
    /// Every line the importer could not use, as messages (also in the report).
    pub rejected: Problems,
}

/// One dossier to write as `<key>/dossier.toml`, with the pieces to write beside it.
#[derive(Debug, Clone)]
pub struct Written {
    /// The folder name, safe on every system.
    pub key: String,
    pub dossier: Dossier,
    /// The `dossier.toml` text; [`crate::dossier::parse`] reads it back to `dossier`.
    pub toml: String,
    /// Files to write inside the folder (`pieces/…`), e.g. the e-invoice itself.
    pub pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
pub struct Piece {
    /// Relative to the dossier folder, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// `import-report.json`: every dossier written, every debtor skipped, every line rejected,
/// every assumption made and every field left out.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub kind: &'static str,
    /// The source's file name.
    pub source: String,
    /// The text encoding the source was read in (tabular sources).
    pub encoding: Option<String>,
    /// FEC: the closing date of the fiscal year, from the file name.
    pub closing_date: Option<String>,
    /// Data lines read (tabular sources), 1 for an e-invoice.
    pub lines_read: usize,
    pub summary: Summary,
    pub dossiers: Vec<DossierEntry>,
    pub skipped_debtors: Vec<Skipped>,
    pub rejected_lines: Vec<Rejected>,
    pub assumptions: Vec<Note>,
    pub missing: Vec<Note>,
    /// FEC: every customer account's ledger balance against the balance imported.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Reconciliation>,
}

/// One customer account reconciled: the balance of all its lines in the ledger, and the
/// balance of the open items imported from it (written or skipped). They differ only when
/// lines were rejected; the difference is then said, and the import fails unless accepted.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub account: String,
    /// Debit minus credit of every line of the account that could be read.
    pub ledger_balance: String,
    /// The lettering groups balanced by the closing date: they add nothing to either side.
    pub closed_groups: usize,
    /// Invoices minus payments imported (what the dossier, written or skipped, holds).
    pub imported_balance: String,
    /// `ledger_balance - imported_balance`: zero when every line is accounted for.
    pub difference: String,
    /// False when a line's amount cannot be read: the ledger balance leaves it out.
    pub complete: bool,
    /// Lines of this account left out (rejected), which explain a difference.
    pub rejected_lines: Vec<usize>,
}

impl Report {
    /// The accounts whose ledger balance differs from what was imported.
    pub fn differences(&self) -> Vec<&Reconciliation> {
        self.accounts
            .iter()
            .filter(|a| !a.complete || a.difference.trim_start_matches('-') != "0.00")
            .collect()
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub dossiers: usize,
    pub skipped_debtors: usize,
    pub rejected_lines: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DossierEntry {
    pub key: String,
    /// The debtor's key in the source (account, SIREN or name).
    pub account: String,
    pub path: String,
    pub debtor: String,
    pub invoices: usize,
    pub payments: usize,
    pub open_balance: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub account: String,
    pub name: Option<String>,
    pub open_balance: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub line: Option<usize>,
    pub field: String,
    pub value: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Note {
    /// The dossier folder concerned, or none for the whole source.
    pub key: Option<String>,
    pub field: String,
    pub note: String,
}

impl Report {
    /// The report as written to [`REPORT_FILE`]: pretty JSON, fields in a fixed order.
    pub fn to_json_string(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("the report serializes");
        s.push('\n');
        s
    }
}

/// Imports `source` as `kind`.
///
/// # Errors
/// The source is refused as a whole, with every reason found: unreadable, not of this
/// kind, a header without the required columns, a FEC whose name gives no closing date, an
/// e-invoice lacking a required field, a seller whose SIREN differs from `--creditor`'s,
/// no `--creditor` for a CSV or FEC. Lines that cannot be used do not refuse the source:
/// they are in [`Import::rejected`].
pub fn import(kind: Kind, source: &Source<'_>, setup: &Setup) -> Result<Import, Problems> {
    import_bytes(kind, source.name, Cow::Borrowed(source.bytes), setup)
}

/// [`import`] of a source the caller gives up: its bytes are freed once read, before the
/// dossiers are built (a ledger of a million lines is not held beside them).
///
/// # Errors
/// As [`import`].
pub fn import_owned(
    kind: Kind,
    name: &str,
    bytes: Vec<u8>,
    setup: &Setup,
) -> Result<Import, Problems> {
    import_bytes(kind, name, Cow::Owned(bytes), setup)
}

fn import_bytes(
    kind: Kind,
    name: &str,
    bytes: Cow<'_, [u8]>,
    setup: &Setup,
) -> Result<Import, Problems> {
    let source = Source {
        name,
        bytes: &bytes,
    };
    let mut cx = Context::new(kind, &source);
    let (drafts, parties) = match kind {
        Kind::Csv | Kind::Fec => {
            let Some(file) = &setup.creditor else {
                return Err(Problem::new(
                    source.name,
                    "",
                    format!(
                        "a {} names no creditor: give --creditor CREDITOR.toml (its [creditor] table)",
                        if kind == Kind::Fec { "FEC" } else { "CSV file" }
                    ),
                )
                .into());
            };
            let drafts = if kind == Kind::Fec {
                fec::read(&mut cx, &bytes, file, setup.closing_date)?
            } else {
                csv::read(&mut cx, &bytes)?
            };
            (drafts, Parties::from_file(file))
        }
        Kind::Facturx | Kind::Cii | Kind::Ubl => {
            einvoice::read(&mut cx, &bytes, setup.creditor.as_ref())?
        }
    };
    drop(bytes);
    debug_assert!(kind.is_einvoice() || !drafts.iter().any(|d| !d.pieces.is_empty()));
    let dossiers = finish(&mut cx, &parties, setup.customers.as_ref(), drafts);
    Ok(cx.into_import(dossiers))
}

/// The creditor's side shared by every dossier of one import.
#[derive(Debug, Clone)]
pub(crate) struct Parties {
    pub creditor: Creditor,
    pub agency: Option<Agency>,
    pub terms: Option<Terms>,
    pub scenario: Option<String>,
    pub payment_days: u32,
    /// Where `payment_days` came from, for the comments.
    pub payment_days_origin: &'static str,
}

impl Parties {
    fn from_file(file: &CreditorFile) -> Self {
        Parties {
            creditor: file.creditor.clone(),
            agency: file.agency.clone(),
            terms: file.terms.clone(),
            scenario: file.scenario.clone(),
            payment_days: file.payment_days.unwrap_or(DEFAULT_PAYMENT_DAYS),
            payment_days_origin: if file.payment_days.is_some() {
                "payment_days of the creditor file"
            } else {
                "default payment_days"
            },
        }
    }
}

/// One debtor's items as read from the source, before the dossier is built.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    /// The debtor's key in the source (account, SIREN or name), before it is made safe.
    pub account: String,
    pub name: Option<String>,
    /// The name is an account label (FEC), so the customers file's name wins over it.
    pub name_is_label: bool,
    pub siren: Option<String>,
    pub address: Option<Vec<String>>,
    pub email: Option<String>,
    pub kind: Option<DebtorKind>,
    pub invoices: Vec<InvoiceDraft>,
    pub payments: Vec<PaymentDraft>,
    pub pieces: Vec<Piece>,
    /// Report notes about this debtor, `(field, note)`.
    pub notes: Vec<(String, String)>,
    /// Comments for the dossier's header, after the import line.
    pub header: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct InvoiceDraft {
    pub number: String,
    pub issued: NaiveDate,
    pub due: Option<NaiveDate>,
    pub amount: Decimal,
    pub description: Option<String>,
    pub piece: Option<String>,
    /// Where it comes from (`FEC line 12, journal VE`): a comment above the table.
    pub origin: String,
    /// A comment beside the amount (e.g. how it was computed from the source).
    pub amount_note: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct PaymentDraft {
    pub date: NaiveDate,
    pub amount: Decimal,
    pub invoice: Option<String>,
    pub reference: Option<String>,
    pub origin: String,
}

/// What an import has found so far: the report being built and the rejected lines.
pub(crate) struct Context {
    pub kind: Kind,
    pub report: Report,
    pub rejected: Vec<Problem>,
    /// Header comments common to every dossier (after the import line).
    pub header: Vec<String>,
}

impl Context {
    fn new(kind: Kind, source: &Source<'_>) -> Self {
        Context {
            kind,
            report: Report {
                kind: kind.as_str(),
                source: source.file_name().to_string(),
                encoding: None,
                closing_date: None,
                lines_read: 0,
                summary: Summary::default(),
                dossiers: Vec::new(),
                skipped_debtors: Vec::new(),
                rejected_lines: Vec::new(),
                assumptions: Vec::new(),
                missing: Vec::new(),
                accounts: Vec::new(),
            },
            rejected: Vec::new(),
            header: Vec::new(),
        }
    }

    /// A line (or part of an e-invoice) the importer cannot use.
    pub fn reject(
        &mut self,
        line: Option<usize>,
        field: &str,
        value: Option<&str>,
        reason: impl Into<String>,
    ) {
        let mut p = Problem::new(&self.report.source, field, reason).at_line(line);
        if let Some(v) = value {
            p = p.with_value(v);
        }
        self.rejected.push(p);
    }

    /// An assumption about the whole source.
    pub fn assume(&mut self, field: &str, note: impl Into<String>) {
        self.report.assumptions.push(Note {
            key: None,
            field: field.to_string(),
            note: note.into(),
        });
    }

    fn into_import(mut self, dossiers: Vec<Written>) -> Import {
        // In line order (stable: several problems of one line keep their order).
        self.rejected.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        self.report.rejected_lines = self
            .rejected
            .iter()
            .map(|p| Rejected {
                line: p.line,
                field: p.field.clone(),
                value: p.value.clone(),
                reason: p.message.clone(),
            })
            .collect();
        self.report.summary = Summary {
            dossiers: self.report.dossiers.len(),
            skipped_debtors: self.report.skipped_debtors.len(),
            rejected_lines: self.report.rejected_lines.len(),
        };
        Import {
            dossiers,
            report: self.report,
            rejected: Problems(self.rejected),
        }
    }
}

/// Completes the drafts, keeps the debtors with a positive open balance and builds their
/// dossiers, in the order of their keys.
fn finish(
    cx: &mut Context,
    parties: &Parties,
    customers: Option<&Customers>,
    mut drafts: Vec<Draft>,
) -> Vec<Written> {
    drafts.sort_by(|a, b| a.account.cmp(&b.account));
    let mut used: BTreeSet<String> = BTreeSet::new();
    used.insert(REPORT_FILE.to_ascii_lowercase());
    let mut written = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let invoiced: Decimal = draft.invoices.iter().map(|i| i.amount).sum();
        let paid: Decimal = draft.payments.iter().map(|p| p.amount).sum();
        let balance = invoiced - paid;
        let customer = customers.and_then(|c| c.get(&draft.account));
        let mut name_note = None;
        let name = match (&draft.name, customer.and_then(|c| c.name.as_ref())) {
            (Some(source), Some(listed)) if draft.name_is_label => {
                if source != listed {
                    name_note = Some(format!(
                        "the customers file's name \"{listed}\" is used, not the account \
                         label \"{source}\""
                    ));
                }
                Some(listed.clone())
            }
            (Some(source), _) => Some(source.clone()),
            (None, listed) => listed.cloned(),
        };
        if balance <= Decimal::ZERO {
            let reason = if balance.is_zero() {
                "open balance is zero: nothing to claim"
            } else {
                "open balance is negative: the debtor is in credit (unallocated payments or \
                 credit notes exceed the open invoices)"
            };
            cx.report.skipped_debtors.push(Skipped {
                account: draft.account.clone(),
                name,
                open_balance: cents_string(balance),
                reason: reason.to_string(),
            });
            continue;
        }
        let Some(name) = name else {
            cx.report.skipped_debtors.push(Skipped {
                account: draft.account.clone(),
                name: None,
                open_balance: cents_string(balance),
                reason: "no debtor name in the source nor in the customers file".to_string(),
            });
            continue;
        };
        let key = unique_key(&draft.account, &name, &mut used);
        match build(cx, parties, customer, &draft, &key, name.clone()) {
            Ok(w) => {
                if let Some(note) = name_note {
                    cx.report.assumptions.push(Note {
                        key: Some(key.clone()),
                        field: "debtor.name".to_string(),
                        note,
                    });
                }
                cx.report.dossiers.push(DossierEntry {
                    key: key.clone(),
                    account: draft.account.clone(),
                    path: format!("{key}/dossier.toml"),
                    debtor: name,
                    invoices: w.dossier.invoices.len(),
                    payments: w.dossier.payments.len(),
                    open_balance: cents_string(balance),
                });
                written.push(w);
            }
            Err(problems) => {
                cx.report.skipped_debtors.push(Skipped {
                    account: draft.account.clone(),
                    name: Some(name),
                    open_balance: cents_string(balance),
                    reason: format!("the dossier built would not be valid: {problems}"),
                });
            }
        }
    }
    written.sort_by(|a, b| a.key.cmp(&b.key));
    written
}

/// A folder name for the debtor: its account made safe, else its name, never one already
/// used in this import (compared without case, as on macOS and Windows).
fn unique_key(account: &str, name: &str, used: &mut BTreeSet<String>) -> String {
    let mut base = values::safe_key(account);
    if base.is_empty() {
        base = values::safe_key(name);
    }
    if base.is_empty() {
        base = "debtor".to_string();
    }
    let mut key = base.clone();
    let mut n = 2;
    while used.contains(&key.to_ascii_lowercase()) {
        let suffix = format!("-{n}");
        let room = values::MAX_KEY - suffix.len();
        key = format!("{}{suffix}", &base[..base.len().min(room)]);
        n += 1;
    }
    used.insert(key.to_ascii_lowercase());
    key
}

/// Builds, writes and re-reads one debtor's dossier.
fn build(
    cx: &mut Context,
    parties: &Parties,
    customer: Option<&Customer>,
    draft: &Draft,
    key: &str,
    name: String,
) -> Result<Written, Problems> {
    let mut notes = write::Notes::default();
    let mut report_notes: Vec<(String, String, bool)> = Vec::new(); // (field, note, missing)
    notes.header.push(format!(
        "Imported by `relance import {}` from {}.",
        cx.kind.as_str(),
        &cx.report.source
    ));
    notes.header.extend(cx.header.iter().cloned());
    notes.header.extend(draft.header.iter().cloned());
    notes.header.push(format!(
        "Check it against the source before sending anything: {REPORT_FILE} lists every \
         assumption."
    ));
    for (field, note) in &draft.notes {
        report_notes.push((field.clone(), note.clone(), false));
    }

    notes.note(
        "reference",
        "the debtor's key in the source: replace it with your own file reference if you keep one",
    );

    let kind = match (draft.kind, customer.and_then(|c| c.kind)) {
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => {
            let note = "assumed \"company\": the source does not say (set it with --customers)";
            notes.note("debtor.kind", note);
            report_notes.push(("debtor.kind".into(), note.into(), false));
            DebtorKind::Company
        }
    };
    let mut siren = draft
        .siren
        .clone()
        .or_else(|| customer.and_then(|c| c.siren.clone()));
    if let (Some(s), Some(listed)) = (&draft.siren, customer.and_then(|c| c.siren.as_ref()))
        && s != listed
    {
        report_notes.push((
            "debtor.siren".into(),
            format!(
                "the source gives SIREN {s}, the customers file {listed}: the source's is used"
            ),
            false,
        ));
    }
    if kind == DebtorKind::Consumer && siren.is_some() {
        report_notes.push((
            "debtor.siren".into(),
            "left out: a consumer has no SIREN".into(),
            false,
        ));
        siren = None;
    }
    if siren.is_none() && kind != DebtorKind::Consumer {
        let note = "missing: not in the source (use --customers to add it)";
        notes.note("debtor.siren", note);
        report_notes.push(("debtor.siren".into(), note.into(), true));
    }
    let address = draft
        .address
        .clone()
        .or_else(|| customer.and_then(|c| c.address.clone()));
    if address.is_none() {
        let note = "missing: not in the source; add it (or use --customers) before letters \
                    can be rendered";
        notes.note("debtor.address", note);
        report_notes.push(("debtor.address".into(), note.into(), true));
    }
    let email = draft
        .email
        .clone()
        .or_else(|| customer.and_then(|c| c.email.clone()));

    let mut invoices = draft.invoices.clone();
    invoices.sort_by(|a, b| (a.issued, &a.number).cmp(&(b.issued, &b.number)));
    let mut payments = draft.payments.clone();
    payments
        .sort_by(|a, b| (a.date, &a.reference, a.amount).cmp(&(b.date, &b.reference, b.amount)));

    let mut dossier_invoices = Vec::new();
    for (i, inv) in invoices.iter().enumerate() {
        let path = format!("invoices[{i}]");
        notes.note(&path, inv.origin.clone());
        let due = match inv.due {
            Some(d) => d,
            None => {
                let note = format!(
                    "issue date + {} days ({}): the source gives no due date (C. com. L441-10 I)",
                    parties.payment_days, parties.payment_days_origin
                );
                notes.note(format!("{path}.due"), note.clone());
                report_notes.push((format!("{path}.due"), note, false));
                inv.issued + chrono::Days::new(u64::from(parties.payment_days))
            }
        };
        if let Some(n) = &inv.amount_note {
            notes.note(format!("{path}.amount"), n.clone());
        }
        dossier_invoices.push(Invoice {
            number: inv.number.clone(),
            issued: inv.issued,
            due,
            amount: inv.amount,
            description: inv.description.clone(),
            piece: inv.piece.clone(),
            received: None,
        });
    }
    let mut dossier_payments = Vec::new();
    for (i, p) in payments.iter().enumerate() {
        notes.note(format!("payments[{i}]"), p.origin.clone());
        dossier_payments.push(Payment {
            date: p.date,
            amount: p.amount,
            invoice: p.invoice.clone(),
            reference: p.reference.clone(),
            piece: None,
        });
    }
    if parties.terms.is_some() {
        notes.note("terms", "from the creditor file");
    }
    let dossier = Dossier {
        reference: key.to_string(),
        language: "fr".to_string(),
        // Written out, so the user sees it: principal-first against a public body (spec §3).
        payment_imputation: if kind == DebtorKind::PublicBody
            && parties.creditor.kind == crate::dossier::CreditorKind::Company
        {
            Imputation::PrincipalFirst
        } else {
            Imputation::InterestFirst
        },
        imputation_explicit: true,
        contract: None,
        exhibits: Vec::new(),
        court: None,
        lawyer: None,
        scenario: parties.scenario.clone(),
        creditor: parties.creditor.clone(),
        debtor: Debtor {
            kind,
            name,
            legal_form: None,
            public_status: None,
            siren,
            registered_office: None,
            insee: None,
            address,
            email,
            insolvency_opened: None,
            extra: Default::default(),
        },
        agency: parties.agency.clone(),
        terms: parties.terms.clone().unwrap_or_default(),
        invoices: dossier_invoices,
        payments: dossier_payments,
        events: Vec::new(),
        payment_plan: None,
    };
    let toml = write::dossier_toml(&dossier, &notes);
    let file = format!("{key}/dossier.toml");
    let reread = parse(&toml, Format::Toml, &file)?;
    if reread != dossier {
        return Err(Problem::new(&file, "", "reads back differently from what was built").into());
    }
    for (field, note, missing) in report_notes {
        let entry = Note {
            key: Some(key.to_string()),
            field,
            note,
        };
        if missing {
            cx.report.missing.push(entry);
        } else {
            cx.report.assumptions.push(entry);
        }
    }
    Ok(Written {
        key: key.to_string(),
        dossier,
        toml,
        pieces: draft.pieces.clone(),
    })
}

/// Groups items by debtor account, keeping the first time each account is seen.
pub(crate) fn by_account<'d>(
    drafts: &'d mut BTreeMap<String, Draft>,
    account: &str,
) -> &'d mut Draft {
    drafts.entry(account.to_string()).or_insert_with(|| Draft {
        account: account.to_string(),
        ..Draft::default()
    })
}
