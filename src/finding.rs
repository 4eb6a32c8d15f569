//! Findings: the values checks produce. A finding knows its file, byte span,
//! code and severity; only the report stage turns it into text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One rule violation at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Arc<str>,
    pub severity: Severity,
    /// Index of the file in the run's file table.
    pub file: usize,
    pub span: Range<usize>,
    pub message: String,
    /// Finding-specific help; the rule's help is used when absent.
    pub help: Option<String>,
    pub principle: Option<Arc<str>>,
}

/// Collects findings for one file; checks never print.
pub struct Sink<'a> {
    pub file: usize,
    pub rule: &'a crate::rules::Rule,
    pub out: &'a mut Vec<Finding>,
}

impl Sink<'_> {
    /// Report in another file of the run's file table (repository-wide checks).
    pub fn report_in(&mut self, file: usize, span: Range<usize>, message: impl Into<String>) -> &mut Finding {
        self.file = file;
        self.report(span, message)
    }

    /// Report at `span` with the rule's severity and a message.
    pub fn report(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Finding {
        let sev = self.rule.severity;
        self.report_with(span, sev, message)
    }

    pub fn report_with(
        &mut self,
        span: Range<usize>,
        severity: Severity,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.out.push(Finding {
            code: self.rule.code.clone(),
            severity,
            file: self.file,
            span,
            message: message.into(),
            help: None,
            principle: self.rule.principle.clone(),
        });
        self.out.last_mut().expect("just pushed")
    }
}
