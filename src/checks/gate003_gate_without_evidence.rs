//! GATE003 gate-without-evidence: a passing gate whose text matches none of
//! its principle's evidence patterns.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;
use crate::parse::gates::GateStatus;

pub struct GateWithoutEvidence;

impl PlanCheck for GateWithoutEvidence {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let text = cx.plan.text();
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            // A passing table row whose evidence cells are empty: whatever
            // the principle, the table's place for evidence was left blank.
            if e.status == GateStatus::Pass && e.evidence_blank && !is_na(e) {
                let span = e.status_span.clone().unwrap_or_else(|| e.label_span.clone());
                let f = sink.report(
                    span,
                    format!("gate `{}` passes with an empty evidence cell", e.label),
                );
                if let Citation::Principle(i) = c {
                    f.principle = Some(cx.constitution.principles[*i].id.clone());
                }
                continue;
            }
            let Citation::Principle(i) = c else { continue };
            let p = &cx.constitution.principles[*i];
            if e.status != GateStatus::Pass || p.evidence.is_empty() {
                continue;
            }
            // N/A needs a reason, not evidence.
            if is_na(e) {
                continue;
            }
            let body = &text[e.text.clone()];
            if p.evidence.iter().any(|re| re.is_match(body)) || not_engaged(&e.answer) {
                continue;
            }
            let span = e.status_span.clone().unwrap_or_else(|| e.label_span.clone());
            let f = sink.report(
                span,
                format!(
                    "gate `{}` passes without evidence for principle `{}`",
                    e.label, p.title
                ),
            );
            f.principle = Some(p.id.clone());
        }
    }
}

fn is_na(e: &crate::parse::gates::GateEntry) -> bool {
    e.status_word
        .as_deref()
        .is_some_and(|w| w.eq_ignore_ascii_case("N/A"))
}

/// An answer saying the principle is not engaged ("No node-level changes
/// required", "None needed") is an N/A in other words: it gives a reason and
/// needs no evidence.
pub(crate) fn not_engaged(answer: &str) -> bool {
    let a = answer
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    [
        "no ",
        "none",
        "not applicable",
        "not needed",
        "not required",
        "nothing ",
    ]
    .iter()
    .any(|p| a.starts_with(p))
        // Japanese and Chinese put the negation after the subject, so look
        // anywhere: "シークレット不要" (no secret needed), "変更なし" (no
        // change), "該当なし"/"対象外" (not applicable), "不适用", "无需".
        || ["不要", "なし", "無し", "該当しない", "対象外", "不適用", "不需要", "不适用", "无需"]
            .iter()
            .any(|p| a.contains(p))
}

#[cfg(test)]
mod tests {
    #[test]
    fn not_engaged_answers() {
        assert!(super::not_engaged("No node-level changes required"));
        assert!(super::not_engaged("- None required for this change"));
        assert!(!super::not_engaged("Flux reconciles `k8s/apps/`"));
        assert!(!super::not_engaged("Notes in docs/"));
        assert!(super::not_engaged("シークレット不要（公開ツールのみ）"));
        assert!(super::not_engaged("ノードへの変更なし"));
        assert!(!super::not_engaged("全てGitで管理"));
    }
}

#[cfg(test)]
mod example_tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "GATE003",
            r##"# Implementation Plan: Grafana

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | done properly |
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
            "GATE003",
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

    /// Paths and file names count as evidence whatever script surrounds
    /// them: CJK text has no spaces around a path.
    #[test]
    fn a_path_or_file_name_inside_cjk_text_is_evidence() {
        let constitution = r##"# Lab Constitution

## Core Principles

### I. GitOps Source of Truth

Argo CD applies everything from Git.

### II. Documentation & Runbooks

Every application ships with a runbook.
"##;
        let plan = |notes1: &str, notes2: &str| {
            format!(
                "# Implementation Plan: Lint\n\n## Constitution Check\n\n| Principle | Status | Notes |\n|---|---|---|\n| I. GitOps Source of Truth | ✅ PASS | {notes1} |\n| II. Documentation & Runbooks | ✅ PASS | {notes2} |\n"
            )
        };
        let silent = plan_hits(
            "GATE003",
            &plan(
                "設定は.ci/workflows/*.yamlで管理",
                "手順はdocs/に記載、Runbook.mdも更新",
            ),
            Some(constitution),
            &[],
        );
        assert!(silent.is_empty(), "{silent:#?}");
        let fired = plan_hits(
            "GATE003",
            &plan("全てGitで管理", "記載予定"),
            Some(constitution),
            &[],
        );
        assert_eq!(lines(&fired), [7], "{fired:#?}");
    }
}
