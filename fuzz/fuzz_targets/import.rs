//! Fuzz every importer: no input may panic, and every dossier an import returns must read
//! back, through the dossier parser, to the dossier built.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relance::dossier::{parse, parse_creditor_file, Format};
use relance::import::{import, parse_customers, Kind, Setup, Source};
use std::sync::LazyLock;

static SETUP: LazyLock<Setup> = LazyLock::new(|| Setup {
    creditor: Some(
        parse_creditor_file(
            "[creditor]\nkind = \"company\"\nname = \"Atelier Martin SARL\"\nsiren = \"732829320\"\n\
             address = [\"12 rue des Lilas\", \"69003 Lyon\"]\n",
            "relance.toml",
        )
        .unwrap(),
    ),
    customers: None,
    closing_date: None,
});

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (kind, name) = match selector % 6 {
        0 => (Kind::Csv, "factures.csv"),
        1 => (Kind::Fec, "732829320FEC20251231.txt"),
        2 => (Kind::Facturx, "facture.pdf"),
        3 => (Kind::Cii, "facture.xml"),
        4 => (Kind::Ubl, "facture.xml"),
        _ => {
            let _ = parse_customers(rest, "clients.csv");
            return;
        }
    };
    if let Ok(result) = import(kind, &Source { name, bytes: rest }, &SETUP) {
        for w in &result.dossiers {
            let reread = parse(&w.toml, Format::Toml, "dossier.toml").expect("written dossiers are valid");
            assert_eq!(reread, w.dossier);
        }
        let _ = result.report.to_json_string();
    }
});
