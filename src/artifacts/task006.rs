//! TASK006 complete-with-open-tasks: spec.md or plan.md says the feature is
//! complete while tasks.md still has unticked tasks.

use super::{claims_complete, Hit};
use crate::parse::plan::Plan;
use crate::parse::spec::Spec;
use crate::parse::tasks::Tasks;

/// The claim is a document-level `**Status**: Complete` (also `Completed`,
/// `Done`, `Implemented`, `Implementation Complete`). Reported at that value
/// in each claiming file, with the count and the first open task.
pub fn check(tasks: Option<&Tasks>, spec: Option<&Spec>, plan: Option<&Plan>, out: &mut Vec<Hit>) {
    let Some(tasks) = tasks else { return };
    let open: Vec<_> = tasks.tasks().filter(|t| !t.checked).collect();
    let Some(first) = open.first() else { return };
    let total = tasks.tasks().count();
    let first_line = tasks.plan.file.line_col(first.span.start).0;
    let first_at = match &first.id {
        Some(id) => format!("{} on line {first_line}", id.text),
        None => format!("line {first_line}"),
    };
    for doc in spec.map(|s| &s.plan).into_iter().chain(plan) {
        if let Some(span) = claims_complete(doc) {
            let claim = doc.text()[span.clone()].trim().to_string();
            out.push(Hit::new(
                &doc.file.path,
                span,
                format!(
                    "status says `{}` but {} of {total} tasks in {} {} unticked (first: {first_at})",
                    super::spec001::short(&claim),
                    open.len(),
                    tasks.plan.file.path,
                    if open.len() == 1 { "is" } else { "are" }
                ),
            ));
        }
    }
}
