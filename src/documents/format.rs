//! French formatting of amounts, dates and rates for the text that letters show.
//!
//! Letters receive every figure already formatted: templates do no arithmetic and no
//! formatting, so the one place that decides how "1 234,56 €" looks is this module.
//! The spacing follows French typographic usage (Lexique des règles typographiques en
//! usage à l'Imprimerie nationale): a narrow no-break space (U+202F) between groups of
//! three digits, a decimal comma, and a no-break space (U+00A0) before the unit, so that
//! neither the number nor its unit can be split across two lines.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// Narrow no-break space: the thousands separator.
pub const THOUSANDS_SEPARATOR: char = '\u{202F}';

/// No-break space: between a number and its unit (`€`, `%`).
pub const UNIT_SPACE: char = '\u{00A0}';

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Formats an amount in euros: `1 234,56 €`, `-12,00 €`, `0,00 €`.
///
/// Always two decimals. Amounts are expected in whole cents already (the calculation
/// rounds); a value with more decimals is rounded half away from zero for display only,
/// so a statement and its letter never disagree by more than the rounding the
/// calculation already applied. A negative amount starts with a hyphen-minus; an amount
/// that rounds to zero is shown without a sign.
///
/// # Example
/// ```
/// use relance::documents::format::format_eur;
/// use rust_decimal::Decimal;
/// assert_eq!(format_eur(Decimal::new(123456, 2)), "1\u{202F}234,56\u{A0}€");
/// assert_eq!(format_eur(Decimal::new(-5, 0)), "-5,00\u{A0}€");
/// ```
pub fn format_eur(amount: Decimal) -> String {
    let rounded = crate::money::round_cents(amount);
    format!("{}{UNIT_SPACE}€", format_number(rounded, 2))
}

/// Formats a rate given in percent (`12.15` means 12,15 %): `12,15 %`.
///
/// Keeps the decimals the value carries, with at least two (`10` gives `10,00 %`,
/// `3.125` gives `3,125 %`), because rates come from published tables and must be shown
/// exactly as published, never rounded.
///
/// # Example
/// ```
/// use relance::documents::format::format_percent;
/// use rust_decimal::Decimal;
/// assert_eq!(format_percent(Decimal::new(1215, 2)), "12,15\u{A0}%");
/// ```
pub fn format_percent(rate: Decimal) -> String {
    let scale = rate.normalize().scale().max(2);
    format!("{}{UNIT_SPACE}%", format_number(rate, scale))
}

/// Formats a date the way a letter writes it: `24 novembre 2026`, `1er mars 2027`.
///
/// French writes the first day of a month as an ordinal ("1er"), every other day as a
/// cardinal; months are lower case.
pub fn format_date_long(date: NaiveDate) -> String {
    let day = date.day();
    let month = MONTHS[date.month0() as usize];
    // The day and the month stay on one line (a no-break space).
    if day == 1 {
        format!("1er\u{a0}{month} {}", date.year())
    } else {
        format!("{day}\u{a0}{month} {}", date.year())
    }
}

/// Formats a date for tables and references: `24/11/2026`.
pub fn format_date_short(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// Writes `value` with exactly `decimals` decimals (padding with zeros, never rounding
/// more than the caller did), a decimal comma and grouped thousands.
fn format_number(value: Decimal, decimals: u32) -> String {
    let negative = value.is_sign_negative() && !value.is_zero();
    let plain = format!("{:.*}", decimals as usize, value.abs());
    let (int_part, frac_part) = match plain.split_once('.') {
        Some((int_part, frac_part)) => (int_part, Some(frac_part)),
        None => (plain.as_str(), None),
    };

    let mut out = String::with_capacity(plain.len() + 8);
    if negative {
        out.push('-');
    }
    let digits = int_part.len();
    for (i, digit) in int_part.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(THOUSANDS_SEPARATOR);
        }
        out.push(digit);
    }
    if let Some(frac_part) = frac_part {
        out.push(',');
        out.push_str(frac_part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn eur_groups_thousands_with_narrow_no_break_spaces() {
        assert_eq!(format_eur(dec("1234.56")), "1\u{202F}234,56\u{A0}€");
        assert_eq!(
            format_eur(dec("1234567.8")),
            "1\u{202F}234\u{202F}567,80\u{A0}€"
        );
        assert_eq!(format_eur(dec("999.99")), "999,99\u{A0}€");
        assert_eq!(format_eur(dec("100000")), "100\u{202F}000,00\u{A0}€");
    }

    #[test]
    fn eur_small_and_zero_amounts() {
        assert_eq!(format_eur(dec("0")), "0,00\u{A0}€");
        assert_eq!(format_eur(dec("0.5")), "0,50\u{A0}€");
        assert_eq!(format_eur(dec("40")), "40,00\u{A0}€");
    }

    #[test]
    fn eur_negative_amounts_start_with_a_hyphen() {
        assert_eq!(format_eur(dec("-1234.56")), "-1\u{202F}234,56\u{A0}€");
        assert_eq!(format_eur(dec("-0.01")), "-0,01\u{A0}€");
    }

    #[test]
    fn eur_rounds_extra_decimals_half_away_from_zero_and_drops_negative_zero() {
        assert_eq!(format_eur(dec("2.345")), "2,35\u{A0}€");
        assert_eq!(format_eur(dec("-2.345")), "-2,35\u{A0}€");
        assert_eq!(format_eur(dec("-0.004")), "0,00\u{A0}€");
    }

    #[test]
    fn percent_keeps_published_decimals_with_at_least_two() {
        assert_eq!(format_percent(dec("12.15")), "12,15\u{A0}%");
        assert_eq!(format_percent(dec("10")), "10,00\u{A0}%");
        assert_eq!(format_percent(dec("3.125")), "3,125\u{A0}%");
        assert_eq!(format_percent(dec("8.1600")), "8,16\u{A0}%");
        assert_eq!(format_percent(dec("-0.5")), "-0,50\u{A0}%");
    }

    #[test]
    fn long_date_writes_the_first_as_an_ordinal() {
        assert_eq!(
            format_date_long(date(2026, 11, 1)),
            "1er\u{a0}novembre 2026"
        );
        assert_eq!(
            format_date_long(date(2026, 11, 24)),
            "24\u{a0}novembre 2026"
        );
        assert_eq!(format_date_long(date(2027, 2, 2)), "2\u{a0}février 2027");
        assert_eq!(format_date_long(date(2026, 8, 15)), "15\u{a0}août 2026");
        assert_eq!(
            format_date_long(date(2026, 12, 31)),
            "31\u{a0}décembre 2026"
        );
    }

    #[test]
    fn short_date_pads_day_and_month() {
        assert_eq!(format_date_short(date(2026, 11, 24)), "24/11/2026");
        assert_eq!(format_date_short(date(2027, 1, 5)), "05/01/2027");
    }
}
