//! `relance bundle DOSSIER --as-of DATE --out FILE.zip`: the sealed evidence bundle.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;

use super::{RulesArg, table, tsa, write_atomic};
use crate::bundle::{self, Bag, File, Input, archive, seal};
use crate::calc::{Statement, compute};
use crate::dossier::fs::Loaded;

pub const EXAMPLES: &str = "\
Examples:
  relance bundle examples/atelier-martin --as-of 2026-06-30 --out DOS-2026-0042.zip
  relance bundle DOSSIER --as-of 2026-06-30 --out b.zip --tsa http://tsa.example/tsr
  relance bundle DOSSIER --as-of 2026-06-30 --out b.zip --tsa-token token.tst

The seal printed is the SHA-256 of tagmanifest-sha256.txt inside the zip: after extraction,
`sha256sum tagmanifest-sha256.txt` shows it. The same dossier and date give the same bytes,
so a token obtained separately for META-INF/ASiCManifest.xml fits a later run.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dossier folder (holding dossier.toml or dossier.json), or the file itself.
    dossier: PathBuf,
    /// The date the bundle speaks for (YYYY-MM-DD): the statement's as-of date, the bag's
    /// Bagging-Date and the date of every zip member.
    #[arg(long, value_name = "DATE")]
    as_of: NaiveDate,
    /// The zip to write (atomically: complete under its name or not at all).
    #[arg(long, value_name = "FILE.zip")]
    out: PathBuf,
    /// Time-stamp the bundle: send an RFC 3161 request over META-INF/ASiCManifest.xml to
    /// this time-stamping authority (http:// or https://) and store its token.
    #[arg(long, value_name = "URL", conflicts_with = "tsa_token")]
    tsa: Option<String>,
    /// Time-stamp the bundle with a token obtained separately for META-INF/ASiCManifest.xml
    /// (a bare token, .tst, or a whole response, .tsr).
    #[arg(long, value_name = "FILE")]
    tsa_token: Option<PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (rules, rule_files) = args.rules.load_with_files()?;
    let Some(loaded) = super::load_or_report(&args.dossier) else {
        return Ok(ExitCode::FAILURE);
    };
    let statement = compute(&loaded.dossier, &rules, args.as_of)?;
    // Every document the dossier can produce on that date, as PDF/A: the statement, the
    // exhibit list, the request draft and the letters. One that lacks data (a debtor
    // without address) is left out with a warning; the others are sealed.
    let renderer = crate::documents::Renderer::embedded();
    let mut pdfs = Vec::new();
    for kind in crate::letters::DocKind::for_dossier(&loaded.dossier) {
        let data = match crate::letters::build(kind, &loaded.dossier, &statement, &rules) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("warning: {e}: not in the bundle");
                continue;
            }
        };
        let opts = data.render_options();
        let pdf = renderer.render_pdf(&format!("{}.typ", kind.name()), &data.json, &opts)?;
        pdfs.push(File::new(format!("{}.pdf", kind.name()), pdf));
    }
    let bag = evidence_bag(&loaded, &statement, &rule_files, pdfs)?;
    let token = match (&args.tsa, &args.tsa_token) {
        (Some(url), _) => {
            let response = tsa::post(url, &bag.timestamp_request())?;
            Some(bundle::timestamp::token_from_response(&response)?)
        }
        (None, Some(path)) => {
            let bytes = crate::bounded::read(path, crate::bounded::MAX_TEXT)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            Some(
                bundle::timestamp::token_from_file(&bytes)
                    .with_context(|| format!("{}", path.display()))?,
            )
        }
        (None, None) => None,
    };
    let sealed =
        bag.seal(token.as_deref())
            .with_context(|| match (&args.tsa, &args.tsa_token) {
                (None, Some(path)) => format!("{}", path.display()),
                _ => "the bundle".to_string(),
            })?;
    write_atomic(&args.out, &sealed.zip)
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", args.out.display()))?;

    let seal_hex = sealed.seal_hex();
    let [line1, line2] = seal::grouped(&seal_hex);
    println!(
        "{}: dossier {}, as of {}: {} members, {} payload files ({} bytes)",
        args.out.display(),
        loaded.dossier.reference,
        args.as_of,
        sealed.members,
        sealed.payload_files,
        sealed.payload_bytes
    );
    if let Some(info) = &sealed.timestamp {
        println!(
            "time-stamp: {} by {}",
            info.gen_time,
            info.tsa.as_deref().unwrap_or("the TSA")
        );
    }
    println!("seal (SHA-256 of tagmanifest-sha256.txt): {seal_hex}");
    println!("  {line1}");
    println!("  {line2}");
    Ok(ExitCode::SUCCESS)
}

/// The unsealed bundle of a dossier on the statement's date: the dossier file and its
/// pieces read from disk, the statement (JSON and text), the rendered documents `pdfs`
/// (`<kind>.pdf`) and the rule files. `relance bundle` and `relance batch` both make
/// their bundles here, so the two are the same for the same documents.
pub(crate) fn evidence_bag(
    loaded: &Loaded,
    statement: &Statement,
    rule_files: &[(String, String)],
    pdfs: Vec<File>,
) -> anyhow::Result<Bag> {
    let mut documents = vec![
        File::new("statement.json", statement.to_json_string()),
        File::new("statement.txt", table::render(&loaded.dossier, statement)),
    ];
    documents.extend(pdfs);
    let dossier_file = File::new(
        loaded
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "dossier.toml".into()),
        crate::bounded::read(&loaded.file, crate::bounded::MAX_TEXT)
            .with_context(|| format!("{}: cannot read", loaded.file.display()))?,
    );
    Ok(Bag::new(Input {
        dossier: &loaded.dossier,
        as_of: statement.as_of,
        dossier_file,
        pieces: read_pieces(loaded)?,
        documents,
        rules: rule_files
            .iter()
            .map(|(path, text)| File::new(path.clone(), text.clone()))
            .collect(),
    })?)
}

/// Every piece the dossier names, once, read from disk. `load_dir` already checked that
/// each one is a regular file inside the dossier folder; a path written unusually
/// (`./pieces/x.pdf`) goes in the bundle under its resolved form.
fn read_pieces(loaded: &Loaded) -> anyhow::Result<Vec<File>> {
    let d = &loaded.dossier;
    let root = loaded.dir.canonicalize()?;
    let paths = d.piece_paths();
    let named = paths.iter().map(|(_, p)| *p);
    let mut pieces: Vec<File> = Vec::new();
    for piece in named {
        let real = root
            .join(piece)
            .canonicalize()
            .with_context(|| format!("{piece}: cannot resolve"))?;
        let path = if archive::unsafe_name(piece).is_none() {
            piece.to_string()
        } else {
            relative(&root, &real).with_context(|| format!("{piece}: outside the dossier"))?
        };
        if pieces.iter().any(|p| p.path == path) {
            continue;
        }
        let bytes = crate::bounded::read(&real, crate::bounded::MAX_PIECE)
            .with_context(|| format!("{piece}: cannot read"))?;
        pieces.push(File::new(path, bytes));
    }
    Ok(pieces)
}

fn relative(root: &Path, real: &Path) -> Option<String> {
    let rel = real.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}
