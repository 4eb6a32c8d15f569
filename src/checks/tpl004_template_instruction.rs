//! TPL004 template-instruction: the template's guidance comments left in the
//! plan. `ACTION REQUIRED` is a warning; other guidance blocks are info.

use super::{PlanCheck, PlanContext};
use crate::finding::{Severity, Sink};
use regex::Regex;
use std::sync::LazyLock;

pub struct TemplateInstruction;

static ACTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"ACTION REQUIRED").expect("valid regex"));
static GUIDANCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"CRITICAL:[^\n]*\bMUST\b|\bAgent MUST\b|PATTERN EXAMPLES|[A-Z]{3,}(?: [A-Z]+)* GUIDANCE:|INFRASTRUCTURE PROJECTS ONLY|AI agents will read|automatically provisioned by the agent",
    )
    .expect("valid regex")
});

impl PlanCheck for TemplateInstruction {
    fn code(&self) -> &'static str {
        "TPL004"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let text = cx.plan.text();
        for comment in &cx.plan.comments {
            let body = &text[comment.clone()];
            let (m, severity) = match ACTION.find(body) {
                Some(m) => (m, Severity::Warning),
                None => match GUIDANCE.find(body) {
                    Some(m) => (m, Severity::Info),
                    None => continue,
                },
            };
            let span = comment.start + m.start()..comment.start + m.end();
            let what = m.as_str().trim_end_matches(':');
            sink.report_with(
                span,
                severity,
                format!("template guidance comment (`{what}`) left in the plan"),
            );
        }
    }
}
