//! `verify`: recompute every hash of a bundle and check each claim it makes, naming every
//! member that does not hold. Reads the zip from memory, writes nothing.
//!
//! Checks, in order: the zip's structure (names, types, sizes, CRCs, no duplicate, no
//! overlap: [`archive::read`]); `mimetype` first, stored, no extra field; `bagit.txt`;
//! `manifest-sha256.txt` against every `data/` member (changed, missing, extra); the
//! `Payload-Oxum`; `tagmanifest-sha256.txt` against every other member (changed, missing,
//! extra); the ASiC manifest against every `data/` member; the time-stamp token's
//! structure, signed digest and message imprint; the seal pages against the seal
//! recomputed. The token's signature chain is checked by the caller (`openssl ts -verify`).

use std::collections::{BTreeMap, BTreeSet};

use super::archive::{self, Finding, Limits, Member};
use super::manifest::{
    self, ASIC_MANIFEST_MEMBER, BAGIT_TXT, MIMETYPE, SHA256_URI, TIMESTAMP_MEMBER, hex,
};
use super::timestamp::{self, TokenInfo};
use super::{PAYLOAD_MANIFEST, SEAL_PDF, SEAL_TXT, TAG_MANIFEST, seal};

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// What was checked and held, one line each.
    pub passed: Vec<String>,
    /// Every problem, naming the member when there is one.
    pub problems: Vec<Finding>,
    /// The seal recomputed from the tag manifest, when there is one.
    pub seal: Option<[u8; 32]>,
    /// `External-Identifier` and `Bagging-Date` of bag-info.txt.
    pub reference: Option<String>,
    pub as_of: Option<String>,
    pub members: usize,
    pub payload_files: usize,
    pub payload_bytes: u64,
    /// The token and what it says, when the bundle holds one.
    pub timestamp: Option<TokenInfo>,
    /// The token's bytes and the manifest it stamps, for a signature-chain check.
    pub token: Option<Vec<u8>>,
    pub asic_manifest: Option<Vec<u8>>,
}

impl Report {
    /// Whether everything holds.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, member: &str, message: impl Into<String>) {
        self.problems.push(Finding::member(member, message));
    }
}

/// Members outside the manifests: the tag manifest (its hash is the seal) and the pages that
/// quote the seal.
const UNLISTED: [&str; 3] = [TAG_MANIFEST, SEAL_TXT, SEAL_PDF];

/// The tag files every bundle has.
const REQUIRED_TAGS: [&str; 5] = [
    "mimetype",
    "bagit.txt",
    "bag-info.txt",
    PAYLOAD_MANIFEST,
    ASIC_MANIFEST_MEMBER,
];

