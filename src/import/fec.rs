//! The FEC (fichier des écritures comptables, art. A47 A-1 LPF): the open items of the
//! customer accounts (`411…`) at the closing date of the fiscal year.
//!
//! An entry is open when it is not lettered, when it was lettered after the closing date
//! (`DateLet` later than the date in the file name), or when its lettering group does not
//! balance (partial lettering: the group's lines are all kept, so the dossier shows the
//! invoice with its full amount and the partial payments with their dates). Open debits
//! are invoices (`PieceRef` the number, `PieceDate` the issue date); open credits are
//! payments naming no invoice, credit notes included (spec §5).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::encoding::{Legacy, decode};
use super::values::{clean_text, parse_amount, parse_fec_date};
use super::{Context, Draft, InvoiceDraft, PaymentDraft, by_account};
use crate::dossier::CreditorFile;
use crate::dossier::ids::is_valid_siren;
use crate::error::{Problem, Problems};
use crate::money::cents_string;

/// The columns read, by their normalized names (BOI-CF-IOR-60-40-20 order is not needed).
const REQUIRED: &[&str] = &[
    "comptenum",
    "pieceref",
    "piecedate",
    "ecriturelet",
    "datelet",
];

/// `(siren, closing date)` from a file name `<SIREN>FEC<AAAAMMJJ>…` (A47 A-1 LPF).
fn name_parts(name: &str) -> Option<(&str, &str)> {
    let b = name.as_bytes();
    if b.len() < 20
        || !b[..9].iter().all(u8::is_ascii_digit)
        || !name[9..12].eq_ignore_ascii_case("FEC")
        || !b[12..20].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    Some((&name[..9], &name[12..20]))
}

/// One line of a customer account, as read.
struct Line {
    line: usize,
    account: String,
    label: Option<String>,
    /// Debit minus credit.
    amount: Decimal,
    lettering: String,
    lettered_on: Option<NaiveDate>,
    piece_ref: String,
    piece_date: String,
    description: String,
    journal: String,
}

