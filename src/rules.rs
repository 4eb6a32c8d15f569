//! Rules and principles as values: what the load stage builds from TOML and
//! the evaluate stage runs. No parsing of files and no output here.

use crate::finding::Severity;
pub use crate::lazy_regex::LazyRegex;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The four sections every rule doc has.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    /// What the rule finds.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// One example, usually a bad line and a good line: the text people read.
    pub example: String,
    /// The same example as files a test can run (`tests/rule_examples.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<RuleExample>,
}

/// `[rule.doc.test]`: a rule's example as a small repository. `bad` written
/// at `file` (plus `context`) must make the rule report exactly at the marked
/// lines; `good` in its place must make it report nothing.
///
/// A reported line ends with a marker, `<- reported`, optionally inside a
/// comment of the file's language (`# <- reported`, `<!-- <- reported -->`);
/// the marker and the whitespace before it are removed before the file is
/// written. `line` names the line instead when a marker cannot be written
/// (then `bad` is written as is).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleExample {
    /// Repository path of the example file (`specs/001-demo/plan.md`,
    /// `deploy/app.yaml`, `infra/main.tf`, `.specify/memory/constitution.md`).
    pub file: String,
    /// A minimal, complete file in which the rule reports.
    pub bad: String,
    /// The fixed file: the rule reports nothing in it.
    pub good: String,
    /// The 1-based line of the finding in `bad`, when it has no marker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The path the findings are reported in, when it is not `file` (a
    /// symlink's own path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_in: Option<String>,
    /// Other files the example needs, by repository path (a constitution.md,
    /// a plan, `dir/.keep` for a folder that must exist).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub context: std::collections::BTreeMap<String, String>,
    /// Files written only next to the good file, when the fix adds a file
    /// (a runbook, a ResourceQuota) rather than editing this one.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub good_context: std::collections::BTreeMap<String, String>,
    /// Symbolic links created only next to the bad file, path -> target
    /// (unix only).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub bad_symlinks: std::collections::BTreeMap<String, String>,
    /// Other rules (selectors) run with this one in both files, when the
    /// rule needs them (a suppression reports only for rules that run).
    /// They must report nothing in the bad file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<String>,
}

impl RuleDoc {
    /// The runnable example as Markdown for `explain` (empty without one):
    /// the bad file with its reported lines marked, the fixed file, and the
    /// other files the example needs.
    pub fn test_markdown(&self) -> String {
        let Some(t) = &self.test else {
            return String::new();
        };
        let lang = match t.file.rsplit('.').next() {
            Some("md") => "markdown",
            Some("yaml" | "yml") => "yaml",
            Some("tf") => "hcl",
            Some("sh") => "sh",
            _ => "text",
        };
        let block = |text: &str| {
            let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            format!("{fence}{lang}\n{}\n{fence}\n", text.trim_matches('\n'))
        };
        let marked = match t.line {
            Some(n) => format!("line {n}"),
            None => format!("the lines marked `{REPORTED_MARKER}`"),
        };
        let place = match &t.reported_in {
            Some(r) => format!(
                "With `{}` as below, the rule reports in `{r}` at {marked}",
                t.file
            ),
            None => format!("In `{}` the rule reports at {marked}", t.file),
        };
        let mut out = format!(
            "\n## Tested example\n\n{place}:\n\n{bad}\nFixed, it reports nothing:\n\n{good}",
            bad = block(&t.bad),
            good = block(&t.good),
        );
        let needs: Vec<String> = t
            .context
            .keys()
            .map(|k| format!("`{k}`"))
            .chain(
                t.bad_symlinks
                    .iter()
                    .map(|(k, v)| format!("a symlink `{k}` -> `{v}`")),
            )
            .collect();
        if !needs.is_empty() {
            out.push_str(&format!(
                "\nThe example repository also holds {}.\n",
                needs.join(", ")
            ));
        }
        if !t.good_context.is_empty() {
            let added: Vec<String> = t.good_context.keys().map(|k| format!("`{k}`")).collect();
            out.push_str(&format!("\nThe fix adds {}.\n", added.join(", ")));
        }
        out
    }
}

/// The marker that ends a reported line in a [`RuleExample`].
pub const REPORTED_MARKER: &str = "<- reported";

