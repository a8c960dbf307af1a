//! `legal-rules/juridictions/` -> [`Courts`]: every file checked as strictly as the other
//! rule files (unknown fields, missing sources, dates, every CSV line), every problem at once.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    AdminCourt, AdminCourts, Contribution, Courts, Greffes, LawyerRule, Seat, SeatKind, Source,
    Tae, TjEntry, TjTable,
};
use crate::dossier::is_insee_code;
use crate::error::{Problem, Problems};
use crate::tree::{self, Node, Reader, Table, Value};

/// The folder of the rules that holds the court tables.
pub const FOLDER: &str = "juridictions/";

/// At most this many problems are reported for one CSV file (a wrong file gives one per line).
const MAX_CSV_PROBLEMS: usize = 20;

/// Loads the files of `juridictions/` given as `(path relative to the rules folder, text)`.
///
/// # Errors
/// Every problem of every file.
pub fn load<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    origin: &str,
) -> Result<Courts, Problems> {
    let mut files: Vec<(&str, &str)> = files.into_iter().collect();
    files.sort();
    let mut problems = Problems::default();
    let mut courts = Courts::default();
    let csv = |name: &str| -> Option<(&str, &str)> {
        files
            .iter()
            .find(|(p, _)| p.strip_prefix(FOLDER) == Some(name))
            .copied()
    };
    let mut used_csv: Vec<String> = Vec::new();
    for &(path, text) in &files {
        let Some(name) = path.strip_prefix(FOLDER) else {
            continue;
        };
        if name.ends_with(".csv") {
            continue;
        }
        let shown = format!("{origin}/{path}");
        let root = match tree::parse_toml(text) {
            Ok(root) => root,
            Err(e) => {
                problems.0.extend(e.into_problems(&shown).0);
                continue;
            }
        };
        let mut r = Reader {
            file: &shown,
            problems: Problems::default(),
        };
        match name {
            "greffes.toml" => {
                if let Some((g, postal, insee)) = greffes(&mut r, &root, path) {
                    let mut g = g;
                    for (field, csv_name, header, target) in [
                        ("by_postal_code", postal, "code_postal;greffe", 0),
                        ("by_insee", insee, "code_insee;greffe", 1),
                    ] {
                        used_csv.push(csv_name.clone());
                        match csv(&csv_name) {
                            None => r.problem(
                                field,
                                None,
                                format!("{origin}/{FOLDER}{csv_name}: no such file"),
                            ),
                            Some((p, t)) => {
                                let shown_csv = format!("{origin}/{p}");
                                match greffe_csv(&shown_csv, t, header, &g) {
                                    Ok(rows) if target == 0 => g.by_postal = rows,
                                    Ok(rows) => g.by_insee = rows,
                                    Err(p) => problems.0.extend(p.0),
                                }
                            }
                        }
                    }
                    courts.greffes = Some(g);
                }
            }
            "tribunaux-activites-economiques.toml" => courts.tae = tae(&mut r, &root, path),
            "contribution-justice-economique.toml" => {
                courts.contribution = contribution(&mut r, &root, path);
            }
            "alsace-moselle.toml" => courts.alsace_moselle = alsace(&mut r, &root, path),
            "tribunal-judiciaire.toml" => courts.civil_forms = civil(&mut r, &root, path),
            "tribunaux-administratifs.toml" => courts.admin = admin(&mut r, &root, path),
            "representation-avocat.toml" => courts.lawyer = lawyer(&mut r, &root, path),
            "tribunaux-judiciaires.toml" => {
                if let Some((mut tj, file)) = tj_meta(&mut r, &root, path) {
                    used_csv.push(file.clone());
                    match csv(&file) {
                        None => r.problem(
                            "file",
                            None,
                            format!("{origin}/{FOLDER}{file}: no such file"),
                        ),
                        Some((p, t)) => match tj_csv(&format!("{origin}/{p}"), t) {
                            Ok(rows) => tj.entries = rows,
                            Err(p) => problems.0.extend(p.0),
                        },
                    }
                    courts.tj = Some(tj);
                }
            }
            _ => r.problem(
                "",
                None,
                "unknown file in juridictions/ (expected greffes.toml, tribunaux-activites-economiques.toml, \
                 contribution-justice-economique.toml, alsace-moselle.toml, tribunal-judiciaire.toml, \
                 tribunaux-administratifs.toml, representation-avocat.toml, tribunaux-judiciaires.toml)",
            ),
        }
        problems.0.extend(r.problems.0);
    }
    for &(path, _) in &files {
        if let Some(name) = path.strip_prefix(FOLDER)
            && name.ends_with(".csv")
            && !used_csv.iter().any(|u| u == name)
        {
            problems.push(Problem::new(
                &format!("{origin}/{path}"),
                "",
                "no metadata file names this table (its source and date are required)",
            ));
        }
    }
    if let (Some(g), Some(tae)) = (&courts.greffes, &courts.tae) {
        for key in &tae.seats {
            if !g.seats.iter().any(|s| &s.key == key) {
                problems.push(
                    Problem::new(
                        &format!("{origin}/{}", tae.source.file),
                        "seats",
                        "not a greffe of greffes.toml",
                    )
                    .with_value(key.clone()),
                );
            }
        }
    }
    problems.into_result(courts)
}

