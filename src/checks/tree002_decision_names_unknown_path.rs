//! TREE002 decision-names-unknown-path: the Structure Decision names a folder
//! that is in neither the structure tree nor the repository.

use super::{PlanCheck, PlanContext};
use crate::finding::Sink;
use crate::repo::Existence;
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
    fn code(&self) -> &'static str {
        "TREE002"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let Some(fs) = cx.fs else { return };
        let plan = cx.plan;
        let Some(decision) = plan.structure_decision() else {
            return;
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
            let in_tree = cx.tree_entries.iter().any(|e| {
                e.path == folder
                    || e.path.starts_with(&format!("{folder}/"))
                    || e.path.ends_with(&format!("/{folder}"))
            });
            if in_tree || matches!(fs.exists(folder), Existence::Exists | Existence::Ignored) {
                continue;
            }
            let span = body.start + m.start()..body.start + m.end();
            sink.report(
                span,
                format!(
                    "Structure Decision names `{}`, which is in neither the tree nor the repository",
                    m.as_str()
                ),
            );
        }
    }
}
