//! Rule files: `[constitution]`, `[[principle]]` and `[[rule]]` tables turned
//! into compiled rules and principles, with positioned errors. A rule's
//! `kind` selects one parameter table, and keys that kind does not take are
//! refused.

use super::error::{closest, FileText, LoadResult};
use crate::finding::Severity;
use crate::rules::{
    CheckId, Companion, DocClass, GateVocabulary, LazyRegex, Pattern, PrincipleDef, Query, Rule, RuleDoc,
    RuleKind, Scope, SectionGlob, Segment, Supersession, Within, MESSAGE_PLACEHOLDERS,
};
use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;
use std::ops::Range;
use std::sync::Arc;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A rule file (`rules/*.toml`, or a team's own file named in `extends`).
/// This type is the schema; the loader reads `[[rule]]` entries kind by kind.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Name and description of the pack.
    #[serde(default)]
    pub pack: Option<PackMeta>,
    /// The constitution this file defines, when it defines one.
    #[serde(default)]
    pub constitution: Option<ConstitutionMeta>,
    /// Status words that pass or fail a gate; replaces the defaults.
    #[serde(default)]
    pub gate: Option<GateWords>,
    #[serde(default)]
    pub principle: Vec<RawPrinciple>,
    #[serde(default)]
    #[schemars(with = "Vec<RuleSchema>")]
    pub rule: Vec<serde::de::IgnoredAny>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConstitutionMeta {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateWords {
    /// Statuses that pass a gate (`✅`, `PASS`, `Compliant`, `N/A`).
    #[serde(default)]
    pub pass: Option<Vec<String>>,
    /// Statuses that do not (`FAIL`, `⚠️`, `PARTIAL`, `DEVIATION`, ...).
    #[serde(default)]
    pub fail: Option<Vec<String>>,
}

impl GateWords {
    pub fn apply(&self, v: &mut GateVocabulary) {
        if let Some(p) = &self.pass {
            v.pass = p.clone();
        }
        if let Some(f) = &self.fail {
            v.fail = f.clone();
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrinciple {
    /// Stable id (`gitops`); fills the JSON `principle` field.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    pub title: String,
    /// Names and short forms plans and constitution.md use for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Words and phrases that identify the principle in a constitution.md
    /// heading or section body (`"Argo CD"`, `"reconcile"`): a heading
    /// naming one, or a body naming two, maps that principle here.
    #[serde(default)]
    pub terms: Vec<String>,
    /// The question the plan's Constitution Check must answer.
    #[serde(default)]
    pub gate: String,
    /// Regexes; a passing gate's text must match at least one.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub evidence: Vec<Spanned<String>>,
    #[serde(default = "default_error")]
    pub severity: Severity,
    #[serde(default)]
    pub doc: Option<RuleDoc>,
}

fn default_error() -> Severity {
    Severity::Error
}

/// A pattern: a regex, or a table with its own severity and message.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawPattern {
    Regex(String),
    Detailed {
        regex: String,
        #[serde(default)]
        severity: Option<Severity>,
        #[serde(default)]
        message: Option<String>,
    },
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    /// Section paths (heading titles, `*` and `**` globs). Empty: whole plan.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub sections: Vec<Spanned<String>>,
    /// Paragraphs, headings and list items (default true).
    #[serde(default)]
    pub prose: Option<bool>,
    /// Table cells (default true).
    #[serde(default)]
    pub tables: Option<bool>,
    /// Code blocks and inline code (default false).
    #[serde(default)]
    pub code: Option<bool>,
    /// HTML comments (default false).
    #[serde(default)]
    pub comments: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSelect {
    /// Document classes: kubernetes, argocd, kustomization, helm-chart, helm-values,
    /// ansible-playbook, ansible-tasks, ansible-handlers, ansible-vars, terraform,
    /// ci-workflow, script, yaml.
    #[serde(default)]
    pub class: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<String>,
    /// `apiVersion` prefixes.
    #[serde(default)]
    pub api_versions: Vec<String>,
    /// Path globs relative to the repository root.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Skip documents where this JSONPath matches.
    #[serde(default)]
    pub unless: Option<String>,
    /// Kustomize: read the rendered objects of each leaf kustomization (and
    /// not the manifests a kustomization renders) — for workload rules.
    #[serde(default)]
    pub rendered: bool,
    /// `false`: skip files that are a controller's generated install
    /// manifest (see PRV009). Default `true`.
    #[serde(default)]
    pub vendored: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawQuery {
    Path(String),
    Detailed {
        path: String,
        #[serde(default)]
        select: Option<RawSelect>,
        #[serde(default)]
        message: Option<String>,
    },
}

/// A rule that supersedes this one: a code (same line), or a table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawSupersession {
    Code(String),
    Detailed { rule: String, within: Within },
}

/// The keys every rule has, whatever its kind.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleHead {
    /// Stable code such as `TPL002`; never reused for another meaning.
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// kebab-case name.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Principle id the rule enforces.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub principle: Option<Spanned<String>>,
    pub severity: Severity,
    /// Finding message; `{match}` (and `{folder}` for `companion-file`) are
    /// replaced where the kind fills them.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    pub help: String,
    /// Required: what the rule finds, why, how to fix, and an example.
    pub doc: RuleDoc,
    /// Rules whose finding at the same place (`within = "line"`, the default
    /// for a bare code) or in the same file (`within = "file"`) reports the
    /// same defect; this rule's finding is then dropped.
    #[serde(default)]
    pub superseded_by: Vec<RawSupersession>,
}

const HEAD_KEYS: &[&str] = &[
    "code",
    "name",
    "principle",
    "severity",
    "message",
    "help",
    "doc",
    "superseded_by",
];

/// `kind = "builtin"`: a procedural check registered under the rule's code.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuiltinParams {}

/// `kind = "forbid"` / `"require"`: regexes over a Markdown scope.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkdownParams {
    /// A regex, or a list of regexes and `{ regex, severity, message }` tables.
    #[schemars(with = "OneOrMany<RawPattern>")]
    pub pattern: Spanned<OneOrMany<RawPattern>>,
    /// Where to look.
    #[serde(default)]
    pub scope: Option<RawScope>,
}

/// `kind = "require-section"`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequireSectionParams {
    /// Each entry lists one section's alternative titles.
    #[schemars(with = "Vec<Vec<String>>")]
    pub sections: Spanned<Vec<Vec<String>>>,
}

/// `kind = "table-columns"`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableColumnsParams {
    /// The section whose tables are checked.
    #[schemars(with = "String")]
    pub heading: Spanned<String>,
    /// The exact header cells.
    pub columns: Vec<String>,
}

/// `kind = "query-forbid"`: JSONPath over selected IaC documents.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryForbidParams {
    #[serde(default)]
    pub select: Option<RawSelect>,
    /// RFC 9535 JSONPath queries, or `{ path, select, message }` tables.
    #[schemars(with = "OneOrMany<RawQuery>")]
    pub query: Spanned<OneOrMany<RawQuery>>,
}

