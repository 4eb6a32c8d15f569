//! XREF003 header-points-elsewhere: the plan's header (`**Branch**`,
//! `**Spec**`, `**Input**`) names another feature folder, or a spec.md that
//! does not exist.

use super::{Existence, Hit};
use crate::parse::plan::Plan;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\]\(\s*<?([^)\s>]+)>?").expect("valid regex"));
static TICKS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`\n]+)`").expect("valid regex"));
static FEATURE_DIR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{3,}-[A-Za-z0-9]").expect("valid regex"));

/// The header fields: document-level fields before the first `##` heading.
fn header_fields<'p>(
    plan: &'p Plan,
    names: &'p [&str],
) -> impl Iterator<Item = &'p crate::parse::plan::Field> + 'p {
    let limit = plan
        .sections
        .iter()
        .find(|s| s.level >= 2)
        .map_or(plan.text().len(), |s| s.heading.start);
    plan.fields.iter().filter(move |f| {
        f.name_span.start < limit && names.iter().any(|n| f.name.trim().eq_ignore_ascii_case(n))
    })
}

/// The first path in `range` whose file name is `spec.md`: a link target, a
/// path in backticks, or a bare word; with its span.
fn spec_path(text: &str, range: Range<usize>) -> Option<(Range<usize>, String)> {
    let v = &text[range.clone()];
    let mut found: Vec<(usize, &str)> = Vec::new();
    for re in [&*LINK, &*TICKS] {
        for c in re.captures_iter(v) {
            let m = c.get(1).expect("group 1");
            found.push((m.start(), m.as_str()));
        }
    }
    let mut at = 0;
    for w in v.split_inclusive(char::is_whitespace) {
        let t = w.trim_end();
        let lead = t.len() - t.trim_start_matches(['(', '"', '\'', '`', '[']).len();
        let word = t.trim_matches(['(', ')', '"', '\'', '`', ',', ';', '[', ']', '.']);
        if !word.contains(['[', ']', '(', ')', '`']) {
            found.push((at + lead, word));
        }
        at += w.len();
    }
    found.sort_by_key(|(s, _)| *s);
    found.into_iter().find_map(|(s, p)| {
        let p = p.split('#').next().unwrap_or(p).trim();
        (p.rsplit('/').next() == Some("spec.md"))
            .then(|| (range.start + s..range.start + s + p.len(), p.to_string()))
    })
}

/// The feature folder name a spec path points into, resolved against the
/// plan's folder `dir`; `None` when it cannot tell (a slot, no folder).
fn folder_of(dir: &str, path: &str) -> Option<String> {
    let p = path.trim();
    if p.contains('[') {
        return None;
    }
    let mut parts: Vec<&str> = if p.starts_with("./") || p.starts_with("../") || !p.contains('/') {
        dir.split('/').filter(|c| !c.is_empty()).collect()
    } else {
        Vec::new()
    };
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.pop(); // spec.md
    parts.pop().map(str::to_string)
}

/// A branch value reduced to its name: no backticks, brackets or emphasis,
/// and the last part of `feature/012-x`.
fn branch_name(value: &str) -> Option<&str> {
    let v = value.split('|').next()?.trim();
    let v = v.trim_matches(['`', '[', ']', '*', '_', ' ']);
    let v = v.split_whitespace().next()?;
    let v = v.trim_matches(['`', '[', ']', '*', '_']);
    let v = v.rsplit('/').next()?;
    (!v.is_empty() && !v.contains('#')).then_some(v)
}

/// `dir` is the plan's folder (`specs/001-x`); `spec_exists` the caller's
/// answer for `dir/spec.md`. A branch is compared only when both it and the
/// folder are named like features (`012-node-pools`).
pub fn check(plan: &Plan, dir: &str, spec_exists: Existence, out: &mut Vec<Hit>) {
    let text = plan.text();
    let ours = dir.rsplit('/').next().unwrap_or(dir);
    if ours.is_empty() {
        return;
    }
    for f in header_fields(plan, &["branch", "feature branch"]) {
        let Some(name) = branch_name(&text[f.value.clone()]) else {
            continue;
        };
        if FEATURE_DIR.is_match(name) && FEATURE_DIR.is_match(ours) && name != ours {
            let at = text[f.value.clone()].find(name).unwrap_or(0);
            let span = f.value.start + at..f.value.start + at + name.len();
            out.push(Hit::new(
                &plan.file.path,
                span,
                format!("branch `{name}` is not this plan's feature folder `{ours}`"),
            ));
        }
    }
    for f in header_fields(plan, &["spec", "input", "feature spec", "specification"]) {
        let Some((span, path)) = spec_path(text, f.value.clone()) else {
            continue;
        };
        let Some(folder) = folder_of(dir, &path) else {
            continue;
        };
        if folder != ours {
            out.push(Hit::new(
                &plan.file.path,
                span,
                format!(
                    "**{}** points at `{path}`, in feature folder `{folder}`, not this plan's `{ours}`",
                    f.name.trim()
                ),
            ));
        } else if spec_exists == Existence::Missing {
            out.push(Hit::new(
                &plan.file.path,
                span,
                format!(
                    "**{}** points at `{path}`, but `{dir}/spec.md` does not exist",
                    f.name.trim()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn hits(s: &str, e: Existence) -> Vec<String> {
        let p = Plan::parse(SourceFile::new("specs/002-logs/plan.md", s));
        let mut out = Vec::new();
        check(&p, "specs/002-logs", e, &mut out);
        out.iter().map(|h| p.text()[h.span.clone()].to_string()).collect()
    }

    #[test]
    fn header_pointing_elsewhere() {
        let e = Existence::Exists;
        assert!(hits("# Implementation Plan: Logs\n\n**Branch**: `002-logs` | **Date**: 2026-01-02 | **Spec**: [spec.md](./spec.md)\n**Input**: Feature specification from `/specs/002-logs/spec.md`\n", e).is_empty());
        assert_eq!(
            hits("# Plan\n\n**Branch**: `001-metrics` | **Spec**: [spec](../001-metrics/spec.md)\n**Input**: from `specs/003-x/spec.md`\n", e),
            ["001-metrics", "../001-metrics/spec.md", "specs/003-x/spec.md"]
        );
        // Slots are TPL002's; fields after the header are not the header.
        assert!(hits("# Plan\n\n**Branch**: `[###-feature-name]` | **Spec**: [link]\n**Input**: `/specs/[###-feature-name]/spec.md`\n\n## Summary\n\n**Spec**: `specs/009-y/spec.md`\n", e).is_empty());
        assert_eq!(
            hits(
                "# Plan\n\n**Branch**: feature/002-logs | **Spec**: spec.md\n",
                Existence::Missing
            ),
            ["spec.md"]
        );
        assert!(hits("# Plan\n\n**Spec**: spec.md\n", Existence::Unknown).is_empty());
    }
}
