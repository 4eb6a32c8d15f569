//! Rule files: `[constitution]`, `[[principle]]` and `[[rule]]` tables turned
//! into compiled rules and principles, with positioned errors.

use super::error::{FileText, LoadResult};
use crate::finding::Severity;
use crate::rules::{
    GateVocabulary, Pattern, PrincipleDef, Rule, RuleDoc, RuleKind, Scope, SectionGlob, Segment,
};
use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;
use toml::Spanned;

/// A rule file (`rules/*.toml`, or a team's own file named in `extends`).
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
    pub rule: Vec<RawRule>,
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

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum KindName {
    Builtin,
    Forbid,
    Require,
    RequireSection,
    TableColumns,
    PathExists,
    CompanionFile,
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
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
    pub kind: KindName,
    /// Finding message; `{match}` is replaced by the matched text.
    pub message: String,
    pub help: String,
    pub doc: RuleDoc,
    /// `forbid` / `require`: a regex, or a list of regexes and
    /// `{ regex, severity, message }` tables.
    #[serde(default)]
    #[schemars(with = "Option<OneOrMany<RawPattern>>")]
    pub pattern: Option<Spanned<OneOrMany<RawPattern>>>,
    /// `forbid` / `require`: where to look.
    #[serde(default)]
    pub scope: Option<RawScope>,
    /// `require-section`: each entry lists one section's alternative titles.
    #[serde(default)]
    pub sections: Option<Vec<Vec<String>>>,
    /// `table-columns`: the section whose tables are checked.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub heading: Option<Spanned<String>>,
    /// `table-columns`: the exact header cells.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// IaC rules: which documents (`forbid`, `require`, `path-exists`) or files
    /// (`forbid` with `pattern`) to look at.
    #[serde(default)]
    pub select: Option<RawSelect>,
    /// IaC rules: RFC 9535 JSONPath queries, or `{ path, select, message }` tables.
    #[serde(default)]
    #[schemars(with = "Option<OneOrMany<RawQuery>>")]
    pub query: Option<Spanned<OneOrMany<RawQuery>>>,
    /// `require` over IaC: where to point when nothing matches (JSONPath).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub at: Option<Spanned<String>>,
    /// `forbid` over files: lines matching this regex are not reported.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub except: Option<Spanned<String>>,
    /// `path-exists`: the sibling key naming the repository a path belongs to
    /// (`repoURL`); paths of other repositories are not checked.
    #[serde(default)]
    pub repo_key: Option<String>,
    /// `companion-file`: a folder glob relative to the root (`*/apps/*`).
    #[serde(default)]
    pub glob: Option<String>,
    /// `companion-file`: the file each folder needs; `{name}` is the folder's name.
    #[serde(default)]
    pub companion: Option<String>,
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

/// What one rule file contributes.
#[derive(Debug, Default)]
pub struct Pack {
    pub rules: Vec<(Rule, std::ops::Range<usize>)>,
    pub principles: Vec<(PrincipleDef, std::ops::Range<usize>)>,
    pub constitution: Option<(String, Option<String>)>,
    pub gate: Option<GateWords>,
}

static CODE: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(r"^[A-Z]{2,8}[0-9]{3}$").expect("valid regex"));
static NAME: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$").expect("valid regex"));

/// Parse and compile one rule file.
pub fn parse_pack(file: FileText<'_>, source: &str) -> LoadResult<Pack> {
    let raw: RuleFile = toml::from_str(file.text).map_err(|e| file.toml_error(&e))?;
    compile_pack(file, raw, source)
}

/// Compile a rule file already deserialised (also the rule part of constable.toml).
pub fn compile_pack(file: FileText<'_>, raw: RuleFile, source: &str) -> LoadResult<Pack> {
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
                gate: p.gate,
                evidence,
                severity: p.severity,
                doc: p.doc,
                source: source.clone(),
            },
            span,
        ));
    }
    for r in raw.rule {
        let code_span = r.code.span();
        if !CODE.is_match(r.code.get_ref()) {
            return Err(file.error(
                code_span,
                format!("rule code `{}` is not a code", r.code.get_ref()),
                "expected letters then three digits, like `TEAM001`",
            ));
        }
        if !NAME.is_match(r.name.get_ref()) {
            return Err(file.error(r.name.span(), "rule names are kebab-case", "like `no-latest-tag`"));
        }
        let kind = compile_kind(file, &r)?;
        pack.rules.push((
            Rule {
                code: Arc::from(r.code.get_ref().as_str()),
                name: Arc::from(r.name.get_ref().as_str()),
                principle: r.principle.as_ref().map(|p| Arc::from(p.get_ref().as_str())),
                severity: r.severity,
                message: r.message,
                help: r.help,
                doc: r.doc,
                kind,
                source: source.clone(),
            },
            code_span,
        ));
    }
    Ok(pack)
}

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

fn compile(file: FileText<'_>, re: &Spanned<String>) -> LoadResult<Regex> {
    compile_at(file, re.get_ref(), &re.span())
}

/// Compile a regex; on error point at `at`, and inside it at the regex text when found.
fn compile_at(file: FileText<'_>, re: &str, at: &std::ops::Range<usize>) -> LoadResult<Regex> {
    Regex::new(re).map_err(|e| {
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
        file.error(span, format!("invalid regex `{re}`: {last}"), "this regex")
    })
}

