//! Fuzz `verify` on arbitrary bytes: a hostile zip may be refused, never panic, and never
//! make verify allocate past its limits (libFuzzer's -rss_limit_mb catches that).
#![no_main]

use libfuzzer_sys::fuzz_target;
use relance::bundle::archive::Limits;
use relance::bundle::verify::verify;

fuzz_target!(|data: &[u8]| {
    let report = verify(data, &Limits::default());
    // A report that holds must have recomputed a seal.
    if report.is_ok() {
        assert!(report.seal.is_some());
    }
});