/// `kind = "query-require"`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryRequireParams {
    #[serde(default)]
    pub select: Option<RawSelect>,
    #[schemars(with = "OneOrMany<RawQuery>")]
    pub query: Spanned<OneOrMany<RawQuery>>,
    /// Where to point when nothing matches (JSONPath); default: the document's `kind`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub at: Option<Spanned<String>>,
}

/// `kind = "line-forbid"`: regexes over the lines of selected files.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineForbidParams {
    /// Which files: `class` and/or `paths` (at least one).
    pub select: RawSelect,
    #[schemars(with = "OneOrMany<RawPattern>")]
    pub pattern: Spanned<OneOrMany<RawPattern>>,
    /// Lines matching this regex are not reported.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub except: Option<Spanned<String>>,
}

/// `kind = "path-exists"`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathExistsParams {
    #[serde(default)]
    pub select: Option<RawSelect>,
    #[schemars(with = "OneOrMany<RawQuery>")]
    pub query: Spanned<OneOrMany<RawQuery>>,
    /// The sibling key naming the repository a path belongs to (`repoURL`);
    /// paths of other repositories are not checked.
    #[serde(default)]
    pub repo_key: Option<String>,
}

/// `kind = "companion-file"`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanionFileParams {
    /// A folder glob relative to the root (`*/apps/*`).
    #[schemars(with = "String")]
    pub glob: Spanned<String>,
    /// Where each application folder's companion may be, any one sufficing:
    /// path templates where `{name}` is the folder's name and `{app}` (or
    /// `{path}`) its path, or `{ path, heading = true }` tables for files
    /// that count only with a heading matching `companion_heading`.
    pub companion: OneOrMany<RawCompanion>,
    /// Regex over heading text (any level) that a `heading = true`
    /// companion must have.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub companion_heading: Option<Spanned<String>>,
}

