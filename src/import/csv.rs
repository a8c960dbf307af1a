//! Spreadsheets: the invoices CSV of `relance import csv` and the `--customers` file.
//!
//! Headers in English or French (case, accents and `_`/`-`/blank ignored), `;`, `,` or
//! tab between fields (read from the header line), a decimal comma or dot, UTF-8 or
//! Windows-1252. The columns are documented in the README ("Importing").

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::encoding::{Legacy, decode};
use super::values::{
    clean_text, line_at, line_starts, parse_amount, parse_csv_date, physical_lines,
};
use super::{Context, Draft, InvoiceDraft, PaymentDraft, by_account};
use crate::dossier::ids::is_valid_siren;
use crate::dossier::{DebtorKind, address_problem, is_email};
use crate::error::{Problem, Problems};

/// A spreadsheet read into text cells, with the line of each record.
struct Sheet {
    /// Normalized header names.
    headers: Vec<String>,
    /// The header names as written.
    raw_headers: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    encoding: &'static str,
}

fn read_sheet(bytes: &[u8], file: &str) -> Result<Sheet, Problems> {
    let (text, encoding) = decode(bytes, Legacy::Windows1252);
    let first = physical_lines(&text).next().unwrap_or("");
    if first.trim().is_empty() {
        return Err(Problem::new(file, "", "empty file: expected a header line")
            .at_line(Some(1))
            .into());
    }
    let delimiter = sniff_delimiter(first);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut problems = Problems::default();
    // The csv crate counts `\n` only: lines are counted here from each record's byte
    // offset, whatever the line ends (CRLF, lone CR).
    let starts = line_starts(&text);
    // A record after a CRLF may be said to start at the `\n` of the line before.
    let line_of = |p: &::csv::Position| {
        let mut at = p.byte() as usize;
        while matches!(text.as_bytes().get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        line_at(&starts, at)
    };
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, line_of);
                records.push((line, r.iter().map(str::to_string).collect::<Vec<_>>()));
            }
            Err(e) => {
                let line = e.position().map(line_of);
                problems.push(Problem::new(file, "", format!("unreadable CSV: {e}")).at_line(line));
                break;
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut records = records.into_iter();
    let (_, raw_headers) = records.next().unwrap_or_default();
    let headers = raw_headers.iter().map(|h| normalize_name(h)).collect();
    Ok(Sheet {
        headers,
        raw_headers,
        rows: records.collect(),
        encoding,
    })
}

/// `;` when the header has one (French spreadsheets), else tab, else `,`.
fn sniff_delimiter(header: &str) -> u8 {
    let count = |c| header.matches(c).count();
    if count(';') > 0 {
        b';'
    } else if count('\t') > 0 {
        b'\t'
    } else {
        b','
    }
}

/// `Numéro de facture` -> `numero_de_facture`.
fn normalize_name(raw: &str) -> String {
    let folded = super::values::safe_key(raw.trim().trim_start_matches('\u{feff}'));
    folded.to_ascii_lowercase().replace(['-', '.'], "_")
}

