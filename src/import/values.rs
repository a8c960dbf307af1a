//! Values as accounting exports write them: amounts with a comma or a dot, dates in the
//! French or ISO order, and keys made safe for a folder name.
//!
//! Every parser here refuses what it cannot read unambiguously and says why; none guesses.

use std::borrow::Cow;

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// Larger amounts are typing mistakes (the dossier refuses them too).
const MAX_AMOUNT: &str = "999999999999.99";

/// Parses a signed amount written by an accounting program or a spreadsheet.
///
/// Accepted: a sign first (`-12.5`), a decimal comma or dot (`1234,56`, `1234.56`), zero
/// padding (`0000074,70`), blanks around the value (` 3000,00`), and thousands grouped by
/// a space, a no-break space or a narrow no-break space, only in groups of three
/// (`1 234,56`). At most two decimals.
///
/// # Errors
/// Both a comma and a dot (`1.234,56`: one of them is a thousands separator), more than
/// one of either, more than two decimals (`1,234` could be 1.234 or 1234), badly grouped
/// digits, any other character; the message says what to write instead.
///
/// ```
/// use relance::import::values::parse_amount;
/// assert_eq!(parse_amount("1 234,56").unwrap().to_string(), "1234.56");
/// assert_eq!(parse_amount("-0000074,70").unwrap().to_string(), "-74.70");
/// assert!(parse_amount("1.234,56").is_err());
/// ```
pub fn parse_amount(raw: &str) -> Result<Decimal, String> {
    let s = raw.trim_matches(is_blank);
    if s.is_empty() {
        return Err("empty: expected an amount such as 1234,56".to_string());
    }
    let (negative, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let body = body.trim_start_matches(is_blank);
    if body.contains(',') && body.contains('.') {
        return Err(
            "ambiguous: a comma and a dot, so one of them separates thousands; write the \
             amount without thousands separator, e.g. 1234,56"
                .to_string(),
        );
    }
    let seps = body.matches([',', '.']).count();
    if seps > 1 {
        return Err(
            "ambiguous: several commas or dots (thousands separators?); write the amount \
             without thousands separator, e.g. 1234,56"
                .to_string(),
        );
    }
    let (int, frac) = match body.split_once([',', '.']) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err("expected digits after the decimal separator, e.g. 1234,56".to_string());
        }
        if f.len() > 2 {
            return Err(
                "more than 2 decimals, or a thousands separator: ambiguous (1,234 may be \
                 1.234 or 1234); write euros and cents, e.g. 1234,00"
                    .to_string(),
            );
        }
    }
    let digits = ungroup(int)?;
    let text = match frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    let mut value = Decimal::from_str(&text).map_err(|_| "not a number".to_string())?;
    if value > Decimal::from_str(MAX_AMOUNT).expect("constant") {
        return Err(format!("larger than {MAX_AMOUNT}: a typing mistake?"));
    }
    if negative {
        value = -value;
    }
    Ok(value)
}

/// The integer part without its grouping blanks, checked: digits only, groups of three.
fn ungroup(int: &str) -> Result<String, String> {
    if int.is_empty() {
        return Err("expected digits before the decimal separator, e.g. 0,50".to_string());
    }
    let groups: Vec<&str> = int.split(is_blank).collect();
    let bad_char = groups
        .iter()
        .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()));
    if bad_char {
        return Err(
            "expected an amount such as 1234,56 (digits, one decimal comma or dot, a sign \
             first)"
                .to_string(),
        );
    }
    if groups.len() > 1 {
        let well_grouped = groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
        if !well_grouped {
            return Err(
                "digits separated by blanks that are not thousands groups; write the amount \
                 without blanks, e.g. 1234,56"
                    .to_string(),
            );
        }
    }
    Ok(groups.concat())
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// Parses an amount written by a machine (XML `xs:decimal`): a dot, any number of
/// decimals as long as the value is a whole number of cents (`1200.000` is `1200.00`).
///
/// # Errors
/// Not a decimal, or a fraction of a cent.
pub fn parse_xml_amount(raw: &str) -> Result<Decimal, String> {
    let s = raw.trim();
    let ok = !s.is_empty()
        && s.trim_start_matches(['-', '+'])
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
        && s.matches('.').count() <= 1
        && s.trim_start_matches(['-', '+'])
            .bytes()
            .any(|b| b.is_ascii_digit());
    if !ok {
        return Err("expected a decimal with a dot, e.g. 1200.00".to_string());
    }
    let value = Decimal::from_str(s).map_err(|_| "not a decimal number".to_string())?;
    let value = value.normalize();
    if value.scale() > 2 {
        return Err("a fraction of a cent: amounts are in euros and cents".to_string());
    }
    if value.abs() > Decimal::from_str(MAX_AMOUNT).expect("constant") {
        return Err(format!("larger than {MAX_AMOUNT}: a typing mistake?"));
    }
    Ok(value)
}

