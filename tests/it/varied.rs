//! Dossiers that differ as real ones do, for `benches/varied.rs` and the test that keeps
//! them valid: every regime, one to six invoices, payments naming an invoice or none,
//! reminders and notices by every channel, contractual rates, agencies, insolvency, names
//! and addresses of every length (so that Typst cannot reuse one dossier's text for the
//! next). Deterministic: dossier `i` is always the same.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{Days, NaiveDate};

/// The date the varied dossiers are batched for.
#[allow(dead_code)]
pub const AS_OF: &str = "2026-06-30";

const TRADES: [&str; 8] = [
    "Menuiserie",
    "Électricité générale",
    "Boulangerie-pâtisserie",
    "Transports frigorifiques",
    "Conseil en ingénierie",
    "Imprimerie",
    "Plâtrerie et peinture",
    "Maintenance informatique",
];
const NAMES: [&str; 8] = [
    "Dupont",
    "Lefèvre & Fils",
    "Nguyên",
    "Brun-Delacroix",
    "Ōkubo",
    "Saint-Exupéry",
    "Martínez",
    "Kowalski",
];
const CITIES: [(&str, &str); 8] = [
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13002", "Marseille"),
    ("31000", "Toulouse"),
    ("67000", "Strasbourg"),
    ("57000", "Metz"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
];
const CHANNELS: [&str; 4] = ["email", "letter", "registered-letter", "sms"];

/// A small deterministic mixer: the `k`-th draw for dossier `i`.
fn draw(i: usize, k: usize) -> usize {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (k as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x % 1_000_003) as usize
}

fn plus(d: NaiveDate, days: usize) -> NaiveDate {
    d + Days::new(days as u64)
}

/// Writes `n` varied dossiers under `dir` (`dir/v-00000/dossier.toml`...), each with its
/// invoices as pieces (the court requests need them).
/// A made-up SIREN for dossier `i`'s debtor, valid by its Luhn key: no two generated debtors
/// share one.
pub fn fictitious_siren(i: usize) -> String {
    let base = format!("{:08}", 30_000_000 + i % 60_000_000);
    (0..10)
        .map(|key| format!("{base}{key}"))
        .find(|siren| relance::dossier::ids::is_valid_siren(siren))
        .expect("one key in ten completes a Luhn-valid SIREN")
}

pub fn write_varied(dir: &Path, n: usize) {
    let piece = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/atelier-martin/pieces/F-2026-001.pdf"),
    )
    .expect("the example's piece");
    for i in 0..n {
        let folder = dir.join(format!("v-{i:05}"));
        std::fs::create_dir_all(folder.join("pieces")).expect("create a dossier folder");
        let (text, invoices) = dossier(i);
        for k in 0..invoices {
            std::fs::write(folder.join(format!("pieces/f{k}.pdf")), &piece).expect("write a piece");
        }
        std::fs::write(folder.join("dossier.toml"), text).expect("write a dossier");
    }
}

