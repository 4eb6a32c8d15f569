//! TASK005 phantom-completion: a ticked task names a repository path that
//! does not exist.

use super::{Existence, Hit};
use crate::parse::tasks::Tasks;

/// Feature documents that tasks name by their bare file name.
const FEATURE_DOCS: &[&str] = &[
    "spec.md",
    "plan.md",
    "tasks.md",
    "research.md",
    "data-model.md",
    "quickstart.md",
    "constitution.md",
];

/// For each ticked task (`[x]` or `[X]`), each path its description names
/// (see `parse::tasks::path_candidates`) that lies outside the feature's
/// specs folder (`feature_dir`, also `specs/`, `.specify/`, `.specops/`,
/// `contracts/`, `checklists/` and the feature documents by name) is looked
/// up through `exists`. `Missing` is reported at the path, unless the path
/// resolves under a folder the same task names (`roles/web/` ... `tasks/main.yml`).
pub fn check(tasks: &Tasks, feature_dir: &str, exists: &dyn Fn(&str) -> Existence, out: &mut Vec<Hit>) {
    let dir = feature_dir.trim_end_matches('/');
    for item in tasks.tasks().filter(|t| t.checked) {
        for (span, p) in &item.paths {
            let p = p.trim_start_matches("./");
            let in_specs = (!dir.is_empty() && p.starts_with(dir))
                || ["specs/", ".specify/", ".specops/", "contracts/", "checklists/"]
                    .iter()
                    .any(|d| p.starts_with(d))
                || FEATURE_DOCS.contains(&p);
            if in_specs {
                continue;
            }
            if exists(p) == Existence::Missing && !relative_to_sibling(p, &item.paths, exists) {
                let id = item.id.as_ref().map_or("", |i| i.text.as_str());
                out.push(Hit::new(
                    &tasks.plan.file.path,
                    span.clone(),
                    format!("{id} is ticked but `{p}` does not exist in the repository"),
                ));
            }
        }
    }
}

/// True when `p` exists below a folder named by another path of the task
/// (the folder itself, or the folders holding a named file), or when the
/// caller cannot tell for one of those.
fn relative_to_sibling(
    p: &str,
    paths: &[(std::ops::Range<usize>, String)],
    exists: &dyn Fn(&str) -> Existence,
) -> bool {
    let mut bases: Vec<&str> = Vec::new();
    for (_, q) in paths {
        let q = q.trim_start_matches("./");
        if q == p {
            continue;
        }
        let mut dir = if q.ends_with('/') {
            q
        } else {
            q.rsplit_once('/').map_or("", |(d, _)| d)
        };
        while !dir.is_empty() {
            let d = dir.trim_end_matches('/');
            if !bases.contains(&d) {
                bases.push(d);
            }
            dir = d.rsplit_once('/').map_or("", |(up, _)| up);
        }
    }
    bases
        .iter()
        .any(|b| exists(&format!("{b}/{p}")) != Existence::Missing)
}
