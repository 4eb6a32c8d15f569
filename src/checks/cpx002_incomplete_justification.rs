//! CPX002 incomplete-justification: a Complexity Tracking row with an empty
//! or placeholder cell.

use super::{is_blank, PlanCheck, PlanContext};
use crate::checks::Sink;

pub struct IncompleteJustification;

impl PlanCheck for IncompleteJustification {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for t in cx.gates.complexity.iter().filter(|t| t.is_template_shaped()) {
            for r in t.rows.iter().filter(|r| !r.example && !r.says_none()) {
                for (i, (_, span)) in r.cells.iter().enumerate() {
                    if is_blank(cx.plan, span) {
                        let col = t.header.get(i).map_or("a cell".to_string(), |h| format!("`{h}`"));
                        let at = if span.is_empty() {
                            r.span.clone()
                        } else {
                            span.clone()
                        };
                        sink.report(
                            at,
                            format!("Complexity Tracking row leaves {col} empty or unfilled"),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "CPX002",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ⚠️ PARTIAL | first sync applied by hand from `cluster/bootstrap/` |
| II. Documentation & Runbooks | ✅ PASS | runbook in `docs/runbooks/grafana.md` |

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|---|---|---|
| Principle I: first sync by hand | Argo CD is not running before the first sync | |
"##,
            Some(
                r##"# Harbor Lab Constitution

## Core Principles

### I. GitOps Source of Truth

Argo CD applies everything from the `main` branch.

### II. Documentation & Runbooks

Every application ships with a runbook.

## Governance

**Version**: 1.3.0 | **Ratified**: 2026-01-10 | **Last Amended**: 2026-03-02
"##,
            ),
            &[],
        );
        assert_eq!(lines(&hits), [14], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "CPX002",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ⚠️ PARTIAL | first sync applied by hand from `cluster/bootstrap/` |
| II. Documentation & Runbooks | ✅ PASS | runbook in `docs/runbooks/grafana.md` |

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|---|---|---|
| Principle I: first sync by hand | Argo CD is not running before the first sync | a separate bootstrap cluster costs more than one manual step |
"##,
            Some(
                r##"# Harbor Lab Constitution

## Core Principles

### I. GitOps Source of Truth

Argo CD applies everything from the `main` branch.

### II. Documentation & Runbooks

Every application ships with a runbook.

## Governance

**Version**: 1.3.0 | **Ratified**: 2026-01-10 | **Last Amended**: 2026-03-02
"##,
            ),
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
