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
