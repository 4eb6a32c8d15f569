//! GATE008 empty-constitution-check: the Constitution Check holds only the
//! template's placeholder, or nothing.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;

pub struct EmptyConstitutionCheck;

impl PlanCheck for EmptyConstitutionCheck {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let plan = cx.plan;
        let Some(section) = cx.gates.first_section(plan) else {
            return;
        };
        if !cx.gates.entries.is_empty() || !cx.gates.verdicts.is_empty() {
            return;
        }
        // Any prose other than the template's italic GATE line and its slot?
        let body = section.heading.end..section.span.end;
        let text = plan.text();
        let content = plan
            .texts
            .iter()
            .filter(|r| body.start <= r.start && r.end <= body.end)
            .any(|r| {
                let t = text[r.clone()].trim();
                let in_slot = plan
                    .slots
                    .iter()
                    .any(|s| s.span.start <= r.start && r.end <= s.span.end);
                !t.is_empty()
                    && !in_slot
                    && !t.starts_with("GATE:")
                    && !t.starts_with("[")
                    && !t.ends_with(']')
            });
        let gate_line = plan
            .texts
            .iter()
            .any(|r| body.start <= r.start && r.end <= body.end && text[r.clone()].starts_with("GATE:"));
        let prose = plan
            .texts
            .iter()
            .filter(|r| body.start <= r.start && r.end <= body.end)
            .count();
        if !content || (gate_line && prose <= 1) {
            sink.report(
                section.heading.clone(),
                "Constitution Check is empty or still the template's placeholder",
            );
        }
    }
}
