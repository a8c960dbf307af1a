//! The zip reader and writer against crafted and hostile archives.

use super::*;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

#[test]
fn writes_fixed_headers_without_extra_fields() {
    let zip = write(
        &[
            (
                "mimetype",
                b"application/vnd.etsi.asic-e+zip",
                Method::Stored,
            ),
            ("a.txt", b"hello hello hello", Method::Deflated),
        ],
        date(),
    )
    .unwrap();
    assert_eq!(&zip[..4], b"PK\x03\x04");
    assert_eq!(u16_at(&zip, 8), Some(0), "mimetype stored");
    assert_eq!(u16_at(&zip, 28), Some(0), "no extra field");
    assert_eq!(&zip[30..38], b"mimetype");
    assert_eq!(&zip[38..69], b"application/vnd.etsi.asic-e+zip");
    let archive = read(&zip, &Limits::default(), |_| true);
    assert!(archive.findings.is_empty(), "{:?}", archive.findings);
    assert_eq!(
        archive.members[1].bytes.as_deref(),
        Some(&b"hello hello hello"[..])
    );
    let again = write(
        &[
            (
                "mimetype",
                b"application/vnd.etsi.asic-e+zip",
                Method::Stored,
            ),
            ("a.txt", b"hello hello hello", Method::Deflated),
        ],
        date(),
    )
    .unwrap();
    assert_eq!(zip, again);
}

#[test]
fn member_time_is_the_as_of_date_clamped_to_dos_range() {
    let t = member_time(date());
    assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2026, 6, 30, 0));
    let old = member_time(NaiveDate::from_ymd_opt(1970, 5, 5).unwrap());
    assert_eq!((old.year(), old.month(), old.day()), (1980, 1, 1));
}

#[test]
fn unsafe_names_are_named() {
    for (name, why) in [
        ("../etc/passwd", "zip slip"),
        ("data/../../x", "zip slip"),
        ("/etc/passwd", "absolute"),
        ("C:/x", "colon"),
        ("a\\b", "backslash"),
        ("a//b", "empty"),
        ("a\nb", "control"),
        ("./a", "\".\""),
    ] {
        let got = unsafe_name(name).unwrap_or("");
        assert!(got.contains(why), "{name}: {got}");
    }
    assert_eq!(
        unsafe_name("data/dossier/pieces/Facture n°1 (copie).pdf"),
        None
    );
}

#[test]
fn garbage_and_empty_input_give_a_finding_not_a_panic() {
    for bytes in [&b""[..], b"PK", b"PK\x05\x06", &[0u8; 100]] {
        let a = read(bytes, &Limits::default(), |_| true);
        assert!(!a.findings.is_empty());
    }
}

/// A stored zip crafted by hand: `(name, data, listed)`; members not listed are left
/// out of the central directory (a hidden member).
fn craft(members: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut zip = Vec::new();
    let mut central = Vec::new();
    let mut listed = 0u16;
    for (name, data, list) in members {
        let crc = crc32fast::hash(data);
        let offset = zip.len() as u32;
        zip.extend_from_slice(&LOCAL.to_le_bytes());
        zip.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        zip.extend_from_slice(&crc.to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(name.as_bytes());
        zip.extend_from_slice(data);
        if !list {
            continue;
        }
        listed += 1;
        central.extend_from_slice(&CENTRAL.to_le_bytes());
        central.extend_from_slice(&[20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 8]);
        central.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = zip.len() as u32;
    zip.extend_from_slice(&central);
    zip.extend_from_slice(&END.to_le_bytes());
    zip.extend_from_slice(&[0; 4]);
    zip.extend_from_slice(&listed.to_le_bytes());
    zip.extend_from_slice(&listed.to_le_bytes());
    zip.extend_from_slice(&(central.len() as u32).to_le_bytes());
    zip.extend_from_slice(&cd_offset.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

fn findings(zip: &[u8]) -> String {
    read(zip, &Limits::default(), |_| true)
        .findings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_crafted_zip_reads_clean() {
    let zip = craft(&[("a.txt", b"one", true), ("b.txt", b"two", true)]);
    assert_eq!(findings(&zip), "");
}

#[test]
fn a_local_header_that_contradicts_the_central_directory_is_refused() {
    let zip = craft(&[("a.txt", b"one", true), ("b.txt", b"two", true)]);
    // CRC-32 (offset 14), compressed size (18), method (8) of the first local header.
    for (at, value) in [(14usize, 0xdead_beefu32), (18, 2), (22, 2)] {
        let mut forged = zip.clone();
        forged[at..at + 4].copy_from_slice(&value.to_le_bytes());
        let f = findings(&forged);
        assert!(f.contains("local header contradicts"), "{at}: {f}");
    }
    let mut forged = zip.clone();
    forged[8] = 8;
    assert!(findings(&forged).contains("compression method 8 here, 0 there"));
}

#[test]
fn a_member_hidden_before_the_central_directory_is_refused() {
    let zip = craft(&[
        ("a.txt", b"one", true),
        ("hidden.pdf", b"%PDF forged", false),
        ("b.txt", b"two", true),
    ]);
    let f = findings(&zip);
    assert!(
        f.contains("a member hidden before the central directory"),
        "{f}"
    );
    // Bytes that are no member at all.
    let mut zip = craft(&[("a.txt", b"one", true)]);
    let cd = zip.len() - 22 - (46 + 5);
    zip.splice(cd..cd, *b"junk");
    let end = zip.len() - 22;
    let cd_offset = u32::from_le_bytes(zip[end + 16..end + 20].try_into().unwrap()) + 4;
    zip[end + 16..end + 20].copy_from_slice(&cd_offset.to_le_bytes());
    assert!(
        findings(&zip).contains("belong to no member"),
        "{}",
        findings(&zip)
    );
}

#[test]
fn twin_names_on_case_insensitive_or_normalising_systems_are_refused() {
    let f = findings(&craft(&[
        ("data/Preuve.pdf", b"one", true),
        ("data/preuve.pdf", b"two", true),
    ]));
    assert!(f.contains("case-insensitive or normalising"), "{f}");
    let f = findings(&craft(&[
        ("data/re\u{301}sume\u{301}.pdf", b"one", true),
        ("data/r\u{e9}sum\u{e9}.pdf", b"two", true),
    ]));
    assert!(f.contains("case-insensitive or normalising"), "{f}");
}
