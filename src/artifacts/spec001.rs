//! SPEC001 spec-leftover: template slots and markers left in spec.md.

use super::Hit;
use crate::finding::Severity;
use crate::parse::placeholder::SlotKind;
use crate::parse::plan::SlotContext;
use crate::parse::spec::Spec;

/// Unfilled template slots (`[FEATURE NAME]`, `[DATE]`, `[Brief Title]`,
/// `[e.g., ...]`) in prose, headings, fields and tables of spec.md, the
/// `$ARGUMENTS` token the template's Input line carries, and
/// `[NEEDS CLARIFICATION: ...]` markers (warning: a draft may hold up to
/// three, see SPEC002). Code blocks and HTML comments are out of scope, and
/// `__SPECKIT_COMMAND_*__` tokens are not slots.
pub fn check(spec: &Spec, out: &mut Vec<Hit>) {
    let text = spec.text();
    let path = &spec.plan.file.path;
    for slot in &spec.plan.slots {
        if !matches!(slot.context, SlotContext::Prose | SlotContext::InlineCode) {
            continue;
        }
        let raw = &text[slot.span.clone()];
        if raw.contains("__SPECKIT_COMMAND_") {
            continue;
        }
        match slot.kind {
            SlotKind::Clarification => {
                if is_marker(raw) {
                    out.push(
                        Hit::new(
                            path,
                            slot.span.clone(),
                            format!("open clarification `{}`", short(raw)),
                        )
                        .with_severity(Severity::Warning),
                    );
                }
            }
            SlotKind::Placeholder | SlotKind::RemoveIfUnused => {
                out.push(Hit::new(
                    path,
                    slot.span.clone(),
                    format!("template slot `{}` was never filled in", short(raw)),
                ));
            }
        }
    }
    for run in &spec.plan.texts {
        let s = &text[run.clone()];
        for (i, _) in s.match_indices("$ARGUMENTS") {
            let at = run.start + i;
            out.push(Hit::new(
                path,
                at..at + "$ARGUMENTS".len(),
                "the template's `$ARGUMENTS` token was never replaced by the feature description",
            ));
        }
    }
    out.sort_by_key(|h| h.span.start);
}

/// A `[NEEDS CLARIFICATION: question]` marker, not a mention of the marker
/// (`No [NEEDS CLARIFICATION] markers remain`).
pub fn is_marker(raw: &str) -> bool {
    raw.trim_start_matches('[')
        .trim_start()
        .strip_prefix("NEEDS CLARIFICATION")
        .is_some_and(|rest| rest.trim_start().starts_with(':'))
}

pub(crate) fn short(s: &str) -> String {
    if s.chars().count() > 60 {
        let t: String = s.chars().take(57).collect();
        format!("{t}...")
    } else {
        s.to_string()
    }
}
