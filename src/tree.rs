//! A format-neutral value tree with line numbers, built from TOML or JSON text.
//!
//! Validation walks this tree once ([`Reader`]) for both formats, so `dossier.toml` and `dossier.json`
//! get the same checks and the same messages. TOML keeps the line of every value; JSON
//! keeps duplicate keys (which `serde_json::Value` would silently merge) so they can be
//! refused.

use std::fmt;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Problem, Problems};

/// A parsed value with the 1-based line where it starts, when the format gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    /// Integers and floats keep their source text: money must never pass through `f64`.
    Number(String),
    Bool(bool),
    /// A TOML local date, `(year, month, day)` as written (not yet checked as a calendar date).
    Date(u16, u8, u8),
    /// A TOML date-time or time: never valid in a dossier, kept for the message.
    DateTime(String),
    Array(Vec<Node>),
    Table(Vec<Entry>),
    Null,
}

/// One key of a table, with the line of the key itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub line: Option<usize>,
    pub node: Node,
}

impl Value {
    /// The kind of value, as a user would name it in a message.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Date(..) => "a date",
            Value::DateTime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
            Value::Null => "null",
        }
    }

    /// The value as written, for messages (tables and arrays are not shown).
    pub fn shown(&self) -> Option<String> {
        match self {
            Value::Str(s) | Value::Number(s) | Value::DateTime(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Date(y, m, d) => Some(format!("{y:04}-{m:02}-{d:02}")),
            Value::Array(_) | Value::Table(_) | Value::Null => None,
        }
    }
}

/// A syntax error: the message and the 1-based line where the parser stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub line: Option<usize>,
}

/// Parses TOML text into a tree whose nodes carry their line numbers.
pub fn parse_toml(text: &str) -> Result<Node, SyntaxError> {
    let lines = LineIndex::new(text);
    match toml::de::DeTable::parse(text) {
        Ok(table) => {
            let span = table.span();
            Ok(Node {
                value: Value::Table(toml_table(table.into_inner(), &lines)),
                line: Some(lines.line(span.start)),
            })
        }
        Err(err) => Err(SyntaxError {
            message: err.message().trim().to_string(),
            line: err.span().map(|s| lines.line(s.start)),
        }),
    }
}

fn toml_table(table: toml::de::DeTable<'_>, lines: &LineIndex) -> Vec<Entry> {
    table
        .into_iter()
        .map(|(key, value)| {
            let key_line = lines.line(key.span().start);
            Entry {
                key: key.into_inner().into_owned(),
                line: Some(key_line),
                node: toml_node(value, lines),
            }
        })
        .collect()
}

fn toml_node(value: toml::Spanned<toml::de::DeValue<'_>>, lines: &LineIndex) -> Node {
    use toml::de::DeValue;
    let line = Some(lines.line(value.span().start));
    let value = match value.into_inner() {
        DeValue::String(s) => Value::Str(s.into_owned()),
        DeValue::Integer(i) => Value::Number(i.as_str().to_string()),
        DeValue::Float(f) => Value::Number(f.as_str().to_string()),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Value::Date(d.year, d.month, d.day),
            _ => Value::DateTime(dt.to_string()),
        },
        DeValue::Array(items) => {
            Value::Array(items.into_iter().map(|v| toml_node(v, lines)).collect())
        }
        DeValue::Table(t) => Value::Table(toml_table(t, lines)),
    };
    Node { value, line }
}

impl SyntaxError {
    /// The error as the one problem of `file`.
    pub fn into_problems(self, file: &str) -> Problems {
        Problems::from(
            Problem::new(file, "", format!("syntax error: {}", self.message)).at_line(self.line),
        )
    }
}

