//! `relance report aging|account|recovery`: portfolio reports over a folder of dossiers.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::plan::dossier_dirs;
use super::{RulesArg, as_of_or_today};
use crate::documents::format::format_eur;
use crate::dossier::fs::load_dir;
use crate::report::aging::{self, Aging, BUCKETS_FR};
use crate::report::recovery;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// What is owed by age: per dossier and in total, the principal past due by bucket
    /// (not yet due, 0–30, 31–60, 61–90, 91–180, over 180 days), the total due, the stage.
    #[command(
        after_help = "Examples:\n  relance report aging dossiers/ --as-of 2026-06-30\n  relance report aging dossiers/ --as-of 2026-06-30 --format csv > balance-agee.csv"
    )]
    Aging(AgingArgs),
    /// The statement of account (relevé de compte) of one dossier: every invoice and
    /// payment in date order with the running balance, the penalties and indemnities due.
    #[command(
        after_help = "Examples:\n  relance report account examples/atelier-martin --as-of 2026-06-30\n  relance report account DOSSIER --as-of 2026-06-30 --format json"
    )]
    Account(AccountArgs),
    /// What each dunning step brings back, by channel: dossiers reached, the amount paid
    /// within 15 and 30 days after the step, the average days from due date to payment, and
    /// what is still open (see the README for how it counts).
    #[command(
        after_help = "Examples:\n  relance report recovery dossiers/ --from 2026-01-01 --to 2026-06-30\n  relance report recovery dossiers/ --from 2026-01-01 --to 2026-06-30 --format csv"
    )]
    Recovery(RecoveryArgs),
}

#[derive(Debug, clap::Args)]
pub struct RecoveryArgs {
    /// A folder holding dossier folders (searched recursively), or one dossier.
    path: PathBuf,
    /// The first day of the period (YYYY-MM-DD): steps dated from it are counted.
    #[arg(long, value_name = "DATE")]
    from: NaiveDate,
    /// The last day of the period (YYYY-MM-DD): the statements are computed on it.
    #[arg(long, value_name = "DATE")]
    to: NaiveDate,
    #[arg(long, value_enum, default_value = "table")]
    format: RecoveryFormat,
    #[command(flatten)]
    rules: RulesArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AccountFormat {
    Text,
    Json,
    /// The letter to the debtor (PDF/A), written to `--out`: `render --doc releve-de-compte`.
    Pdf,
    /// The same letter as a plain-text email, on stdout.
    Email,
}

#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    /// The dossier folder, or its dossier.toml / dossier.json.
    dossier: PathBuf,
    /// The date of the statement (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "text")]
    format: AccountFormat,
    /// The PDF file to write (`--format pdf`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AgingFormat {
    Table,
    Csv,
    Json,
    /// A PDF/A report (bar chart of the buckets, the 20 largest debtors), written to `--out`.
    Pdf,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RecoveryFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct AgingArgs {
    /// A folder holding dossier folders (searched recursively), or one dossier.
    path: PathBuf,
    /// The date of the report (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "table")]
    format: AgingFormat,
    /// The PDF file to write (`--format pdf`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Aging(args) => run_aging(args),
        Command::Account(args) => run_account(args),
        Command::Recovery(args) => run_recovery(args),
    }
}

