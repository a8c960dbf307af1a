//! Dunning scenarios (`legal-rules/scenarios/*.toml`): the steps of a collection and when
//! each falls due. Practice, not law; kept beside the law so that a creditor can change it
//! without touching code.

use crate::dossier::EventKind;
use crate::error::Problems;
use crate::tree::{self, Node, Reader, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub basis: String,
    pub prescription_warning_days: i64,
    pub steps: Vec<Step>,
    pub file: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// The event that records the step as done.
    pub event: EventKind,
    pub anchor: Anchor,
    /// Days after (or, when negative, before) the anchor.
    pub days: i64,
    pub channel: String,
    /// The document to produce: a letter template, or `email:NAME` for an email only.
    pub document: String,
    /// The regimes the step applies to ("b2b", "b2c", "b2g", "c2x"); empty: every regime.
    pub regimes: Vec<String>,
}

impl Step {
    /// Whether the step applies to a dossier of this regime.
    pub fn applies(&self, regime: &str) -> bool {
        self.regimes.is_empty() || self.regimes.iter().any(|r| r == regime)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The due date of the oldest unpaid invoice.
    Due,
    /// The date the previous step was done.
    Previous,
    /// The last day of the deadline the formal notice gave (CPC 641, 642).
    FormalNoticeDeadline,
}

pub(super) fn load(path: &str, text: &str, shown: &str) -> Result<Scenario, Problems> {
    let root = tree::parse_toml(text).map_err(|e| e.into_problems(shown))?;
    let mut r = Reader {
        file: shown,
        problems: Problems::default(),
    };
    let scenario = scenario(&mut r, &root, path);
    match scenario {
        Some(s) if r.problems.is_empty() => Ok(s),
        _ => Err(r.problems),
    }
}

fn integer(
    r: &mut Reader<'_>,
    field: &str,
    node: &Node,
    range: std::ops::RangeInclusive<i64>,
) -> Option<i64> {
    match &node.value {
        Value::Number(n) => match n.parse::<i64>() {
            Ok(v) if range.contains(&v) => Some(v),
            _ => {
                r.bad(
                    field,
                    node,
                    format!(
                        "expected a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        },
        _ => {
            r.bad(field, node, "expected a whole number");
            None
        }
    }
}

fn scenario(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<Scenario> {
    let mut t = r.table("", root)?;
    let id = r.req_text(&mut t, "id", 64);
    let title = r.req_text(&mut t, "title", 300);
    let basis = r.req_text(&mut t, "basis", 300);
    let warning = r
        .required(&mut t, "prescription_warning_days")
        .and_then(|(f, n)| integer(r, &f, n, 0..=3650));
    let nodes = r.array_of_tables(&mut t, "steps");
    if nodes.is_empty() {
        r.problem(
            "steps",
            t.line,
            "a scenario needs at least one [[steps]] entry",
        );
    }
    r.finish(t);
    let mut steps = Vec::new();
    for (field, node) in &nodes {
        let Some(mut s) = r.table(field, node) else {
            continue;
        };
        let id = r.req_text(&mut s, "id", 64);
        let title = r.req_text(&mut s, "title", 300);
        let event = r.required(&mut s, "event").and_then(|(f, n)| {
            r.choice(
                &f,
                n,
                &[
                    ("reminder", EventKind::Reminder),
                    ("formal-notice", EventKind::FormalNotice),
                    ("ip-served", EventKind::IpServed),
                    ("claim-memorandum", EventKind::ClaimMemorandum),
                    ("referral-filed", EventKind::ReferralFiled),
                ],
            )
        });
        let anchor = r.required(&mut s, "anchor").and_then(|(f, n)| {
            r.choice(
                &f,
                n,
                &[
                    ("due", Anchor::Due),
                    ("previous", Anchor::Previous),
                    ("formal-notice-deadline", Anchor::FormalNoticeDeadline),
                ],
            )
        });
        let days = r
            .required(&mut s, "days")
            .and_then(|(f, n)| integer(r, &f, n, -365..=3650));
        let channel = r.req_text(&mut s, "channel", 40);
        let document = r.req_text(&mut s, "document", 80);
        let regimes = match r.take(&mut s, "regimes") {
            None => Some(Vec::new()),
            Some((f, n)) => match &n.value {
                Value::Array(items) => {
                    let mut out = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let name = format!("{f}[{i}]");
                        if let Some(v) = r.choice(
                            &name,
                            item,
                            &[
                                ("b2b", "b2b"),
                                ("b2c", "b2c"),
                                ("b2g", "b2g"),
                                ("c2x", "c2x"),
                            ],
                        ) {
                            out.push(v.to_string());
                        }
                    }
                    Some(out)
                }
                _ => {
                    r.bad(&f, n, "expected a list of regimes, e.g. [\"b2b\", \"b2c\"]");
                    None
                }
            },
        };
        r.finish(s);
        if let (
            Some(id),
            Some(title),
            Some(event),
            Some(anchor),
            Some(days),
            Some(channel),
            Some(document),
            Some(regimes),
        ) = (id, title, event, anchor, days, channel, document, regimes)
        {
            steps.push(Step {
                id,
                title,
                event,
                anchor,
                days,
                channel,
                document,
                regimes,
            });
        }
    }
    if steps.first().is_some_and(|s| s.anchor == Anchor::Previous) {
        r.problem(
            "steps[0].anchor",
            None,
            "the first step cannot be anchored on a previous one",
        );
    }
    Some(Scenario {
        id: id?,
        title: title?,
        basis: basis?,
        prescription_warning_days: warning?,
        steps,
        file: path.to_string(),
    })
}
