//! Shared French wording: enumerations, singular and plural, dates in a phrase, salutations,
//! typography, identifiers grouped for reading, address lines.

use chrono::{Datelike, NaiveDate};

use crate::documents::format::format_date_long;
use crate::dossier::{Civility, ClaimKind};

/// "A", "A et B", "A, B et C".
pub(super) fn enumerate_fr(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

/// `text` in groups of `size` characters joined by no-break spaces, so that a number is
/// never split over two lines.
fn grouped(text: &str, size: usize) -> String {
    text.as_bytes()
        .chunks(size)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\u{a0}")
}

/// A SIREN in groups of three digits ("732 829 320").
pub(super) fn siren_fr(siren: &str) -> String {
    grouped(siren, 3)
}

/// Whether a company's name already shows its legal form as a word of its own
/// ("Atelier Martin SARL", "SAS Dupont"), compared without case and dots ("S.A.R.L.").
pub(super) fn name_shows_form(name: &str, form: &str) -> bool {
    let plain = |s: &str| s.replace('.', "").to_lowercase();
    let form = plain(form);
    !form.is_empty()
        && plain(name)
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == form)
}

/// An IBAN in groups of four characters.
pub(super) fn iban_fr(iban: &str) -> String {
    grouped(iban, 4)
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
pub(super) fn recipient_lines(
    name: &str,
    attention: Option<&str>,
    address: &[String],
) -> Vec<String> {
    let mut lines: Vec<String> = address
        .iter()
        .filter(|l| l.as_str() != name)
        .cloned()
        .collect();
    // The person the salutation addresses (`debtor.attention`), unless the address already
    // directs the letter to someone; the window holds the name and five lines.
    let directed = lines.iter().any(|l| is_attention_line(l));
    if let Some(a) = attention.filter(|_| !directed && lines.len() < 5) {
        let a = a.trim();
        let line = if is_attention_line(a) {
            a.to_string()
        } else {
            format!("À l'attention de {a}")
        };
        lines.insert(0, line);
    }
    lines
}

/// "À l'attention de …", "Attn …": a line that directs a letter to a person.
fn is_attention_line(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.starts_with("à l'attention")
        || lower.starts_with("a l'attention")
        || lower.starts_with("à l’attention")
        || lower.starts_with("attn")
}

/// The address where a party is established: the address block without the lines that
/// repeat the name or direct the letter to a person ("À l'attention de ...").
pub(super) fn seat(name: &str, address: &[String]) -> String {
    address
        .iter()
        .filter(|l| l.as_str() != name)
        .filter(|l| !is_attention_line(l))
        .map(|l| address_line(l))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An address line as prose prints it: the street number kept with the street ("12 rue des
/// Lilas", "3 bis avenue …"), the postal code with the town ("69003 Lyon"), by a no-break
/// space, so that no line of a letter ends on a bare number.
pub(super) fn address_line(line: &str) -> String {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return line.to_string();
    }
    let mut head = digits;
    // "12B rue …": a letter glued to the number.
    if line[head..].starts_with(|c: char| c.is_ascii_alphabetic())
        && line[head + 1..].starts_with(' ')
    {
        head += 1;
    }
    // "12 bis rue …": the word stays with the number.
    for word in [" bis", " ter", " quater"] {
        if line[head..].starts_with(word) && line[head + word.len()..].starts_with(' ') {
            head += word.len();
            break;
        }
    }
    match line[head..].strip_prefix(' ') {
        Some(tail) if !tail.is_empty() => format!("{}\u{a0}{tail}", &line[..head]),
        _ => line.to_string(),
    }
}

/// `one` when `n` is 1 (or 0), else `many`: "la facture suivante" / "les factures suivantes".
pub(super) fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n > 1 { many } else { one }
}

/// Dates in one phrase, the year said once for a run of the same year, the month once only
/// when every date falls in it: "20 février et 16 mars 2026", "3 et 20 mars 2026",
/// "8 mars, 20 mars et 2 avril 2026" (not "8, 20 mars et 2 avril"), "15 décembre 2025 et 20
/// janvier 2026".
pub(super) fn dates_fr(dates: &[NaiveDate]) -> String {
    let one_month = dates
        .windows(2)
        .all(|w| w[0].month() == w[1].month() && w[0].year() == w[1].year());
    let parts: Vec<String> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let next = dates.get(i + 1);
            let day = if d.day() == 1 {
                "1er".to_string()
            } else {
                d.day().to_string()
            };
            let same_month = one_month && next.is_some();
            let same_year = next.is_some_and(|n| n.year() == d.year());
            let long = format_date_long(*d);
            if same_month {
                day
            } else if same_year {
                // "20 février 2026" without the year.
                long.rsplit_once(' ')
                    .map_or(long.clone(), |(a, _)| a.to_string())
            } else {
                long
            }
        })
        .collect();
    enumerate_fr(&parts)
}

