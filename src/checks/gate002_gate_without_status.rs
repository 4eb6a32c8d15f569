//! GATE002 gate-without-status: a gate entry with no status and no answer,
//! such as the template's own instruction left in place; or an entry that
//! answers but gives no status where one is expected (an empty Status cell,
//! or a bullet without a status word among bullets that have one).

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::constitution::Citation;
use crate::parse::gates::GateStatus;

pub struct GateWithoutStatus;

impl PlanCheck for GateWithoutStatus {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for (e, c) in cx.gates.entries.iter().zip(cx.citations) {
            let msg = match e.status {
                GateStatus::Missing => format!("gate `{}` has no status and no answer", e.label),
                GateStatus::Unmarked => format!(
                    "gate `{}` gives an answer but no status, while the other gates of this Constitution Check have one",
                    e.label
                ),
                _ => continue,
            };
            let f = sink.report(e.label_span.clone(), msg);
            if let Citation::Principle(i) = c {
                f.principle = Some(cx.constitution.principles[*i].id.clone());
            }
        }
    }
}
