//! TPL002 template-placeholder: bracketed template slots never filled in.
//! Slots owned by TPL001, TPL003, TPL005 and TPL007 are left to them.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::placeholder::SlotKind;
use crate::parse::plan::SlotContext;

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

#[cfg(test)]
mod tests {
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
