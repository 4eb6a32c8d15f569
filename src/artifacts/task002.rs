//! TASK002 duplicate-task-id: the same task id on two task lines.

use super::Hit;
use crate::parse::tasks::Tasks;
use std::collections::HashMap;

/// Reported at every repeat, naming the line of the first use.
pub fn check(tasks: &Tasks, out: &mut Vec<Hit>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for id in tasks.tasks().filter_map(|t| t.id.as_ref()) {
        if !id.well_formed {
            continue;
        }
        if let Some(&first) = seen.get(id.text.as_str()) {
            let line = tasks.plan.file.line_col(first).0;
            out.push(Hit::new(
                &tasks.plan.file.path,
                id.span.clone(),
                format!("task id `{}` is already used on line {line}", id.text),
            ));
        } else {
            seen.insert(&id.text, id.span.start);
        }
    }
}
