//! GATE002 gate-without-status: a gate entry with no status and no answer,
//! such as the template's own instruction left in place; or an entry that
//! answers but gives no status where one is expected (an empty Status cell,
//! or a bullet without a status word among bullets that have one).

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;
use crate::parse::gates::GateStatus;

pub struct GateWithoutStatus;

impl PlanCheck for GateWithoutStatus {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            let msg = match e.status {
                GateStatus::Missing => format!("gate `{}` has no status and no answer", e.label),
                GateStatus::Unmarked => format!(
                    "gate `{}` gives an answer but no status, while the other gates of this Constitution Check have one",
                    e.label
                ),
                _ => continue,
            };
            let f = sink.report(e.label_span.clone(), msg);
            if let Citation::Principle(i) = c {
                f.principle = Some(cx.constitution.principles[*i].id.clone());
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
            "GATE002",
            r##"# Implementation Plan: Grafana

## Constitution Check

- **GitOps Source of Truth**: Link CI diff output proving automation-driven deploy.
- **Documentation & Runbooks**: ✅ PASS, runbook in `docs/runbooks/grafana.md`
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
        assert_eq!(lines(&hits), [5], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "GATE002",
            r##"# Implementation Plan: Grafana

## Constitution Check

- **GitOps Source of Truth**: ✅ PASS, Argo CD syncs `cluster/apps/`; diff in CI run 4812
- **Documentation & Runbooks**: ✅ PASS, runbook in `docs/runbooks/grafana.md`
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
