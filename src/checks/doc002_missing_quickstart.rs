//! DOC002 missing-quickstart: the plan's documentation tree lists
//! quickstart.md, and the feature folder has none.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::discover::Existence;

pub struct MissingQuickstart;

impl PlanCheck for MissingQuickstart {
    fn paths(&self, cx: &PlanContext<'_>, out: &mut Vec<String>) {
        out.extend(listed(cx).into_iter().map(|(_, wanted)| wanted));
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for (span, wanted) in listed(cx) {
            if cx.facts.exists(&wanted) == Existence::Missing {
                sink.report(
                    span,
                    format!("documentation tree lists quickstart.md, but `{wanted}` does not exist"),
                );
            }
        }
    }
}

/// Each `quickstart.md` a documentation tree lists, with the path it names.
fn listed(cx: &PlanContext<'_>) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    {
        let plan = cx.plan;
        let text = plan.text();
        let feature = plan.file.path.rsplit_once('/').map_or("", |(d, _)| d);
        for (_, lines) in &plan.trees {
            if !crate::parse::tree::is_docs_tree(lines) {
                continue;
            }
            for l in lines {
                if &text[l.path.clone()] != "quickstart.md" {
                    continue;
                }
                let wanted = if feature.is_empty() {
                    "quickstart.md".to_string()
                } else {
                    format!("{feature}/quickstart.md")
                };
                out.push((l.path.clone(), wanted));
            }
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
            "DOC002",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
specs/001-grafana/
├── plan.md
├── spec.md
└── quickstart.md
```
"##,
            None,
            &["specs/001-grafana/spec.md"],
        );
        assert_eq!(lines(&hits), [9], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "DOC002",
            r##"# Implementation Plan: Grafana

## Project Structure

```text
specs/001-grafana/
├── plan.md
└── spec.md
```
"##,
            None,
            &["specs/001-grafana/spec.md"],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
