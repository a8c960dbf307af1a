//! The evidence bundle: one deterministic zip that is at once a BagIt 1.0 bag (RFC 8493)
//! and an ASiC-E container (ETSI EN 319 162-1), sealed by the SHA-256 of its tag manifest
//! and optionally time-stamped (RFC 3161); and [`verify`], which checks one without
//! trusting the tool that made it.
//!
//! Layout (member order: `mimetype` first, then every name in byte order):
//!
//! ```text
//! mimetype                        application/vnd.etsi.asic-e+zip (stored, no extra field)
//! META-INF/ASiCManifest.xml       SHA-256 of every data/ file; the token's SigReference
//! META-INF/timestamp.tst          RFC 3161 token over ASiCManifest.xml (optional)
//! bag-info.txt                    Bagging-Date = as-of, External-Identifier, Payload-Oxum
//! bagit.txt
//! data/dossier/dossier.toml       the dossier file as given, byte for byte
//! data/dossier/pieces/...         every piece the dossier names
//! data/documents/...              the generated documents (statement.json, statement.txt...)
//! data/rules/...                  the exact rule files the statement was computed with
//! data/timeline/{events,invoices,payments}.{csv,json}
//! manifest-sha256.txt             SHA-256 of every data/ file
//! seal.pdf, seal.txt              the seal, quoted (outside both manifests: see [`seal`])
//! tagmanifest-sha256.txt          SHA-256 of every other tag file: its hash is the seal
//! ```
//!
//! The seal commits to everything but the two pages that quote it: the tag manifest hashes
//! `manifest-sha256.txt`, which hashes every payload file. It does not depend on compression
//! either: `sha256sum tagmanifest-sha256.txt` after any extraction gives it.
//!
//! This module knows nothing of the disk, the network or the clock: the caller gives the
//! bytes (the CLI reads them), and the time-stamp token (the CLI fetches it).

pub mod archive;
pub mod manifest;
pub mod seal;
pub mod timeline;
pub mod timestamp;
pub mod verify;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::dossier::Dossier;
use archive::Method;
use manifest::{ASIC_MANIFEST_MEMBER, TIMESTAMP_MEMBER};
pub use timestamp::{TimestampError, TokenInfo};

/// The tag manifest, whose SHA-256 is the seal.
pub const TAG_MANIFEST: &str = "tagmanifest-sha256.txt";
pub const PAYLOAD_MANIFEST: &str = "manifest-sha256.txt";
pub const SEAL_TXT: &str = "seal.txt";
pub const SEAL_PDF: &str = "seal.pdf";

/// A file to put in the bundle: its path (relative to the folder the caller says) and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl File {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        File {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Everything a bundle holds, as bytes.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub dossier: &'a Dossier,
    pub as_of: NaiveDate,
    /// The dossier file as given: path is its name (`dossier.toml` or `dossier.json`).
    pub dossier_file: File,
    /// The pieces, paths relative to the dossier folder (`pieces/F-2026-001.pdf`).
    pub pieces: Vec<File>,
    /// Generated documents, paths relative to `data/documents/` (`statement.json`).
    pub documents: Vec<File>,
    /// The rule files used, paths relative to the rules folder (`bce/taux.toml`).
    pub rules: Vec<File>,
}

