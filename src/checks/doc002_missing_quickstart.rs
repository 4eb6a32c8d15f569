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
