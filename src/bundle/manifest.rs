//! The bag's text files: BagIt manifests and `bag-info.txt` (RFC 8493) and the ASiC-E
//! manifest (ETSI EN 319 162-1), written and read back.

use std::collections::BTreeMap;

use base64::Engine as _;

/// `bagit.txt`, exactly as RFC 8493 §2.1.1 gives it.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// The ASiC-E media type, the content of the first member `mimetype`.
pub const MIMETYPE: &str = "application/vnd.etsi.asic-e+zip";

pub const ASIC_NS: &str = "http://uri.etsi.org/02918/v1.2.1#";
pub const DS_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const SHA256_URI: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub const TIMESTAMP_MEMBER: &str = "META-INF/timestamp.tst";
pub const ASIC_MANIFEST_MEMBER: &str = "META-INF/ASiCManifest.xml";

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A path as a manifest line writes it: `%`, CR and LF percent-encoded (RFC 8493 §2.1.3).
pub fn encode_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The inverse of [`encode_path`], as bagit.py reads it: only `%0D`, `%0A` and `%25` (either
/// case) are decoded.
pub fn decode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).map(str::to_ascii_uppercase);
        match code.as_deref() {
            Some("0D") => out.push('\r'),
            Some("0A") => out.push('\n'),
            Some("25") => out.push('%'),
            _ => {
                out.push('%');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// A manifest: one `<sha256 hex>  <path>` line per file, in the order given (the caller
/// sorts by path).
pub fn manifest_text<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8; 32])>) -> String {
    let mut out = String::new();
    for (path, digest) in entries {
        out.push_str(&hex(digest));
        out.push_str("  ");
        out.push_str(&encode_path(path));
        out.push('\n');
    }
    out
}

/// A manifest read back: path -> lower-case hex digest, and the lines that made no sense.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub entries: BTreeMap<String, String>,
    pub errors: Vec<String>,
}

/// At most this many errors are listed for one file; the rest are counted.
const MAX_ERRORS: usize = 20;

/// Reads a manifest leniently (any run of blanks between digest and path, CRLF endings)
/// and reports each malformed line and each path listed twice (the first twenty).
pub fn parse_manifest(text: &str) -> Manifest {
    let mut manifest = parse_manifest_all(text);
    let extra = manifest.errors.len().saturating_sub(MAX_ERRORS);
    if extra > 0 {
        manifest.errors.truncate(MAX_ERRORS);
        manifest
            .errors
            .push(format!("and {extra} more malformed lines"));
    }
    manifest
}

fn parse_manifest_all(text: &str) -> Manifest {
    let mut manifest = Manifest::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let Some((digest, path)) = line.split_once([' ', '\t']) else {
            manifest
                .errors
                .push(format!("line {}: expected \"<digest> <path>\"", i + 1));
            continue;
        };
        let path = decode_path(path.trim_start_matches([' ', '\t']));
        if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            manifest.errors.push(format!(
                "line {}: {}: not a SHA-256 digest (64 hexadecimal digits)",
                i + 1,
                crate::error::quote(digest)
            ));
            continue;
        }
        if manifest
            .entries
            .insert(path.clone(), digest.to_ascii_lowercase())
            .is_some()
        {
            manifest.errors.push(format!(
                "line {}: {} is listed twice",
                i + 1,
                crate::error::quote(&path)
            ));
        }
    }
    manifest
}

/// A value as `bag-info.txt` holds it: control characters as spaces, trimmed.
pub fn one_line(value: &str) -> String {
    let value: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    value.trim().to_string()
}

/// `bag-info.txt`: one `Label: value` line each; values are made single-line.
pub fn bag_info_text(fields: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (label, value) in fields {
        out.push_str(label);
        out.push_str(": ");
        out.push_str(&one_line(value));
        out.push('\n');
    }
    out
}

/// Reads `bag-info.txt` (or `bagit.txt`): labels and values in order, continuation lines
/// (starting with a blank) joined to the previous value.
pub fn parse_bag_info(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((label, value)) = line.split_once(':') {
            fields.push((label.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

/// The value of the first field called `label`.
pub fn field<'a>(fields: &'a [(String, String)], label: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(label))
        .map(|(_, v)| v.as_str())
}

/// A path as an XML URI attribute: every byte outside RFC 3986's unreserved set and `/`
/// percent-encoded, so the attribute needs no XML escaping either.
pub fn encode_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`encode_uri`]; `None` when the result is not UTF-8 or a `%` is malformed.
pub fn decode_uri(uri: &str) -> Option<String> {
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = uri.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The media type written in the ASiC manifest for a payload file, from its extension.
pub fn media_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "json" => "application/json",
        "csv" => "text/csv",
        "txt" => "text/plain",
        "toml" => "application/toml",
        "xml" => "application/xml",
        "eml" => "message/rfc822",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "tif" | "tiff" => "image/tiff",
        _ => "application/octet-stream",
    }
}

