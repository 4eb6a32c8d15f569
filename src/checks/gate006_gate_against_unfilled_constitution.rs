//! GATE006 gate-against-unfilled-constitution: a plan claims to pass a
//! constitution that is still the unfilled template.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::gates::GateStatus;
use crate::rules::Verdict;

pub struct GateAgainstUnfilledConstitution;

impl PlanCheck for GateAgainstUnfilledConstitution {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        if !cx.constitution.unfilled() {
            return;
        }
        let claim = cx
            .gates
            .entries
            .iter()
            .find(|e| e.status == GateStatus::Pass)
            .and_then(|e| e.status_span.clone().or(Some(e.label_span.clone())))
            .or_else(|| {
                cx.gates
                    .verdicts
                    .iter()
                    .find(|(v, _)| *v == Verdict::Pass)
                    .map(|(_, r)| r.clone())
            });
        if let Some(span) = claim {
            sink.report(
                span,
                format!(
                    "plan claims to pass {}, which is still an unfilled template",
                    cx.constitution.path.unwrap_or("the constitution")
                ),
            );
        }
    }
}