impl RuleExample {
    /// `text` without its markers, and the 1-based lines that carried one.
    pub fn strip_markers(text: &str) -> (String, Vec<usize>) {
        let mut out = String::with_capacity(text.len());
        let mut lines = Vec::new();
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let (body, eol) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            match body.find(REPORTED_MARKER) {
                Some(at) => {
                    lines.push(i + 1);
                    let mut head = body[..at].trim_end();
                    let tail = body[at + REPORTED_MARKER.len()..].trim();
                    if tail == "-->" {
                        head = head.strip_suffix("<!--").unwrap_or(head).trim_end();
                    } else if let Some(h) = head.strip_suffix('#') {
                        head = h.trim_end();
                    }
                    out.push_str(head);
                }
                None => out.push_str(body),
            }
            out.push_str(eol);
        }
        (out, lines)
    }

    /// The bad file as written, and the lines the rule must report.
    pub fn bad_file(&self) -> (String, Vec<usize>) {
        match self.line {
            Some(n) => (self.bad.clone(), vec![n]),
            None => Self::strip_markers(&self.bad),
        }
    }

    /// The good file as written (markers removed, though it should have none).
    pub fn good_file(&self) -> String {
        Self::strip_markers(&self.good).0
    }
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocClass {
    Kubernetes,
    ArgoCd,
    Kustomization,
    HelmChart,
    HelmValues,
    AnsiblePlaybook,
    AnsibleTasks,
    AnsibleHandlers,
    AnsibleVars,
    Terraform,
    CiWorkflow,
    Script,
    Yaml,
}

impl DocClass {
    pub const ALL: &'static [DocClass] = &[
        DocClass::Kubernetes,
        DocClass::ArgoCd,
        DocClass::Kustomization,
        DocClass::HelmChart,
        DocClass::HelmValues,
        DocClass::AnsiblePlaybook,
        DocClass::AnsibleTasks,
        DocClass::AnsibleHandlers,
        DocClass::AnsibleVars,
        DocClass::Terraform,
        DocClass::CiWorkflow,
        DocClass::Script,
        DocClass::Yaml,
    ];

    /// The name rule files use in `select.class`.
    pub fn name(self) -> &'static str {
        match self {
            DocClass::Kubernetes => "kubernetes",
            DocClass::ArgoCd => "argocd",
            DocClass::Kustomization => "kustomization",
            DocClass::HelmChart => "helm-chart",
            DocClass::HelmValues => "helm-values",
            DocClass::AnsiblePlaybook => "ansible-playbook",
            DocClass::AnsibleTasks => "ansible-tasks",
            DocClass::AnsibleHandlers => "ansible-handlers",
            DocClass::AnsibleVars => "ansible-vars",
            DocClass::Terraform => "terraform",
            DocClass::CiWorkflow => "ci-workflow",
            DocClass::Script => "script",
            DocClass::Yaml => "yaml",
        }
    }

    pub fn parse(s: &str) -> Option<DocClass> {
        DocClass::ALL.iter().copied().find(|c| c.name() == s)
    }

    /// Kubernetes-shaped (has `apiVersion` and `kind`).
    pub fn is_object(self) -> bool {
        matches!(
            self,
            DocClass::Kubernetes | DocClass::ArgoCd | DocClass::Kustomization
        )
    }
}

/// A template family. In `constable.toml`, `family = "spec-kit"` (or
/// `spec-kit-legacy`, `specops`, `iac-spec-kit`) overrides detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub enum Family {
    /// spec-kit 1.0 and later (`/speckit.*` commands, `__SPECKIT_COMMAND_*__`
    /// tokens, which are not placeholders).
    #[serde(rename = "spec-kit")]
    SpecKit,
    /// spec-kit before 2025-10: `## Execution Flow (...)`, `## Progress
    /// Tracking`, `## Review & Acceptance Checklist`.
    #[serde(rename = "spec-kit-legacy")]
    SpecKitLegacy,
    /// SpecOps, the infrastructure fork: `.specops/` paths, `## Technology
    /// Stack`, `## Deployment Components`, `## File Structure`,
    /// `## Infrastructure Code`.
    #[serde(rename = "specops")]
    SpecOps,
    /// IBM iac-spec-kit: `## Principles Check`,
    /// `.specify/memory/principles.md`, `## Cloud Architecture Principles`,
    /// `## IaC Code Principles`.
    #[serde(rename = "iac-spec-kit")]
    IbmIacSpecKit,
    /// None of the above (never accepted in configuration).
    #[serde(rename = "unknown", skip_deserializing)]
    Unknown,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::SpecKit => "spec-kit",
            Family::SpecKitLegacy => "spec-kit-legacy",
            Family::SpecOps => "specops",
            Family::IbmIacSpecKit => "iac-spec-kit",
            Family::Unknown => "unknown",
        }
    }
}

