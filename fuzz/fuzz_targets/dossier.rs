//! Fuzz the dossier parser (TOML and JSON) and, when a dossier is accepted, the engine:
//! no input may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relance::calc::compute;
use relance::dossier::{parse, Format};
use relance::rules::Rules;
use std::sync::LazyLock;

static RULES: LazyLock<Rules> = LazyLock::new(Rules::embedded);

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = if selector & 1 == 0 { Format::Toml } else { Format::Json };
    if let Ok(dossier) = parse(text, format, "dossier") {
        for as_of in ["2026-06-30", "2024-12-31", "2099-01-01"] {
            let _ = compute(&dossier, &RULES, as_of.parse().unwrap());
        }
    }
});
