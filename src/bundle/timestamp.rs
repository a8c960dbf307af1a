//! RFC 3161 time-stamps: the request sent to a time-stamping authority (TSA), the token it
//! returns, and what `verify` reads in it.
//!
//! The token stamps `META-INF/ASiCManifest.xml` (ASiC-E, formats.md §6). What is checked here,
//! in Rust: the token's structure (CMS SignedData holding a TSTInfo), that each signer's
//! `messageDigest` attribute is the digest of that TSTInfo, and that the message imprint is
//! the digest of the manifest. The signature itself and the chain to a CA are checked by
//! `openssl ts -verify` (see `cli/verify.rs`).

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{Any, Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Tag, Tagged};
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion};

const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

/// What went wrong with a time-stamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("not an RFC 3161 time-stamp token or response: {0}")]
    Malformed(String),
    #[error("the time-stamping authority refused the request: status {status}{text}")]
    Refused { status: String, text: String },
    #[error(
        "the token uses the hash algorithm {0}, which relance does not know (SHA-256, -384, -512)"
    )]
    UnknownHash(String),
    #[error(
        "the token's signed messageDigest attribute does not match its TSTInfo: the token was altered"
    )]
    SignedDigest,
    #[error(
        "the token stamps another document: its message imprint is {token}, the ASiC manifest \
         hashes to {manifest}"
    )]
    Imprint { token: String, manifest: String },
}

fn malformed(e: impl std::fmt::Display) -> TimestampError {
    TimestampError::Malformed(e.to_string())
}

/// The hash algorithms a token may use for its imprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    fn from_oid(oid: &ObjectIdentifier) -> Result<Self, TimestampError> {
        match *oid {
            SHA256 => Ok(HashAlg::Sha256),
            SHA384 => Ok(HashAlg::Sha384),
            SHA512 => Ok(HashAlg::Sha512),
            other => Err(TimestampError::UnknownHash(other.to_string())),
        }
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }
}

/// The request for a token over `data`: SHA-256, no nonce (so the bytes are reproducible),
/// the TSA's certificate asked for. Byte-identical to
/// `openssl ts -query -data FILE -sha256 -cert -no_nonce`.
pub fn request(data: &[u8]) -> Vec<u8> {
    let digest = Sha256::digest(data);
    TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: spki::AlgorithmIdentifier {
                oid: SHA256,
                parameters: Some(Any::null()),
            },
            hashed_message: OctetString::new(digest.to_vec()).expect("32 bytes"),
        },
        req_policy: None,
        nonce: None,
        cert_req: true,
        extensions: None,
    }
    .to_der()
    .expect("a fixed structure encodes")
}

/// The token out of a TSA's `TimeStampResp`.
///
/// # Errors
/// The response is not DER, its status is not granted, or it holds no token.
pub fn token_from_response(response: &[u8]) -> Result<Vec<u8>, TimestampError> {
    let resp = TimeStampResp::from_der(response).map_err(malformed)?;
    let status = resp.status.status as u8;
    if status > 1 {
        let text = resp
            .status
            .status_string
            .as_ref()
            .map(|s| {
                let parts: Vec<String> = s.iter().map(|t| t.to_string()).collect();
                format!(" ({})", parts.join("; "))
            })
            .unwrap_or_default();
        return Err(TimestampError::Refused {
            status: format!("{:?}", resp.status.status),
            text,
        });
    }
    let token = resp
        .time_stamp_token
        .ok_or_else(|| malformed("the response holds no token"))?;
    token.to_der().map_err(malformed)
}