/// A compiled pattern of a `forbid` or `require` rule.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub regex: LazyRegex,
    pub severity: Option<Severity>,
    pub message: Option<String>,
}

/// One segment of a section path: a glob over a heading title, or `**`.
#[derive(Debug, Clone)]
pub enum Segment {
    AnyDepth,
    Title(LazyRegex),
}

/// A section path such as `Constitution Check` or `Project Structure/*`.
/// Without a leading `/` it matches at any depth, like a gitignore pattern.
#[derive(Debug, Clone)]
pub struct SectionGlob {
    pub text: String,
    pub anchored: bool,
    pub segments: Vec<Segment>,
}

impl SectionGlob {
    /// The regexes of its title segments.
    pub fn regexes(&self) -> impl Iterator<Item = &LazyRegex> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Title(re) => Some(re),
            Segment::AnyDepth => None,
        })
    }

    /// True when the chain of titles (outermost first) matches.
    pub fn matches(&self, titles: &[&str]) -> bool {
        if self.anchored {
            match_from(&self.segments, titles)
        } else {
            (0..titles.len()).any(|i| match_from(&self.segments, &titles[i..]))
        }
    }
}

fn match_from(segs: &[Segment], titles: &[&str]) -> bool {
    match segs.split_first() {
        None => titles.is_empty(),
        Some((Segment::AnyDepth, rest)) => (0..=titles.len()).any(|i| match_from(rest, &titles[i..])),
        Some((Segment::Title(re), rest)) => match titles.split_first() {
            Some((t, more)) => title_glob_matches(re, t) && match_from(rest, more),
            None => false,
        },
    }
}

/// A glob matches the normalised title, or the title without a trailing
/// parenthesised note ("Constitution Check (Post-Design)").
fn title_glob_matches(re: &Regex, title: &str) -> bool {
    let t = crate::text::normalise_title(title);
    if re.is_match(&t) {
        return true;
    }
    match t.rfind(" (") {
        Some(i) if t.ends_with(')') => re.is_match(t[..i].trim()),
        _ => false,
    }
}

/// Where a `forbid` or `require` rule looks.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Empty means the whole document.
    pub sections: Vec<SectionGlob>,
    pub prose: bool,
    pub tables: bool,
    pub code: bool,
    pub comments: bool,
}

/// Which IaC documents a rule looks at.
#[derive(Debug, Clone, Default)]
pub struct Select {
    /// Document classes (`kubernetes`, `argocd`, `terraform`, ...); empty: any.
    pub classes: Vec<DocClass>,
    /// `kind`s; empty: any.
    pub kinds: Vec<String>,
    /// `apiVersion` prefixes; empty: any.
    pub api_versions: Vec<String>,
    /// Path globs relative to the root; None: any.
    pub paths: Option<globset::GlobSet>,
    /// Skip documents where this JSONPath matches (`$.sops`).
    pub unless: Option<serde_json_path::JsonPath>,
    /// Read the rendered objects of leaf kustomizations instead of the
    /// manifests a kustomization renders.
    pub rendered: bool,
    /// False: skip controllers' generated install manifests (PRV009).
    pub vendored: bool,
}

/// A JSONPath query over selected documents.
#[derive(Debug, Clone)]
pub struct Query {
    pub select: Select,
    pub path: serde_json_path::JsonPath,
    /// The query as written, for messages.
    pub text: String,
    pub message: Option<String>,
}

/// One place a `companion-file` rule looks: a path template (`{name}` is the
/// folder's name, `{app}` its path) and, for documents that are not
/// dedicated to the purpose (a README), a heading they must have.
#[derive(Debug, Clone)]
pub struct Companion {
    pub path: String,
    pub heading: Option<LazyRegex>,
}

/// Index of a procedural check in the registry (`checks::REGISTRY`),
/// resolved from the rule's code when the rule is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CheckId(pub u16);

