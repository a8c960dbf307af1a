//! E-invoices (EN 16931): CII and UBL XML, and the CII embedded in a Factur-X / ZUGFeRD
//! PDF. The seller is the creditor, the buyer the debtor (spec §5).
//!
//! Fields read (formats.md §2): BT-1 number, BT-2 issue date, BT-3 type (credit notes
//! become credits), BT-5 currency (EUR only), BT-9 due date, BT-20 payment terms (reported
//! when there is no due date), BT-27/BT-44 names, BT-30/BT-47 legal ids (SIREN, scheme
//! 0002; a SIRET, scheme 0009, gives its first nine digits), BT-31/BT-48 VAT numbers (a
//! French one gives the SIREN when no legal id does), BT-35..40 and BT-50..55 addresses,
//! BT-34/BT-49 and contact emails, BT-84 IBAN, BT-112 total incl. VAT, BT-113 prepaid,
//! BT-114 rounding, BT-115 amount due, BT-153 item names. The amount claimed is BT-115.

use roxmltree::{Document, Node};
use rust_decimal::Decimal;

use super::values::{clean_text, parse_iso_date, parse_xml_amount, safe_key};
use super::{Context, Draft, InvoiceDraft, Kind, Parties, PaymentDraft, Piece};
use crate::dossier::ids::{is_valid_siren, normalize_iban};
use crate::dossier::{Creditor, CreditorFile, CreditorKind, address_problem, is_email};
use crate::error::{Problem, Problems};
use crate::money::cents_string;

/// File names under which Factur-X, ZUGFeRD and XRechnung embed the invoice XML.
const EMBEDDED_NAMES: &[&str] = &[
    "factur-x.xml",
    "zugferd-invoice.xml",
    "xrechnung.xml",
    "order-x.xml",
];

/// Largest embedded XML read from a PDF: far above any real invoice, small enough that a
/// hostile PDF cannot exhaust memory.
const MAX_XML: usize = 16 << 20;

/// Type codes (UNTDID 1001) read as credit notes; other accepted codes are invoices.
const CREDIT_NOTES: &[&str] = &[
    "381", "261", "262", "296", "308", "396", "420", "458", "532",
];
const INVOICES: &[&str] = &[
    "380", "383", "384", "386", "389", "751", "326", "875", "876", "877", "82", "80", "71",
];