/// Dates outside this range are typing mistakes (the dossier refuses them too).
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Parses a FEC date: `AAAAMMJJ` (BOI-CF-IOR-60-40-20), also with `-`, `/` or `.` between
/// the parts, and with a time after a blank or `T` (`20250219 10:25:37`), which is dropped.
///
/// # Errors
/// Not one of these shapes, or not a calendar date.
pub fn parse_fec_date(raw: &str) -> Result<NaiveDate, String> {
    let s = raw.trim();
    let date_part = s.split([' ', 'T']).next().unwrap_or("");
    let compact: String = date_part
        .chars()
        .filter(|c| !matches!(c, '-' | '/' | '.'))
        .collect();
    let separated = compact.len() != date_part.len();
    let ok_shape = compact.len() == 8
        && compact.bytes().all(|b| b.is_ascii_digit())
        && (!separated || date_part.len() == 10);
    if !ok_shape {
        return Err("expected a date AAAAMMJJ, e.g. 20260115".to_string());
    }
    ymd(&compact[..4], &compact[4..6], &compact[6..])
}

/// Parses a spreadsheet date: ISO `2026-01-15`, or day first `15/01/2026` (also with `.`
/// or `-`), as French files write it. A two-digit year is refused: it is ambiguous.
///
/// # Errors
/// Any other shape, or not a calendar date.
pub fn parse_csv_date(raw: &str) -> Result<NaiveDate, String> {
    let s = raw.trim();
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && digits(y) && digits(m) && digits(d) && s.contains('-') => {
            ymd(y, m, d)
        }
        [d, m, y] if y.len() == 4 && digits(d) && digits(m) && digits(y) && d.len() <= 2 => {
            ymd(y, m, d)
        }
        [one] if one.len() == 8 && digits(one) => ymd(&one[..4], &one[4..6], &one[6..]),
        _ => Err(
            "expected a date such as 15/01/2026 or 2026-01-15 (day first; 4-digit year)"
                .to_string(),
        ),
    }
}

/// Parses an ISO date `YYYY-MM-DD` (UBL `xs:date`).
///
/// # Errors
/// Any other shape, or not a calendar date.
pub fn parse_iso_date(raw: &str) -> Result<NaiveDate, String> {
    let s = raw.trim();
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err("expected a date YYYY-MM-DD, e.g. 2026-01-15".to_string());
    }
    ymd(&s[..4], &s[5..7], &s[8..])
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, String> {
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err("not a date".to_string());
    };
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "not a calendar date".to_string())?;
    if !YEARS.contains(&date.year()) {
        return Err(format!(
            "year outside {}..{}: a typing mistake?",
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(date)
}

/// The longest folder name and dossier reference (spec §1: a reference has 1..64 chars).
pub const MAX_KEY: usize = 64;

/// Makes a debtor key safe as a folder name on every system: accents folded to ASCII,
/// anything but letters, digits, `.`, `_` and `-` replaced by `-`, no leading dot, at
/// most 64 characters. Returns an empty string when nothing usable is left.
///
/// ```
/// use relance::import::values::safe_key;
/// assert_eq!(safe_key("Boulangerie Pâtisserie Éloïse"), "Boulangerie-Patisserie-Eloise");
/// assert_eq!(safe_key("../../etc"), "etc");
/// ```
pub fn safe_key(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let folded = fold(c);
        for f in folded.chars() {
            if f.is_ascii_alphanumeric() || f == '_' || f == '.' {
                out.push(f);
            } else if !out.ends_with('-') {
                out.push('-');
            }
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    let mut key: String = trimmed.chars().take(MAX_KEY).collect();
    while key.ends_with(['-', '.']) {
        key.pop();
    }
    let upper = key.to_ascii_uppercase();
    let stem = upper.split('.').next().unwrap_or("");
    let reserved = matches!(stem, "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        key.insert(0, '_');
    }
    key
}

/// ASCII for the letters of French and neighbouring languages; other characters as they are.
fn fold(c: char) -> String {
    let s = match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
        'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'È' | 'É' | 'Ê' | 'Ë' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' => "n",
        'Ñ' => "N",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        'ß' => "ss",
        _ => return c.to_string(),
    };
    s.to_string()
}

/// Collapses runs of blanks and control characters into one space and trims: labels in
/// exports are often padded to a fixed width, and a dossier refuses control characters.
/// Invisible characters (direction overrides, zero-width) are written as their visible
/// code (`<U+202E>`), so that the text shown is the text compared.
pub fn clean_text(raw: &str) -> String {
    crate::tree::neutralise_invisible(&collapse_blanks(raw))
}

/// [`clean_text`], borrowing `raw` when it is already clean (printable ASCII, single
/// spaces, no blank at either end): the common case, without an allocation.
pub fn clean_text_cow(raw: &str) -> Cow<'_, str> {
    let b = raw.as_bytes();
    let clean = b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && b.iter().all(|c| c.is_ascii_graphic() || *c == b' ')
        && !raw.contains("  ");
    if clean {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(clean_text(raw))
    }
}

fn collapse_blanks(raw: &str) -> String {
    let mut out = String::new();
    for word in raw.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The lines of `text` whatever their ends: `\r\n`, a lone `\n` or a lone `\r` (old Mac
/// exports), so that line `n` is the `n`-th line an editor shows. Lazy: a file of a
/// million lines is read without a list of them.
pub fn physical_lines(text: &str) -> PhysicalLines<'_> {
    PhysicalLines { text, start: 0 }
}

/// The iterator of [`physical_lines`].
pub struct PhysicalLines<'t> {
    text: &'t str,
    /// Where the next line starts.
    start: usize,
}

impl<'t> Iterator for PhysicalLines<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let rest = self.text.get(self.start..).filter(|r| !r.is_empty())?;
        let Some(end) = rest.bytes().position(|b| b == b'\n' || b == b'\r') else {
            self.start = self.text.len();
            return Some(rest);
        };
        let crlf = rest.as_bytes()[end] == b'\r' && rest.as_bytes().get(end + 1) == Some(&b'\n');
        self.start += end + if crlf { 2 } else { 1 };
        Some(&rest[..end])
    }
}