/// How a rule is evaluated: one variant per `kind` of the rule files.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// `builtin`: a procedural check in `src/checks/`, resolved at load.
    Builtin(CheckId),
    /// `forbid`: report every match of any pattern inside a Markdown scope.
    Forbid { patterns: Vec<Pattern>, scope: Scope },
    /// `require`: report once when no pattern matches inside the scope.
    Require { patterns: Vec<Pattern>, scope: Scope },
    /// `require-section`: each group names one section by its alternative titles.
    RequireSection { sections: Vec<Vec<String>> },
    /// `table-columns`: tables under the heading must have exactly these columns.
    TableColumns {
        heading: SectionGlob,
        columns: Vec<String>,
    },
    /// `query-forbid`: report every node a JSONPath query matches in a selected IaC document.
    QueryForbid { queries: Vec<Query> },
    /// `query-require`: report a selected IaC document where no query matches (at `at`, or the document).
    QueryRequire {
        queries: Vec<Query>,
        at: Option<serde_json_path::JsonPath>,
    },
    /// `line-forbid`: report lines of selected files (scripts, workflows) matching a pattern.
    LineForbid {
        select: Select,
        patterns: Vec<Pattern>,
        except: Option<LazyRegex>,
    },
    /// `path-exists`: the string values a query matches name repository paths that must exist.
    PathExists {
        queries: Vec<Query>,
        /// Sibling key naming the repository the path belongs to (`repoURL`).
        repo_key: Option<String>,
    },
    /// `companion-file`: for each application folder matching `glob`, one
    /// of the `companions` must exist (and have a matching heading, where it
    /// asks for one).
    CompanionFile {
        glob: globset::GlobMatcher,
        companions: Vec<Companion>,
    },
}

impl RuleKind {
    /// Every regex the rule holds: patterns, `except`, section paths and
    /// companion headings.
    pub fn regexes(&self) -> Vec<&LazyRegex> {
        match self {
            RuleKind::Forbid { patterns, scope: s } | RuleKind::Require { patterns, scope: s } => {
                let mut v: Vec<&LazyRegex> = patterns.iter().map(|p| &p.regex).collect();
                v.extend(s.sections.iter().flat_map(SectionGlob::regexes));
                v
            }
            RuleKind::TableColumns { heading, .. } => heading.regexes().collect(),
            RuleKind::LineForbid { patterns, except, .. } => {
                patterns.iter().map(|p| &p.regex).chain(except.iter()).collect()
            }
            RuleKind::CompanionFile { companions, .. } => {
                companions.iter().filter_map(|c| c.heading.as_ref()).collect()
            }
            RuleKind::Builtin(_)
            | RuleKind::RequireSection { .. }
            | RuleKind::QueryForbid { .. }
            | RuleKind::QueryRequire { .. }
            | RuleKind::PathExists { .. } => Vec::new(),
        }
    }

    /// The `kind` as rule files spell it.
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Builtin(_) => "builtin",
            RuleKind::Forbid { .. } => "forbid",
            RuleKind::Require { .. } => "require",
            RuleKind::RequireSection { .. } => "require-section",
            RuleKind::TableColumns { .. } => "table-columns",
            RuleKind::QueryForbid { .. } => "query-forbid",
            RuleKind::QueryRequire { .. } => "query-require",
            RuleKind::LineForbid { .. } => "line-forbid",
            RuleKind::PathExists { .. } => "path-exists",
            RuleKind::CompanionFile { .. } => "companion-file",
        }
    }

    /// True for declarative kinds that look at IaC files rather than Markdown.
    pub fn is_iac(&self) -> bool {
        matches!(
            self,
            RuleKind::QueryForbid { .. }
                | RuleKind::QueryRequire { .. }
                | RuleKind::LineForbid { .. }
                | RuleKind::PathExists { .. }
                | RuleKind::CompanionFile { .. }
        )
    }
}

/// How far a superseding finding reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Within {
    /// A finding of the other rule on the same line.
    Line,
    /// A finding of the other rule anywhere in the same file.
    File,
}

/// "When rule `code` reports in the same place, this rule's finding is the
/// same defect and is dropped" (applied by the filter stage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supersession {
    pub code: Arc<str>,
    pub within: Within,
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
    /// Rules whose findings make this rule's findings redundant.
    pub superseded_by: Vec<Supersession>,
}