/// French typography for a text the documents print: a no-break space before « : ; ? ! »
/// and inside « », whatever space (or none) the text had.
pub fn typo_fr(text: &str) -> String {
    // Kept on one line: "n° 12", "12 %", "C. com.", "C. civ.", "C. mon. fin.".
    let text = text
        .replace("n° ", "n°\u{a0}")
        .replace(" %", "\u{202f}%")
        .replace("C. com.", "C.\u{a0}com.")
        .replace("C. civ.", "C.\u{a0}civ.")
        .replace("C. mon. fin.", "C.\u{a0}mon.\u{a0}fin.");
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            ':' | ';' | '?' | '!' | '»' => {
                // "http://" and times such as "10:30" keep their colon as it is.
                let prev = out.chars().last();
                let next = chars.get(i + 1).copied();
                let glued = c == ':'
                    && (next == Some('/')
                        || prev.is_some_and(|p| p.is_ascii_digit())
                            && next.is_some_and(|n| n.is_ascii_digit()));
                if glued || prev.is_none() {
                    out.push(c);
                    continue;
                }
                while out.ends_with(' ') || out.ends_with('\u{a0}') || out.ends_with('\u{202f}') {
                    out.pop();
                }
                out.push('\u{a0}');
                out.push(c);
            }
            ' ' | '\u{a0}' | '\u{202f}' if out.ends_with('«') => {}
            _ => {
                if out.ends_with('«') {
                    out.push('\u{a0}');
                }
                out.push(c);
            }
        }
    }
    out
}

/// The words that agree with what is claimed: invoices or rents, one or several. When
/// `settled`, an invoice claimed was paid late and owes only its accessories: the letters
/// then speak of the sums that remain due, never of invoices that "demeurent impayées".
/// When `partly`, a payment was received on one of them: they remain unpaid "en tout ou
/// partie".
pub(super) fn words(n: usize, kind: ClaimKind, settled: bool, partly: bool) -> serde_json::Value {
    let many = n > 1;
    let rent = kind == ClaimKind::Rents;
    let pick = |inv1: &str, invn: &str, rent1: &str, rentn: &str| -> String {
        match (rent, many) {
            (false, false) => inv1,
            (false, true) => invn,
            (true, false) => rent1,
            (true, true) => rentn,
        }
        .to_string()
    };
    let the_below = if settled {
        "Les sommes ci-dessous".to_string()
    } else {
        pick(
            "La facture ci-dessous",
            "Les factures ci-dessous",
            "Le loyer ci-dessous",
            "Les loyers ci-dessous",
        )
    };
    serde_json::json!({
        "item": if rent { "loyer" } else { "facture" },
        "item_title": if rent { "Loyer" } else { "Facture" },
        "due_adj": if rent { "échu" } else { "échue" },
        "the_below_lower": lower_first(&the_below),
        "the_below": the_below,
        "remain_unpaid": if settled { "demeurent dues".to_string() } else { pick("demeure impayée", "demeurent impayées", "demeure impayé", "demeurent impayés") + if partly { " en tout ou partie" } else { "" } },
        "whose_due_passed": if settled { "exigibles" } else if many { "dont les échéances sont dépassées" } else { "dont l'échéance est dépassée" },
        "their_due_dates": if settled { "les échéances sont dépassées" } else if many { "leurs échéances sont dépassées" } else { "son échéance est dépassée" },
        "payment_of_following": pick(
            "le règlement de la facture suivante, arrivée à échéance,",
            "le règlement des factures suivantes, arrivées à échéance,",
            "le règlement du loyer suivant, arrivé à échéance,",
            "le règlement des loyers suivants, arrivés à échéance,",
        ),
        "these": pick("cette facture", "ces factures", "ce loyer", "ces loyers"),
        "of_following": pick("de la facture suivante", "des factures suivantes", "du loyer suivant", "des loyers suivants"),
        // After a reminder, which came after the due date: "impayées malgré la relance".
        "unpaid_despite": if partly {
            pick(
                "demeurée impayée, en tout ou partie,",
                "demeurées impayées, en tout ou partie,",
                "demeuré impayé, en tout ou partie,",
                "demeurés impayés, en tout ou partie,",
            )
        } else {
            pick("demeurée impayée", "demeurées impayées", "demeuré impayé", "demeurés impayés")
        },
        "unpaid_at_due": if partly {
            pick(
                "demeurée impayée, en tout ou partie, à son échéance",
                "demeurées impayées, en tout ou partie, à leur échéance",
                "demeuré impayé, en tout ou partie, à son échéance",
                "demeurés impayés, en tout ou partie, à leur échéance",
            )
        } else {
            pick(
                "demeurée impayée à son échéance",
                "demeurées impayées à leur échéance",
                "demeuré impayé à son échéance",
                "demeurés impayés à leur échéance",
            )
        },
    })
}

