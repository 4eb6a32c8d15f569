//! TPL003 option-label: `[REMOVE IF UNUSED]` and `Option N:` labels left in
//! structure trees and in headings of the structure section.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::placeholder::SlotKind;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

pub struct OptionLabel;

static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[REMOVE IF UNUSED\]|\bOption\s+\d+\s*:").expect("valid regex"));
static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^Option\s+\d+\s*:").expect("valid regex"));

const STRUCTURE: &[&str] = &[
    "project structure",
    "file structure",
    "source code",
    "infrastructure code",
];

impl PlanCheck for OptionLabel {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let plan = cx.plan;
        let text = plan.text();
        let mut spans: Vec<Range<usize>> = Vec::new();
        for (_, lines) in &plan.trees {
            for comment in lines.iter().filter_map(|l| l.comment.clone()) {
                let hits: Vec<_> = LABEL.find_iter(&text[comment.clone()]).collect();
                if let (Some(first), Some(last)) = (hits.first(), hits.last()) {
                    spans.push(comment.start + first.start()..comment.start + last.end());
                }
            }
        }
        for slot in plan.slots.iter().filter(|s| s.kind == SlotKind::RemoveIfUnused) {
            if !spans
                .iter()
                .any(|s| s.start <= slot.span.start && slot.span.end <= s.end)
            {
                spans.push(slot.span.clone());
            }
        }
        for s in &plan.sections {
            if HEADING.is_match(&s.title)
                && plan
                    .ancestry(s.parent)
                    .any(|a| crate::parse::plan::title_matches(&a.title, STRUCTURE))
            {
                spans.push(s.heading.clone());
            }
        }
        spans.sort_by_key(|s| s.start);
        spans.dedup();
        for span in spans {
            let label = text[span.clone()].trim_start_matches('#').trim().to_string();
            sink.report(span, format!("option label `{label}` left in the plan"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "TPL003",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
# [REMOVE IF UNUSED] Option 1: Single IaC tool
terraform/
```
"##,
            None,
            &[],
        );
        assert_eq!(lines(&hits), [6], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "TPL003",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
terraform/
```
"##,
            None,
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
