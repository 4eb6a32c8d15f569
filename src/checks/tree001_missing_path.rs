//! TREE001 missing-path: a path the plan's structure tree lists that does not
//! exist. Entries marked new or optional, and gitignored paths, are counted
//! but not reported. Entries in a template option block the Structure
//! Decision did not choose are not read (TPL003 reports the leftover
//! labels). Entries listed for deletion are expected to be gone: silent when
//! missing, an info finding when they still exist.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::discover::Existence;
use crate::finding::Severity;
use crate::parse::tree::{option_number, TreeEntry};
use std::collections::{HashMap, HashSet};

/// The template option the Structure Decision names (`Option 2`), if any.
fn chosen_option(cx: &PlanContext<'_>) -> Option<u32> {
    let plan = cx.plan;
    let decision = plan.structure_decision()?;
    option_number(&plan.text()[plan.field_body(decision)])
}

pub struct MissingPath;

/// `a/b/c` gives `a/b`, then `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(path.rsplit_once('/').map(|(p, _)| p), |p| {
        p.rsplit_once('/').map(|(q, _)| q)
    })
}

/// How a tree entry is asked about on disk: folders with a trailing `/`.
pub fn probe(e: &TreeEntry) -> String {
    if e.is_dir {
        format!("{}/", e.path)
    } else {
        e.path.clone()
    }
}

impl PlanCheck for MissingPath {
    fn paths(&self, cx: &PlanContext<'_>, out: &mut Vec<String>) {
        out.extend(cx.tree_entries.iter().filter(|e| !e.skip).map(probe));
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        // A missing folder is reported once, not once per entry under it:
        // first decide what to report, then report it, complete.
        // Each entry looks up its ancestors (linear in the tree's size, not
        // quadratic): `missing_at` maps a missing path to its index.
        let mut missing: Vec<(&TreeEntry, usize)> = Vec::new();
        let mut missing_at: HashMap<&str, usize> = HashMap::new();
        let mut outside: Vec<&TreeEntry> = Vec::new();
        let mut lingering: Vec<&TreeEntry> = Vec::new();
        let mut lingering_at: HashSet<&str> = HashSet::new();
        let chosen = chosen_option(cx);
        let other_option = |e: &TreeEntry| matches!((e.option, chosen), (Some(o), Some(c)) if o != c);
        for e in cx
            .tree_entries
            .iter()
            .filter(|e| !e.skip && !e.marked && !other_option(e))
        {
            let path = e.path.as_str();
            if e.deleted {
                let under = ancestors(path).any(|a| lingering_at.contains(a));
                if !under && cx.facts.exists(&probe(e)) == Existence::Exists {
                    lingering.push(e);
                    lingering_at.insert(path);
                }
                continue;
            }
            // The outermost missing folder above it counts it.
            if let Some(i) = ancestors(path).filter_map(|a| missing_at.get(a)).last() {
                missing[*i].1 += 1;
                continue;
            }
            if missing_at.contains_key(path) {
                continue;
            }
            match cx.facts.exists(&probe(e)) {
                Existence::Exists | Existence::Ignored => {}
                Existence::Missing => {
                    missing_at.insert(path, missing.len());
                    missing.push((e, 0));
                }
                Existence::Outside => outside.push(e),
            }
        }
        for (e, under) in missing {
            let what = if e.is_dir { "folder" } else { "file" };
            let mut msg = format!("structure tree lists {what} `{}`, which does not exist", e.path);
            if under > 0 {
                let s = if under == 1 { "y" } else { "ies" };
                msg.push_str(&format!(" ({under} entr{s} under it not reported)"));
            }
            sink.report(e.span.clone(), msg);
        }
        for e in lingering {
            let what = if e.is_dir { "folder" } else { "file" };
            sink.report_with(
                e.span.clone(),
                Severity::Info,
                format!(
                    "structure tree lists {what} `{}` for deletion, but it still exists",
                    e.path
                ),
            );
        }
        for e in outside {
            sink.report(
                e.span.clone(),
                format!("structure tree path `{}` points outside the repository", e.path),
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
            "TREE001",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
cluster/
└── apps/
    ├── loki/
    └── grafana/
```
"##,
            None,
            &["cluster/apps/loki/"],
        );
        assert_eq!(lines(&hits), [9], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "TREE001",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
cluster/
└── apps/
    ├── loki/
    └── grafana/   # NEW: added by this plan
```
"##,
            None,
            &["cluster/apps/loki/"],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn existing_paths_and_the_feature_docs_tree_are_not_reported() {
        let plan = "# Plan\n\n## Project Structure\n\n```text\nspecs/001-demo/\n└── research.md\n```\n\n```text\ncluster/\n├── apps/\n│   └── web/\n└── flux/\n```\n";
        let hits = plan_hits("TREE001", plan, None, &["cluster/apps/web/", "cluster/flux/"]);
        assert!(hits.is_empty(), "{hits:#?}");
        let hits = plan_hits("TREE001", plan, None, &["cluster/apps/web/"]);
        assert_eq!(lines(&hits), [14], "{hits:#?}");
    }

    #[test]
    fn a_docs_tree_and_a_repository_tree_in_one_block() {
        let first = "# Plan\n\n## Project Structure\n\n```text\nspecs/001-demo/\n└── research.md\ncluster/\n└── flux/\n```\n";
        assert_eq!(lines(&plan_hits("TREE001", first, None, &["cluster/"])), [9]);
        let second = "# Plan\n\n## Project Structure\n\n```text\ncluster/\n└── flux/\nspecs/001-demo/\n└── research.md\n```\n";
        assert_eq!(lines(&plan_hits("TREE001", second, None, &["cluster/"])), [7]);
    }
}
