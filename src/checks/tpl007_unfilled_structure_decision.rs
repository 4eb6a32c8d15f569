//! TPL007 unfilled-structure-decision: a plan with a structure tree but no
//! `**Structure Decision**`, or one that is still template text.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::plan::Plan;
use regex::Regex;
use std::sync::LazyLock;

/// A line that is only the decision's label: `**Structure Decision**`,
/// `**Structure Decision:**`, or a `### Structure Decision` heading.
static LABEL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^[ \t]*(?:#{1,6}[ \t]+)?(?:\*\*)?Structure Decision:?(?:\*\*)?:?[ \t]*$")
        .expect("valid regex")
});

/// The decision is written as a label line followed by a list or a
/// paragraph (not a field with a value on its line).
fn decision_block(plan: &Plan) -> bool {
    let text = plan.text();
    LABEL_LINE.find_iter(text).any(|m| {
        let in_code = plan
            .code_blocks
            .iter()
            .any(|b| b.span.start <= m.start() && m.start() < b.span.end);
        let next = text[m.end()..].trim_start();
        let next_line = next.lines().next().unwrap_or("").trim();
        !in_code && !next_line.is_empty() && !next_line.starts_with('#') && !next_line.starts_with("```")
    })
}

pub struct UnfilledStructureDecision;

impl PlanCheck for UnfilledStructureDecision {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let plan = cx.plan;
        // Trees other than the feature's own documentation tree.
        let first_tree = plan
            .trees
            .iter()
            .find(|(_, lines)| !crate::parse::tree::is_docs_tree(lines));
        let Some((block, _)) = first_tree else { return };
        match plan.structure_decision() {
            None if decision_block(plan) => {}
            None => {
                let span = plan.code_blocks[*block].span.clone();
                let line = plan.file.index.line_of(span.start);
                let start = plan.file.index.line_start(line);
                let fence = plan.file.index.line_range(plan.text(), line + 1);
                sink.report(
                    start..fence.end.max(start),
                    "structure tree has no `**Structure Decision**`",
                );
            }
            Some(f) if plan.value_is_slot(f) => {
                let span = if f.value.is_empty() {
                    f.name_span.clone()
                } else {
                    f.value.clone()
                };
                sink.report(span, "**Structure Decision** is still template text");
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "TPL007",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
roles/
```

**Structure Decision**: [Document the selected structure and reference the real directories]
"##,
            None,
            &["roles/"],
        );
        assert_eq!(lines(&hits), [9], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "TPL007",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
roles/
```

**Structure Decision**: Ansible roles under `roles/`, one playbook per host group.
"##,
            None,
            &["roles/"],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
