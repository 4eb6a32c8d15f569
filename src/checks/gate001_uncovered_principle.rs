//! GATE001 uncovered-principle: a principle of the constitution that the
//! plan's Constitution Check never addresses.

use super::{PlanCheck, PlanContext};
use crate::finding::Sink;
use crate::parse::constitution::Citation;

pub struct UncoveredPrinciple;

impl PlanCheck for UncoveredPrinciple {
    fn code(&self) -> &'static str {
        "GATE001"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        // Without a Constitution Check, TPL006 says so; an unfilled
        // constitution has no principles to cover (GATE006).
        let Some(section) = cx.gates.first_section(cx.plan) else {
            return;
        };
        if cx.constitution.doc.is_some_and(|d| d.is_unfilled()) {
            return;
        }
        // An empty Constitution Check is GATE008's finding, once.
        if cx.gates.entries.is_empty() {
            return;
        }
        for (i, p) in cx.constitution.principles.iter().enumerate() {
            if cx.citations.contains(&Citation::Principle(i)) {
                continue;
            }
            let shown = match &p.numeral {
                Some(n) => format!("{n}. {}", p.title),
                None => p.title.clone(),
            };
            let f = sink.report_with(
                section.heading.clone(),
                p.severity,
                format!(
                    "Constitution Check never addresses principle `{shown}` of {}",
                    cx.constitution.label
                ),
            );
            f.principle = Some(p.id.clone());
        }
    }
}
