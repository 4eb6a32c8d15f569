//! Test helpers for the check unit tests: build the models a check reads
//! (plan, constitution, IaC files, disk facts) from text, run one built-in
//! rule through `evaluate`, and return its findings as (path, line, message).

use crate::discover::{DiskFacts, Existence};
use crate::evaluate::{self, Constitution, PlanModel};
use crate::parse::iac::IacFile;
use crate::parse::plan::Plan;
use crate::rules::RuleSet;
use crate::source::SourceFile;

/// One finding, where it is and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// The lines of the findings, in order.
pub fn lines(hits: &[Hit]) -> Vec<usize> {
    hits.iter().map(|h| h.line).collect()
}

pub const PLAN_PATH: &str = "specs/001-demo/plan.md";
pub const CONSTITUTION_PATH: &str = ".specify/memory/constitution.md";

/// A filled constitution with two principles, version 1.3.0.
pub const CONSTITUTION: &str = "# Harbor Lab Constitution

## Core Principles

### I. GitOps Source of Truth

Argo CD applies everything from the `main` branch.

### II. Documentation & Runbooks

Every application ships with a runbook.

## Governance

**Version**: 1.3.0 | **Ratified**: 2026-01-10 | **Last Amended**: 2026-03-02
";

/// Constitution Check rows that pass both principles of [`CONSTITUTION`]
/// with evidence.
pub const PASSING_ROWS: &str = "| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/`; diff in CI run 4812 |
| II. Documentation & Runbooks | ✅ PASS | runbook in `docs/runbooks/grafana.md` |
";

/// The built-in rule set with only `code` kept.
pub fn rules_for(code: &str) -> RuleSet {
    let mut rules = crate::load::builtin_settings(&super::registered_codes())
        .expect("the built-in packs load")
        .rules;
    rules.rules.retain(|r| &*r.code == code);
    assert_eq!(rules.rules.len(), 1, "no built-in rule {code}");
    rules
}

fn hits(files: &[&SourceFile], found: Vec<crate::finding::Finding>) -> Vec<Hit> {
    let mut out: Vec<Hit> = found
        .into_iter()
        .map(|f| {
            let file = files[f.file];
            Hit {
                path: file.path.to_string(),
                line: file.line_col(f.span.start).0,
                message: f.message,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out
}

/// Disk facts answering every asked path: it exists when it is one of
/// `existing` or a folder above one of them.
fn facts_for(asked: Vec<String>, existing: &[&str]) -> DiskFacts {
    let mut facts = DiskFacts::default();
    for p in asked {
        let there = existing
            .iter()
            .any(|e| *e == p || (p.ends_with('/') && e.starts_with(&p)));
        let e = if there {
            Existence::Exists
        } else {
            Existence::Missing
        };
        facts.insert(p, e);
    }
    facts
}

/// Run the plan rule `code` over `plan` (at [`PLAN_PATH`]), against
/// `constitution` (constitution.md's text; the TOML constitution when None),
/// in a repository holding the paths `existing`.
pub fn plan_hits(code: &str, plan: &str, constitution: Option<&str>, existing: &[&str]) -> Vec<Hit> {
    let rules = rules_for(code);
    let doc = constitution.map(|t| evaluate::constitution_doc(&SourceFile::new(CONSTITUTION_PATH, t)));
    let path = constitution.map(|_| CONSTITUTION_PATH.to_string());
    let constitution = Constitution::new(doc, path, &rules);
    let file = SourceFile::new(PLAN_PATH, plan);
    let model = PlanModel::new(Plan::parse(file.clone()), &rules, &constitution, "demo");
    let explicit = vec![code.to_string()];
    let mut asked = Vec::new();
    evaluate::plan_paths(&model, &rules, &constitution, &explicit, &mut asked);
    let facts = facts_for(asked, existing);
    let found = evaluate::plan(0, &model, &rules, &constitution, &facts, &explicit);
    hits(&[&file], found)
}

/// Run the constitution rule `code` over constitution.md's `text`.
pub fn constitution_hits(code: &str, text: &str) -> Vec<Hit> {
    let rules = rules_for(code);
    let file = SourceFile::new(CONSTITUTION_PATH, text);
    let doc = evaluate::constitution_doc(&file);
    hits(&[&file], evaluate::constitution(0, &doc, &rules))
}

/// Run the IaC rule `code` over `files` (path, text) in a repository
/// holding them and the paths `existing`.
pub fn iac_hits(code: &str, files: &[(&str, &str)], existing: &[&str]) -> Vec<Hit> {
    let rules = rules_for(code);
    let parsed: Vec<IacFile> = files.iter().map(|(p, t)| IacFile::parse(p, t)).collect();
    let ids: Vec<usize> = (0..parsed.len()).collect();
    let rule_refs: Vec<&crate::rules::Rule> = rules.rules.iter().collect();
    let none = DiskFacts::default();
    let mut asked = Vec::new();
    evaluate::iac_paths(
        &super::iac::IacContext::new(&parsed, &ids, &none, None),
        &rule_refs,
        &mut asked,
    );
    let mut all: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    all.extend_from_slice(existing);
    let facts = facts_for(asked, &all);
    let cx = super::iac::IacContext::new(&parsed, &ids, &facts, None);
    let (found, problems) = evaluate::iac(&cx, &rule_refs, false);
    assert!(problems.is_empty(), "rule {code} panicked");
    let sources: Vec<&SourceFile> = parsed.iter().map(|f| &f.file).collect();
    hits(&sources, found)
}
