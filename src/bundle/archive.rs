//! The zip container: a deterministic writer, and a reader for hostile input that checks
//! every structure against limits before it decompresses a byte.
//!
//! The writer uses the `zip` crate with every source of variation pinned (formats.md §7):
//! one fixed date for every member, mode 0644, Unix origin, no extra field, members in the
//! order given, a fixed compression level. The reader is our own: it parses the central
//! directory itself so that it can name every duplicate, refuse symlinks, overlapping
//! members and ZIP64, and bound what it inflates, and it never writes to disk.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, System};

/// How a member's bytes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// As they are: exhibits (already compressed PDFs and images) and `mimetype`.
    Stored,
    /// Deflate at level 6: the text files the bundle generates.
    Deflated,
}

/// The date written on every member: the as-of date at 00:00, so `unzip -l` shows the date
/// the bundle speaks for. A zip (DOS) date holds 1980–2107; a date outside is clamped.
pub fn member_time(as_of: NaiveDate) -> zip::DateTime {
    let year = as_of.year().clamp(1980, 2107);
    let (month, day) = if year == as_of.year() {
        (as_of.month(), as_of.day())
    } else if year == 1980 {
        (1, 1)
    } else {
        (12, 31)
    };
    // Year, month and day are in range, so this cannot fail; 1980-01-01 is the DOS epoch.
    zip::DateTime::from_date_and_time(year as u16, month as u8, day as u8, 0, 0, 0)
        .unwrap_or_default()
}

/// Writes `members` in the order given, every one with the same date, mode and origin.
///
/// # Errors
/// A name the `zip` crate refuses, or a member over 4 GiB (a bundle never uses ZIP64).
pub fn write(
    members: &[(&str, &[u8], Method)],
    as_of: NaiveDate,
) -> Result<Vec<u8>, zip::result::ZipError> {
    let capacity = members
        .iter()
        .map(|(name, bytes, _)| 2 * name.len() + bytes.len() + 128)
        .sum::<usize>()
        + 64;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(capacity)));
    let base = SimpleFileOptions::default()
        .last_modified_time(member_time(as_of))
        .unix_permissions(0o644)
        .system(System::Unix)
        .large_file(false);
    for (name, bytes, method) in members {
        let options = match method {
            Method::Stored => base.compression_method(CompressionMethod::Stored),
            Method::Deflated => base
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(6)),
        };
        zip.start_file(*name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Why a member name is unsafe to extract, or `None` when it is a plain relative path.
///
/// The builder refuses the same names, so a bundle never holds one `verify` would refuse.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("empty name");
    }
    if name.len() > 1024 {
        return Some("name longer than 1024 bytes");
    }
    if name.starts_with('/') {
        return Some("absolute path");
    }
    if name.contains('\\') {
        return Some("backslash in the name (a Windows path separator)");
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("control character in the name");
    }
    if name.contains(':') {
        return Some("colon in the name (a Windows drive or stream)");
    }
    for part in name.split('/') {
        match part {
            ".." => return Some("\"..\" in the path: it would leave the folder (zip slip)"),
            "." => return Some("\".\" in the path"),
            "" => return Some("empty path component"),
            _ => {}
        }
    }
    None
}

/// Bounds on what `verify` accepts, so a hostile zip cannot exhaust memory or time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest zip file read (a zip without ZIP64 is under 4 GiB anyway).
    pub max_zip_size: u64,
    pub max_members: usize,
    /// Largest declared uncompressed size of one member.
    pub max_member_size: u64,
    /// Largest sum of declared uncompressed sizes.
    pub max_total_size: u64,
    /// Largest uncompressed/compressed ratio of a member bigger than [`RATIO_FLOOR`].
    pub max_ratio: u64,
    /// Largest member kept in memory to be parsed (tag files, seal pages).
    pub max_kept_size: u64,
}

/// Members smaller than this are not held to [`Limits::max_ratio`]: a page of zeros
/// compresses a thousandfold and harms no one.
pub const RATIO_FLOOR: u64 = 1 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_zip_size: 4 << 30,
            max_members: 65_535,
            max_member_size: 2 << 30,
            max_total_size: 4 << 30,
            max_ratio: 100,
            max_kept_size: 16 << 20,
        }
    }
}