/// A value found in the XML, with its line.
#[derive(Debug, Clone, Default)]
struct Found {
    text: String,
    line: usize,
    scheme: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Party {
    name: Option<Found>,
    /// Legal ids (BT-30/BT-47) and other identifiers, with their scheme.
    ids: Vec<Found>,
    vat: Vec<Found>,
    address_lines: Vec<String>,
    postcode: Option<String>,
    city: Option<String>,
    country: Option<String>,
    emails: Vec<Found>,
}

#[derive(Debug, Clone, Default)]
struct Fields {
    number: Option<Found>,
    type_code: Option<Found>,
    issued: Option<Found>,
    due: Option<Found>,
    currency: Option<Found>,
    terms: Option<Found>,
    seller: Party,
    buyer: Party,
    iban: Option<Found>,
    total: Option<Found>,
    prepaid: Option<Found>,
    rounding: Option<Found>,
    payable: Option<Found>,
    items: Vec<String>,
    /// CII dates are `YYYYMMDD` (format 102); UBL dates are ISO.
    cii: bool,
}

pub(super) fn read(
    cx: &mut Context,
    bytes: &[u8],
    creditor_file: Option<&CreditorFile>,
) -> Result<(Vec<Draft>, Parties), Problems> {
    let file = cx.report.source.clone();
    let xml_bytes = if cx.kind == Kind::Facturx {
        embedded_xml(bytes, &file)?
    } else {
        bytes.to_vec()
    };
    cx.report.lines_read = 1;
    let text = std::str::from_utf8(&xml_bytes)
        .map(|s| s.trim_start_matches('\u{feff}'))
        .map_err(|_| Problems::from(Problem::new(&file, "", "the XML is not UTF-8 text")))?;
    let doc = Document::parse(text).map_err(|e| {
        Problems::from(Problem::new(&file, "", format!("not well-formed XML: {e}")))
    })?;
    let root = doc.root_element();
    let line = |n: Node| doc.text_pos_at(n.range().start).row as usize;
    let fields = match (cx.kind, root.tag_name().name()) {
        (Kind::Cii | Kind::Facturx, "CrossIndustryInvoice") => cii(root, &line),
        (Kind::Ubl | Kind::Facturx, "Invoice" | "CreditNote") => ubl(root, &line),
        (Kind::Cii, "Invoice" | "CreditNote") => {
            return Err(Problem::new(
                &file,
                "",
                "a UBL invoice, not a CII one: use `relance import ubl`",
            )
            .into());
        }
        (Kind::Ubl, "CrossIndustryInvoice") => {
            return Err(Problem::new(
                &file,
                "",
                "a CII invoice, not a UBL one: use `relance import cii`",
            )
            .into());
        }
        (_, other) => {
            return Err(Problem::new(
                &file,
                "",
                format!(
                    "root element <{other}>: expected <CrossIndustryInvoice> (CII) or <Invoice> / \
                     <CreditNote> (UBL)"
                ),
            )
            .into());
        }
    };
    build(cx, bytes, &fields, creditor_file, &file)
}

/// The invoice XML embedded in a Factur-X / ZUGFeRD PDF.
fn embedded_xml(pdf: &[u8], file: &str) -> Result<Vec<u8>, Problems> {
    let refuse = |m: String| Problems::from(Problem::new(file, "", m));
    let options = lopdf::LoadOptions::with_max_decompressed_size(MAX_XML);
    let doc = lopdf::Document::load_mem_with_options(pdf, options)
        .map_err(|e| refuse(format!("not a readable PDF: {e}")))?;
    if doc.is_encrypted() {
        return Err(refuse(
            "an encrypted PDF: its embedded invoice cannot be read".to_string(),
        ));
    }
    let mut seen = Vec::new();
    // `objects` is ordered by object id: the first matching file wins, deterministically.
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else {
            continue;
        };
        if !dict.has(b"EF") {
            continue;
        }
        let name = [b"UF".as_slice(), b"F"].iter().find_map(|k| {
            dict.get(k)
                .ok()
                .and_then(|o| lopdf::decode_text_string(o).ok())
        });
        let Some(name) = name else {
            continue;
        };
        if !EMBEDDED_NAMES
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name.trim()))
        {
            seen.push(name);
            continue;
        }
        let stream = dict
            .get_deref(b"EF", &doc)
            .and_then(|ef| ef.as_dict())
            .and_then(|ef| ef.get_deref(b"F", &doc))
            .and_then(|f| f.as_stream())
            .map_err(|e| refuse(format!("embedded file {name}: unreadable: {e}")))?;
        return stream
            .decompressed_content_with_limit(MAX_XML)
            .map_err(|e| refuse(format!("embedded file {name}: cannot be decompressed: {e}")));
    }
    let others = if seen.is_empty() {
        "it embeds no file".to_string()
    } else {
        seen.sort();
        format!("it embeds only {}", seen.join(", "))
    };
    Err(refuse(format!(
        "no factur-x.xml (or zugferd-invoice.xml, xrechnung.xml) embedded: not a Factur-X / \
         ZUGFeRD PDF ({others})"
    )))
}

/// The first descendant reached by this path of local names.
fn at<'a, 'i>(node: Node<'a, 'i>, path: &[&str]) -> Option<Node<'a, 'i>> {
    let mut n = node;
    for name in path {
        n = n
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == *name)?;
    }
    Some(n)
}

/// Every node reached by this path of local names.
fn all<'a, 'i>(node: Node<'a, 'i>, path: &[&str]) -> Vec<Node<'a, 'i>> {
    let mut nodes = vec![node];
    for name in path {
        nodes = nodes
            .iter()
            .flat_map(|n| {
                n.children()
                    .filter(|c| c.is_element() && c.tag_name().name() == *name)
            })
            .collect();
    }
    nodes
}

fn found(n: Node, line: &dyn Fn(Node) -> usize) -> Option<Found> {
    let text = clean_text(n.text().unwrap_or(""));
    if text.is_empty() {
        return None;
    }
    Some(Found {
        text,
        line: line(n),
        scheme: n.attribute("schemeID").map(str::to_string),
    })
}

fn text_at(node: Node, path: &[&str], line: &dyn Fn(Node) -> usize) -> Option<Found> {
    at(node, path).and_then(|n| found(n, line))
}

