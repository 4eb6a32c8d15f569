//! GATE004 unknown-principle: the plan cites a principle that the
//! constitution does not define.

use super::{PlanCheck, PlanContext};
use crate::finding::Sink;
use crate::parse::constitution::Citation;

pub struct UnknownPrinciple;

impl PlanCheck for UnknownPrinciple {
    fn code(&self) -> &'static str {
        "GATE004"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        if cx.constitution.doc.is_some_and(|d| d.is_unfilled()) {
            return;
        }
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            // A label that is still a template slot is TPL002's finding.
            let slot = e.label.starts_with('[') && e.label.ends_with(']');
            if *c == Citation::Unknown && !slot {
                sink.report(
                    e.label_span.clone(),
                    format!(
                        "plan cites `{}`, which {} does not define",
                        e.label, cx.constitution.label
                    ),
                );
            }
        }
    }
}
