//! The court documents: the exhibit list (bordereau, CPC 1407) and the request for an
//! injonction de payer (CPC 1405 to 1407, with 54 and 57), and the court they go to.

use serde_json::{Map, Value, json};

use super::DocKind;
use super::LetterError;
use super::common::Context;
use super::facts::PieceSource;
use super::wording::{city, typo_fr};
use crate::courts::Jurisdiction;
use crate::dossier::{EventKind, ExhibitKind, Regime};
use crate::rules::Rules;

/// A request for an injonction de payer is heard without the debtor: it is refused when the
/// judge could only reject it (no exhibit: CPC 1407, 1409) or when it would claim a disputed
/// invoice silently (unless the user asks for it, and then it states the dispute). The
/// référé-provision is refused alike: without the invoice nothing shows the obligation, and a
/// recorded dispute is the "contestation sérieuse" the judge looks for (CJA R541-1).
fn refusals(ctx: &mut Context) -> Result<(), LetterError> {
    let document = ctx.kind.name();
    let without: Vec<String> = ctx
        .lines
        .iter()
        .filter(|l| {
            !ctx.pieces
                .iter()
                .any(|p| p.source == PieceSource::Invoice(l.number.clone()))
        })
        .map(|l| l.number.clone())
        .collect();
    if !without.is_empty() && without.len() < ctx.lines.len() {
        return Err(LetterError::Refused {
            document,
            why: format!(
                "invoice(s) {} have no `piece`: the request would claim them without their proof (CPC 1407; the judge rejects what is not justified, CPC 1409): add invoices[].piece",
                without.join(", ")
            ),
        });
    }
    if !without.is_empty() {
        let numbers = without;
        let basis = if ctx.kind == DocKind::RequeteRefere {
            "without the invoice nothing shows an obligation that is not seriously disputable (CJA R541-1)"
        } else {
            "CPC 1407: the request lists the supporting documents; without the invoice the judge rejects it, CPC 1409"
        };
        return Err(LetterError::Refused {
            document,
            why: format!(
                "no exhibit: the claimed invoice(s) {} have no `piece` ({basis}): add invoices[].piece",
                numbers.join(", ")
            ),
        });
    }
    if !ctx.facts.disputes.is_empty() {
        let list: Vec<String> = ctx
            .facts
            .disputes
            .iter()
            .map(|d| {
                format!(
                    "{} (disputed on {})",
                    d.invoices.join(", "),
                    d.fact.event.date
                )
            })
            .collect();
        if !ctx.options.include_disputed {
            return Err(LetterError::Refused {
                document,
                why: format!(
                    "invoice(s) {} disputed by the debtor and not acknowledged since: a request heard without the debtor must not claim them silently; settle the dispute (record an acknowledgment), or pass --include-disputed to state the dispute in the request",
                    list.join("; ")
                ),
            });
        }
        ctx.warnings.push(format!(
            "--include-disputed: the request claims {} and states the dispute",
            list.join("; ")
        ));
    }
    Ok(())
}

/// A request states the formal notices the debtor received ("malgré la mise en demeure
/// du …"); without the letter and its proof of receipt among the exhibits, the judge has
/// only the creditor's word for them (CPC 1407: the request comes with its supporting
/// documents).
fn notice_exhibits(ctx: &mut Context) {
    // No formal notice at all: the request says nothing of one (a sentence saying none was
    // sent would only serve the debtor's opposition), and the user is told.
    let noticed = ctx.dossier.events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::FormalNotice | EventKind::InstalmentNotice
        ) && e.date <= ctx.date
    });
    if !noticed && ctx.kind == DocKind::RequeteInjonction {
        ctx.warnings.push(
            "no formal notice is recorded: an injonction de payer may be requested without one, \
             but many presidents expect it, and against a consumer legal interest runs only \
             from it (C. civ. 1344-1); the request says nothing of one: send the \
             mise-en-demeure first"
                .to_string(),
        );
    }
    let unproved: Vec<String> = ctx
        .dossier
        .events
        .iter()
        .filter(|e| {
            e.kind == EventKind::FormalNotice
                && e.date <= ctx.date
                && e.piece.is_none()
                && e.invoice
                    .as_ref()
                    .is_none_or(|n| ctx.lines.iter().any(|l| &l.number == n))
        })
        .map(|e| e.date.to_string())
        .collect();
    if !unproved.is_empty() {
        ctx.warnings.push(format!(
            "the formal notice(s) received on {} have no `piece`: the request states them without the letter and its proof of receipt among the exhibits (CPC 1407); add events[].piece before filing",
            unproved.join(", ")
        ));
    }
}

