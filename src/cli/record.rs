//! `relance record DOSSIER ...`: the command-line edge of [`crate::record`] (append an event
//! or a payment to the dossier file under its lock, checked, atomically).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use crate::dossier::{EventKind, parse_amount};
use crate::record::{Entry, Piece, RecordError, record};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    Reminder,
    FormalNotice,
    Acknowledgment,
    Dispute,
    IpServed,
    /// The notice of a missed instalment of the payment plan.
    InstalmentNotice,
    /// The payment plan has ended (déchéance du terme).
    PlanEnded,
    /// The debtor signed the payment plan: also sets payment_plan.agreed (and piece).
    PlanAgreed,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Channel {
    Email,
    Letter,
    RegisteredLetter,
    Phone,
    Sms,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["kind", "payment"])))]
pub struct Args {
    /// The dossier folder, or its dossier.toml / dossier.json.
    dossier: PathBuf,
    /// The event to record (for a letter: the day the debtor received it).
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Record a payment of this amount instead (e.g. 250.00).
    #[arg(long, value_name = "AMOUNT", conflicts_with_all = ["kind", "channel", "piece"])]
    payment: Option<String>,
    /// The date of the event or payment (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    date: NaiveDate,
    /// The invoice concerned (events: without it, every invoice; payments: the one the
    /// debtor said it pays).
    #[arg(long, value_name = "NUMBER")]
    invoice: Option<String>,
    #[arg(long, value_enum)]
    channel: Option<Channel>,
    /// A proof: a file inside the dossier folder, or a file copied into its pieces/ folder.
    #[arg(long, value_name = "FILE")]
    piece: Option<PathBuf>,
    /// The payment's reference (bank transfer label, cheque number).
    #[arg(long, value_name = "TEXT", requires = "payment")]
    reference: Option<String>,
    /// How long to wait, in seconds, while another process writes this dossier.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::lock::DEFAULT_WAIT.as_secs())]
    wait: u64,
    /// The rules an agreed payment plan is checked against (spec §6).
    #[command(flatten)]
    rules: super::RulesArg,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let amount = match &args.payment {
        Some(a) => Some(parse_amount(a).map_err(|m| anyhow::anyhow!("--payment: \"{a}\": {m}"))?),
        None => None,
    };
    let entry = match (amount, args.kind) {
        (Some(amount), _) => Entry::Payment {
            date: args.date,
            amount,
            invoice: args.invoice,
            reference: args.reference,
        },
        (None, Some(kind)) => Entry::Event {
            date: args.date,
            kind: kind.into(),
            invoice: args.invoice,
            channel: args.channel.map(Into::into),
            piece: args.piece.map(Piece::File),
        },
        (None, None) => unreachable!("clap requires --kind or --payment"),
    };
    let rules = args.rules.load()?;
    match record(
        &args.dossier,
        &entry,
        std::time::Duration::from_secs(args.wait),
        &rules,
    ) {
        Ok(done) => {
            println!("{}: recorded {}", done.file.display(), entry.describe());
            Ok(ExitCode::SUCCESS)
        }
        Err(RecordError::Invalid(problems)) => {
            eprintln!("{problems}");
            eprintln!("error: the dossier has problems: fix them before recording");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

impl From<Kind> for EventKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Reminder => EventKind::Reminder,
            Kind::FormalNotice => EventKind::FormalNotice,
            Kind::Acknowledgment => EventKind::Acknowledgment,
            Kind::Dispute => EventKind::Dispute,
            Kind::IpServed => EventKind::IpServed,
            Kind::InstalmentNotice => EventKind::InstalmentNotice,
            Kind::PlanEnded => EventKind::PlanEnded,
            Kind::PlanAgreed => EventKind::PlanAgreed,
        }
    }
}

impl From<Channel> for crate::dossier::Channel {
    fn from(c: Channel) -> Self {
        use crate::dossier::Channel as C;
        match c {
            Channel::Email => C::Email,
            Channel::Letter => C::Letter,
            Channel::RegisteredLetter => C::RegisteredLetter,
            Channel::Phone => C::Phone,
            Channel::Sms => C::Sms,
        }
    }
}
