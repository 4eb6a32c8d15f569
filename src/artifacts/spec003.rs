//! SPEC003 spec-section-missing: a mandatory section of the spec template is
//! absent.

use super::Hit;
use crate::parse::family::{self, Family};
use crate::parse::plan::title_matches;
use crate::parse::spec::Spec;

/// Each mandatory section and the heading titles accepted for it.
pub const MANDATORY: &[(&str, &[&str])] = &[
    (
        "User Scenarios & Testing",
        &[
            "user scenarios",
            "user scenario",
            "user stories",
            "user story",
            "scenarios",
        ],
    ),
    ("Requirements", &["requirements", "functional requirements"]),
    ("Success Criteria", &["success criteria", "measurable outcomes"]),
];

/// Sections are matched by title at any heading level. The legacy spec-kit
/// template (before 2025-10) had no Success Criteria section, so a legacy
/// spec is not asked for one. Reported at the document's first heading.
pub fn check(spec: &Spec, out: &mut Vec<Hit>) {
    let legacy = family::detect(&spec.plan.file.path, &spec.plan) == Family::SpecKitLegacy;
    let at = spec.plan.sections.first().map_or(0..0, |s| s.heading.clone());
    for (name, accepted) in MANDATORY {
        if legacy && *name == "Success Criteria" {
            continue;
        }
        if !spec
            .plan
            .sections
            .iter()
            .any(|s| title_matches(&s.title, accepted))
        {
            out.push(Hit::new(
                &spec.plan.file.path,
                at.clone(),
                format!("mandatory section `## {name}` is missing"),
            ));
        }
    }
}
