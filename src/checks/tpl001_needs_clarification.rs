//! TPL001 needs-clarification: a NEEDS CLARIFICATION marker that still
//! stands as a value or an open question, not prose about markers.

use super::{PlanCheck, PlanContext};
use crate::finding::Sink;
use crate::parse::placeholder::SlotKind;
use crate::parse::plan::Plan;
use regex::Regex;
use std::sync::LazyLock;

pub struct NeedsClarification;

const MARKER: &str = "NEEDS CLARIFICATION";

/// Line furniture before a value: quote markers, bullets, checkboxes, a field name.
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:\[[ xX]\]\s+)?(?:\*\*[^*]+?(?::\*\*|\*\*\s*:)\s*)?")
        .expect("valid regex")
});

impl PlanCheck for NeedsClarification {
    fn code(&self) -> &'static str {
        "TPL001"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let plan = cx.plan;
        for slot in plan.slots.iter().filter(|s| s.kind == SlotKind::Clarification) {
            let msg = match plan.field_at(slot.span.start) {
                Some(f) => format!("**{}** still offers `NEEDS CLARIFICATION` as its value", f.name),
                None => "open `NEEDS CLARIFICATION` question".to_string(),
            };
            sink.report(slot.span.clone(), msg);
        }
        let text = plan.text();
        for run in &plan.texts {
            let mut from = run.start;
            while let Some(i) = text[from..run.end].find(MARKER) {
                let at = from + i;
                from = at + MARKER.len();
                if plan.slots.iter().any(|s| s.span.start <= at && at < s.span.end) {
                    continue;
                }
                if stands_as_value(plan, at) {
                    let span = at..at + MARKER.len();
                    let msg = match plan.field_at(at) {
                        Some(f) => format!("**{}** is still `NEEDS CLARIFICATION`", f.name),
                        None => "unresolved `NEEDS CLARIFICATION` marker".to_string(),
                    };
                    sink.report(span, msg);
                }
            }
        }
    }
}

/// The marker is the value (nothing but furniture before it on its line, or
/// in its table cell), or it opens a question (`NEEDS CLARIFICATION: ...`).
fn stands_as_value(plan: &Plan, at: usize) -> bool {
    let text = plan.text();
    let after = text[at + MARKER.len()..].trim_start_matches(['*', '_']);
    if after.starts_with(':') || after.starts_with('?') {
        return true;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut before = &text[line_start..at];
    if plan.row_at(at).is_some() {
        before = before.rsplit('|').next().unwrap_or(before);
    }
    let lead = LEAD.find(before).map_or(0, |m| m.end());
    let rest = before[lead..].trim_matches(|c: char| c.is_whitespace() || "*_\"'`".contains(c));
    if rest.is_empty() {
        return true;
    }
    // `**Storage**: PostgreSQL (NEEDS CLARIFICATION on version)` qualifies a value.
    plan.field_at(at).is_some() && rest.ends_with('(')
}
