//! TPL005 template-example-row: table rows that are still the template's
//! examples, reported once per row.

use super::{PlanCheck, PlanContext};
use crate::checks::Sink;
use crate::fix::{delete_block, Fix};

pub struct TemplateExampleRow;

impl PlanCheck for TemplateExampleRow {
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        for row in cx.plan.example_rows() {
            let first = &row.cells[0].text;
            let text = cx.plan.text();
            let f = sink.report(
                row.span.clone(),
                format!("table row `{first}` is still the template's example"),
            );
            f.fix = Some(Fix::safe(
                "Remove the template's example row",
                vec![delete_block(text, row.span.clone())],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = plan_hits(
            "TPL005",
            r##"# Implementation Plan: Grafana

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|-----------|------------|-------------------------------------|
| [e.g., 4th project] | [current need] | [why 3 projects insufficient] |
"##,
            None,
            &[],
        );
        assert_eq!(lines(&hits), [7], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == PLAN_PATH));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = plan_hits(
            "TPL005",
            r##"# Implementation Plan: Grafana

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|-----------|------------|-------------------------------------|
| None | | |
"##,
            None,
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
