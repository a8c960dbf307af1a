//! Writes a [`Dossier`] as `dossier.toml` text in the layout of spec §1, with a comment
//! beside every value the importer assumed, so a person checking the file sees it there.
//!
//! No serde: the layout (key order, one table per invoice, comments) is part of what a
//! user reads, and amounts must stay strings with two decimals.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::dossier::{
    Channel, CreditorKind, DebtorKind, Dossier, EventKind, Imputation, PenaltyRate,
};
use crate::money::cents_string;

/// Comments written into the dossier: a header, and notes keyed by field path
/// (`reference`, `debtor.kind`, `debtor.address` for a missing address,
/// `invoices[0]` above a table, `invoices[0].due` beside a value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    pub header: Vec<String>,
    pub fields: BTreeMap<String, String>,
}

impl Notes {
    pub fn note(&mut self, field: impl Into<String>, text: impl Into<String>) {
        let field = field.into();
        let text = text.into();
        match self.fields.get_mut(&field) {
            Some(existing) => {
                existing.push_str("; ");
                existing.push_str(&text);
            }
            None => {
                self.fields.insert(field, text);
            }
        }
    }
}

struct Writer<'n> {
    out: String,
    notes: &'n Notes,
}

impl Writer<'_> {
    fn kv(&mut self, path: &str, key: &str, value: &str) {
        let field = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        write!(self.out, "{key} = {value}").unwrap();
        if let Some(note) = self.notes.fields.get(&field) {
            write!(self.out, "   # {}", comment(note)).unwrap();
        }
        self.out.push('\n');
    }

    fn opt(&mut self, path: &str, key: &str, value: Option<String>) {
        match value {
            Some(v) => self.kv(path, key, &v),
            None => {
                if let Some(note) = self.notes.fields.get(&format!("{path}.{key}")) {
                    writeln!(self.out, "# {key}: {}", comment(note)).unwrap();
                }
            }
        }
    }

    fn table(&mut self, header: &str, field: &str) {
        self.out.push('\n');
        if let Some(note) = self.notes.fields.get(field) {
            writeln!(self.out, "# {}", comment(note)).unwrap();
        }
        writeln!(self.out, "{header}").unwrap();
    }
}

