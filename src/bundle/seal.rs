//! The seal: the SHA-256 of `tagmanifest-sha256.txt`, and the two pages that quote it
//! (`seal.txt`, `seal.pdf`), made to be read over the phone or pasted into a letter.
//!
//! Why the pages sit outside every manifest: the seal is the hash of the tag manifest, so a
//! file that quotes the seal cannot be listed in the tag manifest (its hash would change the
//! seal it quotes) nor in the payload manifest (which the tag manifest hashes). The pages
//! are therefore tag-level files listed by neither manifest, like the tag manifest itself,
//! and they hold nothing but the reference, the as-of date and the seal: `verify` rebuilds
//! them from `bag-info.txt` and the seal it recomputes, and refuses the bundle unless both
//! match byte for byte. bag-info.txt cannot hold the seal for the same reason; the pages are
//! its companions.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// The seal of a tag manifest.
pub fn seal_of(tag_manifest: &[u8]) -> [u8; 32] {
    Sha256::digest(tag_manifest).into()
}

/// The seal's 64 hexadecimal digits in two lines of eight groups of four, for reading aloud.
pub fn grouped(seal_hex: &str) -> [String; 2] {
    let groups: Vec<&str> = (0..seal_hex.len())
        .step_by(4)
        .filter_map(|i| seal_hex.get(i..(i + 4).min(seal_hex.len())))
        .collect();
    let half = groups.len().div_ceil(2);
    [groups[..half].join(" "), groups[half..].join(" ")]
}

/// The format of the pages, so a later version can still rebuild these byte for byte.
pub const FORMAT: &str = "relance-seal/1";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Title,
    Text,
    Seal,
    Command,
    Gap,
}

fn lines(reference: &str, as_of: &str, seal_hex: &str) -> Vec<(Style, String)> {
    use Style::*;
    let [seal1, seal2] = grouped(seal_hex);
    vec![
        (Title, "Sceau du paquet de preuves".to_string()),
        (Gap, String::new()),
        (Text, format!("Dossier : {reference}")),
        (Text, format!("Arrêté au : {as_of} (Bagging-Date de bag-info.txt)")),
        (Gap, String::new()),
        (
            Text,
            "Sceau SHA-256, empreinte du fichier tagmanifest-sha256.txt :".to_string(),
        ),
        (Gap, String::new()),
        (Seal, seal1),
        (Seal, seal2),
        (
            Text,
            "(64 caractères hexadécimaux, 0-9 et a-f, en 16 groupes de 4)".to_string(),
        ),
        (Gap, String::new()),
        (
            Text,
            "Ce sceau couvre tout le paquet : tagmanifest-sha256.txt donne l'empreinte de bagit.txt,"
                .to_string(),
        ),
        (
            Text,
            "bag-info.txt, mimetype, META-INF/ et manifest-sha256.txt, qui donne celle de chaque"
                .to_string(),
        ),
        (
            Text,
            "fichier de data/ : dossier, pièces, documents, chronologie et règles de calcul."
                .to_string(),
        ),
        (Gap, String::new()),
        (Text, "Pour vérifier, avec des outils standard :".to_string()),
        (Command, "python3 -m zipfile -e PAQUET.zip paquet/".to_string()),
        (
            Command,
            "sha256sum paquet/tagmanifest-sha256.txt   # affiche le sceau".to_string(),
        ),
        (
            Command,
            "bagit.py --validate paquet/               # chaque empreinte".to_string(),
        ),
        (
            Command,
            "openssl ts -verify -data paquet/META-INF/ASiCManifest.xml \\".to_string(),
        ),
        (
            Command,
            "  -in paquet/META-INF/timestamp.tst -token_in -CAfile AC.pem".to_string(),
        ),
        (Text, "ou, avec relance : relance verify PAQUET.zip".to_string()),
        (Gap, String::new()),
        (
            Text,
            "seal.pdf et seal.txt citent le sceau : ils sont hors du périmètre scellé, et".to_string(),
        ),
        (
            Text,
            "relance verify contrôle qu'ils citent le sceau recalculé.".to_string(),
        ),
        (Gap, String::new()),
        (Text, FORMAT.to_string()),
    ]
}

