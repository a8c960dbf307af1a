//! A folder of e-invoices of one seller imported at once: one dossier per buyer.

use std::collections::BTreeMap;

use super::{Context, Draft, Import, Kind, Parties, Setup, Source, by_account, einvoice, finish};
use crate::error::{Problem, Problems};

/// Imports a folder of e-invoices of one seller (`relance import facturx|cii|ubl DIR`):
/// one dossier per buyer holding all its invoices and credit notes, each file its piece.
/// `folder` names the import in the report; `sources` are its files.
///
/// # Errors
/// Every file refused, with its reasons (as [`import`]), files of different sellers, one
/// invoice number twice for one buyer: nothing is imported then.
pub fn import_folder(
    kind: Kind,
    folder: &Source<'_>,
    sources: &[Source<'_>],
    setup: &Setup,
) -> Result<Import, Problems> {
    let mut problems = Problems::default();
    if !kind.is_einvoice() {
        problems.push(Problem::new(
            folder.name,
            "",
            "a folder can be imported only as facturx, cii or ubl",
        ));
        return Err(problems);
    }
    let mut cx = Context::new(kind, folder);
    let mut parties: Option<(Parties, String)> = None;
    let mut merged: BTreeMap<String, Draft> = BTreeMap::new();
    // (buyer, number) and (buyer, piece) -> the file that brought it.
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    for source in sources {
        let mut one = Context::new(kind, source);
        let (drafts, p) = match einvoice::read(&mut one, source.bytes, setup.creditor.as_ref()) {
            Ok(r) => r,
            Err(e) => {
                problems.0.extend(e.0);
                continue;
            }
        };
        match &parties {
            Some((first, from)) if first.creditor != p.creditor => problems.push(Problem::new(
                source.name,
                "",
                format!(
                    "the seller ({}) is not that of {from} ({}): one creditor per import",
                    p.creditor.name, first.creditor.name
                ),
            )),
            Some(_) => {}
            None => parties = Some((p, source.name.to_string())),
        }
        cx.report.lines_read += 1;
        cx.rejected.extend(one.rejected);
        cx.report.assumptions.extend(one.report.assumptions);
        cx.report.missing.extend(one.report.missing);
        for h in one.header {
            if !cx.header.contains(&h) {
                cx.header.push(h);
            }
        }
        for d in drafts {
            let numbers = d.invoices.iter().map(|i| format!("invoice {}", i.number));
            let pieces = d.pieces.iter().map(|p| format!("piece {}", p.path));
            for what in numbers.chain(pieces) {
                if let Some(first) =
                    seen.insert((d.account.clone(), what.clone()), source.name.into())
                {
                    problems.push(Problem::new(
                        source.name,
                        "",
                        format!("{what} of buyer {} is also in {first}", d.account),
                    ));
                }
            }
            merge_draft(by_account(&mut merged, &d.account), d);
        }
    }
    let Some((parties, _)) = parties else {
        if problems.is_empty() {
            problems.push(Problem::new(folder.name, "", "no e-invoice in this folder"));
        }
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let drafts = merged.into_values().collect();
    let dossiers = finish(&mut cx, &parties, setup.customers.as_ref(), drafts);
    Ok(cx.into_import(dossiers))
}

/// Adds `more` (one e-invoice's buyer) to `into` (that buyer's items so far): the first
/// file's name, SIREN, address and email are kept; a different one later is noted.
fn merge_draft(into: &mut Draft, more: Draft) {
    fn keep<T: PartialEq + Clone>(
        into: &mut Option<T>,
        more: Option<T>,
        field: &str,
        notes: &mut Vec<(String, String)>,
    ) {
        match (into.as_ref(), more) {
            (None, m) => *into = m,
            (Some(a), Some(b)) if *a != b => notes.push((
                field.to_string(),
                "the buyer's files differ on this field: the first file's value is kept".into(),
            )),
            _ => {}
        }
    }
    keep(&mut into.name, more.name, "debtor.name", &mut into.notes);
    keep(&mut into.siren, more.siren, "debtor.siren", &mut into.notes);
    keep(
        &mut into.address,
        more.address,
        "debtor.address",
        &mut into.notes,
    );
    keep(&mut into.email, more.email, "debtor.email", &mut into.notes);
    if into.kind.is_none() {
        into.kind = more.kind;
    }
    into.name_is_label |= more.name_is_label;
    into.invoices.extend(more.invoices);
    into.payments.extend(more.payments);
    into.pieces.extend(more.pieces);
    for n in more.notes {
        if !into.notes.contains(&n) {
            into.notes.push(n);
        }
    }
    for h in more.header {
        if !into.header.contains(&h) {
            into.header.push(h);
        }
    }
}
