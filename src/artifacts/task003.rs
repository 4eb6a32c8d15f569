//! TASK003 unknown-user-story: a `[USn]` label naming no user story of
//! spec.md.

use super::Hit;
use crate::parse::spec::Spec;
use crate::parse::tasks::{Label, Tasks};

/// User stories are the spec's `### User Story N - Title` headings. A spec
/// without numbered stories (the legacy template's single "Primary User
/// Story") is not checked against.
pub fn check(tasks: &Tasks, spec: &Spec, out: &mut Vec<Hit>) {
    let known: Vec<u32> = spec.story_numbers().collect();
    if known.is_empty() {
        return;
    }
    let list = known
        .iter()
        .map(|n| format!("US{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    for item in &tasks.items {
        for (label, span) in &item.labels {
            let Label::Stories(ns) = label else { continue };
            for n in ns.iter().filter(|n| !known.contains(n)) {
                out.push(Hit::new(
                    &tasks.plan.file.path,
                    span.clone(),
                    format!(
                        "`US{n}` names no user story in {} (it has {list})",
                        spec.plan.file.path
                    ),
                ));
            }
        }
    }
}