impl Rule {
    /// The doc as Markdown, for `explain`, SARIF and the README.
    pub fn doc_markdown(&self) -> String {
        let d = &self.doc;
        let principle = self
            .principle
            .as_ref()
            .map(|p| format!(" · principle `{p}`"))
            .unwrap_or_default();
        let superseded = if self.superseded_by.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = self
                .superseded_by
                .iter()
                .map(|s| match s.within {
                    Within::Line => format!("`{}` on the same line", s.code),
                    Within::File => format!("`{}` anywhere in the same file", s.code),
                })
                .collect();
            format!(
                "Superseded: a finding is dropped when {} reports the same defect.\n\n",
                list.join(" or ")
            )
        };
        format!(
            "# {code} `{name}`\n\nSeverity: {sev}{principle} · kind `{kind}` · from `{source}`\n\n{superseded}\
             ## What it finds\n\n{what}\n\n## Why it matters\n\n{why}\n\n## How to fix\n\n{fix}\n\n\
             ## Example\n\n```text\n{example}\n```\n{tested}",
            code = self.code,
            name = self.name,
            sev = self.severity,
            kind = self.kind.name(),
            source = self.source,
            what = d.what.trim(),
            why = d.why.trim(),
            fix = d.fix.trim(),
            example = d.example.trim_matches('\n'),
            tested = d.test_markdown(),
        )
    }

    /// The message with its placeholders (`{match}`, `{folder}`) neutralised,
    /// for places that describe the rule rather than one finding (SARIF).
    pub fn summary(&self) -> String {
        let mut s = self.message.clone();
        for p in MESSAGE_PLACEHOLDERS {
            s = s.replace(&format!("`{p}`"), "…").replace(p, "…");
        }
        s
    }
}

/// Every placeholder a rule message may hold; which kinds fill which is
/// checked when rules are loaded.
pub const MESSAGE_PLACEHOLDERS: &[&str] = &["{match}", "{folder}"];

/// A principle defined in TOML.
#[derive(Debug, Clone)]
pub struct PrincipleDef {
    pub id: Arc<str>,
    pub title: String,
    /// Names and short forms plans and constitution.md use for it.
    pub aliases: Vec<String>,
    /// Words and phrases that identify the principle in a constitution.md
    /// heading or body (`Argo CD`, `reconcile`), for mapping by meaning.
    pub terms: Vec<String>,
    /// The gate question a plan must answer.
    pub gate: String,
    /// A passing gate's text must match one of these.
    pub evidence: Vec<LazyRegex>,
    pub severity: Severity,
    pub doc: Option<RuleDoc>,
    pub source: Arc<str>,
}

impl PrincipleDef {
    /// Every name the principle goes by: title first, then aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Words that decide whether a gate passes. Matched case-insensitively as
/// whole tokens (emoji as they are).
#[derive(Debug, Clone)]
pub struct GateVocabulary {
    pub pass: Vec<String>,
    pub fail: Vec<String>,
}

impl Default for GateVocabulary {
    fn default() -> Self {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        GateVocabulary {
            pass: v(&["✅", "✔️", "✔", "☑️", "PASS", "PASSED", "Compliant", "N/A"]),
            fail: v(&[
                "❌",
                "⚠️",
                "⚠",
                "✗",
                "FAIL",
                "FAILED",
                "VIOLATION",
                "PARTIAL",
                "EXCEPTION",
                "DEFERRED",
                "DEVIATION",
                "JUSTIFIED DEVIATION",
                "JUSTIFIED EXCEPTION",
                "JUSTIFIED VIOLATION",
                "EXCEPTION LOGGED",
                "NOT MET",
                "NON-COMPLIANT",
                "WAIVED",
                "BLOCKED",
            ]),
        }
    }
}

/// The TOML side of a constitution: its name, version and principles.
#[derive(Debug, Clone, Default)]
pub struct TomlConstitution {
    pub name: Option<String>,
    pub version: Option<String>,
    pub principles: Vec<PrincipleDef>,
    /// `[principles]` of constable.toml: constitution.md principles (by
    /// numeral or title) mapped explicitly to a principle id, or to none.
    pub mapping: Vec<PrincipleMapping>,
}

/// One entry of `[principles]`: a constitution.md principle, by numeral
/// (`II`) or title, and the principle id it takes (`None` for `"none"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipleMapping {
    pub key: String,
    pub id: Option<Arc<str>>,
}

