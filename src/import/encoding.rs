//! Text encodings of accounting exports: UTF-8 (with or without BOM), UTF-16 with a BOM,
//! and the single-byte encodings French software still writes (ISO-8859-15, Windows-1252).

use std::borrow::Cow;

use encoding_rs::{Encoding, ISO_8859_15, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Which single-byte encoding to assume when the bytes are not UTF-8 and nothing in them
/// tells the two apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// The FEC's own text names ISO-8859-15 (A47 A-1 LPF).
    Iso8859_15,
    /// What spreadsheets on French Windows write.
    Windows1252,
}

/// Decodes `bytes` and names the encoding used, for the import report.
///
/// A BOM decides; else strict UTF-8; else a single-byte encoding: Windows-1252 when a
/// byte in 0x80..=0x9F occurs (control characters in ISO-8859-15, letters and `€` in
/// Windows-1252), otherwise `legacy`. The two differ only on eight rare characters
/// (`€ Š š Ž ž Œ œ Ÿ` against `¤ ¦ ¨ ´ ¸ ¼ ½ ¾`), so the choice is reported.
pub fn decode(bytes: &[u8], legacy: Legacy) -> (Cow<'_, str>, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF")
        && let Ok(s) = std::str::from_utf8(rest)
    {
        return (Cow::Borrowed(s), "UTF-8 (with BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return (decode_with(UTF_16LE, rest).into(), "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return (decode_with(UTF_16BE, rest).into(), "UTF-16BE");
    }
    // UTF-8, the common case, is borrowed: a file of a million lines is not copied.
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(s), "UTF-8");
    }
    let windows = bytes.iter().any(|b| (0x80..=0x9F).contains(b));
    if windows || legacy == Legacy::Windows1252 {
        (decode_with(WINDOWS_1252, bytes).into(), "Windows-1252")
    } else {
        (decode_with(ISO_8859_15, bytes).into(), "ISO-8859-15")
    }
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], legacy: Legacy) -> (String, &'static str) {
        let (text, encoding) = super::decode(bytes, legacy);
        (text.into_owned(), encoding)
    }

    #[test]
    fn accents_in_each_encoding() {
        let latin9 = b"Soci\xe9t\xe9 G\xe9n\xe9rale \xa4";
        assert_eq!(
            decode(latin9, Legacy::Iso8859_15),
            ("Société Générale €".to_string(), "ISO-8859-15")
        );
        let cp1252 = b"\x80 \x9c";
        assert_eq!(
            decode(cp1252, Legacy::Iso8859_15),
            ("€ œ".to_string(), "Windows-1252")
        );
        assert_eq!(
            decode("Éloïse".as_bytes(), Legacy::Iso8859_15),
            ("Éloïse".to_string(), "UTF-8")
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFa", Legacy::Iso8859_15),
            ("a".to_string(), "UTF-8 (with BOM)")
        );
        assert_eq!(
            decode(b"\xFF\xFEa\x00", Legacy::Iso8859_15),
            ("a".to_string(), "UTF-16LE")
        );
    }
}