/// id, title, article, source: what every file of the folder names.
fn source(r: &mut Reader<'_>, t: &mut Table<'_>, path: &str) -> Option<Source> {
    let id = r.req_text(t, "id", 64);
    let title = r.req_text(t, "title", 300);
    let article = r.req_text(t, "article", 300);
    let source = r.req_text(t, "source", 500);
    if let Some(s) = &source
        && !s.starts_with("https://")
    {
        r.problem(
            "source",
            t.line,
            "expected an https:// address of the text or data set",
        );
    }
    Some(Source {
        id: id?,
        title: title?,
        article: article?,
        source: source?,
        file: path.to_string(),
    })
}

fn strings(
    r: &mut Reader<'_>,
    t: &mut Table<'_>,
    key: &str,
    required: bool,
) -> Option<Vec<String>> {
    let found = if required {
        r.required(t, key)
    } else {
        r.take(t, key)
    };
    let Some((field, node)) = found else {
        return (!required).then(Vec::new);
    };
    let Value::Array(items) = &node.value else {
        r.bad(&field, node, "expected a list of strings");
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        out.push(r.string(&format!("{field}[{i}]"), item, 500, false)?);
    }
    Some(out)
}

fn dates(r: &mut Reader<'_>, t: &mut Table<'_>) -> Option<(NaiveDate, NaiveDate)> {
    let from = r.req_date(t, "from");
    let to = r.req_date(t, "to");
    if let (Some(f), Some(to)) = (from, to)
        && to < f
    {
        r.problem("to", t.line, format!("before from = {f}"));
        return None;
    }
    Some((from?, to?))
}