fn cii(root: Node, line: &dyn Fn(Node) -> usize) -> Fields {
    let doc = at(root, &["ExchangedDocument"]);
    let tx = at(root, &["SupplyChainTradeTransaction"]);
    let agreement = tx.and_then(|t| at(t, &["ApplicableHeaderTradeAgreement"]));
    let settlement = tx.and_then(|t| at(t, &["ApplicableHeaderTradeSettlement"]));
    let party = |name: &str| -> Party {
        let Some(p) = agreement.and_then(|a| at(a, &[name])) else {
            return Party::default();
        };
        let mut ids: Vec<Found> = all(p, &["SpecifiedLegalOrganization", "ID"])
            .into_iter()
            .filter_map(|n| found(n, line))
            .collect();
        ids.extend(all(p, &["ID"]).into_iter().filter_map(|n| found(n, line)));
        ids.extend(
            all(p, &["GlobalID"])
                .into_iter()
                .filter_map(|n| found(n, line)),
        );
        let addr = at(p, &["PostalTradeAddress"]);
        let get = |f: &str| addr.and_then(|a| text_at(a, &[f], line)).map(|f| f.text);
        let mut emails: Vec<Found> = all(p, &["URIUniversalCommunication", "URIID"])
            .into_iter()
            .filter(|n| n.attribute("schemeID") == Some("EM"))
            .filter_map(|n| found(n, line))
            .collect();
        emails.extend(
            all(
                p,
                &[
                    "DefinedTradeContact",
                    "EmailURIUniversalCommunication",
                    "URIID",
                ],
            )
            .into_iter()
            .filter_map(|n| found(n, line)),
        );
        Party {
            name: text_at(p, &["Name"], line),
            ids,
            vat: all(p, &["SpecifiedTaxRegistration", "ID"])
                .into_iter()
                .filter(|n| n.attribute("schemeID") == Some("VA"))
                .filter_map(|n| found(n, line))
                .collect(),
            address_lines: ["LineOne", "LineTwo", "LineThree"]
                .iter()
                .filter_map(|f| get(f))
                .collect(),
            postcode: get("PostcodeCode"),
            city: get("CityName"),
            country: get("CountryID"),
            emails,
        }
    };
    let sum = settlement.and_then(|s| at(s, &["SpecifiedTradeSettlementHeaderMonetarySummation"]));
    let terms = settlement.and_then(|s| at(s, &["SpecifiedTradePaymentTerms"]));
    Fields {
        number: doc.and_then(|d| text_at(d, &["ID"], line)),
        type_code: doc.and_then(|d| text_at(d, &["TypeCode"], line)),
        issued: doc.and_then(|d| text_at(d, &["IssueDateTime", "DateTimeString"], line)),
        due: terms.and_then(|t| text_at(t, &["DueDateDateTime", "DateTimeString"], line)),
        currency: settlement.and_then(|s| text_at(s, &["InvoiceCurrencyCode"], line)),
        terms: terms.and_then(|t| text_at(t, &["Description"], line)),
        seller: party("SellerTradeParty"),
        buyer: party("BuyerTradeParty"),
        iban: settlement.and_then(|s| {
            text_at(
                s,
                &[
                    "SpecifiedTradeSettlementPaymentMeans",
                    "PayeePartyCreditorFinancialAccount",
                    "IBANID",
                ],
                line,
            )
        }),
        total: sum.and_then(|s| text_at(s, &["GrandTotalAmount"], line)),
        prepaid: sum.and_then(|s| text_at(s, &["TotalPrepaidAmount"], line)),
        rounding: sum.and_then(|s| text_at(s, &["RoundingAmount"], line)),
        payable: sum.and_then(|s| text_at(s, &["DuePayableAmount"], line)),
        items: tx
            .map(|t| {
                all(
                    t,
                    &[
                        "IncludedSupplyChainTradeLineItem",
                        "SpecifiedTradeProduct",
                        "Name",
                    ],
                )
                .into_iter()
                .filter_map(|n| found(n, line).map(|f| f.text))
                .collect()
            })
            .unwrap_or_default(),
        cii: true,
    }
}

