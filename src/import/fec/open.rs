//! The second pass over a FEC: the lines still open at the closing date become the
//! invoices and payments of each customer's draft, and each account's ledger balance is
//! set against what its draft holds.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::scan::Tally;
use super::{Columns, lettered_at_closing};
use crate::import::values::{clean_text, parse_fec_date};
use crate::import::{Context, Draft, InvoiceDraft, PaymentDraft, Reconciliation, by_account};
use crate::money::cents_string;

/// One open line of a customer account: its fields borrowed from the file's text.
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

/// Reads again the lines the first pass found usable (`lines`: the same lines after the
/// header) and makes the drafts of the open ones, by account.
pub(super) fn drafts<'t>(
    cx: &mut Context,
    c: &Columns,
    lines: impl Iterator<Item = &'t str>,
    closing: NaiveDate,
    t: &mut Tally<'t>,
) -> BTreeMap<String, Draft> {
    let mut partial_reported: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
    // (account, number) -> index of the invoice in its draft, and its issue date.
    let mut numbers: BTreeMap<(String, String), (usize, NaiveDate, usize)> = BTreeMap::new();
    let mut fields = Vec::new();
    for (i, raw) in lines.enumerate() {
        if !t.usable.get(i).copied().unwrap_or(false) {
            continue;
        }
        c.split(raw, &mut fields);
        // The first pass read both.
        let (Ok(amount), Ok(lettered_on)) = (c.amounts.read(&fields), c.lettered_on(&fields))
        else {
            continue;
        };
        let l = &Line {
            line: i + 2,
            account: c.account(&fields),
            label: c.label(&fields),
            amount,
            lettering: c.get(&fields, c.lettering),
            lettered_on,
            piece_ref: c.get(&fields, c.piece_ref),
            piece_date: c.get(&fields, c.piece_date),
            description: c.opt(&fields, c.lib),
            journal: c.opt(&fields, c.journal),
            entry_num: c.opt(&fields, c.num),
        };
        let mut why = String::new();
        if l.lettering.is_empty() {
            why.push_str("unlettered");
        } else if !lettered_at_closing(l.lettering, l.lettered_on, closing) {
            why = format!(
                "lettered \"{}\" on {}, after the closing date",
                l.lettering,
                l.lettered_on.map(|d| d.to_string()).unwrap_or_default()
            );
        } else {
            let group = (l.account, l.lettering);
            if let Some(first) = t.broken.get(&group) {
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
            let net = t.groups.get(&group).copied().unwrap_or_default();
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
        let Some(item) = open_item(cx, l, &t.shared) else {
            t.rejected_of.entry(l.account).or_default().push(l.line);
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
                        t.rejected_of.entry(l.account).or_default().push(l.line);
                        continue;
                    }
                    None => {}
                }
                numbers.insert(key, (draft.invoices.len(), issued, l.line));
                let derived = if t.shared.contains(&(l.account, clean_text(l.piece_ref))) {
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
    if !t.shared.is_empty() {
        let pieces: BTreeSet<&str> = t.shared.iter().map(|(_, p)| p.as_str()).collect();
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
    drafts
}

/// Each account's ledger balance against what its draft holds.
pub(super) fn reconcile(drafts: &BTreeMap<String, Draft>, t: &Tally<'_>) -> Vec<Reconciliation> {
    // The lettering groups that balance, by account.
    let mut closed: HashMap<&str, usize> = HashMap::new();
    for ((account, _), net) in &t.groups {
        if net.is_zero() {
            *closed.entry(account).or_default() += 1;
        }
    }
    t.ledger
        .iter()
        .map(|(&account, balance)| {
            let imported = drafts.get(account).map_or(Decimal::ZERO, |d| {
                d.invoices.iter().map(|i| i.amount).sum::<Decimal>()
                    - d.payments.iter().map(|p| p.amount).sum::<Decimal>()
            });
            let mut rejected = t.rejected_of.get(account).cloned().unwrap_or_default();
            rejected.sort_unstable();
            rejected.dedup();
            Reconciliation {
                account: account.to_string(),
                ledger_balance: cents_string(*balance),
                closed_groups: closed.get(account).copied().unwrap_or(0),
                imported_balance: cents_string(imported),
                difference: cents_string(*balance - imported),
                complete: !t.unreadable.contains(account),
                rejected_lines: rejected,
            }
        })
        .collect()
}

enum OpenItem {
    /// Invoice number and issue date.
    Debit(String, NaiveDate),
    /// Payment or credit note date.
    Credit(NaiveDate),
}

/// Reads the fields an open line needs, or rejects it saying which is missing.
fn open_item(
    cx: &mut Context,
    l: &Line<'_>,
    shared: &BTreeSet<(&str, String)>,
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
        if shared.contains(&(l.account, number.clone())) {
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
