//! The declarative rule kinds over a plan: `forbid`, `require`,
//! `require-section` and `table-columns`. A rule of one of these kinds is
//! data in `rules/*.toml`; this file is the only code behind it.

use crate::checks::Sink;
use crate::fix::{delete_block, Fix};
use crate::parse::plan::{title_matches, Plan};
use crate::rules::{Pattern, Rule, RuleKind, Scope, SectionGlob};
use std::ops::Range;

/// Evaluate one declarative rule over a plan.
pub fn evaluate(rule: &Rule, plan: &Plan, sink: &mut Sink<'_>) {
    evaluate_with(rule, plan, false, sink)
}

/// As `evaluate`; `ungated` drops the gate section (Constitution Check)
/// from `require-section`: a SpecOps plan in a repository without a
/// constitution has nothing to be gated against.
pub fn evaluate_with(rule: &Rule, plan: &Plan, ungated: bool, sink: &mut Sink<'_>) {
    match &rule.kind {
        RuleKind::Builtin(_)
        | RuleKind::QueryForbid { .. }
        | RuleKind::QueryRequire { .. }
        | RuleKind::LineForbid { .. }
        | RuleKind::PathExists { .. }
        | RuleKind::CompanionFile { .. } => {}
        RuleKind::Forbid { patterns, scope } => forbid(rule, plan, patterns, scope, sink),
        RuleKind::Require { patterns, scope } => require(rule, plan, patterns, scope, sink),
        RuleKind::RequireSection { sections } => require_section(rule, plan, sections, ungated, sink),
        RuleKind::TableColumns { heading, columns } => table_columns(rule, plan, heading, columns, sink),
    }
}

/// Section titles from the outermost heading down to `section`.
fn titles(plan: &Plan, section: Option<usize>) -> Vec<&str> {
    let mut t: Vec<&str> = plan.ancestry(section).map(|s| s.title.as_str()).collect();
    t.reverse();
    t
}

fn in_sections(plan: &Plan, at: usize, globs: &[SectionGlob]) -> bool {
    if globs.is_empty() {
        return true;
    }
    // The region's innermost section or any ancestor may match.
    let chain = titles(plan, plan.section_at(at));
    (1..=chain.len()).any(|n| globs.iter().any(|g| g.matches(&chain[..n])))
}

/// The byte ranges a scope covers, in document order.
pub fn regions(plan: &Plan, scope: &Scope) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let in_table = |at: usize| plan.tables.iter().any(|t| t.span.start <= at && at < t.span.end);
    for r in &plan.texts {
        let table = in_table(r.start);
        if (table && scope.tables) || (!table && scope.prose) {
            out.push(r.clone());
        }
    }
    if scope.code {
        out.extend(plan.code_blocks.iter().map(|b| b.content.clone()));
        out.extend(plan.inline_code.iter().cloned());
    }
    if scope.comments {
        out.extend(plan.comments.iter().cloned());
    }
    out.retain(|r| in_sections(plan, r.start, &scope.sections));
    out.sort_by_key(|r| r.start);
    out
}

fn render(template: &str, matched: &str) -> String {
    template.replace("{match}", matched.trim())
}

fn forbid(rule: &Rule, plan: &Plan, patterns: &[Pattern], scope: &Scope, sink: &mut Sink<'_>) {
    let text = plan.text();
    let comments_only = scope.comments && !scope.prose && !scope.tables && !scope.code;
    for region in regions(plan, scope) {
        let body = &text[region.clone()];
        // One finding per place: the first pattern (in rule order) that matches there.
        let mut taken: Vec<Range<usize>> = Vec::new();
        for p in patterns {
            for m in p.regex.find_iter(body) {
                let span = region.start + m.start()..region.start + m.end();
                if taken
                    .iter()
                    .any(|t| t.start < span.end.max(span.start + 1) && span.start < t.end.max(t.start + 1))
                {
                    continue;
                }
                taken.push(span.clone());
                let msg = render(p.message.as_deref().unwrap_or(&rule.message), m.as_str());
                let sev = p.severity.unwrap_or(rule.severity);
                let f = sink.report_with(span, sev, msg);
                // A forbid over comments only: deleting the comment is safe
                // (it never shows in the rendered plan).
                if comments_only && plan.comments.contains(&region) {
                    f.fix = Some(Fix::safe(
                        "Remove the template guidance comment",
                        vec![delete_block(text, region.clone())],
                    ));
                }
            }
        }
    }
}

fn require(rule: &Rule, plan: &Plan, patterns: &[Pattern], scope: &Scope, sink: &mut Sink<'_>) {
    let text = plan.text();
    // Only when the scoped sections exist: their absence is require-section's business.
    let anchor = if scope.sections.is_empty() {
        plan.sections.first().map_or(0..0, |s| s.heading.clone())
    } else {
        match plan
            .sections
            .iter()
            .enumerate()
            .find(|(i, _)| scope.sections.iter().any(|g| g.matches(&titles(plan, Some(*i)))))
        {
            Some((_, s)) => s.heading.clone(),
            None => return,
        }
    };
    let found = regions(plan, scope)
        .iter()
        .any(|r| patterns.iter().any(|p| p.regex.is_match(&text[r.clone()])));
    if !found {
        sink.report(anchor, render(&rule.message, ""));
    }
}

fn require_section(rule: &Rule, plan: &Plan, groups: &[Vec<String>], ungated: bool, sink: &mut Sink<'_>) {
    let anchor = plan
        .sections
        .iter()
        .find(|s| s.level == 1)
        .map_or(0..0, |s| s.heading.clone());
    let lower: Vec<Vec<String>> = groups
        .iter()
        .map(|g| g.iter().map(|n| n.to_lowercase()).collect())
        .collect();
    for (i, names) in lower.iter().enumerate() {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        if ungated && names.iter().any(|n| crate::parse::gates::CHECK.contains(n)) {
            continue;
        }
        let found = plan.sections_named(&names).any(|(_, s)| {
            !plan.ancestry(s.parent).any(|a| {
                lower.iter().enumerate().any(|(j, other)| {
                    let other: Vec<&str> = other.iter().map(String::as_str).collect();
                    j != i && title_matches(&a.title, &other)
                })
            })
        });
        if !found {
            let group = &groups[i];
            let mut msg = format!("{}: `{}`", rule.message, group[0]);
            if group.len() > 1 {
                let alts: Vec<String> = group[1..].iter().map(|a| format!("`{a}`")).collect();
                msg.push_str(&format!(" (also accepted: {})", alts.join(", ")));
            }
            sink.report(anchor.clone(), msg);
        }
    }
}

fn table_columns(rule: &Rule, plan: &Plan, heading: &SectionGlob, columns: &[String], sink: &mut Sink<'_>) {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let want: Vec<String> = columns.iter().map(|c| norm(c)).collect();
    for t in &plan.tables {
        if !in_sections(plan, t.span.start, std::slice::from_ref(heading)) {
            continue;
        }
        let got: Vec<String> = t.header.cells.iter().map(|c| norm(&c.text)).collect();
        if got != want {
            let shown: Vec<&str> = t.header.cells.iter().map(|c| c.text.as_str()).collect();
            sink.report(
                t.header.span.clone(),
                format!(
                    "{}: found `{}`, expected `{}`",
                    rule.message,
                    shown.join(" | "),
                    columns.join(" | ")
                ),
            );
        }
    }
}