/// Maps each header to a canonical column, or reports the unknown ones.
fn columns(
    sheet: &Sheet,
    file: &str,
    known: &[(&'static str, &[&str])],
    problems: &mut Problems,
) -> BTreeMap<&'static str, usize> {
    let mut found: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (i, h) in sheet.headers.iter().enumerate() {
        let canonical = known
            .iter()
            .find(|(name, aliases)| name == h || aliases.contains(&h.as_str()))
            .map(|(name, _)| *name);
        match canonical {
            Some(name) if found.contains_key(name) => problems.push(
                Problem::new(file, "", format!("two columns mean \"{name}\""))
                    .with_value(sheet.raw_headers[i].clone())
                    .at_line(Some(1)),
            ),
            Some(name) => {
                found.insert(name, i);
            }
            None if h.is_empty() && i + 1 == sheet.headers.len() => {}
            None => {
                let names: Vec<&str> = known.iter().map(|(n, _)| *n).collect();
                problems.push(
                    Problem::new(
                        file,
                        "",
                        format!("unknown column; the columns are {}", names.join(", ")),
                    )
                    .with_value(sheet.raw_headers[i].clone())
                    .at_line(Some(1)),
                );
            }
        }
    }
    found
}

const INVOICE_COLUMNS: &[(&str, &[&str])] = &[
    (
        "debtor",
        &[
            "client",
            "compte",
            "code_client",
            "compte_client",
            "account",
            "customer",
        ],
    ),
    (
        "name",
        &["nom", "raison_sociale", "nom_client", "debtor_name"],
    ),
    ("kind", &["categorie"]),
    ("siren", &[]),
    ("address", &["adresse"]),
    ("email", &["courriel", "e_mail", "mail"]),
    ("type", &["document"]),
    (
        "number",
        &["numero", "numero_facture", "invoice_number", "no"],
    ),
    (
        "date",
        &[
            "date_facture",
            "date_piece",
            "issued",
            "issue_date",
            "date_emission",
        ],
    ),
    ("due", &["due_date", "echeance", "date_echeance"]),
    (
        "amount",
        &["montant", "montant_ttc", "total_ttc", "amount_incl_vat"],
    ),
    (
        "invoice",
        &["facture_reglee", "facture_payee", "pays_invoice"],
    ),
    ("description", &["libelle", "designation", "objet"]),
    ("currency", &["devise"]),
];

const CUSTOMER_COLUMNS: &[(&str, &[&str])] = &[
    ("key", &["cle", "debtor", "client", "compte", "account"]),
    ("kind", &["categorie"]),
    ("name", &["nom", "raison_sociale"]),
    ("siren", &[]),
    ("address", &["adresse"]),
    ("email", &["courriel", "e_mail", "mail"]),
];

/// A row's cell by canonical column, trimmed; empty cells are `None`.
fn cell<'r>(
    row: &'r [String],
    cols: &BTreeMap<&'static str, usize>,
    name: &str,
) -> Option<&'r str> {
    cols.get(name)
        .and_then(|&i| row.get(i))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

fn parse_kind(raw: &str) -> Option<DebtorKind> {
    let k = normalize_name(raw).replace('_', "-");
    match k.as_str() {
        "company" | "entreprise" | "societe" | "professionnel" => Some(DebtorKind::Company),
        "consumer" | "particulier" | "consommateur" => Some(DebtorKind::Consumer),
        "public-body" | "public" | "personne-publique" | "organisme-public" => {
            Some(DebtorKind::PublicBody)
        }
        _ => None,
    }
}

const KIND_HELP: &str =
    "expected company (entreprise), consumer (particulier) or public-body (personne-publique)";

fn split_address(raw: &str) -> Vec<String> {
    raw.split('|').map(clean_text).collect()
}

/// One debtor as the `--customers` file describes it (spec §5: `key,kind,name,siren,address,email`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Customer {
    pub key: String,
    pub kind: Option<DebtorKind>,
    pub name: Option<String>,
    pub siren: Option<String>,
    pub address: Option<Vec<String>>,
    pub email: Option<String>,
}

/// The `--customers` file, by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Customers {
    pub by_key: BTreeMap<String, Customer>,
}

impl Customers {
    pub fn get(&self, key: &str) -> Option<&Customer> {
        self.by_key.get(key)
    }
}

