//! The reminders (relance-1, relance-2, relance-3): the letter and its email share the data.

use serde_json::{Map, Value};

use super::common::Context;

/// What a reminder adds to the shared data (nothing yet: the reminders read the claim table,
/// the totals, the payment means and the mentions).
pub(super) fn data(_ctx: &mut Context) -> Map<String, Value> {
    Map::new()
}
