//! The FEC (fichier des écritures comptables, art. A47 A-1 LPF): the open items of the
//! customer accounts (`411…`) at the closing date of the fiscal year.
//!
//! An entry is open when it is not lettered, when it was lettered after the closing date
//! (`DateLet` later than the date in the file name), or when its lettering group does not
//! balance (partial lettering: the group's lines are all kept, so the dossier shows the
//! invoice with its full amount and the partial payments with their dates). Open debits
//! are invoices (`PieceRef` the number, `PieceDate` the issue date); open credits are
//! payments naming no invoice, credit notes included (spec §5).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::encoding::{Legacy, decode};
use super::values::{clean_text, parse_amount, parse_fec_date, physical_lines};
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

/// One line of a customer account, as read: its fields borrowed from the file's text (a
/// FEC holds hundreds of thousands of them), the labels cleaned where they are used.
struct Line<'t> {
    line: usize,
    account: &'t str,
    /// The account's label (`CompAuxLib`, else `CompteLib`), as written.
    label: Option<&'t str>,
    /// Debit minus credit.
    amount: Decimal,
    lettering: &'t str,
    lettered_on: Option<NaiveDate>,
    piece_ref: &'t str,
    piece_date: &'t str,
    /// `EcritureLib`, as written.
    description: &'t str,
    journal: &'t str,
    /// `EcritureNum`, when the file has the column.
    entry_num: &'t str,
}

