//! GATE003 gate-without-evidence: a passing gate whose text matches none of
//! its principle's evidence patterns.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;
use crate::parse::gates::GateStatus;

pub struct GateWithoutEvidence;

impl PlanCheck for GateWithoutEvidence {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let text = cx.plan.text();
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            // A passing table row whose evidence cells are empty: whatever
            // the principle, the table's place for evidence was left blank.
            if e.status == GateStatus::Pass && e.evidence_blank && !is_na(e) {
                let span = e.status_span.clone().unwrap_or_else(|| e.label_span.clone());
                let f = sink.report(
                    span,
                    format!("gate `{}` passes with an empty evidence cell", e.label),
                );
                if let Citation::Principle(i) = c {
                    f.principle = Some(cx.constitution.principles[*i].id.clone());
                }
                continue;
            }
            let Citation::Principle(i) = c else { continue };
            let p = &cx.constitution.principles[*i];
            if e.status != GateStatus::Pass || p.evidence.is_empty() {
                continue;
            }
            // N/A needs a reason, not evidence.
            if is_na(e) {
                continue;
            }
            let body = &text[e.text.clone()];
            if p.evidence.iter().any(|re| re.is_match(body)) || not_engaged(&e.answer) {
                continue;
            }
            let span = e.status_span.clone().unwrap_or_else(|| e.label_span.clone());
            let f = sink.report(
                span,
                format!(
                    "gate `{}` passes without evidence for principle `{}`",
                    e.label, p.title
                ),
            );
            f.principle = Some(p.id.clone());
        }
    }
}

fn is_na(e: &crate::parse::gates::GateEntry) -> bool {
    e.status_word
        .as_deref()
        .is_some_and(|w| w.eq_ignore_ascii_case("N/A"))
}

/// An answer saying the principle is not engaged ("No node-level changes
/// required", "None needed") is an N/A in other words: it gives a reason and
/// needs no evidence.
fn not_engaged(answer: &str) -> bool {
    let a = answer
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    [
        "no ",
        "none",
        "not applicable",
        "not needed",
        "not required",
        "nothing ",
    ]
    .iter()
    .any(|p| a.starts_with(p))
}

#[cfg(test)]
mod tests {
    #[test]
    fn not_engaged_answers() {
        assert!(super::not_engaged("No node-level changes required"));
        assert!(super::not_engaged("- None required for this change"));
        assert!(!super::not_engaged("Flux reconciles `k8s/apps/`"));
        assert!(!super::not_engaged("Notes in docs/"));
    }
}
