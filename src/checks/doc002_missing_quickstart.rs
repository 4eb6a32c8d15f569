//! DOC002 missing-quickstart: the plan's documentation tree lists
//! quickstart.md, and the feature folder has none.

use super::{PlanCheck, PlanContext};
use crate::finding::Sink;
use crate::repo::Existence;

pub struct MissingQuickstart;

impl PlanCheck for MissingQuickstart {
    fn code(&self) -> &'static str {
        "DOC002"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let Some(fs) = cx.fs else { return };
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
                if fs.exists(&wanted) == Existence::Missing {
                    sink.report(
                        l.path.clone(),
                        format!("documentation tree lists quickstart.md, but `{wanted}` does not exist"),
                    );
                }
            }
        }
    }
}
