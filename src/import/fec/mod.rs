//! The FEC (fichier des écritures comptables, art. A47 A-1 LPF): the open items of the
//! customer accounts (`411…`) at the closing date of the fiscal year.
//!
//! An entry is open when it is not lettered, when it was lettered after the closing date
//! (`DateLet` later than the date in the file name), or when its lettering group does not
//! balance (partial lettering: the group's lines are all kept, so the dossier shows the
//! invoice with its full amount and the partial payments with their dates). Open debits
//! are invoices (`PieceRef` the number, `PieceDate` the issue date); open credits are
//! payments naming no invoice, credit notes included (spec §5).

mod open;
mod scan;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::encoding::{Legacy, decode};
use super::values::{clean_text, parse_amount, parse_fec_date, physical_lines};
use super::{Context, Draft};
use crate::dossier::CreditorFile;
use crate::dossier::ids::is_valid_siren;
use crate::error::{Problem, Problems};

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

pub(super) fn read(
    cx: &mut Context,
    bytes: &[u8],
    creditor: &CreditorFile,
    closing_override: Option<NaiveDate>,
) -> Result<Vec<Draft>, Problems> {
    let file = cx.report.source.clone();
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

    let (text, encoding) = decode(bytes, Legacy::Iso8859_15);
    cx.report.encoding = Some(encoding.to_string());
    let header = physical_lines(&text)
        .next()
        .unwrap_or("")
        .trim_start_matches('\u{feff}');
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
    let idx = |name: &str| col(name).expect("checked");
    let columns = Columns {
        sep,
        width: names.len(),
        compte: idx("comptenum"),
        piece_ref: idx("pieceref"),
        piece_date: idx("piecedate"),
        lettering: idx("ecriturelet"),
        datelet: idx("datelet"),
        aux: col("compauxnum"),
        auxlib: col("compauxlib"),
        comptelib: col("comptelib"),
        lib: col("ecriturelib"),
        journal: col("journalcode"),
        num: col("ecriturenum"),
        entry_date: col("ecrituredate"),
        amounts: amounts.expect("checked"),
    };
    // Two passes over the text, none holding its lines: the first sums the ledger and the
    // lettering groups, the second turns the lines still open into invoices and payments
    // (a FEC of a million lines is mostly lettered, balanced groups).
    let tally = scan::tally(cx, &columns, physical_lines(&text).skip(1), closing);
    if let Some((first, date)) = tally.after_closing {
        return Err(Problem::new(
            &file,
            "",
            format!(
                "{} entr(y/ies) dated after the closing date {closing} \
                 (first: line {first}, {date}): the file name gives the wrong closing date, \
                 and with it which lettered entries were still open; rename the file or give \
                 --closing-date",
                tally.after_closing_count
            ),
        )
        .at_line(Some(first))
        .into());
    }
    tally.assume(cx);
    cx.header.push(format!(
        "Open items of the customer account at the FEC's closing date, {closing}: unlettered \
         lines, lines lettered after that date, and lettering groups that do not balance."
    ));
    let mut tally = tally;
    let drafts = open::drafts(
        cx,
        &columns,
        physical_lines(&text).skip(1),
        closing,
        &mut tally,
    );
    cx.report.accounts = open::reconcile(&drafts, &tally);
    Ok(drafts
        .into_values()
        .filter(|d| !d.invoices.is_empty() || !d.payments.is_empty())
        .collect())
}

/// Whether a line with this lettering was lettered by the closing date (a lettered line
/// without `DateLet` is taken as lettered by then, and the report says so).
fn lettered_at_closing(lettering: &str, on: Option<NaiveDate>, closing: NaiveDate) -> bool {
    !lettering.is_empty() && on.is_none_or(|d| d <= closing)
}

/// Where each column read is, and how a line splits into fields.
struct Columns {
    sep: char,
    /// The header's number of fields.
    width: usize,
    compte: usize,
    piece_ref: usize,
    piece_date: usize,
    lettering: usize,
    datelet: usize,
    aux: Option<usize>,
    auxlib: Option<usize>,
    comptelib: Option<usize>,
    lib: Option<usize>,
    journal: Option<usize>,
    num: Option<usize>,
    entry_date: Option<usize>,
    amounts: Amounts,
}

impl Columns {
    /// Splits `raw` into `fields` (reused from line to line), trimmed, without the empty
    /// fields some exports add past the header's width.
    fn split<'t>(&self, raw: &'t str, fields: &mut Vec<&'t str>) {
        fields.clear();
        fields.extend(raw.split(self.sep).map(str::trim));
        while fields.len() > self.width && fields.last().is_some_and(|f| f.is_empty()) {
            fields.pop();
        }
    }

    fn get<'t>(&self, fields: &[&'t str], c: usize) -> &'t str {
        fields.get(c).copied().unwrap_or("")
    }

    fn opt<'t>(&self, fields: &[&'t str], c: Option<usize>) -> &'t str {
        c.map_or("", |c| self.get(fields, c))
    }

    /// The customer's account: `CompAuxNum`, else `CompteNum`.
    fn account<'t>(&self, fields: &[&'t str]) -> &'t str {
        let aux = self.opt(fields, self.aux);
        if aux.is_empty() {
            self.get(fields, self.compte)
        } else {
            aux
        }
    }

    /// The account's label (`CompAuxLib`, else `CompteLib`), as written, when not blank.
    fn label<'t>(&self, fields: &[&'t str]) -> Option<&'t str> {
        let label = if self.opt(fields, self.aux).is_empty() {
            self.comptelib
        } else {
            self.auxlib
        };
        label
            .map(|c| self.get(fields, c))
            .filter(|l| !clean_text(l).is_empty())
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

impl Columns {
    /// `DateLet`, when written, or the value and the reason it cannot be read.
    fn lettered_on<'t>(&self, fields: &[&'t str]) -> Result<Option<NaiveDate>, (&'t str, String)> {
        let raw = self.get(fields, self.datelet);
        if raw.is_empty() {
            return Ok(None);
        }
        parse_fec_date(raw).map(Some).map_err(|m| (raw, m))
    }
}