/// A token given in a file: a bare token (`openssl ts -reply -token_out`, an ASiC `.tst`) or
/// a whole response (`.tsr`), from which the token is taken.
///
/// # Errors
/// Neither form parses, or the response is a refusal.
pub fn token_from_file(bytes: &[u8]) -> Result<Vec<u8>, TimestampError> {
    if ContentInfo::from_der(bytes).is_ok() {
        return Ok(bytes.to_vec());
    }
    token_from_response(bytes)
}

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub hash: HashAlg,
    pub imprint: Vec<u8>,
    /// `YYYY-MM-DD HH:MM:SS[.fff] UTC`, as the token writes it.
    pub gen_time: String,
    pub serial: String,
    pub policy: String,
    /// The TSA's name, when the token gives it.
    pub tsa: Option<String>,
}

impl TokenInfo {
    /// Whether the token stamps `data`.
    pub fn stamps(&self, data: &[u8]) -> bool {
        self.hash.digest(data) == self.imprint
    }

    /// `Ok` when the token stamps `manifest`, else [`TimestampError::Imprint`].
    ///
    /// # Errors
    /// The imprint differs from the manifest's digest.
    pub fn check_stamps(&self, manifest: &[u8]) -> Result<(), TimestampError> {
        if self.stamps(manifest) {
            Ok(())
        } else {
            Err(TimestampError::Imprint {
                token: crate::bundle::manifest::hex(&self.imprint),
                manifest: crate::bundle::manifest::hex(&self.hash.digest(manifest)),
            })
        }
    }
}

/// Reads a token: its TSTInfo, and each signer's `messageDigest` checked against it.
///
/// # Errors
/// Not a CMS SignedData holding a TSTInfo, an unknown hash algorithm, or a signed digest
/// that does not match.
pub fn inspect(token: &[u8]) -> Result<TokenInfo, TimestampError> {
    let info = ContentInfo::from_der(token).map_err(malformed)?;
    if info.content_type != SIGNED_DATA {
        return Err(malformed("the token is not CMS SignedData"));
    }
    let signed: SignedData = info.content.decode_as().map_err(malformed)?;
    let encap = &signed.encap_content_info;
    if encap.econtent_type != TST_INFO {
        return Err(malformed("the signed content is not a TSTInfo"));
    }
    let content = encap
        .econtent
        .as_ref()
        .ok_or_else(|| malformed("the token holds no TSTInfo"))?;
    let octets: OctetString = content.decode_as().map_err(malformed)?;
    let tst = octets.as_bytes();
    if signed.signer_infos.0.is_empty() {
        return Err(malformed("the token has no signer"));
    }
    for signer in signed.signer_infos.0.iter() {
        let alg = HashAlg::from_oid(&signer.digest_alg.oid)?;
        let attrs = signer
            .signed_attrs
            .as_ref()
            .ok_or_else(|| malformed("the signer has no signed attributes"))?;
        let digest = attrs
            .iter()
            .find(|a| a.oid == MESSAGE_DIGEST)
            .and_then(|a| a.values.iter().next())
            .ok_or_else(|| malformed("the signer has no messageDigest attribute"))?;
        let digest: OctetString = digest.decode_as().map_err(malformed)?;
        if digest.as_bytes() != alg.digest(tst).as_slice() {
            return Err(TimestampError::SignedDigest);
        }
    }
    parse_tst_info(tst)
}

