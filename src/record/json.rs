//! Appending to a JSON dossier as text, so that its layout (indentation, key order, line
//! ends, everything else) stays as it was: only the new entry is inserted.

use super::Field;

/// Appends `entry` to the top-level array `section` of the JSON object `text` (creating the
/// array after the last member when absent), in the file's own indentation.
pub(super) fn append(text: &str, section: &str, entry: &[(&str, Field)]) -> Result<String, String> {
    let b = text.as_bytes();
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let open = skip_ws(b, 0);
    if b.get(open) != Some(&b'{') {
        return Err("not a JSON object".into());
    }
    let members = members(b, open)?;
    let ind = indent_after(b, open + 1);
    let Some(last) = members.last() else {
        // `{}`: not a dossier; written plainly.
        let unit = "  ";
        let obj = object(entry, Some((unit, unit)), nl);
        let close = skip_ws(b, open + 1);
        return Ok(format!(
            "{}{{{nl}{unit}{}: [{nl}{unit}{unit}{obj}{nl}{unit}]{nl}{}",
            &text[..open],
            quote(section),
            &text[close..]
        ));
    };
    let found = members.iter().find(|m| m.key == section);
    let Some(member) = found else {
        let insert = match &ind {
            Some(i) => format!(
                ",{nl}{i}{}: [{nl}{i}{i}{}{nl}{i}]",
                quote(section),
                object(entry, Some((&format!("{i}{i}"), i)), nl)
            ),
            None => format!(",{}:[{}]", quote(section), object(entry, None, nl)),
        };
        return Ok(format!(
            "{}{insert}{}",
            &text[..last.end],
            &text[last.end..]
        ));
    };
    let (start, end) = (member.start, member.end);
    if b[start] != b'[' {
        return Err(format!("{section} is not an array"));
    }
    let elements = elements(b, start)?;
    let Some(&last_el) = elements.last() else {
        let value = match &ind {
            Some(i) => format!(
                "[{nl}{i}{i}{}{nl}{i}]",
                object(entry, Some((&format!("{i}{i}"), i)), nl)
            ),
            None => format!("[{}]", object(entry, None, nl)),
        };
        return Ok(format!("{}{value}{}", &text[..start], &text[end..]));
    };
    let last_end = skip_value(b, last_el)?;
    let insert = match (indent_after(b, start + 1), &ind) {
        // Pretty elements get a pretty one; one element per line gets one line.
        (Some(el), Some(unit)) if text[last_el..last_end].contains('\n') => {
            format!(",{nl}{el}{}", object(entry, Some((&el, unit)), nl))
        }
        (Some(el), _) => format!(",{nl}{el}{}", object(entry, None, nl)),
        // Elements on the array's line: one more, spaced as after the `[`.
        (None, _) => {
            let sep = if b.get(start + 1) == Some(&b' ') {
                ", "
            } else {
                ","
            };
            format!("{sep}{}", object(entry, None, nl))
        }
    };
    Ok(format!(
        "{}{insert}{}",
        &text[..last_end],
        &text[last_end..]
    ))
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `{"date": "…", …}`, on one line, or over lines at `(inner, unit)` indentation (`inner` is
/// the indentation of the object's own line).
fn object(entry: &[(&str, Field)], pretty: Option<(&str, &str)>, nl: &str) -> String {
    let pairs: Vec<String> = entry
        .iter()
        .map(|(k, v)| format!("{}: {}", quote(k), quote(&v.text())))
        .collect();
    match pretty {
        None => format!("{{{}}}", pairs.join(", ")),
        Some((inner, unit)) => {
            let lines: Vec<String> = pairs.iter().map(|p| format!("{inner}{unit}{p}")).collect();
            format!("{{{nl}{}{nl}{inner}}}", lines.join(&format!(",{nl}")))
        }
    }
}

struct Member {
    key: String,
    start: usize,
    end: usize,
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// The indentation of the line after `i` when only whitespace and a line break come first.
fn indent_after(b: &[u8], i: usize) -> Option<String> {
    let ws = &b[i..skip_ws(b, i)];
    let pos = ws.iter().rposition(|&c| c == b'\n')?;
    Some(String::from_utf8_lossy(&ws[pos + 1..]).into_owned())
}

fn skip_string(b: &[u8], mut i: usize) -> Result<usize, String> {
    i += 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err("unterminated string".into())
}

/// The end (exclusive) of the JSON value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Result<usize, String> {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(&c) = b.get(j) {
                match c {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Err("unbalanced brackets".into())
        }
        Some(_) => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                j += 1;
            }
            Ok(j)
        }
        None => Err("unexpected end".into()),
    }
}

