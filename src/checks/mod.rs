//! Procedural checks, one file each, and the one registry that maps every
//! procedural rule code to its check; plus the evaluators of the declarative
//! rule kinds. A check reads parsed models and the disk facts collected
//! before evaluation, and pushes findings into a sink; it never prints,
//! never reads files and never stats the disk.

use crate::discover::DiskFacts;
use crate::finding::{FileId, Finding, Severity};
use crate::parse::constitution::{Citation, ConstitutionDoc, Principle};
use crate::parse::gates::GateModel;
use crate::parse::plan::Plan;
use crate::rules::{CheckId, Rule, RuleSet};
use std::ops::Range;

mod cpx001_unjustified_violation;
// The compliance matrix reads gates the way CPX001 does.
pub(crate) use cpx001_unjustified_violation::{justified, row_matches};
pub(crate) use gate003_gate_without_evidence::not_engaged;
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
mod gate009_no_constitution;
pub mod iac;
mod tpl001_needs_clarification;
mod tpl002_template_placeholder;
mod tpl003_option_label;
mod tpl005_template_example_row;
mod tpl007_unfilled_structure_decision;
mod tpl008_unclosed_fence;
mod tree001_missing_path;
mod tree002_decision_names_unknown_path;
mod tree005_path_outside_root;
mod tree007_file_too_large;

pub use tree001_missing_path::probe as tree_probe;

#[cfg(test)]
pub(crate) mod testing;

/// Collects one rule's findings; checks never print.
pub struct Sink<'a> {
    /// The file being checked.
    pub file: FileId,
    pub rule: &'a Rule,
    pub out: &'a mut Vec<Finding>,
}

impl Sink<'_> {
    /// Report at `span` in the file being checked, with the rule's severity.
    pub fn report(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Finding {
        let sev = self.rule.severity;
        self.push(self.file, span, sev, message.into())
    }

    /// Report with another severity (a pattern's or a principle's own).
    pub fn report_with(
        &mut self,
        span: Range<usize>,
        severity: Severity,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.push(self.file, span, severity, message.into())
    }

    /// Report in another file of the run (repository-wide checks); the sink
    /// keeps pointing at its own file.
    pub fn report_in(
        &mut self,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let sev = self.rule.severity;
        self.push(file, span, sev, message.into())
    }

    /// Report in another file with another severity.
    pub fn report_in_with(
        &mut self,
        file: FileId,
        span: Range<usize>,
        severity: Severity,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.push(file, span, severity, message.into())
    }

    fn push(
        &mut self,
        file: FileId,
        span: Range<usize>,
        severity: Severity,
        message: String,
    ) -> &mut Finding {
        self.out.push(Finding {
            code: self.rule.code.clone(),
            severity,
            file,
            span,
            message,
            help: None,
            principle: self.rule.principle.clone(),
            fix: None,
        });
        self.out.last_mut().expect("just pushed")
    }
}

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

impl ConstitutionView<'_> {
    /// True when constitution.md is still the unfilled template: it states
    /// no principles a plan could cover.
    pub fn unfilled(&self) -> bool {
        self.doc.is_some_and(|d| d.is_unfilled())
    }
}

/// What a plan check sees.
pub struct PlanContext<'a> {
    pub plan: &'a Plan,
    pub gates: &'a GateModel,
    /// For each gate entry, what its label cites.
    pub citations: &'a [Citation],
    pub constitution: &'a ConstitutionView<'a>,
    pub rules: &'a RuleSet,
    /// Paths the plan's structure trees promise (documentation trees excluded).
    pub tree_entries: &'a [crate::parse::tree::TreeEntry],
    /// The disk facts collected for this run (empty while `paths` is asked).
    pub facts: &'a DiskFacts,
}

/// What a constitution check sees.
pub struct ConstitutionContext<'a> {
    pub doc: &'a ConstitutionDoc,
}

/// What a repository-wide check sees.
pub struct RepoContext<'a> {
    /// Symlinks under the IaC roots that lead outside the root, each with
    /// the file id it was given when the walk found it.
    pub escapes: &'a [(FileId, String)],
    /// Files skipped because they are over `[limits] max-file-size`: file
    /// id, size and cap in bytes.
    pub too_large: &'a [(FileId, u64, u64)],
}

pub trait PlanCheck: Sync {
    /// Repository paths (relative, `dir/` for folders) the check will ask
    /// the disk facts about; collected before any check runs.
    fn paths(&self, _cx: &PlanContext<'_>, _out: &mut Vec<String>) {}
    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>);
}

