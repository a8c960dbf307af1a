//! Fuzz the rule-file loader: no input may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use relance::rules::Rules;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(rules) = Rules::load([("fuzz.toml", text)], "fuzz") {
            for id in rules.rules.keys() {
                let _ = rules.value(id, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), String::new);
            }
        }
    }
});
