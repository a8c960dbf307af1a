//! Overlays: folders of rule values added over the rules compiled in, at the same relative
//! paths as `legal-rules/`, without editing the binary's files.
//!
//! An overlay file names the rule (`id`, optionally its `unit` and `last_checked`) and holds
//! only `[[values]]`. Merging it may fill the days after a built-in value, close a built-in
//! open end or a provisional one (`provisional = true`), and never replaces a sourced value
//! silently: a value overlapping another needs `corrects = true` and a note. The merged files
//! are written back as whole rule files (the built-in text, comments kept, with the added
//! values), so a bundle carries them and anyone recomputes its figures without the overlay;
//! the merged set then goes through every check of [`Rules::load`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use super::{Rule, RuleValue, Rules};
use crate::error::{Problem, Problems};
use crate::tree::{self, Reader, Value};

/// One overlay folder: its rule files as `(path relative to the folder, text)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlay {
    /// The folder as the user named it, for messages.
    pub origin: String,
    pub files: Vec<(String, String)>,
}

/// The rules with every overlay applied, and the rule files they now read from.
#[derive(Debug, Clone)]
pub struct Merged {
    pub rules: Rules,
    /// Every rule file, overlaid ones rewritten with the added values.
    pub files: Vec<(String, String)>,
}

/// One value of the merged set, with the table it is written as and where it came from.
struct Entry {
    value: RuleValue,
    table: Table,
    /// `legal-rules/bce/taux-refinancement.toml values[18]`, for messages.
    shown: String,
}

/// A rule file being overlaid.
struct State {
    doc: DocumentMut,
    entries: Vec<Entry>,
    last_checked: NaiveDate,
}