/// Verifies the bundle `zip` within `limits`.
pub fn verify(zip: &[u8], limits: &Limits) -> Report {
    let mut report = Report::default();
    let archive = archive::read(zip, limits, |name| !name.starts_with("data/"));
    report.problems.extend(archive.findings.iter().cloned());
    if archive.names.is_empty() {
        if report.problems.is_empty() {
            report.problems.push(Finding::whole("the zip is empty"));
        }
        return report;
    }
    report.members = archive.names.len();
    // Names refused by the reader are reported; they must not be reported "missing" too.
    let by_name: BTreeMap<&str, &Member> = archive
        .members
        .iter()
        .map(|m| (m.name.as_str(), m))
        .collect();
    let refused: BTreeSet<&str> = archive
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| !by_name.contains_key(n))
        .collect();
    let text = |name: &str| -> Option<String> {
        by_name
            .get(name)
            .and_then(|m| m.bytes.as_ref())
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    let absent = |report: &mut Report, name: &str, why: &str| {
        if !refused.contains(name) {
            report.problem(name, format!("missing: {why}"));
        }
    };
    if archive.findings.is_empty() {
        report.passed.push(format!(
            "zip structure: {} members, every name safe, no duplicate, no link, sizes and CRCs hold",
            archive.names.len()
        ));
    }

    check_mimetype(zip, &archive, &mut report);

    // bagit.txt
    match text("bagit.txt") {
        Some(t) => {
            let fields = manifest::parse_bag_info(&t);
            if manifest::field(&fields, "BagIt-Version") != Some("1.0")
                || manifest::field(&fields, "Tag-File-Character-Encoding") != Some("UTF-8")
            {
                report.problem(
                    "bagit.txt",
                    format!(
                        "changed: expected {:?}",
                        BAGIT_TXT.trim_end().replace('\n', " / ")
                    ),
                );
            } else {
                report.passed.push("bagit.txt: BagIt 1.0, UTF-8".into());
            }
        }
        None => absent(
            &mut report,
            "bagit.txt",
            "a bag declares itself in bagit.txt",
        ),
    }

    // The payload: manifest-sha256.txt against every data/ member.
    let payload: Vec<&Member> = archive
        .members
        .iter()
        .filter(|m| m.name.starts_with("data/"))
        .collect();
    report.payload_files = payload.len();
    report.payload_bytes = payload.iter().map(|m| m.size).sum();
    match text(PAYLOAD_MANIFEST) {
        Some(t) => {
            let before = report.problems.len();
            check_manifest(&t, PAYLOAD_MANIFEST, &payload, &refused, true, &mut report);
            if report.problems.len() == before {
                report.passed.push(format!(
                    "{PAYLOAD_MANIFEST}: {} payload files, every SHA-256 holds, none missing or extra",
                    payload.len()
                ));
            }
        }
        None => absent(
            &mut report,
            PAYLOAD_MANIFEST,
            "the payload's hashes are in manifest-sha256.txt",
        ),
    }

    // bag-info.txt: Payload-Oxum, Bagging-Date, External-Identifier.
    match text("bag-info.txt") {
        Some(t) => {
            let fields = manifest::parse_bag_info(&t);
            report.reference = manifest::field(&fields, "External-Identifier").map(String::from);
            report.as_of = manifest::field(&fields, "Bagging-Date").map(String::from);
            // A hostile bundle must not write escape sequences to the terminal.
            for value in [&mut report.reference, &mut report.as_of] {
                if value
                    .as_deref()
                    .is_some_and(|v| v.chars().any(char::is_control))
                {
                    *value = value.as_deref().map(crate::error::quote);
                }
            }
            let actual = format!("{}.{}", report.payload_bytes, report.payload_files);
            match manifest::field(&fields, "Payload-Oxum") {
                Some(oxum) if oxum == actual => report
                    .passed
                    .push(format!("bag-info.txt: Payload-Oxum {actual} holds")),
                Some(oxum) => report.problem(
                    "bag-info.txt",
                    format!("Payload-Oxum says {oxum} (bytes.files), the payload is {actual}"),
                ),
                None => report.problem("bag-info.txt", "no Payload-Oxum"),
            }
            if report.as_of.is_none() {
                report.problem("bag-info.txt", "no Bagging-Date");
            }
            if report.reference.is_none() {
                report.problem("bag-info.txt", "no External-Identifier");
            }
        }
        None => absent(
            &mut report,
            "bag-info.txt",
            "it names the dossier and its date",
        ),
    }

    // The tag manifest against every other member.
    let tags: Vec<&Member> = archive
        .members
        .iter()
        .filter(|m| !m.name.starts_with("data/") && !UNLISTED.contains(&m.name.as_str()))
        .collect();
    match by_name.get(TAG_MANIFEST).and_then(|m| m.bytes.as_ref()) {
        Some(bytes) => {
            report.seal = Some(seal::seal_of(bytes));
            let t = String::from_utf8_lossy(bytes);
            let before = report.problems.len();
            check_manifest(&t, TAG_MANIFEST, &tags, &refused, false, &mut report);
            let listed = manifest::parse_manifest(&t);
            for required in REQUIRED_TAGS {
                if !listed.entries.contains_key(required) && by_name.contains_key(required) {
                    report.problem(required, format!("not listed in {TAG_MANIFEST}"));
                }
            }
            if report.problems.len() == before {
                report.passed.push(format!(
                    "{TAG_MANIFEST}: {} tag files, every SHA-256 holds, none missing or extra",
                    tags.len()
                ));
            }
        }
        None => {
            absent(
                &mut report,
                TAG_MANIFEST,
                "the seal is its SHA-256: without it nothing is sealed",
            );
            for m in &tags {
                if !REQUIRED_TAGS.contains(&m.name.as_str()) && m.name != TIMESTAMP_MEMBER {
                    report.problem(
                        &m.name,
                        "extra: not a file of a bundle (and no tag manifest lists it)",
                    );
                }
            }
        }
    }

    // The ASiC manifest against every data/ member.
    let asic_bytes = by_name
        .get(ASIC_MANIFEST_MEMBER)
        .and_then(|m| m.bytes.clone());
    match &asic_bytes {
        Some(bytes) => {
            let before = report.problems.len();
            check_asic(bytes, &payload, &refused, &mut report);
            if report.problems.len() == before {
                report.passed.push(format!(
                    "{ASIC_MANIFEST_MEMBER}: {} data objects, every SHA-256 holds",
                    payload.len()
                ));
            }
        }
        None => absent(
            &mut report,
            ASIC_MANIFEST_MEMBER,
            "the ASiC-E container's manifest",
        ),
    }

    // The time-stamp.
    match by_name.get(TIMESTAMP_MEMBER).and_then(|m| m.bytes.clone()) {
        Some(token) => {
            match timestamp::inspect(&token) {
                Ok(info) => {
                    match &asic_bytes {
                        Some(asic) => match info.check_stamps(asic) {
                            Ok(()) => report.passed.push(format!(
                                "{TIMESTAMP_MEMBER}: stamps {ASIC_MANIFEST_MEMBER} ({} imprint) \
                                 at {}{}",
                                info.hash.name(),
                                info.gen_time,
                                info.tsa
                                    .as_ref()
                                    .map(|t| format!(", by {}", crate::error::quote(t)))
                                    .unwrap_or_default()
                            )),
                            Err(e) => report.problem(TIMESTAMP_MEMBER, e.to_string()),
                        },
                        None => report.problem(
                            TIMESTAMP_MEMBER,
                            format!("cannot be checked without {ASIC_MANIFEST_MEMBER}"),
                        ),
                    }
                    report.timestamp = Some(info);
                }
                Err(e) => report.problem(TIMESTAMP_MEMBER, e.to_string()),
            }
            report.token = Some(token);
            report.asic_manifest = asic_bytes.clone();
        }
        None => report
            .passed
            .push("no time-stamp (META-INF/timestamp.tst absent): the seal stands alone".into()),
    }

    // The seal pages, rebuilt from bag-info.txt and the seal recomputed.
    if let Some(seal_bytes) = report.seal {
        let seal_hex = hex(&seal_bytes);
        match (report.reference.clone(), report.as_of.clone()) {
            (Some(reference), Some(as_of)) => {
                let expected_txt = seal::seal_text(&reference, &as_of, &seal_hex).into_bytes();
                let expected_pdf = seal::seal_pdf(&reference, &as_of, &seal_hex);
                let mut held = true;
                for (name, expected) in [(SEAL_TXT, expected_txt), (SEAL_PDF, expected_pdf)] {
                    match by_name.get(name) {
                        Some(m) if m.bytes.as_deref() == Some(expected.as_slice()) => {}
                        Some(_) => {
                            held = false;
                            report.problem(
                                name,
                                format!(
                                    "changed: it is not the seal page of {reference} as of \
                                     {as_of} for the seal {seal_hex} (it quotes another seal or \
                                     was edited)"
                                ),
                            );
                        }
                        None => {
                            held = false;
                            absent(&mut report, name, "the page that quotes the seal");
                        }
                    }
                }
                if held {
                    report
                        .passed
                        .push("seal.txt, seal.pdf: quote the seal recomputed".into());
                }
            }
            _ => report.problem(
                SEAL_TXT,
                "cannot be checked: bag-info.txt lacks External-Identifier or Bagging-Date",
            ),
        }
    }
    report
}