fn greffes(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<(Greffes, String, String)> {
    let mut t = r.table("", root)?;
    let source = source(r, &mut t, path);
    let licence = r.req_text(&mut t, "licence", 200);
    let extract = r.req_date(&mut t, "extract");
    let postal = r.req_text(&mut t, "by_postal_code", 100);
    let insee = r.req_text(&mut t, "by_insee", 100);
    let caveats = strings(r, &mut t, "caveats", true);
    let not_courts = strings(r, &mut t, "not_courts", false);
    let mut seats = Vec::new();
    for (field, node) in r.array_of_tables(&mut t, "greffes") {
        let Some(mut s) = r.table(&field, node) else {
            continue;
        };
        let key = r.req_text(&mut s, "key", 100);
        let seat = r.req_text(&mut s, "seat", 100);
        let kind = r.required(&mut s, "kind").and_then(|(f, n)| {
            r.choice(
                &f,
                n,
                &[
                    ("tribunal-de-commerce", SeatKind::TribunalDeCommerce),
                    ("tribunal-mixte-de-commerce", SeatKind::TribunalMixte),
                    ("chambre-commerciale-tj", SeatKind::ChambreCommercialeTj),
                ],
            )
        });
        r.finish(s);
        if let (Some(key), Some(seat), Some(kind)) = (key, seat, kind) {
            if seats.iter().any(|s: &Seat| s.key == key) {
                r.problem(&field, node.line, format!("duplicate greffe key \"{key}\""));
            }
            seats.push(Seat { key, seat, kind });
        }
    }
    if seats.len() > usize::from(u16::MAX - 1) {
        r.problem("greffes", t.line, "too many greffes");
        return None;
    }
    r.finish(t);
    Some((
        Greffes {
            source: source?,
            licence: licence?,
            extract: extract?,
            caveats: caveats?,
            not_courts: not_courts?,
            seats,
            by_postal: Vec::new(),
            by_insee: Vec::new(),
        },
        postal?,
        insee?,
    ))
}

/// The greffe of every code, sorted by code; `u16::MAX` marks a row that is not a court.
fn greffe_csv(
    shown: &str,
    text: &str,
    header: &str,
    g: &Greffes,
) -> Result<Vec<([u8; 5], u16)>, Problems> {
    let mut problems = Problems::default();
    let mut rows = Vec::new();
    let mut lines = text.lines();
    if lines
        .next()
        .map(|h| h.trim_start_matches('\u{feff}').trim_end())
        != Some(header)
    {
        problems.push(Problem::new(
            shown,
            "line 1",
            format!("expected the header \"{header}\""),
        ));
        return Err(problems);
    }
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let bad = |problems: &mut Problems, message: &str| {
            if problems.len() < MAX_CSV_PROBLEMS {
                problems.push(
                    Problem::new(shown, format!("line {n}"), message.to_string())
                        .with_value(line.chars().take(80).collect::<String>()),
                );
            }
        };
        let Some((code, greffe)) = line.split_once(';') else {
            bad(&mut problems, "expected CODE;GREFFE");
            continue;
        };
        let ok_code = code.len() == 5 && (is_insee_code(code));
        if !ok_code {
            bad(
                &mut problems,
                "the code must have 5 characters (digits, or 2A/2B and digits)",
            );
            continue;
        }
        let index = if g.not_courts.iter().any(|x| x == greffe) {
            u16::MAX
        } else if let Some(i) = g.seats.iter().position(|s| s.key == greffe) {
            u16::try_from(i).unwrap_or(u16::MAX)
        } else {
            bad(
                &mut problems,
                "unknown greffe: add it to greffes.toml (or to not_courts)",
            );
            continue;
        };
        let mut key = [0u8; 5];
        key.copy_from_slice(code.as_bytes());
        rows.push((key, index));
    }
    rows.sort();
    for w in rows.windows(2) {
        if w[0].0 == w[1].0 && problems.len() < MAX_CSV_PROBLEMS {
            problems.push(
                Problem::new(shown, "", "duplicate code")
                    .with_value(String::from_utf8_lossy(&w[0].0).into_owned()),
            );
        }
    }
    problems.into_result(rows)
}

