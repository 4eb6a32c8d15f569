//! TASK001 task-format: a checkbox item in a task phase without a task id,
//! or with a malformed one.

use super::Hit;
use crate::parse::tasks::Tasks;

/// The task line format is `- [ ] T001 [P] [US1] Description`. Within the
/// `## Phase N:` sections every top-level checkbox item must start with an id
/// (bold `**T001**` is accepted); anywhere in the file an id must be `T` and
/// three digits, optionally followed by a lower-case letter for a task
/// inserted later (`T013a`). `TXXX` (the template's own), `T1`, `T0001` and
/// `T011+T012` are malformed. Checkbox items outside the phases (validation
/// checklists, notes) are not tasks; a file without phase headings is not
/// checked for missing ids.
pub fn check(tasks: &Tasks, out: &mut Vec<Hit>) {
    let path = &tasks.plan.file.path;
    for item in &tasks.items {
        match &item.id {
            Some(id) if !id.well_formed => out.push(Hit::new(
                path,
                id.span.clone(),
                format!(
                    "task id `{}` is malformed: write `T` and three digits, one id per task, like `T001`",
                    id.text
                ),
            )),
            Some(_) => {}
            None if item.phase.is_some() && !item.nested => {
                let start = item.description.start.min(item.line.end);
                out.push(Hit::new(
                    path,
                    start..item.line.end,
                    "checkbox item in a task phase has no task id (`- [ ] T001 [P] [US1] Description`)",
                ));
            }
            None => {}
        }
    }
}