/// A request states when an invoice paid late was paid ("réglée le 19 décembre 2025 après
/// son échéance"): the interest claimed on it rests on that date, which only the proof of
/// the payment shows (`payments[].piece`).
fn payment_exhibits(ctx: &mut Context) {
    let mut unproved: Vec<String> = Vec::new();
    for l in ctx
        .lines
        .iter()
        .filter(|l| l.outstanding.is_zero() && !l.total_due().is_zero())
    {
        for i in l.imputations.iter().filter(|i| !i.to_principal.is_zero()) {
            let proved = ctx.dossier.payments.iter().any(|p| {
                p.date == i.date
                    && p.piece.is_some()
                    && p.invoice.as_ref().is_none_or(|n| n == &l.number)
            });
            if !proved {
                unproved.push(format!("{} on {}", l.number, i.date));
            }
        }
    }
    if !unproved.is_empty() {
        ctx.warnings.push(format!(
            "the request states the late payment of invoice {} without its proof among the exhibits: the interest claimed rests on that date; add payments[].piece (bank statement, notice of the mandat) before filing",
            unproved.join(", ")
        ));
    }
}

/// A request that states the end of a payment plan rests on the signed plan (its terms,
/// the déchéance clause) and on the instalment notice: without them among the exhibits the
/// judge cannot check that the whole debt fell due (CPC 1407, 1409).
fn plan_exhibits(ctx: &mut Context) {
    let Some(plan) = ctx.dossier.payment_plan.as_ref() else {
        return;
    };
    if plan.agreed.is_none_or(|a| a > ctx.date) {
        return;
    }
    if plan.piece.is_none() {
        ctx.warnings.push(
            "payment_plan.piece is not given: the request states the agreed plan and its end without the signed agreement among the exhibits (CPC 1407); add it before filing"
                .to_string(),
        );
    }
    let unproved: Vec<String> = ctx
        .dossier
        .events
        .iter()
        .filter(|e| {
            e.kind == EventKind::InstalmentNotice && e.date <= ctx.date && e.piece.is_none()
        })
        .map(|e| e.date.to_string())
        .collect();
    if !unproved.is_empty() {
        ctx.warnings.push(format!(
            "the instalment notice(s) of {} have no `piece`: the request states the déchéance du terme without the notice and its receipt among the exhibits (CPC 1407); add events[].piece before filing",
            unproved.join(", ")
        ));
    }
}

/// A request filed while the deadline of the debtor's last formal notice still runs
/// contradicts that notice ("à défaut de paiement dans ce délai"): the judge would read a
/// creditor who did not wait for the term it gave. The deadline is counted, as the dunning
/// plan counts it, from the recorded event's date, the day the debtor received the notice, so
/// it is never earlier than the letter's own.
fn notice_running(ctx: &Context, rules: &Rules) -> Result<(), LetterError> {
    let claimed = |e: &crate::dossier::Event| match &e.invoice {
        None => true,
        Some(n) => ctx.lines.iter().any(|l| &l.number == n),
    };
    let Some(notice) = ctx
        .dossier
        .events
        .iter()
        .filter(|e| e.kind == EventKind::FormalNotice && e.date <= ctx.date && claimed(e))
        .map(|e| e.date)
        .max()
    else {
        return Ok(());
    };
    let (days, end) = crate::calc::calendar::formal_notice_deadline(
        rules,
        notice,
        crate::calc::calendar::debtor_department(ctx.dossier),
    )
    .map_err(LetterError::Rule)?;
    if ctx.date <= end {
        return Err(LetterError::Refused {
            document: ctx.kind.name(),
            why: format!(
                "the formal notice received on {notice} gives the debtor {days} days, until {end}: a request dated {} would not wait for the term the notice gave; render it from {}",
                ctx.date,
                end.succ_opt().unwrap_or(end)
            ),
        });
    }
    Ok(())
}

