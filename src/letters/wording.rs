//! Shared French wording: enumerations, identifiers grouped for reading, address lines.

/// "A", "A et B", "A, B et C".
pub(super) fn enumerate_fr(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

/// A SIREN in groups of three digits joined by no-break spaces ("732 829 320").
pub(super) fn siren_fr(siren: &str) -> String {
    siren
        .as_bytes()
        .chunks(3)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\u{a0}")
}

/// An IBAN in groups of four characters.
pub(super) fn iban_fr(iban: &str) -> String {
    iban.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The city of an address whose last line is "69003 Lyon".
pub(super) fn city(address: &[String]) -> String {
    address
        .last()
        .and_then(|l| l.get(6..))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The window block: the name, then the address lines not already starting with it.
pub(super) fn recipient_lines(name: &str, address: &[String]) -> Vec<String> {
    address
        .iter()
        .filter(|l| l.as_str() != name)
        .cloned()
        .collect()
}

/// The address where a party is established: the address block without the lines that
/// repeat the name or direct the letter to a person ("À l'attention de ...").
pub(super) fn seat(name: &str, address: &[String]) -> String {
    address
        .iter()
        .filter(|l| l.as_str() != name)
        .filter(|l| {
            let lower = l.to_lowercase();
            !(lower.starts_with("à l'attention")
                || lower.starts_with("a l'attention")
                || lower.starts_with("à l’attention")
                || lower.starts_with("attn"))
        })
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}