/// Parses the `--customers` file: columns `key,kind,name,siren,address,email` (French
/// names accepted), address lines separated by ` | `.
///
/// # Errors
/// Every problem at once: a missing `key` column, unknown columns, an empty or duplicate
/// key, an unknown kind, an invalid SIREN, address or email, each with its line.
pub fn parse_customers(bytes: &[u8], file: &str) -> Result<Customers, Problems> {
    let sheet = read_sheet(bytes, file)?;
    let mut problems = Problems::default();
    let cols = columns(&sheet, file, CUSTOMER_COLUMNS, &mut problems);
    if !cols.contains_key("key") {
        problems.push(
            Problem::new(file, "", "no \"key\" column: it names the debtor's account")
                .at_line(Some(1)),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut by_key = BTreeMap::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    for (line_number, row) in &sheet.rows {
        let line = Some(*line_number);
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let bad = |field: &str, value: &str, message: String| {
            Problem::new(file, field, message)
                .with_value(value.to_string())
                .at_line(line)
        };
        let Some(key) = cell(row, &cols, "key") else {
            problems.push(
                Problem::new(file, "key", "empty: every customer needs its key").at_line(line),
            );
            continue;
        };
        if let Some(first) = first_line.get(key) {
            problems.push(bad(
                "key",
                key,
                format!("duplicate key (first on line {first})"),
            ));
            continue;
        }
        first_line.insert(key.to_string(), *line_number);
        let mut customer = Customer {
            key: key.to_string(),
            ..Customer::default()
        };
        if let Some(k) = cell(row, &cols, "kind") {
            match parse_kind(k) {
                Some(kind) => customer.kind = Some(kind),
                None => problems.push(bad("kind", k, KIND_HELP.to_string())),
            }
        }
        if let Some(n) = cell(row, &cols, "name") {
            let n = clean_text(n);
            if n.chars().count() > 200 {
                problems.push(bad("name", &n, "longer than 200 characters".to_string()));
            } else {
                customer.name = Some(n);
            }
        }
        if let Some(s) = cell(row, &cols, "siren") {
            if is_valid_siren(s) {
                customer.siren = Some(s.to_string());
            } else {
                problems.push(bad(
                    "siren",
                    s,
                    "not a valid SIREN (9 digits, Luhn)".to_string(),
                ));
            }
        }
        if let Some(a) = cell(row, &cols, "address") {
            let lines = split_address(a);
            match address_problem(&lines) {
                None => customer.address = Some(lines),
                Some(m) => problems.push(bad(
                    "address",
                    a,
                    format!("{m} (lines separated by \" | \")"),
                )),
            }
        }
        if let Some(e) = cell(row, &cols, "email") {
            if is_email(e) {
                customer.email = Some(e.to_string());
            } else {
                problems.push(bad("email", e, "not an email address".to_string()));
            }
        }
        if customer.kind == Some(DebtorKind::Consumer)
            && let Some(s) = &customer.siren
        {
            problems.push(bad("siren", s, "a consumer has no SIREN".to_string()));
        }
        by_key.insert(key.to_string(), customer);
    }
    problems.into_result(Customers { by_key })
}

/// What a row of the invoices CSV is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowType {
    Invoice,
    Payment,
    CreditNote,
}

fn parse_type(raw: &str) -> Option<RowType> {
    match normalize_name(raw).replace('_', "-").as_str() {
        "invoice" | "facture" => Some(RowType::Invoice),
        "payment" | "reglement" | "paiement" => Some(RowType::Payment),
        "credit-note" | "avoir" => Some(RowType::CreditNote),
        _ => None,
    }
}

/// Reads the invoices CSV into one draft per debtor.
pub(super) fn read(cx: &mut Context, bytes: &[u8]) -> Result<Vec<Draft>, Problems> {
    let file = cx.report.source.clone();
    let sheet = read_sheet(bytes, &file)?;
    cx.report.encoding = Some(sheet.encoding.to_string());
    let mut problems = Problems::default();
    let cols = columns(&sheet, &file, INVOICE_COLUMNS, &mut problems);
    for required in ["date", "amount", "number"] {
        if !cols.contains_key(required) {
            problems.push(
                Problem::new(
                    &file,
                    "",
                    format!("no \"{required}\" column (see the README, \"Importing\")"),
                )
                .at_line(Some(1)),
            );
        }
    }
    if !["debtor", "siren", "name"]
        .iter()
        .any(|c| cols.contains_key(c))
    {
        problems.push(
            Problem::new(
                &file,
                "",
                "no column naming the debtor: debtor, siren or name",
            )
            .at_line(Some(1)),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    cx.report.lines_read = sheet.rows.len();

    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    // Invoice numbers seen per debtor, with their line.
    let mut numbers: BTreeMap<(String, String), usize> = BTreeMap::new();
    // Payments naming an invoice are checked once every invoice is known.
    let mut naming: Vec<(String, usize, String, PaymentDraft)> = Vec::new();
    for (line, row) in &sheet.rows {
        let line = *line;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if row.len() > sheet.headers.len()
            && row[sheet.headers.len()..]
                .iter()
                .any(|c| !c.trim().is_empty())
        {
            cx.reject(
                Some(line),
                "",
                None,
                format!(
                    "{} fields, the header has {}",
                    row.len(),
                    sheet.headers.len()
                ),
            );
            continue;
        }
        let Some(r) = read_row(cx, line, row, &cols) else {
            continue;
        };
        let draft = by_account(&mut drafts, &r.account);
        merge_debtor(cx, draft, line, row, &cols);
        match r.item {
            Item::Invoice(inv) => {
                let k = (r.account.clone(), inv.number.clone());
                if let Some(first) = numbers.get(&k) {
                    cx.reject(
                        Some(line),
                        "number",
                        Some(&inv.number),
                        format!("duplicate invoice number for this debtor (first on line {first})"),
                    );
                    continue;
                }
                numbers.insert(k, line);
                by_account(&mut drafts, &r.account).invoices.push(inv);
            }
            Item::Payment(p) => match &p.invoice {
                Some(n) => naming.push((r.account.clone(), line, n.clone(), p)),
                None => by_account(&mut drafts, &r.account).payments.push(p),
            },
        }
    }
    for (account, line, number, p) in naming {
        if numbers.contains_key(&(account.clone(), number.clone())) {
            by_account(&mut drafts, &account).payments.push(p);
        } else {
            cx.reject(
                Some(line),
                "invoice",
                Some(&number),
                "names an invoice not imported for this debtor (absent from the file, or its line was rejected)",
            );
        }
    }
    // A debtor whose every line was rejected has no draft content: drop it silently
    // (its lines are in the report).
    Ok(drafts
        .into_values()
        .filter(|d| !d.invoices.is_empty() || !d.payments.is_empty())
        .collect())
}

enum Item {
    Invoice(InvoiceDraft),
    Payment(PaymentDraft),
}

struct Row {
    account: String,
    item: Item,
}

fn read_row(
    cx: &mut Context,
    line: usize,
    row: &[String],
    cols: &BTreeMap<&'static str, usize>,
) -> Option<Row> {
    let l = Some(line);
    let get = |name| cell(row, cols, name);
    let account = match get("debtor").or(get("siren")).or(get("name")) {
        Some(a) => clean_text(a),
        None => {
            cx.reject(l, "", None, "no debtor: give debtor, siren or name");
            return None;
        }
    };
    let mut ok = true;
    let mut row_type = match get("type") {
        None => RowType::Invoice,
        Some(t) => match parse_type(t) {
            Some(t) => t,
            None => {
                cx.reject(
                    l,
                    "type",
                    Some(t),
                    "expected invoice (facture), payment (règlement) or credit-note (avoir)",
                );
                return None;
            }
        },
    };
    if let Some(c) = get("currency")
        && !c.eq_ignore_ascii_case("EUR")
    {
        cx.reject(
            l,
            "currency",
            Some(c),
            "only amounts in euros (EUR) can be claimed here",
        );
        ok = false;
    }
    let date = match get("date") {
        None => {
            cx.reject(
                l,
                "date",
                None,
                "empty: the issue date (or payment date) is needed",
            );
            ok = false;
            None
        }
        Some(d) => match parse_csv_date(d) {
            Ok(d) => Some(d),
            Err(m) => {
                cx.reject(l, "date", Some(d), m);
                ok = false;
                None
            }
        },
    };
    let mut amount = match get("amount") {
        None => {
            cx.reject(
                l,
                "amount",
                None,
                "empty: the amount including VAT is needed",
            );
            ok = false;
            None
        }
        Some(a) => match parse_amount(a) {
            Ok(v) if v.is_zero() => {
                cx.reject(l, "amount", Some(a), "zero: nothing to claim or credit");
                ok = false;
                None
            }
            Ok(v) => Some(v),
            Err(m) => {
                cx.reject(l, "amount", Some(a), m);
                ok = false;
                None
            }
        },
    };
    let mut credit_note_from_sign = false;
    if let Some(v) = amount
        && v < Decimal::ZERO
    {
        if row_type == RowType::Invoice {
            // Accounting exports write a credit note as a negative invoice.
            row_type = RowType::CreditNote;
            credit_note_from_sign = true;
            amount = Some(-v);
        } else {
            cx.reject(
                l,
                "amount",
                get("amount"),
                "negative: write the amount paid or credited as a positive number",
            );
            ok = false;
        }
    }
    let number = get("number").map(clean_text);
    if let Some(n) = &number
        && n.chars().count() > 64
    {
        cx.reject(l, "number", Some(n), "longer than 64 characters");
        ok = false;
    }
    if row_type == RowType::Invoice && number.is_none() {
        cx.reject(l, "number", None, "empty: an invoice needs its number");
        ok = false;
    }
    let due = match get("due") {
        None => None,
        Some(d) => match parse_csv_date(d) {
            Ok(due) => {
                if let Some(issued) = date
                    && due < issued
                {
                    cx.reject(l, "due", Some(d), format!("before the issue date {issued}"));
                    ok = false;
                }
                Some(due)
            }
            Err(m) => {
                cx.reject(l, "due", Some(d), m);
                ok = false;
                None
            }
        },
    };
    let description = get("description").map(clean_text);
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 2000)
    {
        cx.reject(l, "description", None, "longer than 2000 characters");
        ok = false;
    }
    let named = get("invoice").map(clean_text);
    if named.is_some() && row_type == RowType::Invoice {
        cx.reject(
            l,
            "invoice",
            named.as_deref(),
            "only a payment or a credit note names the invoice it pays",
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    let (date, amount) = (date?, amount?);
    let item = match row_type {
        RowType::Invoice => Item::Invoice(InvoiceDraft {
            number: number.expect("checked"),
            issued: date,
            due,
            amount,
            description,
            piece: None,
            origin: format!("CSV line {line}"),
            amount_note: None,
        }),
        RowType::Payment | RowType::CreditNote => {
            let what = if row_type == RowType::Payment {
                "payment"
            } else if credit_note_from_sign {
                "credit note (a negative invoice amount)"
            } else {
                "credit note"
            };
            let reference = match (&number, &description) {
                (Some(n), Some(d)) => Some(format!("{n} {d}")),
                (Some(n), None) => Some(n.clone()),
                (None, Some(d)) => Some(d.clone()),
                (None, None) => None,
            }
            .map(|r| r.chars().take(200).collect());
            Item::Payment(PaymentDraft {
                date,
                amount,
                invoice: named,
                reference,
                origin: format!("CSV line {line}: {what}"),
            })
        }
    };
    Some(Row { account, item })
}

/// Fills the debtor's details from a row: the first value given wins; a different later
/// value, or one that cannot be used, is reported.
fn merge_debtor(
    cx: &mut Context,
    draft: &mut Draft,
    line: usize,
    row: &[String],
    cols: &BTreeMap<&'static str, usize>,
) {
    let get = |name| cell(row, cols, name);
    let note = |cx: &mut Context, field: &str, text: String| {
        cx.report.missing.push(super::Note {
            key: None,
            field: format!("debtor.{field}"),
            note: format!("{} (line {line}): {text}", draft.account),
        });
    };
    fn keep<T: PartialEq + Clone>(slot: &mut Option<T>, value: T) -> bool {
        match slot {
            None => {
                *slot = Some(value);
                true
            }
            Some(v) => *v == value,
        }
    }
    if let Some(n) = get("name") {
        let n = clean_text(n);
        if n.chars().count() > 200 {
            note(cx, "name", "longer than 200 characters: left out".into());
        } else if !keep(&mut draft.name, n.clone()) {
            note(
                cx,
                "name",
                format!("\"{n}\" differs from the name on an earlier line: the first is kept"),
            );
        }
    }
    if let Some(k) = get("kind") {
        match parse_kind(k) {
            Some(kind) => {
                if !keep(&mut draft.kind, kind) {
                    note(
                        cx,
                        "kind",
                        format!("\"{k}\" differs from an earlier line: the first is kept"),
                    );
                }
            }
            None => note(cx, "kind", format!("\"{k}\": {KIND_HELP}: left out")),
        }
    }
    if let Some(s) = get("siren") {
        if !is_valid_siren(s) {
            note(
                cx,
                "siren",
                format!("\"{s}\" is not a valid SIREN (9 digits, Luhn): left out"),
            );
        } else if !keep(&mut draft.siren, s.to_string()) {
            note(
                cx,
                "siren",
                format!("\"{s}\" differs from an earlier line: the first is kept"),
            );
        }
    }
    if let Some(a) = get("address") {
        let lines = split_address(a);
        match address_problem(&lines) {
            Some(m) => note(cx, "address", format!("\"{a}\": {m}: left out")),
            None => {
                if !keep(&mut draft.address, lines) {
                    note(
                        cx,
                        "address",
                        "differs from an earlier line: the first is kept".into(),
                    );
                }
            }
        }
    }
    if let Some(e) = get("email") {
        if !is_email(e) {
            note(
                cx,
                "email",
                format!("\"{e}\" is not an email address: left out"),
            );
        } else if !keep(&mut draft.email, e.to_string()) {
            note(
                cx,
                "email",
                format!("\"{e}\" differs from an earlier line: the first is kept"),
            );
        }
    }
}
