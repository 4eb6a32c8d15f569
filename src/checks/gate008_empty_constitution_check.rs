//! GATE008 empty-constitution-check: the Constitution Check holds only the
//! template's placeholder, or nothing.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;

pub struct EmptyConstitutionCheck;

impl PlanCheck for EmptyConstitutionCheck {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let plan = cx.plan;
        let Some(section) = cx.gates.first_section(plan) else {
            return;
        };
        if !cx.gates.entries.is_empty() || !cx.gates.verdicts.is_empty() {
            return;
        }
        // Any prose other than the template's italic GATE line and its slot?
        let body = section.heading.end..section.span.end;
        let text = plan.text();
        let content = plan
            .texts
            .iter()
            .filter(|r| body.start <= r.start && r.end <= body.end)
            .any(|r| {
                let t = text[r.clone()].trim();
                let in_slot = plan
                    .slots
                    .iter()
                    .any(|s| s.span.start <= r.start && r.end <= s.span.end);
                !t.is_empty()
                    && !in_slot
                    && !t.starts_with("GATE:")
                    && !t.starts_with("[")
                    && !t.ends_with(']')
            });
        let gate_line = plan
            .texts
            .iter()
            .any(|r| body.start <= r.start && r.end <= body.end && text[r.clone()].starts_with("GATE:"));
        let prose = plan
            .texts
            .iter()
            .filter(|r| body.start <= r.start && r.end <= body.end)
            .count();
        if !content || (gate_line && prose <= 1) {
            sink.report(
                section.heading.clone(),
                format!(
                    "{} is empty or still the template's placeholder",
                    crate::parse::gates::check_name(&section.title)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "GATE008",
            r##"# Implementation Plan: Grafana

## Constitution Check

*GATE: Must pass before Phase 0 research.*

[Gates determined based on constitution file]
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
        assert_eq!(lines(&hits), [3], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "GATE008",
            r##"# Implementation Plan: Grafana

## Constitution Check

*GATE: Must pass before Phase 0 research.*

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/`; diff in CI run 4812 |
| II. Documentation & Runbooks | ✅ PASS | runbook in `docs/runbooks/grafana.md` |
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
