//! Load rule packs: the shipped `rules/*.toml` embedded in the binary. Turns
//! TOML into `Rule` values with positioned errors; evaluates nothing.

use crate::finding::Severity;
use crate::rules::{Rule, RuleDoc, RuleKind, RuleSet};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use std::sync::Arc;
use thiserror::Error;

/// Packs shipped inside the binary, by `builtin:` name.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[("spec-kit", include_str!("../rules/spec-kit.toml"))];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackMeta,
    #[serde(default)]
    rule: Vec<toml::Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackMeta {
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    code: toml::Spanned<String>,
    name: String,
    #[serde(default)]
    principle: Option<String>,
    severity: toml::Spanned<String>,
    kind: toml::Spanned<String>,
    message: String,
    help: String,
    doc: RuleDoc,
}

/// A rule file that cannot be used, pointing at the place in the file.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(constable::rule_file))]
pub struct RuleFileError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl RuleFileError {
    fn new(
        name: &str,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        message: String,
        label: &str,
    ) -> Box<Self> {
        Box::new(RuleFileError {
            message,
            src: NamedSource::new(name, text.to_string()),
            span: span.map(|s| crate::source::clamp_span(text, s).into()),
            label: label.to_string(),
            help: None,
        })
    }
}

/// Parse one pack's text into rules.
pub fn parse_pack(source_name: &str, text: &str) -> Result<Vec<Rule>, Box<RuleFileError>> {
    let file: PackFile = toml::from_str(text)
        .map_err(|e| RuleFileError::new(source_name, text, e.span(), e.message().to_string(), "here"))?;
    let source: Arc<str> = Arc::from(format!("builtin:{}", file.pack.name).as_str());
    let _ = file.pack.description;
    let mut rules = Vec::new();
    for spanned in file.rule {
        let raw = spanned.into_inner();
        let severity = Severity::parse(raw.severity.get_ref()).ok_or_else(|| {
            RuleFileError::new(
                source_name,
                text,
                Some(raw.severity.span()),
                format!("unknown severity `{}`", raw.severity.get_ref()),
                "expected error, warning or info",
            )
        })?;
        let kind = match raw.kind.get_ref().as_str() {
            "builtin" => RuleKind::Builtin,
            other => {
                return Err(RuleFileError::new(
                    source_name,
                    text,
                    Some(raw.kind.span()),
                    format!("unknown rule kind `{other}`"),
                    "not a rule kind",
                ))
            }
        };
        rules.push(Rule {
            code: Arc::from(raw.code.get_ref().as_str()),
            name: Arc::from(raw.name.as_str()),
            principle: raw.principle.map(|p| Arc::from(p.as_str())),
            severity,
            message: raw.message,
            help: raw.help,
            doc: raw.doc,
            kind,
            source: source.clone(),
        });
    }
    Ok(rules)
}

/// The rules shipped in the binary.
pub fn builtin_rules() -> Result<RuleSet, Box<RuleFileError>> {
    let mut rules = Vec::new();
    for (name, text) in BUILTIN_PACKS {
        rules.extend(parse_pack(&format!("rules/{name}.toml"), text)?);
    }
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(RuleSet { rules })
}
