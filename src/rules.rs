//! Rules as values: code, name, principle, severity, message, help and doc.
//! Loaded from TOML packs by `load`; evaluated by `evaluate`.

use crate::finding::Severity;
use serde::Serialize;
use std::sync::Arc;

/// The four sections every rule doc has.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    pub what: String,
    pub why: String,
    pub fix: String,
    pub example: String,
}

/// How a rule is evaluated.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// A procedural check in `src/checks/`, registered under the rule's code.
    Builtin,
}

impl RuleKind {
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Builtin => "builtin",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub code: Arc<str>,
    pub name: Arc<str>,
    pub principle: Option<Arc<str>>,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub doc: RuleDoc,
    pub kind: RuleKind,
    /// The pack the rule came from (`builtin:spec-kit`, `./team.toml`).
    pub source: Arc<str>,
}

impl Rule {
    /// The doc as Markdown, for `explain`, SARIF and the README.
    pub fn doc_markdown(&self) -> String {
        let d = &self.doc;
        format!(
            "# {code} `{name}`\n\nSeverity: {sev}{principle}\n\n## What it finds\n\n{what}\n\n## Why it matters\n\n{why}\n\n## How to fix\n\n{fix}\n\n## Example\n\n```text\n{example}\n```\n",
            code = self.code,
            name = self.name,
            sev = self.severity,
            principle = self
                .principle
                .as_ref()
                .map(|p| format!(" · Principle: {p}"))
                .unwrap_or_default(),
            what = d.what.trim(),
            why = d.why.trim(),
            fix = d.fix.trim(),
            example = d.example.trim_matches('\n'),
        )
    }
}

/// All rules of a run, in code order.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
}

impl RuleSet {
    pub fn get(&self, code_or_name: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || &*r.name == code_or_name)
    }
}
