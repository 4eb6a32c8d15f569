//! SPEC002 too-many-clarifications: more than three open
//! `[NEEDS CLARIFICATION: ...]` markers in spec.md.

use super::spec001::is_marker;
use super::Hit;
use crate::parse::placeholder::SlotKind;
use crate::parse::plan::SlotContext;
use crate::parse::spec::Spec;

/// The spec template allows at most three markers; the fourth and later are
/// reported. Markers in code blocks and HTML comments do not count.
pub const MAX_MARKERS: usize = 3;

pub fn check(spec: &Spec, out: &mut Vec<Hit>) {
    let text = spec.text();
    let markers: Vec<_> = spec
        .plan
        .slots
        .iter()
        .filter(|s| {
            s.kind == SlotKind::Clarification
                && matches!(s.context, SlotContext::Prose | SlotContext::InlineCode)
                && is_marker(&text[s.span.clone()])
        })
        .collect();
    let total = markers.len();
    for (n, m) in markers.iter().enumerate().skip(MAX_MARKERS) {
        out.push(Hit::new(
            &spec.plan.file.path,
            m.span.clone(),
            format!(
                "clarification marker {} of {total}: a spec may leave at most {MAX_MARKERS} open",
                n + 1
            ),
        ));
    }
}
