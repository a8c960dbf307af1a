//! The rule files: loader checks, and a sweep of dates over every rule.

use relance::rules::Rules;

use crate::support::*;

fn load(text: &str) -> Result<Rules, String> {
    Rules::load([("test/rule.toml", text)], "rules").map_err(|p| p.to_string())
}

const HEAD: &str = "id = \"x\"\nlabel = \"Taux X\"\ntitle = \"X\"\nunit = \"percent\"\narticle = \"Art. 1\"\nlast_checked = 2026-11-24\n";

#[test]
fn the_embedded_rules_load_and_hold_every_rule_the_engine_needs() {
    let rules = Rules::embedded();
    assert!(
        rules.missing_required().is_empty(),
        "{:?}",
        rules.missing_required()
    );
}

#[test]
fn a_value_without_source_is_refused() {
    let err = load(&format!(
        "{HEAD}[[values]]\nfrom = 2020-01-01\nvalue = \"1.00\"\n"
    ))
    .unwrap_err();
    assert!(
        err.contains("rules/test/rule.toml: values[0].source: missing (required)"),
        "{err}"
    );
    let err = load(&format!(
        "{HEAD}[[values]]\nfrom = 2020-01-01\nvalue = \"1.00\"\nsource = \"my memory\"\n"
    ))
    .unwrap_err();
    assert!(err.contains("expected the URL of the text"), "{err}");
}

#[test]
fn a_value_that_is_not_a_decimal_string_is_refused() {
    for v in ["1.5", "\"1,5\"", "\"abc\"", "\"1e3\""] {
        let err = load(&format!(
            "{HEAD}[[values]]\nfrom = 2020-01-01\nvalue = {v}\nsource = \"https://x\"\n"
        ))
        .unwrap_err();
        assert!(err.contains("values[0].value"), "{v}: {err}");
    }
}

