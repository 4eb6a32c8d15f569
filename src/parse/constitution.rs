//! The constitution: `constitution.md` read into principles, version line,
//! Sync Impact Report and unreplaced template tokens; then merged with the
//! TOML constitution into the principles plans are gated against.

use super::plan::{normalise_title, Plan};
use crate::finding::Severity;
use crate::rules::TomlConstitution;
use regex::Regex;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

/// A `###` heading under `## Core Principles`.
#[derive(Debug, Clone)]
pub struct DocPrinciple {
    pub numeral: Option<String>,
    pub name: String,
    pub heading: Range<usize>,
    /// The section under the heading, up to the next heading of the same
    /// or a higher level (sub-headings included).
    pub body: Range<usize>,
    /// The heading is still a template token (`[PRINCIPLE_1_NAME]`).
    pub is_slot: bool,
}

/// A parsed constitution.md.
#[derive(Debug)]
pub struct ConstitutionDoc {
    pub doc: Plan,
    pub principles: Vec<DocPrinciple>,
    /// Normalised titles of every heading, for citations of non-principle sections.
    pub headings: Vec<String>,
    pub version: Option<(String, Range<usize>)>,
    pub ratified: Option<(String, Range<usize>)>,
    pub amended: Option<(String, Range<usize>)>,
    /// The new version a Sync Impact Report announces.
    pub sync_version: Option<(String, Range<usize>)>,
    /// Template tokens standing as values (not mentioned in prose).
    pub tokens: Vec<Range<usize>>,
}

static NUMERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:§\s*|Principle\s+)?((?:(?i:cloud|iac)\s+)?[IVXLC]+)\b\s*(?:[.):—–-]+\s*|\s+)(.*)$")
        .expect("valid regex")
});
/// An Arabic numeral leading a title: `1. Security Defaults`.
static ARABIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d{1,2})\s*[.):]\s*(\S.*)$").expect("valid regex"));

/// The principle sections of a constitution and the scope their numerals
/// restart in: spec-kit's `## Core Principles` (unscoped), and IBM
/// iac-spec-kit's principles.md, whose `## Cloud Architecture Principles`
/// and `## IaC Code Principles` each number from I, so their ids are
/// `Cloud I` and `IaC I`.
pub const PRINCIPLE_SECTIONS: &[(&str, Option<&str>)] = &[
    ("core principles", None),
    ("cloud architecture principles", Some("Cloud")),
    ("iac code principles", Some("IaC")),
];

/// The numeral scope a section title opens, if it is a principle section:
/// `Some(None)` for Core Principles, `Some(Some("Cloud"))` for IBM's Cloud
/// Architecture Principles.
pub fn principle_scope(title: &str) -> Option<Option<&'static str>> {
    let t = normalise_title(title);
    PRINCIPLE_SECTIONS
        .iter()
        .find(|(name, _)| t.starts_with(name))
        .map(|(_, scope)| *scope)
}

/// A principle's numeral in a scope: `I` unscoped, `Cloud I` scoped. An
/// Arabic numeral (`1.`) becomes Roman, so `**1. Name**` under the Cloud
/// principles cites `Cloud I`.
pub fn scoped_numeral(title: &str, scope: Option<&str>) -> (Option<String>, String) {
    let arabic = scope.and_then(|_| ARABIC.captures(title));
    let (numeral, name) = match arabic {
        Some(c) => {
            let n: u32 = c[1].parse().unwrap_or(0);
            let rest = c[2].to_string();
            (roman(n), strip_parenthetical(&rest))
        }
        None => split_numeral(title),
    };
    let numeral = match (numeral, scope) {
        // Already scoped (`Cloud I. ...`), or no scope to add.
        (Some(n), _) if n.contains(' ') => Some(canonical_scope(&n)),
        (Some(n), Some(s)) => Some(format!("{s} {n}")),
        (n, _) => n,
    };
    (numeral, name)
}

/// `cloud i` -> `Cloud I`, `IAC II` -> `IaC II`.
fn canonical_scope(n: &str) -> String {
    match n.split_once(char::is_whitespace) {
        Some((s, num)) => {
            let s = if s.eq_ignore_ascii_case("cloud") {
                "Cloud"
            } else {
                "IaC"
            };
            format!("{s} {}", num.trim().to_ascii_uppercase())
        }
        None => n.to_string(),
    }
}

fn roman(mut n: u32) -> Option<String> {
    if n == 0 || n > 39 {
        return None;
    }
    let mut out = String::new();
    for (v, s) in [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")] {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    Some(out)
}
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\]$").expect("valid regex"));
static SYNC_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:version change|sync impact report)[^\n]*?(?:→|->)\s*v?(\d+\.\d+\.\d+)")
        .expect("valid regex")
});

