//! Dossier keys: a dossier's folder relative to the served folder, `/`-separated, and the
//! only way from a URL to a file. A key that is not a dossier found under the folder, as
//! `relance plan` finds them, resolves to nothing (404), whatever its encoding: `..`, `.`,
//! an absolute path, a backslash, a NUL, a symlink leaving the folder, a folder below a
//! dossier, a folder without a dossier file.

use std::path::{Component, Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The key of the served folder itself when it is a dossier (it then holds no other
/// dossier: the search stops at the first folder holding one). `-` cannot be confused with
/// another dossier's key, since no other dossier exists then.
pub const ROOT_KEY: &str = "-";

/// Characters left as they are in a key's URL form: the unreserved set of RFC 3986, less
/// `.` so that no key's URL form is a dot segment a browser would remove.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// The URL path segment of a key: every `/` and every non-ASCII byte percent-encoded.
///
/// # Example
/// ```
/// use relance::serve::keys::url_segment;
/// assert_eq!(url_segment("clients/dupont"), "clients%2Fdupont");
/// assert_eq!(url_segment("a.b"), "a%2Eb");
/// ```
pub fn url_segment(key: &str) -> String {
    utf8_percent_encode(key, KEEP).to_string()
}

/// The key of the dossier folder `dir` found under `root` (both as the search gave them).
pub fn key_of(root: &Path, dir: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ROOT_KEY.to_string(),
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => dir.to_string_lossy().into_owned(),
    }
}

/// The dossier folder of `key` under `root`, or `None` when the key names no dossier that
/// the search of `relance plan` would find: each part a plain name (no `.`, `..`, empty,
/// absolute or drive part, no `\` or NUL), no symlink on the way, every folder above it
/// free of a dossier file, and the folder holding `dossier.toml` or `dossier.json` as a
/// regular file that resolves inside `root`.
pub fn resolve(root: &Path, key: &str) -> Option<PathBuf> {
    let real_root = root.canonicalize().ok()?;
    if key == ROOT_KEY {
        return holds_dossier(&real_root, &real_root).then(|| root.to_path_buf());
    }
    if key.is_empty() || key.len() > 4096 || key.contains(['\\', '\0']) {
        return None;
    }
    let mut dir = root.to_path_buf();
    // The served folder itself is a dossier: nothing below it is one.
    if holds_dossier(&real_root, &real_root) {
        return None;
    }
    let parts: Vec<&str> = key.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let mut components = Path::new(part).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(name)), None) if name == *part => {}
            _ => return None,
        }
        dir.push(part);
        let meta = std::fs::symlink_metadata(&dir).ok()?;
        if !meta.is_dir() {
            return None;
        }
        let last = i + 1 == parts.len();
        let has = holds_dossier(&real_root, &dir);
        if has != last {
            // A dossier above the key hides it; the key's own folder must be one.
            return None;
        }
    }
    Some(dir)
}

/// Whether `dir` holds a dossier file (a regular file, or a link to one inside `root`).
fn holds_dossier(real_root: &Path, dir: &Path) -> bool {
    ["dossier.toml", "dossier.json"].iter().any(|name| {
        let file = dir.join(name);
        file.is_file()
            && file
                .canonicalize()
                .is_ok_and(|real| real.starts_with(real_root))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_segments_never_hold_a_slash_or_a_dot_segment() {
        assert_eq!(url_segment(".."), "%2E%2E");
        assert_eq!(url_segment("é"), "%C3%A9");
        assert_eq!(url_segment("a b/c"), "a%20b%2Fc");
    }
}