/// The dossier as TOML text; [`crate::dossier::parse`] reads it back to an equal value.
pub fn dossier_toml(d: &Dossier, notes: &Notes) -> String {
    let mut w = Writer {
        out: String::new(),
        notes,
    };
    for line in &notes.header {
        writeln!(w.out, "# {}", comment(line)).unwrap();
    }
    if !notes.header.is_empty() {
        w.out.push('\n');
    }
    w.kv("", "reference", &string(&d.reference));
    w.kv("", "language", &string(&d.language));
    let imputation = match d.payment_imputation {
        Imputation::InterestFirst => "interest-first",
        Imputation::PrincipalFirst => "principal-first",
    };
    if d.imputation_explicit {
        w.kv("", "payment_imputation", &string(imputation));
    }
    if let Some(scenario) = &d.scenario {
        w.kv("", "scenario", &string(scenario));
    }

    let c = &d.creditor;
    w.table("[creditor]", "creditor");
    let kind = match c.kind {
        CreditorKind::Company => "company",
        CreditorKind::Individual => "individual",
    };
    w.kv("creditor", "kind", &string(kind));
    w.kv("creditor", "name", &string(&c.name));
    w.opt(
        "creditor",
        "legal_form",
        c.legal_form.as_deref().map(string),
    );
    w.opt("creditor", "siren", c.siren.as_deref().map(string));
    w.kv("creditor", "address", &lines(&c.address));
    w.opt("creditor", "email", c.email.as_deref().map(string));
    w.opt("creditor", "iban", c.iban.as_deref().map(string));
    w.opt("creditor", "signatory", c.signatory.as_deref().map(string));

    let b = &d.debtor;
    w.table("[debtor]", "debtor");
    let kind = match b.kind {
        DebtorKind::Company => "company",
        DebtorKind::Consumer => "consumer",
        DebtorKind::PublicBody => "public-body",
    };
    w.kv("debtor", "kind", &string(kind));
    w.kv("debtor", "name", &string(&b.name));
    w.opt("debtor", "siren", b.siren.as_deref().map(string));
    w.opt("debtor", "address", b.address.as_deref().map(lines));
    w.opt("debtor", "email", b.email.as_deref().map(string));
    w.opt(
        "debtor",
        "insolvency_opened",
        b.insolvency_opened.map(|d| d.to_string()),
    );

    if let Some(a) = &d.agency {
        w.table("[agency]", "agency");
        w.kv("agency", "name", &string(&a.name));
        w.kv("agency", "siren", &string(&a.siren));
        w.kv("agency", "address", &lines(&a.address));
        w.kv("agency", "mandate", &string(&a.mandate));
    }

    if d.terms.penalty_rate != PenaltyRate::Default || notes.fields.contains_key("terms") {
        w.table("[terms]", "terms");
        let rate = match d.terms.penalty_rate {
            PenaltyRate::Default => "default".to_string(),
            PenaltyRate::Contractual(r) => r.normalize().to_string(),
        };
        w.kv("terms", "penalty_rate", &string(&rate));
    }

    for (i, inv) in d.invoices.iter().enumerate() {
        let path = format!("invoices[{i}]");
        w.table("[[invoices]]", &path);
        w.kv(&path, "number", &string(&inv.number));
        w.kv(&path, "issued", &inv.issued.to_string());
        w.kv(&path, "due", &inv.due.to_string());
        w.kv(&path, "amount", &string(&cents_string(inv.amount)));
        w.opt(&path, "description", inv.description.as_deref().map(string));
        w.opt(&path, "piece", inv.piece.as_deref().map(string));
    }
    for (i, p) in d.payments.iter().enumerate() {
        let path = format!("payments[{i}]");
        w.table("[[payments]]", &path);
        w.kv(&path, "date", &p.date.to_string());
        w.kv(&path, "amount", &string(&cents_string(p.amount)));
        w.opt(&path, "invoice", p.invoice.as_deref().map(string));
        w.opt(&path, "reference", p.reference.as_deref().map(string));
    }
    for (i, e) in d.events.iter().enumerate() {
        let path = format!("events[{i}]");
        w.table("[[events]]", &path);
        w.kv(&path, "date", &e.date.to_string());
        let kind = match e.kind {
            EventKind::Reminder => "reminder",
            EventKind::FormalNotice => "formal-notice",
            EventKind::Acknowledgment => "acknowledgment",
            EventKind::Dispute => "dispute",
            EventKind::IpServed => "ip-served",
            EventKind::InstalmentNotice => "instalment-notice",
            EventKind::PlanEnded => "plan-ended",
            EventKind::PlanAgreed => "plan-agreed",
            EventKind::ClaimMemorandum => "claim-memorandum",
            EventKind::ReferralFiled => "referral-filed",
        };
        w.kv(&path, "kind", &string(kind));
        w.opt(&path, "invoice", e.invoice.as_deref().map(string));
        let channel = e.channel.map(|c| match c {
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::RegisteredLetter => "registered-letter",
            Channel::Phone => "phone",
            Channel::Sms => "sms",
        });
        w.opt(&path, "channel", channel.map(string));
        w.opt(&path, "piece", e.piece.as_deref().map(string));
    }
    w.out
}

/// A TOML basic string: `"`, `\` and every control character escaped (TOML 1.0 §String).
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => write!(out, "\\u{:04X}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn lines(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|l| string(l)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A comment stays on its line: control characters become spaces.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Format, parse};

    #[test]
    fn strings_with_quotes_and_controls_round_trip() {
        let text = format!(
            "reference = {}\n[creditor]\nkind = \"individual\"\nname = {}\naddress = {}\n\
             [debtor]\nkind = \"consumer\"\nname = \"x\"\n[[invoices]]\nnumber = \"1\"\n\
             issued = 2026-01-01\ndue = 2026-01-01\namount = \"1.00\"\ndescription = {}\n",
            string("A\"B\\C"),
            string("Zoé « l'Ébéniste »"),
            lines(&["1 rue \"X\"".into(), "75001 Paris".into()]),
            string("ligne 1\nligne 2\tfin"),
        );
        let d = parse(&text, Format::Toml, "t.toml").unwrap_or_else(|p| panic!("{p}\n{text}"));
        let again = dossier_toml(&d, &Notes::default());
        assert_eq!(parse(&again, Format::Toml, "t.toml").unwrap(), d);
        assert_eq!(d.reference, "A\"B\\C");
    }
}
