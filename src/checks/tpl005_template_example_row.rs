//! TPL005 template-example-row: table rows that are still the template's
//! examples, reported once per row.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;

pub struct TemplateExampleRow;

impl PlanCheck for TemplateExampleRow {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for row in cx.plan.example_rows() {
            let first = &row.cells[0].text;
            sink.report(
                row.span.clone(),
                format!("table row `{first}` is still the template's example"),
            );
        }
    }
}
