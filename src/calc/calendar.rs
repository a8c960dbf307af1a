//! Calendar law: half-years, Easter, public holidays, and deadlines given to a debtor
//! (CPC 641, 642).

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::rules::{HolidayDay, Rules};

/// A calendar half-year: rates are fixed by half-year (C. com. L441-10 II, C. mon. fin. L313-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HalfYear {
    pub year: i32,
    /// 1 for January–June, 2 for July–December.
    pub half: u8,
}

impl HalfYear {
    pub fn of(date: NaiveDate) -> HalfYear {
        HalfYear {
            year: date.year(),
            half: if date.month() <= 6 { 1 } else { 2 },
        }
    }

    /// 1 January or 1 July: the day whose ECB rate applies to the half-year.
    pub fn start(self) -> NaiveDate {
        let month = if self.half == 1 { 1 } else { 7 };
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("valid date")
    }

    /// 30 June or 31 December.
    pub fn end(self) -> NaiveDate {
        let (month, day) = if self.half == 1 { (6, 30) } else { (12, 31) };
        NaiveDate::from_ymd_opt(self.year, month, day).expect("valid date")
    }
}

impl HalfYear {
    /// "1ᵉʳ semestre 2026", "2ᵉ semestre 2025": as a document names it.
    pub fn fr(&self) -> String {
        match self.half {
            1 => format!("1\u{1d49}\u{2b3} semestre {}", self.year),
            _ => format!("{}\u{1d49} semestre {}", self.half, self.year),
        }
    }
}

impl std::fmt::Display for HalfYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-S{}", self.year, self.half)
    }
}

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("computus gives a valid date")
}

/// The department of a French postal code: its first two digits (`"57"` for 57000 Metz).
pub fn department(postal_code: &str) -> Option<&str> {
    postal_code.get(..2)
}

/// The debtor's department, whose calendar moves a deadline given to it (Alsace-Moselle's
/// extra holidays); `None` without a postal code.
pub fn debtor_department(dossier: &crate::dossier::Dossier) -> Option<&str> {
    dossier.debtor.postal_code().and_then(department)
}

/// Whether `date` is a public holiday for a debtor in `department` (None: general calendar).
///
/// # Errors
/// The rules hold no holiday calendar.
pub fn is_holiday<'r>(
    rules: &'r Rules,
    date: NaiveDate,
    department: Option<&str>,
) -> Result<Option<&'r str>, String> {
    let Some(calendar) = &rules.holidays else {
        return Err(format!(
            "no public-holiday calendar in {}: add code-du-travail/L3133-1-jours-feries.toml",
            rules.origin
        ));
    };
    let easter_sunday = easter(date.year());
    for h in &calendar.entries {
        if date < h.from || h.to.is_some_and(|to| date > to) {
            continue;
        }
        if !h.departments.is_empty()
            && !department.is_some_and(|dep| h.departments.iter().any(|d| d == dep))
        {
            continue;
        }
        let day = match h.day {
            HolidayDay::Fixed { month, day } => NaiveDate::from_ymd_opt(date.year(), month, day),
            HolidayDay::Easter(offset) => {
                easter_sunday.checked_add_signed(chrono::Duration::days(offset))
            }
        };
        if day == Some(date) {
            return Ok(Some(h.name.as_str()));
        }
    }
    Ok(None)
}

/// Whether a deadline may expire on `date`: not a Saturday, Sunday or public holiday.
pub fn is_working_day(
    rules: &Rules,
    date: NaiveDate,
    department: Option<&str>,
) -> Result<bool, String> {
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return Ok(false);
    }
    Ok(is_holiday(rules, date, department)?.is_none())
}

/// The last day of a deadline of `days` days given on `from` (CPC 641: the day of the act
/// does not count; CPC 642: a deadline ending on a Saturday, Sunday or public holiday is
/// extended to the next working day).
///
/// # Errors
/// The rules hold no holiday calendar.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use relance::{calc::calendar::deadline, rules::Rules};
/// let rules = Rules::embedded();
/// // Letter dated Friday 26 December 2025 + 8 days = Saturday 3 January 2026 -> Monday 5 January.
/// let d = NaiveDate::from_ymd_opt(2025, 12, 26).unwrap();
/// assert_eq!(deadline(&rules, d, 8, None).unwrap(), NaiveDate::from_ymd_opt(2026, 1, 5).unwrap());
/// ```
pub fn deadline(
    rules: &Rules,
    from: NaiveDate,
    days: u64,
    department: Option<&str>,
) -> Result<NaiveDate, String> {
    let mut day = from
        .checked_add_days(Days::new(days))
        .ok_or_else(|| "date out of range".to_string())?;
    while !is_working_day(rules, day, department)? {
        day = day
            .succ_opt()
            .ok_or_else(|| "date out of range".to_string())?;
    }
    Ok(day)
}

/// The deadline a formal notice dated `from` gives the debtor: the number of days of the
/// rule `formal-notice-delay` in force that day, and its last day (CPC 641, 642).
///
/// # Errors
/// The rule has no value that day or its value is not a whole number of days; the rules
/// hold no holiday calendar.
pub fn formal_notice_deadline(
    rules: &Rules,
    from: NaiveDate,
    department: Option<&str>,
) -> Result<(u64, NaiveDate), String> {
    let (rule, value) = rules
        .value("formal-notice-delay", from, || {
            "the deadline of a formal notice".to_string()
        })
        .map_err(|e| e.to_string())?;
    let days: u64 = if value.value.fract().is_zero() {
        value.value.trunc().try_into().ok()
    } else {
        None
    }
    .ok_or_else(|| format!("{}/{}: not a whole number of days", rules.origin, rule.file))?;
    Ok((days, deadline(rules, from, days, department)?))
}

