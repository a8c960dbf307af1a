//! `[[exhibits]]` of a dossier: the contract, the order, the proof of performance, which
//! the court documents list beside the invoices and the events' proofs.

use super::*;
use crate::tree::{Reader, Table};

/// More exhibits than any real claim has; beyond, the exhibit list would not render in
/// bounded time.
const MAX_EXHIBITS: usize = 200;

impl Reader<'_> {
    /// Reads every `[[exhibits]]` entry; those with a problem are left out (the problems
    /// refuse the dossier).
    pub(super) fn exhibits(&mut self, t: &mut Table<'_>) -> Vec<Exhibit> {
        let nodes = self.array_of_tables(t, "exhibits");
        if nodes.len() > MAX_EXHIBITS {
            self.problem(
                "exhibits",
                None,
                format!(
                    "{} exhibits, more than the {MAX_EXHIBITS} a dossier supports: keep those \
                     the claim rests on",
                    nodes.len()
                ),
            );
        }
        let mut out = Vec::new();
        for (path, node) in &nodes {
            let Some(mut e) = self.table(path, node) else {
                continue;
            };
            let kind = self.required(&mut e, "kind").and_then(|(f, n)| {
                self.choice(
                    &f,
                    n,
                    &[
                        ("contract", ExhibitKind::Contract),
                        ("order", ExhibitKind::Order),
                        ("performance", ExhibitKind::Performance),
                        ("other", ExhibitKind::Other),
                    ],
                )
            });
            let title = self.req_text(&mut e, "title", 200);
            let date = match self.take(&mut e, "date") {
                Some((f, n)) => self.date(&f, n).map(Some),
                None => Some(None),
            };
            let piece = self
                .required(&mut e, "piece")
                .and_then(|(f, n)| self.piece(&f, n));
            self.finish(e);
            if let (Some(kind), Some(title), Some(date), Some(piece)) = (kind, title, date, piece) {
                out.push(Exhibit {
                    kind,
                    title,
                    date,
                    piece,
                });
            }
        }
        out
    }
}
