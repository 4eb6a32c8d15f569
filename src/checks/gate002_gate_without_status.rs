//! GATE002 gate-without-status: a gate entry with no status and no answer,
//! such as the template's own instruction left in place.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;
use crate::parse::gates::GateStatus;

pub struct GateWithoutStatus;

impl PlanCheck for GateWithoutStatus {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            if e.status != GateStatus::Missing {
                continue;
            }
            let f = sink.report(
                e.label_span.clone(),
                format!("gate `{}` has no status and no answer", e.label),
            );
            if let Citation::Principle(i) = c {
                f.principle = Some(cx.constitution.principles[*i].id.clone());
            }
        }
    }
}
