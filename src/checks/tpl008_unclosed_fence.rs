//! TPL008 unclosed-code-fence: a fenced code block that never closes and
//! so swallows the rest of the plan. The plan model already recovered (it
//! reads the headings after the fence as headings); this reports the fence.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;

pub struct UnclosedFence;

impl PlanCheck for UnclosedFence {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for fence in &cx.plan.unclosed_fences {
            sink.report(
                fence.clone(),
                "code fence is never closed: everything after it reads as code (constable reads on from the next heading)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_fence_and_recovers_the_headings() {
        let text = "# Plan\n\n## Project Structure\n\n```text\niac/\n└── main.tf\n\n**Structure Decision**: one `main.tf` under `iac/`.\n\n## Complexity Tracking\n\nNone.\n";
        let hits = plan_hits("TPL008", text, None, &[]);
        assert_eq!(lines(&hits), [5], "{hits:#?}");
        let plan = crate::parse::plan::Plan::parse(crate::source::SourceFile::new("p.md", text));
        let titles: Vec<_> = plan.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, vec!["Plan", "Project Structure", "Complexity Tracking"]);
        assert!(plan.structure_decision().is_some());
    }

    #[test]
    fn closed_fences_and_tilde_fences_are_silent() {
        assert!(plan_hits("TPL008", "# Plan\n\n```text\na/\n```\n\n## B\n", None, &[]).is_empty());
        assert!(plan_hits("TPL008", "# Plan\n\n~~~~\n```\nx\n~~~~\n", None, &[]).is_empty());
        assert!(plan_hits("TPL008", "# Plan\n\n```text\na/\n```", None, &[]).is_empty());
    }

    #[test]
    fn a_fence_open_at_the_end_is_reported_without_recovery() {
        let hits = plan_hits("TPL008", "# Plan\n\n````text\nx\n```\n", None, &[]);
        assert_eq!(lines(&hits), [3], "{hits:#?}");
    }
}