/// What the court documents add to the shared data: the exhibits, the court, the basis and
/// what is asked after the statement's date.
pub(super) fn data(ctx: &mut Context, rules: &Rules) -> Result<Map<String, Value>, LetterError> {
    if matches!(
        ctx.kind,
        DocKind::RequeteInjonction | DocKind::RequeteRefere
    ) {
        refusals(ctx)?;
        notice_running(ctx, rules)?;
        notice_exhibits(ctx);
        payment_exhibits(ctx);
        plan_exhibits(ctx);
    }
    // An exhibit list that lists nothing is not a document anyone files or serves.
    if ctx.kind == DocKind::Bordereau && ctx.pieces.is_empty() {
        return Err(LetterError::Refused {
            document: ctx.kind.name(),
            why: "the dossier holds no exhibit (no `piece` on an invoice, payment or event, no [[exhibits]]): an exhibit list would list nothing".to_string(),
        });
    }
    let mut m = Map::new();
    m.insert("claim_basis".into(), json!(ctx.claim_basis));
    m.insert(
        "interest_after".into(),
        json!(typo_fr(&interest_after(ctx, rules))),
    );
    // What accrues after the request's date, by its name: L441-10 penalties are not
    // interest.
    let after = match ctx.regime {
        Regime::B2b => "les pénalités de retard postérieures",
        Regime::B2g => "les intérêts moratoires postérieurs",
        Regime::B2c | Regime::C2x => "les intérêts postérieurs",
    };
    m.insert("accessories_after".into(), json!(after));
    m.insert(
        "pieces".into(),
        ctx.pieces
            .iter()
            .enumerate()
            .map(|(i, p)| {
                json!({"number": (i + 1).to_string(), "title": p.title, "date": p.date, "file": p.file})
            })
            .collect(),
    );
    let court = competent_court(ctx, rules);
    if ctx.kind != DocKind::Bordereau && court["named"] != json!(true) {
        let mut why = format!(
            "the court cannot be named ({}): a request must designate the court it is addressed to (CPC 54 1°, 1407)",
            court["name"].as_str().unwrap_or_default()
        );
        for w in court["warnings"].as_array().into_iter().flatten() {
            why.push_str("; ");
            why.push_str(w.as_str().unwrap_or_default());
        }
        return Err(LetterError::Refused {
            document: ctx.kind.name(),
            why,
        });
    }
    m.insert("court".into(), court);
    m.insert(
        "procedure".into(),
        json!(crate::courts::procedure(ctx.dossier).as_str()),
    );
    let n = ctx.pieces.len();
    m.insert(
        "words_pieces".into(),
        json!(if n == 1 {
            "Bordereau d'une pièce et décompte".to_string()
        } else {
            format!("Bordereau de {n} pièces et décompte")
        }),
    );
    if ctx.kind == DocKind::RequeteRefere {
        let refere = refere(ctx, rules)?;
        m.insert("refere".into(), refere);
    }
    Ok(m)
}

/// What the request asks for after the statement's date, by regime: the rate described by
/// its rule (the L441-10 rate changes every half-year), not frozen at today's value.
fn interest_after(ctx: &Context, rules: &Rules) -> String {
    let after = format!(
        "à compter du {}",
        crate::documents::format::format_date_long(ctx.date.succ_opt().unwrap_or(ctx.date))
    );
    match ctx.regime {
        Regime::B2b => match super::claim::penalty_rate_terms(ctx.dossier, rules, ctx.date) {
            Some(terms) => format!("pénalités de retard sur le principal restant dû {after}, {terms} (C. com. L441-10 II)"),
            None => format!("pénalités de retard de l'article L441-10 du code de commerce sur le principal restant dû {after}"),
        },
        Regime::B2g => match moratory_rates(&ctx.lines) {
            Some(rates) => format!("intérêts moratoires {rates} sur le principal restant dû {after} (CCP R2192-31)"),
            None => format!("intérêts moratoires sur le principal restant dû {after} (CCP R2192-31)"),
        },
        Regime::B2c | Regime::C2x => match ctx.facts.first_formal_notice() {
            Some(_) => format!("intérêts au taux légal en vigueur pour chaque semestre sur le principal restant dû {after} (C. civ. 1231-6, 1344-1, C. mon. fin. L313-2)"),
            None => "intérêts au taux légal en vigueur pour chaque semestre sur le principal restant dû à compter de la signification de l'ordonnance, qui vaut mise en demeure (C. civ. 1231-6, 1344, 1344-1)".to_string(),
        },
    }
}