fn run_account(args: AccountArgs) -> anyhow::Result<ExitCode> {
    let rules = args.rules.load()?;
    let Some(loaded) = super::load_or_report(&args.dossier) else {
        return Ok(ExitCode::FAILURE);
    };
    let as_of = as_of_or_today(args.as_of);
    if matches!(args.format, AccountFormat::Pdf | AccountFormat::Email) {
        return account_letter(&args, &loaded.dossier, &rules, as_of);
    }
    let a = crate::report::account::account(&loaded.dossier, &rules, as_of)?;
    match args.format {
        AccountFormat::Json => {
            let mut s = serde_json::to_string_pretty(&a)?;
            s.push('\n');
            print!("{s}");
        }
        AccountFormat::Text => print!("{}", account_text(&a)),
        AccountFormat::Pdf | AccountFormat::Email => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The statement of account as the letter to the debtor: a PDF written to `--out`, or the
/// email text on stdout.
fn account_letter(
    args: &AccountArgs,
    dossier: &crate::dossier::Dossier,
    rules: &crate::rules::Rules,
    as_of: NaiveDate,
) -> anyhow::Result<ExitCode> {
    use crate::letters::{DocKind, build};
    if matches!(args.format, AccountFormat::Pdf) && args.out.is_none() {
        anyhow::bail!("--format pdf needs --out FILE");
    }
    let statement = crate::calc::compute(dossier, rules, as_of)?;
    let data = build(DocKind::ReleveDeCompte, dossier, &statement, rules)?;
    for w in &data.warnings {
        eprintln!("warning: releve-de-compte: {w}");
    }
    if let AccountFormat::Email = args.format {
        print!(
            "{}",
            crate::documents::render_email("releve-de-compte", &data.json)
                .map_err(|e| anyhow::anyhow!(e))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let pdf = crate::documents::Renderer::embedded().render_pdf(
        "releve-de-compte.typ",
        &data.json,
        &data.render_options(),
    )?;
    let path = args.out.as_ref().expect("checked above");
    super::output::write_atomic(path, &pdf)
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn account_text(a: &crate::report::account::Account) -> String {
    let fr = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "RELEVÉ DE COMPTE au {} — dossier {}",
        fr(a.as_of),
        a.reference
    );
    let _ = writeln!(out, "{}", a.debtor);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<12}{:<28}{:>13}{:>13}{:>13}",
        "Date", "Pièce", "Débit", "Crédit", "Solde"
    );
    let money = |d: rust_decimal::Decimal| {
        if d.is_zero() {
            String::new()
        } else {
            format_eur(d)
        }
    };
    for e in &a.entries {
        let label = if e.kind == "invoice" {
            format!("Facture {}", e.label)
        } else {
            e.label.clone()
        };
        let _ = writeln!(
            out,
            "{:<12}{:<28}{:>13}{:>13}{:>13}",
            fr(e.date),
            truncate(&label, 27),
            money(e.debit),
            money(e.credit),
            format_eur(e.balance)
        );
    }
    let _ = writeln!(out);
    let row = |out: &mut String, label: &str, v: rust_decimal::Decimal| {
        let _ = writeln!(out, "{label:<53}{:>26}", format_eur(v));
    };
    row(
        &mut out,
        "Pénalités ou intérêts de retard courus",
        a.accessories,
    );
    row(
        &mut out,
        "Indemnités forfaitaires de recouvrement",
        a.indemnities,
    );
    if !a.waived.is_zero() {
        row(&mut out, "Remis par l'échéancier", -a.waived);
    }
    row(&mut out, &format!("Solde au {}", fr(a.as_of)), a.balance);
    out
}

fn run_aging(args: AgingArgs) -> anyhow::Result<ExitCode> {
    if matches!(args.format, AgingFormat::Pdf) && args.out.is_none() {
        anyhow::bail!("--format pdf needs --out FILE");
    }
    let rules = args.rules.load()?;
    let as_of = as_of_or_today(args.as_of);
    let dirs = portfolio_dirs(&args.path)?;
    let mut rows = Vec::with_capacity(dirs.len());
    let mut failed = 0usize;
    for dir in &dirs {
        let result = load_dir(dir)
            .map_err(|p| p.to_string())
            .and_then(|l| aging::row(&l.dossier, &rules, as_of).map_err(|e| e.to_string()));
        match result {
            Ok(r) => rows.push(r),
            Err(e) => {
                failed += 1;
                eprintln!("{}: {e}", dir.display());
            }
        }
    }
    let report = Aging::of(as_of, rows);
    match args.format {
        AgingFormat::Csv => print!("{}", aging::to_csv(&report)),
        AgingFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report)?;
            s.push('\n');
            print!("{s}");
        }
        AgingFormat::Table => print!("{}", aging_table(&report)),
        AgingFormat::Pdf => {
            let data = aging::pdf_data(&report, 20);
            let opts = crate::documents::RenderOptions::new(
                as_of,
                format!("BALANCE-AGEE-{}", as_of.format("%Y%m%d")),
            );
            let pdf = crate::documents::Renderer::embedded().render_pdf(
                "balance-agee.typ",
                &data,
                &opts,
            )?;
            let path = args.out.as_ref().expect("checked above");
            super::output::write_atomic(path, &pdf)
                .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
            println!("{}", path.display());
        }
    }
    if failed > 0 {
        eprintln!("error: {failed} dossier(s) left out of the report");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn run_recovery(args: RecoveryArgs) -> anyhow::Result<ExitCode> {
    if args.from > args.to {
        anyhow::bail!(
            "--from {} is after --to {}: the period is empty",
            args.from,
            args.to
        );
    }
    let rules = args.rules.load()?;
    let dirs = portfolio_dirs(&args.path)?;
    let mut builder = recovery::RecoveryBuilder::new(args.from, args.to);
    let mut failed = 0usize;
    for dir in &dirs {
        let result = load_dir(dir)
            .map_err(|p| p.to_string())
            .and_then(|l| builder.add(&l.dossier, &rules).map_err(|e| e.to_string()));
        if let Err(e) = result {
            failed += 1;
            eprintln!("{}: {e}", dir.display());
        }
    }
    let report = builder.finish();
    match args.format {
        RecoveryFormat::Csv => print!("{}", recovery::to_csv(&report)),
        RecoveryFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report)?;
            s.push('\n');
            print!("{s}");
        }
        RecoveryFormat::Table => print!("{}", recovery_table(&report)),
    }
    if report.partial > 0 {
        eprintln!(
            "warning: {} dossier(s) lack a rate: their open amount is principal only",
            report.partial
        );
    }
    if failed > 0 {
        eprintln!("error: {failed} dossier(s) left out of the report");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn recovery_table(r: &recovery::Recovery) -> String {
    let fr = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "RECOUVREMENT PAR ÉTAPE du {} au {}",
        fr(r.from),
        fr(r.to)
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<30}{:<14}{:>9}{:>8}{:>16}{:>16}{:>10}{:>16}",
        "Étape",
        "Canal",
        "Dossiers",
        "Envois",
        "Recouvré 15 j",
        "Recouvré 30 j",
        "Délai j",
        "Encore dû"
    );
    for row in &r.rows {
        let _ = writeln!(
            out,
            "{:<30}{:<14}{:>9}{:>8}{:>16}{:>16}{:>10}{:>16}",
            recovery::step_fr(row.step),
            recovery::channel_fr(row.channel),
            row.dossiers,
            row.sent,
            format_eur(row.recovered_15),
            format_eur(row.recovered_30),
            row.average_days
                .map(|d| format!("{d:.1}").replace('.', ","))
                .unwrap_or_else(|| "—".to_string()),
            format_eur(row.still_open)
        );
    }
    let _ = writeln!(
        out,
        "{:<44}{:>9}{:>8}{:>16}{:>16}{:>10}{:>16}",
        "TOTAL",
        r.dossiers,
        "",
        format_eur(r.recovered_15),
        format_eur(r.recovered_30),
        "",
        format_eur(r.still_open)
    );
    out
}

