//! GATE001 uncovered-principle: a principle of the constitution that the
//! plan's Constitution Check never addresses.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;

pub struct UncoveredPrinciple;

impl PlanCheck for UncoveredPrinciple {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        // Without a Constitution Check there is nothing to read (a missing
        // section is TPL006's finding); an unfilled constitution.md states
        // no principles to cover.
        let Some(section) = cx.gates.first_section(cx.plan) else {
            return;
        };
        if cx.constitution.unfilled() {
            return;
        }
        for (i, p) in cx.constitution.principles.iter().enumerate() {
            if cx.citations.contains(&Citation::Principle(i)) {
                continue;
            }
            let shown = match &p.numeral {
                Some(n) => format!("{n}. {}", p.title),
                None => p.title.clone(),
            };
            let f = sink.report_with(
                section.heading.clone(),
                p.severity,
                format!(
                    "Constitution Check never addresses principle `{shown}` of {}",
                    cx.constitution.label
                ),
            );
            f.principle = Some(p.id.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "GATE001",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/`; diff in CI run 4812 |
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
            "GATE001",
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
}
