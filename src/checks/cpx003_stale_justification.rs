//! CPX003 stale-justification: a Complexity Tracking row that matches no
//! gate that fails. Rows are matched to gates as CPX001 matches them
//! (`cpx001_unjustified_violation::row_matches`): by numeral, by name, or by
//! the violated subject's words.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::parse::gates::GateStatus;

pub struct StaleJustification;

impl PlanCheck for StaleJustification {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let failing: Vec<_> = cx
            .gates
            .entries
            .iter()
            .zip(cx.citations)
            .filter(|(e, _)| e.status == GateStatus::Fail)
            .collect();
        for t in cx.gates.complexity.iter().filter(|t| t.is_template_shaped()) {
            for r in t.rows.iter().filter(|r| !r.example && !r.says_none()) {
                let Some((first, span)) = r.cells.first() else {
                    continue;
                };
                let matched = failing
                    .iter()
                    .any(|(e, c)| super::cpx001_unjustified_violation::row_matches(cx, first, e, **c));
                if !matched {
                    sink.report(
                        span.clone(),
                        format!(
                            "Complexity Tracking row `{}` justifies no failing gate",
                            short(first)
                        ),
                    );
                }
            }
        }
    }
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}