/// `mimetype` must be the first local header: stored, no extra field, the ASiC-E type at
/// offset 38 (EN 319 162-1 §A.1).
fn check_mimetype(zip: &[u8], archive: &archive::Archive, report: &mut Report) {
    let first_is_mimetype =
        zip.get(0..4) == Some(b"PK\x03\x04") && zip.get(30..38) == Some(b"mimetype");
    if !archive.names.iter().any(|n| n == "mimetype") {
        report.problem(
            "mimetype",
            "missing: an ASiC-E container starts with a mimetype member",
        );
        return;
    }
    if !first_is_mimetype {
        report.problem("mimetype", "not the first member of the zip");
        return;
    }
    let stored = zip.get(8..10) == Some(&[0, 0]);
    let no_extra = zip.get(28..30) == Some(&[0, 0]);
    let content = zip.get(38..38 + MIMETYPE.len()) == Some(MIMETYPE.as_bytes())
        && zip.get(18..22) == Some(&(MIMETYPE.len() as u32).to_le_bytes());
    if !stored {
        report.problem("mimetype", "compressed: it must be stored");
    } else if !no_extra {
        report.problem("mimetype", "has an extra field: it must have none");
    } else if !content {
        report.problem(
            "mimetype",
            format!("changed: it must be exactly {MIMETYPE}"),
        );
    } else {
        report
            .passed
            .push(format!("mimetype: first, stored, {MIMETYPE}"));
    }
}