/// The dossier folders under `path`, or an error when there is none.
fn portfolio_dirs(path: &std::path::Path) -> anyhow::Result<Vec<PathBuf>> {
    let dirs = dossier_dirs(path);
    if dirs.is_empty() {
        anyhow::bail!(
            "{}: no dossier (dossier.toml or dossier.json) found",
            path.display()
        );
    }
    Ok(dirs)
}

fn aging_table(a: &Aging) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "BALANCE ÂGÉE au {}", a.as_of.format("%d/%m/%Y"));
    let _ = writeln!(out);
    let mut header = format!("{:<20}", "Dossier");
    for b in BUCKETS_FR {
        let _ = write!(header, "{b:>14}");
    }
    let _ = write!(header, "{:>16}{:>16}", "Principal", "Total dû");
    let _ = writeln!(out, "{header}");
    let line = |label: &str, buckets: &[rust_decimal::Decimal; 6], p, t| {
        let mut s = format!("{:<20}", truncate(label, 19));
        for v in buckets {
            let _ = write!(s, "{:>14}", format_eur(*v));
        }
        let _ = write!(s, "{:>16}{:>16}", format_eur(p), format_eur(t));
        s
    };
    for r in &a.rows {
        let _ = writeln!(
            out,
            "{}",
            line(&r.reference, &r.buckets, r.principal, r.total_due)
        );
        let _ = writeln!(
            out,
            "  {} — {}{}",
            r.debtor,
            r.stage,
            if r.partial {
                " (sans pénalités ni intérêts : taux manquant)"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(
        out,
        "{}",
        line("TOTAL", &a.buckets, a.principal, a.total_due)
    );
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