/// Parses JSON text into a tree. JSON gives no line per value; duplicate keys are kept.
pub fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let node = Node::deserialize(&mut de).and_then(|node| de.end().map(|()| node));
    node.map_err(|err| SyntaxError {
        message: err.to_string(),
        line: Some(err.line()).filter(|&l| l > 0),
    })
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(bare(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(bare(Value::Number(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(bare(Value::Number(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        // Only shown in the message refusing it: money is never read from a JSON number.
        Ok(bare(Value::Number(v.to_string())))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(bare(Value::Str(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(bare(Value::Str(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(bare(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(bare(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(bare(Value::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, node)) = map.next_entry::<String, Node>()? {
            entries.push(Entry {
                key,
                line: None,
                node,
            });
        }
        Ok(bare(Value::Table(entries)))
    }
}

fn bare(value: Value) -> Node {
    Node { value, line: None }
}

/// Byte offset to 1-based line number.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// Dates outside this range are typing mistakes, and would make accrual loops absurd.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Walks a [`Node`] tree, collecting every problem instead of stopping at the first.
pub(crate) struct Reader<'f> {
    pub file: &'f str,
    pub problems: Problems,
}

/// The keys of one table, consumed one by one; what is left over is unknown.
pub(crate) struct Table<'n> {
    pub path: String,
    pub line: Option<usize>,
    pub entries: Vec<&'n Entry>,
}

impl<'f> Reader<'f> {
    pub fn problem(&mut self, field: &str, line: Option<usize>, message: impl Into<String>) {
        self.problems
            .push(Problem::new(self.file, field, message).at_line(line));
    }

    pub fn bad(&mut self, field: &str, node: &Node, message: impl Into<String>) {
        let mut p = Problem::new(self.file, field, message).at_line(node.line);
        if let Some(v) = node.value.shown() {
            p = p.with_value(v);
        }
        self.problems.push(p);
    }

    pub fn table<'n>(&mut self, path: &str, node: &'n Node) -> Option<Table<'n>> {
        match &node.value {
            Value::Table(entries) => {
                let mut seen = BTreeSet::new();
                for e in entries {
                    if !seen.insert(e.key.as_str()) {
                        let field = join(path, &e.key);
                        self.problem(&field, e.line, "duplicate key");
                    }
                }
                Some(Table {
                    path: path.to_string(),
                    line: node.line,
                    entries: entries.iter().collect(),
                })
            }
            _ => {
                self.bad(
                    path,
                    node,
                    format!("expected a table, found {}", node.value.kind()),
                );
                None
            }
        }
    }

    /// Reports the keys nobody asked for.
    pub fn finish(&mut self, t: Table<'_>) {
        for e in t.entries {
            let field = join(&t.path, &e.key);
            self.problem(&field, e.line, "unknown field");
        }
    }

    pub fn take<'n>(&mut self, t: &mut Table<'n>, key: &str) -> Option<(String, &'n Node)> {
        let pos = t.entries.iter().position(|e| e.key == key)?;
        let entry = t.entries.remove(pos);
        // A JSON duplicate was reported by `table`; drop the later copies.
        t.entries.retain(|e| e.key != key);
        Some((join(&t.path, key), &entry.node))
    }

    pub fn required<'n>(&mut self, t: &mut Table<'n>, key: &str) -> Option<(String, &'n Node)> {
        let found = self.take(t, key);
        if found.is_none() {
            let field = join(&t.path, key);
            self.problem(&field, t.line, "missing (required)");
        }
        found
    }

    pub fn string(
        &mut self,
        field: &str,
        node: &Node,
        max: usize,
        multiline: bool,
    ) -> Option<String> {
        let Value::Str(s) = &node.value else {
            self.bad(
                field,
                node,
                format!("expected a string, found {}", node.value.kind()),
            );
            return None;
        };
        if s.trim().is_empty() {
            self.bad(field, node, "must not be empty");
            return None;
        }
        if s.chars().count() > max {
            self.bad(field, node, format!("longer than {max} characters"));
            return None;
        }
        if s.chars()
            .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')))
        {
            self.bad(
                field,
                node,
                "contains a control character (line break, tab, ...)",
            );
            return None;
        }
        if multiline {
            // Free text: shown, with what would reorder or hide characters made visible.
            return Some(neutralise_invisible(s));
        }
        if let Some(c) = s.chars().find(|c| is_invisible(*c)) {
            self.bad(
                field,
                node,
                format!(
                    "contains the invisible character U+{:04X} (a direction override, a \
                     zero-width or separator character): a letter would show another text \
                     than the one compared; retype the value",
                    c as u32
                ),
            );
            return None;
        }
        Some(s.clone())
    }

    pub fn opt_text(&mut self, t: &mut Table<'_>, key: &str, max: usize) -> Option<String> {
        let (field, node) = self.take(t, key)?;
        self.string(&field, node, max, false)
    }

    pub fn req_text(&mut self, t: &mut Table<'_>, key: &str, max: usize) -> Option<String> {
        let (field, node) = self.required(t, key)?;
        self.string(&field, node, max, false)
    }

    pub fn date(&mut self, field: &str, node: &Node) -> Option<NaiveDate> {
        let parsed = match &node.value {
            Value::Date(y, m, d) => {
                NaiveDate::from_ymd_opt(i32::from(*y), u32::from(*m), u32::from(*d))
            }
            // A quoted ISO date is unambiguous: accept it (JSON has no other way).
            Value::Str(s) => parse_iso_date(s),
            Value::DateTime(_) => {
                self.bad(
                    field,
                    node,
                    "expected a date without a time, e.g. 2026-02-14",
                );
                return None;
            }
            other => {
                let kind = other.kind();
                self.bad(
                    field,
                    node,
                    format!("expected a date such as 2026-02-14, found {kind}"),
                );
                return None;
            }
        };
        match parsed {
            Some(d) if YEARS.contains(&chrono::Datelike::year(&d)) => Some(d),
            Some(_) => {
                self.bad(
                    field,
                    node,
                    format!(
                        "year outside {}..{}: a typing mistake?",
                        YEARS.start(),
                        YEARS.end()
                    ),
                );
                None
            }
            None => {
                self.bad(field, node, "not a valid date (YYYY-MM-DD)");
                None
            }
        }
    }

    pub fn req_date(&mut self, t: &mut Table<'_>, key: &str) -> Option<NaiveDate> {
        let (field, node) = self.required(t, key)?;
        self.date(&field, node)
    }

    pub fn choice<T: Copy>(
        &mut self,
        field: &str,
        node: &Node,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let Value::Str(s) = &node.value else {
            self.bad(
                field,
                node,
                format!("expected a string, found {}", node.value.kind()),
            );
            return None;
        };
        if let Some((_, v)) = choices.iter().find(|(name, _)| name == s) {
            return Some(*v);
        }
        let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        self.bad(field, node, format!("expected one of {}", names.join(", ")));
        None
    }

    pub fn array_of_tables<'n>(&mut self, t: &mut Table<'n>, key: &str) -> Vec<(String, &'n Node)> {
        let Some((field, node)) = self.take(t, key) else {
            return Vec::new();
        };
        match &node.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{field}[{i}]"), item))
                .collect(),
            _ => {
                self.bad(
                    &field,
                    node,
                    format!(
                        "expected an array of tables ([[{key}]]), found {}",
                        node.value.kind()
                    ),
                );
                Vec::new()
            }
        }
    }
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(crate) fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Characters that change how the text around them shows without showing themselves:
/// bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069, the
/// marks U+200E, U+200F, U+061C), zero-width characters (U+200B..U+200D, U+2060, U+FEFF,
/// U+180E), the line and paragraph separators U+2028, U+2029 and the other format
/// characters of the General Punctuation block. "F-2026-012" with an override can read as
/// the number of another invoice.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// `s` with every [`is_invisible`] character replaced by its visible code, `<U+202E>`.
pub fn neutralise_invisible(s: &str) -> String {
    if !s.chars().any(is_invisible) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if is_invisible(c) {
                format!("<U+{:04X}>", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_nodes_carry_lines() {
        let node = parse_toml("a = 1\n\n[t]\nb = \"x\"\nd = 2026-02-14\n").unwrap();
        let Value::Table(entries) = node.value else {
            panic!("not a table")
        };
        assert_eq!(entries[0].key, "a");
        assert_eq!(entries[0].line, Some(1));
        let Value::Table(inner) = &entries[1].node.value else {
            panic!("not a table")
        };
        assert_eq!(inner[0].line, Some(4));
        assert_eq!(inner[1].node.value, Value::Date(2026, 2, 14));
        assert_eq!(inner[1].node.line, Some(5));
    }

    #[test]
    fn toml_syntax_error_has_a_line() {
        let err = parse_toml("a = 1\nb = \n").unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn json_keeps_duplicate_keys_and_number_text() {
        let node = parse_json(r#"{"a": 1.50, "a": "x"}"#).unwrap();
        let Value::Table(entries) = node.value else {
            panic!("not a table")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].node.value.kind(), "a number");
    }

    #[test]
    fn json_trailing_garbage_is_an_error() {
        assert!(parse_json("{} x").is_err());
    }
}
