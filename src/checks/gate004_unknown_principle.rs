//! GATE004 unknown-principle: the plan cites a principle that the
//! constitution does not define.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;

pub struct UnknownPrinciple;

impl PlanCheck for UnknownPrinciple {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            if *c == Citation::Unknown {
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
