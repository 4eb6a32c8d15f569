//! TASK004 parallel-same-file: two `[P]` tasks of one phase name the same
//! file.

use super::Hit;
use crate::parse::tasks::Tasks;
use std::collections::HashMap;

/// `[P]` means "different files, no dependencies". Two parallel tasks in the
/// same phase that name the same file will conflict. Folders (paths ending
/// in `/`) are not files. Reported at the path in the later task.
pub fn check(tasks: &Tasks, out: &mut Vec<Hit>) {
    let mut seen: HashMap<(usize, &str), (usize, &str)> = HashMap::new();
    for item in tasks.items.iter().filter(|i| i.parallel() && i.id.is_some()) {
        let Some(phase) = item.phase else { continue };
        let id = item.id.as_ref().map_or("", |i| i.text.as_str());
        let mut mine: Vec<&str> = Vec::new();
        for (span, p) in &item.paths {
            let p = p.trim_start_matches("./");
            if p.ends_with('/') || mine.contains(&p) {
                continue;
            }
            mine.push(p);
            match seen.get(&(phase, p)) {
                Some((_, first_id)) => out.push(Hit::new(
                    &tasks.plan.file.path,
                    span.clone(),
                    format!("`{p}` is also named by parallel task {first_id} in this phase; drop one `[P]`"),
                )),
                None => {
                    seen.insert((phase, p), (span.start, id));
                }
            }
        }
    }
}
