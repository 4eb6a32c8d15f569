//! GATE007 stale-constitution-version: the plan says it is based on a
//! constitution version other than the current one.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::fix::{Edit, Fix};
use regex::Regex;
use std::sync::LazyLock;

pub struct StaleConstitutionVersion;

static CITED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bconstitution\s+v(\d+\.\d+(?:\.\d+)?)\b").expect("valid regex"));

impl PlanCheck for StaleConstitutionVersion {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let Some((current, _)) = cx.constitution.doc.and_then(|d| d.version.as_ref()) else {
            return;
        };
        let current = current.trim().trim_matches('`').trim_start_matches('v');
        if !current.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return;
        }
        let text = cx.plan.text();
        for run in &cx.plan.texts {
            for c in CITED.captures_iter(&text[run.clone()]) {
                let m = c.get(1).expect("group 1");
                if m.as_str() != current {
                    let span = run.start + m.start()..run.start + m.end();
                    let f = sink.report(
                        span.clone(),
                        format!(
                            "plan cites constitution v{}, but the current version is {current}",
                            m.as_str()
                        ),
                    );
                    f.fix = Some(Fix::safe(
                        format!("Update the cited constitution version to {current}"),
                        vec![Edit::replace(span, current)],
                    ));
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
            "GATE007",
            r##"# Implementation Plan: Grafana

*Based on Constitution v1.0.0*

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
        assert_eq!(lines(&hits), [3], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "GATE007",
            r##"# Implementation Plan: Grafana

*Based on Constitution v1.3.0*

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
    fn without_constitution_md_there_is_no_version_to_compare() {
        let plan = "# Plan\n\n*Based on Constitution v1.0.0*\n";
        assert!(plan_hits("GATE007", plan, None, &[]).is_empty());
        let hits = plan_hits("GATE007", plan, Some(CONSTITUTION), &[]);
        assert_eq!(lines(&hits), [3], "{hits:#?}");
    }
}