/// TSTInfo, read field by field: the `x509-tsp` type refuses fractional seconds in genTime,
/// which RFC 3161 allows and real TSAs send.
fn parse_tst_info(tst: &[u8]) -> Result<TokenInfo, TimestampError> {
    let fields: Vec<Any> = Vec::from_der(tst).map_err(malformed)?;
    if fields.len() < 5 {
        return Err(malformed("TSTInfo has fewer than five fields"));
    }
    let version: Int = fields[0].decode_as().map_err(malformed)?;
    if version.as_bytes() != [1] {
        return Err(malformed("TSTInfo version is not 1"));
    }
    let policy: ObjectIdentifier = fields[1].decode_as().map_err(malformed)?;
    let imprint: MessageImprint = fields[2].decode_as().map_err(malformed)?;
    let serial: Int = fields[3].decode_as().map_err(malformed)?;
    if fields[4].tag() != Tag::GeneralizedTime {
        return Err(malformed("TSTInfo genTime is not a GeneralizedTime"));
    }
    let gen_time = generalized_time(fields[4].value())
        .ok_or_else(|| malformed("TSTInfo genTime is malformed"))?;
    let mut tsa = None;
    for field in &fields[5..] {
        if field.tag().is_context_specific() && field.tag().number().value() == 0 {
            let name = x509_cert::ext::pkix::name::GeneralName::from_der(field.value())
                .map_err(malformed)?;
            tsa = Some(match name {
                x509_cert::ext::pkix::name::GeneralName::DirectoryName(n) => n.to_string(),
                other => format!("{other:?}"),
            });
        }
    }
    Ok(TokenInfo {
        hash: HashAlg::from_oid(&imprint.hash_algorithm.oid)?,
        imprint: imprint.hashed_message.as_bytes().to_vec(),
        gen_time,
        serial: crate::bundle::manifest::hex(serial.as_bytes()),
        policy: policy.to_string(),
        tsa,
    })
}

/// `YYYYMMDDHHMMSS[.f+]Z` -> `YYYY-MM-DD HH:MM:SS[.f+] UTC`.
fn generalized_time(value: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(value).ok()?;
    let body = text.strip_suffix('Z')?;
    let (main, fraction) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if main.len() != 14
        || !main.bytes().all(|b| b.is_ascii_digit())
        || fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut out = format!(
        "{}-{}-{} {}:{}:{}",
        &main[0..4],
        &main[4..6],
        &main[6..8],
        &main[8..10],
        &main[10..12],
        &main[12..14]
    );
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out.push_str(" UTC");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tsa");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    #[test]
    fn request_is_byte_identical_to_openssl() {
        assert_eq!(request(&fixture("data.xml")), fixture("req.tsq"));
    }

    #[test]
    fn token_from_openssl_stamps_the_data() {
        let token = fixture("token.tst");
        let info = inspect(&token).unwrap();
        assert_eq!(info.hash, HashAlg::Sha256);
        assert!(info.stamps(&fixture("data.xml")));
        assert!(!info.stamps(b"other"));
        assert_eq!(info.tsa.as_deref(), Some("CN=relance Test TSA"));
        assert_eq!(info.policy, "1.2.3.4.1");
        assert!(info.gen_time.ends_with(" UTC"), "{}", info.gen_time);
        let err = info.check_stamps(b"other").unwrap_err();
        assert!(err.to_string().contains("stamps another document"));
    }

    #[test]
    fn a_response_file_yields_its_token() {
        let from_response = token_from_file(&fixture("resp.tsr")).unwrap();
        let info = inspect(&from_response).unwrap();
        assert!(info.stamps(&fixture("data.xml")));
        assert_eq!(
            token_from_file(&fixture("token.tst")).unwrap(),
            fixture("token.tst")
        );
        assert!(token_from_file(b"not der").is_err());
    }

    #[test]
    fn an_altered_tst_info_breaks_the_signed_digest() {
        let token = fixture("token.tst");
        let info = inspect(&token).unwrap();
        // Flip one byte of the imprint inside the token: the signed digest no longer holds.
        let pos = token
            .windows(info.imprint.len())
            .position(|w| w == info.imprint.as_slice())
            .unwrap();
        let mut altered = token.clone();
        altered[pos] ^= 1;
        assert_eq!(inspect(&altered), Err(TimestampError::SignedDigest));
    }

    #[test]
    fn generalized_time_keeps_fractions() {
        assert_eq!(
            generalized_time(b"20260630120000.25Z").as_deref(),
            Some("2026-06-30 12:00:00.25 UTC")
        );
        assert_eq!(generalized_time(b"2026063012Z"), None);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &b""[..],
            b"\x30\x00",
            b"\x30\x80",
            &[0x30, 0x82, 0xff, 0xff],
        ] {
            assert!(inspect(bytes).is_err());
            assert!(token_from_file(bytes).is_err());
        }
    }
}