/// Unicode hyphens and dashes (U+2010 to U+2015, U+2212 minus) as ASCII
/// `-`: `GitOps‑First` (non-breaking hyphen) is `GitOps-First`, and
/// `I ― GitOps` separates its numeral like `I - GitOps`.
pub fn normalise_dashes(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_dash) {
        std::borrow::Cow::Owned(s.chars().map(|c| if is_dash(c) { '-' } else { c }).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A Unicode hyphen or dash other than ASCII `-`.
pub fn is_dash(c: char) -> bool {
    ('\u{2010}'..='\u{2015}').contains(&c) || c == '\u{2212}'
}

/// Split `II. Namespace Isolation (NON-NEGOTIABLE)` into numeral and name.
pub fn split_numeral(title: &str) -> (Option<String>, String) {
    let title = &*normalise_dashes(title);
    let (num, rest) = match NUMERAL.captures(title) {
        Some(c) if !c[2].trim().is_empty() => (Some(canonical_scope(&c[1])), c[2].to_string()),
        _ => (None, title.to_string()),
    };
    (num, strip_parenthetical(&rest))
}

fn strip_parenthetical(s: &str) -> String {
    let mut out = s.trim().to_string();
    while out.ends_with(')') {
        match out.rfind(" (") {
            Some(i) => out.truncate(i),
            None => break,
        }
    }
    out.trim().to_string()
}

impl ConstitutionDoc {
    pub fn parse(doc: Plan) -> ConstitutionDoc {
        let text = doc.text();
        let mut principles = Vec::new();
        for (i, s) in doc.sections.iter().enumerate() {
            let scope = s.parent.and_then(|p| principle_scope(&doc.sections[p].title));
            let Some(scope) = scope else {
                continue;
            };
            if s.level != doc.sections[s.parent.unwrap_or(i)].level + 1 {
                continue;
            }
            let is_slot = doc
                .slots
                .iter()
                .any(|sl| s.heading.start <= sl.span.start && sl.span.end <= s.heading.end);
            let (numeral, name) = scoped_numeral(&s.title, scope);
            principles.push(DocPrinciple {
                numeral,
                name,
                heading: s.heading.clone(),
                body: s.heading.end.min(s.span.end)..s.span.end,
                is_slot,
            });
        }
        let headings = doc
            .sections
            .iter()
            .map(|s| normalise_title(&split_numeral(&s.title).1))
            .collect();
        let field = |n: &str| {
            doc.field(n)
                .map(|f| (text[f.value.clone()].trim().to_string(), f.value.clone()))
        };
        let version = field("Version");
        let ratified = field("Ratified");
        let amended = field("Last Amended");
        let sync_version = doc.comments.iter().find_map(|c| {
            let body = &text[c.clone()];
            SYNC_VERSION.captures(body).map(|m| {
                let g = m.get(1).expect("group 1");
                (g.as_str().to_string(), c.start + g.start()..c.start + g.end())
            })
        });
        let tokens = standing_tokens(&doc);
        ConstitutionDoc {
            doc,
            principles,
            headings,
            version,
            ratified,
            amended,
            sync_version,
            tokens,
        }
    }

    /// True when the file is still the unfilled template.
    pub fn is_unfilled(&self) -> bool {
        !self.tokens.is_empty() && (self.principles.iter().any(|p| p.is_slot) || self.principles.is_empty())
    }
}

/// ALL_CAPS tokens that stand as values: in headings, in field values, or as
/// the whole of a paragraph or list item. Tokens inside sentences, inline code
/// and comments are mentions, not slots.
fn standing_tokens(doc: &Plan) -> Vec<Range<usize>> {
    let text = doc.text();
    let mut out = Vec::new();
    // Fields first: `**Version**: [CONSTITUTION_VERSION] | ...` (inline tokens
    // in field values are template values wherever they sit).
    for f in &doc.fields {
        for (span, inner) in super::plan::brackets_in(text, f.value.clone()) {
            if TOKEN.is_match(&format!("[{inner}]")) {
                out.push(span);
            }
        }
    }
    for slot in &doc.slots {
        let s = &text[slot.span.clone()];
        if !TOKEN.is_match(s) || out.contains(&slot.span) {
            continue;
        }
        let in_heading = doc
            .sections
            .iter()
            .any(|h| h.heading.start <= slot.span.start && slot.span.end <= h.heading.end);
        let block = doc
            .paragraphs
            .iter()
            .chain(doc.list_items.iter().map(|i| &i.span))
            .filter(|b| b.start <= slot.span.start && slot.span.end <= b.end)
            .min_by_key(|b| b.end - b.start);
        let whole = block.is_some_and(|b| {
            let rest = format!(
                "{}{}",
                &text[b.start..slot.span.start],
                &text[slot.span.end..b.end]
            );
            rest.trim_matches(|c: char| c.is_whitespace() || "-*+.:".contains(c))
                .is_empty()
        });
        if in_heading || whole {
            out.push(slot.span.clone());
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Where a principle was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A heading of the repository's constitution.md.
    Document { heading: Range<usize> },
    /// The TOML constitution.
    Toml,
}

/// A principle plans are gated against.
#[derive(Debug, Clone)]
pub struct Principle {
    pub id: Arc<str>,
    pub numeral: Option<String>,
    /// The name used in messages.
    pub title: String,
    /// Every name it may be cited by, normalised.
    pub names: Vec<String>,
    pub evidence: Vec<crate::rules::LazyRegex>,
    pub severity: Severity,
    pub origin: Origin,
}

/// Lower-case, parentheticals dropped, punctuation to spaces, spaces collapsed.
pub fn normalise_name(s: &str) -> String {
    let s = strip_parenthetical(&normalise_dashes(s))
        .to_lowercase()
        .replace('&', " and ");
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

const STOP: &[&str] = &[
    "and",
    "the",
    "of",
    "a",
    "an",
    "for",
    "to",
    "in",
    "by",
    "with",
    "principle",
];

fn words(s: &str) -> Vec<&str> {
    s.split(' ')
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .collect()
}

/// True when two normalised names refer to the same thing: equal, or every
/// significant word of the shorter appears in the longer.
pub fn names_match(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (wa, wb) = (words(a), words(b));
    let (short, long) = if wa.len() <= wb.len() { (wa, wb) } else { (wb, wa) };
    !short.is_empty() && short.iter().all(|w| long.iter().any(|l| l == w || stem_eq(l, w)))
}

/// Same words in the same order, up to stems.
fn same_words(a: &str, b: &str) -> bool {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    wa.len() == wb.len() && wa.iter().zip(&wb).all(|(x, y)| x == y || stem_eq(x, y))
}

/// `idempotency` ~ `idempotence`, `secrets` ~ `secret`.
fn stem_eq(a: &str, b: &str) -> bool {
    let n = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    n >= 6 && n + 3 >= a.len().max(b.len())
}

/// The principles plans answer to: constitution.md's when it defines any,
/// mapped onto TOML principles by meaning (see [`resolve_explained`]);
/// otherwise the TOML ones.
pub fn resolve(doc: Option<&ConstitutionDoc>, toml: &TomlConstitution) -> Vec<Principle> {
    resolve_explained(doc, toml).principles
}

/// The principles, and for a constitution.md one note per principle saying
/// which TOML principle it took and why.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    pub principles: Vec<Principle>,
    /// One per constitution.md principle, in document order; empty when the
    /// TOML constitution is used.
    pub mapping: Vec<MappingNote>,
}

/// How one constitution.md principle was mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingNote {
    pub numeral: Option<String>,
    pub title: String,
    /// The TOML principle it took, if any.
    pub id: Option<Arc<str>>,
    /// Why: `heading: "GitOps"`, `body: "Argo CD", "reconcile"`,
    /// `constable.toml [principles]`, or why nothing matched.
    pub reason: String,
}

impl MappingNote {
    /// `II. GitOps Workflow`.
    pub fn shown(&self) -> String {
        match &self.numeral {
            Some(n) => format!("{n}. {}", self.title),
            None => self.title.clone(),
        }
    }

    /// `II. GitOps Workflow → gitops (heading: "GitOps")`.
    pub fn line(&self) -> String {
        let to = self.id.as_deref().unwrap_or("nothing");
        format!("{} → {to} ({})", self.shown(), self.reason)
    }
}

/// How well a constitution.md principle matches a TOML principle. Compared
/// field by field: a heading equal to a name beats heading terms, which beat
/// body terms; the body breaks ties between headings.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    /// Words of the title or alias the heading equals (0: none).
    exact: usize,
    /// Words of the distinct terms and names the heading contains.
    heading: usize,
    /// Distinct terms the body contains (counted only from two).
    body: usize,
}

struct Match {
    score: Score,
    reason: String,
}

/// Inline code, fenced code and link targets: paths and commands, not prose
/// (`docs/testing.md` is not about documentation).
static CODE_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)```.*?```|~~~.*?~~~|`[^`\n]*`|\]\([^)\s]*\)|https?://\S+").expect("valid regex")
});

/// A word reduced to its stem for term matching: `Immutability` and
/// `immutable`, `documented` and `documentation`, `secrets` and `secret`.
fn stem(w: &str) -> &str {
    const SUFFIXES: &[&str] = &[
        "ibility", "ability", "iation", "ations", "ation", "ently", "encies", "ences", "ency", "ence", "ent",
        "able", "ible", "ings", "ing", "ies", "ed", "es", "ly", "s", "e",
    ];
    for suf in SUFFIXES {
        if let Some(rest) = w.strip_suffix(suf) {
            if rest.chars().count() >= 4 {
                return rest;
            }
        }
    }
    w
}

/// Normalised, stemmed words.
fn stems(s: &str) -> Vec<String> {
    normalise_name(s)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| stem(w).to_string())
        .collect()
}

/// True when the word sequence `needle` occurs in `hay`.
fn contains_seq(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A term with its stemmed words; terms with the same stems are one term.
struct Term {
    shown: String,
    key: Vec<String>,
}

fn terms_of(p: &crate::rules::PrincipleDef, with_names: bool) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::new();
    let names: Vec<&str> = if with_names {
        p.names().collect()
    } else {
        Vec::new()
    };
    for t in p.terms.iter().map(String::as_str).chain(names) {
        let key = stems(t);
        if !key.is_empty() && !out.iter().any(|o| o.key == key) {
            out.push(Term {
                shown: t.to_string(),
                key,
            });
        }
    }
    out
}

fn quoted(terms: &[&str]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Score every (constitution.md principle, TOML principle) pair.
fn score_all(d: &ConstitutionDoc, toml: &TomlConstitution) -> Vec<Vec<Option<Match>>> {
    let text = d.doc.text();
    let headings: Vec<Vec<String>> = d.principles.iter().map(|dp| stems(&dp.name)).collect();
    let bodies: Vec<Vec<String>> = d
        .principles
        .iter()
        .map(|dp| stems(&CODE_SPAN.replace_all(text.get(dp.body.clone()).unwrap_or(""), " ")))
        .collect();
    let n = d.principles.len();
    toml_scores(&d.principles, &headings, &bodies, toml, n)
}

fn toml_scores(
    principles: &[DocPrinciple],
    headings: &[Vec<String>],
    bodies: &[Vec<String>],
    toml: &TomlConstitution,
    n: usize,
) -> Vec<Vec<Option<Match>>> {
    let mut out: Vec<Vec<Option<Match>>> = (0..n).map(|_| Vec::new()).collect();
    for p in &toml.principles {
        let heading_terms = terms_of(p, true);
        let body_terms = terms_of(p, false);
        // A term in the bodies of more than a third of the principles (and
        // at least three) says nothing about any one of them.
        let common: Vec<bool> = body_terms
            .iter()
            .map(|t| {
                let k = bodies.iter().filter(|b| contains_seq(b, &t.key)).count();
                k >= 3 && k * 3 > n
            })
            .collect();
        for (i, dp) in principles.iter().enumerate() {
            let name = normalise_name(&dp.name);
            let exact = p
                .names()
                .filter(|nm| same_words(&normalise_name(nm), &name))
                .map(|nm| normalise_name(nm).split(' ').count())
                .max();
            let in_heading: Vec<&Term> = heading_terms
                .iter()
                .filter(|t| contains_seq(&headings[i], &t.key))
                .collect();
            let in_body: Vec<&str> = body_terms
                .iter()
                .zip(&common)
                .filter(|(t, c)| !**c && contains_seq(&bodies[i], &t.key))
                .map(|(t, _)| t.shown.as_str())
                .collect();
            let body = if in_body.len() >= 2 { in_body.len() } else { 0 };
            let score = Score {
                exact: exact.unwrap_or(0),
                heading: in_heading.iter().map(|t| t.key.len()).sum(),
                body,
            };
            let reason = if exact.is_some() {
                format!("heading: {}", quoted(&[dp.name.as_str()]))
            } else if !in_heading.is_empty() {
                let shown: Vec<&str> = in_heading.iter().map(|t| t.shown.as_str()).collect();
                format!("heading: {}", quoted(&shown))
            } else {
                format!("body: {}", quoted(&in_body))
            };
            let m =
                (score.exact > 0 || score.heading > 0 || score.body > 0).then_some(Match { score, reason });
            out[i].push(m);
        }
    }
    out
}

/// True when an explicit `[principles]` key names this principle: its
/// numeral (`II`), its title, or both (`II. GitOps Workflow`).
pub fn key_matches(key: &str, dp: &DocPrinciple) -> bool {
    let key = key.trim();
    if dp.numeral.as_deref() == Some(key) {
        return true;
    }
    let (num, name) = split_numeral(key);
    if num.is_some() && num != dp.numeral {
        return false;
    }
    let name = normalise_name(&name);
    !name.is_empty() && name == normalise_name(&dp.name)
}

/// Map constitution.md principles onto TOML principles. An explicit
/// `[principles]` entry wins; otherwise each principle takes the TOML
/// principle its heading, and then its body, matches best (see
/// `rules/k3s-gitops.toml`). Each TOML principle goes to at most one
/// constitution.md principle, the best match; equal best matches take
/// nothing. Deterministic: pairs are taken best first, ties in TOML order.
pub fn resolve_explained(doc: Option<&ConstitutionDoc>, toml: &TomlConstitution) -> Resolution {
    let from_toml =
        |p: &crate::rules::PrincipleDef, origin: Origin, numeral: Option<String>, title: String| {
            let mut names: Vec<String> = p.names().map(normalise_name).collect();
            let own = normalise_name(&title);
            if !names.contains(&own) {
                names.insert(0, own);
            }
            Principle {
                id: p.id.clone(),
                numeral,
                title,
                names,
                evidence: p.evidence.clone(),
                severity: p.severity,
                origin,
            }
        };
    let d = match doc {
        Some(d) if !d.principles.is_empty() && !d.is_unfilled() => d,
        _ => {
            return Resolution {
                principles: toml
                    .principles
                    .iter()
                    .map(|p| from_toml(p, Origin::Toml, None, p.title.clone()))
                    .collect(),
                mapping: Vec::new(),
            }
        }
    };
    let n = d.principles.len();
    // chosen[i] = (TOML index or None, reason); settled once decided.
    let mut chosen: Vec<Option<(Option<usize>, String)>> = vec![None; n];
    let mut taken: Vec<Option<usize>> = vec![None; toml.principles.len()];
    for m in &toml.mapping {
        let Some(i) = d.principles.iter().position(|dp| key_matches(&m.key, dp)) else {
            continue;
        };
        if chosen[i].is_some() {
            continue;
        }
        let target =
            m.id.as_ref()
                .and_then(|id| toml.principles.iter().position(|p| p.id == *id));
        if let Some(t) = target {
            if taken[t].is_some() {
                continue;
            }
            taken[t] = Some(i);
        }
        chosen[i] = Some((target, "constable.toml [principles]".to_string()));
    }
    let scores = score_all(d, toml);
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, row) in scores.iter().enumerate() {
        for (j, m) in row.iter().enumerate() {
            if m.is_some() {
                pairs.push((i, j));
            }
        }
    }
    let score = |&(i, j): &(usize, usize)| &scores[i][j].as_ref().expect("scored pair").score;
    pairs.sort_by(|a, b| score(b).cmp(score(a)).then(a.1.cmp(&b.1)).then(a.0.cmp(&b.0)));
    // Why a principle lost a TOML principle it matched, for its note.
    let mut lost: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut k = 0;
    while k < pairs.len() {
        let mut end = k;
        while end < pairs.len() && score(&pairs[end]) == score(&pairs[k]) {
            end += 1;
        }
        let group: Vec<(usize, usize)> = pairs[k..end]
            .iter()
            .copied()
            .filter(|&(i, j)| chosen[i].is_none() && taken[j].is_none())
            .collect();
        let mut tied: Vec<usize> = Vec::new();
        for &(i, j) in &group {
            let rivals: Vec<&(usize, usize)> = group
                .iter()
                .filter(|&&(a, b)| (a, b) != (i, j) && (a == i || b == j))
                .collect();
            if rivals.is_empty() {
                continue;
            }
            if !tied.contains(&i) {
                tied.push(i);
                let why = |a: usize, b: usize| {
                    format!(
                        "{} for `{}`",
                        scores[a][b].as_ref().expect("scored pair").reason,
                        toml.principles[b].id
                    )
                };
                let mut with: Vec<String> = vec![why(i, j)];
                for &&(a, b) in &rivals {
                    with.push(if a == i {
                        why(a, b)
                    } else {
                        format!("{} for `{}`", shown_doc(&d.principles[a]), toml.principles[b].id)
                    });
                }
                chosen[i] = Some((None, format!("tie: {}, so no mapping", with.join(" = "))));
            }
        }
        for &(i, j) in &group {
            if tied.contains(&i) || chosen[i].is_some() || taken[j].is_some() {
                continue;
            }
            taken[j] = Some(i);
            let mut reason = scores[i][j].as_ref().expect("scored pair").reason.clone();
            if !lost[i].is_empty() {
                reason.push_str(&format!("; {}", lost[i].join("; ")));
            }
            chosen[i] = Some((Some(j), reason));
        }
        // Pairs whose TOML principle went to a better match.
        for &(i, j) in &pairs[k..end] {
            if chosen[i].is_none() {
                if let Some(w) = taken[j] {
                    if w != i {
                        lost[i].push(format!(
                            "`{}` went to {}, a better match",
                            toml.principles[j].id,
                            shown_doc(&d.principles[w]),
                        ));
                    }
                }
            }
        }
        k = end;
    }
    let ids: Vec<&str> = toml.principles.iter().map(|p| &*p.id).collect();
    let mut principles = Vec::new();
    let mut mapping = Vec::new();
    for (i, dp) in d.principles.iter().enumerate() {
        let name = normalise_name(&dp.name);
        let origin = Origin::Document {
            heading: dp.heading.clone(),
        };
        let (target, reason) = chosen[i].clone().unwrap_or_else(|| {
            let why = if lost[i].is_empty() {
                "no principle's title, alias or terms in the heading, nor two terms in the body".to_string()
            } else {
                lost[i].join("; ")
            };
            (None, why)
        });
        match target {
            Some(j) => {
                let p = &toml.principles[j];
                principles.push(from_toml(p, origin, dp.numeral.clone(), dp.name.clone()));
                mapping.push(MappingNote {
                    numeral: dp.numeral.clone(),
                    title: dp.name.clone(),
                    id: Some(p.id.clone()),
                    reason,
                });
            }
            None => {
                // Its own id, never one of the TOML principles' (which would
                // turn their rules on).
                let mut id = name.replace(' ', "-");
                if ids.contains(&id.as_str()) {
                    id = format!("{id}-{}", dp.numeral.as_deref().unwrap_or("doc").to_lowercase());
                }
                principles.push(Principle {
                    id: Arc::from(id.as_str()),
                    numeral: dp.numeral.clone(),
                    title: dp.name.clone(),
                    names: vec![name],
                    evidence: Vec::new(),
                    severity: Severity::Error,
                    origin,
                });
                mapping.push(MappingNote {
                    numeral: dp.numeral.clone(),
                    title: dp.name.clone(),
                    id: None,
                    reason,
                });
            }
        }
    }
    Resolution { principles, mapping }
}

fn shown_doc(dp: &DocPrinciple) -> String {
    match &dp.numeral {
        Some(n) => format!("{n}. {}", dp.name),
        None => dp.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibm_principles_are_scoped_by_section() {
        let md = "# Lab Principles\n\n## Cloud Architecture Principles\n\n### I. Private by Default\n\nx\n\n### 2. Tagged Resources\n\ny\n\n## IaC Code Principles\n\n### I. Pinned Providers (NON-NEGOTIABLE)\n\nz\n\n## Governance\n\n### Amendments\n";
        let d = ConstitutionDoc::parse(Plan::parse(crate::source::SourceFile::new(
            ".specify/memory/principles.md",
            md,
        )));
        let got: Vec<_> = d
            .principles
            .iter()
            .map(|p| (p.numeral.clone().unwrap_or_default(), p.name.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Cloud I".to_string(), "Private by Default".to_string()),
                ("Cloud II".to_string(), "Tagged Resources".to_string()),
                ("IaC I".to_string(), "Pinned Providers".to_string()),
            ]
        );
        // Labels written with their scope cite the scoped numeral.
        assert_eq!(
            split_numeral("Cloud I. Private by Default"),
            (Some("Cloud I".to_string()), "Private by Default".to_string())
        );
        assert_eq!(
            split_numeral("IAC II - Validated"),
            (Some("IaC II".to_string()), "Validated".to_string())
        );
        // A name that starts with a Roman letter is not a numeral.
        assert_eq!(split_numeral("Cloud IAM Roles").0, None);
        // Arabic numerals count only inside a scope.
        assert_eq!(scoped_numeral("1. Name", Some("IaC")).0.as_deref(), Some("IaC I"));
        assert_eq!(scoped_numeral("1. Name", None).0, None);
    }

    #[test]
    fn numerals_and_names() {
        assert_eq!(
            split_numeral("II. Namespace Isolation (NON-NEGOTIABLE)"),
            (Some("II".into()), "Namespace Isolation".into())
        );
        assert_eq!(split_numeral("XI — GitOps"), (Some("XI".into()), "GitOps".into()));
        assert_eq!(
            split_numeral("§IV Simplicity"),
            (Some("IV".into()), "Simplicity".into())
        );
        assert_eq!(split_numeral("Idempotency"), (None, "Idempotency".into()));
        assert_eq!(split_numeral("I"), (None, "I".into()));
        assert_eq!(
            split_numeral("III \u{2015} Self\u{2011}Healing"),
            (Some("III".into()), "Self-Healing".into())
        );
        assert_eq!(
            split_numeral("IV \u{2212} Backups"),
            (Some("IV".into()), "Backups".into())
        );
    }

    fn def(id: &str, title: &str, aliases: &[&str], terms: &[&str]) -> crate::rules::PrincipleDef {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        crate::rules::PrincipleDef {
            id: Arc::from(id),
            title: title.into(),
            aliases: v(aliases),
            terms: v(terms),
            gate: String::new(),
            evidence: Vec::new(),
            severity: Severity::Error,
            doc: None,
            source: Arc::from("test"),
        }
    }

    fn pack() -> TomlConstitution {
        TomlConstitution {
            principles: vec![
                def(
                    "gitops",
                    "GitOps Source of Truth",
                    &["GitOps"],
                    &["GitOps", "Flux", "reconcile", "drift", "source of truth"],
                ),
                def(
                    "observability",
                    "Observability",
                    &[],
                    &["monitoring", "alerting", "dashboards", "logs"],
                ),
                def("runbooks", "Runbooks", &[], &["runbooks", "documentation"]),
            ],
            ..TomlConstitution::default()
        }
    }

    fn mapped(md: &str, toml: &TomlConstitution) -> Vec<(String, Option<String>, String)> {
        let doc = ConstitutionDoc::parse(Plan::parse(crate::source::SourceFile::new("c.md", md)));
        resolve_explained(Some(&doc), toml)
            .mapping
            .into_iter()
            .map(|m| (m.shown(), m.id.map(|i| i.to_string()), m.reason))
            .collect()
    }

    #[test]
    fn stems_join_word_forms() {
        assert_eq!(stems("Immutability"), stems("immutable"));
        assert_eq!(stems("documented"), stems("Documentation"));
        assert_eq!(stems("Secrets"), stems("secret"));
        assert_eq!(stems("idempotency"), stems("idempotent"));
        assert_ne!(stems("docs"), stems("documentation"));
    }

    #[test]
    fn heading_then_body_with_two_terms_and_reasons() {
        let md = "# C\n\n## Core Principles\n\n### I. Delivery Pipeline\n\nFlux keeps the cluster \
                  reconciled with Git.\n\n### II. Eyes On\n\nWe read the logs.\n\n\
                  ### III. Calm Nights\n\nDashboards and alerting for every service.\n";
        let m = mapped(md, &pack());
        assert_eq!(m[0].1.as_deref(), Some("gitops"), "{m:?}");
        assert_eq!(m[0].2, "body: \"Flux\", \"reconcile\"");
        // One body term is not enough.
        assert_eq!(m[1].1, None, "{m:?}");
        assert_eq!(m[2].1.as_deref(), Some("observability"), "{m:?}");
        assert_eq!(m[2].2, "body: \"alerting\", \"dashboards\"");
    }

    #[test]
    fn code_and_paths_in_the_body_are_not_prose() {
        let md = "# C\n\n## Core Principles\n\n### I. Layout\n\nSee `docs/runbooks/` and \
                  [the page](docs/documentation.md).\n";
        assert_eq!(mapped(md, &pack())[0].1, None);
    }

    #[test]
    fn a_term_common_to_most_principles_counts_for_none() {
        // "source of truth" and "drift" sit in three of four bodies; without
        // them II names only Flux.
        let body = "It is the source of truth and must not drift.";
        let md = format!(
            "# C\n\n## Core Principles\n\n### I. One\n\n{body}\n\n### II. Two\n\n{body} Flux.\n\n\
             ### III. Three\n\n{body}\n\n### IV. Four\n\nShort.\n"
        );
        let m = mapped(&md, &pack());
        assert!(m.iter().all(|m| m.1.is_none()), "{m:?}");
        // Among ten principles, three bodies are not most: II takes gitops.
        let md = md.replace("### IV. Four", "### IV. Four\n\nShort.\n\n### V. Five\n\nShort.\n\n### VI. Six\n\nShort.\n\n### VII. Seven\n\nShort.\n\n### VIII. Eight\n\nShort.\n\n### IX. Nine\n\nShort.\n\n### X. Ten");
        let m = mapped(&md, &pack());
        assert_eq!(m[1].1.as_deref(), Some("gitops"), "{m:?}");
    }

    #[test]
    fn the_better_match_wins_and_ties_take_nothing() {
        let md = "# C\n\n## Core Principles\n\n### I. GitOps\n\nx\n\n### II. GitOps Source of Truth\n\nx\n\n\
                  ### III. Monitoring and Runbooks\n\nx\n";
        let m = mapped(md, &pack());
        assert_eq!(m[1].1.as_deref(), Some("gitops"));
        assert_eq!(m[0].1, None);
        assert!(
            m[0].2.contains("`gitops` went to II. GitOps Source of Truth"),
            "{}",
            m[0].2
        );
        assert_eq!(m[2].1, None);
        assert!(m[2].2.starts_with("tie: "), "{}", m[2].2);
        // Deterministic: the same answer every time.
        assert_eq!(m, mapped(md, &pack()));
    }

    #[test]
    fn explicit_mapping_wins() {
        let mut toml = pack();
        toml.mapping = vec![
            crate::rules::PrincipleMapping {
                key: "III".into(),
                id: Some(Arc::from("runbooks")),
            },
            crate::rules::PrincipleMapping {
                key: "GitOps Source of Truth".into(),
                id: None,
            },
        ];
        let md = "# C\n\n## Core Principles\n\n### I. GitOps\n\nx\n\n### II. GitOps Source of Truth\n\nx\n\n\
                  ### III. Monitoring and Runbooks\n\nx\n";
        let m = mapped(md, &toml);
        assert_eq!(m[0].1.as_deref(), Some("gitops"), "{m:?}");
        assert_eq!(m[1].1, None);
        assert_eq!(m[1].2, "constable.toml [principles]");
        assert_eq!(m[2].1.as_deref(), Some("runbooks"));
    }

    #[test]
    fn name_matching() {
        let n = normalise_name;
        assert!(names_match(
            &n("Performance Standards"),
            &n("Performance and Scalability Standards")
        ));
        assert!(names_match(
            &n("Least-Privilege & Secrets"),
            &n("Least Privilege and Secrets")
        ));
        assert!(names_match(&n("Idempotency"), &n("Idempotence")));
        assert!(!names_match(&n("Observability"), &n("GitOps Source of Truth")));
    }
}

/// What a gate label refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Citation {
    /// A principle, by index.
    Principle(usize),
    /// Another section of constitution.md (not a principle, but not unknown).
    Section,
    Unknown,
}

/// Resolve a gate label such as `I. GitOps-First`, `§III Test Locally` or
/// `Least-Privilege & Secrets` against the principles. A numeral decides when
/// present; otherwise the best name match.
pub fn cite(label: &str, principles: &[Principle], headings: &[String]) -> Citation {
    let (numeral, name) = split_numeral(label);
    if let Some(n) = &numeral {
        if let Some(i) = principles
            .iter()
            .position(|p| p.numeral.as_deref() == Some(n.as_str()))
        {
            return Citation::Principle(i);
        }
    }
    let name = normalise_name(&name);
    if let Some(i) = principles.iter().position(|p| p.names.contains(&name)) {
        return Citation::Principle(i);
    }
    // Word-subset matches; prefer the principle sharing the most words.
    let best = principles
        .iter()
        .enumerate()
        .filter(|(_, p)| p.names.iter().any(|n| names_match(n, &name)))
        .max_by_key(|(_, p)| {
            p.names
                .iter()
                .map(|n| words(n).iter().filter(|w| words(&name).contains(w)).count())
                .max()
                .unwrap_or(0)
        });
    if let Some((i, _)) = best {
        return Citation::Principle(i);
    }
    if headings.iter().any(|h| names_match(h, &name)) {
        return Citation::Section;
    }
    Citation::Unknown
}

/// True when `text` names the principle: its numeral as a whole token
/// (`Principle II`, `II —`), or one of its names.
pub fn mentions(text: &str, p: &Principle) -> bool {
    if let Some(n) = &p.numeral {
        let whole = text.match_indices(n.as_str()).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + n.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphabetic())
                && !after.is_some_and(|c| c.is_ascii_alphabetic())
        });
        if whole {
            return true;
        }
    }
    let t = normalise_name(text);
    p.names
        .iter()
        .any(|n| !n.is_empty() && (t.contains(n.as_str()) || names_match(n, &t)))
}
