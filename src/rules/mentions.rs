//! Mandatory mentions of letters (`legal-rules/mentions/*.toml`): for each document and
//! regime, the sentence the law or practice requires, its legal basis, its source, the dates
//! it applies, and the data it needs (`{placeholders}` filled at rendering).

use chrono::NaiveDate;

use crate::error::Problems;
use crate::tree::{self, Node, Reader, Value};

/// One mandatory mention.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub id: String,
    /// The documents that must carry it (`mise-en-demeure`, `relance-2`...).
    pub documents: Vec<String>,
    /// The regimes it applies to (`b2b`, `b2c`, `b2g`, `c2x`); all when empty.
    pub regimes: Vec<String>,
    /// `Some(true)`: only in letters written by a collection agency; `Some(false)`: only in
    /// the creditor's own letters; `None`: both.
    pub agency: Option<bool>,
    /// The sentence, with `{placeholders}` for the dossier's data.
    pub text: String,
    /// Whether the mention is required by a text (`law`) or by professional practice.
    pub required_by: RequiredBy,
    pub article: String,
    pub source: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub note: Option<String>,
    /// The file it was read from, relative to the rules folder.
    pub file: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredBy {
    Law,
    Practice,
}

impl Mention {
    /// The placeholder names used in the text, in order of appearance.
    pub fn placeholders(&self) -> Vec<&str> {
        placeholders(&self.text)
    }

    /// Whether the mention applies to `document` for `regime`, with or without an agency,
    /// on `date`.
    pub fn applies(&self, document: &str, regime: &str, agency: bool, date: NaiveDate) -> bool {
        self.documents.iter().any(|d| d == document)
            && (self.regimes.is_empty() || self.regimes.iter().any(|r| r == regime))
            && self.agency.is_none_or(|a| a == agency)
            && self.from <= date
            && self.to.is_none_or(|to| date <= to)
    }
}

/// `{name}` markers in a mention text.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

const DOCUMENTS: &[&str] = &[
    "relance-1",
    "relance-2",
    "relance-3",
    "mise-en-demeure",
    "decompte",
    "bordereau",
    "requete-injonction-de-payer",
    "proposition-echeancier",
    "relance-echeance",
    "decheance-du-terme",
];
const REGIMES: &[&str] = &["b2b", "b2c", "b2g", "c2x"];

/// Loads one `mentions/*.toml` file.
pub(super) fn load(path: &str, text: &str, shown: &str) -> Result<Vec<Mention>, Problems> {
    let root = tree::parse_toml(text).map_err(|e| e.into_problems(shown))?;
    let mut r = Reader {
        file: shown,
        problems: Problems::default(),
    };
    let mut out = Vec::new();
    if let Some(mut t) = r.table("", &root) {
        let nodes = r.array_of_tables(&mut t, "mentions");
        if nodes.is_empty() {
            r.problem(
                "mentions",
                t.line,
                "a mentions file needs at least one [[mentions]] entry",
            );
        }
        r.finish(t);
        for (field, node) in &nodes {
            if let Some(m) = mention(&mut r, field, node, path) {
                out.push(m);
            }
        }
    }
    r.problems.into_result(out)
}

fn list(r: &mut Reader<'_>, field: &str, node: &Node, allowed: &[&str]) -> Option<Vec<String>> {
    let Value::Array(items) = &node.value else {
        r.bad(field, node, "expected a list of strings");
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match &item.value {
            Value::Str(s) if allowed.contains(&s.as_str()) => out.push(s.clone()),
            _ => r.bad(
                &format!("{field}[{i}]"),
                item,
                format!("expected one of {}", allowed.join(", ")),
            ),
        }
    }
    (out.len() == items.len()).then_some(out)
}

fn mention(r: &mut Reader<'_>, path: &str, node: &Node, file: &str) -> Option<Mention> {
    let mut t = r.table(path, node)?;
    let id = r.req_text(&mut t, "id", 80);
    let documents = r
        .required(&mut t, "documents")
        .and_then(|(f, n)| list(r, &f, n, DOCUMENTS));
    let regimes = match r.take(&mut t, "regimes") {
        Some((f, n)) => list(r, &f, n, REGIMES),
        None => Some(Vec::new()),
    };
    let agency = match r.take(&mut t, "agency") {
        None => Some(None),
        Some((f, n)) => match n.value {
            Value::Bool(b) => Some(Some(b)),
            _ => {
                r.bad(
                    &f,
                    n,
                    "expected true (agency letters only) or false (creditor letters only)",
                );
                None
            }
        },
    };
    let text = r.required(&mut t, "text").and_then(|(f, n)| {
        let s = r.string(&f, n, 4000, true)?;
        let names = placeholders(&s);
        if names
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        {
            r.bad(&f, n, "placeholders are {lower_case_names}");
            return None;
        }
        Some(s)
    });
    let required_by = r.required(&mut t, "required_by").and_then(|(f, n)| {
        r.choice(
            &f,
            n,
            &[("law", RequiredBy::Law), ("practice", RequiredBy::Practice)],
        )
    });
    let article = r.req_text(&mut t, "article", 300);
    let source = r.required(&mut t, "source").and_then(|(f, n)| {
        let s = r.string(&f, n, 500, false)?;
        if s.starts_with("https://") || s.starts_with("http://") {
            Some(s)
        } else {
            r.bad(
                &f,
                n,
                "expected the URL of the text that requires the mention (https://...)",
            );
            None
        }
    });
    let from = r.req_date(&mut t, "from");
    let to = match r.take(&mut t, "to") {
        Some((f, n)) => r.date(&f, n).map(Some),
        None => Some(None),
    };
    let note = r.opt_text(&mut t, "note", 2000);
    r.finish(t);
    Some(Mention {
        id: id?,
        documents: documents?,
        regimes: regimes?,
        agency: agency?,
        text: text?,
        required_by: required_by?,
        article: article?,
        source: source?,
        from: from?,
        to: to?,
        note,
        file: file.to_string(),
    })
}