pub(super) fn read(cx: &mut Context<'_>, creditor: &CreditorFile) -> Result<Vec<Draft>, Problems> {
    let file = cx.source.file_name().to_string();
    let Some((siren, closing_raw)) = name_parts(&file) else {
        return Err(Problem::new(
            &file,
            "",
            "the file name must be <SIREN>FEC<AAAAMMJJ>.txt (A47 A-1 LPF): the closing date \
             it gives decides which lettered entries were still open; rename the file",
        )
        .into());
    };
    let closing = parse_fec_date(closing_raw).map_err(|m| {
        Problems::from(
            Problem::new(&file, "", format!("closing date in the file name: {m}"))
                .with_value(closing_raw),
        )
    })?;
    cx.report.closing_date = Some(closing.to_string());
    match &creditor.creditor.siren {
        Some(s) if s != siren => {
            return Err(Problem::new(
                &file,
                "",
                format!(
                    "the file name gives SIREN {siren}, the creditor file {s}: these are not the \
                     creditor's books"
                ),
            )
            .into());
        }
        Some(_) => {}
        None => cx.assume(
            "creditor.siren",
            format!("the creditor file gives no SIREN to compare with the FEC's ({siren})"),
        ),
    }
    if !is_valid_siren(siren) {
        cx.assume(
            "",
            format!("the SIREN in the file name, {siren}, is not valid (Luhn)"),
        );
    }

    let (text, encoding) = decode(cx.source.bytes, Legacy::Iso8859_15);
    cx.report.encoding = Some(encoding.to_string());
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let header = lines.next().unwrap_or("").trim_start_matches('\u{feff}');
    let sep = ['\t', '|', ';']
        .into_iter()
        .max_by_key(|&c| (header.matches(c).count(), c == '\t'))
        .expect("three separators");
    let mut names: Vec<String> = header
        .split(sep)
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    while names.last().is_some_and(String::is_empty) {
        names.pop();
    }
    for n in &mut names {
        if n == "ecrturelet" {
            // A typo found in real exports.
            *n = "ecriturelet".to_string();
        }
    }
    let col = |name: &str| names.iter().position(|n| n == name);
    let mut missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|r| col(r).is_none())
        .collect();
    let amounts = match (col("debit"), col("credit"), col("montant"), col("sens")) {
        (Some(d), Some(c), _, _) => Some(Amounts::DebitCredit(d, c)),
        (_, _, Some(m), Some(s)) => Some(Amounts::AmountSide(m, s)),
        _ => {
            missing.push("Debit and Credit (or Montant and Sens)");
            None
        }
    };
    if !missing.is_empty() || amounts.is_none() {
        let shown: Vec<String> = missing.iter().map(|m| display_name(m)).collect();
        return Err(Problem::new(
            &file,
            "",
            format!(
                "not a FEC header (line 1, fields separated by tab, | or ;): missing {}",
                shown.join(", ")
            ),
        )
        .at_line(Some(1))
        .into());
    }
    let amounts = amounts.expect("checked");
    let idx = |name: &str| col(name).expect("checked");
    let (c_compte, c_ref, c_date, c_let, c_datelet) = (
        idx("comptenum"),
        idx("pieceref"),
        idx("piecedate"),
        idx("ecriturelet"),
        idx("datelet"),
    );
    let (c_aux, c_auxlib, c_comptelib, c_lib, c_journal) = (
        col("compauxnum"),
        col("compauxlib"),
        col("comptelib"),
        col("ecriturelib"),
        col("journalcode"),
    );

    let mut read = Vec::new();
    let mut other_accounts = 0usize;
    let mut doubtful = 0usize;
    let mut no_datelet = 0usize;
    // Lettering groups with a line that could not be read: what is open cannot be told.
    let mut broken: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, raw) in lines.enumerate() {
        let line = i + 2;
        if raw.trim().is_empty() {
            continue;
        }
        cx.report.lines_read += 1;
        let mut fields: Vec<&str> = raw.split(sep).map(str::trim).collect();
        while fields.len() > names.len() && fields.last().is_some_and(|f| f.is_empty()) {
            fields.pop();
        }
        let get = |c: usize| fields.get(c).copied().unwrap_or("");
        let compte = get(c_compte);
        if fields.len() != names.len() {
            if compte.starts_with("411") || fields.len() <= c_compte {
                cx.reject(
                    Some(line),
                    "",
                    None,
                    format!("{} fields, the header has {}", fields.len(), names.len()),
                );
            }
            continue;
        }
        if !compte.starts_with("411") {
            other_accounts += 1;
            if compte.starts_with("416") {
                doubtful += 1;
            }
            continue;
        }
        let aux = c_aux.map(get).unwrap_or("");
        let account = if aux.is_empty() { compte } else { aux }.to_string();
        let lettering = get(c_let).to_string();
        let label = if aux.is_empty() {
            c_comptelib.map(get)
        } else {
            c_auxlib.map(get)
        }
        .map(clean_text)
        .filter(|l| !l.is_empty());
        let mut ok = true;
        let amount = match amounts.read(&fields) {
            Ok(a) if a.is_zero() => {
                cx.reject(Some(line), "Debit", None, "debit and credit are both zero");
                ok = false;
                a
            }
            Ok(a) => a,
            Err((field, value, m)) => {
                cx.reject(Some(line), field, Some(&value), m);
                ok = false;
                Decimal::ZERO
            }
        };
        let datelet_raw = get(c_datelet);
        let lettered_on = if datelet_raw.is_empty() {
            None
        } else {
            match parse_fec_date(datelet_raw) {
                Ok(d) => Some(d),
                Err(m) => {
                    cx.reject(Some(line), "DateLet", Some(datelet_raw), m);
                    ok = false;
                    None
                }
            }
        };
        if !ok {
            if !lettering.is_empty() {
                broken.entry((account, lettering)).or_insert(line);
            }
            continue;
        }
        if !lettering.is_empty() && lettered_on.is_none() {
            no_datelet += 1;
        }
        read.push(Line {
            line,
            account,
            label,
            amount,
            lettering,
            lettered_on,
            piece_ref: get(c_ref).to_string(),
            piece_date: get(c_date).to_string(),
            description: c_lib.map(get).map(clean_text).unwrap_or_default(),
            journal: c_journal.map(get).unwrap_or("").to_string(),
        });
    }
    if other_accounts > 0 {
        cx.assume(
            "",
            format!("{other_accounts} line(s) on accounts other than 411 (customers) not imported"),
        );
    }
    if doubtful > 0 {
        cx.assume(
            "",
            format!(
                "{doubtful} of them on 416 (doubtful customers): spec §5 imports 411 only; a \
                 claim moved to 416 must be added by hand"
            ),
        );
    }
    if no_datelet > 0 {
        cx.assume(
            "DateLet",
            format!(
                "{no_datelet} lettered line(s) without DateLet taken as lettered by the closing date"
            ),
        );
    }
    cx.header.push(format!(
        "Open items of the customer account at the FEC's closing date, {closing}: unlettered \
         lines, lines lettered after that date, and lettering groups that do not balance."
    ));

    // Sum of each lettering group lettered by the closing date.
    let mut groups: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for l in &read {
        if lettered_at_closing(l, closing) {
            *groups
                .entry((l.account.clone(), l.lettering.clone()))
                .or_default() += l.amount;
        }
    }
    let mut partial_reported: BTreeSet<(String, String)> = BTreeSet::new();
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    // (account, number) -> index of the invoice in its draft, and its issue date.
    let mut numbers: BTreeMap<(String, String), (usize, NaiveDate, usize)> = BTreeMap::new();
    for l in &read {
        let mut why = String::new();
        if l.lettering.is_empty() {
            why.push_str("unlettered");
        } else if !lettered_at_closing(l, closing) {
            why = format!(
                "lettered \"{}\" on {}, after the closing date",
                l.lettering,
                l.lettered_on.map(|d| d.to_string()).unwrap_or_default()
            );
        } else {
            let group = (l.account.clone(), l.lettering.clone());
            if let Some(first) = broken.get(&group) {
                cx.reject(
                    Some(l.line),
                    "EcritureLet",
                    Some(&l.lettering),
                    format!(
                        "lettering group with an unusable line (line {first}): what is still \
                         open cannot be told"
                    ),
                );
                continue;
            }
            let net = groups[&group];
            if net.is_zero() {
                continue;
            }
            why = format!(
                "partially lettered \"{}\": the group leaves {} open",
                l.lettering,
                cents_string(net)
            );
            if partial_reported.insert(group.clone()) {
                by_account(&mut drafts, &l.account).notes.push((
                    "lettering".to_string(),
                    format!(
                        "lettering group \"{}\" does not balance ({}): its lines are imported \
                         as open items",
                        l.lettering,
                        cents_string(net)
                    ),
                ));
            }
        }
        let Some(item) = open_item(cx, l) else {
            continue;
        };
        let draft = by_account(&mut drafts, &l.account);
        draft.name_is_label = true;
        if draft.name.is_none() {
            draft.name.clone_from(&l.label);
        }
        if matches!(
            l.journal.to_ascii_uppercase().as_str(),
            "AN" | "RAN" | "ANO" | "ANX"
        ) {
            draft.notes.push((
                "invoices".to_string(),
                format!(
                    "line {} is an opening entry (journal {}): check it names a real invoice \
                     and its date (detailed à-nouveaux), not a carried-forward balance",
                    l.line, l.journal
                ),
            ));
        }
        let journal = if l.journal.is_empty() {
            String::new()
        } else {
            format!(", journal {}", l.journal)
        };
        match item {
            OpenItem::Debit(number, issued) => {
                let key = (l.account.clone(), number.clone());
                match numbers.get(&key) {
                    Some(&(i, date, first)) if date == issued => {
                        let inv = &mut draft.invoices[i];
                        inv.amount += l.amount;
                        inv.origin.push_str(&format!(", line {} ({why})", l.line));
                        inv.amount_note = Some(format!(
                            "sum of the open lines of piece {number} (first on line {first})"
                        ));
                        continue;
                    }
                    Some(&(_, date, first)) => {
                        cx.reject(
                            Some(l.line),
                            "PieceRef",
                            Some(&number),
                            format!(
                                "the same piece is already an open invoice of this account dated \
                                 {date} (line {first}): one number, two dates"
                            ),
                        );
                        continue;
                    }
                    None => {}
                }
                numbers.insert(key, (draft.invoices.len(), issued, l.line));
                draft.invoices.push(InvoiceDraft {
                    number,
                    issued,
                    due: None,
                    amount: l.amount,
                    description: Some(l.description.clone()).filter(|d| !d.is_empty()),
                    piece: None,
                    origin: format!("FEC line {}{journal}: {why}", l.line),
                    amount_note: None,
                });
            }
            OpenItem::Credit(date) => {
                let reference = match (l.piece_ref.is_empty(), l.description.is_empty()) {
                    (false, false) => {
                        Some(format!("{} {}", clean_text(&l.piece_ref), l.description))
                    }
                    (false, true) => Some(clean_text(&l.piece_ref)),
                    (true, false) => Some(l.description.clone()),
                    (true, true) => None,
                }
                .map(|r| r.chars().take(200).collect());
                draft.payments.push(PaymentDraft {
                    date,
                    amount: -l.amount,
                    invoice: None,
                    reference,
                    origin: format!(
                        "FEC line {}{journal}: {why}; an open credit (payment or credit note) \
                         names no invoice",
                        l.line
                    ),
                });
            }
        }
    }
    Ok(drafts
        .into_values()
        .filter(|d| !d.invoices.is_empty() || !d.payments.is_empty())
        .collect())
}

