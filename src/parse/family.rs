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

/// Headings of IBM's principles.md.
const IBM_PRINCIPLES: &[&str] = &["cloud architecture principles", "iac code principles"];

/// The family of the artifact at `path` (relative to the repository root,
/// `/` separators) whose Markdown model is `plan`. The most specific family
/// wins: IBM, then SpecOps, then legacy spec-kit, then spec-kit. A
/// constitution (or IBM principles.md) is told by its own signs, not a
/// plan's: its sections (a `## Technology Stack` is common in spec-kit
/// constitutions) say nothing about the plan template.
pub fn detect(path: &str, plan: &Plan) -> Family {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.eq_ignore_ascii_case("constitution.md") || name.eq_ignore_ascii_case("principles.md") {
        return detect_constitution(path, plan);
    }
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

/// The family of a constitution.md or principles.md: by its path first
/// (`.specops/`, `principles.md`, the pre-`.specify/` `memory/` folder),
/// then by the IBM principle sections, then by what it links to.
fn detect_constitution(path: &str, doc: &Plan) -> Family {
    let text = doc.text();
    let in_dir = |dir: &str| path.starts_with(dir) || path.contains(&format!("/{dir}"));
    if in_dir(".specops/") {
        return Family::SpecOps;
    }
    if path.ends_with("principles.md")
        || doc
            .sections
            .iter()
            .any(|s| title_matches(&s.title, IBM_PRINCIPLES))
    {
        return Family::IbmIacSpecKit;
    }
    if in_dir(".specify/") {
        return Family::SpecKit;
    }
    // spec-kit kept its memory/ folder at the root before it moved under
    // .specify/ (2025-09).
    if path == "memory/constitution.md" || path.ends_with("/memory/constitution.md") {
        return Family::SpecKitLegacy;
    }
    if text.contains(".specops/") {
        return Family::SpecOps;
    }
    if text.contains(".specify/")
        || doc
            .sections
            .iter()
            .any(|s| title_matches(&s.title, &["core principles"]))
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

    #[test]
    fn constitutions_by_their_own_signs() {
        // A spec-kit constitution with a Technology Stack section is not SpecOps.
        let body =
            "# Lab Constitution\n\n## Core Principles\n\n### I. GitOps\n\n## Technology Stack\n\n- Flux\n";
        assert_eq!(fam(".specify/memory/constitution.md", body), Family::SpecKit);
        assert_eq!(fam(".specops/memory/constitution.md", body), Family::SpecOps);
        assert_eq!(fam("memory/constitution.md", body), Family::SpecKitLegacy);
        assert_eq!(
            fam(".specify/memory/principles.md", "# P\n\n## IaC Code Principles\n"),
            Family::IbmIacSpecKit
        );
        assert_eq!(
            fam("x/constitution.md", "# P\n\n## Cloud Architecture Principles\n"),
            Family::IbmIacSpecKit
        );
        assert_eq!(fam("x/constitution.md", "# Notes\n"), Family::Unknown);
    }
}