fn ubl(root: Node, line: &dyn Fn(Node) -> usize) -> Fields {
    let party = |name: &str| -> Party {
        let Some(p) = at(root, &[name, "Party"]) else {
            return Party::default();
        };
        let mut ids: Vec<Found> = all(p, &["PartyLegalEntity", "CompanyID"])
            .into_iter()
            .filter_map(|n| found(n, line))
            .collect();
        ids.extend(
            all(p, &["PartyIdentification", "ID"])
                .into_iter()
                .filter_map(|n| found(n, line)),
        );
        let endpoint = at(p, &["EndpointID"]).and_then(|n| found(n, line));
        let mut emails = Vec::new();
        if let Some(e) = endpoint {
            if e.scheme.as_deref() == Some("EM") {
                emails.push(e);
            } else {
                ids.push(e);
            }
        }
        emails.extend(
            all(p, &["Contact", "ElectronicMail"])
                .into_iter()
                .filter_map(|n| found(n, line)),
        );
        let addr = at(p, &["PostalAddress"]);
        let get = |f: &str| addr.and_then(|a| text_at(a, &[f], line)).map(|f| f.text);
        let mut address_lines: Vec<String> = ["StreetName", "AdditionalStreetName"]
            .iter()
            .filter_map(|f| get(f))
            .collect();
        if let Some(a) = addr {
            address_lines.extend(
                all(a, &["AddressLine", "Line"])
                    .into_iter()
                    .filter_map(|n| found(n, line).map(|f| f.text)),
            );
        }
        Party {
            name: text_at(p, &["PartyLegalEntity", "RegistrationName"], line)
                .or_else(|| text_at(p, &["PartyName", "Name"], line)),
            ids,
            vat: all(p, &["PartyTaxScheme", "CompanyID"])
                .into_iter()
                .filter_map(|n| found(n, line))
                .collect(),
            address_lines,
            postcode: get("PostalZone"),
            city: get("CityName"),
            country: addr
                .and_then(|a| text_at(a, &["Country", "IdentificationCode"], line))
                .map(|f| f.text),
            emails,
        }
    };
    let total = at(root, &["LegalMonetaryTotal"]);
    let means = at(root, &["PaymentMeans"]);
    let items_path: &[&str] = if root.tag_name().name() == "CreditNote" {
        &["CreditNoteLine", "Item", "Name"]
    } else {
        &["InvoiceLine", "Item", "Name"]
    };
    Fields {
        number: text_at(root, &["ID"], line),
        type_code: text_at(root, &["InvoiceTypeCode"], line)
            .or_else(|| text_at(root, &["CreditNoteTypeCode"], line)),
        issued: text_at(root, &["IssueDate"], line),
        due: text_at(root, &["DueDate"], line)
            .or_else(|| means.and_then(|m| text_at(m, &["PaymentDueDate"], line))),
        currency: text_at(root, &["DocumentCurrencyCode"], line),
        terms: text_at(root, &["PaymentTerms", "Note"], line),
        seller: party("AccountingSupplierParty"),
        buyer: party("AccountingCustomerParty"),
        iban: means.and_then(|m| text_at(m, &["PayeeFinancialAccount", "ID"], line)),
        total: total.and_then(|t| text_at(t, &["TaxInclusiveAmount"], line)),
        prepaid: total.and_then(|t| text_at(t, &["PrepaidAmount"], line)),
        rounding: total.and_then(|t| text_at(t, &["PayableRoundingAmount"], line)),
        payable: total.and_then(|t| text_at(t, &["PayableAmount"], line)),
        items: all(root, items_path)
            .into_iter()
            .filter_map(|n| found(n, line).map(|f| f.text))
            .collect(),
        cii: false,
    }
}

/// The SIREN of a party, and how it was found: a legal id with scheme 0002 (SIREN), a
/// SIRET (scheme 0009, or 14 digits under 0002), a bare valid 9-digit id, or a French VAT
/// number whose key matches.
fn siren_of(p: &Party) -> Option<(String, Option<String>)> {
    let digits = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for id in &p.ids {
        let v = digits(&id.text);
        match id.scheme.as_deref() {
            Some("0002") | Some("0225") if is_valid_siren(&v) => return Some((v, None)),
            Some("0009") | Some("0002") if v.len() == 14 && is_valid_siren(&v[..9]) => {
                return Some((
                    v[..9].to_string(),
                    Some(format!(
                        "SIREN taken from the SIRET {v} (its first nine digits)"
                    )),
                ));
            }
            _ => {}
        }
    }
    for id in &p.ids {
        let v = digits(&id.text);
        if id.scheme.is_none() && is_valid_siren(&v) {
            return Some((
                v,
                Some("SIREN read from a legal id without scheme".to_string()),
            ));
        }
    }
    for vat in &p.vat {
        let v = digits(&vat.text).to_ascii_uppercase();
        if v.len() == 13 && v.starts_with("FR") && is_valid_siren(&v[4..]) {
            let siren = &v[4..];
            let key = (12 + 3 * (siren.parse::<u64>().ok()? % 97)) % 97;
            if v[2..4] == format!("{key:02}") {
                return Some((
                    siren.to_string(),
                    Some(format!("SIREN taken from the VAT number {v}")),
                ));
            }
        }
    }
    None
}