/// The text of varied dossier `i` and its number of invoices.
pub fn dossier(i: usize) -> (String, usize) {
    let regime = ["b2b", "b2b", "b2c", "b2g", "c2x"][draw(i, 0) % 5];
    let trade = TRADES[draw(i, 1) % TRADES.len()];
    let name = NAMES[draw(i, 2) % NAMES.len()];
    let (cp, city) = CITIES[draw(i, 3) % CITIES.len()];
    let (dcp, dcity) = CITIES[draw(i, 4) % CITIES.len()];
    let street = 1 + draw(i, 5) % 180;
    let mut t = format!("reference = \"VAR-{i:05}\"\nlanguage = \"fr\"\n");
    if draw(i, 6).is_multiple_of(4) {
        t.push_str("payment_imputation = \"principal-first\"\n");
    }
    // The creditor.
    if regime == "c2x" {
        let _ = write!(
            t,
            "\n[creditor]\nkind = \"individual\"\nname = \"Claire {name}\"\naddress = [\"{street} allée des Tilleuls\", \"{cp} {city}\"]\nsignatory = \"Claire {name}\"\n"
        );
    } else {
        let _ = write!(
            t,
            "\n[creditor]\nkind = \"company\"\nname = \"{trade} {name} SARL\"\nlegal_form = \"SARL\"\nsiren = \"{}\"\naddress = [\"{street} rue des Lilas\", \"{cp} {city}\"]\n",
            fictitious_siren(i + 30_000_000)
        );
        if !draw(i, 7).is_multiple_of(3) {
            t.push_str("iban = \"FR7630006000011234567890189\"\n");
        }
        let _ = writeln!(t, "signatory = \"Jeanne {name}, gérante\"");
    }
    // The debtor.
    let dname = NAMES[draw(i, 8) % NAMES.len()];
    match regime {
        "b2c" => {
            let _ = write!(
                t,
                "\n[debtor]\nkind = \"consumer\"\nname = \"M. Paul {dname}\"\naddress = [\"{} avenue Victor-Hugo\", \"{dcp} {dcity}\"]\n",
                1 + draw(i, 9) % 90
            );
        }
        "b2g" => {
            let _ = write!(
                t,
                "\n[debtor]\nkind = \"public-body\"\npublic_status = \"local-authority\"\nname = \"Commune de {dcity}\"\naddress = [\"Hôtel de Ville\", \"Place de la Mairie\", \"{dcp} {dcity}\"]\n"
            );
        }
        _ => {
            let _ = write!(
                t,
                "\n[debtor]\nkind = \"company\"\nname = \"{} {dname} SAS\"\nsiren = \"{}\"\naddress = [\"{} boulevard de la République\", \"{dcp} {dcity}\"]\n",
                TRADES[draw(i, 10) % TRADES.len()],
                fictitious_siren(i),
                1 + draw(i, 11) % 240
            );
            if regime == "b2b" && draw(i, 12).is_multiple_of(25) {
                t.push_str("insolvency_opened = 2026-05-04\n");
            }
        }
    }
    if matches!(regime, "b2c" | "c2x") {
        // The tribunal judiciaire is named by the user (no table of them ships).
        let _ = write!(
            t,
            "\n[court]\nname = \"tribunal judiciaire de {dcity}\"\naddress = [\"Palais de justice\", \"{dcp} {dcity}\"]\n"
        );
    }
    if regime == "b2b" && draw(i, 13).is_multiple_of(6) {
        t.push_str("\n[agency]\nname = \"Recouvrement Exemple SAS\"\nsiren = \"420796229\"\naddress = [\"8 boulevard Haussmann\", \"75009 Paris\"]\nmandate = \"MANDAT-2026-017\"\n");
    }
    if regime == "b2b" && draw(i, 14).is_multiple_of(4) {
        let rate = ["12.5", "15", "6", "20"][draw(i, 15) % 4];
        let _ = write!(t, "\n[terms]\npenalty_rate = \"{rate}\"\n");
    }
    // Invoices: one to six, due from September 2025 to April 2026.
    let count = 1 + draw(i, 16) % 6;
    let first_due = plus(
        NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
        draw(i, 17) % 170,
    );
    let mut dues = Vec::new();
    for k in 0..count {
        let due = plus(first_due, k * (7 + draw(i, 18 + k) % 20));
        let issued = due - Days::new(30);
        let cents = 5_000 + draw(i, 30 + k) % 900_000;
        let _ = write!(
            t,
            "\n[[invoices]]\nnumber = \"F-{i}-{k}\"\nissued = {issued}\ndue = {due}\namount = \"{}.{:02}\"\ndescription = \"{trade} — prestation {} n° {k}\"\npiece = \"pieces/f{k}.pdf\"\n",
            cents / 100,
            cents % 100,
            ["de mars", "d'entretien", "de livraison", "du chantier Nord"][draw(i, 40 + k) % 4],
        );
        dues.push((due, cents));
    }
    // Payments: none, one or two, naming an invoice or none.
    for p in 0..draw(i, 50) % 3 {
        let (due, cents) = dues[draw(i, 51 + p) % dues.len()];
        let part = cents / (2 + p);
        let date = plus(due, 3 + draw(i, 55 + p) % 40);
        let _ = write!(
            t,
            "\n[[payments]]\ndate = {date}\namount = \"{}.{:02}\"\n{}reference = \"VIR {i}-{p}\"\n",
            part / 100,
            part % 100,
            if draw(i, 58 + p).is_multiple_of(2) {
                format!("invoice = \"F-{i}-{}\"\n", draw(i, 51 + p) % dues.len())
            } else {
                String::new()
            }
        );
    }
    // What already happened: up to three reminders, then perhaps the formal notice.
    let last_due = dues.iter().map(|(d, _)| *d).max().unwrap();
    let steps = draw(i, 60) % 5;
    for (s, days) in [8usize, 20, 35].into_iter().take(steps.min(3)).enumerate() {
        let _ = write!(
            t,
            "\n[[events]]\ndate = {}\nkind = \"reminder\"\nchannel = \"{}\"\n",
            plus(last_due, days),
            CHANNELS[draw(i, 61 + s) % CHANNELS.len()]
        );
    }
    if steps == 4 {
        let _ = write!(
            t,
            "\n[[events]]\ndate = {}\nkind = \"formal-notice\"\nchannel = \"registered-letter\"\npiece = \"pieces/f0.pdf\"\n",
            plus(last_due, 45)
        );
    }
    (t, count)
}

/// The documents `batch` renders for a dossier whose step `document` is due: that step,
/// the bordereau with a request, and the décompte.
#[allow(dead_code)]
pub fn batch_documents(document: &str) -> Vec<relance::letters::DocKind> {
    use relance::letters::DocKind;
    let mut kinds = vec![DocKind::parse(document).unwrap_or(DocKind::Relance1)];
    if matches!(
        kinds[0],
        DocKind::RequeteInjonction | DocKind::RequeteRefere
    ) {
        kinds.push(DocKind::Bordereau);
    }
    if kinds[0] != DocKind::Decompte {
        kinds.push(DocKind::Decompte);
    }
    kinds
}
