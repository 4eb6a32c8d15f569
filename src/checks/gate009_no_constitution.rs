//! GATE009 no-constitution: the repository has no constitution.md, so the
//! plan is gated against the TOML constitution. Reported once per plan, at
//! its Constitution Check heading; GATE001 and GATE004 are superseded by it
//! within the file (rules/spec-kit.toml), so a repository without a
//! constitution gets one clear finding instead of one per principle.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;

pub struct NoConstitution;

impl PlanCheck for NoConstitution {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        if cx.constitution.doc.is_some() || cx.constitution.path.is_some() {
            return;
        }
        let Some(section) = cx.gates.first_section(cx.plan) else {
            return;
        };
        let against = cx
            .rules
            .constitution
            .name
            .as_deref()
            .map_or_else(|| "the configured constitution".to_string(), |n| format!("`{n}`"));
        let looked = crate::discover::CONSTITUTION_PATHS
            .iter()
            .chain(crate::discover::PRINCIPLES_PATHS)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        sink.report(
            section.heading.clone(),
            format!("no constitution.md (looked for {looked}); plans gated against {against}"),
        );
    }
}
