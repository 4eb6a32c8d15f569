//! GATE006 gate-against-unfilled-constitution: a plan claims to pass a
//! constitution that is still the unfilled template.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::gates::GateStatus;
use crate::rules::Verdict;

pub struct GateAgainstUnfilledConstitution;

impl PlanCheck for GateAgainstUnfilledConstitution {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        if !cx.constitution.unfilled() {
            return;
        }
        let claim = cx
            .gates
            .entries
            .iter()
            .find(|e| e.status == GateStatus::Pass)
            .and_then(|e| e.status_span.clone().or(Some(e.label_span.clone())))
            .or_else(|| {
                cx.gates
                    .verdicts
                    .iter()
                    .find(|(v, _)| *v == Verdict::Pass)
                    .map(|(_, r)| r.clone())
            });
        if let Some(span) = claim {
            sink.report(
                span,
                format!(
                    "plan claims to pass {}, which is still an unfilled template",
                    cx.constitution.path.unwrap_or("the constitution")
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
            "GATE006",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| GitOps Principle | ✅ PASS | Argo CD syncs `cluster/apps/grafana/` |
"##,
            Some(
                r##"# [PROJECT_NAME] Constitution

## Core Principles

### [PRINCIPLE_1_NAME]

[PRINCIPLE_1_DESCRIPTION]

**Version**: [CONSTITUTION_VERSION] | **Ratified**: [RATIFICATION_DATE] | **Last Amended**: [LAST_AMENDED_DATE]
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
            "GATE006",
            r##"# Implementation Plan: Grafana

## Constitution Check

The constitution is still the template; ratify it before this plan is gated.
"##,
            Some(
                r##"# [PROJECT_NAME] Constitution

## Core Principles

### [PRINCIPLE_1_NAME]

[PRINCIPLE_1_DESCRIPTION]

**Version**: [CONSTITUTION_VERSION] | **Ratified**: [RATIFICATION_DATE] | **Last Amended**: [LAST_AMENDED_DATE]
"##,
            ),
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
