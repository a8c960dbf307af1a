//! The reminders (relance-1, relance-2, relance-3): the letter and its email share the data.

use serde_json::{Map, Value};

use super::DocKind;
use super::LetterError;
use super::common::Context;

/// What a reminder adds to the shared data (the reminders read the claim table, the totals,
/// the payment means and the mentions). A reminder after a formal notice received would tell
/// the debtor a false chronology ("dernière relance avant mise en demeure"): it is refused,
/// and a first reminder after a recorded one is flagged to the user.
pub(super) fn data(ctx: &mut Context) -> Result<Map<String, Value>, LetterError> {
    if let Some(notice) = ctx.facts.formal_notices.last() {
        return Err(LetterError::Refused {
            document: ctx.kind.name(),
            why: format!(
                "the debtor received a formal notice on {} (event of kind \"formal-notice\"): a reminder after it would misstate the procedure; render a new mise-en-demeure or the court request",
                notice.event.date
            ),
        });
    }
    if let Some(plan) = &ctx.statement.plan
        && !matches!(
            plan.status,
            crate::calc::payment_plan::PlanStatus::Completed { .. }
        )
    {
        return Err(LetterError::Refused {
            document: ctx.kind.name(),
            why: format!(
                "a payment plan was agreed on {}: its letters (relance-echeance, decheance-du-terme) replace the reminders, and after its end the dunning resumes at the mise-en-demeure",
                plan.agreed
            ),
        });
    }
    if let Some(d) = ctx.facts.disputes.first() {
        return Err(LetterError::Refused {
            document: ctx.kind.name(),
            why: format!(
                "the debtor disputed invoice(s) {} on {} (not acknowledged since): a reminder ignoring the dispute misstates the case; answer it, or render the mise-en-demeure, which states the dispute and maintains the claim",
                d.invoices.join(", "),
                d.fact.event.date
            ),
        });
    }
    if ctx.kind != DocKind::Relance1 && ctx.facts.reminders.is_empty() {
        ctx.warnings.push(format!(
            "{} reads as a later reminder, but no reminder is recorded: record the earlier one (`relance record --kind reminder`), or send relance-1",
            ctx.kind.name()
        ));
    }
    if ctx.kind == DocKind::Relance1
        && let Some(last) = ctx.facts.reminders.last()
    {
        ctx.warnings.push(format!(
            "a reminder was already sent on {}: relance-1 reads as a first reminder (\"sans doute un simple oubli\"); relance-2 recalls the earlier one",
            last.event.date
        ));
    }
    Ok(Map::new())
}