pub(super) fn read(
    cx: &mut Context<'_>,
    creditor: &CreditorFile,
    closing_override: Option<NaiveDate>,
) -> Result<Vec<Draft>, Problems> {
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
    let named = parse_fec_date(closing_raw).map_err(|m| {
        Problems::from(
            Problem::new(&file, "", format!("closing date in the file name: {m}"))
                .with_value(closing_raw),
        )
    });
    let closing = match (closing_override, named) {
        (Some(given), named) => {
            if named.as_ref().ok() != Some(&given) {
                cx.assume(
                    "closing_date",
                    format!(
                        "closing date {given} from --closing-date, not the file name's {closing_raw}"
                    ),
                );
            }
            given
        }
        (None, named) => named?,
    };
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
    let mut lines = physical_lines(&text).into_iter();
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
    let (c_num, c_entry_date) = (col("ecriturenum"), col("ecrituredate"));
    // Entries dated after the closing date: the file name's date is wrong, and with it
    // which lettered entries were still open (first such line, and how many).
    let mut after_closing: Option<(usize, NaiveDate)> = None;
    let mut after_closing_count = 0usize;
    // Every readable line of each customer account, for the reconciliation.
    let mut ledger: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut rejected_of: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    // Accounts with a line whose amount cannot be read: their ledger balance is unknown.
    let mut unreadable: BTreeSet<String> = BTreeSet::new();

    let mut read = Vec::new();
    let mut other_accounts = 0usize;
    let mut doubtful = 0usize;
    let mut no_datelet = 0usize;
    // Lettering groups with a line that could not be read: what is open cannot be told.
    // Looked up only, never iterated: hashed (a FEC has hundreds of thousands of groups).
    let mut broken: HashMap<(&str, &str), usize> = HashMap::new();
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
        let dated = c_entry_date.unwrap_or(c_date);
        if let Ok(d) = parse_fec_date(get(dated))
            && d > closing
        {
            after_closing_count += 1;
            after_closing.get_or_insert((line, d));
        }
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
        let account = if aux.is_empty() { compte } else { aux };
        let lettering = get(c_let);
        let label = if aux.is_empty() {
            c_comptelib.map(get)
        } else {
            c_auxlib.map(get)
        }
        .filter(|l| !clean_text(l).is_empty());
        let mut ok = true;
        match amounts.read(&fields) {
            Ok(a) => *ledger.entry(account.to_string()).or_default() += a,
            Err(_) => {
                ledger.entry(account.to_string()).or_default();
                unreadable.insert(account.to_string());
            }
        }
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
            rejected_of
                .entry(account.to_string())
                .or_default()
                .push(line);
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
            piece_ref: get(c_ref),
            entry_num: c_num.map(get).unwrap_or(""),
            piece_date: get(c_date),
            description: c_lib.map(get).unwrap_or(""),
            journal: c_journal.map(get).unwrap_or(""),
        });
    }
    if let Some((first, date)) = after_closing {
        return Err(Problem::new(
            &file,
            "",
            format!(
                "{after_closing_count} entr(y/ies) dated after the closing date {closing} \
                 (first: line {first}, {date}): the file name gives the wrong closing date, \
                 and with it which lettered entries were still open; rename the file or give \
                 --closing-date"
            ),
        )
        .at_line(Some(first))
        .into());
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
    let mut groups: HashMap<(&str, &str), Decimal> = HashMap::new();
    for l in &read {
        if lettered_at_closing(l, closing) {
            *groups.entry((l.account, l.lettering)).or_default() += l.amount;
        }
    }
    let shared = shared_pieces(&read);
    let mut partial_reported: BTreeSet<(&str, &str)> = BTreeSet::new();
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
            let group = (l.account, l.lettering);
            if let Some(first) = broken.get(&group) {
                cx.reject(
                    Some(l.line),
                    "EcritureLet",
                    Some(l.lettering),
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
            if partial_reported.insert(group) {
                by_account(&mut drafts, l.account).notes.push((
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
        let Some(item) = open_item(cx, l, &shared) else {
            rejected_of
                .entry(l.account.to_string())
                .or_default()
                .push(l.line);
            continue;
        };
        let draft = by_account(&mut drafts, l.account);
        draft.name_is_label = true;
        if draft.name.is_none() {
            draft.name = l.label.map(clean_text);
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
                let key = (l.account.to_string(), number.clone());
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
                        rejected_of
                            .entry(l.account.to_string())
                            .or_default()
                            .push(l.line);
                        continue;
                    }
                    None => {}
                }
                numbers.insert(key, (draft.invoices.len(), issued, l.line));
                let derived = if shared.contains(&(l.account.to_string(), clean_text(l.piece_ref)))
                {
                    format!(
                        "; number derived from PieceRef \"{}\" {}, since that piece (a batch \
                         piece) holds several open entries of this account with different dates",
                        clean_text(l.piece_ref),
                        if l.entry_num.is_empty() {
                            "and the PieceDate".to_string()
                        } else {
                            format!("and EcritureNum {}", l.entry_num)
                        }
                    )
                } else {
                    String::new()
                };
                draft.invoices.push(InvoiceDraft {
                    number,
                    issued,
                    due: None,
                    amount: l.amount,
                    description: Some(clean_text(l.description)).filter(|d| !d.is_empty()),
                    piece: None,
                    origin: format!("FEC line {}{journal}: {why}{derived}", l.line),
                    amount_note: None,
                });
            }
            OpenItem::Credit(date) => {
                let description = clean_text(l.description);
                let reference = match (l.piece_ref.is_empty(), description.is_empty()) {
                    (false, false) => Some(format!("{} {description}", clean_text(l.piece_ref))),
                    (false, true) => Some(clean_text(l.piece_ref)),
                    (true, false) => Some(description),
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
    if !shared.is_empty() {
        let pieces: BTreeSet<&str> = shared.iter().map(|(_, p)| p.as_str()).collect();
        cx.assume(
            "PieceRef",
            format!(
                "{} batch piece(s) ({}) hold open entries of one account with different dates: \
                 each such invoice is numbered PieceRef-EcritureNum (or PieceRef-date without \
                 that column) so that none is dropped",
                pieces.len(),
                pieces.into_iter().take(5).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    cx.report.accounts = reconcile(&read, &drafts, &ledger, &rejected_of, closing);
    for a in &mut cx.report.accounts {
        a.complete = !unreadable.contains(&a.account);
    }
    Ok(drafts
        .into_values()
        .filter(|d| !d.invoices.is_empty() || !d.payments.is_empty())
        .collect())
}

/// Each account's ledger balance against what its draft holds.
fn reconcile(
    read: &[Line<'_>],
    drafts: &BTreeMap<String, Draft>,
    ledger: &BTreeMap<String, Decimal>,
    rejected_of: &BTreeMap<String, Vec<usize>>,
    closing: NaiveDate,
) -> Vec<super::Reconciliation> {
    // Looked up by account only: hashed, the output follows `ledger`'s order.
    let mut closed: HashMap<&str, HashMap<&str, Decimal>> = HashMap::new();
    for l in read {
        if lettered_at_closing(l, closing) {
            *closed
                .entry(l.account)
                .or_default()
                .entry(l.lettering)
                .or_default() += l.amount;
        }
    }
    ledger
        .iter()
        .map(|(account, balance)| {
            let imported = drafts.get(account).map_or(Decimal::ZERO, |d| {
                d.invoices.iter().map(|i| i.amount).sum::<Decimal>()
                    - d.payments.iter().map(|p| p.amount).sum::<Decimal>()
            });
            let mut rejected = rejected_of.get(account).cloned().unwrap_or_default();
            rejected.sort_unstable();
            rejected.dedup();
            super::Reconciliation {
                account: account.clone(),
                ledger_balance: cents_string(*balance),
                closed_groups: closed
                    .get(account.as_str())
                    .map_or(0, |g| g.values().filter(|v| v.is_zero()).count()),
                imported_balance: cents_string(imported),
                difference: cents_string(*balance - imported),
                complete: true,
                rejected_lines: rejected,
            }
        })
        .collect()
}

/// The `(account, PieceRef)` of the open debits whose piece is shared by lines of
/// different `PieceDate`s in one account: a batch piece (a monthly sales piece over many
/// invoices), whose invoices get a derived number each rather than be merged or dropped.
fn shared_pieces(read: &[Line<'_>]) -> BTreeSet<(String, String)> {
    // (account, raw PieceRef) -> the first PieceDate seen, and whether another was seen.
    let mut dates: HashMap<(&str, &str), (&str, bool)> = HashMap::new();
    for l in read.iter().filter(|l| l.amount > Decimal::ZERO) {
        let e = dates
            .entry((l.account, l.piece_ref))
            .or_insert((l.piece_date, false));
        e.1 |= e.0 != l.piece_date;
    }
    // Raw references that clean to the same number are one piece: merge them cleaned.
    let mut cleaned: HashMap<(&str, String), (&str, bool)> = HashMap::new();
    for ((account, piece), (date, several)) in dates {
        let e = cleaned
            .entry((account, clean_text(piece)))
            .or_insert((date, false));
        e.1 |= several || e.0 != date;
    }
    cleaned
        .into_iter()
        .filter(|((_, piece), (_, several))| !piece.is_empty() && *several)
        .map(|((account, piece), _)| (account.to_string(), piece))
        .collect()
}

fn lettered_at_closing(l: &Line<'_>, closing: NaiveDate) -> bool {
    !l.lettering.is_empty() && l.lettered_on.is_none_or(|d| d <= closing)
}

enum OpenItem {
    /// Invoice number and issue date.
    Debit(String, NaiveDate),
    /// Payment or credit note date.
    Credit(NaiveDate),
}

/// Reads the fields an open line needs, or rejects it saying which is missing.
fn open_item(
    cx: &mut Context<'_>,
    l: &Line<'_>,
    shared: &BTreeSet<(String, String)>,
) -> Option<OpenItem> {
    let mut ok = true;
    let date = match parse_fec_date(l.piece_date) {
        Ok(d) => Some(d),
        Err(m) => {
            let value = Some(l.piece_date).filter(|v| !v.is_empty());
            cx.reject(Some(l.line), "PieceDate", value, m);
            ok = false;
            None
        }
    };
    if l.amount > Decimal::ZERO {
        let mut number = clean_text(l.piece_ref);
        if shared.contains(&(l.account.to_string(), number.clone())) {
            let suffix = if l.entry_num.is_empty() {
                l.piece_date.to_string()
            } else {
                clean_text(l.entry_num)
            };
            number = format!("{number}-{suffix}");
        }
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
