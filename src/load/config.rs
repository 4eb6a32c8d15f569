//! `constable.toml`: which packs to load, which rules to run, severities and
//! per-file ignores. Parsing only; `load::load` applies it.

use super::error::{FileText, LoadResult};
use super::pack::{ConstitutionMeta, GateWords, RawPrinciple, RuleFile, RuleSchema};
use crate::finding::Severity;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The configuration file, `constable.toml` or `.constable.toml` at the
/// repository root.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Rule packs: `builtin:NAME` or a path relative to this file.
    /// Default: every built-in pack (`constable rules` lists them; the
    /// README's Configuration section names them).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub extends: Option<Vec<Spanned<String>>>,
    /// Run only these rules: codes, code prefixes (`TPL`), names or principle ids.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub select: Option<Vec<Spanned<String>>>,
    /// Never run these rules (same selectors as `select`).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub ignore: Vec<Spanned<String>>,
    /// Severity overrides by selector.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Severity>")]
    pub severity: BTreeMap<Spanned<String>, Severity>,
    /// Glob (relative to the repository root) to selectors ignored in matching files.
    #[serde(default, rename = "per-file-ignores")]
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Status words that pass or fail a gate.
    #[serde(default)]
    pub gate: Option<GateWords>,
    /// Globs (relative to the root) of files never checked; files named on
    /// the command line are checked anyway unless `--force-exclude`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Infrastructure-as-code settings.
    #[serde(default)]
    pub iac: Option<IacConfig>,
    /// The team's constitution, when this file defines one.
    #[serde(default)]
    pub constitution: Option<ConstitutionMeta>,
    /// Principles defined here, as in a rule file.
    #[serde(default)]
    pub principle: Vec<RawPrinciple>,
    /// How constitution.md principles map to principle ids, overriding the
    /// mapping by meaning: key a principle's numeral (`"II"`) or title,
    /// value a principle id (`"gitops"`) or `"none"`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub principles: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Rules defined here, as in a rule file.
    #[serde(default)]
    #[schemars(with = "Vec<RuleSchema>")]
    pub rule: Vec<serde::de::IgnoredAny>,
    /// The template family of every plan, instead of detecting it.
    #[serde(default)]
    pub family: Option<crate::rules::Family>,
    /// Caps on what constable reads.
    #[serde(default)]
    pub limits: Option<LimitsConfig>,
}

#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// The largest plan, feature artifact, constitution.md or IaC file read,
    /// in bytes (default 4194304, 4 MiB). A larger plan, artifact or IaC
    /// file is skipped and reported (TREE007); a larger constitution.md is
    /// an input error. Configuration, rule and ignore files are capped at
    /// 1 MiB, baselines at 8 MiB, whatever this says.
    #[serde(default, rename = "max-file-size")]
    pub max_file_size: Option<u64>,
}

impl Config {
    /// The rule-file part of the configuration.
    pub fn take_rules(&mut self) -> RuleFile {
        RuleFile {
            pack: None,
            constitution: self.constitution.take(),
            gate: None,
            principle: std::mem::take(&mut self.principle),
            rule: Vec::new(),
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IacConfig {
    /// Extra IaC roots, relative to the repository root.
    #[serde(default)]
    pub roots: Vec<String>,
    /// Folders of scripts and CI workflows, read whenever any IaC root is
    /// (imperative deploys hide there). Default: `[".github/workflows", "scripts"]`.
    #[serde(default)]
    pub scripts: Option<Vec<String>>,
    /// Globs (relative to the root) of test files and local-cluster configs,
    /// never checked as shipped IaC (the summary counts them). Default:
    /// files under folders named `test`, `tests`, `e2e`, `testdata` or
    /// `fixtures`, `kind-config.yaml`, `kind.yaml` and `minikube*.yaml`;
    /// kind and KWOK `Cluster` documents are skipped too. An empty list
    /// checks them all.
    #[serde(default, rename = "exclude-tests")]
    pub exclude_tests: Option<Vec<String>>,
}

/// The configuration, and its `[[rule]]` entries set aside for the pack loader.
pub fn parse_config(file: FileText<'_>) -> LoadResult<(Config, Vec<toml::Spanned<toml::de::DeValue<'_>>>)> {
    let parsed = super::pack::split_rules(file)?;
    let config: Config = super::pack::from_table(file, parsed.rest)?;
    Ok((config, parsed.rules))
}