/// `seal.txt`: the page as UTF-8 text.
pub fn seal_text(reference: &str, as_of: &str, seal_hex: &str) -> String {
    let mut out = String::new();
    for (style, line) in lines(reference, as_of, seal_hex) {
        match style {
            Style::Seal | Style::Command => out.push_str("    "),
            _ => {}
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A string for a PDF content stream: WinAnsi bytes (Latin-1 for accented letters, `?` for
/// what it lacks), `( ) \` escaped, bytes above 127 as octal so the stream stays ASCII.
fn pdf_string(text: &str) -> String {
    let mut out = String::from("(");
    for c in text.chars() {
        let byte = match c {
            '€' => 0x80,
            c if (c as u32) < 0x7f && !c.is_control() => c as u32 as u8,
            c if (0xa0..=0xff).contains(&(c as u32)) => c as u32 as u8,
            _ => b'?',
        };
        match byte {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(byte as char);
            }
            b if b >= 0x80 => {
                let _ = write!(out, "\\{b:03o}");
            }
            b => out.push(b as char),
        }
    }
    out.push(')');
    out
}

/// `seal.pdf`: one A4 page, standard fonts (Helvetica, Courier), no clock, no random id.
pub fn seal_pdf(reference: &str, as_of: &str, seal_hex: &str) -> Vec<u8> {
    let mut content = String::new();
    let mut y = 780i32;
    for (style, line) in lines(reference, as_of, seal_hex) {
        let (font, size, step, x) = match style {
            Style::Title => ("F2", 18, 24, 56),
            Style::Text => ("F1", 10, 15, 56),
            Style::Seal => ("F3", 16, 22, 76),
            Style::Command => ("F4", 9, 13, 70),
            Style::Gap => {
                y -= 6;
                continue;
            }
        };
        let _ = writeln!(
            content,
            "BT /{font} {size} Tf {x} {y} Td {} Tj ET",
            pdf_string(&line)
        );
        y -= step;
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << \
         /F1 4 0 R /F2 5 0 R /F3 6 0 R /F4 7 0 R >> >> /Contents 8 0 R >>"
            .to_string(),
        font("Helvetica"),
        font("Helvetica-Bold"),
        font("Courier-Bold"),
        font("Courier"),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        format!(
            "<< /Title {} /Producer (relance) >>",
            pdf_string(&format!(
                "Sceau du paquet de preuves {reference} au {as_of}"
            ))
        ),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        let _ = write!(pdf, "{} 0 obj\n{body}\nendobj\n", i + 1);
    }
    let xref = pdf.len();
    let _ = write!(pdf, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        // Each entry is exactly 20 bytes: the line ends with a space and a newline.
        let _ = writeln!(pdf, "{offset:010} 00000 n ");
    }
    let _ = write!(
        pdf,
        "trailer\n<< /Size {} /Root 1 0 R /Info {} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1,
        objects.len()
    );
    pdf.into_bytes()
}

fn font(name: &str) -> String {
    format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEAL: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn seal_reads_in_groups_of_four() {
        let [a, b] = grouped(SEAL);
        assert_eq!(a, "0123 4567 89ab cdef 0123 4567 89ab cdef");
        assert_eq!(b, a);
    }

    #[test]
    fn pdf_is_ascii_with_a_consistent_xref() {
        let pdf = seal_pdf("DOS-1 (test)", "2026-06-30", SEAL);
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.is_ascii());
        assert!(text.contains("(0123 4567 89ab cdef 0123 4567 89ab cdef) Tj"));
        assert!(text.contains("(Dossier : DOS-1 \\(test\\)) Tj"));
        assert!(text.contains("Arr\\352t\\351 au"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[startxref..].starts_with("xref\n"));
        for line in text[startxref..].lines().skip(3).take(9) {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(|c: char| c.is_ascii_digit()),
                "{line}"
            );
        }
        assert_eq!(pdf, seal_pdf("DOS-1 (test)", "2026-06-30", SEAL));
    }

    #[test]
    fn text_page_quotes_the_seal() {
        let t = seal_text("DOS-1", "2026-06-30", SEAL);
        assert!(t.contains("    0123 4567 89ab cdef 0123 4567 89ab cdef\n"));
        assert!(t.ends_with("relance-seal/1\n"));
    }
}
