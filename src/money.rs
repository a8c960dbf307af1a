//! Money and rates: the one rounding function, and their text forms in the JSON statement.
//! The French forms a reader sees (`1 234,56 €`) are in `documents::format`.

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
    }
}
