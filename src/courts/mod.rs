//! Which court and which procedure, for each debtor: the court tables of
//! `legal-rules/juridictions/` and the lookup that names the competent court.
//!
//! The tables are rule data like every other figure of the law: loaded with the rules
//! ([`crate::rules::Rules::courts`]), each naming its article, source and date.
//! [`competent_court`] answers, for a dossier and a date, the court by name ("tribunal de
//! commerce de Toulouse", "tribunal des activités économiques de Lyon", "chambre commerciale
//! du tribunal judiciaire de Strasbourg", "tribunal administratif de Lyon"), how it was found,
//! and the warnings (a postal code the table does not cover, an address used instead of the
//! registered office). [`procedure`] says which court document a dossier leads to.

pub mod import;
mod load;
mod lookup;
mod names;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use load::{FOLDER, load};
pub use lookup::{
    Court, Jurisdiction, Lawyer, Procedure, competent_court, ip_refusal, lawyer,
    memorandum_missing, procedure,
};
pub use names::{de, normalize_commune};

/// What every court table names: its id, title, legal basis, source and file.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub article: String,
    pub source: String,
    /// Relative to the rules folder.
    pub file: String,
}

/// Every court table of a rules folder; a missing table gives generic wording and a warning.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Courts {
    pub greffes: Option<Greffes>,
    pub tae: Option<Tae>,
    pub contribution: Option<Contribution>,
    /// The départements whose commercial court is a chamber of the tribunal judiciaire.
    pub alsace_moselle: Option<(Source, Vec<String>)>,
    /// The legal forms of civil debtors (C. com. L721-3).
    pub civil_forms: Option<(Source, Vec<String>)>,
    pub admin: Option<AdminCourts>,
    pub lawyer: Option<LawyerRule>,
    /// The tribunaux judiciaires by commune, when imported (`relance rules import-courts`).
    pub tj: Option<TjTable>,
}

/// The Datainfogreffe table: greffes by postal code and by INSEE code.
#[derive(Debug, Clone, PartialEq)]
pub struct Greffes {
    pub source: Source,
    pub licence: String,
    pub extract: NaiveDate,
    pub caveats: Vec<String>,
    /// Names in the CSV that are not commercial courts.
    pub not_courts: Vec<String>,
    pub seats: Vec<Seat>,
    /// Sorted by code; the index into `seats`, `u16::MAX` for a row that is not a court.
    pub by_postal: Vec<([u8; 5], u16)>,
    pub by_insee: Vec<([u8; 5], u16)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatKind {
    TribunalDeCommerce,
    /// Overseas departments.
    TribunalMixte,
    /// Moselle, Bas-Rhin, Haut-Rhin.
    ChambreCommercialeTj,
}

/// One commercial court: the table's key ("LYON") and the seat as written ("Lyon").
#[derive(Debug, Clone, PartialEq)]
pub struct Seat {
    pub key: String,
    pub seat: String,
    pub kind: SeatKind,
}

/// Found in a code table: `Some(Some(seat))`, `Some(None)` for a row that is not a court,
/// `None` for a code the table does not hold.
type Found<'a> = Option<Option<&'a Seat>>;

impl Greffes {
    fn find<'a>(&'a self, rows: &[([u8; 5], u16)], code: &str) -> Found<'a> {
        let key: [u8; 5] = code.as_bytes().try_into().ok()?;
        let i = rows.binary_search_by(|(k, _)| k.cmp(&key)).ok()?;
        Some(self.seats.get(usize::from(rows[i].1)))
    }

    pub fn by_postal_code(&self, code: &str) -> Found<'_> {
        self.find(&self.by_postal, code)
    }

    pub fn by_insee(&self, code: &str) -> Found<'_> {
        self.find(&self.by_insee, code)
    }
}

/// The tribunaux des activités économiques: dated renaming of some commercial courts.
#[derive(Debug, Clone, PartialEq)]
pub struct Tae {
    pub source: Source,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Greffe keys.
    pub seats: Vec<String>,
    pub note: Option<String>,
}

/// The contribution pour la justice économique (a warning only: its scope is unconfirmed).
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub source: Source,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub threshold: Decimal,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdminCourts {
    pub source: Source,
    pub provisional: bool,
    pub note: Option<String>,
    pub courts: Vec<AdminCourt>,
}

/// A tribunal administratif and its area (CJA R221-3).
#[derive(Debug, Clone, PartialEq)]
pub struct AdminCourt {
    pub seat: String,
    pub departments: Vec<String>,
    /// Postal codes of its own inside another département's range (Saint-Barthélemy...).
    pub postal_codes: Vec<String>,
}

/// Whether a lawyer is needed before the tribunal administratif (CJA R431-2, R431-3).
#[derive(Debug, Clone, PartialEq)]
pub struct LawyerRule {
    pub source: Source,
    pub provisional: bool,
    pub required: String,
    pub exception: String,
    /// `public_status` values of the debtor that exempt from the lawyer.
    pub exempt: Vec<String>,
}

/// The tribunaux judiciaires by commune (Ministry of Justice table, imported).
#[derive(Debug, Clone, PartialEq)]
pub struct TjTable {
    pub source: Source,
    pub imported_from: String,
    /// Sorted by INSEE code.
    pub entries: Vec<TjEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TjEntry {
    pub insee: String,
    pub commune: String,
    pub court: String,
}

impl Courts {
    /// The département of a postal code: two digits, three overseas, 2A / 2B in Corsica.
    pub fn department(postal_code: &str) -> Option<String> {
        let b = postal_code.as_bytes();
        if b.len() != 5 || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(match &postal_code[..2] {
            "20" => {
                if postal_code < "20200" {
                    "2A".to_string()
                } else {
                    "2B".to_string()
                }
            }
            "97" | "98" => postal_code[..3].to_string(),
            d => d.to_string(),
        })
    }
}
