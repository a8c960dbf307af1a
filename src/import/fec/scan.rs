//! The first pass over a FEC: every line is checked once, the customer accounts' ledger
//! balances and lettering groups are summed, and the lines the second pass may turn into
//! invoices or payments are marked. Nothing of a line is kept but what those sums need.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Columns, lettered_at_closing};
use crate::import::Context;
use crate::import::values::{clean_text_cow, parse_fec_date};

/// What the first pass learns of the file.
#[derive(Default)]
pub(super) struct Tally<'t> {
    /// The first entry dated after the closing date (line, date), and how many there are:
    /// the file name's date is then wrong, and with it which lettered entries were open.
    pub after_closing: Option<(usize, NaiveDate)>,
    pub after_closing_count: usize,
    /// Every readable line of each customer account, summed, for the reconciliation.
    pub ledger: BTreeMap<&'t str, Decimal>,
    /// The lines of each account that could not be used.
    pub rejected_of: BTreeMap<&'t str, Vec<usize>>,
    /// Accounts with a line whose amount cannot be read: their ledger balance is unknown.
    pub unreadable: BTreeSet<&'t str>,
    /// Lettering groups with a line that could not be read (its line): what is open in
    /// them cannot be told. Looked up only, never iterated: hashed (a FEC has hundreds of
    /// thousands of groups).
    pub broken: HashMap<(&'t str, &'t str), usize>,
    /// The sum of each lettering group lettered by the closing date.
    pub groups: HashMap<(&'t str, &'t str), Decimal>,
    /// `(account, PieceRef)` of the debits whose piece is shared by lines of different
    /// `PieceDate`s in one account: a batch piece (a monthly sales piece over many
    /// invoices), whose invoices get a derived number each rather than be merged or dropped.
    pub shared: BTreeSet<(&'t str, String)>,
    /// By line (0 is the line after the header): a customer line every field of which
    /// could be read, which the second pass looks at.
    pub usable: Vec<bool>,
    other_accounts: usize,
    doubtful: usize,
    no_datelet: usize,
}

/// Reads every line after the header once (`lines`), rejecting those that cannot be used.
pub(super) fn tally<'t>(
    cx: &mut Context,
    c: &Columns,
    lines: impl Iterator<Item = &'t str>,
    closing: NaiveDate,
) -> Tally<'t> {
    let mut t = Tally::default();
    let mut fields = Vec::new();
    // (account, PieceRef cleaned) of each debit -> the first PieceDate seen, and whether
    // another was seen. References that clean to the same number are one piece.
    let mut pieces: HashMap<(&'t str, Cow<'t, str>), (&'t str, bool)> = HashMap::new();
    for (i, raw) in lines.enumerate() {
        t.usable.push(false);
        let line = i + 2;
        if raw.trim().is_empty() {
            continue;
        }
        cx.report.lines_read += 1;
        c.split(raw, &mut fields);
        let compte = c.get(&fields, c.compte);
        let dated = c.entry_date.unwrap_or(c.piece_date);
        if let Ok(d) = parse_fec_date(c.get(&fields, dated))
            && d > closing
        {
            t.after_closing_count += 1;
            t.after_closing.get_or_insert((line, d));
        }
        if fields.len() != c.width {
            if compte.starts_with("411") || fields.len() <= c.compte {
                cx.reject(
                    Some(line),
                    "",
                    None,
                    format!("{} fields, the header has {}", fields.len(), c.width),
                );
            }
            continue;
        }
        if !compte.starts_with("411") {
            t.other_accounts += 1;
            if compte.starts_with("416") {
                t.doubtful += 1;
            }
            continue;
        }
        let account = c.account(&fields);
        let lettering = c.get(&fields, c.lettering);
        let mut ok = true;
        let amount = match c.amounts.read(&fields) {
            Ok(a) => {
                *t.ledger.entry(account).or_default() += a;
                if a.is_zero() {
                    cx.reject(Some(line), "Debit", None, "debit and credit are both zero");
                    ok = false;
                }
                a
            }
            Err((field, value, m)) => {
                t.ledger.entry(account).or_default();
                t.unreadable.insert(account);
                cx.reject(Some(line), field, Some(&value), m);
                ok = false;
                Decimal::ZERO
            }
        };
        let lettered_on = c.lettered_on(&fields).unwrap_or_else(|(value, m)| {
            cx.reject(Some(line), "DateLet", Some(value), m);
            ok = false;
            None
        });
        if !ok {
            t.rejected_of.entry(account).or_default().push(line);
            if !lettering.is_empty() {
                t.broken.entry((account, lettering)).or_insert(line);
            }
            continue;
        }
        if !lettering.is_empty() && lettered_on.is_none() {
            t.no_datelet += 1;
        }
        t.usable[i] = true;
        if lettered_at_closing(lettering, lettered_on, closing) {
            *t.groups.entry((account, lettering)).or_default() += amount;
        }
        if amount > Decimal::ZERO {
            let date = c.get(&fields, c.piece_date);
            let piece = clean_text_cow(c.get(&fields, c.piece_ref));
            let e = pieces.entry((account, piece)).or_insert((date, false));
            e.1 |= e.0 != date;
        }
    }
    t.shared = pieces
        .into_iter()
        .filter(|((_, piece), (_, several))| !piece.is_empty() && *several)
        .map(|((account, piece), _)| (account, piece.into_owned()))
        .collect();
    t
}

impl Tally<'_> {
    /// The report's notes on what the first pass left out.
    pub(super) fn assume(&self, cx: &mut Context) {
        if self.other_accounts > 0 {
            cx.assume(
                "",
                format!(
                    "{} line(s) on accounts other than 411 (customers) not imported",
                    self.other_accounts
                ),
            );
        }
        if self.doubtful > 0 {
            cx.assume(
                "",
                format!(
                    "{} of them on 416 (doubtful customers): spec §5 imports 411 only; a \
                     claim moved to 416 must be added by hand",
                    self.doubtful
                ),
            );
        }
        if self.no_datelet > 0 {
            cx.assume(
                "DateLet",
                format!(
                    "{} lettered line(s) without DateLet taken as lettered by the closing date",
                    self.no_datelet
                ),
            );
        }
    }
}
