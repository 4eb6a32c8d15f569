//! Procedural checks, one file each, registered by code, plus the evaluator
//! of declarative rule kinds. A check reads parsed models and pushes findings
//! into a sink; it never prints and never reads files.

use crate::finding::Sink;
use crate::parse::constitution::{Citation, ConstitutionDoc, Principle};
use crate::parse::gates::GateModel;
use crate::parse::plan::Plan;
use crate::rules::RuleSet;

mod cpx001_unjustified_violation;
mod cpx002_incomplete_justification;
mod cpx003_stale_justification;
pub mod declarative;
mod doc002_missing_quickstart;
mod gate001_uncovered_principle;
mod gate002_gate_without_status;
mod gate003_gate_without_evidence;
mod gate004_unknown_principle;
mod gate005_unfilled_constitution;
mod gate006_gate_against_unfilled_constitution;
mod gate007_stale_constitution_version;
mod gate008_empty_constitution_check;
pub mod iac;
mod tpl001_needs_clarification;
mod tpl002_template_placeholder;
mod tpl003_option_label;
mod tpl005_template_example_row;
mod tpl007_unfilled_structure_decision;
mod tree001_missing_path;
mod tree002_decision_names_unknown_path;

/// The repository's constitution as plan checks see it.
pub struct ConstitutionView<'a> {
    /// constitution.md, when the repository has one.
    pub doc: Option<&'a ConstitutionDoc>,
    /// Its path relative to the root, for messages.
    pub path: Option<&'a str>,
    pub principles: &'a [Principle],
    /// How to name the constitution in messages.
    pub label: &'a str,
}

/// What a plan check sees.
pub struct PlanContext<'a> {
    pub plan: &'a Plan,
    pub gates: &'a GateModel,
    /// For each gate entry, what its label cites.
    pub citations: &'a [Citation],
    pub constitution: &'a ConstitutionView<'a>,
    pub rules: &'a RuleSet,
    /// The repository on disk (None when checking text from an editor).
    pub fs: Option<&'a crate::repo::RepoFs>,
    /// Paths the plan's structure trees promise (documentation trees excluded).
    pub tree_entries: &'a [crate::parse::tree::TreeEntry],
    /// For each tree entry, what the disk says (empty without a repository).
    pub tree_existence: &'a [crate::repo::Existence],
}

/// What a constitution check sees.
pub struct ConstitutionContext<'a> {
    pub doc: &'a ConstitutionDoc,
}

pub trait PlanCheck: Sync {
    fn code(&self) -> &'static str;
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>);
}

pub trait ConstitutionCheck: Sync {
    fn code(&self) -> &'static str;
    fn check(&self, cx: &ConstitutionContext<'_>, sink: &mut Sink<'_>);
}

/// Every procedural plan check, by code.
pub static PLAN_CHECKS: &[&dyn PlanCheck] = &[
    &tpl001_needs_clarification::NeedsClarification,
    &tpl002_template_placeholder::TemplatePlaceholder,
    &tpl003_option_label::OptionLabel,
    &tpl005_template_example_row::TemplateExampleRow,
    &tpl007_unfilled_structure_decision::UnfilledStructureDecision,
    &gate001_uncovered_principle::UncoveredPrinciple,
    &gate002_gate_without_status::GateWithoutStatus,
    &gate003_gate_without_evidence::GateWithoutEvidence,
    &gate004_unknown_principle::UnknownPrinciple,
    &gate006_gate_against_unfilled_constitution::GateAgainstUnfilledConstitution,
    &gate007_stale_constitution_version::StaleConstitutionVersion,
    &gate008_empty_constitution_check::EmptyConstitutionCheck,
    &cpx001_unjustified_violation::UnjustifiedViolation,
    &cpx002_incomplete_justification::IncompleteJustification,
    &cpx003_stale_justification::StaleJustification,
    &tree001_missing_path::MissingPath,
    &tree002_decision_names_unknown_path::DecisionNamesUnknownPath,
    &doc002_missing_quickstart::MissingQuickstart,
];

/// Every procedural constitution check, by code.
pub static CONSTITUTION_CHECKS: &[&dyn ConstitutionCheck] =
    &[&gate005_unfilled_constitution::UnfilledConstitution];

pub fn plan_check(code: &str) -> Option<&'static dyn PlanCheck> {
    PLAN_CHECKS.iter().copied().find(|c| c.code() == code)
}

pub fn constitution_check(code: &str) -> Option<&'static dyn ConstitutionCheck> {
    CONSTITUTION_CHECKS.iter().copied().find(|c| c.code() == code)
}

/// True when some procedural check is registered under `code`.
pub fn is_registered(code: &str) -> bool {
    plan_check(code).is_some()
        || constitution_check(code).is_some()
        || iac::iac_check(code).is_some()
        || crate::filter::SUPPRESSION_CODES.contains(&code)
        || code == "TREE005"
}

/// Plain text of a cell or value: a template slot or nothing counts as empty.
pub fn is_blank(plan: &Plan, span: &std::ops::Range<usize>) -> bool {
    let t = plan.text()[span.clone()].trim();
    t.is_empty()
        || t == "-"
        || t == "—"
        || plan
            .slots
            .iter()
            .any(|s| s.span.start == span.start && s.span.end >= span.end)
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleKind;

    #[test]
    fn every_builtin_rule_has_a_check_and_every_check_a_rule() {
        let settings = crate::load::builtin_settings().expect("built-in packs load");
        let builtin: Vec<&str> = settings
            .all_rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::Builtin))
            .map(|r| &*r.code)
            .collect();
        for code in &builtin {
            assert!(
                super::is_registered(code),
                "{code} is `builtin` but no check is registered"
            );
        }
        let registered = super::PLAN_CHECKS
            .iter()
            .map(|c| c.code())
            .chain(super::CONSTITUTION_CHECKS.iter().map(|c| c.code()))
            .chain(super::iac::IAC_CHECKS.iter().map(|c| c.code()));
        for code in registered {
            assert!(
                builtin.contains(&code),
                "check {code} has no `builtin` rule in rules/"
            );
        }
    }
}
