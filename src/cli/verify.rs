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
    print!("{}", render(&shown, &report));
    Ok(if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
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
