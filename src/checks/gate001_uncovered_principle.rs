//! GATE001 uncovered-principle: a principle of the constitution that the
//! plan's Constitution Check never addresses.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;

pub struct UncoveredPrinciple;

impl PlanCheck for UncoveredPrinciple {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        // Without a Constitution Check there is nothing to read (a missing
        // section is TPL006's finding); an unfilled constitution.md states
        // no principles to cover.
        let Some(section) = cx.gates.first_section(cx.plan) else {
            return;
        };
        if cx.constitution.unfilled() {
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
