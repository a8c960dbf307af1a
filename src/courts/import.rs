//! The Ministry of Justice's "Liste des juridictions compétentes pour les communes de France"
//! (data.gouv.fr, Licence Ouverte 2.0, `;`-separated) -> the tribunaux judiciaires table of a
//! rules folder (`juridictions/tribunaux-judiciaires.toml` and `.csv`).
//!
//! Bytes in, texts out: the CLI writes them. One vintage of the file had its court columns
//! shifted between rows, so a file is accepted only when known communes read right.

use crate::error::{Problem, Problems};
use crate::import::encoding::{Legacy, decode};

use super::{FOLDER, normalize_commune};

/// The columns of the official file, in order.
pub const COLUMNS: &[&str] = &[
    "Commune",
    "Libellé Commune",
    "Orig. CA",
    "N° CA",
    "Cour d'Appel compétente",
    "Orig. TJ",
    "N° TJ",
    "Tribunal judiciaire compétent",
    "Orig. TPRX",
    "N° TPRX",
    "Tribunal de proximité compétent",
    "Orig. CPH",
    "N° CPH",
    "Conseil de Prud'hommes compétent",
];

/// Communes whose tribunal judiciaire is known: (INSEE code, a word its name must contain).
/// A file whose columns are shifted fails here.
const KNOWN: &[(&str, &str)] = &[
    ("13201", "MARSEILLE"),
    ("33063", "BORDEAUX"),
    ("69381", "LYON"),
    ("75056", "PARIS"),
];
/// Known communes that must be present (their court is not checked by name).
const PRESENT: &[&str] = &["01187"];

/// The files to write into the rules folder, as `(path relative to it, text)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub files: Vec<(String, String)>,
    pub communes: usize,
    pub courts: usize,
    pub encoding: &'static str,
}

/// Reads the official CSV; `name` is the file's name (quoted in the metadata and messages).
///
/// # Errors
/// The header is not the official one, a line has the wrong number of columns or an invalid
/// INSEE code, a code appears twice, or a known commune is missing or reads wrong.
pub fn import(bytes: &[u8], name: &str) -> Result<Imported, Problems> {
    let (text, encoding) = decode(bytes, Legacy::Windows1252);
    // Quoted in the metadata file: keep it plain.
    let quoted: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut problems = Problems::default();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split(';')
        .map(|c| c.trim().to_string())
        .collect();
    let expected: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    if header
        .iter()
        .map(|h| h.to_lowercase())
        .ne(expected.iter().map(|h| h.to_lowercase()))
    {
        problems.push(
            Problem::new(
                name,
                "line 1",
                format!("expected the columns {}", COLUMNS.join(";")),
            )
            .with_value(header.join(";").chars().take(200).collect::<String>()),
        );
        return Err(problems);
    }
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(';').map(str::trim).collect();
        let bad = |problems: &mut Problems, m: String| {
            if problems.len() < 20 {
                problems.push(
                    Problem::new(name, format!("line {n}"), m)
                        .with_value(line.chars().take(120).collect::<String>()),
                );
            }
        };
        if cols.len() != COLUMNS.len() {
            bad(
                &mut problems,
                format!("expected {} columns, found {}", COLUMNS.len(), cols.len()),
            );
            continue;
        }
        let code = cols[0];
        if !crate::dossier::is_insee_code(code) {
            bad(
                &mut problems,
                "Commune: expected a 5-character INSEE code".to_string(),
            );
            continue;
        }
        let (commune, tj_number, tj) = (cols[1], cols[6], cols[7]);
        if commune.is_empty() || tj.is_empty() || tj.chars().all(|c| c.is_ascii_digit()) {
            bad(
                &mut problems,
                "Libellé Commune or Tribunal judiciaire compétent is empty or a number: the columns may be shifted".to_string(),
            );
            continue;
        }
        if !tj_number.is_empty() && !tj_number.chars().all(|c| c.is_ascii_digit()) {
            bad(
                &mut problems,
                "N° TJ is not a number: the columns may be shifted".to_string(),
            );
            continue;
        }
        if tj.contains(';') || commune.contains(';') {
            continue;
        }
        rows.push((code.to_string(), commune.to_string(), tj.to_string()));
    }
    rows.sort();
    for w in rows.windows(2) {
        if w[0].0 == w[1].0 && problems.len() < 20 {
            problems.push(
                Problem::new(name, "Commune", "duplicate INSEE code").with_value(w[0].0.clone()),
            );
        }
    }
    let get = |code: &str| {
        rows.binary_search_by(|r| r.0.as_str().cmp(code))
            .ok()
            .map(|i| &rows[i])
    };
    for (code, word) in KNOWN {
        match get(code) {
            None => problems.push(Problem::new(
                name,
                "Commune",
                format!("the known commune {code} is missing: not the official table, or a partial file"),
            )),
            Some((_, _, tj)) if !normalize_commune(tj).contains(word) => problems.push(
                Problem::new(
                    name,
                    format!("Commune {code}"),
                    format!("expected a tribunal judiciaire of {word}: the columns of this file are shifted"),
                )
                .with_value(tj.clone()),
            ),
            Some(_) => {}
        }
    }
    for code in PRESENT {
        if get(code).is_none() {
            problems.push(Problem::new(
                name,
                "Commune",
                format!(
                    "the known commune {code} is missing: not the official table, or a partial file"
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut csv = String::from("code_insee;commune;tribunal_judiciaire\n");
    for (code, commune, tj) in &rows {
        csv.push_str(&format!("{code};{commune};{tj}\n"));
    }
    let mut courts: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    courts.sort_unstable();
    courts.dedup();
    let meta = format!(
        "# Imported by `relance rules import-courts` from \"{quoted}\" ({} communes, {} tribunaux\n\
         # judiciaires). Re-import the yearly file rather than editing this table by hand.\n\n\
         id = \"tribunaux-judiciaires\"\n\
         title = \"Tribunaux judiciaires compétents par commune\"\n\
         article = \"CPC art. 1406 (ressorts des tribunaux judiciaires : code de l'organisation judiciaire)\"\n\
         source = \"https://www.data.gouv.fr/fr/datasets/?q=juridictions%20comp%C3%A9tentes%20communes\"\n\
         imported_from = {:?}\n\
         file = \"tribunaux-judiciaires.csv\"\n",
        rows.len(),
        courts.len(),
        format!("table du ministère de la Justice, fichier {quoted}"),
    );
    Ok(Imported {
        files: vec![
            (format!("{FOLDER}tribunaux-judiciaires.toml"), meta),
            (format!("{FOLDER}tribunaux-judiciaires.csv"), csv),
        ],
        communes: rows.len(),
        courts: courts.len(),
        encoding,
    })
}
