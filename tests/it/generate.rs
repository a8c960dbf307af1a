//! Generated dossiers for the batch tests and `benches/batch.rs`: variations of the example
//! (reference, debtor, amounts, dates, what already happened), each with the outcome a batch
//! as of 2026-06-30 must give it.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{Days, NaiveDate};

/// The date the generated dossiers are planned for: the last day the rules cover.
pub const AS_OF: &str = "2026-06-30";

/// What a batch as of [`AS_OF`] must do with a generated dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub reference: String,
    pub path: String,
    /// `produced`, `skipped` or `failed`.
    pub outcome: &'static str,
    /// The document of the step due (produced dossiers).
    pub document: Option<&'static str>,
}

/// Writes `n` dossiers under `dir` (`dir/d-00000/dossier.toml`...). With `broken`, a few
/// are refused (a decimal comma, a debtor without address, an unknown scenario) and a few
/// have nothing due (paid, or not yet late); without, every one has a step due.
pub fn write_dossiers(dir: &Path, n: usize, broken: bool) -> Vec<Expected> {
    let piece = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin/pieces/F-2026-001.pdf"),
    )
    .expect("the example's piece");
    (0..n)
        .map(|i| {
            let path = format!("d-{i:05}");
            let folder = dir.join(&path);
            std::fs::create_dir_all(folder.join("pieces")).expect("create a dossier folder");
            let (text, outcome, document) = dossier(i, broken);
            if has_piece(i) {
                std::fs::write(folder.join("pieces/facture.pdf"), &piece).expect("write a piece");
                std::fs::write(folder.join("pieces/facture-2.pdf"), &piece).expect("write a piece");
            }
            std::fs::write(folder.join("dossier.toml"), text).expect("write a dossier");
            Expected {
                reference: format!("GEN-{i:05}"),
                path,
                outcome,
                document,
            }
        })
        .collect()
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d + Days::new(days)
}

/// Every tenth dossier has its invoice as a piece, and so has every dossier whose due step is
/// the request for an injonction de payer, which is refused without an exhibit (CPC 1407).
fn has_piece(i: usize) -> bool {
    i.is_multiple_of(10) || i % 10 >= 8
}

/// The text of dossier `i`, its expected outcome and due document.
fn dossier(i: usize, broken: bool) -> (String, &'static str, Option<&'static str>) {
    // Due dates from 5 January to 14 April 2026: every step up to the request is due by
    // 30 June when its predecessors were done on time.
    let due = plus(date("2026-01-05"), (i * 37 % 100) as u64);
    let amount_cents = 15_000 + (i * 7919 % 400_000);
    let amount = format!("{}.{:02}", amount_cents / 100, amount_cents % 100);
    let mut scenario = "";
    let mut address = r#"address = ["Client GEN", "3 place du Marché", "75011 Paris"]"#;
    let mut broken_amount = false;
    let mut outcome = "produced";
    let mut events = String::new();
    let mut payments = String::new();
    let event = |events: &mut String, d: NaiveDate, kind: &str, channel: &str| {
        let _ = write!(
            events,
            "\n[[events]]\ndate = {d}\nkind = \"{kind}\"\nchannel = \"{channel}\"\n"
        );
    };
    let reminders = |events: &mut String, count: usize| {
        for (k, days) in [6u64, 17, 32].into_iter().take(count).enumerate() {
            let channel = if k == 0 { "email" } else { "letter" };
            event(events, plus(due, days), "reminder", channel);
        }
    };
    let mut document = Some(match i % 10 {
        0..=3 => "relance-1",
        4 | 5 | 9 => {
            reminders(&mut events, 1);
            "relance-2"
        }
        6 => {
            reminders(&mut events, 2);
            "relance-3"
        }
        7 => {
            reminders(&mut events, 3);
            "mise-en-demeure"
        }
        _ => {
            reminders(&mut events, 3);
            event(
                &mut events,
                plus(due, 42),
                "formal-notice",
                "registered-letter",
            );
            "requete-injonction-de-payer"
        }
    });
    let mut invoice_due = due;
    if broken {
        match i % 40 {
            9 | 19 => {
                // Paid in full on the due date: nothing is owed.
                let _ = write!(
                    payments,
                    "\n[[payments]]\ndate = {}\namount = \"{amount}\"\ninvoice = \"F-{i}-1\"\n",
                    due
                );
                (outcome, document) = ("skipped", None);
            }
            29 => {
                // Not yet late enough for the first reminder (due + 5).
                invoice_due = date("2026-06-28");
                events.clear();
                (outcome, document) = ("skipped", None);
            }
            13 => {
                broken_amount = true;
                (outcome, document) = ("failed", None);
            }
            27 => {
                address = "";
                (outcome, document) = ("failed", None);
            }
            33 => {
                scenario = "scenario = \"inexistant\"\n";
                (outcome, document) = ("failed", None);
            }
            _ => {}
        }
    }
    let issued = invoice_due - Days::new(30);
    let shown_amount = if broken_amount {
        amount.replace('.', ",")
    } else {
        amount
    };
    let piece = if has_piece(i) {
        "piece = \"pieces/facture.pdf\"\n"
    } else {
        ""
    };
    // Every third dossier has a second, smaller invoice falling due later.
    let second = if i.is_multiple_of(3) && outcome != "skipped" {
        format!(
            "\n[[invoices]]\nnumber = \"F-{i}-2\"\nissued = {}\ndue = {}\namount = \"{}.50\"\ndescription = \"Entretien\"\n{}",
            plus(invoice_due, 5),
            plus(invoice_due, 35),
            120 + i % 50,
            // A request claims no invoice without its proof (CPC 1407).
            if has_piece(i) {
                "piece = \"pieces/facture-2.pdf\"\n"
            } else {
                ""
            }
        )
    } else {
        String::new()
    };
    // A made-up, Luhn-valid SIREN of the debtor's own.
    let siren = (0..10)
        .map(|key| format!("{:08}{key}", 40_000_000 + i % 50_000_000))
        .find(|siren| relance::dossier::ids::is_valid_siren(siren))
        .expect("one key in ten completes a Luhn-valid SIREN");
    let text = format!(
        r#"reference = "GEN-{i:05}"
language = "fr"
{scenario}
[creditor]
kind = "company"
name = "Atelier Martin SARL"
legal_form = "SARL"
siren = "732829320"
address = ["12 rue des Lilas", "69003 Lyon"]
email = "compta@atelier-martin.fr"
iban = "FR7630006000011234567890189"
signatory = "Jeanne Martin, gérante"

[debtor]
kind = "company"
name = "Client {i} SAS"
siren = "{siren}"
{address}

[terms]
penalty_rate = "default"

[[invoices]]
number = "F-{i}-1"
issued = {issued}
due = {invoice_due}
amount = "{shown_amount}"
description = "Travaux de menuiserie n° {i}"
{piece}{second}{payments}{events}"#
    );
    (text, outcome, document)
}