/// Applies `overlays`, in order, over the rule files `base` (read from `base_origin`).
///
/// # Errors
/// Every problem of the base, of each overlay file (syntax, fields, a path or id that names
/// no built-in rule, another unit, a value without source or not a decimal) and of the
/// merged values (an overlap with a sourced value, a gap), each naming the overlay file and
/// the value it clashes with.
pub fn merge(
    base: &[(String, String)],
    base_origin: &str,
    overlays: &[Overlay],
) -> Result<Merged, Problems> {
    let rules = Rules::load(
        base.iter().map(|(p, t)| (p.as_str(), t.as_str())),
        base_origin,
    )?;
    if overlays.iter().all(|o| o.files.is_empty()) {
        let mut rules = rules;
        rules.overlays = overlays.iter().map(|o| o.origin.clone()).collect();
        return Ok(Merged {
            rules,
            files: base.to_vec(),
        });
    }
    let by_path: BTreeMap<&str, &Rule> =
        rules.rules.values().map(|r| (r.file.as_str(), r)).collect();
    let texts: BTreeMap<&str, &str> = base.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let mut problems = Problems::default();
    let mut states: BTreeMap<String, State> = BTreeMap::new();
    for overlay in overlays {
        let mut files: Vec<&(String, String)> = overlay.files.iter().collect();
        files.sort();
        for (path, text) in files {
            let shown = format!("{}/{path}", overlay.origin);
            let Some(file) = read_file(
                &shown,
                path,
                text,
                &rules,
                &by_path,
                base_origin,
                &mut problems,
            ) else {
                continue;
            };
            let rule = by_path[path.as_str()];
            if !states.contains_key(path) {
                match initial_state(rule, texts[path.as_str()], base_origin) {
                    Ok(state) => {
                        states.insert(path.clone(), state);
                    }
                    Err(p) => {
                        problems.push(p);
                        continue;
                    }
                }
            }
            let state = states.get_mut(path).expect("inserted above");
            apply(state, file, &shown, &mut problems);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut files = base.to_vec();
    for (path, state) in states {
        let text = render(state);
        if let Some(slot) = files.iter_mut().find(|(p, _)| *p == path) {
            slot.1 = text;
        }
    }
    let mut rules = Rules::load(
        files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
        base_origin,
    )?;
    rules.overlays = overlays.iter().map(|o| o.origin.clone()).collect();
    Ok(Merged { rules, files })
}

/// An overlay file, read and checked on its own.
struct OverlayFile {
    last_checked: Option<NaiveDate>,
    /// `(field path, value, its table)`, sorted by `from`.
    values: Vec<(String, RuleValue, Table)>,
}

fn read_file(
    shown: &str,
    path: &str,
    text: &str,
    rules: &Rules,
    by_path: &BTreeMap<&str, &Rule>,
    base_origin: &str,
    problems: &mut Problems,
) -> Option<OverlayFile> {
    if path.starts_with("mentions/") || path.starts_with("scenarios/") {
        problems.push(Problem::new(
            shown,
            "",
            "an overlay holds dated values of rule files only: mentions and scenarios are \
             changed in a full copy of the rules given with --rules DIR",
        ));
        return None;
    }
    let root = match tree::parse_toml(text) {
        Ok(root) => root,
        Err(e) => {
            problems.0.extend(e.into_problems(shown).0);
            return None;
        }
    };
    let doc = match text.parse::<DocumentMut>() {
        Ok(doc) => doc,
        Err(e) => {
            problems.push(Problem::new(
                shown,
                "",
                format!("not valid TOML: {}", e.message()),
            ));
            return None;
        }
    };
    let mut reader = Reader {
        file: shown,
        problems: Problems::default(),
    };
    let file = reader.overlay_file(&root, &doc, path, rules, by_path, base_origin);
    let ok = reader.problems.is_empty();
    problems.0.extend(reader.problems.0);
    file.filter(|_| ok)
}

impl Reader<'_> {
    fn overlay_file(
        &mut self,
        root: &tree::Node,
        doc: &DocumentMut,
        path: &str,
        rules: &Rules,
        by_path: &BTreeMap<&str, &Rule>,
        base_origin: &str,
    ) -> Option<OverlayFile> {
        let mut t = self.table("", root)?;
        let id = self.req_text(&mut t, "id", 64);
        let base = match by_path.get(path) {
            Some(rule) => Some(*rule),
            None if rules.holidays.as_ref().is_some_and(|h| h.file == path) => {
                self.problem(
                    "",
                    None,
                    "the holiday calendar is not overlaid: change it in a full copy of the \
                     rules given with --rules DIR",
                );
                None
            }
            None => {
                let elsewhere = id.as_deref().and_then(|id| rules.rule(id));
                let message = match elsewhere {
                    Some(rule) => format!(
                        "\"{}\" is defined in {base_origin}/{}: its overlay file goes at that \
                         same path",
                        rule.id, rule.file
                    ),
                    None => format!(
                        "no rule file {path} in {base_origin}: an overlay adds values to a \
                         built-in rule only (a new rule needs a full copy given with --rules DIR)"
                    ),
                };
                self.problem("", None, message);
                None
            }
        };
        if let (Some(base), Some(id)) = (base, &id)
            && *id != base.id
        {
            self.problem(
                "id",
                t.line,
                format!(
                    "\"{id}\": {base_origin}/{path} defines \"{}\": an overlay file names the \
                     rule of the file it completes",
                    base.id
                ),
            );
        }
        for key in ["label", "title", "article", "uses"] {
            if let Some((field, node)) = self.take(&mut t, key) {
                self.problem(
                    &field,
                    node.line,
                    format!(
                        "an overlay holds values only: the {key} comes from {base_origin}/{path}"
                    ),
                );
            }
        }
        if let Some((field, node)) = self.take(&mut t, "unit")
            && let Some(base) = base
        {
            match &node.value {
                Value::Str(s) if s == base.unit.as_str() => {}
                _ => self.bad(
                    &field,
                    node,
                    format!(
                        "{base_origin}/{path} is in {}: the values added must be in the same unit",
                        base.unit
                    ),
                ),
            }
        }
        let last_checked = match self.take(&mut t, "last_checked") {
            Some((f, n)) => Some(self.date(&f, n)?),
            None => None,
        };
        let nodes = self.array_of_tables(&mut t, "values");
        self.finish(t);
        if nodes.is_empty() {
            self.problem(
                "values",
                None,
                "an overlay file needs at least one [[values]] entry",
            );
            return None;
        }
        let tables: Vec<&Table> = doc
            .get("values")
            .and_then(Item::as_array_of_tables)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let mut values = Vec::new();
        for (i, (field, node)) in nodes.iter().enumerate() {
            let value = self.value_entry(field, node);
            if let (Some(v), Some(base)) = (&value, base)
                && let Err(message) = super::load::plausible(base.unit, v.value)
            {
                self.problem(&format!("{field}.value"), node.line, message);
                continue;
            }
            if let (Some(v), Some(table)) = (value, tables.get(i)) {
                values.push((field.clone(), v, (*table).clone()));
            }
        }
        values.sort_by_key(|(_, v, _)| v.from);
        base?;
        Some(OverlayFile {
            last_checked,
            values,
        })
    }
}

fn initial_state(rule: &Rule, text: &str, base_origin: &str) -> Result<State, Problem> {
    let shown_file = format!("{base_origin}/{}", rule.file);
    let doc = text
        .parse::<DocumentMut>()
        .map_err(|e| Problem::new(&shown_file, "", format!("not valid TOML: {}", e.message())))?;
    let tables: Vec<Table> = doc
        .get("values")
        .and_then(Item::as_array_of_tables)
        .map(|a| a.iter().cloned().collect())
        .unwrap_or_default();
    let mut entries = Vec::new();
    for (i, table) in tables.into_iter().enumerate() {
        let from = table.get("from").and_then(date_of);
        let Some(value) = rule.values.iter().find(|v| Some(v.from) == from) else {
            return Err(Problem::new(
                &shown_file,
                format!("values[{i}]"),
                "cannot be matched with the loaded values",
            ));
        };
        entries.push(Entry {
            value: value.clone(),
            table,
            shown: format!("{shown_file} values[{i}]"),
        });
    }
    entries.sort_by_key(|e| e.value.from);
    Ok(State {
        doc,
        entries,
        last_checked: rule.last_checked,
    })
}

fn date_of(item: &Item) -> Option<NaiveDate> {
    if let Some(s) = item.as_str() {
        return tree::parse_iso_date(s);
    }
    let dt = item.as_datetime()?;
    let d = dt.date?;
    if dt.time.is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

fn dates(v: &RuleValue) -> String {
    match v.to {
        Some(to) => format!("{} to {to}", v.from),
        None => format!("from {} with no known end", v.from),
    }
}

fn overlaps(a: &RuleValue, b: &RuleValue) -> bool {
    a.from <= b.to.unwrap_or(NaiveDate::MAX) && b.from <= a.to.unwrap_or(NaiveDate::MAX)
}

/// Merges one overlay file's values into the state of its rule file.
fn apply(state: &mut State, file: OverlayFile, shown: &str, problems: &mut Problems) {
    if let Some(d) = file.last_checked {
        state.last_checked = state.last_checked.max(d);
    }
    let mut added = Vec::new();
    for (field, value, mut table) in file.values {
        // Say in the merged file (a bundle's data/rules/) which values an overlay added.
        let prefix = table
            .decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .trim_start_matches('\n')
            .to_string();
        table.decor_mut().set_prefix(format!(
            "\n{prefix}# Added by a rules overlay (relance rules add or fetch).\n"
        ));
        let mut kept = Vec::new();
        for mut e in std::mem::take(&mut state.entries) {
            if !overlaps(&e.value, &value) {
                kept.push(e);
                continue;
            }
            let open_tail = e.value.to.is_none() || e.value.provisional;
            if open_tail && e.value.from < value.from && !value.corrects {
                // Closes an open or provisional end: the earlier value ends the day before.
                cut_to(&mut e, value.from);
                kept.push(e);
            } else if value.corrects {
                if let Some(right) = value.to.and_then(|to| right_part(&e, to)) {
                    kept.push(right);
                }
                if e.value.from < value.from {
                    cut_to(&mut e, value.from);
                    kept.push(e);
                }
            } else {
                problems.push(
                    Problem::new(
                        shown,
                        field.clone(),
                        format!(
                            "{}: overlaps {} ({}, value \"{}\", source {}): a sourced value is \
                             replaced only by a correction, with corrects = true and a note \
                             saying why",
                            dates(&value),
                            e.shown,
                            dates(&e.value),
                            e.value.value,
                            e.value.source
                        ),
                    )
                    .with_value(value.value.to_string()),
                );
                kept.push(e);
            }
        }
        kept.push(Entry {
            value: value.clone(),
            table,
            shown: format!("{shown} {field}"),
        });
        added.push(format!("{shown} {field}"));
        kept.sort_by_key(|e| e.value.from);
        state.entries = kept;
    }
    for pair in state.entries.windows(2) {
        let [a, b] = pair else { continue };
        if !added.contains(&a.shown) && !added.contains(&b.shown) {
            continue;
        }
        let (ours, field) = if added.contains(&b.shown) {
            (b, &b.shown)
        } else {
            (a, &a.shown)
        };
        let field = field.strip_prefix(&format!("{shown} ")).unwrap_or(field);
        match a.value.to {
            None => problems.push(Problem::new(
                shown,
                field,
                format!(
                    "{}: follows {}, which has no known end: say when it ended",
                    dates(&ours.value),
                    a.shown
                ),
            )),
            Some(end) if end.succ_opt() != Some(b.value.from) && end < b.value.from => {
                let message = if std::ptr::eq(ours, b) {
                    format!(
                        "gap: {} ends on {end} and this value starts on {}: the value must \
                         start on {}, or a value must cover {} to {}",
                        a.shown,
                        b.value.from,
                        end.succ_opt().unwrap_or(end),
                        end.succ_opt().unwrap_or(end),
                        b.value.from.pred_opt().unwrap_or(b.value.from)
                    )
                } else {
                    format!(
                        "gap: this value ends on {end} and {} starts on {}: a value must cover \
                         {} to {}",
                        b.shown,
                        b.value.from,
                        end.succ_opt().unwrap_or(end),
                        b.value.from.pred_opt().unwrap_or(b.value.from)
                    )
                };
                problems.push(Problem::new(shown, field, message));
            }
            Some(_) => {}
        }
    }
}

/// Ends entry `e` the day before `next`; the end is then known, no longer provisional.
fn cut_to(e: &mut Entry, next: NaiveDate) {
    let end = next.pred_opt().unwrap_or(next);
    e.value.to = Some(end);
    e.value.provisional = false;
    e.table.insert("to", super::add::date_item(end));
    e.table.remove("provisional");
}

/// What is left of `e` after a correction ending on `to`.
fn right_part(e: &Entry, to: NaiveDate) -> Option<Entry> {
    let start = to.succ_opt()?;
    if e.value.to.is_some_and(|end| end < start) {
        return None;
    }
    let mut right = Entry {
        value: e.value.clone(),
        table: e.table.clone(),
        shown: e.shown.clone(),
    };
    right.value.from = start;
    right.table.insert("from", super::add::date_item(start));
    Some(right)
}

/// The rule file's text with the merged values, its comments and layout kept.
fn render(mut state: State) -> String {
    let mut values = ArrayOfTables::new();
    for (i, mut e) in state.entries.into_iter().enumerate() {
        e.table.set_position(Some(
            1_000_000 + isize::try_from(i).unwrap_or(isize::MAX / 2),
        ));
        values.push(e.table);
    }
    state.doc.insert("values", Item::ArrayOfTables(values));
    if let Some(item) = state.doc.get_mut("last_checked") {
        let decor = item.as_value().map(|v| v.decor().clone());
        *item = super::add::date_item(state.last_checked);
        if let (Some(decor), Some(v)) = (decor, item.as_value_mut()) {
            *v.decor_mut() = decor;
        }
    }
    state.doc.to_string()
}
