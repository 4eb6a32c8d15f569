//! Procedural checks, one file each, registered by code. A check reads the
//! parsed model and pushes findings into a sink; it never prints.

use crate::finding::Sink;
use crate::parse::plan::Plan;

mod tpl001_needs_clarification;
mod tpl002_template_placeholder;
mod tpl003_option_label;
mod tpl004_template_instruction;
mod tpl005_template_example_row;
mod tpl006_missing_section;
mod tpl007_unfilled_structure_decision;

/// What a plan check sees.
pub struct PlanContext<'a> {
    pub plan: &'a Plan,
}

pub trait PlanCheck: Sync {
    fn code(&self) -> &'static str;
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>);
}

/// Every procedural plan check, by code.
pub static PLAN_CHECKS: &[&dyn PlanCheck] = &[
    &tpl001_needs_clarification::NeedsClarification,
    &tpl002_template_placeholder::TemplatePlaceholder,
    &tpl003_option_label::OptionLabel,
    &tpl004_template_instruction::TemplateInstruction,
    &tpl005_template_example_row::TemplateExampleRow,
    &tpl006_missing_section::MissingSection,
    &tpl007_unfilled_structure_decision::UnfilledStructureDecision,
];

pub fn plan_check(code: &str) -> Option<&'static dyn PlanCheck> {
    PLAN_CHECKS.iter().copied().find(|c| c.code() == code)
}