/// The byte offsets where the physical lines of `text` start (see [`physical_lines`]).
pub fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => starts.push(i + 1),
            b'\r' => {
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                starts.push(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    starts
}

/// The 1-based physical line holding byte `offset`, given [`line_starts`].
pub fn line_at(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_lines_whatever_the_line_ends() {
        for text in ["a\nb\nc\n", "a\r\nb\r\nc\r\n", "a\rb\rc\r", "a\r\nb\rc"] {
            assert_eq!(
                physical_lines(text).collect::<Vec<_>>(),
                ["a", "b", "c"],
                "{text:?}"
            );
            let starts = line_starts(text);
            let c = text.find('c').unwrap();
            assert_eq!(line_at(&starts, c), 3, "{text:?}");
            assert_eq!(line_at(&starts, 0), 1);
        }
        assert_eq!(physical_lines("a\n\nb").collect::<Vec<_>>(), ["a", "", "b"]);
        for raw in ["F-1", " F 1", "F  1", "F\t1", "Été", "", "a b "] {
            assert_eq!(clean_text_cow(raw), clean_text(raw), "{raw:?}");
        }
    }

    fn ok(s: &str) -> String {
        parse_amount(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .to_string()
    }

    #[test]
    fn amounts_as_exports_write_them() {
        assert_eq!(ok("1 234,56"), "1234.56");
        assert_eq!(ok("1\u{202f}234,56"), "1234.56");
        assert_eq!(ok("0000074,70"), "74.70");
        assert_eq!(ok(" 3000,00"), "3000.00");
        assert_eq!(ok(" 000000000003000,00"), "3000.00");
        assert_eq!(ok("-12.5"), "-12.5");
        assert_eq!(ok("+7"), "7");
        assert_eq!(ok("12 345 678,9"), "12345678.9");
        assert_eq!(ok("0"), "0");
    }

    #[test]
    fn ambiguous_amounts_are_refused() {
        for bad in [
            "1.234,56",
            "1,234.56",
            "1.234.567",
            "1,234",
            "12,345",
            "1 23,00",
            "12 3456",
            "",
            "-",
            "12,",
            ",5",
            "12a",
            "1e3",
            "--1",
            "12,5,",
            "1 234 5",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn xml_amounts() {
        assert_eq!(parse_xml_amount("1200.000").unwrap().to_string(), "1200");
        assert!(parse_xml_amount("1200.001").is_err());
        assert!(parse_xml_amount("12,00").is_err());
        assert!(parse_xml_amount(".").is_err());
    }

    #[test]
    fn dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(parse_fec_date("20260115").unwrap(), d(2026, 1, 15));
        assert_eq!(parse_fec_date("20250219 10:25:37").unwrap(), d(2025, 2, 19));
        assert_eq!(parse_fec_date("2025-02-19").unwrap(), d(2025, 2, 19));
        assert!(parse_fec_date("20260230").is_err());
        assert!(parse_fec_date("2026011").is_err());
        assert_eq!(parse_csv_date("15/01/2026").unwrap(), d(2026, 1, 15));
        assert_eq!(parse_csv_date("5.1.2026").unwrap(), d(2026, 1, 5));
        assert_eq!(parse_csv_date("2026-01-15").unwrap(), d(2026, 1, 15));
        assert!(parse_csv_date("15/01/26").is_err());
        assert!(parse_csv_date("2026/01/15").is_err());
        assert!(parse_csv_date("01/15/2026").is_err());
        assert_eq!(parse_iso_date("2026-01-15").unwrap(), d(2026, 1, 15));
    }

    #[test]
    fn keys_are_safe_folder_names() {
        assert_eq!(safe_key("411DUPONT"), "411DUPONT");
        assert_eq!(
            safe_key("Société Générale des Eaux"),
            "Societe-Generale-des-Eaux"
        );
        assert_eq!(safe_key("../x/./y"), "x-.-y");
        assert_eq!(safe_key(".."), "");
        assert_eq!(safe_key("CON"), "_CON");
        assert_eq!(safe_key(&"a".repeat(100)).len(), MAX_KEY);
    }
}
