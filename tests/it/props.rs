//! Properties that hold for every dossier: the statement adds up, nothing goes negative,
//! debt only grows with time when nothing is paid, and the order of the file never matters.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use relance::calc::{Statement, compute};
use relance::dossier::*;
use relance::rules::Rules;
use rust_decimal::Decimal;
use std::sync::LazyLock;

static RULES: LazyLock<Rules> = LazyLock::new(Rules::embedded);

/// The range the embedded rules cover for every regime.
fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1)
        .unwrap()
        .checked_add_days(Days::new(offset))
        .unwrap()
}
const AS_OF: u64 = 1276; // 2026-06-30

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

fn regime() -> impl Strategy<Value = (CreditorKind, DebtorKind)> {
    prop_oneof![
        Just((CreditorKind::Company, DebtorKind::Company)),
        Just((CreditorKind::Company, DebtorKind::Consumer)),
        Just((CreditorKind::Company, DebtorKind::PublicBody)),
        Just((CreditorKind::Individual, DebtorKind::Company)),
        Just((CreditorKind::Individual, DebtorKind::PublicBody)),
    ]
}

prop_compose! {
    fn invoices()(raw in prop::collection::vec((0u64..1100, 0u64..90, 1i64..5_000_000), 1..7)) -> Vec<Invoice> {
        raw.into_iter().enumerate().map(|(i, (issued, term, amount))| Invoice {
            number: format!("F-{i:03}"),
            issued: day(issued),
            due: day(issued + term),
            amount: cents(amount),
            description: None,
            piece: None,
            received: None,
        }).collect()
    }
}

prop_compose! {
    fn dossier()(
        (creditor_kind, debtor_kind) in regime(),
        invoices in invoices(),
        principal_first in any::<bool>(),
        contractual in prop::option::of(0i64..2000),
        payments in prop::collection::vec((0u64..1400, 1i64..3_000_000, prop::option::of(0usize..8), prop::option::of("[A-C]")), 0..8),
        events in prop::collection::vec((0u64..1400, 0usize..5, prop::option::of(0usize..8), 0usize..6), 0..6),
        insolvency in prop::option::of(0u64..1300),
    ) -> Dossier {
        let n = invoices.len();
        let pick = |i: Option<usize>| i.filter(|&i| i < n).map(|i| format!("F-{i:03}"));
        let kinds = [EventKind::Reminder, EventKind::FormalNotice, EventKind::Acknowledgment, EventKind::Dispute, EventKind::IpServed];
        let channels = [None, Some(Channel::Email), Some(Channel::Letter), Some(Channel::RegisteredLetter), Some(Channel::Phone), Some(Channel::Sms)];
        Dossier {
            reference: "P-1".into(),
            language: "fr".into(),
            payment_imputation: if principal_first { Imputation::PrincipalFirst } else { Imputation::InterestFirst },
            imputation_explicit: true,
            contract: None,
            exhibits: Vec::new(),
            court: None,
            lawyer: None,
            scenario: None,
            creditor: Creditor {
                kind: creditor_kind,
                name: "C".into(),
                legal_form: None,
                siren: (creditor_kind == CreditorKind::Company).then(|| "732829320".into()),
                address: vec!["1 rue A".into(), "69003 Lyon".into()],
                email: None,
                iban: None,
                signatory: None,
                extra: Default::default(),
            },
            debtor: Debtor {
                kind: debtor_kind,
                name: "D".into(),
                legal_form: None,
                public_status: None,
                siren: None,
                registered_office: None,
            insee: None,
                address: None,
                email: None,
                insolvency_opened: insolvency.map(day),
                extra: Default::default(),
            },
            agency: None,
            terms: Terms { penalty_rate: contractual.map_or(PenaltyRate::Default, |c| PenaltyRate::Contractual(cents(c))), ..Terms::default() },
            payments: payments.into_iter().map(|(date, amount, inv, reference)| Payment {
                date: day(date), amount: cents(amount), invoice: pick(inv), reference, piece: None,
            }).collect(),
            events: events.into_iter().map(|(date, kind, inv, channel)| Event {
                date: day(date), kind: kinds[kind], invoice: pick(inv), channel: channels[channel], piece: None,
            }).collect(),
            invoices,
            payment_plan: None,
        }
    }
}

fn statement(d: &Dossier, as_of: u64) -> Statement {
    compute(d, &RULES, day(as_of)).unwrap_or_else(|e| panic!("{e}"))
}