/// Everything loaded for one repository: rules, principles and vocabulary.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub constitution: TomlConstitution,
    pub vocabulary: GateVocabulary,
    pub status: StatusMatcher,
}

impl Default for StatusMatcher {
    fn default() -> Self {
        StatusMatcher::new(&GateVocabulary::default())
    }
}

impl RuleSet {
    pub fn get(&self, code_or_name: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || &*r.name == code_or_name)
    }

    pub fn principle(&self, id: &str) -> Option<&PrincipleDef> {
        self.constitution.principles.iter().find(|p| &*p.id == id)
    }
}

/// The vocabulary compiled once per repository.
///
/// It finds what the regex `(?i)(?:^|[^\p{L}\p{N}_])(WORDS)(?:$|[^\p{L}\p{N}_])`
/// finds (the words longest first; `loud` without `(?i)`), without
/// compiling it: that regex, with its two large Unicode classes, cost more
/// than a millisecond to build on every run, and a plan's gates are short.
/// The tests keep the regex as the reference.
#[derive(Debug, Clone)]
pub struct StatusMatcher {
    /// Any status word, case-insensitive, whole tokens: for status cells and
    /// status positions.
    any: Arc<[StatusWord]>,
    /// Upper-case words and symbols only: for free text, where "compliant"
    /// or "Fail Loud" are prose and names.
    loud: Arc<[StatusWord]>,
    pass: Vec<String>,
}

/// A status word as the regex reads it: each character, or with `(?i)` the
/// characters simple case folding makes equal to it (as `regex` does).
#[derive(Debug)]
struct StatusWord {
    chars: Vec<char>,
    folded: Vec<Vec<(char, char)>>,
}

impl StatusWord {
    fn new(word: &str) -> StatusWord {
        let chars: Vec<char> = word.chars().collect();
        let folded = chars.iter().map(|&c| case_equivalents(c)).collect();
        StatusWord { chars, folded }
    }

    /// Where the word ends when it starts at `at` in `text`.
    fn match_at(&self, text: &str, at: usize, fold: bool) -> Option<usize> {
        let mut rest = text[at..].char_indices();
        for (i, &want) in self.chars.iter().enumerate() {
            let (_, got) = rest.next()?;
            let same = got == want || (fold && in_ranges(&self.folded[i], got));
            if !same {
                return None;
            }
        }
        Some(rest.next().map_or(text.len(), |(j, _)| at + j))
    }
}

/// The characters simple case folding makes equal to `c`, `c` included,
/// as sorted ranges.
fn case_equivalents(c: char) -> Vec<(char, char)> {
    let mut class = regex_syntax::hir::ClassUnicode::new([regex_syntax::hir::ClassUnicodeRange::new(c, c)]);
    class.case_fold_simple();
    class.ranges().iter().map(|r| (r.start(), r.end())).collect()
}

fn in_ranges(ranges: &[(char, char)], c: char) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `[\p{L}\p{N}_]`, from the same Unicode tables `regex` uses.
static WORD_CHARS: std::sync::LazyLock<Vec<(char, char)>> = std::sync::LazyLock::new(|| {
    let hir = regex_syntax::Parser::new()
        .parse(r"[\p{L}\p{N}_]")
        .expect("a valid class");
    match hir.kind() {
        regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => {
            c.ranges().iter().map(|r| (r.start(), r.end())).collect()
        }
        _ => unreachable!("a bracketed class parses to a class"),
    }
});

/// True when `c` is in `[\p{L}\p{N}_]`, or with `fold` in that class closed
/// under simple case folding (what `(?i)` makes of it), so not a boundary.
fn word_char(c: char, fold: bool) -> bool {
    if c.is_ascii() {
        // No ASCII character outside letters, digits and `_` folds into the class.
        return c.is_ascii_alphanumeric() || c == '_';
    }
    if in_ranges(&WORD_CHARS, c) {
        return true;
    }
    fold && case_equivalents(c)
        .iter()
        .any(|&(lo, hi)| (lo..=hi).any(|d| in_ranges(&WORD_CHARS, d)))
}

/// What a status word says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
}

