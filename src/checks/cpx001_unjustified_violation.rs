//! CPX001 unjustified-violation: a gate that does not pass, with no
//! Complexity Tracking row that names it and fills both justification cells.

use super::{is_blank, PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::{mentions, normalise_name, Citation};
use crate::parse::gates::GateStatus;

pub struct UnjustifiedViolation;

impl PlanCheck for UnjustifiedViolation {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            if e.status != GateStatus::Fail {
                continue;
            }
            if justified(cx, e, *c) {
                continue;
            }
            let span = e.status_span.clone().unwrap_or_else(|| e.label_span.clone());
            let word = e.status_word.as_deref().unwrap_or("not passing");
            let f = sink.report(
                span,
                format!(
                    "gate `{}` is `{word}` but no Complexity Tracking row justifies it",
                    e.label
                ),
            );
            if let Citation::Principle(i) = c {
                let p = &cx.constitution.principles[*i];
                f.principle = Some(p.id.clone());
                f.severity = f.severity.min(p.severity);
            }
        }
    }
}

/// A complete row that names the gate's principle or the gate itself.
pub fn justified(cx: &PlanContext<'_>, e: &crate::parse::gates::GateEntry, c: Citation) -> bool {
    cx.gates
        .complexity
        .iter()
        .flat_map(|t| t.rows.iter())
        .filter(|r| !r.example)
        .any(|r| {
            let Some((first, _)) = r.cells.first() else {
                return false;
            };
            let names = match c {
                Citation::Principle(i) => mentions(first, &cx.constitution.principles[i]),
                _ => false,
            } || {
                let label = normalise_name(&e.label);
                !label.is_empty() && normalise_name(first).contains(&label)
            };
            names && r.cells.len() >= 2 && r.cells[1..].iter().all(|(_, span)| !is_blank(cx.plan, span))
        })
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "CPX001",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ⚠️ PARTIAL | first sync applied by hand from `cluster/bootstrap/` |
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
        assert_eq!(lines(&hits), [7], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "CPX001",
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