/// `META-INF/ASiCManifest.xml`: the time-stamp token it is signed by (`timestamp.tst`) and
/// every payload file with its SHA-256 (base64), in the order given.
pub fn asic_manifest<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8; 32])>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <asic:ASiCManifest xmlns:asic=\"{ASIC_NS}\" xmlns:ds=\"{DS_NS}\">\n  \
         <asic:SigReference URI=\"{TIMESTAMP_MEMBER}\" \
         MimeType=\"application/vnd.etsi.timestamp-token\"/>\n"
    );
    for (path, digest) in entries {
        out.push_str(&format!(
            "  <asic:DataObjectReference URI=\"{}\" MimeType=\"{}\">\n    \
             <ds:DigestMethod Algorithm=\"{SHA256_URI}\"/>\n    \
             <ds:DigestValue>{}</ds:DigestValue>\n  \
             </asic:DataObjectReference>\n",
            encode_uri(path),
            media_type(path),
            b64.encode(digest)
        ));
    }
    out.push_str("</asic:ASiCManifest>\n");
    out
}

/// An ASiC manifest read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AsicManifest {
    /// The `SigReference` URIs.
    pub signatures: Vec<String>,
    /// Path -> (digest method URI, digest bytes).
    pub objects: BTreeMap<String, (String, Vec<u8>)>,
    pub errors: Vec<String>,
}

/// Reads an ASiC manifest with a real XML parser (namespaces checked; no DTD, no entity
/// expansion: roxmltree refuses them).
pub fn parse_asic_manifest(text: &str) -> AsicManifest {
    let mut m = AsicManifest::default();
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        ..Default::default()
    };
    let doc = match roxmltree::Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(e) => {
            m.errors.push(format!("not well-formed XML: {e}"));
            return m;
        }
    };
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(ASIC_NS) || root.tag_name().name() != "ASiCManifest" {
        m.errors.push(format!(
            "the root element is not asic:ASiCManifest in namespace {ASIC_NS}"
        ));
        return m;
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    for node in root.children().filter(|n| n.is_element()) {
        let (ns, name) = (node.tag_name().namespace(), node.tag_name().name());
        if ns != Some(ASIC_NS) {
            continue;
        }
        let uri = node.attribute("URI").unwrap_or_default();
        let Some(path) = decode_uri(uri) else {
            m.errors
                .push(format!("URI {}: malformed", crate::error::quote(uri)));
            continue;
        };
        match name {
            "SigReference" => m.signatures.push(path),
            "DataObjectReference" => {
                let child = |local: &str| {
                    node.children().find(|c| {
                        c.tag_name().namespace() == Some(DS_NS) && c.tag_name().name() == local
                    })
                };
                let method = child("DigestMethod")
                    .and_then(|c| c.attribute("Algorithm"))
                    .unwrap_or_default()
                    .to_string();
                let value: String = child("DigestValue")
                    .and_then(|c| c.text())
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect();
                let Ok(digest) = b64.decode(value.as_bytes()) else {
                    m.errors.push(format!(
                        "{}: the digest is not base64",
                        crate::error::quote(&path)
                    ));
                    continue;
                };
                if m.objects.insert(path.clone(), (method, digest)).is_some() {
                    m.errors.push(format!(
                        "{} is referenced twice",
                        crate::error::quote(&path)
                    ));
                }
            }
            _ => {}
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_percent_encoding() {
        let p = "data/a 100%\r\nb.txt";
        assert_eq!(encode_path(p), "data/a 100%25%0D%0Ab.txt");
        assert_eq!(decode_path(&encode_path(p)), p);
        assert_eq!(decode_path("data/50%off%0a"), "data/50%off\n");
        assert_eq!(
            decode_uri(&encode_uri("data/é x&y.pdf")).unwrap(),
            "data/é x&y.pdf"
        );
        assert_eq!(encode_uri("data/é x.pdf"), "data/%C3%A9%20x.pdf");
    }

    #[test]
    fn manifest_lines_round_trip_and_errors_are_reported() {
        let d = [7u8; 32];
        let text = manifest_text([("data/a b.txt", &d), ("data/c%.txt", &d)]);
        let m = parse_manifest(&text);
        assert!(m.errors.is_empty());
        assert_eq!(m.entries["data/a b.txt"], hex(&d));
        assert_eq!(m.entries["data/c%.txt"], hex(&d));
        let bad = parse_manifest("zz  data/x\nnospace\n");
        assert_eq!(bad.errors.len(), 2, "{:?}", bad.errors);
    }

    #[test]
    fn asic_manifest_round_trips() {
        let d = [1u8; 32];
        let text = asic_manifest([("data/x y.pdf", &d)]);
        let m = parse_asic_manifest(&text);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        assert_eq!(m.signatures, vec![TIMESTAMP_MEMBER.to_string()]);
        assert_eq!(
            m.objects["data/x y.pdf"],
            (SHA256_URI.to_string(), d.to_vec())
        );
        assert!(!parse_asic_manifest("<x").errors.is_empty());
        assert!(
            !parse_asic_manifest("<!DOCTYPE a [<!ENTITY b \"c\">]><a>&b;</a>")
                .errors
                .is_empty()
        );
    }

    #[test]
    fn bag_info_values_stay_on_one_line() {
        let text = bag_info_text(&[("External-Identifier", "A\nB".to_string())]);
        assert_eq!(text, "External-Identifier: A B\n");
        let fields = parse_bag_info("A: 1\n  more\nB: 2\r\n");
        assert_eq!(field(&fields, "a"), Some("1 more"));
        assert_eq!(field(&fields, "B"), Some("2"));
    }
}