/// One thing wrong, and the member it concerns when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub member: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn member(name: &str, message: impl Into<String>) -> Self {
        Finding {
            member: Some(name.to_string()),
            message: message.into(),
        }
    }

    pub fn whole(message: impl Into<String>) -> Self {
        Finding {
            member: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.member {
            // A name that failed the safety check may hold anything: quote it.
            Some(name) if unsafe_name(name).is_some() => {
                write!(f, "{}: {}", crate::error::quote(name), self.message)
            }
            Some(name) => write!(f, "{name}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A member read, checked and hashed.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub size: u64,
    pub sha256: [u8; 32],
    /// The content, when the caller asked to keep it and it is at most `max_kept_size`.
    pub bytes: Option<Vec<u8>>,
}

/// What [`read`] found: the members that passed every check, and every problem.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    /// In central-directory order.
    pub members: Vec<Member>,
    pub findings: Vec<Finding>,
    /// Every name in the central directory, safe or not (to tell "missing" from "refused").
    pub names: Vec<String>,
}

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The end-of-central-directory record: its offset, entry count, directory offset and size.
fn find_end(zip: &[u8]) -> Option<(usize, usize, usize, usize)> {
    if zip.len() < 22 {
        return None;
    }
    let lowest = zip.len().saturating_sub(22 + 0xFFFF);
    let mut at = zip.len() - 22;
    loop {
        if u32_at(zip, at) == Some(END) && at + 22 + usize::from(u16_at(zip, at + 20)?) == zip.len()
        {
            let entries = usize::from(u16_at(zip, at + 10)?);
            let size = u32_at(zip, at + 12)? as usize;
            let offset = u32_at(zip, at + 16)? as usize;
            return Some((at, entries, offset, size));
        }
        if at == lowest {
            return None;
        }
        at -= 1;
    }
}

/// Walks the local headers from the start to say where a zip without a central directory
/// ends: which member is cut short, or after which member the file stops.
fn describe_truncation(zip: &[u8]) -> Finding {
    let mut at = 0usize;
    let mut last: Option<String> = None;
    while u32_at(zip, at) == Some(LOCAL) {
        let (Some(flags), Some(size), Some(n), Some(e)) = (
            u16_at(zip, at + 6),
            u32_at(zip, at + 18),
            u16_at(zip, at + 26),
            u16_at(zip, at + 28),
        ) else {
            break;
        };
        let name_end = at + 30 + usize::from(n);
        let Some(name) = zip.get(at + 30..name_end) else {
            break;
        };
        let name = String::from_utf8_lossy(name).into_owned();
        let data_end = name_end + usize::from(e) + size as usize;
        if flags & 8 != 0 {
            break;
        }
        if data_end > zip.len() {
            return Finding::member(
                &name,
                "cut short: the zip ends inside this member (truncated file)",
            );
        }
        last = Some(name);
        at = data_end;
    }
    match last {
        Some(name) => Finding::whole(format!(
            "the zip is truncated or damaged: no central directory; the last complete member is \
             {name}"
        )),
        None => {
            Finding::whole("not a zip file, or truncated: no end-of-central-directory record found")
        }
    }
}

/// Reads every member of `zip`: checks names, types, sizes and CRCs, hashes the content
/// (SHA-256), and keeps the bytes of the members for which `keep` is true.
///
/// Never panics and never allocates more than the limits allow: declared sizes are checked
/// before inflating, and inflating stops one byte past the declared size.
pub fn read(zip: &[u8], limits: &Limits, keep: impl Fn(&str) -> bool) -> Archive {
    let mut archive = Archive::default();
    if zip.len() as u64 > limits.max_zip_size {
        archive.findings.push(Finding::whole(format!(
            "the zip is {} bytes, more than the limit of {} bytes",
            zip.len(),
            limits.max_zip_size
        )));
        return archive;
    }
    let Some((end, entries, cd_offset, cd_size)) = find_end(zip) else {
        archive.findings.push(describe_truncation(zip));
        return archive;
    };
    let zip64 = end >= 20 && u32_at(zip, end - 20) == Some(ZIP64_LOCATOR);
    if zip64 || entries == 0xFFFF || cd_offset == 0xFFFF_FFFF || cd_size == 0xFFFF_FFFF {
        archive.findings.push(Finding::whole(
            "ZIP64 archive: not supported (a bundle is a plain zip under 4 GiB)",
        ));
        return archive;
    }
    if u16_at(zip, end + 4) != Some(0)
        || u16_at(zip, end + 6) != Some(0)
        || u16_at(zip, end + 8).map(usize::from) != Some(entries)
    {
        archive
            .findings
            .push(Finding::whole("multi-disk (split) zip: not supported"));
        return archive;
    }
    if cd_offset.checked_add(cd_size) != Some(end) {
        archive.findings.push(Finding::whole(
            "the central directory does not end where the end record says (damaged, truncated \
             or with data prepended)",
        ));
        return archive;
    }
    if entries > limits.max_members {
        archive.findings.push(Finding::whole(format!(
            "{entries} members, more than the limit of {}",
            limits.max_members
        )));
        return archive;
    }

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut twins: BTreeMap<String, String> = BTreeMap::new();
    let mut ranges: Vec<(usize, usize, String)> = Vec::new();
    let mut declared_total: u64 = 0;
    let mut at = cd_offset;
    for _ in 0..entries {
        let header = (|| {
            if u32_at(zip, at)? != CENTRAL {
                return None;
            }
            Some((
                u16_at(zip, at + 4)?,
                u16_at(zip, at + 8)?,
                u16_at(zip, at + 10)?,
                u32_at(zip, at + 16)?,
                u32_at(zip, at + 20)? as u64,
                u32_at(zip, at + 24)? as u64,
                usize::from(u16_at(zip, at + 28)?),
                usize::from(u16_at(zip, at + 30)?) + usize::from(u16_at(zip, at + 32)?),
                u32_at(zip, at + 38)?,
                u32_at(zip, at + 42)? as usize,
            ))
        })();
        let Some((made_by, flags, method, crc, csize, usize_, n, rest, external, local)) = header
        else {
            archive.findings.push(Finding::whole(
                "the central directory is damaged (a record is cut or has a wrong signature)",
            ));
            return archive;
        };
        let Some(raw_name) = zip.get(at + 46..at + 46 + n) else {
            archive.findings.push(Finding::whole(
                "the central directory is damaged (a name runs past its end)",
            ));
            return archive;
        };
        at += 46 + n + rest;
        if at > end {
            archive.findings.push(Finding::whole(
                "the central directory is damaged (a record runs past its end)",
            ));
            return archive;
        }
        let name = String::from_utf8_lossy(raw_name).into_owned();
        archive.names.push(name.clone());
        let count = seen.entry(name.clone()).or_insert(0);
        *count += 1;
        if *count == 2 {
            archive.findings.push(Finding::member(
                &name,
                "duplicate member name: the zip holds two members with this name, and tools \
                 disagree on which one is meant",
            ));
        }
        if *count > 1 {
            continue;
        }
        if let Some(first) = twins.insert(twin_key(&name), name.clone()) {
            archive.findings.push(Finding::member(
                &name,
                format!(
                    "refused: the same file as {} on a case-insensitive or normalising file \
                     system (macOS, Windows): unzipped, one would overwrite the other",
                    crate::error::quote(&first)
                ),
            ));
            continue;
        }
        if std::str::from_utf8(raw_name).is_err() {
            archive
                .findings
                .push(Finding::member(&name, "refused: the name is not UTF-8"));
            continue;
        }
        if name.ends_with('/') {
            archive.findings.push(Finding::member(
                &name,
                "refused: a directory entry (a bundle holds files only)",
            ));
            continue;
        }
        if let Some(why) = unsafe_name(&name) {
            archive.findings.push(Finding::member(
                &name,
                format!("refused: unsafe name: {why}"),
            ));
            continue;
        }
        let file_type = (external >> 16) & 0o170_000;
        if made_by >> 8 == 3 && file_type == 0o120_000 {
            archive.findings.push(Finding::member(
                &name,
                "refused: a symbolic link (a bundle holds regular files only)",
            ));
            continue;
        }
        if made_by >> 8 == 3 && file_type != 0 && file_type != 0o100_000 {
            archive.findings.push(Finding::member(
                &name,
                "refused: not a regular file (device, fifo or directory)",
            ));
            continue;
        }
        if flags & 1 != 0 {
            archive
                .findings
                .push(Finding::member(&name, "refused: encrypted"));
            continue;
        }
        if method != 0 && method != 8 {
            archive.findings.push(Finding::member(
                &name,
                format!("refused: compression method {method} (only stored and deflate are read)"),
            ));
            continue;
        }
        if usize_ > limits.max_member_size {
            archive.findings.push(Finding::member(
                &name,
                format!(
                    "refused: declared size {usize_} bytes, more than the limit of {} (zip bomb?)",
                    limits.max_member_size
                ),
            ));
            continue;
        }
        declared_total = declared_total.saturating_add(usize_);
        if declared_total > limits.max_total_size {
            archive.findings.push(Finding::member(
                &name,
                format!(
                    "refused: the declared sizes add up to more than the limit of {} bytes \
                     (zip bomb?)",
                    limits.max_total_size
                ),
            ));
            return archive;
        }
        if usize_ > RATIO_FLOOR && usize_ / csize.max(1) > limits.max_ratio {
            archive.findings.push(Finding::member(
                &name,
                format!(
                    "refused: compression ratio {}:1, more than {}:1 (zip bomb?)",
                    usize_ / csize.max(1),
                    limits.max_ratio
                ),
            ));
            continue;
        }
        if method == 0 && csize != usize_ {
            archive.findings.push(Finding::member(
                &name,
                "damaged: a stored member whose compressed and uncompressed sizes differ",
            ));
            continue;
        }
        // The local header must agree with the central directory, and the data must lie
        // between it and the central directory.
        let local_header = (|| {
            if u32_at(zip, local)? != LOCAL {
                return None;
            }
            let fields = LocalFields {
                flags: u16_at(zip, local + 6)?,
                method: u16_at(zip, local + 8)?,
                crc: u32_at(zip, local + 14)?,
                csize: u64::from(u32_at(zip, local + 18)?),
                usize: u64::from(u32_at(zip, local + 22)?),
            };
            let ln = usize::from(u16_at(zip, local + 26)?);
            let le = usize::from(u16_at(zip, local + 28)?);
            let lname = zip.get(local + 30..local + 30 + ln)?;
            Some((lname, local + 30 + ln + le, fields))
        })();
        let Some((local_name, data_start, fields)) = local_header else {
            archive.findings.push(Finding::member(
                &name,
                "damaged: its local header is missing or cut",
            ));
            continue;
        };
        if local_name != raw_name {
            archive.findings.push(Finding::member(
                &name,
                format!(
                    "damaged or forged: the local header names it {}",
                    crate::error::quote(&String::from_utf8_lossy(local_name))
                ),
            ));
            continue;
        }
        let data_end = data_start.saturating_add(csize as usize);
        if data_end > cd_offset {
            archive.findings.push(Finding::member(
                &name,
                "damaged: its data runs into the central directory (truncated or forged)",
            ));
            continue;
        }
        let central = LocalFields {
            flags,
            method,
            crc,
            csize,
            usize: usize_,
        };
        let member_end = match fields.agrees_with(&central, zip, data_end) {
            Ok(end) if end <= cd_offset => end,
            Ok(_) => {
                archive.findings.push(Finding::member(
                    &name,
                    "damaged: its data descriptor runs into the central directory",
                ));
                continue;
            }
            Err(why) => {
                archive.findings.push(Finding::member(
                    &name,
                    format!(
                        "damaged or forged: its local header contradicts the central \
                         directory ({why}); tools would read different contents"
                    ),
                ));
                continue;
            }
        };
        ranges.push((local, member_end, name.clone()));
        let data = &zip[data_start..data_end];
        match inflate_and_hash(
            data,
            method,
            usize_,
            crc,
            keep(&name) && usize_ <= limits.max_kept_size,
        ) {
            Ok((sha256, bytes)) => archive.members.push(Member {
                name,
                size: usize_,
                sha256,
                bytes,
            }),
            Err(why) => archive.findings.push(Finding::member(&name, why)),
        }
    }
    // Members whose data overlap are the trick of the non-recursive zip bombs (and of files
    // that show different contents to different tools).
    ranges.sort();
    for pair in ranges.windows(2) {
        if pair[1].0 < pair[0].1 {
            archive.findings.push(Finding::member(
                &pair[1].2,
                format!(
                    "refused: its data overlaps member {} (zip bomb or forgery)",
                    pair[0].2
                ),
            ));
        }
    }
    if archive.findings.is_empty() {
        archive
            .findings
            .extend(hidden_bytes(zip, &ranges, cd_offset));
    }
    archive
}

/// A member's fields as its local header (or the central directory) gives them.
struct LocalFields {
    flags: u16,
    method: u16,
    crc: u32,
    csize: u64,
    usize: u64,
}

const DESCRIPTOR: u32 = 0x0807_4b50;

impl LocalFields {
    /// Whether the local header says what the central directory says (method, encryption,
    /// CRC-32 and sizes, or zeros and a data descriptor that says it); returns where the
    /// member ends (after its data descriptor, when it has one).
    fn agrees_with(
        &self,
        central: &LocalFields,
        zip: &[u8],
        data_end: usize,
    ) -> Result<usize, String> {
        if self.method != central.method {
            return Err(format!(
                "compression method {} here, {} there",
                self.method, central.method
            ));
        }
        if self.flags & 1 != central.flags & 1 {
            return Err("encryption flag".into());
        }
        let same = |a: u64, b: u64| a == b || (self.flags & 8 != 0 && a == 0);
        if !same(u64::from(self.crc), u64::from(central.crc)) {
            return Err(format!(
                "CRC-32 {:08x} here, {:08x} there",
                self.crc, central.crc
            ));
        }
        if !same(self.csize, central.csize) || !same(self.usize, central.usize) {
            return Err(format!(
                "sizes {}/{} here, {}/{} there",
                self.csize, self.usize, central.csize, central.usize
            ));
        }
        if self.flags & 8 == 0 {
            return Ok(data_end);
        }
        // A data descriptor follows the data, with or without its signature.
        let at = if u32_at(zip, data_end) == Some(DESCRIPTOR) {
            data_end + 4
        } else {
            data_end
        };
        let descriptor =
            (|| Some((u32_at(zip, at)?, u32_at(zip, at + 4)?, u32_at(zip, at + 8)?)))();
        match descriptor {
            Some((crc, csize, usize))
                if crc == central.crc
                    && u64::from(csize) == central.csize
                    && u64::from(usize) == central.usize =>
            {
                Ok(at + 12)
            }
            _ => Err("its data descriptor is missing or differs".into()),
        }
    }
}

/// Bytes before the central directory that belong to no member it lists: a member hidden
/// from `verify` that another tool may still extract (a local header the directory omits),
/// or data smuggled between members.
fn hidden_bytes(
    zip: &[u8],
    ranges: &[(usize, usize, String)],
    cd_offset: usize,
) -> Option<Finding> {
    let mut at = 0;
    for (start, end, _) in ranges
        .iter()
        .chain([&(cd_offset, cd_offset, String::new())])
    {
        if *start > at {
            let gap = &zip[at..*start];
            let hidden = gap.windows(4).any(|w| w == LOCAL.to_le_bytes());
            return Some(Finding::whole(if hidden {
                format!(
                    "refused: a member hidden before the central directory (a local header \
                     between offsets {at} and {start} that the directory does not list)"
                )
            } else {
                format!(
                    "refused: {} bytes at offset {at} belong to no member (hidden data)",
                    start - at
                )
            }));
        }
        at = at.max(*end);
    }
    None
}

/// Two names that are one file where the bundle is unzipped: the same after Unicode NFC
/// normalisation (macOS stores NFD) and lowercasing (macOS and Windows ignore case).
fn twin_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().collect::<String>().to_lowercase()
}

/// Inflates (or copies) one member, stopping one byte past its declared size; checks the
/// size and the CRC-32; returns the SHA-256 and, when asked, the bytes.
fn inflate_and_hash(
    data: &[u8],
    method: u16,
    declared: u64,
    crc: u32,
    keep: bool,
) -> Result<([u8; 32], Option<Vec<u8>>), String> {
    let mut reader: Box<dyn Read> = if method == 0 {
        Box::new(data)
    } else {
        Box::new(flate2::read::DeflateDecoder::new(data))
    };
    let mut limited = (&mut reader).take(declared.saturating_add(1));
    let mut hasher = Sha256::new();
    let mut crc32 = crc32fast::Hasher::new();
    let mut kept = keep.then(|| Vec::with_capacity(declared as usize));
    let mut buf = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        let got = match limited.read(&mut buf) {
            Ok(0) => break,
            Ok(got) => got,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("damaged: cannot be inflated ({e})")),
        };
        total += got as u64;
        hasher.update(&buf[..got]);
        crc32.update(&buf[..got]);
        if let Some(k) = kept.as_mut() {
            k.extend_from_slice(&buf[..got]);
        }
    }
    if total > declared {
        return Err(format!(
            "refused: inflates to more than its declared size of {declared} bytes (zip bomb?)"
        ));
    }
    if total < declared {
        return Err(format!(
            "damaged: {total} bytes where the zip declares {declared}"
        ));
    }
    if crc32.finalize() != crc {
        return Err("damaged: CRC-32 mismatch (the bytes in the zip were changed)".to_string());
    }
    Ok((hasher.finalize().into(), kept))
}

#[cfg(test)]
mod tests;