/// The moratory rate of each claimed invoice, fixed for its whole delay (CCP R2192-31): "au
/// taux de 10,15 % l'an", or one rate per invoice when they differ. `None` without a period.
fn moratory_rates(lines: &[&crate::calc::InvoiceLine]) -> Option<String> {
    let per: Vec<(String, String)> = lines
        .iter()
        .filter(|l| !l.outstanding.is_zero())
        .filter_map(|l| {
            let p = l.periods.last()?;
            Some((
                l.number.clone(),
                format!("{} l'an", crate::documents::format::format_percent(p.rate)),
            ))
        })
        .collect();
    let first = per.first()?;
    if per.iter().all(|(_, r)| *r == first.1) {
        return Some(format!("au taux de {}", first.1));
    }
    let each: Vec<String> = per
        .iter()
        .map(|(n, r)| format!("{r} pour la facture n°\u{a0}{n}"))
        .collect();
    Some(format!(
        "au taux de {}",
        super::wording::enumerate_fr(&each)
    ))
}

/// The court a request goes to, as the templates read it: `name` ("tribunal de commerce de
/// Toulouse", or the generic wording when no table answers), `title` (the addressee),
/// `found_by` and `basis` (how it was found, which articles), `address` (when the dossier
/// names the court), `matter` and `cerfa` (the injonction de payer form), `debtor_city`,
/// `debtor_postal_code`, `warnings`. The one place that names the court: the lookup is
/// `courts::competent_court` (`legal-rules/juridictions/`).
pub(super) fn competent_court(ctx: &Context, rules: &Rules) -> Value {
    let d = ctx.dossier;
    let address = &ctx.debtor_address;
    let court = crate::courts::competent_court(d, rules, ctx.date, ctx.statement.totals.total_due);
    // The injonction de payer form and the matter it is for: commercial before a commercial
    // court (a TAE, or the chambre commerciale of a tribunal judiciaire in Alsace-Moselle),
    // civil before a tribunal judiciaire.
    let (matter, cerfa) = match court.jurisdiction {
        Jurisdiction::Commercial => ("matière commerciale", "12946"),
        Jurisdiction::Judiciaire => ("matière civile", "12948"),
        Jurisdiction::Administrative => ("", ""),
        Jurisdiction::Given if d.regime() == Regime::B2b => ("matière commerciale", "12946"),
        Jurisdiction::Given => ("matière civile", "12948"),
    };
    json!({
        "matter": matter,
        "name": court.name,
        "title": court.addressee,
        "found_by": court.found_by,
        "basis": court.basis,
        "address": court.address.unwrap_or_default(),
        "named": court.found,
        "cerfa": cerfa,
        "warnings": court.warnings,
        "debtor_city": city(address),
        "debtor_postal_code": address.last().and_then(|l| l.get(..5)).unwrap_or_default(),
    })
}

