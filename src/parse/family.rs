//! Which template family a spec-kit artifact was written from, told apart by
//! headings, paths and tokens. Pure classification over the Markdown model.

use super::plan::{title_matches, Plan};

pub use crate::rules::Family;

const IBM_HEADINGS: &[&str] = &[
    "principles check",
    "cloud architecture principles",
    "iac code principles",
];
const SPECOPS_HEADINGS: &[&str] = &[
    "technology stack",
    "deployment components",
    "file structure",
    "infrastructure code",
];
const LEGACY_HEADINGS: &[&str] = &[
    "execution flow (",
    "progress tracking",
    "review & acceptance checklist",
];
const SPECKIT_TITLES: &[&str] = &[
    "implementation plan",
    "feature specification",
    "tasks",
    "research",
    "data model",
    "quickstart",
];

/// The family of the artifact at `path` (relative to the repository root,
/// `/` separators) whose Markdown model is `plan`. The most specific family
/// wins: IBM, then SpecOps, then legacy spec-kit, then spec-kit.
pub fn detect(path: &str, plan: &Plan) -> Family {
    let text = plan.text();
    let heading = |names: &[&str]| {
        plan.sections.iter().any(|s| {
            title_matches(&s.title, names)
                || names
                    .iter()
                    .any(|n| n.ends_with('(') && s.title.to_lowercase().starts_with(n))
        })
    };
    if heading(IBM_HEADINGS) || text.contains(".specify/memory/principles.md") {
        return Family::IbmIacSpecKit;
    }
    if path.starts_with(".specops/")
        || path.contains("/.specops/")
        || text.contains(".specops/")
        || heading(SPECOPS_HEADINGS)
    {
        return Family::SpecOps;
    }
    if heading(LEGACY_HEADINGS) {
        return Family::SpecKitLegacy;
    }
    let titled = plan
        .sections
        .first()
        .is_some_and(|s| s.level == 1 && title_matches(&s.title, SPECKIT_TITLES));
    if titled
        || text.contains("__SPECKIT_COMMAND_")
        || text.contains("/speckit.")
        || text.contains(".specify/")
        || path.starts_with("specs/")
        || path.contains("/specs/")
    {
        return Family::SpecKit;
    }
    Family::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn fam(path: &str, s: &str) -> Family {
        detect(path, &Plan::parse(SourceFile::new(path, s)))
    }

    #[test]
    fn families() {
        assert_eq!(
            fam("specs/001-a/plan.md", "# Implementation Plan: A\n\n## Summary\n"),
            Family::SpecKit
        );
        assert_eq!(
            fam(
                "specs/001-a/plan.md",
                "# Implementation Plan: A\n\n## Execution Flow (/plan command scope)\n"
            ),
            Family::SpecKitLegacy
        );
        assert_eq!(
            fam(
                "specs/001-a/spec.md",
                "# Feature Specification: A\n\n## Execution Flow (main)\n"
            ),
            Family::SpecKitLegacy
        );
        assert_eq!(
            fam("x/plan.md", "# Plan\n\n## Technology Stack\n"),
            Family::SpecOps
        );
        assert_eq!(fam(".specops/specs/001-a/plan.md", "# Plan\n"), Family::SpecOps);
        assert_eq!(
            fam("specs/001-a/plan.md", "# Plan\n\n## Principles Check\n"),
            Family::IbmIacSpecKit
        );
        assert_eq!(fam("notes.md", "# Notes\n\nhello\n"), Family::Unknown);
    }
}