/// Checks one manifest against `members`, the members it must list exactly.
fn check_manifest(
    text: &str,
    manifest_name: &str,
    members: &[&Member],
    refused: &BTreeSet<&str>,
    payload: bool,
    report: &mut Report,
) {
    let parsed = manifest::parse_manifest(text);
    for error in &parsed.errors {
        report.problem(manifest_name, error.clone());
    }
    let present: BTreeMap<&str, &&Member> = members.iter().map(|m| (m.name.as_str(), m)).collect();
    for (path, digest) in &parsed.entries {
        let in_scope = path.starts_with("data/") == payload && !UNLISTED.contains(&path.as_str());
        if !in_scope {
            report.problem(
                manifest_name,
                format!(
                    "lists {}, which does not belong in it",
                    crate::error::quote(path)
                ),
            );
            continue;
        }
        match present.get(path.as_str()) {
            Some(m) => {
                let actual = hex(&m.sha256);
                if &actual != digest {
                    report.problem(
                        path,
                        format!("changed: its SHA-256 is {actual}, {manifest_name} says {digest}"),
                    );
                }
            }
            None if refused.contains(path.as_str()) => {}
            None => report.problem(
                path,
                format!("missing: listed in {manifest_name}, not in the zip"),
            ),
        }
    }
    for m in members {
        if !parsed.entries.contains_key(&m.name) {
            report.problem(
                &m.name,
                format!("extra: in the zip, not listed in {manifest_name}"),
            );
        }
    }
}

/// Checks the ASiC manifest against the payload.
fn check_asic(bytes: &[u8], payload: &[&Member], refused: &BTreeSet<&str>, report: &mut Report) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        report.problem(ASIC_MANIFEST_MEMBER, "not UTF-8");
        return;
    };
    let parsed = manifest::parse_asic_manifest(text);
    for error in &parsed.errors {
        report.problem(ASIC_MANIFEST_MEMBER, error.clone());
    }
    if !parsed.signatures.iter().any(|s| s == TIMESTAMP_MEMBER) {
        report.problem(
            ASIC_MANIFEST_MEMBER,
            format!("no SigReference to {TIMESTAMP_MEMBER}"),
        );
    }
    let present: BTreeMap<&str, &&Member> = payload.iter().map(|m| (m.name.as_str(), m)).collect();
    for (path, (method, digest)) in &parsed.objects {
        if method != SHA256_URI {
            report.problem(
                path,
                format!("{ASIC_MANIFEST_MEMBER} gives a digest method other than SHA-256"),
            );
            continue;
        }
        match present.get(path.as_str()) {
            Some(m) => {
                if m.sha256.as_slice() != digest.as_slice() {
                    report.problem(
                        path,
                        format!(
                            "changed: its SHA-256 is {}, {ASIC_MANIFEST_MEMBER} says {}",
                            hex(&m.sha256),
                            hex(digest)
                        ),
                    );
                }
            }
            None if refused.contains(path.as_str()) => {}
            None => report.problem(
                path,
                format!("missing: referenced by {ASIC_MANIFEST_MEMBER}, not in the zip"),
            ),
        }
    }
    for m in payload {
        if !parsed.objects.contains_key(&m.name) {
            report.problem(
                &m.name,
                format!("extra: in the zip, not referenced by {ASIC_MANIFEST_MEMBER}"),
            );
        }
    }
}
