//! Findings: the values checks produce. A finding knows its file, byte span,
//! code and severity; only the report stage turns it into text. Foundation
//! code: it imports no stage.

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

/// Index of a file in the run's file table, assigned once when the file is
/// discovered and never rewritten.
pub type FileId = usize;

/// One rule violation at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Arc<str>,
    pub severity: Severity,
    /// The file, by the id it was given when it was discovered.
    pub file: FileId,
    pub span: Range<usize>,
    pub message: String,
    /// Finding-specific help; the rule's help is used when absent.
    pub help: Option<String>,
    pub principle: Option<Arc<str>>,
    /// An edit that resolves the finding, when the check knows one.
    pub fix: Option<crate::fix::Fix>,
}
