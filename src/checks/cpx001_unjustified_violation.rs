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
        let pairs = Pairs::of_failing(cx);
        for (gi, (e, c)) in cx.gates.entries.iter().zip(cx.citations).enumerate() {
            if e.status != GateStatus::Fail {
                continue;
            }
            let rows = pairs.rows_of(gi);
            // A complete row justifies it (`justified`).
            if rows.iter().any(|r| r.complete) {
                continue;
            }
            // A row names the gate but leaves a cell unfilled: CPX002
            // reports that row (`named_incomplete`).
            if rows.iter().any(|r| r.template_shaped && !r.says_none) {
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

/// A Complexity Tracking row as the pairing sees it.
pub(crate) struct RowInfo<'a> {
    pub first: &'a str,
    pub first_span: &'a std::ops::Range<usize>,
    /// Every justification cell is filled (`justified`).
    pub complete: bool,
    /// Its table has the template's columns (CPX002 and CPX003 read only those).
    pub template_shaped: bool,
    pub says_none: bool,
}

/// Which failing gates each Complexity Tracking row refers to, by the rules
/// of `row_matches`, found through indexes instead of trying every gate
/// against every row: rows by the principles they mention, an Aho-Corasick
/// scan of the rows for the gates' numerals and names, and rows by their
/// subject words. The work is linear in the rows and gates plus the pairs
/// that share a word (each pair is confirmed once).
pub(crate) struct Pairs<'a> {
    pub rows: Vec<RowInfo<'a>>,
    /// For each gate (index in `cx.gates.entries`), the rows it matches.
    by_gate: Vec<Vec<usize>>,
    /// For each row, whether a failing gate matches it.
    pub row_matched: Vec<bool>,
}

impl<'a> Pairs<'a> {
    /// Pair the failing gates with the rows that are not template examples.
    pub fn of_failing(cx: &'a PlanContext<'_>) -> Pairs<'a> {
        use std::collections::{HashMap, HashSet};
        let mut rows = Vec::new();
        for t in &cx.gates.complexity {
            let template_shaped = t.is_template_shaped();
            for r in &t.rows {
                if r.example {
                    continue;
                }
                let Some((first, span)) = r.cells.first() else {
                    continue;
                };
                rows.push(RowInfo {
                    first,
                    first_span: span,
                    complete: r.cells.len() >= 2
                        && r.cells[1..].iter().all(|(_, span)| !is_blank(cx.plan, span)),
                    template_shaped,
                    says_none: r.says_none(),
                });
            }
        }
        let gates: Vec<usize> = cx
            .gates
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.status == GateStatus::Fail)
            .map(|(i, _)| i)
            .collect();
        let mut found: HashSet<(usize, usize)> = HashSet::new();

        // 1. The gate's principle, mentioned by the row: one pass over the
        // rows per principle cited (the constitution's size, not the plan's).
        let mut by_principle: HashMap<usize, Vec<usize>> = HashMap::new();
        for &g in &gates {
            if let Citation::Principle(i) = cx.citations[g] {
                let hits = by_principle.entry(i).or_insert_with(|| {
                    let p = &cx.constitution.principles[i];
                    (0..rows.len()).filter(|&r| mentions(rows[r].first, p)).collect()
                });
                found.extend(hits.iter().map(|&r| (g, r)));
            }
        }

        // 2. The gate label's numeral as a whole token, and the gate's
        // normalised label inside the row's normalised first cell.
        let numerals: Vec<(usize, String)> = gates
            .iter()
            .filter_map(|&g| split_numeral(&cx.gates.entries[g].label).0.map(|n| (g, n)))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        scan(
            &numerals,
            rows.iter().map(|r| r.first.to_string()),
            &mut found,
            |text, m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_alphabetic())
                    && !after.is_some_and(|c| c.is_ascii_alphabetic())
            },
        );
        let labels: Vec<(usize, String)> = gates
            .iter()
            .map(|&g| (g, normalise_name(&cx.gates.entries[g].label)))
            .filter(|(_, l)| !l.is_empty())
            .collect();
        scan(
            &labels,
            rows.iter().map(|r| normalise_name(r.first)),
            &mut found,
            |_, _| true,
        );

        // 3. Shared subject words: at least two, or the row's only one.
        let row_words: Vec<Vec<String>> = rows.iter().map(|r| subject_words(r.first)).collect();
        let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
        for (r, words) in row_words.iter().enumerate() {
            for w in words {
                postings.entry(w.as_str()).or_default().push(r);
            }
        }
        for &g in &gates {
            let said: HashSet<String> = subject_words(&cx.gates.entries[g].answer).into_iter().collect();
            // Row index -> row words found in `said` (with repeats, as
            // `row_matches` counts them).
            let mut shared: HashMap<usize, usize> = HashMap::new();
            for w in &said {
                for &r in postings.get(w.as_str()).map_or(&[][..], |v| v) {
                    *shared.entry(r).or_default() += 1;
                }
            }
            for (r, n) in shared {
                if n >= 2 || (row_words[r].len() == 1 && n == 1) {
                    found.insert((g, r));
                }
            }
        }

        let mut by_gate = vec![Vec::new(); cx.gates.entries.len()];
        let mut row_matched = vec![false; rows.len()];
        let mut pairs: Vec<(usize, usize)> = found.into_iter().collect();
        pairs.sort_unstable();
        for (g, r) in pairs {
            by_gate[g].push(r);
            row_matched[r] = true;
        }
        Pairs {
            rows,
            by_gate,
            row_matched,
        }
    }

    /// The rows gate `g` matches.
    pub fn rows_of(&self, g: usize) -> Vec<&RowInfo<'a>> {
        self.by_gate
            .get(g)
            .map_or(Vec::new(), |v| v.iter().map(|&r| &self.rows[r]).collect())
    }
}

/// Find every (gate, row) where one of the gates' `needles` occurs in the
/// row's text and `keep` accepts the occurrence: one Aho-Corasick pass per
/// row, over all needles at once.
fn scan(
    needles: &[(usize, String)],
    texts: impl Iterator<Item = String>,
    found: &mut std::collections::HashSet<(usize, usize)>,
    keep: impl Fn(&str, &aho_corasick::Match) -> bool,
) {
    if needles.is_empty() {
        return;
    }
    // Gates sharing a needle share one pattern.
    let mut distinct: Vec<&str> = needles.iter().map(|(_, n)| n.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut gates_of: Vec<Vec<usize>> = vec![Vec::new(); distinct.len()];
    for (g, n) in needles {
        if let Ok(i) = distinct.binary_search(&n.as_str()) {
            gates_of[i].push(*g);
        }
    }
    // A few rows per plan: a contiguous NFA builds much faster than a DFA
    // and searches them as fast.
    let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(&distinct)
    else {
        return;
    };
    for (r, text) in texts.enumerate() {
        let mut seen = std::collections::HashSet::new();
        for m in ac.find_overlapping_iter(&text) {
            let p = m.pattern().as_usize();
            if !seen.contains(&p) && keep(&text, &m) {
                seen.insert(p);
                found.extend(gates_of[p].iter().map(|&g| (g, r)));
            }
        }
    }
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
