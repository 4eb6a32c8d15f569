//! CHK002 checklist-id: CHK ids malformed, missing or duplicated.

use super::Hit;
use crate::parse::checklist::{well_formed_id, Checklist};
use std::collections::HashMap;

/// A checklist that numbers its items (`- [ ] CHK001 ...`, as the checklist
/// template does) must number all of them with `CHK` and three digits, each
/// once. A checklist with no ids at all (the requirements checklist that
/// `/speckit.specify` writes) is not checked.
pub fn check(checklist: &Checklist, out: &mut Vec<Hit>) {
    let path = &checklist.plan.file.path;
    if checklist.items.iter().all(|i| i.id.is_none()) {
        return;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for item in &checklist.items {
        match &item.id {
            None => out.push(Hit::new(
                path,
                item.line.clone(),
                "checklist item has no `CHK###` id while the others have one",
            )),
            Some((span, id)) if !well_formed_id(id) => out.push(Hit::new(
                path,
                span.clone(),
                format!("checklist id `{id}` is malformed: write `CHK` and three digits, like `CHK001`"),
            )),
            Some((span, id)) => {
                if let Some(&first) = seen.get(id.as_str()) {
                    let line = checklist.plan.file.line_col(first).0;
                    out.push(Hit::new(
                        path,
                        span.clone(),
                        format!("checklist id `{id}` is already used on line {line}"),
                    ));
                } else {
                    seen.insert(id, span.start);
                }
            }
        }
    }
}
