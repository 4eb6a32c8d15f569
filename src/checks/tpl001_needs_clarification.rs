//! TPL001 needs-clarification: a NEEDS CLARIFICATION marker that still
//! stands as a value or an open question, not prose about markers.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
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
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let plan = cx.plan;
        for slot in plan.slots.iter().filter(|s| s.kind == SlotKind::Clarification) {
            let inner = plan.text()[slot.span.clone()]
                .trim_start_matches('[')
                .trim_start();
            let question = inner.starts_with(MARKER);
            let msg = match (plan.field_at(slot.span.start), question) {
                (Some(f), true) => format!("open `NEEDS CLARIFICATION` question in **{}**", f.name),
                (Some(f), false) => format!("**{}** still offers `NEEDS CLARIFICATION` as its value", f.name),
                (None, _) => "open `NEEDS CLARIFICATION` question".to_string(),
            };
            sink.report(slot.span.clone(), msg);
        }
        let text = plan.text();
        // The end of the line the last marker was on: found once per line,
        // not once per marker (a 1 MiB line of markers stays linear).
        let mut line_end = 0;
        for run in &plan.texts {
            let mut from = run.start;
            while let Some(i) = text[from..run.end].find(MARKER) {
                let at = from + i;
                from = at + MARKER.len();
                if plan.slots.iter().any(|s| s.span.start <= at && at < s.span.end) {
                    continue;
                }
                if at >= line_end {
                    line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                }
                if stands_as_value(plan, at, line_end) {
                    let span = at..at + MARKER.len();
                    let msg = match plan.field_at(at) {
                        Some(f) => format!("**{}** is still `NEEDS CLARIFICATION`", f.name),
                        None => "unresolved `NEEDS CLARIFICATION` marker".to_string(),
                    };
                    sink.report(span, msg);
                } else if let Some(e) = cx
                    .gates
                    .entries
                    .iter()
                    .find(|e| e.text.start <= at && at < e.text.end && flagged(text, at))
                {
                    sink.report(
                        at..at + MARKER.len(),
                        format!("gate `{}` leaves an open `NEEDS CLARIFICATION` question", e.label),
                    );
                }
            }
        }
    }
}

/// Inside a gate, prose that flags the marker raises an open question:
/// the marker is emphasised (`**NEEDS CLARIFICATION**`) or follows "as"
/// ("flagging as NEEDS CLARIFICATION for the governance team").
fn flagged(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(['*', '_', '`']);
    let emphasised = before.len() < at && text[at + MARKER.len()..].starts_with(['*', '_', '`']);
    let word = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    emphasised || word.eq_ignore_ascii_case("as")
}

/// The marker is the value: nothing but furniture (bullet, checkbox, field
/// name, quote marker) before it in its block (field value, table cell, list
/// item, paragraph, heading), and nothing after it but the end, a colon or
/// question mark opening the question, or a parenthesised note. Prose that
/// talks about markers ("All NEEDS CLARIFICATION items resolved") has words
/// on one side or the other.
fn stands_as_value(plan: &Plan, at: usize, line_end: usize) -> bool {
    let text = plan.text();
    let start = context_start(plan, at);
    let before = &text[start..at];
    let lead = LEAD.find(before).map_or(0, |m| m.end());
    let rest = before[lead..].trim_matches(|c: char| c.is_whitespace() || "*_\"'`>".contains(c));
    let mut after = text[at + MARKER.len()..line_end]
        .trim_start_matches(['*', '_'])
        .trim_start();
    if plan.row_at(at).is_some() {
        after = after.split('|').next().unwrap_or("").trim();
    }
    let after_ok = after.is_empty() || after.starts_with([':', '?', '(', ']']) || after.starts_with("—");
    if rest.is_empty() {
        return after_ok;
    }
    // `**Storage**: PostgreSQL (NEEDS CLARIFICATION on version)` qualifies a value.
    plan.field_at(at).is_some() && rest.ends_with('(')
}

/// Where the block holding `at` starts: the latest of the field value, table
/// cell, list item, paragraph or heading that contains it.
fn context_start(plan: &Plan, at: usize) -> usize {
    let inside = |r: &std::ops::Range<usize>| r.start <= at && at < r.end.max(r.start + 1);
    let mut start = 0;
    let mut take = |r: &std::ops::Range<usize>| {
        if inside(r) && r.start > start {
            start = r.start;
        }
    };
    plan.fields.iter().for_each(|f| take(&f.value));
    plan.paragraphs.iter().for_each(&mut take);
    plan.list_items.iter().for_each(|i| take(&i.span));
    plan.sections.iter().for_each(|s| take(&s.heading));
    if let Some((t, r)) = plan.row_at(at) {
        for c in &plan.tables[t].rows[r].cells {
            take(&c.span);
        }
    }
    // A list item's own nested lines start at its marker; the paragraph
    // inside starts after it. Either way LEAD strips the bullet.
    start
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "TPL001",
            r##"# Implementation Plan: Storage

## Technical Context

**Storage**: NEEDS CLARIFICATION
"##,
            None,
            &[],
        );
        assert_eq!(lines(&hits), [5], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "TPL001",
            r##"# Implementation Plan: Storage

## Technical Context

**Storage**: Longhorn volumes, 2 replicas
"##,
            None,
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn prose_about_markers_is_not_a_marker_but_a_question_is() {
        let plan = "# Plan\n\n## Summary\n\nAll NEEDS CLARIFICATION items were resolved in research.md.\n\n## Technical Context\n\n**Testing**: Molecule [NEEDS CLARIFICATION: which scenarios?]\n\n**Target Platform**: [e.g., Linux server or NEEDS CLARIFICATION]\n";
        let hits = plan_hits("TPL001", plan, None, &[]);
        assert_eq!(lines(&hits), [9, 11], "{hits:#?}");
    }
}
