//! XREF004 missing-phase-output: a design phase the plan claims done, or a
//! design document its documentation tree lists, has no file in the
//! feature folder.

use super::{Existence, Hit};
use crate::parse::plan::Plan;
use crate::parse::spec::first_line;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// The design documents `/plan` writes, by the phase that writes them (the
/// legacy template's Phase 0 and Phase 1 outputs). `contracts/` is a folder.
pub const OUTPUTS: &[(u32, &str)] = &[
    (0, "research.md"),
    (1, "data-model.md"),
    (1, "contracts/"),
    (1, "quickstart.md"),
];

static PHASE_DONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*[-*+]\s+\[[xX]\]\s+(?:\*\*)?(phase)\s+([01])\b").expect("valid regex")
});

/// The repository path of an output in the feature folder `dir` (no
/// trailing `/`), as the caller is asked about it.
pub fn output_path(dir: &str, name: &str) -> String {
    let name = name.trim_end_matches('/');
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Where the plan claims each output: a documentation tree line naming it
/// (preferred, it names the file), else a ticked `Phase N` item of
/// `## Progress Tracking`.
fn claims(plan: &Plan) -> Vec<(Range<usize>, &'static str, String)> {
    let text = plan.text();
    let mut out: Vec<(Range<usize>, &'static str, String)> = Vec::new();
    for (_, lines) in &plan.trees {
        if !crate::parse::tree::is_docs_tree(lines) {
            continue;
        }
        for l in lines.iter().filter(|l| l.depth == 1) {
            let entry = &text[l.path.clone()];
            if let Some((_, name)) = OUTPUTS
                .iter()
                .find(|(_, n)| entry == *n || entry == n.trim_end_matches('/'))
            {
                if !out.iter().any(|(_, n, _)| n == name) {
                    out.push((l.path.clone(), name, "the documentation tree lists it".into()));
                }
            }
        }
    }
    for item in plan.list_items.iter().filter(|i| i.checked == Some(true)) {
        if !plan.in_section(item.span.start, &["progress tracking"]) {
            continue;
        }
        let line = first_line(text, item.span.clone());
        let Some(c) = PHASE_DONE.captures(&text[line.clone()]) else {
            continue;
        };
        let phase: u32 = c[2].parse().unwrap_or(9);
        let body = c.get(1).map_or(0, |m| m.start());
        for (_, name) in OUTPUTS.iter().filter(|(p, _)| *p == phase) {
            if !out.iter().any(|(_, n, _)| n == name) {
                out.push((
                    line.start + body..line.end,
                    name,
                    format!("Progress Tracking ticks Phase {phase}, which writes it"),
                ));
            }
        }
    }
    out
}

/// `exists` answers for repository paths; only `Missing` is reported.
pub fn check(plan: &Plan, dir: &str, exists: &dyn Fn(&str) -> Existence, out: &mut Vec<Hit>) {
    for (span, name, why) in claims(plan) {
        let path = output_path(dir, name);
        if exists(&path) == Existence::Missing {
            out.push(Hit::new(
                &plan.file.path,
                span,
                format!(
                    "`{path}{}` does not exist, but {why}",
                    if name.ends_with('/') { "/" } else { "" }
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn hits(s: &str, present: &[&str]) -> Vec<(usize, String)> {
        let p = Plan::parse(SourceFile::new("specs/003-dns/plan.md", s));
        let mut out = Vec::new();
        let exists = |q: &str| {
            if present.contains(&q) {
                Existence::Exists
            } else {
                Existence::Missing
            }
        };
        check(&p, "specs/003-dns", &exists, &mut out);
        out.iter()
            .map(|h| (p.file.line_col(h.span.start).0, h.message.clone()))
            .collect()
    }

    #[test]
    fn progress_tracking_claims() {
        let plan = "# Implementation Plan: DNS\n\n## Progress Tracking\n\n- [x] Phase 0: Research complete\n- [x] Phase 1: Design complete\n- [ ] Phase 2: Task planning complete\n";
        let got = hits(plan, &["specs/003-dns/research.md", "specs/003-dns/contracts"]);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|(l, _)| *l == 6));
        assert!(got[0].1.contains("data-model.md"), "{got:?}");
        assert!(got[1].1.contains("quickstart.md"), "{got:?}");
        // Unticked phases and ticks outside Progress Tracking claim nothing.
        assert!(hits("# P\n\n## Progress Tracking\n\n- [ ] Phase 0: Research complete\n\n## Notes\n\n- [x] Phase 0: Research complete\n", &[]).is_empty());
    }

    #[test]
    fn documentation_tree_claims() {
        let plan = "# Implementation Plan: DNS\n\n## Project Structure\n\n```text\nspecs/003-dns/\n├── plan.md\n├── research.md\n├── contracts/\n└── quickstart.md\n```\n\n## Progress Tracking\n\n- [x] Phase 0: Research complete\n";
        let got = hits(plan, &["specs/003-dns/quickstart.md"]);
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [8, 9], "{got:?}");
        assert!(got[1].1.contains("`specs/003-dns/contracts/`"), "{got:?}");
    }
}
