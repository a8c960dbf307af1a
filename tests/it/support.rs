//! Helpers shared by the test modules: small dossiers written as TOML, parsed and computed.

use chrono::NaiveDate;
use relance::calc::{Statement, compute};
use relance::dossier::{Dossier, Format, parse};
use relance::rules::Rules;
use rust_decimal::Decimal;

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The parties of a dossier of the given regime, followed by `body` (invoices, payments...).
pub fn dossier_text(regime: &str, extra_head: &str, body: &str) -> String {
    let (creditor, debtor) = match regime {
        "b2b" => (COMPANY_CREDITOR, COMPANY_DEBTOR),
        "b2c" => (COMPANY_CREDITOR, CONSUMER_DEBTOR),
        "b2g" => (COMPANY_CREDITOR, PUBLIC_DEBTOR),
        "c2x" => (INDIVIDUAL_CREDITOR, COMPANY_DEBTOR),
        "c2g" => (INDIVIDUAL_CREDITOR, PUBLIC_DEBTOR),
        other => panic!("unknown regime {other}"),
    };
    format!("reference = \"T-1\"\n{extra_head}\n{creditor}\n{debtor}\n{body}")
}

pub fn dossier(regime: &str, body: &str) -> Dossier {
    dossier_with(regime, "", body)
}

pub fn dossier_with(regime: &str, head: &str, body: &str) -> Dossier {
    let text = dossier_text(regime, head, body);
    parse(&text, Format::Toml, "dossier.toml").unwrap_or_else(|p| panic!("{p}\n---\n{text}"))
}

pub fn statement(dossier: &Dossier, as_of: &str) -> Statement {
    compute(dossier, &Rules::embedded(), d(as_of)).unwrap_or_else(|e| panic!("{e}"))
}

pub const COMPANY_CREDITOR: &str = r#"[creditor]
kind = "company"
name = "Atelier Martin SARL"
siren = "732829320"
address = ["12 rue des Lilas", "69003 Lyon"]
"#;

pub const INDIVIDUAL_CREDITOR: &str = r#"[creditor]
kind = "individual"
name = "Claire Petit"
address = ["5 allée des Tilleuls", "33000 Bordeaux"]
"#;

pub const COMPANY_DEBTOR: &str = r#"[debtor]
kind = "company"
name = "Boulangerie Dupont SAS"
siren = "381653260"
address = ["3 place du Marché", "75011 Paris"]
"#;

pub const CONSUMER_DEBTOR: &str = r#"[debtor]
kind = "consumer"
name = "M. Luc Bernard"
address = ["8 rue Victor Hugo", "57000 Metz"]
"#;

pub const PUBLIC_DEBTOR: &str = r#"[debtor]
kind = "public-body"
name = "Commune de Villeurbanne"
address = ["Place Lazare-Goujon", "69100 Villeurbanne"]
"#;

pub fn invoice(number: &str, issued: &str, due: &str, amount: &str) -> String {
    format!(
        "[[invoices]]\nnumber = \"{number}\"\nissued = {issued}\ndue = {due}\namount = \"{amount}\"\n"
    )
}

pub fn payment(date: &str, amount: &str, invoice: Option<&str>) -> String {
    let inv = invoice.map_or(String::new(), |n| format!("invoice = \"{n}\"\n"));
    format!("[[payments]]\ndate = {date}\namount = \"{amount}\"\n{inv}")
}

pub fn event(date: &str, kind: &str, extra: &str) -> String {
    format!("[[events]]\ndate = {date}\nkind = \"{kind}\"\n{extra}\n")
}

/// `(from, to, days, base, rate, amount)` of every period of invoice `i`.
pub fn periods(s: &Statement, i: usize) -> Vec<(String, String, i64, String, String, String)> {
    s.invoices[i]
        .periods
        .iter()
        .map(|p| {
            (
                p.from.to_string(),
                p.to.to_string(),
                p.days,
                relance::money::cents_string(p.base),
                relance::money::rate_string(p.rate),
                relance::money::cents_string(p.amount),
            )
        })
        .collect()
}

pub fn p(
    from: &str,
    to: &str,
    days: i64,
    base: &str,
    rate: &str,
    amount: &str,
) -> (String, String, i64, String, String, String) {
    (
        from.into(),
        to.into(),
        days,
        base.into(),
        rate.into(),
        amount.into(),
    )
}
