//! French wording of a court's seat: "de Lyon", "d'Évry", "du Havre".

/// "de" before a seat's name, elided or contracted as French writes it.
pub fn de(seat: &str) -> String {
    if let Some(rest) = seat.strip_prefix("Le ") {
        return format!("du {rest}");
    }
    if let Some(rest) = seat.strip_prefix("Les ") {
        return format!("des {rest}");
    }
    let vowel = seat
        .chars()
        .next()
        .is_some_and(|c| "AEIOUYÉÈÊÎÔÀÂaeiouyéèêîôàâ".contains(c));
    if vowel {
        format!("d'{seat}")
    } else {
        format!("de {seat}")
    }
}

/// A commune's name compared without case, accents, hyphens, apostrophes or "Saint"/"St"
/// spelling: "Saint-Étienne", "ST ETIENNE" and "saint étienne" are the same commune.
pub fn normalize_commune(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'A',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'î' | 'ï' | 'Î' | 'Ï' => 'I',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'O',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'U',
            'ç' | 'Ç' => 'C',
            'ÿ' | 'Ÿ' => 'Y',
            '-' | '\'' | '’' | '.' | ',' => ' ',
            c => c.to_ascii_uppercase(),
        };
        out.push(c);
    }
    let words: Vec<&str> = out
        .split_whitespace()
        .map(|w| match w {
            "ST" => "SAINT",
            "STE" => "SAINTE",
            w => w,
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_take_de_du_or_d() {
        assert_eq!(de("Lyon"), "de Lyon");
        assert_eq!(de("Le Havre"), "du Havre");
        assert_eq!(de("Évry"), "d'Évry");
        assert_eq!(de("Auxerre"), "d'Auxerre");
        assert_eq!(de("La Rochelle"), "de La Rochelle");
    }

    #[test]
    fn commune_names_compare_loosely() {
        assert_eq!(normalize_commune("Saint-Étienne"), "SAINT ETIENNE");
        assert_eq!(normalize_commune("ST ETIENNE"), "SAINT ETIENNE");
        assert_eq!(normalize_commune("L'Haÿ-les-Roses"), "L HAY LES ROSES");
    }
}
