//! French company numbers and bank accounts: SIREN (Luhn) and IBAN (ISO 13616, mod 97).

/// Whether `s` is a valid SIREN: exactly 9 ASCII digits whose Luhn sum is a multiple of 10.
///
/// ```
/// assert!(relance::dossier::ids::is_valid_siren("732829320"));
/// assert!(!relance::dossier::ids::is_valid_siren("123456789"));
/// ```
pub fn is_valid_siren(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) && luhn(s)
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The IBAN in its compact form (no spaces, upper case), or why it is not one.
///
/// Spaces are allowed in the input since IBANs are usually written in groups of four.
pub fn normalize_iban(s: &str) -> Result<String, &'static str> {
    let compact: String = s
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("an IBAN has only letters and digits");
    }
    if compact.len() < 15 || compact.len() > 34 {
        return Err("an IBAN has 15 to 34 characters");
    }
    let (country, check) = compact.split_at(2);
    if !country.chars().all(|c| c.is_ascii_uppercase())
        || !check[..2].chars().all(|c| c.is_ascii_digit())
    {
        return Err("an IBAN starts with a country code and two check digits");
    }
    if country == "FR" && compact.len() != 27 {
        return Err("a French IBAN has 27 characters");
    }
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = c.to_digit(36).expect("checked alphanumeric");
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    if rem == 1 {
        Ok(compact)
    } else {
        Err("wrong IBAN check digits (mod 97)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siren_luhn() {
        assert!(is_valid_siren("732829320"));
        assert!(is_valid_siren("381653260"));
        assert!(is_valid_siren("463989731"));
        assert!(!is_valid_siren("123456789"));
        assert!(!is_valid_siren("73282932"));
        assert!(!is_valid_siren("73282932a"));
        assert!(!is_valid_siren("７32829320"));
    }

    #[test]
    fn iban_mod97() {
        assert_eq!(
            normalize_iban("FR76 3000 6000 0112 3456 7890 189").unwrap(),
            "FR7630006000011234567890189"
        );
        assert!(normalize_iban("FR7630006000011234567890188").is_err());
        assert!(normalize_iban("FR763000600001123456789018").is_err());
        assert!(normalize_iban("DE89370400440532013000").is_ok());
        assert!(normalize_iban("FR76é0006000011234567890189").is_err());
    }
}
