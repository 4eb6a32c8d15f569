//! CPX002 incomplete-justification: a Complexity Tracking row with an empty
//! or placeholder cell.

use super::{is_blank, PlanCheck, PlanContext};
use crate::checks::Sink;

pub struct IncompleteJustification;

impl PlanCheck for IncompleteJustification {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for t in cx.gates.complexity.iter().filter(|t| t.is_template_shaped()) {
            for r in t.rows.iter().filter(|r| !r.example && !r.says_none()) {
                for (i, (_, span)) in r.cells.iter().enumerate() {
                    if is_blank(cx.plan, span) {
                        let col = t.header.get(i).map_or("a cell".to_string(), |h| format!("`{h}`"));
                        let at = if span.is_empty() {
                            r.span.clone()
                        } else {
                            span.clone()
                        };
                        sink.report(
                            at,
                            format!("Complexity Tracking row leaves {col} empty or unfilled"),
                        );
                    }
                }
            }
        }
    }
}