fn tae(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<Tae> {
    let mut t = r.table("", root)?;
    let source = source(r, &mut t, path);
    let dates = dates(r, &mut t);
    let seats = strings(r, &mut t, "seats", true);
    let note = r.opt_text(&mut t, "note", 500);
    r.finish(t);
    let (from, to) = dates?;
    Some(Tae {
        source: source?,
        from,
        to,
        seats: seats?,
        note,
    })
}

fn contribution(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<Contribution> {
    let mut t = r.table("", root)?;
    let source = source(r, &mut t, path);
    let dates = dates(r, &mut t);
    let threshold = r
        .required(&mut t, "threshold")
        .and_then(|(f, n)| match &n.value {
            Value::Str(s) => match s.parse::<Decimal>() {
                Ok(d) if d > Decimal::ZERO => Some(d),
                _ => {
                    r.bad(
                        &f,
                        n,
                        "expected a positive amount in euros as a string, e.g. \"50000.00\"",
                    );
                    None
                }
            },
            _ => {
                r.bad(&f, n, "expected a string such as \"50000.00\"");
                None
            }
        });
    let status = r.req_text(&mut t, "status", 100);
    r.finish(t);
    let (from, to) = dates?;
    Some(Contribution {
        source: source?,
        from,
        to,
        threshold: threshold?,
        status: status?,
    })
}

fn alsace(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<(Source, Vec<String>)> {
    let mut t = r.table("", root)?;
    let source = source(r, &mut t, path);
    let departments = strings(r, &mut t, "departments", true);
    r.finish(t);
    Some((source?, departments?))
}

fn civil(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<(Source, Vec<String>)> {
    let mut t = r.table("", root)?;
    let source = source(r, &mut t, path);
    let forms = strings(r, &mut t, "civil_legal_forms", true);
    r.finish(t);
    Some((source?, forms?))
}

fn admin(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<AdminCourts> {
    let mut t = r.table("", root)?;
    let source = source(r, &mut t, path);
    let status = r.opt_text(&mut t, "status", 100);
    let note = r.opt_text(&mut t, "note", 500);
    let mut courts: Vec<AdminCourt> = Vec::new();
    for (field, node) in r.array_of_tables(&mut t, "tribunaux") {
        let Some(mut s) = r.table(&field, node) else {
            continue;
        };
        let seat = r.req_text(&mut s, "seat", 100);
        let departments = strings(r, &mut s, "departments", true);
        let postal_codes = strings(r, &mut s, "postal_codes", false);
        r.finish(s);
        if let (Some(seat), Some(departments), Some(postal_codes)) =
            (seat, departments, postal_codes)
        {
            for d in &departments {
                if courts.iter().any(|c| c.departments.contains(d)) {
                    r.problem(
                        &field,
                        node.line,
                        format!("département {d} is in two tribunaux"),
                    );
                }
            }
            courts.push(AdminCourt {
                seat,
                departments,
                postal_codes,
            });
        }
    }
    r.finish(t);
    Some(AdminCourts {
        source: source?,
        provisional: status.as_deref() == Some("provisional"),
        note,
        courts,
    })
}

fn lawyer(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<LawyerRule> {
    let mut t = r.table("", root)?;
    let source = source(r, &mut t, path);
    let status = r.opt_text(&mut t, "status", 100);
    let required = r.req_text(&mut t, "required", 100);
    let exception = r.req_text(&mut t, "exception", 100);
    let exempt = strings(r, &mut t, "exempt", true);
    r.finish(t);
    Some(LawyerRule {
        source: source?,
        provisional: status.as_deref() == Some("provisional"),
        required: required?,
        exception: exception?,
        exempt: exempt?,
    })
}

fn tj_meta(r: &mut Reader<'_>, root: &Node, path: &str) -> Option<(TjTable, String)> {
    let mut t = r.table("", root)?;
    let source = source(r, &mut t, path);
    let imported_from = r.req_text(&mut t, "imported_from", 300);
    let file = r.req_text(&mut t, "file", 100);
    r.finish(t);
    Some((
        TjTable {
            source: source?,
            imported_from: imported_from?,
            entries: Vec::new(),
        },
        file?,
    ))
}

/// `code_insee;commune;tribunal_judiciaire`, as `relance rules import-courts` writes it.
fn tj_csv(shown: &str, text: &str) -> Result<Vec<TjEntry>, Problems> {
    let mut problems = Problems::default();
    let mut lines = text.lines();
    let header = "code_insee;commune;tribunal_judiciaire";
    if lines.next().map(str::trim_end) != Some(header) {
        problems.push(Problem::new(
            shown,
            "line 1",
            format!("expected the header \"{header}\""),
        ));
        return Err(problems);
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        let cols: Vec<&str> = line.trim_end_matches('\r').split(';').collect();
        match cols.as_slice() {
            [code, commune, tj] if is_insee_code(code) && !commune.is_empty() && !tj.is_empty() => {
                rows.push(TjEntry {
                    insee: (*code).to_string(),
                    commune: (*commune).to_string(),
                    court: (*tj).to_string(),
                });
            }
            [] | [""] => {}
            _ => {
                if problems.len() < MAX_CSV_PROBLEMS {
                    problems.push(
                        Problem::new(
                            shown,
                            format!("line {n}"),
                            "expected CODE_INSEE;COMMUNE;TRIBUNAL",
                        )
                        .with_value(line.chars().take(80).collect::<String>()),
                    );
                }
            }
        }
    }
    rows.sort_by(|a, b| a.insee.cmp(&b.insee));
    problems.into_result(rows)
}