/// What the référé-provision adds (CJA R541-1): the facts from the records, why the
/// obligation is not seriously disputable, and whether a lawyer is required.
fn refere(ctx: &mut Context, rules: &Rules) -> Result<Value, LetterError> {
    let d = ctx.dossier;
    let fr = |date: chrono::NaiveDate| crate::documents::format::format_date_long(date);
    // What the dossier holds: invoices addressed to the defendant, under a contract when
    // the dossier names one, whose term ran out (an invoice paid late too, the next sentence says
    // so); never that the work was done, which no exhibit shows.
    let several = ctx.lines.len() > 1;
    let contracts = exhibit_numbers(ctx, &[ExhibitKind::Contract, ExhibitKind::Order]);
    let performance = exhibit_numbers(ctx, &[ExhibitKind::Performance]);
    let mut facts = format!(
        "Le requérant a adressé au défendeur {}{}, dont le paiement n'est pas intervenu dans le \
         délai de paiement.",
        if several {
            "les factures ci-dessous"
        } else {
            "la facture ci-dessous"
        },
        match (d.contract.is_some() || !contracts.is_empty(), several) {
            (true, true) => ", émises au titre du contrat conclu avec lui",
            (true, false) => ", émise au titre du contrat conclu avec lui",
            (false, _) => "",
        },
    );
    let paid_late = super::facts::paid_late_sentence(
        &ctx.lines,
        ctx.regime,
        d.terms.claims == crate::dossier::ClaimKind::Rents,
    );
    if !paid_late.is_empty() {
        facts.push(' ');
        facts.push_str(&paid_late);
    }
    let notice = d
        .events
        .iter()
        .filter(|e| e.kind == EventKind::FormalNotice && e.date <= ctx.date)
        .map(|e| e.date)
        .min();
    if let Some(n) = notice {
        facts.push_str(&format!(
            " Une mise en demeure lui a été adressée, qu'il a reçue le {}{}.",
            fr(n),
            ctx.facts
                .formal_notices
                .iter()
                .find(|f| f.event.date == n)
                .and_then(|f| f.exhibit)
                .map(|x| format!(" (pièce n°\u{a0}{x})"))
                .unwrap_or_default()
        ));
    }
    let memo = d
        .events
        .iter()
        .filter(|e| e.kind == EventKind::ClaimMemorandum && e.date <= ctx.date)
        .map(|e| e.date)
        .min();
    if let (Some(m), Some(ccag)) = (memo, d.contract.as_ref().and_then(|c| c.ccag.as_ref())) {
        facts.push_str(&format!(
            " Le contrat se référant au {ccag}, le requérant a adressé à l'acheteur \
             son mémoire en réclamation, reçu le {}.",
            fr(m)
        ));
    }
    // Only what the exhibits show: the invoices and their expired term, and the work done
    // only when an exhibit of the dossier proves it; the user is told what is missing.
    if !performance.is_empty() {
        let titles: Vec<String> = performance
            .iter()
            .filter_map(|n| ctx.pieces.get(n - 1))
            .map(|p| p.title.clone())
            .collect();
        facts.push_str(&format!(
            " L'exécution de la commande facturée est justifiée par {} ({}).",
            pieces_fr(&performance),
            titles.join(" ; ")
        ));
    }
    let missing: Vec<&str> = [
        (contracts.is_empty(), "the contract (marché, bon de commande)"),
        (
            performance.is_empty(),
            "the proof that the work was done and accepted (procès-verbal de réception, attestation de service fait)",
        ),
    ]
    .into_iter()
    .filter_map(|(absent, what)| absent.then_some(what))
    .collect();
    if !missing.is_empty() {
        ctx.warnings.push(format!(
            "the référé rests on the invoices{}: add {} to [[exhibits]] before filing (CJA R541-1: the obligation must not be seriously disputable)",
            if contracts.is_empty() && performance.is_empty() {
                " alone"
            } else {
                ""
            },
            missing.join(" and ")
        ));
    }
    // Each source of the obligation with its exhibit numbers.
    let invoices = piece_numbers(ctx, |s| match s {
        PieceSource::Invoice(n) => ctx.lines.iter().any(|l| &l.number == n),
        _ => false,
    });
    let mut sources = Vec::new();
    if !contracts.is_empty() {
        sources.push(format!("du contrat ({})", numbers_fr(&contracts)));
    }
    let produced = if several {
        "des factures produites"
    } else {
        "de la facture produite"
    };
    sources.push(if invoices.is_empty() {
        produced.to_string()
    } else {
        format!("{produced} ({})", numbers_fr(&invoices))
    });
    if !performance.is_empty() {
        sources.push(format!(
            "du justificatif de l'exécution de la commande ({})",
            numbers_fr(&performance)
        ));
    }
    let discussion = format!(
        "L'existence de l'obligation n'est pas sérieusement contestable : elle résulte {}, et \
        le délai de paiement {} expiré. Les \
        intérêts moratoires et l'indemnité forfaitaire pour frais de recouvrement sont dus de \
        plein droit et sans autre formalité dès le lendemain de l'expiration du délai de \
        paiement (articles L2192-13, R2192-31 et D2192-35 du code de la commande publique). Le \
        juge des référés peut accorder une provision au créancier, même en l'absence d'une \
        demande au fond, lorsque l'existence de l'obligation n'est pas sérieusement contestable \
        (article R541-1 du code de justice administrative).",
        super::wording::enumerate_fr(&sources),
        if several {
            "des factures est"
        } else {
            "de la facture est"
        }
    );
    let (representation, signature) = representation(ctx, rules)?;
    for dispute in ctx
        .facts
        .dispute_sentences(false, super::facts::Maintained::Applicant)
    {
        facts.push(' ');
        facts.push_str(&dispute);
    }
    Ok(json!({
        "facts": typo_fr(&facts),
        "discussion": discussion,
        "lawyer": typo_fr(&representation),
        "signature": signature,
    }))
}