fn sum(f: impl Fn(&relance::calc::InvoiceLine) -> Decimal, s: &Statement) -> Decimal {
    s.invoices.iter().map(f).sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn totals_are_the_sums_of_their_lines(d in dossier()) {
        let s = statement(&d, AS_OF);
        let t = &s.totals;
        prop_assert_eq!(t.principal, sum(|l| l.principal, &s));
        prop_assert_eq!(t.paid, sum(|l| l.paid, &s));
        prop_assert_eq!(t.outstanding, sum(|l| l.outstanding, &s));
        prop_assert_eq!(t.penalties, sum(|l| l.penalties, &s));
        prop_assert_eq!(t.interest, sum(|l| l.interest, &s));
        prop_assert_eq!(t.indemnities, sum(|l| l.indemnity, &s));
        prop_assert_eq!(t.penalties_paid, sum(|l| l.penalties_paid, &s));
        prop_assert_eq!(t.total_due, sum(|l| l.total_due(), &s));
        prop_assert_eq!(t.total_due, t.outstanding + t.penalties + t.interest - t.penalties_paid + t.indemnities);
        for l in &s.invoices {
            let accrued: Decimal = l.periods.iter().map(|p| p.amount).sum();
            prop_assert_eq!(accrued, l.penalties + l.interest);
            prop_assert!(l.penalties.is_zero() || l.interest.is_zero());
            for p in &l.periods {
                prop_assert_eq!(p.amount.scale(), 2);
                prop_assert_eq!(p.days, (p.to - p.from).num_days() + 1);
                prop_assert!(p.days > 0 && p.from > l.due && p.to <= day(AS_OF));
            }
            // Periods follow each other and never straddle a half-year (b2g aside).
            for w in l.periods.windows(2) {
                prop_assert!(w[0].to < w[1].from);
            }
        }
        // What was paid went to invoices or is overpaid: nothing lost, nothing invented.
        let received: Decimal = d.payments.iter().filter(|p| p.date <= day(AS_OF)).map(|p| p.amount).sum();
        prop_assert_eq!(received, t.paid + t.overpaid);
    }

    #[test]
    fn nothing_is_ever_negative(d in dossier()) {
        let s = statement(&d, AS_OF);
        for l in &s.invoices {
            prop_assert!(l.outstanding >= Decimal::ZERO && l.outstanding <= l.principal);
            prop_assert!(l.penalties_paid >= Decimal::ZERO && l.penalties_paid <= l.penalties + l.interest);
            prop_assert!(l.total_due() >= Decimal::ZERO);
            prop_assert!(l.days_late >= 0);
            prop_assert!(l.prescription.expires_on > l.due);
        }
        prop_assert!(s.totals.overpaid >= Decimal::ZERO);
    }

    #[test]
    fn without_payments_the_debt_never_decreases_with_time(mut d in dossier(), a in 1100u64..AS_OF, b in 1100u64..AS_OF) {
        d.payments.clear();
        let (early, late) = (a.min(b), a.max(b));
        prop_assume!(d.invoices.iter().all(|i| i.issued <= day(early)));
        let s1 = statement(&d, early);
        let s2 = statement(&d, late);
        prop_assert!(s1.totals.total_due <= s2.totals.total_due, "{} > {}", s1.totals.total_due, s2.totals.total_due);
    }

    #[test]
    fn the_order_of_the_file_never_matters(d in dossier(), seed in any::<u64>()) {
        let mut shuffled = d.clone();
        let mut rng = seed;
        let mut shuffle = |len: usize| -> Vec<usize> {
            let mut idx: Vec<usize> = (0..len).collect();
            for i in (1..len).rev() {
                rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                idx.swap(i, (rng >> 33) as usize % (i + 1));
            }
            idx
        };
        let order = shuffle(d.invoices.len());
        shuffled.invoices = order.iter().map(|&i| d.invoices[i].clone()).collect();
        let order = shuffle(d.payments.len());
        shuffled.payments = order.iter().map(|&i| d.payments[i].clone()).collect();
        let order = shuffle(d.events.len());
        shuffled.events = order.iter().map(|&i| d.events[i].clone()).collect();
        let a = serde_json::to_string(&statement(&d, AS_OF).to_json()).unwrap();
        let b = serde_json::to_string(&statement(&shuffled, AS_OF).to_json()).unwrap();
        prop_assert_eq!(a, b);
    }
}