/// The party's postal address as dossier lines, or why it cannot be one.
fn address_of(p: &Party) -> Result<Vec<String>, String> {
    if let Some(c) = &p.country
        && !c.eq_ignore_ascii_case("FR")
    {
        return Err(format!(
            "not in France (country {c}): a dossier needs a French postal address"
        ));
    }
    let (Some(code), Some(city)) = (&p.postcode, &p.city) else {
        return Err("no postal code or city".to_string());
    };
    let mut lines = p.address_lines.clone();
    lines.push(format!("{code} {city}"));
    match address_problem(&lines) {
        None => Ok(lines),
        Some(m) => Err(m),
    }
}

fn build(
    cx: &mut Context,
    bytes: &[u8],
    f: &Fields,
    creditor_file: Option<&CreditorFile>,
    file: &str,
) -> Result<(Vec<Draft>, Parties), Problems> {
    let mut problems = Problems::default();
    let mut missing = |field: &str, what: &str| {
        problems.push(Problem::new(file, field, format!("missing: {what}")));
    };
    let bad = |field: &str, v: &Found, m: String| {
        Problem::new(file, field, m)
            .with_value(v.text.clone())
            .at_line(Some(v.line))
    };
    if f.number.is_none() {
        missing("BT-1", "the invoice number");
    }
    if f.issued.is_none() {
        missing("BT-2", "the issue date");
    }
    if f.buyer.name.is_none() {
        missing("BT-44", "the buyer's name");
    }
    if f.payable.is_none() {
        missing("BT-115", "the amount due for payment");
    }
    if f.seller.name.is_none() && creditor_file.is_none() {
        missing("BT-27", "the seller's name");
    }
    let date = |v: &Found| {
        if f.cii {
            super::values::parse_fec_date(&v.text)
                .map_err(|_| "expected a date YYYYMMDD (format 102)".to_string())
        } else {
            parse_iso_date(&v.text)
        }
    };
    let number = f.number.as_ref().and_then(|n| {
        if n.text.chars().count() > 64 {
            problems.push(bad("BT-1", n, "longer than 64 characters".to_string()));
            None
        } else {
            Some(n.text.clone())
        }
    });
    let issued = f.issued.as_ref().and_then(|v| match date(v) {
        Ok(d) => Some(d),
        Err(m) => {
            problems.push(bad("BT-2", v, m));
            None
        }
    });
    let due = f.due.as_ref().and_then(|v| match date(v) {
        Ok(d) => Some(d),
        Err(m) => {
            problems.push(bad("BT-9", v, m));
            None
        }
    });
    if let (Some(i), Some(d), Some(v)) = (issued, due, &f.due)
        && d < i
    {
        problems.push(bad("BT-9", v, format!("before the issue date {i}")));
    }
    if let Some(c) = &f.currency
        && !c.text.eq_ignore_ascii_case("EUR")
    {
        problems.push(bad(
            "BT-5",
            c,
            "only invoices in euros (EUR) can be claimed here".to_string(),
        ));
    }
    let credit = match &f.type_code {
        None => false,
        Some(t) if CREDIT_NOTES.contains(&t.text.as_str()) => true,
        Some(t) if INVOICES.contains(&t.text.as_str()) => false,
        Some(t) => {
            problems.push(bad(
                "BT-3",
                t,
                "type code neither of an invoice (380…) nor of a credit note (381…)".to_string(),
            ));
            false
        }
    };
    let mut amount = |field: &str, v: &Option<Found>| -> Option<Decimal> {
        let v = v.as_ref()?;
        match parse_xml_amount(&v.text) {
            Ok(a) => Some(a),
            Err(m) => {
                problems.push(bad(field, v, m));
                None
            }
        }
    };
    let total = amount("BT-112", &f.total);
    let prepaid = amount("BT-113", &f.prepaid);
    let rounding = amount("BT-114", &f.rounding);
    let payable = amount("BT-115", &f.payable);
    if let (Some(p), Some(v)) = (payable, &f.payable)
        && p < Decimal::ZERO
        && !credit
    {
        problems.push(bad(
            "BT-115",
            v,
            "a negative amount due on an invoice".to_string(),
        ));
    }

    // The creditor: the seller, completed by --creditor.
    let seller_siren = siren_of(&f.seller);
    let seller_address = address_of(&f.seller);
    let mut creditor_notes: Vec<String> = Vec::new();
    let creditor = match creditor_file {
        Some(cf) => {
            let c = &cf.creditor;
            match (&seller_siren, &c.siren) {
                (Some((s, _)), Some(cs)) if s != cs => {
                    problems.push(Problem::new(
                        file,
                        "BT-30",
                        format!(
                            "the seller's SIREN is {s}, the creditor file's {cs}: this invoice is \
                             not the creditor's"
                        ),
                    ));
                    None
                }
                (None, _) => {
                    problems.push(Problem::new(
                        file,
                        "BT-30",
                        "the invoice gives no seller SIREN (legal id, SIRET or French VAT number) \
                         to check against the creditor file",
                    ));
                    None
                }
                (Some(_), None) => {
                    problems.push(Problem::new(
                        file,
                        "creditor.siren",
                        "the creditor file gives no SIREN to check against the seller's",
                    ));
                    None
                }
                (Some((s, how)), Some(_)) => {
                    if let Some(h) = how {
                        creditor_notes.push(h.clone());
                    }
                    let name = match &f.seller.name {
                        Some(n) => n.text.clone(),
                        None => c.name.clone(),
                    };
                    if name != c.name {
                        creditor_notes.push(format!(
                            "the creditor file names the creditor \"{}\": the invoice's name is kept",
                            c.name
                        ));
                    }
                    let address = match &seller_address {
                        Ok(a) => {
                            if *a != c.address {
                                creditor_notes.push(
                                    "the creditor file's address differs: the invoice's is kept"
                                        .to_string(),
                                );
                            }
                            a.clone()
                        }
                        Err(m) => {
                            creditor_notes.push(format!(
                                "the seller's address cannot be used ({m}): the creditor file's is used"
                            ));
                            c.address.clone()
                        }
                    };
                    let iban = seller_iban(f, &mut creditor_notes);
                    if let (Some(i), Some(ci)) = (&iban, &c.iban)
                        && i != ci
                    {
                        creditor_notes.push(format!(
                            "the invoice's IBAN is kept; the creditor file gives {ci}"
                        ));
                    }
                    let email = seller_email(f).or_else(|| c.email.clone());
                    Some(Creditor {
                        kind: CreditorKind::Company,
                        name,
                        legal_form: c.legal_form.clone(),
                        siren: Some(s.clone()),
                        address,
                        email,
                        iban: iban.or_else(|| c.iban.clone()),
                        signatory: c.signatory.clone(),
                        extra: c.extra.clone(),
                    })
                }
            }
        }
        None => {
            let siren = match &seller_siren {
                Some((s, how)) => {
                    if let Some(h) = how {
                        creditor_notes.push(h.clone());
                    }
                    Some(s.clone())
                }
                None => {
                    problems.push(Problem::new(
                        file,
                        "BT-30",
                        "the invoice gives no seller SIREN (legal id, SIRET or French VAT \
                         number): give --creditor with the creditor's SIREN",
                    ));
                    None
                }
            };
            let address = match &seller_address {
                Ok(a) => Some(a.clone()),
                Err(m) => {
                    problems.push(Problem::new(
                        file,
                        "BT-35",
                        format!("the seller's address cannot be used ({m}): give --creditor"),
                    ));
                    None
                }
            };
            let iban = seller_iban(f, &mut creditor_notes);
            creditor_notes.push(
                "no creditor file: no signatory (letters need one); add it, or import with --creditor"
                    .to_string(),
            );
            match (siren, address, &f.seller.name) {
                (Some(siren), Some(address), Some(name)) => Some(Creditor {
                    kind: CreditorKind::Company,
                    name: name.text.clone(),
                    legal_form: None,
                    siren: Some(siren),
                    address,
                    email: seller_email(f),
                    iban,
                    signatory: None,
                    extra: Default::default(),
                }),
                _ => None,
            }
        }
    };
    if !problems.is_empty() {
        problems.0.sort_by_key(|p| p.line.unwrap_or(0));
        return Err(problems);
    }
    let (Some(creditor), Some(number), Some(issued), Some(payable)) =
        (creditor, number, issued, payable)
    else {
        return Err(Problem::new(file, "", "the invoice cannot be read").into());
    };
    for n in creditor_notes {
        cx.assume("creditor", n);
    }

    // The debtor: the buyer.
    let buyer = &f.buyer;
    let name = buyer
        .name
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    let mut draft = Draft {
        name: Some(name.clone()),
        ..Draft::default()
    };
    match siren_of(buyer) {
        Some((s, how)) => {
            if let Some(h) = how {
                draft.notes.push(("debtor.siren".into(), h));
            }
            draft.siren = Some(s);
        }
        None => draft.notes.push((
            "debtor.siren".into(),
            "the invoice gives no buyer SIREN: the debtor is keyed by its name".into(),
        )),
    }
    draft.account = draft.siren.clone().unwrap_or_else(|| name.clone());
    match address_of(buyer) {
        Ok(a) => draft.address = Some(a),
        Err(m) if buyer.postcode.is_some() || !buyer.address_lines.is_empty() => {
            draft.notes.push((
                "debtor.address".into(),
                format!("the buyer's address cannot be used: {m}"),
            ))
        }
        Err(_) => {}
    }
    draft.email = buyer
        .emails
        .iter()
        .map(|e| e.text.clone())
        .find(|e| is_email(e));

    let piece_name = safe_key(&cx.report.source);
    let piece = format!(
        "pieces/{}",
        if piece_name.is_empty() {
            "invoice".to_string()
        } else {
            piece_name
        }
    );
    draft.pieces.push(Piece {
        path: piece.clone(),
        bytes: bytes.to_vec(),
    });
    let magnitude = payable.abs();
    if credit {
        draft.payments.push(PaymentDraft {
            date: issued,
            amount: magnitude,
            invoice: None,
            reference: Some(format!("avoir {number}")),
            origin: format!("credit note {number} ({piece})"),
        });
    } else {
        let mut amount_note = None;
        if let Some(t) = total
            && t != payable
        {
            let pre = prepaid.unwrap_or_default();
            let round = rounding.unwrap_or_default();
            let mut note = format!(
                "amount due (BT-115); total incl. VAT {} (BT-112), prepaid {} (BT-113)",
                cents_string(t),
                cents_string(pre)
            );
            if t - pre + round != payable {
                note.push_str(": these do not add up, check the invoice");
                draft
                    .notes
                    .push(("invoices".into(), format!("invoice {number}: {note}")));
            }
            amount_note = Some(note);
        }
        if due.is_none()
            && let Some(t) = &f.terms
        {
            draft.notes.push((
                "invoices".into(),
                format!(
                    "no due date (BT-9) on invoice {number}; its payment terms say \"{}\": check \
                     the due date",
                    t.text
                ),
            ));
        }
        let description = if f.items.is_empty() {
            None
        } else {
            let joined = f.items.join("; ");
            Some(if joined.chars().count() > 300 {
                let cut: String = joined.chars().take(299).collect();
                format!("{cut}…")
            } else {
                joined
            })
        };
        draft.invoices.push(InvoiceDraft {
            number,
            issued,
            due,
            amount: magnitude,
            description,
            piece: Some(piece.clone()),
            origin: format!("invoice {piece}"),
            amount_note,
        });
    }
    let parties = Parties {
        creditor,
        agency: creditor_file.and_then(|c| c.agency.clone()),
        terms: creditor_file.and_then(|c| c.terms.clone()),
        scenario: creditor_file.and_then(|c| c.scenario.clone()),
        payment_days: creditor_file
            .and_then(|c| c.payment_days)
            .unwrap_or(super::DEFAULT_PAYMENT_DAYS),
        payment_days_origin: if creditor_file.and_then(|c| c.payment_days).is_some() {
            "payment_days of the creditor file"
        } else {
            "default payment_days"
        },
    };
    Ok((vec![draft], parties))
}

fn seller_iban(f: &Fields, notes: &mut Vec<String>) -> Option<String> {
    let v = f.iban.as_ref()?;
    match normalize_iban(&v.text) {
        Ok(i) => Some(i),
        Err(m) => {
            notes.push(format!(
                "the invoice's IBAN \"{}\" is left out: {m}",
                v.text
            ));
            None
        }
    }
}

fn seller_email(f: &Fields) -> Option<String> {
    f.seller
        .emails
        .iter()
        .map(|e| e.text.clone())
        .find(|e| is_email(e))
}
