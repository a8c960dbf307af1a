//! Money and rates: the one rounding function, and their text forms in the statement.

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds to the cent, half away from zero (spec §3). The only rounding in the crate.
pub fn round_cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// An amount as the JSON statement writes it: exactly two decimals, a dot (`"1200.00"`).
pub fn cents_string(amount: Decimal) -> String {
    let mut a = round_cents(amount);
    a.rescale(2);
    a.to_string()
}

/// A rate in percent with at least two decimals (`"12.15"`, `"12.50"`, `"7.125"`).
pub fn rate_string(rate: Decimal) -> String {
    let mut r = rate.normalize();
    if r.scale() < 2 {
        r.rescale(2);
    }
    r.to_string()
}

/// An amount as a French reader writes it: `1 234,56 €` with a narrow no-break space
/// (U+202F) between thousands and a no-break space (U+00A0) before the euro sign.
pub fn euros_fr(amount: Decimal) -> String {
    format!("{}\u{a0}€", decimal_fr(round_cents(amount), 2))
}

/// A rate as a French reader writes it: `12,15 %` (no-break space before %).
pub fn percent_fr(rate: Decimal) -> String {
    let s = rate_string(rate);
    format!("{}\u{a0}%", s.replace('.', ","))
}

/// A decimal with `dp` decimals, a comma and U+202F thousands separators.
fn decimal_fr(value: Decimal, dp: u32) -> String {
    let mut v = value;
    v.rescale(dp);
    let s = v.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_cents(dec("1.005")), dec("1.01"));
        assert_eq!(round_cents(dec("1.004999")), dec("1.00"));
        assert_eq!(round_cents(dec("-1.005")), dec("-1.01"));
        assert_eq!(round_cents(dec("2.675")), dec("2.68"));
    }

    #[test]
    fn strings() {
        assert_eq!(cents_string(dec("1200")), "1200.00");
        assert_eq!(cents_string(dec("5.9918")), "5.99");
        assert_eq!(rate_string(dec("12.15")), "12.15");
        assert_eq!(rate_string(dec("12.5")), "12.50");
        assert_eq!(rate_string(dec("10")), "10.00");
        assert_eq!(rate_string(dec("7.125")), "7.125");
        assert_eq!(euros_fr(dec("1234.5")), "1\u{202f}234,50\u{a0}€");
        assert_eq!(
            euros_fr(dec("1234567.891")),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        assert_eq!(euros_fr(dec("40")), "40,00\u{a0}€");
        assert_eq!(euros_fr(dec("-500")), "-500,00\u{a0}€");
        assert_eq!(percent_fr(dec("12.15")), "12,15\u{a0}%");
    }
}
