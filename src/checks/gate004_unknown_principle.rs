//! GATE004 unknown-principle: the plan cites a principle that the
//! constitution does not define.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;

pub struct UnknownPrinciple;

impl PlanCheck for UnknownPrinciple {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            if *c == Citation::Unknown {
                sink.report(
                    e.label_span.clone(),
                    format!(
                        "plan cites `{}`, which {} does not define",
                        e.label, cx.constitution.label
                    ),
                );
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
            "GATE004",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/`; diff in CI run 4812 |
| II. Documentation & Runbooks | ✅ PASS | runbook in `docs/runbooks/grafana.md` |
| VII. Zero Trust Everything | ✅ PASS | mTLS in `cluster/mesh/` |
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
        assert_eq!(lines(&hits), [9], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "GATE004",
            r##"# Implementation Plan: Grafana

## Constitution Check

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

    #[test]
    fn principles_match_by_numeral_and_by_name() {
        let plan = format!(
            "# Plan\n\n## Constitution Check\n\n{PASSING_ROWS}| VIII. Chaos Drills | ✅ PASS | game day in `docs/drills.md` |\n"
        );
        let hits = plan_hits("GATE004", &plan, Some(CONSTITUTION), &[]);
        assert_eq!(lines(&hits), [9], "{hits:#?}");
    }
}
