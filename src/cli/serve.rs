//! `relance serve DIR [--addr 127.0.0.1:8080] [--as-of DATE] [--token T]`: the local web
//! app over the dossiers of a folder. The only command that starts an async runtime.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;

use super::{RulesArg, as_of_or_today};
use crate::serve::{App, Config, router};

pub const EXAMPLES: &str = "\
Examples:
  relance serve examples                       # then open http://127.0.0.1:8080/
  relance serve dossiers/ --as-of 2026-06-30
  relance serve dossiers/ --addr 0.0.0.0:8080 --token \"$(cat token.txt)\"

Beyond loopback (127.0.0.1, ::1) every request needs the token: open the address printed,
which carries it once (?token=...) and leaves it in a cookie, or send
`Authorization: Bearer TOKEN`. Without --token, one is generated and printed.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder holding the dossier folders (searched recursively, as `plan` does).
    dir: PathBuf,
    /// The address to listen on. Loopback by default; any other needs a token.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The date the pages show when they are not given one (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Require this token on every request (generated and printed when the address is not
    /// loopback and none is given).
    #[arg(long, value_name = "T")]
    token: Option<String>,
    /// Where the batch button writes (OUT/<date>/); default: DIR/sorties.
    #[arg(long, value_name = "OUT")]
    out: Option<PathBuf>,
    #[command(flatten)]
    rules: RulesArg,
}

/// 32 random bytes as hex, from the system's generator: the one place relance uses
/// randomness (a secret is worth nothing if it can be guessed); never written to a file.
fn secret() -> anyhow::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("cannot read /dev/urandom for a token")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !args.dir.is_dir() {
        anyhow::bail!("{}: not a folder", args.dir.display());
    }
    // The built-in rules (or --rules), with the overlays merged over them, as every
    // command loads them.
    let (rules, rule_files) = args.rules.load_with_files()?;
    let loopback = args.addr.ip().is_loopback();
    let token = match (&args.token, loopback) {
        (Some(t), _) if t.len() < 16 => anyhow::bail!("--token: at least 16 characters"),
        (Some(t), _) => Some(t.clone()),
        (None, true) => None,
        (None, false) => Some(secret()?),
    };
    let fixed = args.as_of;
    let config = Config {
        batch_out: args.out.clone().unwrap_or_else(|| args.dir.join("sorties")),
        root: args.dir.clone(),
        rules,
        rule_files,
        rules_overlay: args.rules.overlay_dirs().into_iter().next(),
        rules_base: args.rules.base_dir(),
        today: Arc::new(move || as_of_or_today(fixed)),
        token: token.clone(),
        csrf: secret()?,
    };
    let app = App::new(config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("{}: cannot listen", args.addr))?;
        let shown = listener.local_addr().unwrap_or(args.addr);
        let host = if loopback && shown.ip().is_ipv4() {
            format!("127.0.0.1:{}", shown.port())
        } else {
            shown.to_string()
        };
        match &token {
            Some(t) => println!(
                "relance serve: {} on http://{host}/?token={t}",
                args.dir.display()
            ),
            None => println!("relance serve: {} on http://{host}/", args.dir.display()),
        }
        println!("(Ctrl+C to stop)");
        axum::serve(listener, router(app))
            .await
            .context("the server stopped")
    })?;
    Ok(ExitCode::SUCCESS)
}