#[test]
fn overlapping_or_gapped_periods_are_refused() {
    let v = |from: &str, to: &str| {
        format!("[[values]]\nfrom = {from}\nto = {to}\nvalue = \"1\"\nsource = \"https://x\"\n")
    };
    let err = load(&format!(
        "{HEAD}{}{}",
        v("2020-01-01", "2020-06-30"),
        v("2020-06-30", "2020-12-31")
    ))
    .unwrap_err();
    assert!(err.contains("overlaps"), "{err}");
    let err = load(&format!(
        "{HEAD}{}{}",
        v("2020-01-01", "2020-06-29"),
        v("2020-07-01", "2020-12-31")
    ))
    .unwrap_err();
    assert!(err.contains("gap"), "{err}");
    let err = load(&format!(
        "{HEAD}{}{}",
        v("2020-01-01", "2019-12-31"),
        v("2020-07-01", "2020-12-31")
    ))
    .unwrap_err();
    assert!(err.contains("before from"), "{err}");
    let open = "[[values]]\nfrom = 2020-01-01\nvalue = \"1\"\nsource = \"https://x\"\n";
    let err = load(&format!("{HEAD}{open}{}", v("2020-07-01", "2020-12-31"))).unwrap_err();
    assert!(err.contains("say when it ended"), "{err}");
    assert!(
        load(&format!(
            "{HEAD}{}{}",
            v("2020-01-01", "2020-06-30"),
            v("2020-07-01", "2020-12-31")
        ))
        .is_ok()
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let text =
        format!("{HEAD}[[values]]\nfrom = 2020-01-01\nvalue = \"1\"\nsource = \"https://x\"\n");
    let err = Rules::load(
        [("a.toml", text.as_str()), ("b.toml", text.as_str())],
        "rules",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("rules/b.toml: id: \"x\": already defined in rules/a.toml"),
        "{err}"
    );
}

#[test]
fn every_rule_has_exactly_one_value_on_every_day_it_covers() {
    // A sweep over every day from the first value to the last known end (catala-style).
    let rules = Rules::embedded();
    for rule in rules.rules.values() {
        let first = rule.values.first().unwrap().from;
        let last = rule.values.last().unwrap().to.unwrap_or(d("2026-12-31"));
        let mut day = first;
        while day <= last {
            let n = rule.values.iter().filter(|v| v.covers(day)).count();
            assert_eq!(n, 1, "{} on {day}: {n} values", rule.id);
            assert!(rule.value_at(day).is_some());
            day = day.succ_opt().unwrap();
        }
        for v in &rule.values {
            assert!(
                v.source.starts_with("https://"),
                "{}: {}",
                rule.id,
                v.source
            );
        }
    }
}

#[test]
fn the_published_half_year_figures_follow_from_the_files() {
    // legal-fr.md §3: L441-10 default = MRO on 1 Jan / 1 Jul + 10; floor = 3 × legal rate.
    let rules = Rules::embedded();
    let val = |id: &str, day: &str| rules.value(id, d(day), String::new).unwrap().1.value;
    for (day, l441, ccp, floor) in [
        ("2023-01-01", "12.50", "10.50", "6.18"),
        ("2023-07-01", "14.00", "12.00", "12.66"),
        ("2024-01-01", "14.50", "12.50", "15.21"),
        ("2024-07-01", "14.25", "12.25", "14.76"),
        ("2025-01-01", "13.15", "11.15", "11.13"),
        ("2025-07-01", "12.15", "10.15", "8.28"),
        ("2026-01-01", "12.15", "10.15", "7.86"),
    ] {
        let mro = val("ecb-mro", day);
        assert_eq!(mro + val("l441-10-margin", day), dec(l441), "{day}");
        assert_eq!(mro + val("ccp-moratory-margin", day), dec(ccp), "{day}");
        assert_eq!(
            val("legal-rate-other", day) * val("l441-10-floor-factor", day),
            dec(floor),
            "{day}"
        );
    }
    // Nothing unconfirmed ships as fact: no ECB or legal rate for 2026-S2.
    for id in ["ecb-mro", "legal-rate-other", "legal-rate-individual"] {
        assert!(
            rules.value(id, d("2026-07-01"), String::new).is_err(),
            "{id}"
        );
    }
}

#[test]
fn every_rule_has_a_french_label_a_check_date_and_an_official_source() {
    let rules = Rules::embedded();
    let official = [
        "https://www.legifrance.gouv.fr/",
        "https://www.ecb.europa.eu/",
    ];
    for rule in rules.rules.values() {
        assert!(!rule.label.is_empty(), "{}", rule.id);
        assert_ne!(rule.label, rule.id);
        assert!(rule.last_checked >= d("2026-01-01"), "{}", rule.id);
        for v in &rule.values {
            assert!(
                official.iter().any(|o| v.source.starts_with(o)),
                "{} from {}: {} is not an official text",
                rule.id,
                v.from,
                v.source
            );
        }
    }
    let h = rules.holidays.as_ref().unwrap();
    assert_eq!(h.label, "Jours fériés");
    assert!(
        h.entries
            .iter()
            .all(|e| official.iter().any(|o| e.source.starts_with(o)))
    );
}

#[test]
fn a_label_and_a_check_date_are_required() {
    let body = "[[values]]\nfrom = 2020-01-01\nvalue = \"1\"\nsource = \"https://x\"\n";
    let head = "id = \"x\"\ntitle = \"X\"\nunit = \"percent\"\narticle = \"Art. 1\"\n";
    let err = load(&format!("{head}{body}")).unwrap_err();
    assert!(
        err.contains("rules/test/rule.toml: label: missing (required)"),
        "{err}"
    );
    assert!(
        err.contains("rules/test/rule.toml: last_checked: missing (required)"),
        "{err}"
    );
}

#[test]
fn the_ecb_rate_cites_the_article_of_its_use() {
    let rules = Rules::embedded();
    let ecb = rules.rule("ecb-mro").unwrap();
    assert_eq!(
        ecb.article_with(["ecb-mro", "l441-10-margin", "l441-10-indemnity"]),
        "C. com. art. L441-10 II (taux de référence)"
    );
    assert_eq!(
        ecb.article_with(["ccp-moratory-margin"]),
        "CCP art. R2192-31 (taux de référence)"
    );
    assert!(!ecb.article_with(["legal-rate-other"]).contains("R2192"));
}

/// The spec's sections, by number, from `../shared/spec/dossier.md` beside the repository.
fn spec_sections(spec: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in spec.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("## ")
            && let Some((n, _)) = rest.split_once('.')
            && n.chars().all(|c| c.is_ascii_digit())
        {
            out.push((n.to_string(), String::new()));
        }
        if let Some((_, text)) = out.last_mut() {
            text.push_str(line);
        }
    }
    for (_, text) in &mut out {
        *text = format!("{}\n", text.trim_end());
    }
    out
}

#[test]
fn docs_are_in_step_with_the_spec() {
    // The reference pages under docs/ copy the spec's sections between markers; a cloned
    // repository without the spec beside it has nothing to compare.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(spec) = std::fs::read_to_string(root.join("../shared/spec/dossier.md")) else {
        return;
    };
    let bless = std::env::var_os("RELANCE_BLESS").is_some();
    let sections = spec_sections(&spec);
    let mut seen = 0;
    for page in ["docs/dossier-format.md", "docs/compute-json.md"] {
        let path = root.join(page);
        let mut text = std::fs::read_to_string(&path).unwrap();
        for (n, section) in &sections {
            let open = format!("<!-- spec §{n}: ");
            let close = format!("<!-- end of spec §{n} -->\n");
            let Some(start) = text.find(&open) else {
                continue;
            };
            let body = start + text[start..].find('\n').unwrap() + 1;
            let end = body + text[body..].find(&close).expect("closing marker");
            seen += 1;
            if &text[body..end] != section {
                assert!(
                    bless,
                    "{page}: spec §{n} changed: `RELANCE_BLESS=1 cargo test --test it docs_` copies it"
                );
                text.replace_range(body..end, section);
            }
        }
        if bless {
            std::fs::write(&path, text).unwrap();
        }
    }
    assert_eq!(seen, sections.len(), "every spec section is in docs/");
}
