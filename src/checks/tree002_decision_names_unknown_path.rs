//! TREE002 decision-names-unknown-path: the Structure Decision names a folder
//! that is in neither the structure tree nor the repository, at the root or
//! under one of the tree's folders.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::discover::Existence;
use regex::Regex;
use std::sync::LazyLock;

pub struct DecisionNamesUnknownPath;

/// A repository folder in backticks, with at least two segments:
/// `cluster/apps/`. A single name (`handlers/`) is usually relative to
/// something else (a role, a chart) and is not checked.
static FOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"`(\.?[A-Za-z0-9_-][A-Za-z0-9_.-]*/[A-Za-z0-9_.-][A-Za-z0-9_./-]*/?)`").expect("valid regex")
});

impl PlanCheck for DecisionNamesUnknownPath {
    fn paths(&self, cx: &PlanContext<'_>, out: &mut Vec<String>) {
        for (_, folder, _) in named(cx) {
            out.extend(candidates(cx, &folder));
        }
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for (span, folder, written) in named(cx) {
            let in_tree = cx.tree_entries.iter().any(|e| {
                e.path == folder
                    || e.path.starts_with(&format!("{folder}/"))
                    || e.path.ends_with(&format!("/{folder}"))
            });
            // As named, a gitignored folder is known to the team; under a
            // tree folder, only one that exists counts (under an ignored
            // folder such as `.terraform/`, every path reads as ignored).
            let on_disk = candidates(cx, &folder)
                .iter()
                .enumerate()
                .any(|(i, c)| match cx.facts.exists(c) {
                    Existence::Exists => true,
                    Existence::Ignored => i == 0,
                    _ => false,
                });
            if in_tree || on_disk {
                continue;
            }
            sink.report(
                span,
                format!(
                    "Structure Decision names `{written}`, which is in neither the tree nor the repository"
                ),
            );
        }
    }
}

/// Where a named folder may be: at the root, or under one of the tree's
/// folders (`roles/base/` under the tree's `infra/ansible/`).
fn candidates(cx: &PlanContext<'_>, folder: &str) -> Vec<String> {
    let mut out = vec![folder.to_string()];
    for e in cx.tree_entries.iter().filter(|e| e.is_dir && !e.skip) {
        let c = format!("{}/{folder}", e.path);
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The folders the Structure Decision names: (span, folder, as written).
fn named(cx: &PlanContext<'_>) -> Vec<(std::ops::Range<usize>, String, String)> {
    let mut out = Vec::new();
    {
        let plan = cx.plan;
        let Some(decision) = plan.structure_decision() else {
            return out;
        };
        let body = plan.field_body(decision);
        let text = plan.text();
        for c in FOLDER.captures_iter(&text[body.clone()]) {
            let m = c.get(1).expect("group 1");
            let folder = m.as_str().trim_end_matches('/').trim_start_matches("./");
            // Only folders: a path ending in `/`, or without a file extension.
            let last = folder.rsplit('/').next().unwrap_or(folder);
            if !m.as_str().ends_with('/') && last.contains('.') {
                continue;
            }
            let span = body.start + m.start()..body.start + m.end();
            out.push((span, folder.to_string(), m.as_str().to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "TREE002",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
cluster/
└── apps/
```

**Structure Decision**: workloads live in `clusters/apps/`.
"##,
            None,
            &["cluster/apps/"],
        );
        assert_eq!(lines(&hits), [10], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "TREE002",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
cluster/
└── apps/
```

**Structure Decision**: workloads live in `cluster/apps/`.
"##,
            None,
            &["cluster/apps/"],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