fn lettered_at_closing(l: &Line, closing: NaiveDate) -> bool {
    !l.lettering.is_empty() && l.lettered_on.is_none_or(|d| d <= closing)
}

enum OpenItem {
    /// Invoice number and issue date.
    Debit(String, NaiveDate),
    /// Payment or credit note date.
    Credit(NaiveDate),
}

/// Reads the fields an open line needs, or rejects it saying which is missing.
fn open_item(cx: &mut Context<'_>, l: &Line) -> Option<OpenItem> {
    let mut ok = true;
    let date = match parse_fec_date(&l.piece_date) {
        Ok(d) => Some(d),
        Err(m) => {
            let value = Some(l.piece_date.as_str()).filter(|v| !v.is_empty());
            cx.reject(Some(l.line), "PieceDate", value, m);
            ok = false;
            None
        }
    };
    if l.amount > Decimal::ZERO {
        let number = clean_text(&l.piece_ref);
        if number.is_empty() {
            cx.reject(
                Some(l.line),
                "PieceRef",
                None,
                "empty: an open debit needs the invoice number",
            );
            ok = false;
        } else if number.chars().count() > 64 {
            cx.reject(
                Some(l.line),
                "PieceRef",
                Some(&number),
                "longer than 64 characters",
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(OpenItem::Debit(number, date?))
    } else {
        Some(OpenItem::Credit(date?))
    }
}

/// Where the amounts are: `Debit`/`Credit`, or `Montant`/`Sens`.
#[derive(Clone, Copy)]
enum Amounts {
    DebitCredit(usize, usize),
    AmountSide(usize, usize),
}

impl Amounts {
    /// Debit minus credit, or the column, value and reason it cannot be read.
    fn read(self, fields: &[&str]) -> Result<Decimal, (&'static str, String, String)> {
        let get = |c: usize| fields.get(c).copied().unwrap_or("");
        let parse =
            |name: &'static str, raw: &str| -> Result<Decimal, (&'static str, String, String)> {
                if raw.is_empty() {
                    return Ok(Decimal::ZERO);
                }
                parse_amount(raw).map_err(|m| (name, raw.to_string(), m))
            };
        match self {
            Amounts::DebitCredit(d, c) => Ok(parse("Debit", get(d))? - parse("Credit", get(c))?),
            Amounts::AmountSide(m, s) => {
                let amount = parse("Montant", get(m))?;
                match get(s).to_ascii_uppercase().as_str() {
                    "D" | "+1" | "1" => Ok(amount),
                    "C" | "-1" => Ok(-amount),
                    other => Err((
                        "Sens",
                        other.to_string(),
                        "expected D or C (or +1 / -1)".to_string(),
                    )),
                }
            }
        }
    }
}

/// `comptenum` -> `CompteNum`, for messages.
fn display_name(n: &str) -> String {
    match n {
        "comptenum" => "CompteNum",
        "pieceref" => "PieceRef",
        "piecedate" => "PieceDate",
        "ecriturelet" => "EcritureLet",
        "datelet" => "DateLet",
        other => other,
    }
    .to_string()
}
