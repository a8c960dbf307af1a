//! The payload of the EPC QR code ("Girocode", EPC069-12 version 002) that lets a debtor pay
//! a SEPA credit transfer in one scan: beneficiary, IBAN, amount and remittance text (the
//! dossier's reference and the invoice numbers). The BIC is optional in version 002 within
//! the EEA and left out; the payload is UTF-8 (character set 1), lines separated by LF.

use rust_decimal::Decimal;

use crate::calc::Statement;
use crate::dossier::Dossier;
use crate::money::cents_string;

/// EPC069-12: the beneficiary's name holds at most 70 characters, the unstructured
/// remittance 140, the amount at most 999 999 999.99 EUR.
const MAX_NAME: usize = 70;
const MAX_REMITTANCE: usize = 140;

/// The payload for paying `amount` to `name` on `iban` (compact form), or `None` when the
/// amount is not payable by a code (zero, negative, or above the scheme's limit).
///
/// # Example
/// ```
/// use relance::documents::qr::epc_payload;
/// use rust_decimal::Decimal;
/// let p = epc_payload("Atelier Martin SARL", "FR7630006000011234567890189", Decimal::new(123456789, 2), "DOS-1 F-1").unwrap();
/// assert_eq!(p, "BCD\n002\n1\nSCT\n\nAtelier Martin SARL\nFR7630006000011234567890189\nEUR1234567.89\n\n\nDOS-1 F-1");
/// ```
pub fn epc_payload(name: &str, iban: &str, amount: Decimal, remittance: &str) -> Option<String> {
    let max = Decimal::new(99_999_999_999, 2);
    if amount <= Decimal::ZERO || amount > max {
        return None;
    }
    let name: String = clean(name).chars().take(MAX_NAME).collect();
    let remittance: String = clean(remittance).chars().take(MAX_REMITTANCE).collect();
    Some(
        [
            "BCD",
            "002",
            "1",
            "SCT",
            "",
            &name,
            iban,
            &format!("EUR{}", cents_string(amount)),
            "",
            "",
            &remittance,
        ]
        .join("\n"),
    )
}

/// The payload of a letter for `dossier`: the statement's total due to the creditor's IBAN,
/// the remittance naming the reference and the invoices still owed (as many whole numbers
/// as fit); `None` when the creditor has no IBAN or nothing is due.
pub fn dossier_payload(dossier: &Dossier, statement: &Statement) -> Option<String> {
    let iban = dossier.creditor.iban.as_deref()?;
    epc_payload(
        &dossier.creditor.name,
        iban,
        statement.totals.total_due,
        &remittance(statement),
    )
}

/// The remittance text of a payment of `statement`: the dossier's reference and the
/// numbers of the invoices still owed, as many whole numbers as fit in 140 characters.
pub fn remittance(statement: &Statement) -> String {
    remittance_of(
        &statement.reference,
        statement
            .invoices
            .iter()
            .filter(|l| l.total_due() > Decimal::ZERO)
            .map(|l| l.number.as_str()),
    )
}

/// A reference followed by as many of `numbers` as fit in 140 characters, whole.
pub fn remittance_of<'a>(reference: &str, numbers: impl Iterator<Item = &'a str>) -> String {
    let mut remittance = reference.to_string();
    for n in numbers {
        if remittance.chars().count() + 1 + n.chars().count() > MAX_REMITTANCE {
            break;
        }
        remittance.push(' ');
        remittance.push_str(n);
    }
    remittance
}

/// The code of `payload` as an SVG image: error correction level M (EPC069-12 §3.2),
/// black modules on white with the four-module quiet zone, drawn as one path so that the
/// PDF holds vectors a scanner reads at any size. Each run of dark modules on a row is one
/// rectangle (`M x y h w v 1 h -w z`), not one square per module: a third of the path to
/// parse, convert and deflate in every letter. Deterministic: the same payload gives the
/// same bytes.
///
/// # Errors
/// The payload does not fit a QR code (it cannot: an EPC payload is at most 331 bytes).
pub fn svg(payload: &str) -> Result<Vec<u8>, String> {
    use qrcode::{Color, EcLevel, QrCode};
    use std::fmt::Write;
    const QUIET: usize = 4;
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(|e| format!("the EPC payload does not fit a QR code: {e}"))?;
    let width = code.width();
    let colors = code.to_colors();
    let side = width + 2 * QUIET;
    let mut path = String::with_capacity(width * width);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                let _ = write!(path, "M{} {}h{run}v1h-{run}z", start + QUIET, y + QUIET);
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        r##"<?xml version="1.0" standalone="yes"?><svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{side}" height="{side}" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect x="0" y="0" width="{side}" height="{side}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    )
    .into_bytes())
}

/// A line of the payload holds no line break or other control character.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs of the path cover exactly the code's dark modules, each once.
    #[test]
    fn the_path_draws_every_dark_module_once() {
        use qrcode::{Color, EcLevel, QrCode};
        let payload = "BCD\n002\n1\nSCT\n\nAtelier Martin SARL\nFR7630006000011234567890189\nEUR4180.33\n\n\nDOS-2026-0042";
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).unwrap();
        let width = code.width();
        let svg = String::from_utf8(svg(payload).unwrap()).unwrap();
        assert_eq!(
            svg,
            String::from_utf8(super::svg(payload).unwrap()).unwrap()
        );
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut drawn = vec![false; width * width];
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let (xy, rest) = run.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let w: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            assert_eq!(rest, format!("{w}v1h-{w}z"));
            for i in x - 4..x - 4 + w {
                assert!(!drawn[(y - 4) * width + i], "module drawn twice");
                drawn[(y - 4) * width + i] = true;
            }
        }
        let dark: Vec<bool> = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
        assert_eq!(drawn, dark);
    }
}
