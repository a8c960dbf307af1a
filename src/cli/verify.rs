//! `relance verify FILE.zip [--ca FILE]`: every hash recomputed, every claim checked; exit 0
//! only when everything holds.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::bundle::archive::{Finding, Limits};
use crate::bundle::manifest::hex;
use crate::bundle::seal;
use crate::bundle::verify::{Report, verify};

pub const EXAMPLES: &str = "\
Examples:
  relance verify DOS-2026-0042.zip
  relance verify DOS-2026-0042.zip --ca tsa-root.pem
  relance verify DOS-2026-0042.zip --recompute

Exit status: 0 when every check holds, 1 when one fails (each problem is named), 2 for a
usage error. The zip is read in memory within limits and nothing is extracted; --ca writes
the token and the manifest it stamps to a private temporary folder for openssl, then
removes it.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle (zip) to check.
    bundle: PathBuf,
    /// Also check the time-stamp token's signature and its certificate chain up to this CA
    /// (PEM), with `openssl ts -verify`.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// Also recompute the statement from the bundle's own dossier and rules (data/dossier/,
    /// data/rules/) and compare it with data/documents/statement.json, naming the first
    /// field that differs. Needs no rules outside the bundle.
    #[arg(long)]
    recompute: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let limits = Limits::default();
    let shown = args.bundle.display().to_string();
    // Bounded by the bytes read, not the size the file reports (`/dev/zero`, a FIFO).
    let zip = crate::bounded::read(
        &args.bundle,
        limits.max_zip_size.min(crate::bounded::MAX_PIECE),
    )
    .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let mut report = verify(&zip, &limits);
    if let Some(ca) = &args.ca {
        check_chain(&mut report, ca);
    }
    if args.recompute {
        match recompute(&zip, &limits) {
            Ok(line) => report.passed.push(line),
            Err(message) => report.problems.push(Finding::member(STATEMENT, message)),
        }
    }
    print!("{}", render(&shown, &report));
    Ok(if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

const STATEMENT: &str = "data/documents/statement.json";

/// Recomputes the statement from the bundle's dossier and rules, compares it with the one
/// sealed inside, and says so; or names the first field that differs, or what is missing.
fn recompute(zip: &[u8], limits: &Limits) -> Result<String, String> {
    let keep = |name: &str| {
        name == STATEMENT
            || name.starts_with("data/rules/")
            || name.starts_with("data/dossier/dossier.")
    };
    let archive = crate::bundle::archive::read(zip, limits, keep);
    let text = |name: &str| -> Result<String, String> {
        let member = archive
            .members
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| format!("recompute: {name} is not in the bundle"))?;
        let bytes = member
            .bytes
            .as_ref()
            .ok_or_else(|| format!("recompute: {name} is too large to read"))?;
        String::from_utf8(bytes.clone()).map_err(|_| format!("recompute: {name} is not UTF-8"))
    };
    let sealed = text(STATEMENT)?;
    let (dossier_name, format) = if archive
        .members
        .iter()
        .any(|m| m.name == "data/dossier/dossier.json")
    {
        ("data/dossier/dossier.json", crate::dossier::Format::Json)
    } else {
        ("data/dossier/dossier.toml", crate::dossier::Format::Toml)
    };
    let dossier = crate::dossier::parse(&text(dossier_name)?, format, dossier_name)
        .map_err(|p| format!("recompute: {p}"))?;
    let mut rule_files = Vec::new();
    for m in archive
        .members
        .iter()
        .filter(|m| m.name.starts_with("data/rules/"))
    {
        let rel = m.name.trim_start_matches("data/rules/").to_string();
        if rel.ends_with(".toml") {
            rule_files.push((rel, text(&m.name)?));
        }
    }
    if rule_files.is_empty() {
        return Err("recompute: the bundle holds no rule file (data/rules/)".to_string());
    }
    let rules = crate::rules::Rules::load(
        rule_files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
        "data/rules",
    )
    .map_err(|p| format!("recompute: {p}"))?;
    let sealed_json: serde_json::Value =
        serde_json::from_str(&sealed).map_err(|e| format!("recompute: not JSON: {e}"))?;
    let as_of = sealed_json
        .get("as_of")
        .and_then(serde_json::Value::as_str)
        .and_then(crate::tree::parse_iso_date)
        .ok_or_else(|| "recompute: the statement has no as_of date".to_string())?;
    let statement =
        crate::calc::compute(&dossier, &rules, as_of).map_err(|e| format!("recompute: {e}"))?;
    let fresh = statement.to_json_string();
    if fresh == sealed {
        return Ok(format!(
            "{STATEMENT}: recomputed from the bundle's dossier and {} rule files as of {as_of}: identical",
            rule_files.len()
        ));
    }
    let fresh_json: serde_json::Value =
        serde_json::from_str(&fresh).map_err(|e| format!("recompute: {e}"))?;
    Err(match first_difference(&sealed_json, &fresh_json, "") {
        Some((path, a, b)) => format!(
            "recomputed from the bundle's dossier and rules, {path} differs: {a} in the bundle, {b} recomputed"
        ),
        None => {
            "recomputed from the bundle's dossier and rules: same values, other bytes".to_string()
        }
    })
}