/// Why a bundle cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: cannot go in a bundle: {why}")]
    UnsafePath { path: String, why: &'static str },
    #[error("{0}: two different files would have this path in the bundle")]
    Duplicate(String),
    #[error(transparent)]
    Timestamp(#[from] TimestampError),
    // The zip error is the source: `{:#}` prints it after this context, once.
    #[error("cannot write the zip")]
    Zip(#[from] zip::result::ZipError),
}

/// The bundle before it is sealed: every file but the time-stamp, the tag manifest and the
/// seal pages. Its ASiC manifest is final, so it can be sent to a TSA.
#[derive(Debug, Clone)]
pub struct Bag {
    reference: String,
    as_of: NaiveDate,
    /// Every member so far, by name.
    members: BTreeMap<String, Vec<u8>>,
    /// Members stored rather than deflated: the exhibits (the other compressed formats are
    /// stored too, see [`already_compressed`]).
    stored: BTreeSet<String>,
    payload_files: usize,
    payload_bytes: u64,
}

/// A sealed bundle: the zip's bytes and its seal.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub zip: Vec<u8>,
    pub seal: [u8; 32],
    pub members: usize,
    pub payload_files: usize,
    pub payload_bytes: u64,
    pub timestamp: Option<TokenInfo>,
}

impl Sealed {
    pub fn seal_hex(&self) -> String {
        manifest::hex(&self.seal)
    }
}

/// Whether a member's format is compressed already (a PDF's streams are deflated, images
/// and archives are compressed): deflating it again costs time for a few bytes, so it is
/// stored. The seal hashes contents, never the zip's encoding, so this changes no seal.
fn already_compressed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".pdf", ".png", ".jpg", ".jpeg", ".zip", ".gz", ".tst", ".p7s",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

impl Bag {
    /// Lays out the payload and writes the manifests.
    ///
    /// # Errors
    /// A path that is unsafe in a zip (absolute, `..`, backslash, colon, control
    /// character: [`archive::unsafe_name`]) or two different files at one path.
    pub fn new(input: Input<'_>) -> Result<Bag, BundleError> {
        let mut payload: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut stored = BTreeSet::new();
        let mut add = |prefix: &str, file: File, store: bool| -> Result<(), BundleError> {
            if let Some(why) = archive::unsafe_name(&file.path) {
                return Err(BundleError::UnsafePath {
                    path: crate::error::quote(&file.path),
                    why,
                });
            }
            // RFC 8493 writes `%` as `%25` in a manifest, which bagit.py 1.x does not decode:
            // one of the two would reject the bag, so such a name is refused here.
            if file.path.contains('%') {
                return Err(BundleError::UnsafePath {
                    path: crate::error::quote(&file.path),
                    why: "a \"%\" in the name is read differently by BagIt tools (RFC 8493 \
                          writes it %25, bagit.py 1.x reads it as is): rename the file",
                });
            }
            let name = format!("data/{prefix}/{}", file.path);
            if store || already_compressed(&file.path) {
                stored.insert(name.clone());
            }
            match payload.get(&name) {
                Some(existing) if *existing != file.bytes => Err(BundleError::Duplicate(name)),
                Some(_) => Ok(()),
                None => {
                    payload.insert(name, file.bytes);
                    Ok(())
                }
            }
        };
        add("dossier", input.dossier_file, false)?;
        for piece in input.pieces {
            add("dossier", piece, true)?;
        }
        for document in input.documents {
            add("documents", document, false)?;
        }
        for rule in input.rules {
            add("rules", rule, false)?;
        }
        for (name, bytes) in timeline::files(input.dossier) {
            add("timeline", File::new(name, bytes), false)?;
        }

        let digests: BTreeMap<&str, [u8; 32]> = payload
            .iter()
            .map(|(name, bytes)| (name.as_str(), Sha256::digest(bytes).into()))
            .collect();
        let payload_files = payload.len();
        let payload_bytes: u64 = payload.values().map(|b| b.len() as u64).sum();
        let manifest = manifest::manifest_text(digests.iter().map(|(n, d)| (*n, d)));
        let asic = manifest::asic_manifest(digests.iter().map(|(n, d)| (*n, d)));
        let d = input.dossier;
        let bag_info = manifest::bag_info_text(&[
            (
                "Bag-Software-Agent",
                format!("relance {}", env!("CARGO_PKG_VERSION")),
            ),
            ("Bagging-Date", input.as_of.to_string()),
            ("External-Identifier", d.reference.clone()),
            ("Payload-Oxum", format!("{payload_bytes}.{payload_files}")),
            ("Source-Organization", d.creditor.name.clone()),
            (
                "External-Description",
                format!(
                    "Dossier de recouvrement {} : {} contre {}, arrêté au {}",
                    d.reference,
                    d.creditor.name,
                    d.debtor.name,
                    input.as_of.format("%d/%m/%Y")
                ),
            ),
        ]);
        drop(digests);

        let mut members = payload;
        members.insert("mimetype".into(), manifest::MIMETYPE.as_bytes().to_vec());
        members.insert("bagit.txt".into(), manifest::BAGIT_TXT.as_bytes().to_vec());
        members.insert("bag-info.txt".into(), bag_info.into_bytes());
        members.insert(PAYLOAD_MANIFEST.into(), manifest.into_bytes());
        members.insert(ASIC_MANIFEST_MEMBER.into(), asic.into_bytes());
        Ok(Bag {
            // As bag-info.txt holds it: `verify` rebuilds the seal pages from there.
            reference: manifest::one_line(&d.reference),
            as_of: input.as_of,
            members,
            stored,
            payload_files,
            payload_bytes,
        })
    }

    /// `META-INF/ASiCManifest.xml`, the document a time-stamp stamps.
    pub fn asic_manifest(&self) -> &[u8] {
        &self.members[ASIC_MANIFEST_MEMBER]
    }

    /// The RFC 3161 request to send to a TSA for this bag.
    pub fn timestamp_request(&self) -> Vec<u8> {
        timestamp::request(self.asic_manifest())
    }

    /// Adds the time-stamp token (if any), the tag manifest and the seal pages, and writes
    /// the zip.
    ///
    /// # Errors
    /// A token that is malformed or stamps another manifest (it would make a bundle that
    /// fails `verify`), or a zip write error.
    pub fn seal(&self, token: Option<&[u8]>) -> Result<Sealed, BundleError> {
        let mut members: BTreeMap<&str, &[u8]> = self
            .members
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let timestamp = match token {
            Some(token) => {
                let info = timestamp::inspect(token)?;
                info.check_stamps(self.asic_manifest())?;
                members.insert(TIMESTAMP_MEMBER, token);
                Some(info)
            }
            None => None,
        };
        // Every tag file (every member outside data/) goes in the tag manifest.
        let tag_digests: Vec<(&str, [u8; 32])> = members
            .iter()
            .filter(|(name, _)| !name.starts_with("data/"))
            .map(|(name, bytes)| (*name, Sha256::digest(bytes).into()))
            .collect();
        let tag_manifest = manifest::manifest_text(tag_digests.iter().map(|(n, d)| (*n, d)));
        let seal = seal::seal_of(tag_manifest.as_bytes());
        let seal_hex = manifest::hex(&seal);
        let as_of = self.as_of.to_string();
        let seal_txt = seal::seal_text(&self.reference, &as_of, &seal_hex);
        let seal_pdf = seal::seal_pdf(&self.reference, &as_of, &seal_hex);
        members.insert(TAG_MANIFEST, tag_manifest.as_bytes());
        members.insert(SEAL_TXT, seal_txt.as_bytes());
        members.insert(SEAL_PDF, &seal_pdf);

        let mimetype = members.remove("mimetype").unwrap_or_default();
        let mut ordered: Vec<(&str, &[u8], Method)> = vec![("mimetype", mimetype, Method::Stored)];
        for (name, bytes) in &members {
            let method = if self.stored.contains(*name) || already_compressed(name) {
                Method::Stored
            } else {
                Method::Deflated
            };
            ordered.push((name, bytes, method));
        }
        let zip = archive::write(&ordered, self.as_of)?;
        Ok(Sealed {
            zip,
            seal,
            members: ordered.len(),
            payload_files: self.payload_files,
            payload_bytes: self.payload_bytes,
            timestamp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Format, parse};

    fn dossier(reference: &str) -> Dossier {
        let text = include_str!("../../examples/atelier-martin/dossier.toml")
            .replace("\"DOS-2026-0042\"", &format!("{reference:?}"));
        parse(&text, Format::Toml, "dossier.toml").unwrap()
    }

    fn input(d: &Dossier, pieces: Vec<File>) -> Input<'_> {
        Input {
            dossier: d,
            as_of: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            dossier_file: File::new("dossier.toml", "reference = ...\n"),
            pieces,
            documents: vec![File::new("statement.json", "{}\n")],
            rules: vec![File::new("bce/taux.toml", "id = \"ecb-mro\"\n")],
        }
    }

    #[test]
    fn a_sealed_bag_verifies_whatever_its_reference() {
        for reference in ["DOS-1", " Dossier n° 7 (é) ", "A\\tB"] {
            let d = dossier(reference);
            let sealed = Bag::new(input(&d, vec![File::new("pieces/a b.pdf", "%PDF")]))
                .unwrap()
                .seal(None)
                .unwrap();
            let report = verify::verify(&sealed.zip, &archive::Limits::default());
            assert!(report.is_ok(), "{reference:?}: {:?}", report.problems);
            assert_eq!(report.seal, Some(sealed.seal));
        }
    }

    #[test]
    fn unsafe_percent_and_conflicting_paths_are_refused() {
        let d = dossier("DOS-1");
        for (path, why) in [
            ("../x.pdf", "zip slip"),
            ("/x.pdf", "absolute"),
            ("pieces/100%.pdf", "rename"),
        ] {
            let err = Bag::new(input(&d, vec![File::new(path, "x")])).unwrap_err();
            assert!(err.to_string().contains(why), "{path}: {err}");
        }
        let twice = vec![
            File::new("pieces/a.pdf", "1"),
            File::new("pieces/a.pdf", "2"),
        ];
        assert!(matches!(
            Bag::new(input(&d, twice)),
            Err(BundleError::Duplicate(_))
        ));
        let same = vec![
            File::new("pieces/a.pdf", "1"),
            File::new("pieces/a.pdf", "1"),
        ];
        assert!(Bag::new(input(&d, same)).is_ok());
    }
}