/// The members of the object opening at `open`.
fn members(b: &[u8], open: usize) -> Result<Vec<Member>, String> {
    let mut out = Vec::new();
    let mut i = skip_ws(b, open + 1);
    if b.get(i) == Some(&b'}') {
        return Ok(out);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return Err("expected a key".into());
        }
        let key_end = skip_string(b, i)?;
        let key: String = serde_json::from_slice(&b[i..key_end]).map_err(|e| e.to_string())?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Err("expected ':'".into());
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start)?;
        out.push(Member { key, start, end });
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Ok(out),
            _ => return Err("expected ',' or '}'".into()),
        }
    }
}

/// The starts of the elements of the array opening at `open`.
fn elements(b: &[u8], open: usize) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    let mut i = skip_ws(b, open + 1);
    if b.get(i) == Some(&b']') {
        return Ok(out);
    }
    loop {
        out.push(i);
        i = skip_ws(b, skip_value(b, i)?);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Ok(out),
            _ => return Err("expected ',' or ']'".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Vec<(&'static str, Field<'static>)> {
        vec![
            ("date", Field::Str("2026-03-01")),
            ("kind", Field::Str("reminder")),
        ]
    }

    fn same_value(before: &str, after: &str, section: &str) {
        let mut want: serde_json::Value = serde_json::from_str(before).unwrap();
        let list = want
            .as_object_mut()
            .unwrap()
            .entry(section)
            .or_insert_with(|| serde_json::json!([]));
        list.as_array_mut()
            .unwrap()
            .push(serde_json::json!({"date": "2026-03-01", "kind": "reminder"}));
        let got: serde_json::Value = serde_json::from_str(after).unwrap();
        assert_eq!(got, want, "{after}");
    }

    #[test]
    fn the_layout_is_kept_and_only_the_entry_is_added() {
        let before = "{\n    \"reference\": \"A\",\n    \"events\": [\n        {\"date\": \"2026-01-01\", \"kind\": \"reminder\"}\n    ],\n    \"x\": 1\n}\n";
        let after = append(before, "events", &entry()).unwrap();
        same_value(before, &after, "events");
        assert_eq!(
            after,
            "{\n    \"reference\": \"A\",\n    \"events\": [\n        {\"date\": \"2026-01-01\", \"kind\": \"reminder\"},\n        {\"date\": \"2026-03-01\", \"kind\": \"reminder\"}\n    ],\n    \"x\": 1\n}\n"
        );
        let after = append(before, "payments", &entry()).unwrap();
        same_value(before, &after, "payments");
        assert!(after.starts_with(&before[..before.len() - 3]), "{after}");
    }

    #[test]
    fn compact_empty_and_crlf_files() {
        for before in [
            r#"{"reference":"A","events":[{"date":"2026-01-01"}]}"#,
            r#"{"reference":"A","events":[]}"#,
            r#"{"reference":"A","events":[ ]  }"#,
            "{\r\n  \"reference\": \"A\",\r\n  \"events\": []\r\n}\r\n",
            "{\r\n  \"reference\": \"A\"\r\n}",
            "{}",
            r#"{"a":"\"]}","events":[["x"],{"b":"}"}]}"#,
        ] {
            let section = "events";
            let after = append(before, section, &entry()).unwrap();
            same_value(before, &after, section);
            if before.contains("\r\n") {
                assert!(!after.replace("\r\n", "").contains('\n'), "{after:?}");
            }
        }
    }
}