impl StatusMatcher {
    pub fn new(v: &GateVocabulary) -> StatusMatcher {
        let mut words: Vec<&String> = v.pass.iter().chain(v.fail.iter()).collect();
        // Longest first, so "JUSTIFIED DEVIATION" wins over "DEVIATION".
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let loud: Arc<[StatusWord]> = words
            .iter()
            .filter(|w| !w.chars().any(char::is_lowercase))
            .map(|w| StatusWord::new(w))
            .collect();
        StatusMatcher {
            any: words.iter().map(|w| StatusWord::new(w)).collect(),
            loud,
            pass: v.pass.iter().map(|p| p.to_lowercase()).collect(),
        }
    }

    fn verdict(&self, word: &str) -> Verdict {
        if self.pass.iter().any(|p| *p == word.to_lowercase()) {
            Verdict::Pass
        } else {
            Verdict::Fail
        }
    }

    /// The status word the regex would capture searching `text` from `at`
    /// (as `captures_at`): the leftmost match, and at one place the first
    /// word, in order, followed by the end or a boundary. `^` holds at 0
    /// only, and is tried before a boundary character at 0.
    fn find_at(&self, text: &str, at: usize, loud_only: bool) -> Option<std::ops::Range<usize>> {
        let (words, fold) = if loud_only {
            (&self.loud, false)
        } else {
            (&self.any, true)
        };
        let word_at = |w: usize| {
            words.iter().find_map(|word| {
                let end = word.match_at(text, w, fold)?;
                let bounded = text[end..].chars().next().is_none_or(|c| !word_char(c, fold));
                bounded.then_some(w..end)
            })
        };
        if at == 0 {
            if let Some(r) = word_at(0) {
                return Some(r);
            }
        }
        text[at..]
            .char_indices()
            .filter(|&(_, c)| !word_char(c, fold))
            .find_map(|(i, c)| word_at(at + i + c.len_utf8()))
    }