/// "Madame, Monsieur," unless the addressee is known: an attention line ("M. Paul Dupont,
/// président" gives "Monsieur le Président,"; "Mme la Maire" gives "Madame la Maire,") or a
/// consumer's civility.
pub(super) fn salutation(
    attention: Option<&str>,
    civility: Option<Civility>,
    name: &str,
) -> String {
    if let Some(a) = attention {
        let lower = a.to_lowercase();
        let lower = lower
            .trim_start_matches("à l'attention de")
            .trim_start_matches("à l’attention de")
            .trim_start_matches("a l'attention de")
            .trim();
        let female =
            lower.starts_with("mme") || lower.starts_with("madame") || lower.starts_with("mlle");
        let male = !female
            && (lower.starts_with("m.")
                || lower.starts_with("monsieur")
                || lower.starts_with("m "));
        // The function, when the line names one; the feminine form tells the gender too.
        let functions: [(&str, &str, &str); 7] = [
            ("présidente", "Madame la Présidente", "Madame la Présidente"),
            ("président", "Madame la Présidente", "Monsieur le Président"),
            ("maire", "Madame la Maire", "Monsieur le Maire"),
            ("directrice", "Madame la Directrice", "Madame la Directrice"),
            ("directeur", "Madame la Directrice", "Monsieur le Directeur"),
            ("gérante", "Madame la Gérante", "Madame la Gérante"),
            ("gérant", "Madame la Gérante", "Monsieur le Gérant"),
        ];
        for (word, f, m) in functions {
            let found = lower
                .split(|c: char| !c.is_alphanumeric() && c != 'é' && c != 'è')
                .any(|w| w == word);
            if found && (female || male || word.ends_with('e') && f == m) {
                return format!("{},", if female { f } else { m });
            }
        }
        if female {
            return "Madame,".to_string();
        }
        if male {
            return "Monsieur,".to_string();
        }
    }
    // A person named with a civility ("Mme Sophie Weber") is greeted by it.
    let named = if name.starts_with("Mme ") || name.starts_with("Madame ") {
        Some(Civility::Madame)
    } else if name.starts_with("M. ") || name.starts_with("Monsieur ") {
        Some(Civility::Monsieur)
    } else {
        None
    };
    match civility.or(named) {
        Some(Civility::Madame) => "Madame,".to_string(),
        Some(Civility::Monsieur) => "Monsieur,".to_string(),
        None => "Madame, Monsieur,".to_string(),
    }
}

/// "de Dupont SA" or "d'Imprimerie du Vieux-Port SAS": the preposition elided before a vowel
/// or a mute h (a name's first letter; "h" is taken as mute, the commonest case).
pub(super) fn de_fr(name: &str) -> String {
    let first = name
        .chars()
        .next()
        .map(|c| c.to_lowercase().next().unwrap_or(c));
    match first {
        Some(
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' | 'à' | 'â' | 'é' | 'è' | 'ê' | 'î' | 'ô' | 'û',
        ) => {
            format!("d'{name}")
        }
        _ => format!("de {name}"),
    }
}

/// The first letter in lower case ("La facture" -> "la facture").
pub(super) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The first letter in upper case.
pub(super) fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_say_the_month_once_only_when_all_share_it() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let nb = '\u{a0}';
        assert_eq!(
            dates_fr(&[d("2026-03-03"), d("2026-03-20")]),
            format!("3 et 20{nb}mars 2026")
        );
        assert_eq!(
            dates_fr(&[d("2026-03-08"), d("2026-03-20"), d("2026-04-02")]),
            format!("8{nb}mars, 20{nb}mars et 2{nb}avril 2026")
        );
        assert_eq!(
            dates_fr(&[d("2025-12-15"), d("2026-01-20")]),
            format!("15{nb}décembre 2025 et 20{nb}janvier 2026")
        );
    }

    #[test]
    fn a_street_number_and_a_postal_code_stay_with_what_follows() {
        let nb = '\u{a0}';
        assert_eq!(
            address_line("12 rue des Lilas"),
            format!("12{nb}rue des Lilas")
        );
        assert_eq!(
            address_line("3 bis place du Marché"),
            format!("3 bis{nb}place du Marché")
        );
        assert_eq!(address_line("12B rue Haute"), format!("12B{nb}rue Haute"));
        assert_eq!(address_line("69003 Lyon"), format!("69003{nb}Lyon"));
        assert_eq!(address_line("BP 123"), "BP 123");
        assert_eq!(address_line("12"), "12");
        assert_eq!(address_line("12 "), "12 ");
        assert_eq!(address_line("1 ter"), format!("1{nb}ter"));
        assert_eq!(address_line("1é rue"), "1é rue");
    }

    #[test]
    fn a_form_in_the_name_is_seen() {
        assert!(name_shows_form("Atelier Martin SARL", "SARL"));
        assert!(name_shows_form("S.A.R.L. Martin", "SARL"));
        assert!(name_shows_form("sas dupont", "SAS"));
        assert!(!name_shows_form("Sasha Martin", "SAS"));
        assert!(!name_shows_form("Atelier Martin", "SARL"));
    }
}