/// The first path where `a` and `b` differ, with both values shown (`null` when absent).
fn first_difference(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: &str,
) -> Option<(String, String, String)> {
    use serde_json::Value;
    let here = || {
        if path.is_empty() {
            "(the whole statement)".to_string()
        } else {
            path.to_string()
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().collect();
            keys.extend(y.keys().filter(|k| !x.contains_key(*k)));
            for k in keys {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if let Some(d) = first_difference(va, vb, &sub) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let sub = format!("{path}[{i}]");
                let (va, vb) = (
                    x.get(i).unwrap_or(&Value::Null),
                    y.get(i).unwrap_or(&Value::Null),
                );
                if let Some(d) = first_difference(va, vb, &sub) {
                    return Some(d);
                }
            }
            None
        }
        _ if a == b => None,
        _ => Some((here(), a.to_string(), b.to_string())),
    }
}

/// The report as the command prints it.
fn render(shown: &str, report: &Report) -> String {
    let mut out = format!("{shown}: ");
    match (&report.reference, &report.as_of) {
        (Some(r), Some(d)) => out.push_str(&format!("dossier {r}, as of {d}, ")),
        (Some(r), None) => out.push_str(&format!("dossier {r}, ")),
        _ => {}
    }
    out.push_str(&format!(
        "{} members, {} payload files ({} bytes)\n",
        report.members, report.payload_files, report.payload_bytes
    ));
    for line in &report.passed {
        out.push_str(&format!("  ok      {line}\n"));
    }
    for problem in &report.problems {
        out.push_str(&format!("  FAILED  {problem}\n"));
    }
    if let Some(seal_bytes) = report.seal {
        let seal_hex = hex(&seal_bytes);
        let [a, b] = seal::grouped(&seal_hex);
        out.push_str(&format!(
            "seal (SHA-256 of tagmanifest-sha256.txt): {seal_hex}\n  {a}\n  {b}\n"
        ));
    }
    if report.is_ok() {
        out.push_str("result: OK, every check holds\n");
    } else {
        out.push_str(&format!(
            "result: FAILED, {} problem(s)\n",
            report.problems.len()
        ));
    }
    out
}

/// The token's signature and chain, by `openssl ts -verify`. The token and the manifest are
/// written to a fresh private folder under the system's temporary folder, removed after.
fn check_chain(report: &mut Report, ca: &Path) {
    let member = "META-INF/timestamp.tst";
    let (Some(token), Some(manifest)) = (&report.token, &report.asic_manifest) else {
        report.problems.push(Finding::whole(
            "--ca: the bundle holds no time-stamp whose chain could be checked",
        ));
        return;
    };
    let result = (|| -> anyhow::Result<Result<String, String>> {
        let dir = private_temp_dir()?;
        let outcome = (|| {
            let token_path = dir.join("timestamp.tst");
            let data_path = dir.join("ASiCManifest.xml");
            std::fs::write(&token_path, token)?;
            std::fs::write(&data_path, manifest)?;
            let out = Command::new("openssl")
                .args(["ts", "-verify", "-token_in", "-in"])
                .arg(&token_path)
                .arg("-data")
                .arg(&data_path)
                .arg("-CAfile")
                .arg(ca)
                .output()
                .map_err(|e| anyhow::anyhow!("cannot run openssl ({e}): install it to use --ca"))?;
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            Ok(
                if out.status.success() && text.contains("Verification: OK") {
                    Ok(text)
                } else {
                    Err(text)
                },
            )
        })();
        let _ = std::fs::remove_dir_all(&dir);
        outcome
    })();
    match result {
        Ok(Ok(_)) => report.passed.push(format!(
            "{member}: signature and chain to {} hold (openssl ts -verify)",
            ca.display()
        )),
        Ok(Err(text)) => {
            let reason = text
                .lines()
                .filter(|l| !l.starts_with("Using configuration"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" / ");
            report.problems.push(Finding::member(
                member,
                format!(
                    "signature or chain to {} does not hold (openssl ts -verify: {reason})",
                    ca.display()
                ),
            ))
        }
        Err(e) => report.problems.push(Finding::member(
            member,
            format!("signature and chain not checked: {e:#}"),
        )),
    }
}

/// A new folder only this process uses: created (never reused) with a name no other run of
/// this process id has taken.
fn private_temp_dir() -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir();
    for n in 0..1000 {
        let dir = base.join(format!("relance-verify-{}-{n}", std::process::id()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(anyhow::anyhow!("cannot create a temporary folder: {e}")),
        }
    }
    anyhow::bail!("cannot create a temporary folder in {}", base.display())
}
