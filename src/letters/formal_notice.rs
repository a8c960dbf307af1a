//! The formal notice (mise en demeure, C. civ. 1344): registered letter, dated deadline.

use serde_json::{Map, Value, json};

use super::common::Context;
use crate::documents::format::format_date_long as date_long_fr;

/// What the formal notice adds to the shared data: the registered-mail line, the deadline.
pub(super) fn data(ctx: &Context) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("registered_mail".into(), json!(true));
    m.insert("deadline".into(), json!(date_long_fr(ctx.due_by)));
    m.insert("deadline_days".into(), json!(ctx.delay_days.to_string()));
    m
}