/// The same day of the month `years` later; 29 February becomes 28 February (spec §3).
pub fn add_years(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, date.month(), date.day() - 1))
        .expect("only 29 February can be missing")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_sundays() {
        assert_eq!(easter(2024), d(2024, 3, 31));
        assert_eq!(easter(2025), d(2025, 4, 20));
        assert_eq!(easter(2026), d(2026, 4, 5));
        assert_eq!(easter(2027), d(2027, 3, 28));
        assert_eq!(easter(2000), d(2000, 4, 23));
        assert_eq!(easter(2038), d(2038, 4, 25));
        assert_eq!(easter(2008), d(2008, 3, 23));
    }

    #[test]
    fn holidays_2024_to_2027() {
        let rules = Rules::embedded();
        let general = [
            // Easter Monday, Ascension, Whit Monday for each year.
            (d(2024, 4, 1), "Lundi de Pâques"),
            (d(2024, 5, 9), "Ascension"),
            (d(2024, 5, 20), "Lundi de Pentecôte"),
            (d(2025, 4, 21), "Lundi de Pâques"),
            (d(2025, 5, 29), "Ascension"),
            (d(2025, 6, 9), "Lundi de Pentecôte"),
            (d(2026, 4, 6), "Lundi de Pâques"),
            (d(2026, 5, 14), "Ascension"),
            (d(2026, 5, 25), "Lundi de Pentecôte"),
            (d(2027, 3, 29), "Lundi de Pâques"),
            (d(2027, 5, 6), "Ascension"),
            (d(2027, 5, 17), "Lundi de Pentecôte"),
            (d(2026, 7, 14), "Fête nationale"),
            (d(2027, 11, 11), "Armistice 1918"),
        ];
        for (date, name) in general {
            assert_eq!(
                is_holiday(&rules, date, None).unwrap(),
                Some(name),
                "{date}"
            );
            assert_eq!(
                is_holiday(&rules, date, Some("67")).unwrap(),
                Some(name),
                "{date}"
            );
        }
        // Alsace-Moselle: Good Friday and 26 December, only there.
        for date in [
            d(2024, 3, 29),
            d(2025, 4, 18),
            d(2026, 4, 3),
            d(2027, 3, 26),
        ] {
            assert_eq!(
                is_holiday(&rules, date, Some("57")).unwrap(),
                Some("Vendredi saint")
            );
            assert_eq!(is_holiday(&rules, date, Some("75")).unwrap(), None);
            assert_eq!(is_holiday(&rules, date, None).unwrap(), None);
        }
        for y in 2024..=2027 {
            assert_eq!(
                is_holiday(&rules, d(y, 12, 26), Some("68")).unwrap(),
                Some("Saint-Étienne")
            );
            assert_eq!(is_holiday(&rules, d(y, 12, 26), Some("69")).unwrap(), None);
        }
        assert_eq!(is_holiday(&rules, d(2026, 3, 3), None).unwrap(), None);
    }

    #[test]
    fn deadlines_move_to_the_next_working_day() {
        let rules = Rules::embedded();
        // Monday 2 November 2026 + 8 = Tuesday 10 November: a working day.
        assert_eq!(
            deadline(&rules, d(2026, 11, 2), 8, None).unwrap(),
            d(2026, 11, 10)
        );
        // Tuesday 3 November 2026 + 8 = Wednesday 11 November (Armistice) -> Thursday 12.
        assert_eq!(
            deadline(&rules, d(2026, 11, 3), 8, None).unwrap(),
            d(2026, 11, 12)
        );
        // 18 December 2026 + 8 = Saturday 26 December -> Monday 28 everywhere.
        assert_eq!(
            deadline(&rules, d(2026, 12, 18), 8, None).unwrap(),
            d(2026, 12, 28)
        );
        // Thursday 17 December 2026 + 8 = Friday 25 (Noël) -> Monday 28 in Paris...
        assert_eq!(
            deadline(&rules, d(2026, 12, 17), 8, Some("75")).unwrap(),
            d(2026, 12, 28)
        );
        // 18 December 2025 + 8 = Friday 26 December 2025: working day in Lyon, not in Metz.
        assert_eq!(
            deadline(&rules, d(2025, 12, 18), 8, Some("69")).unwrap(),
            d(2025, 12, 26)
        );
        assert_eq!(
            deadline(&rules, d(2025, 12, 18), 8, Some("57")).unwrap(),
            d(2025, 12, 29)
        );
        // 26 March 2026 + 8 = Friday 3 April 2026 (Good Friday): Strasbourg -> Tuesday 7 April
        // (Monday 6 is Easter Monday); Lyon keeps Friday 3.
        assert_eq!(
            deadline(&rules, d(2026, 3, 26), 8, Some("67")).unwrap(),
            d(2026, 4, 7)
        );
        assert_eq!(
            deadline(&rules, d(2026, 3, 26), 8, Some("69")).unwrap(),
            d(2026, 4, 3)
        );
    }

    #[test]
    fn half_years() {
        let h = HalfYear::of(d(2026, 6, 30));
        assert_eq!((h.start(), h.end()), (d(2026, 1, 1), d(2026, 6, 30)));
        let h = HalfYear::of(d(2026, 7, 1));
        assert_eq!((h.start(), h.end()), (d(2026, 7, 1), d(2026, 12, 31)));
        assert_eq!(h.to_string(), "2026-S2");
    }

    #[test]
    fn years_from_29_february() {
        assert_eq!(add_years(d(2024, 2, 29), 5), d(2029, 2, 28));
        assert_eq!(add_years(d(2024, 2, 29), 4), d(2028, 2, 29));
        assert_eq!(add_years(d(2026, 2, 14), 5), d(2031, 2, 14));
    }
}
