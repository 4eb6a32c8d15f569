//! SPEC005 scenario-form: an acceptance scenario not written as
//! Given / When / Then.

use super::Hit;
use crate::parse::spec::Spec;
use regex::Regex;
use std::sync::LazyLock;

static GIVEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bgiven\b").expect("valid regex"));
static WHEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bwhen\b").expect("valid regex"));
static THEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bthen\b").expect("valid regex"));

/// Each top-level item under `**Acceptance Scenarios**` must have Given,
/// When and Then, in that order (emphasis allowed). Reported on the item's
/// first line.
pub fn check(spec: &Spec, out: &mut Vec<Hit>) {
    let text = spec.text();
    for s in &spec.scenarios {
        let line = &text[s.body.clone()];
        let g = GIVEN.find(line).map(|m| m.start());
        let w = g.and_then(|g| WHEN.find_at(line, g).map(|m| m.start()));
        let t = w.and_then(|w| THEN.find_at(line, w).map(|m| m.start()));
        if t.is_none() {
            let missing: Vec<&str> = [
                ("Given", g.is_some()),
                ("When", w.is_some()),
                ("Then", t.is_some()),
            ]
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(n, _)| *n)
            .collect();
            out.push(Hit::new(
                &spec.plan.file.path,
                s.span.clone(),
                format!(
                    "acceptance scenario is not in Given/When/Then form (no {} in order)",
                    missing.join(", ")
                ),
            ));
        }
    }
}