/// One companion location.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawCompanion {
    Path(String),
    Detailed {
        path: String,
        /// The file counts only when it has a heading matching `companion_heading`.
        #[serde(default)]
        heading: bool,
    },
}

/// The schema of one `[[rule]]` entry: the common keys plus the parameters
/// of its `kind`.
#[derive(Debug, JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[allow(dead_code)] // schema only
pub enum RuleSchema {
    Builtin {
        #[serde(flatten)]
        head: RuleHead,
    },
    Forbid {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: MarkdownParams,
    },
    Require {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: MarkdownParams,
    },
    RequireSection {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: RequireSectionParams,
    },
    TableColumns {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: TableColumnsParams,
    },
    QueryForbid {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: QueryForbidParams,
    },
    QueryRequire {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: QueryRequireParams,
    },
    LineForbid {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: LineForbidParams,
    },
    PathExists {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: PathExistsParams,
    },
    CompanionFile {
        #[serde(flatten)]
        head: RuleHead,
        #[serde(flatten)]
        params: CompanionFileParams,
    },
}

/// Every kind: its name, the keys it takes, and the placeholders its
/// messages may use.
const KINDS: &[(&str, &[&str], &[&str])] = &[
    ("builtin", &[], &[]),
    ("forbid", &["pattern", "scope"], &["{match}"]),
    ("require", &["pattern", "scope"], &[]),
    ("require-section", &["sections"], &[]),
    ("table-columns", &["heading", "columns"], &[]),
    ("query-forbid", &["select", "query"], &["{match}"]),
    ("query-require", &["select", "query", "at"], &["{match}"]),
    ("line-forbid", &["select", "pattern", "except"], &["{match}"]),
    ("path-exists", &["select", "query", "repo_key"], &["{match}"]),
    (
        "companion-file",
        &["glob", "companion", "companion_heading"],
        &["{match}", "{folder}"],
    ),
];

/// What one rule file contributes.
#[derive(Debug, Default)]
pub struct Pack {
    pub rules: Vec<(Rule, Range<usize>)>,
    pub principles: Vec<(PrincipleDef, Range<usize>)>,
    pub constitution: Option<(String, Option<String>)>,
    pub gate: Option<GateWords>,
}

static CODE: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(r"^[A-Z]{2,8}[0-9]{3}$").expect("valid regex"));
static NAME: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$").expect("valid regex"));

/// The tables of a file, and its `[[rule]]` entries set aside.
pub struct Parsed<'t> {
    pub rest: Spanned<DeTable<'t>>,
    pub rules: Vec<Spanned<DeValue<'t>>>,
}