/// Who presents the référé-provision and signs it. A claim for a sum of money before the
/// tribunal administratif needs an avocat (CJA R431-2) unless the defendant is exempt (CJA
/// R431-3): without the `[lawyer]` of the dossier the request is refused, since it would be
/// irrecevable; an exempt debtor's request is signed by the creditor.
fn representation(ctx: &mut Context, rules: &Rules) -> Result<(String, String), LetterError> {
    let d = ctx.dossier;
    let document = ctx.kind.name();
    let Some(rule) = crate::courts::lawyer(d, rules) else {
        return Err(LetterError::Rule(
            "legal-rules/juridictions/representation-avocat.toml is missing: whether the \
             request needs a lawyer (CJA R431-2, R431-3) cannot be told"
                .to_string(),
        ));
    };
    if rule.provisional {
        ctx.warnings.push(format!(
            "the lawyer rule ({}, {}) is provisional: check it on Légifrance before filing",
            rule.required_basis, rule.exception_basis
        ));
    }
    let by_lawyer = |l: &crate::dossier::Lawyer| {
        let address = l
            .address
            .as_ref()
            .map(|a| format!(", {}", a.join(", ")))
            .unwrap_or_default();
        format!("{}, avocat au barreau de {}{address}", l.name, l.bar)
    };
    match (rule.required, &d.lawyer) {
        (Some(false), lawyer) => {
            let who = match d.debtor.public_status {
                Some(crate::dossier::PublicStatus::PublicHospital) => {
                    "un établissement public de santé"
                }
                // A name that says it ("Commune de Villeurbanne") is qualified as what it
                // is; otherwise the rule's alternative, which the dossier cannot settle.
                _ if super::parties::local_authority(&d.debtor.name).is_some() => {
                    "une collectivité territoriale"
                }
                _ => "une collectivité territoriale ou un établissement public en relevant",
            };
            let text = format!(
                "Le défendeur étant {who}, la requête est dispensée du ministère d'avocat ({}).",
                rule.exception_basis
            );
            Ok(match lawyer {
                Some(l) => (
                    format!("{text} Le requérant est représenté par {}.", by_lawyer(l)),
                    format!("Pour le requérant, {}, avocat", l.name),
                ),
                None if ctx.sign_title.is_empty() => (text, ctx.sign_name.clone()),
                None => (text, format!("{}, {}", ctx.sign_name, ctx.sign_title)),
            })
        }
        (_, Some(l)) => Ok((
            format!(
                "La requête, qui tend au paiement d'une somme d'argent, est présentée par {} ({}).",
                by_lawyer(l),
                rule.required_basis
            ),
            format!("Pour le requérant, {}, avocat", l.name),
        )),
        (Some(true), None) => Err(LetterError::Refused {
            document,
            why: format!(
                "a request for a sum of money before the tribunal administratif must be presented by a lawyer ({}) and the debtor (public_status \"{}\") is not exempt ({}): add a [lawyer] table (name, bar, address) to the dossier",
                rule.required_basis,
                d.debtor.public_status.map_or("", |s| s.as_str()),
                rule.exception_basis
            ),
        }),
        (None, None) => Err(LetterError::Refused {
            document,
            why: format!(
                "whether a lawyer must present the request ({}) depends on the debtor: a collectivité territoriale, an établissement public relevant d'elle or a public hospital is exempt ({}); set debtor.public_status (\"local-authority\", \"public-hospital\" or \"state\"), or add a [lawyer] table (name, bar, address)",
                rule.required_basis, rule.exception_basis
            ),
        }),
    }
}

/// The numbers, in the exhibit list, of the pieces whose source passes `keep`.
fn piece_numbers(ctx: &Context, keep: impl Fn(&PieceSource) -> bool) -> Vec<usize> {
    ctx.pieces
        .iter()
        .enumerate()
        .filter(|(_, p)| keep(&p.source))
        .map(|(n, _)| n + 1)
        .collect()
}

/// The numbers, in the exhibit list, of the dossier's exhibits of these kinds.
fn exhibit_numbers(ctx: &Context, kinds: &[ExhibitKind]) -> Vec<usize> {
    piece_numbers(ctx, |s| match s {
        PieceSource::Exhibit(i) => ctx
            .dossier
            .exhibits
            .get(*i)
            .is_some_and(|e| kinds.contains(&e.kind)),
        _ => false,
    })
}

/// "la pièce n° 4", "les pièces n° 4 et 5".
fn pieces_fr(numbers: &[usize]) -> String {
    let article = if numbers.len() == 1 { "la" } else { "les" };
    format!("{article} {}", numbers_fr(numbers))
}

/// "pièce n° 2", "pièces n° 1 et 2".
fn numbers_fr(numbers: &[usize]) -> String {
    let listed: Vec<String> = numbers.iter().map(usize::to_string).collect();
    if numbers.len() == 1 {
        format!("pièce n°\u{a0}{}", listed[0])
    } else {
        format!("pièces n°\u{a0}{}", super::wording::enumerate_fr(&listed))
    }
}