pub trait ConstitutionCheck: Sync {
    fn check(&self, cx: &ConstitutionContext<'_>, sink: &mut Sink<'_>);
}

pub trait RepoCheck: Sync {
    fn check(&self, cx: &RepoContext<'_>, sink: &mut Sink<'_>);
}

/// The checks the filter stage runs over inline suppressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionCheck {
    /// SUP001: a suppression that silenced nothing.
    Unused,
    /// SUP002: a suppression without ` -- reason`.
    NoReason,
    /// SUP003: a suppression naming no rule, or an unknown one.
    UnknownCode,
}

/// A procedural check, by what it reads.
#[derive(Clone, Copy)]
pub enum Check {
    Plan(&'static dyn PlanCheck),
    Constitution(&'static dyn ConstitutionCheck),
    Iac(&'static dyn iac::IacCheck),
    Repo(&'static dyn RepoCheck),
    /// A check over a feature folder's spec.md, tasks.md and checklists.
    Feature(crate::artifacts::FeatureFn),
    Suppression(SuppressionCheck),
}

/// The one registry: every procedural rule code and its check. A rule
/// file's `kind = "builtin"` rule is resolved against this table when it is
/// loaded (an unknown code is a load error), so evaluation never compares
/// code strings. Adding a procedural rule: its file, plus one line here.
pub static REGISTRY: &[(&str, Check)] = &[
    ("CHK001", Check::Feature(crate::artifacts::CHK001)),
    ("CHK002", Check::Feature(crate::artifacts::CHK002)),
    (
        "CPX001",
        Check::Plan(&cpx001_unjustified_violation::UnjustifiedViolation),
    ),
    (
        "CPX002",
        Check::Plan(&cpx002_incomplete_justification::IncompleteJustification),
    ),
    (
        "CPX003",
        Check::Plan(&cpx003_stale_justification::StaleJustification),
    ),
    (
        "DOC002",
        Check::Plan(&doc002_missing_quickstart::MissingQuickstart),
    ),
    (
        "GATE001",
        Check::Plan(&gate001_uncovered_principle::UncoveredPrinciple),
    ),
    (
        "GATE002",
        Check::Plan(&gate002_gate_without_status::GateWithoutStatus),
    ),
    (
        "GATE003",
        Check::Plan(&gate003_gate_without_evidence::GateWithoutEvidence),
    ),
    (
        "GATE004",
        Check::Plan(&gate004_unknown_principle::UnknownPrinciple),
    ),
    (
        "GATE005",
        Check::Constitution(&gate005_unfilled_constitution::UnfilledConstitution),
    ),
    (
        "GATE006",
        Check::Plan(&gate006_gate_against_unfilled_constitution::GateAgainstUnfilledConstitution),
    ),
    (
        "GATE007",
        Check::Plan(&gate007_stale_constitution_version::StaleConstitutionVersion),
    ),
    (
        "GATE008",
        Check::Plan(&gate008_empty_constitution_check::EmptyConstitutionCheck),
    ),
    ("GATE009", Check::Plan(&gate009_no_constitution::NoConstitution)),
    (
        "GIT003",
        Check::Iac(&iac::git003_imperative_deploy::ImperativeDeploy),
    ),
    (
        "IDM001",
        Check::Iac(&iac::idm001_unguarded_command::UnguardedCommand),
    ),
    ("IDM002", Check::Iac(&iac::idm002_unpinned_image::UnpinnedImage)),
    ("IDM003", Check::Iac(&iac::idm003_package_latest::PackageLatest)),
    ("IDM005", Check::Iac(&iac::idm005_unpinned_chart::UnpinnedChart)),
    (
        "KUS001",
        Check::Iac(&iac::kus001_broken_kustomization::BrokenKustomization),
    ),
    (
        "KUS002",
        Check::Iac(&iac::kus001_broken_kustomization::NotRendered),
    ),
    ("OBS001", Check::Iac(&iac::obs001_missing_probes::MissingProbes)),
    (
        "OBS002",
        Check::Iac(&iac::obs002_missing_resources::MissingResources),
    ),
    (
        "OBS003",
        Check::Iac(&iac::obs003_namespace_without_quota::NamespaceWithoutQuota),
    ),
    (
        "OBS004",
        Check::Iac(&iac::obs004_namespace_without_default_deny::NamespaceWithoutDefaultDeny),
    ),
    (
        "PRV005",
        Check::Iac(&iac::prv005_pod_may_run_as_root::PodMayRunAsRoot),
    ),
    ("PRV006", Check::Iac(&iac::prv006_open_admin_port::OpenAdminPort)),
    (
        "PRV007",
        Check::Iac(&iac::prv007_wildcard_iam_action::WildcardIamAction),
    ),
    (
        "PRV008",
        Check::Iac(&iac::prv008_terraform_state_backend::TerraformStateBackend),
    ),
    (
        "PRV009",
        Check::Iac(&iac::prv009_vendored_controller::VendoredController),
    ),
    ("SPEC001", Check::Feature(crate::artifacts::SPEC001)),
    ("SPEC002", Check::Feature(crate::artifacts::SPEC002)),
    ("SPEC003", Check::Feature(crate::artifacts::SPEC003)),
    ("SPEC004", Check::Feature(crate::artifacts::SPEC004)),
    ("SPEC005", Check::Feature(crate::artifacts::SPEC005)),
    ("SUP001", Check::Suppression(SuppressionCheck::Unused)),
    ("SUP002", Check::Suppression(SuppressionCheck::NoReason)),
    ("SUP003", Check::Suppression(SuppressionCheck::UnknownCode)),
    ("TASK001", Check::Feature(crate::artifacts::TASK001)),
    ("TASK002", Check::Feature(crate::artifacts::TASK002)),
    ("TASK003", Check::Feature(crate::artifacts::TASK003)),
    ("TASK004", Check::Feature(crate::artifacts::TASK004)),
    ("TASK005", Check::Feature(crate::artifacts::TASK005)),
    ("TASK006", Check::Feature(crate::artifacts::TASK006)),
    (
        "TPL001",
        Check::Plan(&tpl001_needs_clarification::NeedsClarification),
    ),
    (
        "TPL002",
        Check::Plan(&tpl002_template_placeholder::TemplatePlaceholder),
    ),
    ("TPL003", Check::Plan(&tpl003_option_label::OptionLabel)),
    (
        "TPL005",
        Check::Plan(&tpl005_template_example_row::TemplateExampleRow),
    ),
    (
        "TPL007",
        Check::Plan(&tpl007_unfilled_structure_decision::UnfilledStructureDecision),
    ),
    ("TPL008", Check::Plan(&tpl008_unclosed_fence::UnclosedFence)),
    ("TREE001", Check::Plan(&tree001_missing_path::MissingPath)),
    (
        "TREE002",
        Check::Plan(&tree002_decision_names_unknown_path::DecisionNamesUnknownPath),
    ),
    (
        "TREE003",
        Check::Iac(&iac::tree003_unparseable_file::UnparseableFile),
    ),
    (
        "TREE004",
        Check::Iac(&iac::tree004_skipped_template::SkippedTemplate),
    ),
    (
        "TREE005",
        Check::Repo(&tree005_path_outside_root::PathOutsideRoot),
    ),
    ("XREF001", Check::Feature(crate::artifacts::XREF001)),
    ("XREF002", Check::Feature(crate::artifacts::XREF002)),
    ("XREF003", Check::Feature(crate::artifacts::XREF003)),
    ("XREF004", Check::Feature(crate::artifacts::XREF004)),
    ("TREE006", Check::Iac(&iac::tree006_not_utf8::NotUtf8)),
    ("TREE007", Check::Repo(&tree007_file_too_large::FileTooLarge)),
];

/// Every registered code, in registry order (the index is the `CheckId`).
pub fn registered_codes() -> Vec<&'static str> {
    REGISTRY.iter().map(|(c, _)| *c).collect()
}

/// The check a `builtin` rule was resolved to.
pub fn check_of(id: CheckId) -> Check {
    REGISTRY[id.0 as usize].1
}

/// The check behind a rule, if it is a `builtin` rule.
pub fn builtin(rule: &Rule) -> Option<Check> {
    match rule.kind {
        crate::rules::RuleKind::Builtin(id) => Some(check_of(id)),
        _ => None,
    }
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
    #[test]
    fn every_builtin_rule_has_a_check_and_every_check_a_rule() {
        let settings =
            crate::load::builtin_settings(&super::registered_codes()).expect("built-in packs load");
        let builtin: Vec<&str> = settings
            .all_rules
            .iter()
            .filter(|r| super::builtin(r).is_some())
            .map(|r| &*r.code)
            .collect();
        for (code, _) in super::REGISTRY {
            assert!(
                builtin.contains(code),
                "check {code} has no `builtin` rule in rules/"
            );
        }
        let mut codes = super::registered_codes();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n, "a code is registered twice");
    }
}