/// Parse a TOML file and set its `[[rule]]` entries aside.
pub fn split_rules(file: FileText<'_>) -> LoadResult<Parsed<'_>> {
    let mut root = DeTable::parse(file.text).map_err(|e| file.toml_error(&e))?;
    let span = root.span();
    let rules = match root.get_mut().remove("rule") {
        None => Vec::new(),
        Some(v) => {
            let at = v.span();
            match v.into_inner() {
                DeValue::Array(a) => a.into_iter().collect(),
                _ => return Err(file.error(at, "`rule` must be an array of tables (`[[rule]]`)", "here")),
            }
        }
    };
    let _ = span;
    Ok(Parsed { rest: root, rules })
}

/// Deserialise a spanned TOML table into `T`, with positioned errors.
pub fn from_table<'t, T: Deserialize<'t>>(file: FileText<'_>, table: Spanned<DeTable<'t>>) -> LoadResult<T> {
    T::deserialize(toml::de::Deserializer::from(table)).map_err(|e| file.toml_error(&e))
}

/// Parse and compile one rule file.
pub fn parse_pack(file: FileText<'_>, source: &str, registered: &[&str]) -> LoadResult<Pack> {
    let parsed = split_rules(file)?;
    let head: RuleFile = from_table(file, parsed.rest)?;
    compile_pack(file, head, parsed.rules, source, registered)
}

/// Compile a rule file (also the rule part of constable.toml).
pub fn compile_pack(
    file: FileText<'_>,
    raw: RuleFile,
    rules: Vec<Spanned<DeValue<'_>>>,
    source: &str,
    registered: &[&str],
) -> LoadResult<Pack> {
    let source: Arc<str> = Arc::from(source);
    let mut pack = Pack {
        constitution: raw.constitution.map(|c| (c.name, c.version)),
        gate: raw.gate,
        ..Pack::default()
    };
    for p in raw.principle {
        let evidence = p
            .evidence
            .iter()
            .map(|e| compile(file, e))
            .collect::<LoadResult<Vec<_>>>()?;
        let span = p.id.span();
        pack.principles.push((
            PrincipleDef {
                id: Arc::from(p.id.get_ref().as_str()),
                title: p.title,
                aliases: p.aliases,
                terms: p.terms,
                gate: p.gate,
                evidence,
                severity: p.severity,
                doc: p.doc,
                source: source.clone(),
            },
            span,
        ));
    }
    for r in rules {
        pack.rules.push(compile_rule(file, r, &source, registered)?);
    }
    Ok(pack)
}

/// One `[[rule]]` entry: its common keys, then the parameters of its kind.
fn compile_rule(
    file: FileText<'_>,
    entry: Spanned<DeValue<'_>>,
    source: &Arc<str>,
    registered: &[&str],
) -> LoadResult<(Rule, Range<usize>)> {
    let entry_span = entry.span();
    let DeValue::Table(table) = entry.into_inner() else {
        return Err(file.error(entry_span, "a `[[rule]]` entry must be a table", "here"));
    };
    let Some(kind_value) = table.get("kind") else {
        let names: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
        let mut e = file.error(entry_span, "rule has no `kind`", "this rule");
        e.help = Some(format!("add `kind = \"...\"`, one of: {}", names.join(", ")));
        return Err(e);
    };
    let kind_span = kind_value.span();
    let Some(kind) = kind_value.get_ref().as_str().map(str::to_string) else {
        return Err(file.error(kind_span, "`kind` must be a string", "here"));
    };
    let mut head = DeTable::new();
    let mut params = DeTable::new();
    for (k, v) in table {
        match k.get_ref().as_ref() {
            "kind" => {}
            key if HEAD_KEYS.contains(&key) => {
                head.insert(k, v);
            }
            _ => {
                params.insert(k, v);
            }
        }
    }
    let param_keys: Vec<(String, Range<usize>)> = params
        .iter()
        .map(|(k, _)| (k.get_ref().to_string(), k.span()))
        .collect();
    migration(file, &kind, &kind_span, &param_keys)?;
    let Some((_, allowed, placeholders)) = KINDS.iter().find(|k| k.0 == kind) else {
        let names: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
        let mut e = file.error(kind_span, format!("unknown rule kind `{kind}`"), "unknown kind");
        e.help = Some(match closest(&kind, &names) {
            Some(b) => format!("did you mean `{b}`?"),
            None => format!("kinds: {}", names.join(", ")),
        });
        return Err(e);
    };
    for (key, span) in &param_keys {
        if !allowed.contains(&key.as_str()) {
            let mut candidates: Vec<&str> = allowed.to_vec();
            candidates.extend(HEAD_KEYS);
            let mut e = file.error(
                span.clone(),
                format!("a rule of kind `{kind}` takes no key `{key}`"),
                "unknown key",
            );
            e.help = Some(match closest(key, &candidates) {
                Some(b) => format!("did you mean `{b}`?"),
                None if allowed.is_empty() => format!("kind `{kind}` takes only the common keys"),
                None => format!("kind `{kind}` takes: {}", allowed.join(", ")),
            });
            return Err(e);
        }
    }
    let head: RuleHead = from_table(file, Spanned::new(entry_span.clone(), head))?;
    let code_span = head.code.span();
    if !CODE.is_match(head.code.get_ref()) {
        return Err(file.error(
            code_span,
            format!("rule code `{}` is not a code", head.code.get_ref()),
            "expected letters then three digits, like `TEAM001`",
        ));
    }
    if !NAME.is_match(head.name.get_ref()) {
        return Err(file.error(
            head.name.span(),
            "rule names are kebab-case",
            "like `no-latest-tag`",
        ));
    }
    // Placeholders the kind cannot fill would show up raw in every finding.
    for p in MESSAGE_PLACEHOLDERS {
        if head.message.get_ref().contains(p) && !placeholders.contains(p) {
            let mut e = file.error(
                head.message.span(),
                format!("a rule of kind `{kind}` cannot fill `{p}` in its message"),
                "this message",
            );
            e.help = Some(if placeholders.is_empty() {
                format!("kind `{kind}` fills no placeholders; write the message without `{p}`")
            } else {
                format!("kind `{kind}` fills only {}", placeholders.join(", "))
            });
            return Err(e);
        }
    }
    let params = Spanned::new(entry_span.clone(), params);
    let kind = match kind.as_str() {
        "builtin" => {
            let _: BuiltinParams = from_table(file, params)?;
            let code = head.code.get_ref();
            match registered.iter().position(|c| c == code) {
                Some(i) => RuleKind::Builtin(CheckId(i as u16)),
                None => {
                    let mut e = file.error(
                        kind_span,
                        format!("rule `{code}` is `builtin`, but no procedural check is registered under `{code}`"),
                        "no such check",
                    );
                    e.help = Some(
                        "builtin rules document checks written in Rust (`src/checks/`, registered in `checks::REGISTRY`); \
                         a team rule needs a declarative kind such as `forbid` or `query-forbid`"
                            .to_string(),
                    );
                    return Err(e);
                }
            }
        }
        "forbid" | "require" => {
            let p: MarkdownParams = from_table(file, params)?;
            let patterns = compile_patterns(file, &p.pattern)?;
            let scope = compile_scope(file, p.scope.as_ref())?;
            if kind == "forbid" {
                RuleKind::Forbid { patterns, scope }
            } else {
                RuleKind::Require { patterns, scope }
            }
        }
        "require-section" => {
            let p: RequireSectionParams = from_table(file, params)?;
            if p.sections.get_ref().is_empty() || p.sections.get_ref().iter().any(|g| g.is_empty()) {
                return Err(file.error(
                    p.sections.span(),
                    "`sections` needs at least one title in every entry",
                    "here",
                ));
            }
            RuleKind::RequireSection {
                sections: p.sections.into_inner(),
            }
        }
        "table-columns" => {
            let p: TableColumnsParams = from_table(file, params)?;
            RuleKind::TableColumns {
                heading: section_glob(file, &p.heading)?,
                columns: p.columns,
            }
        }
        "query-forbid" => {
            let p: QueryForbidParams = from_table(file, params)?;
            RuleKind::QueryForbid {
                queries: compile_queries(file, p.select.as_ref(), &p.query, &code_span)?,
            }
        }
        "query-require" => {
            let p: QueryRequireParams = from_table(file, params)?;
            let at = match &p.at {
                Some(a) => Some(compile_path(file, a.get_ref(), &a.span())?),
                None => None,
            };
            RuleKind::QueryRequire {
                queries: compile_queries(file, p.select.as_ref(), &p.query, &code_span)?,
                at,
            }
        }
        "line-forbid" => {
            let p: LineForbidParams = from_table(file, params)?;
            if p.select.class.is_empty() && p.select.paths.is_empty() {
                return Err(file.error(
                    code_span,
                    "a `line-forbid` rule needs `select.class` or `select.paths`: it would read no file",
                    "in this rule",
                ));
            }
            let except = match &p.except {
                Some(e) => Some(compile(file, e)?),
                None => None,
            };
            RuleKind::LineForbid {
                select: compile_select(file, &p.select, &code_span)?,
                patterns: compile_patterns(file, &p.pattern)?,
                except,
            }
        }
        "path-exists" => {
            let p: PathExistsParams = from_table(file, params)?;
            RuleKind::PathExists {
                queries: compile_queries(file, p.select.as_ref(), &p.query, &code_span)?,
                repo_key: p.repo_key,
            }
        }
        "companion-file" => {
            let p: CompanionFileParams = from_table(file, params)?;
            let matcher = globset::GlobBuilder::new(p.glob.get_ref())
                .literal_separator(true)
                .build()
                .map_err(|e| file.error(p.glob.span(), format!("invalid glob: {e}"), "this glob"))?
                .compile_matcher();
            let heading = match &p.companion_heading {
                Some(h) => Some(compile(file, h)?),
                None => None,
            };
            let raw = match p.companion {
                OneOrMany::One(c) => vec![c],
                OneOrMany::Many(v) => v,
            };
            let mut companions = Vec::new();
            for c in raw {
                companions.push(match c {
                    RawCompanion::Path(path) => Companion { path, heading: None },
                    RawCompanion::Detailed { path, heading: false } => Companion { path, heading: None },
                    RawCompanion::Detailed { path, heading: true } => {
                        let Some(h) = &heading else {
                            return Err(file.error(
                                code_span,
                                "a companion with `heading = true` needs `companion_heading`",
                                "in this rule",
                            ));
                        };
                        Companion {
                            path,
                            heading: Some(h.clone()),
                        }
                    }
                });
            }
            if companions.is_empty() {
                return Err(file.error(
                    code_span,
                    "a `companion-file` rule needs at least one `companion`",
                    "in this rule",
                ));
            }
            RuleKind::CompanionFile {
                glob: matcher,
                companions,
            }
        }
        _ => unreachable!("kinds are checked against KINDS above"),
    };
    let superseded_by = head
        .superseded_by
        .iter()
        .map(|s| match s {
            RawSupersession::Code(c) => Supersession {
                code: Arc::from(c.as_str()),
                within: Within::Line,
            },
            RawSupersession::Detailed { rule, within } => Supersession {
                code: Arc::from(rule.as_str()),
                within: *within,
            },
        })
        .collect();
    Ok((
        Rule {
            code: Arc::from(head.code.get_ref().as_str()),
            name: Arc::from(head.name.get_ref().as_str()),
            principle: head.principle.as_ref().map(|p| Arc::from(p.get_ref().as_str())),
            severity: head.severity,
            message: head.message.into_inner(),
            help: head.help,
            doc: head.doc,
            kind,
            source: source.clone(),
            superseded_by,
        },
        code_span,
    ))
}

/// Rule files written before kinds were split say what to change.
fn migration(
    file: FileText<'_>,
    kind: &str,
    at: &Range<usize>,
    keys: &[(String, Range<usize>)],
) -> LoadResult<()> {
    let has = |k: &str| keys.iter().any(|(x, _)| x == k);
    let renamed = match kind {
        "forbid" if has("query") => Some("query-forbid"),
        "require" if has("query") => Some("query-require"),
        "forbid" if has("select") => Some("line-forbid"),
        _ => None,
    };
    if let Some(new) = renamed {
        let mut e = file.error(
            at.clone(),
            format!("kind `{kind}` with these keys is now `{new}`"),
            "rename this kind",
        );
        e.help = Some(format!(
            "write `kind = \"{new}\"`: `forbid`/`require` now mean regexes over Markdown, \
             `query-forbid`/`query-require` JSONPath over IaC documents, `line-forbid` regexes over script lines \
             (README: \"Migrating rule files\")"
        ));
        return Err(e);
    }
    Ok(())
}

/// Queries of a rule: one or a list, each with the rule's `select` or its own.
fn compile_queries(
    file: FileText<'_>,
    select: Option<&RawSelect>,
    spanned: &Spanned<OneOrMany<RawQuery>>,
    code_span: &Range<usize>,
) -> LoadResult<Vec<Query>> {
    let at = spanned.span();
    let default = RawSelect::default();
    let base = compile_select(file, select.unwrap_or(&default), code_span)?;
    let list: Vec<&RawQuery> = match spanned.get_ref() {
        OneOrMany::One(q) => vec![q],
        OneOrMany::Many(v) => v.iter().collect(),
    };
    let mut out = Vec::new();
    for q in list {
        let (text, select, message) = match q {
            RawQuery::Path(p) => (p.clone(), base.clone(), None),
            RawQuery::Detailed {
                path,
                select,
                message,
            } => (
                path.clone(),
                match select {
                    Some(s) => compile_select(file, s, &at)?,
                    None => base.clone(),
                },
                message.clone(),
            ),
        };
        out.push(Query {
            path: compile_path(file, &text, &at)?,
            select,
            text,
            message,
        });
    }
    Ok(out)
}

/// A long regex or JSONPath is shown by its start only.
fn clip(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        format!(
            "{}… ({} characters)",
            s.chars().take(60).collect::<String>(),
            s.chars().count()
        )
    }
}

