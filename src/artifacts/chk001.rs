//! CHK001 open-checklist-item: an unticked checklist item while the feature
//! is claimed complete.

use super::{claims_complete, Hit};
use crate::parse::checklist::Checklist;
use crate::parse::plan::Plan;
use crate::parse::spec::Spec;
use crate::parse::tasks::Tasks;

/// The feature is claimed complete when spec.md or plan.md has a finished
/// `**Status**` (see TASK006), or when tasks.md has tasks and every one is
/// ticked. Each unticked checklist item is then reported at its first line.
pub fn check(
    checklists: &[Checklist],
    tasks: Option<&Tasks>,
    spec: Option<&Spec>,
    plan: Option<&Plan>,
    out: &mut Vec<Hit>,
) {
    let status =
        spec.map(|s| &s.plan).into_iter().chain(plan).find_map(|d| {
            claims_complete(d).map(|_| format!("{} says the feature is complete", d.file.path))
        });
    let all_ticked = tasks.and_then(|t| {
        let n = t.tasks().count();
        (n > 0 && t.tasks().all(|x| x.checked))
            .then(|| format!("all {n} tasks in {} are ticked", t.plan.file.path))
    });
    let Some(why) = status.or(all_ticked) else { return };
    for c in checklists {
        for item in c.items.iter().filter(|i| !i.checked) {
            out.push(Hit::new(
                &c.plan.file.path,
                item.line.clone(),
                format!("checklist item is unticked but {why}"),
            ));
        }
    }
}
