//! CPX003 stale-justification: a Complexity Tracking row that matches no
//! gate that fails.

use super::{PlanCheck, PlanContext};
use crate::finding::Sink;
use crate::parse::constitution::{mentions, normalise_name, Citation};
use crate::parse::gates::{ComplexityRow, GateStatus};

pub struct StaleJustification;

/// Rows that say there is nothing to justify.
pub fn says_none(r: &ComplexityRow) -> bool {
    let first = r
        .cells
        .first()
        .map(|(t, _)| normalise_name(t))
        .unwrap_or_default();
    first.is_empty()
        || ["none", "n a", "no violations", "not applicable", "no violation"]
            .iter()
            .any(|w| first == *w)
        || first.starts_with("none ")
        || first.starts_with("no violation")
}

impl PlanCheck for StaleJustification {
    fn code(&self) -> &'static str {
        "CPX003"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let failing: Vec<_> = cx
            .gates
            .entries
            .iter()
            .zip(cx.citations)
            .filter(|(e, _)| e.status == GateStatus::Fail)
            .collect();
        for t in cx.gates.complexity.iter().filter(|t| t.is_template_shaped()) {
            for r in t.rows.iter().filter(|r| !r.example && !says_none(r)) {
                let Some((first, span)) = r.cells.first() else {
                    continue;
                };
                let matched = failing.iter().any(|(e, c)| {
                    let by_principle = match c {
                        Citation::Principle(i) => mentions(first, &cx.constitution.principles[*i]),
                        _ => false,
                    };
                    let label = normalise_name(&e.label);
                    by_principle || (!label.is_empty() && normalise_name(first).contains(&label))
                });
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
