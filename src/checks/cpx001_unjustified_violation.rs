//! CPX001 unjustified-violation: a gate that does not pass, with no
//! Complexity Tracking row that names it and fills both justification cells.

use super::{is_blank, PlanCheck, PlanContext};
use crate::checks::gate001_uncovered_principle::table_row;
use crate::checks::Sink;
use crate::fix::{line_end_inclusive, line_ending, Edit, Fix};
use crate::parse::constitution::{mentions, normalise_dashes, normalise_name, split_numeral, Citation};
use crate::parse::gates::{GateEntry, GateStatus};
use crate::parse::plan::title_matches;

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
            // A row names the gate but leaves a cell unfilled: CPX002 reports that row.
            if named_incomplete(cx, e, *c) {
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
            f.fix = row_fix(cx, &e.label);
        }
    }
}

/// Whether a row of a template-shaped table refers to the gate but leaves a
/// cell unfilled (CPX002 then reports that row).
fn named_incomplete(cx: &PlanContext<'_>, e: &GateEntry, c: Citation) -> bool {
    cx.gates
        .complexity
        .iter()
        .filter(|t| t.is_template_shaped())
        .flat_map(|t| t.rows.iter())
        .filter(|r| !r.example && !r.says_none())
        .any(|r| {
            r.cells
                .first()
                .is_some_and(|(first, _)| row_matches(cx, first, e, c))
        })
}

/// An unsafe fix: a Complexity Tracking row for the gate, in the table's own
/// columns, its justification cells left as `[TODO]` slots for the author
/// (CPX002 and TPL002 report them until they are filled). Creates the
/// section and the table when the plan has none.
fn row_fix(cx: &PlanContext<'_>, label: &str) -> Option<Fix> {
    let plan = cx.plan;
    let text = plan.text();
    let nl = line_ending(text);
    let title = format!("Add a Complexity Tracking row for `{label}` (justification TODO)");
    let label = label.replace('|', "\\|");
    let in_complexity = |at: usize| {
        plan.ancestry(plan.section_at(at))
            .any(|a| title_matches(&a.title, COMPLEXITY))
    };
    let lead = |at: usize| {
        if at == text.len() && !text.ends_with('\n') {
            nl
        } else {
            ""
        }
    };
    let row = |n: usize| {
        let cells: Vec<String> = (0..n.max(3))
            .map(|i| {
                if i == 0 {
                    label.clone()
                } else {
                    "[TODO]".to_string()
                }
            })
            .collect();
        table_row(&cells)
    };
    let template = || {
        format!(
            "| Violation | Why Needed | Simpler Alternative Rejected Because |{nl}|-----------|------------|-------------------------------------|{nl}{}{nl}",
            row(3)
        )
    };
    if let Some(t) = plan.tables.iter().find(|t| {
        in_complexity(t.span.start)
            && t.header.cells.len() >= 3
            && t.header.cells[0].text.to_lowercase().contains("violation")
    }) {
        let last = t.rows.last().map_or(&t.header.span, |r| &r.span);
        let at = line_end_inclusive(text, last.end);
        return Some(Fix::unsafe_(
            title,
            vec![Edit::insert(
                at,
                format!("{}{}{nl}", lead(at), row(t.header.cells.len())),
            )],
        ));
    }
    if let Some(s) = plan.sections.iter().find(|s| title_matches(&s.title, COMPLEXITY)) {
        if plan
            .tables
            .iter()
            .any(|t| s.span.start <= t.span.start && t.span.start < s.span.end)
        {
            // A table of another shape: CPX004's business, not ours to extend.
            return None;
        }
        let at = line_end_inclusive(text, s.heading.end.saturating_sub(1).max(s.heading.start));
        return Some(Fix::unsafe_(
            title,
            vec![Edit::insert(at, format!("{}{nl}{}", lead(at), template()))],
        ));
    }
    let at = text.len();
    let sep = if text.is_empty() || text.ends_with("\n\n") || text.ends_with("\r\n\r\n") {
        ""
    } else if text.ends_with('\n') {
        nl
    } else {
        // No final line ending: end the last line, then a blank line.
        "\n\n"
    };
    let sep = if sep == "\n\n" {
        format!("{nl}{nl}")
    } else {
        sep.to_string()
    };
    Some(Fix::unsafe_(
        title,
        vec![Edit::insert(
            at,
            format!("{sep}## Complexity Tracking{nl}{nl}{}", template()),
        )],
    ))
}

const COMPLEXITY: &[&str] = &["complexity tracking"];

/// A complete row that refers to the gate (see `row_matches`).
pub fn justified(cx: &PlanContext<'_>, e: &GateEntry, c: Citation) -> bool {
    cx.gates
        .complexity
        .iter()
        .flat_map(|t| t.rows.iter())
        .filter(|r| !r.example)
        .any(|r| {
            let Some((first, _)) = r.cells.first() else {
                return false;
            };
            row_matches(cx, first, e, c)
                && r.cells.len() >= 2
                && r.cells[1..].iter().all(|(_, span)| !is_blank(cx.plan, span))
        })
}

/// Significant words: lower case, split at anything not a letter or digit,
/// without the little words every sentence has; a plural `s` dropped.
fn subject_words(s: &str) -> Vec<String> {
    const STOP: &[&str] = &[
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "for",
        "from",
        "in",
        "is",
        "it",
        "its",
        "no",
        "not",
        "of",
        "on",
        "one",
        "only",
        "or",
        "our",
        "per",
        "than",
        "that",
        "the",
        "then",
        "this",
        "to",
        "until",
        "up",
        "we",
        "when",
        "which",
        "while",
        "will",
        "with",
        "yet",
        "principle",
        "gate",
        "violation",
    ];
    normalise_dashes(s)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(|w| {
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_string()
            } else {
                w.to_string()
            }
        })
        .collect()
}

/// True when a Complexity Tracking row's first cell refers to the gate:
///
/// 1. by numeral: the gate's principle numeral (or the numeral the gate's
///    label carries) as a whole token (`Principle II: ...`);
/// 2. by name: a name or alias of the gate's principle, or the gate's own
///    label;
/// 3. by the violated subject: the row shares words with what the failing
///    gate says (its answer, besides label and status word): at least two
///    significant words, or the row's only one. "Single replica (no HA)"
///    justifies a High Availability gate that says "single replica of the
///    registry".
pub fn row_matches(cx: &PlanContext<'_>, first: &str, e: &GateEntry, c: Citation) -> bool {
    if let Citation::Principle(i) = c {
        if mentions(first, &cx.constitution.principles[i]) {
            return true;
        }
    }
    if let (Some(n), _) = split_numeral(&e.label) {
        let whole = first.match_indices(n.as_str()).any(|(i, _)| {
            let before = first[..i].chars().next_back();
            let after = first[i + n.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphabetic())
                && !after.is_some_and(|c| c.is_ascii_alphabetic())
        });
        if whole {
            return true;
        }
    }
    let label = normalise_name(&e.label);
    if !label.is_empty() && normalise_name(first).contains(&label) {
        return true;
    }
    let row = subject_words(first);
    let said = subject_words(&e.answer);
    let shared = row.iter().filter(|w| said.contains(w)).count();
    shared >= 2 || (row.len() == 1 && shared == 1)
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
