//! TPL002 template-placeholder: bracketed template slots never filled in.
//! Slots owned by TPL001, TPL003, TPL005 and TPL007 are left to them.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::placeholder::SlotKind;
use crate::parse::plan::SlotContext;
use regex::Regex;
use std::sync::LazyLock;

/// A line of the old Phase 0 text that describes research.md's format:
/// `- Decision: [what was chosen]`.
static FORMAT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+]\s+)?(?:\*\*)?(?:decision|rationale|alternatives(?: considered)?)(?:\*\*)?\s*:(?:\*\*)?\s*\[[^\]]+\]\s*$")
        .expect("valid regex")
});

pub struct TemplatePlaceholder;

impl PlanCheck for TemplatePlaceholder {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let plan = cx.plan;
        let rows: Vec<_> = plan.example_rows().map(|r| r.span.clone()).collect();
        let decision = plan
            .structure_decision()
            .filter(|f| plan.value_is_slot(f))
            .map(|f| f.value.clone());
        for slot in plan.slots.iter().filter(|s| s.kind == SlotKind::Placeholder) {
            let at = slot.span.start;
            if rows.iter().any(|r| r.start <= at && at < r.end) {
                continue;
            }
            if decision
                .as_ref()
                .is_some_and(|d| d.start <= at && at < d.end.max(d.start + 1))
            {
                continue;
            }
            if research_format(plan.text(), at) {
                continue;
            }
            let shown = &plan.text()[slot.span.clone()];
            let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
            let msg = match (slot.context, plan.field_at(at)) {
                (SlotContext::Tree, _) => format!("placeholder path segment `{shown}` in structure tree"),
                (_, Some(f)) => format!("**{}** is still the placeholder `{shown}`", f.name),
                _ => format!("template placeholder `{shown}`"),
            };
            sink.report(slot.span.clone(), msg);
        }
    }
}

/// The slot at `at` sits in the template's description of research.md's
/// format: a `Decision: [...]`, `Rationale: [...]` or `Alternatives
/// considered: [...]` line in a run of such lines introduced by a line that
/// mentions the format (`Consolidate findings in research.md using
/// format:`). It is an instruction to the author, like the template's Note
/// line, not a slot of this plan.
fn research_format(text: &str, at: usize) -> bool {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if !FORMAT_LINE.is_match(&text[start..end]) {
        return false;
    }
    for line in text[..start].lines().rev().take(4) {
        if FORMAT_LINE.is_match(line) {
            continue;
        }
        let l = line.to_lowercase();
        return l.contains("format") && l.trim_end().ends_with(':');
    }
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn research_format_lines() {
        let t = "2. **Consolidate findings** in `research.md` using format:\n   - Decision: [what was chosen]\n   - Rationale: [why chosen]\n\n## Open\n\n- Decision: [which class]\n";
        let at = t.find("[why").unwrap();
        assert!(super::research_format(t, at));
        let at = t.find("[which").unwrap();
        assert!(!super::research_format(t, at));
    }
}

#[cfg(test)]
mod example_tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "TPL002",
            r##"# Implementation Plan: Grafana

**Date**: [DATE]
See [spec.md](spec.md) for the feature.
"##,
            None,
            &[],
        );
        assert_eq!(lines(&hits), [3], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "TPL002",
            r##"# Implementation Plan: Grafana

**Date**: 2026-03-14
See [spec.md](spec.md) for the feature.
"##,
            None,
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn links_checkboxes_and_code_lists_are_not_slots() {
        let plan = "# Plan: [FEATURE]\n\n- [x] spec reviewed\n- See [the spec][spec]\n\n[spec]: spec.md\n\n```yaml\nports: [80, 443]\n```\n\n**Owner**: [Name of the team that owns this]\n";
        let hits = plan_hits("TPL002", plan, None, &[]);
        assert_eq!(lines(&hits), [1, 12], "{hits:#?}");
    }
}