fn compile_kind(file: FileText<'_>, r: &RawRule) -> LoadResult<RuleKind> {
    let code_span = r.code.span();
    let need = |what: &str| {
        file.error(
            code_span.clone(),
            format!(
                "rule `{}` of kind `{}` needs `{what}`",
                r.code.get_ref(),
                kind_str(r.kind)
            ),
            "in this rule",
        )
    };
    Ok(match r.kind {
        KindName::Builtin => RuleKind::Builtin,
        KindName::Forbid | KindName::Require if r.query.is_some() => {
            let queries = compile_queries(file, r)?;
            if r.kind == KindName::Forbid {
                RuleKind::DocForbid { queries }
            } else {
                let at = match &r.at {
                    Some(a) => Some(compile_path(file, a.get_ref(), &a.span())?),
                    None => None,
                };
                RuleKind::DocRequire { queries, at }
            }
        }
        KindName::Forbid if r.select.is_some() => {
            let spanned = r.pattern.as_ref().ok_or_else(|| need("pattern or query"))?;
            let patterns = compile_patterns(file, spanned)?;
            let select = compile_select(file, r.select.as_ref().expect("checked"), &code_span)?;
            let except = match &r.except {
                Some(e) => Some(compile(file, e)?),
                None => None,
            };
            RuleKind::TextForbid {
                select,
                patterns,
                except,
            }
        }
        KindName::PathExists => RuleKind::PathExists {
            queries: compile_queries(file, r)?,
            repo_key: r.repo_key.clone(),
        },
        KindName::CompanionFile => {
            let glob = r.glob.clone().ok_or_else(|| need("glob"))?;
            let matcher = globset::GlobBuilder::new(&glob)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    file.error(
                        code_span.clone(),
                        format!("invalid glob `{glob}`: {e}"),
                        "in this rule",
                    )
                })?
                .compile_matcher();
            RuleKind::CompanionFile {
                glob: matcher,
                companion: r.companion.clone().ok_or_else(|| need("companion"))?,
            }
        }
        KindName::Forbid | KindName::Require => {
            let spanned = r.pattern.as_ref().ok_or_else(|| need("pattern"))?;
            let patterns = compile_patterns(file, spanned)?;
            let scope = compile_scope(file, r.scope.as_ref())?;
            if r.kind == KindName::Forbid {
                RuleKind::Forbid { patterns, scope }
            } else {
                RuleKind::Require { patterns, scope }
            }
        }
        KindName::RequireSection => {
            let sections = r.sections.clone().ok_or_else(|| need("sections"))?;
            if sections.iter().any(|g| g.is_empty()) {
                return Err(need("a title in every `sections` entry"));
            }
            RuleKind::RequireSection { sections }
        }
        KindName::TableColumns => {
            let heading = r.heading.as_ref().ok_or_else(|| need("heading"))?;
            let columns = r.columns.clone().ok_or_else(|| need("columns"))?;
            RuleKind::TableColumns {
                heading: section_glob(file, heading)?,
                columns,
            }
        }
    })
}

fn kind_str(k: KindName) -> &'static str {
    match k {
        KindName::Builtin => "builtin",
        KindName::Forbid => "forbid",
        KindName::Require => "require",
        KindName::RequireSection => "require-section",
        KindName::TableColumns => "table-columns",
        KindName::PathExists => "path-exists",
        KindName::CompanionFile => "companion-file",
    }
}

fn compile_path(
    file: FileText<'_>,
    q: &str,
    at: &std::ops::Range<usize>,
) -> LoadResult<serde_json_path::JsonPath> {
    serde_json_path::JsonPath::parse(q).map_err(|e| {
        let span = file.text[at.clone()].find(q).map_or(at.clone(), |i| {
            at.start + i + e.position().min(q.len())..at.start + i + q.len()
        });
        file.error(span, format!("invalid JSONPath `{q}`: {}", e.message()), "here")
    })
}

fn compile_select(
    file: FileText<'_>,
    raw: &RawSelect,
    at: &std::ops::Range<usize>,
) -> LoadResult<crate::rules::Select> {
    use crate::parse::iac::DocClass;
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
    })
}

fn compile_queries(file: FileText<'_>, r: &RawRule) -> LoadResult<Vec<crate::rules::Query>> {
    let code_span = r.code.span();
    let spanned = r.query.as_ref().ok_or_else(|| {
        file.error(
            code_span.clone(),
            format!("rule `{}` needs `query`", r.code.get_ref()),
            "in this rule",
        )
    })?;
    let at = spanned.span();
    let default = RawSelect::default();
    let base = compile_select(file, r.select.as_ref().unwrap_or(&default), &code_span)?;
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
        out.push(crate::rules::Query {
            path: compile_path(file, &text, &at)?,
            select,
            text,
            message,
        });
    }
    Ok(out)
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
        segments.push(Segment::Title(
            Regex::new(&re).map_err(|e| file.error(raw.span(), e.to_string(), "here"))?,
        ));
    }
    Ok(SectionGlob {
        text: text.to_string(),
        anchored,
        segments,
    })
}
