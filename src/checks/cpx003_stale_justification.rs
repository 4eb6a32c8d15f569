//! CPX003 stale-justification: a Complexity Tracking row that matches no
//! gate that fails. Rows are matched to gates as CPX001 matches them
//! (`cpx001_unjustified_violation::row_matches`): by numeral, by name, or by
//! the violated subject's words.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;

pub struct StaleJustification;

impl PlanCheck for StaleJustification {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let pairs = super::cpx001_unjustified_violation::Pairs::of_failing(cx);
        for (r, matched) in pairs.rows.iter().zip(&pairs.row_matched) {
            if !r.template_shaped || r.says_none || *matched {
                continue;
            }
            sink.report(
                r.first_span.clone(),
                format!(
                    "Complexity Tracking row `{}` justifies no failing gate",
                    short(r.first)
                ),
            );
        }
    }
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "CPX003",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/`; diff in CI run 4812 |
| II. Documentation & Runbooks | ✅ PASS | runbook in `docs/runbooks/grafana.md` |

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|---|---|---|
| Principle II: runbook written later | on-call rota starts next month | writing it now would describe a setup that will change |
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
            "CPX003",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/`; diff in CI run 4812 |
| II. Documentation & Runbooks | ✅ PASS | runbook in `docs/runbooks/grafana.md` |

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|---|---|---|
| None | | |
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
