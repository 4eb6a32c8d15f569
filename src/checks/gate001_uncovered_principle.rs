//! GATE001 uncovered-principle: a principle of the constitution that the
//! plan's Constitution Check never addresses.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::fix::{line_end_inclusive, line_ending, line_start, Edit, Fix};
use crate::parse::constitution::Citation;
use crate::parse::plan::{title_matches, Section};
use regex::Regex;
use std::sync::LazyLock;

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
                    "{} never addresses principle `{shown}` of {}",
                    crate::parse::gates::check_name(&section.title),
                    cx.constitution.label
                ),
            );
            f.principle = Some(p.id.clone());
            f.fix = entry_fix(cx, section, &shown);
        }
    }
}

static LABEL_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)principle|gate|article|requirement|check|rule|name|area").expect("valid")
});
static STATUS_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)status|result|verdict|complian|pass|outcome|state").expect("valid"));

/// A Markdown table row with these cells.
pub(crate) fn table_row(cells: &[String]) -> String {
    let mut row = String::from("|");
    for c in cells {
        row.push(' ');
        row.push_str(c);
        if !c.is_empty() {
            row.push(' ');
        }
        row.push('|');
    }
    row
}

/// An unsafe fix that adds an entry for the principle in the Constitution
/// Check's own shape: a table row when the section has a table, a bullet
/// otherwise. The status is left as `[TODO]`, a template slot, so the new
/// entry reads as unanswered (GATE002) and the slot as a placeholder
/// (TPL002) until the author fills it.
fn entry_fix(cx: &PlanContext<'_>, section: &Section, shown: &str) -> Option<Fix> {
    let plan = cx.plan;
    let text = plan.text();
    let nl = line_ending(text);
    let label = shown.replace('|', "\\|");
    let in_section = |at: usize| {
        section.span.start <= at
            && at < section.span.end
            && !plan
                .ancestry(plan.section_at(at))
                .any(|a| title_matches(&a.title, &["complexity tracking"]))
    };
    let title = format!(
        "Add a {} entry for `{shown}` (status TODO)",
        crate::parse::gates::check_name(&section.title)
    );
    if let Some(t) = plan.tables.iter().find(|t| in_section(t.span.start)) {
        let header: Vec<&str> = t.header.cells.iter().map(|c| c.text.as_str()).collect();
        let label_col = header.iter().position(|h| LABEL_HEADER.is_match(h)).unwrap_or(0);
        let status_col = header
            .iter()
            .enumerate()
            .position(|(i, h)| i != label_col && STATUS_HEADER.is_match(h))?;
        let cells: Vec<String> = (0..header.len())
            .map(|i| {
                if i == label_col {
                    label.clone()
                } else if i == status_col {
                    "[TODO]".to_string()
                } else {
                    String::new()
                }
            })
            .collect();
        let last = t.rows.last().map_or(&t.header.span, |r| &r.span);
        let at = line_end_inclusive(text, last.end);
        let lead = if at == text.len() && !text.ends_with('\n') {
            nl
        } else {
            ""
        };
        return Some(Fix::unsafe_(
            title,
            vec![Edit::insert(at, format!("{lead}{}{nl}", table_row(&cells)))],
        ));
    }
    // Bullets: after the last top-level gate bullet of the section, with its marker.
    let bullets: Vec<&crate::parse::gates::GateEntry> = cx
        .gates
        .entries
        .iter()
        .filter(|e| in_section(e.span.start) && !e.post_design)
        .filter(|e| {
            let ls = line_start(text, e.span.start);
            matches!(text[ls..].trim_start().chars().next(), Some('-' | '*' | '+'))
        })
        .collect();
    if let Some(last) = bullets.last() {
        let ls = line_start(text, last.span.start);
        let line = &text[ls..];
        let indent = &line[..line.len() - line.trim_start().len()];
        let marker = line.trim_start().chars().next().unwrap_or('-');
        let whole = last.text.start.min(last.span.start)..last.text.end.max(last.span.end);
        let end = whole.start + text[whole.clone()].trim_end().len();
        let at = line_end_inclusive(text, crate::fix::last_char_start(text, end, whole.start));
        let lead = if at == text.len() && !text.ends_with('\n') {
            nl
        } else {
            ""
        };
        return Some(Fix::unsafe_(
            title,
            vec![Edit::insert(
                at,
                format!("{lead}{indent}{marker} **{label}**: [TODO]{nl}"),
            )],
        ));
    }
    if cx.gates.entries.iter().any(|e| in_section(e.span.start)) {
        // Entries of another shape (one heading per principle): leave it to the author.
        return None;
    }
    let at = line_end_inclusive(
        text,
        crate::fix::last_char_start(text, section.heading.end, section.heading.start),
    );
    let lead = if at == text.len() && !text.ends_with('\n') {
        nl
    } else {
        ""
    };
    Some(Fix::unsafe_(
        title,
        vec![Edit::insert(at, format!("{lead}{nl}- **{label}**: [TODO]{nl}"))],
    ))
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    /// fuzz `check_repo` (2026-11-29): the fix for a gate list whose last
    /// bullet ends in a multi-byte character sliced inside it.
    #[test]
    fn a_last_gate_ending_in_a_wide_character_gets_its_fix() {
        let plan = "# Plan\n\n## Constitution Check\n\n- **I. Git Source**: PASS ✅\n";
        let constitution = "# C\n\n## Core Principles\n\n### I. Git Source\n\nAll from Git.\n\n### II. Runbooks\n\nEvery app has one.\n";
        let hits = plan_hits("GATE001", plan, Some(constitution), &[]);
        assert_eq!(lines(&hits), [3], "{hits:#?}");
    }

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