/// Deepest nesting of brackets and parentheses (JSONPath filters nest).
fn nesting(s: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for c in s.chars() {
        match c {
            '[' | '(' => {
                depth += 1;
                max = max.max(depth);
            }
            ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// How deeply a JSONPath may nest: the parser recurses, and real queries
/// nest a handful of levels.
pub const MAX_QUERY_NESTING: usize = 16;
/// The longest JSONPath or regex a rule may hold.
pub const MAX_EXPRESSION_LEN: usize = 4096;

/// A `pattern`: one regex or a list, each plain or with its own severity and message.
fn compile_patterns(
    file: FileText<'_>,
    spanned: &Spanned<OneOrMany<RawPattern>>,
) -> LoadResult<Vec<Pattern>> {
    let at = spanned.span();
    let list: Vec<&RawPattern> = match spanned.get_ref() {
        OneOrMany::One(p) => vec![p],
        OneOrMany::Many(v) => v.iter().collect(),
    };
    list.into_iter()
        .map(|p| {
            Ok(match p {
                RawPattern::Regex(re) => Pattern {
                    regex: compile_at(file, re, &at)?,
                    severity: None,
                    message: None,
                },
                RawPattern::Detailed {
                    regex,
                    severity,
                    message,
                } => Pattern {
                    regex: compile_at(file, regex, &at)?,
                    severity: *severity,
                    message: message.clone(),
                },
            })
        })
        .collect()
}

fn compile(file: FileText<'_>, re: &Spanned<String>) -> LoadResult<LazyRegex> {
    compile_at(file, re.get_ref(), &re.span())
}

/// Compile a regex; on error point at `at`, and inside it at the regex text when found.
fn compile_at(file: FileText<'_>, re: &str, at: &std::ops::Range<usize>) -> LoadResult<LazyRegex> {
    if super::is_builtin_text(file.text) {
        return Ok(LazyRegex::trusted(re));
    }
    if re.len() > MAX_EXPRESSION_LEN {
        return Err(file.error(
            at.clone(),
            format!("regex `{}` is longer than {MAX_EXPRESSION_LEN} bytes", clip(re)),
            "this regex",
        ));
    }
    LazyRegex::new(re).map_err(|e| {
        let detail = e.to_string();
        let last = detail
            .lines()
            .last()
            .unwrap_or("invalid regex")
            .trim()
            .trim_start_matches("error: ")
            .to_string();
        let span = file.text[at.clone()]
            .find(re)
            .map_or(at.clone(), |i| at.start + i..at.start + i + re.len());
        file.error(
            span,
            format!("invalid regex `{}`: {last}", clip(re)),
            "this regex",
        )
    })
}

fn compile_path(
    file: FileText<'_>,
    q: &str,
    at: &std::ops::Range<usize>,
) -> LoadResult<serde_json_path::JsonPath> {
    if q.len() > MAX_EXPRESSION_LEN || nesting(q) > MAX_QUERY_NESTING {
        return Err(file.error(
            at.clone(),
            format!(
                "JSONPath `{}` is too long or nests deeper than {MAX_QUERY_NESTING} levels",
                clip(q)
            ),
            "this query",
        ));
    }
    serde_json_path::JsonPath::parse(q).map_err(|e| {
        let span = file.text[at.clone()].find(q).map_or(at.clone(), |i| {
            at.start + i + e.position().min(q.len())..at.start + i + q.len()
        });
        file.error(
            span,
            format!("invalid JSONPath `{}`: {}", clip(q), e.message()),
            "here",
        )
    })
}

fn compile_select(
    file: FileText<'_>,
    raw: &RawSelect,
    at: &std::ops::Range<usize>,
) -> LoadResult<crate::rules::Select> {
    let mut classes = Vec::new();
    for c in &raw.class {
        let Some(dc) = DocClass::parse(c) else {
            let names: Vec<&str> = DocClass::ALL.iter().map(|d| d.name()).collect();
            let mut e = file.error(
                at.clone(),
                format!("unknown document class `{c}`"),
                "in this rule",
            );
            e.help = Some(match super::error::closest(c, &names) {
                Some(b) => format!("did you mean `{b}`?"),
                None => format!("classes: {}", names.join(", ")),
            });
            return Err(e);
        };
        classes.push(dc);
    }
    let paths =
        if raw.paths.is_empty() {
            None
        } else {
            let mut b = globset::GlobSetBuilder::new();
            for g in &raw.paths {
                b.add(globset::Glob::new(g).map_err(|e| {
                    file.error(at.clone(), format!("invalid glob `{g}`: {e}"), "in this rule")
                })?);
            }
            Some(
                b.build()
                    .map_err(|e| file.error(at.clone(), format!("invalid globs: {e}"), "in this rule"))?,
            )
        };
    let unless = match &raw.unless {
        Some(u) => Some(compile_path(file, u, at)?),
        None => None,
    };
    Ok(crate::rules::Select {
        classes,
        kinds: raw.kinds.clone(),
        api_versions: raw.api_versions.clone(),
        paths,
        unless,
        rendered: raw.rendered,
        vendored: raw.vendored.unwrap_or(true),
    })
}

fn compile_scope(file: FileText<'_>, raw: Option<&RawScope>) -> LoadResult<Scope> {
    let default = RawScope::default();
    let raw = raw.unwrap_or(&default);
    Ok(Scope {
        sections: raw
            .sections
            .iter()
            .map(|s| section_glob(file, s))
            .collect::<LoadResult<_>>()?,
        prose: raw.prose.unwrap_or(true),
        tables: raw.tables.unwrap_or(true),
        code: raw.code.unwrap_or(false),
        comments: raw.comments.unwrap_or(false),
    })
}

/// Compile `Constitution Check/*` into segment globs.
pub fn section_glob(file: FileText<'_>, raw: &Spanned<String>) -> LoadResult<SectionGlob> {
    let text = raw.get_ref().trim();
    let anchored = text.starts_with('/');
    let mut segments = Vec::new();
    for seg in text.trim_start_matches('/').split('/') {
        let seg = seg.trim();
        if seg.is_empty() {
            return Err(file.error(raw.span(), "empty segment in section path", "here"));
        }
        if seg == "**" {
            segments.push(Segment::AnyDepth);
            continue;
        }
        let mut re = String::from("(?i)^");
        for c in seg.to_lowercase().chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        segments.push(Segment::Title(if super::is_builtin_text(file.text) {
            LazyRegex::trusted(re)
        } else {
            LazyRegex::new(&re).map_err(|e| file.error(raw.span(), e.to_string(), "here"))?
        }));
    }
    Ok(SectionGlob {
        text: text.to_string(),
        anchored,
        segments,
    })
}