    /// The verdict of a status text: a failing word anywhere wins; otherwise
    /// the first passing word. Returns the word's byte range in `text`.
    pub fn judge(&self, text: &str, loud_only: bool) -> Option<(Verdict, std::ops::Range<usize>)> {
        let mut first: Option<(Verdict, std::ops::Range<usize>)> = None;
        let mut at = 0;
        while let Some(m) = self.find_at(text, at, loud_only) {
            let v = self.verdict(&text[m.clone()]);
            if v == Verdict::Fail {
                return Some((v, m));
            }
            if first.is_none() {
                first = Some((v, m.clone()));
            }
            at = m.end;
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let m = StatusMatcher::new(&GateVocabulary::default());
        assert_eq!(m.judge("✅ PASS", false).map(|v| v.0), Some(Verdict::Pass));
        assert_eq!(
            m.judge("JUSTIFIED EXCEPTION (same as 009)", false).map(|v| v.0),
            Some(Verdict::Fail)
        );
        assert_eq!(m.judge("PASS*", false).map(|v| v.0), Some(Verdict::Pass));
        assert_eq!(m.judge("⚠️ PARTIAL", false).map(|v| v.0), Some(Verdict::Fail));
        assert_eq!(m.judge("Fail Loud is honoured", true), None);
        assert_eq!(m.judge("all changes are compliant", true), None);
        assert_eq!(m.judge("Pass (N/A)", false).map(|v| v.0), Some(Verdict::Pass));
        assert_eq!(m.judge("passport", false), None);
    }

    /// The regex `StatusMatcher` stands for, and its search loop: the reference.
    fn reference(v: &GateVocabulary) -> impl Fn(&str, bool) -> Option<(Verdict, std::ops::Range<usize>)> {
        let mut words: Vec<&String> = v.pass.iter().chain(v.fail.iter()).collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let alt = |ws: &[&String]| ws.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|");
        let bounded = |body: String| format!(r"(?:^|[^\p{{L}}\p{{N}}_])({body})(?:$|[^\p{{L}}\p{{N}}_])");
        let loud_words: Vec<&String> = words
            .iter()
            .copied()
            .filter(|w| !w.chars().any(char::is_lowercase))
            .collect();
        let any = Regex::new(&format!("(?i){}", bounded(alt(&words)))).unwrap();
        let loud = Regex::new(&bounded(alt(&loud_words))).unwrap();
        let pass: Vec<String> = v.pass.iter().map(|p| p.to_lowercase()).collect();
        move |text: &str, loud_only: bool| {
            let re = if loud_only { &loud } else { &any };
            let mut first = None;
            let mut at = 0;
            while let Some(c) = re.captures_at(text, at) {
                let m = c.get(1).unwrap();
                let v = if pass.iter().any(|p| *p == m.as_str().to_lowercase()) {
                    Verdict::Pass
                } else {
                    Verdict::Fail
                };
                if v == Verdict::Fail {
                    return Some((v, m.range()));
                }
                if first.is_none() {
                    first = Some((v, m.range()));
                }
                at = m.end();
            }
            first
        }
    }

    const FRAGMENTS: &[&str] = &[
        "PASS",
        "pass",
        "Pass",
        "PASSED",
        "passes",
        "FAIL",
        "fail",
        "Fail",
        "FAILED",
        "N/A",
        "n/a",
        "✅",
        "❌",
        "⚠️",
        "⚠",
        "✔️",
        "✔",
        "\u{fe0f}",
        "JUSTIFIED",
        "justified",
        "DEVIATION",
        "EXCEPTION",
        "LOGGED",
        "Compliant",
        "COMPLIANT",
        "NON-COMPLIANT",
        "non-compliant",
        "NOT MET",
        "not met",
        " ",
        "  ",
        "\n",
        "_",
        "x",
        "é",
        "1",
        "٣",
        "ſ",
        "\u{212a}",
        "\u{345}",
        "ι",
        "(",
        ")",
        "*",
        "-",
        "/",
        ":",
        "|",
        "ǅ",
        "ǆ",
        "Ǆ",
        "STRASSE",
        "straße",
        "ẞ",
        "ok",
        "OK",
        "nein",
        "k-fail",
        "K-FAIL",
        "Ⓐ",
        "Ⅰ",
        "²",
        "🙂",
    ];

    fn vocabularies() -> Vec<GateVocabulary> {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        vec![
            GateVocabulary::default(),
            GateVocabulary {
                pass: v(&["ok", "Straße", "ǅ", "ιota", "✅"]),
                fail: v(&["K-FAIL", "nein", "ſo", "NOT ok", "Ⓐ"]),
            },
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(600))]
        /// The hand-written search finds what the regex finds, word and place.
        #[test]
        fn status_search_is_the_regex(parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..14)) {
            let text = parts.concat();
            for v in vocabularies() {
                let m = StatusMatcher::new(&v);
                let r = reference(&v);
                for loud in [false, true] {
                    proptest::prop_assert_eq!(m.judge(&text, loud), r(&text, loud), "{:?} loud={}", text, loud);
                }
            }
        }
    }

    #[test]
    fn status_search_edges() {
        for v in vocabularies() {
            let m = StatusMatcher::new(&v);
            let r = reference(&v);
            for text in [
                "",
                "PASS",
                "xPASS PASS",
                "PASSES, PASSED",
                "\u{212a}-fail",
                "ſo",
                "SO",
                "\u{345}PASS",
                "ιPASS",
                "ΙOTA ιota",
                "straße STRASSE strasse",
                "ǆ ǅ Ǆ",
                "FAIL_",
                "_FAIL",
                "(FAIL)",
                "✅✅",
                "n/a/n/a",
                "justified  deviation",
            ] {
                for loud in [false, true] {
                    assert_eq!(m.judge(text, loud), r(text, loud), "{text:?} loud={loud}");
                }
            }
        }
    }

    #[test]
    fn section_globs() {
        let file = crate::load::error::FileText { name: "t", text: "" };
        let g = |s: &str| {
            crate::load::pack::section_glob(file, &toml::Spanned::new(0..0, s.to_string())).unwrap()
        };
        assert!(
            g("Constitution Check").matches(&["Implementation Plan: X", "Constitution Check (Post-Design)"])
        );
        assert!(g("Constitution Check/*").matches(&["Plan", "Constitution Check", "Post-Design Re-check"]));
        assert!(!g("/Constitution Check").matches(&["Plan", "Constitution Check"]));
        assert!(g("Project *").matches(&["Plan", "Project Structure"]));
        assert!(g("**/Source Code").matches(&["Plan", "Project Structure", "Source Code (repository root)"]));
    }
}
