//! The declarative IaC kinds: `query-forbid` and `query-require` (JSONPath
//! over selected documents), `line-forbid` over scripts and workflows,
//! `path-exists` and `companion-file`. Matches are mapped back to YAML/HCL
//! positions.

use super::{selects, IacContext};
use crate::checks::Sink;
use crate::discover::Existence;
use crate::parse::located::Seg;
use crate::rules::{Companion, Pattern, Query, Rule, RuleKind, Select};
use serde_json_path::PathElement;

fn segs(path: &serde_json_path::NormalizedPath<'_>) -> Vec<Seg> {
    path.iter()
        .map(|e| match e {
            PathElement::Name(n) => Seg::Key(n.to_string()),
            PathElement::Index(i) => Seg::Index(*i),
        })
        .collect()
}

fn render(template: &str, matched: &str) -> String {
    template.replace("{match}", matched)
}

fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(o) if o.get("name").is_some_and(|n| n.is_string()) => {
            o["name"].as_str().unwrap_or_default().to_string()
        }
        other => {
            let s = other.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(60).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// Evaluate one declarative IaC rule over the repository.
pub fn evaluate(rule: &Rule, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
    match &rule.kind {
        RuleKind::QueryForbid { queries } => doc_forbid(rule, cx, queries, sink),
        RuleKind::QueryRequire { queries, at } => doc_require(rule, cx, queries, at.as_ref(), sink),
        RuleKind::LineForbid {
            select,
            patterns,
            except,
        } => text_forbid(rule, cx, select, patterns, except.as_ref(), sink),
        RuleKind::PathExists { queries, repo_key } => {
            path_exists(rule, cx, queries, repo_key.as_deref(), sink)
        }
        RuleKind::CompanionFile { glob, companions } => companion_file(rule, cx, glob, companions, sink),
        _ => {}
    }
}

/// The repository paths a declarative IaC rule will ask the disk facts about.
pub fn paths(rule: &Rule, cx: &IacContext<'_>, out: &mut Vec<String>) {
    match &rule.kind {
        RuleKind::PathExists { queries, repo_key } => {
            for (_, _, _, value, _) in path_values(cx, queries, repo_key.as_deref()) {
                out.push(first_segment(&value).to_string());
                out.push(value);
            }
        }
        RuleKind::CompanionFile { glob, companions } => {
            for (folder, _) in companion_folders(cx, glob) {
                let (_, chart_files, wanted) = companion_probe(&folder, companions);
                out.extend(chart_files);
                out.extend(wanted);
            }
        }
        _ => {}
    }
}

fn first_segment(value: &str) -> &str {
    value.trim_start_matches("./").split('/').next().unwrap_or("")
}

fn doc_forbid(rule: &Rule, cx: &IacContext<'_>, queries: &[Query], sink: &mut Sink<'_>) {
    let mut rendered = super::RenderedFindings::default();
    let vendored = super::Vendored::new(cx);
    for q in queries {
        for (i, j, fi, f, d) in cx.docs_at() {
            if cx.hidden(i, j, q.select.rendered)
                || !selects(&q.select, &f.file.path, d)
                || (!q.select.vendored && vendored.file(i))
            {
                continue;
            }
            for node in q.path.query_located(&d.located.value).iter() {
                let mut path = segs(node.location());
                // A matched mapping without a key (a list item) is shown by its `name`.
                if !d.located.has_key(&path) && node.node().get("name").is_some() {
                    path.push(Seg::Key("name".into()));
                }
                let span = d.located.span_of(&path);
                let msg = render(q.message.as_deref().unwrap_or(&rule.message), &shown(node.node()));
                sink.report_in(fi, span, msg);
            }
        }
        if !q.select.rendered {
            continue;
        }
        for r in cx.rendered() {
            if !selects(&q.select, r.leaf, r.doc) || (!q.select.vendored && vendored.object(r.object)) {
                continue;
            }
            for node in q.path.query_located(&r.doc.located.value).iter() {
                let mut path = segs(node.location());
                if node.node().get("name").is_some() && !matches!(path.last(), Some(Seg::Key(_))) {
                    path.push(Seg::Key("name".into()));
                }
                if let Some((fi, span)) = cx.origin_span(r.object, &path) {
                    let msg = render(q.message.as_deref().unwrap_or(&rule.message), &shown(node.node()));
                    rendered.add(fi, span, msg, r.leaf);
                }
            }
        }
    }
    rendered.report(sink);
}

fn doc_require(
    rule: &Rule,
    cx: &IacContext<'_>,
    queries: &[Query],
    at: Option<&serde_json_path::JsonPath>,
    sink: &mut Sink<'_>,
) {
    let vendored = super::Vendored::new(cx);
    for (i, j, fi, f, d) in cx.docs_at() {
        if cx.hidden(i, j, false) {
            continue;
        }
        let selected: Vec<&Query> = queries
            .iter()
            .filter(|q| selects(&q.select, &f.file.path, d) && (q.select.vendored || !vendored.file(i)))
            .collect();
        if selected.is_empty()
            || selected
                .iter()
                .any(|q| !q.path.query(&d.located.value).is_empty())
        {
            continue;
        }
        let anchor = at
            .and_then(|a| {
                a.query_located(&d.located.value)
                    .iter()
                    .next()
                    .map(|n| segs(n.location()))
            })
            .map(|p| d.located.span_of(&p))
            .unwrap_or_else(|| d.located.span_of(&[Seg::Key("kind".into())]));
        sink.report_in(fi, anchor, render(&rule.message, d.name().unwrap_or("")));
    }
}

fn text_forbid(
    rule: &Rule,
    cx: &IacContext<'_>,
    select: &Select,
    patterns: &[Pattern],
    except: Option<&crate::rules::LazyRegex>,
    sink: &mut Sink<'_>,
) {
    for (fi, f) in cx.files() {
        let path: &str = &f.file.path;
        let class_ok = select.classes.is_empty() || f.docs.iter().any(|d| select.classes.contains(&d.class));
        let path_ok = select.paths.as_ref().is_none_or(|g| g.is_match(path));
        if !class_ok || !path_ok || (select.classes.is_empty() && select.paths.is_none()) {
            continue;
        }
        let text: &str = &f.file.text;
        for line in 1..=f.file.index.line_count() {
            let r = f.file.index.line_range(text, line);
            let l = &text[r.clone()];
            if l.trim_start().starts_with('#') || except.is_some_and(|e| e.is_match(l)) {
                continue;
            }
            for p in patterns {
                if let Some(m) = p.regex.find(l) {
                    let sev = p.severity.unwrap_or(rule.severity);
                    sink.report_in_with(
                        fi,
                        r.start + m.start()..r.start + m.end(),
                        sev,
                        render(p.message.as_deref().unwrap_or(&rule.message), m.as_str()),
                    );
                    break;
                }
            }
        }
    }
}

/// `https://github.com/a/b.git/` -> `github.com/a/b`.
fn normalise_repo(url: &str) -> String {
    let u = url
        .trim()
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .to_lowercase();
    let u = u.split("://").last().unwrap_or(&u).to_string();
    let u = u
        .strip_prefix("git@")
        .map(|r| r.replacen(':', "/", 1))
        .unwrap_or(u);
    u.rsplit_once('@').map_or(u.clone(), |(_, host)| host.to_string())
}

/// Every (file, doc, path segs, value, repo) the queries name.
type PathValue<'c> = (
    crate::finding::FileId,
    &'c crate::parse::iac::IacDoc,
    Vec<Seg>,
    String,
    Option<String>,
);

fn path_values<'c>(cx: &'c IacContext<'_>, queries: &[Query], repo_key: Option<&str>) -> Vec<PathValue<'c>> {
    let mut found = Vec::new();
    for (fi, f, d) in cx.docs() {
        for q in queries {
            if !selects(&q.select, &f.file.path, d) {
                continue;
            }
            for node in q.path.query_located(&d.located.value).iter() {
                let Some(value) = node.node().as_str() else {
                    continue;
                };
                let value = value.trim().to_string();
                if value.is_empty() || value.contains("{{") || value.contains("${") {
                    continue;
                }
                let path = segs(node.location());
                let repo = repo_key.and_then(|k| {
                    let parent = &path[..path.len().saturating_sub(1)];
                    let mut v = &d.located.value;
                    for s in parent {
                        v = match s {
                            Seg::Key(k) => v.get(k)?,
                            Seg::Index(i) => v.get(*i)?,
                        };
                    }
                    v.get(k).and_then(|r| r.as_str()).map(normalise_repo)
                });
                found.push((fi, d, path, value, repo));
            }
        }
    }
    found
}

fn path_exists(
    rule: &Rule,
    cx: &IacContext<'_>,
    queries: &[Query],
    repo_key: Option<&str>,
    sink: &mut Sink<'_>,
) {
    let found = path_values(cx, queries, repo_key);
    // This repository's own URLs: those whose paths exist here at least once.
    let own: std::collections::BTreeSet<&String> = found
        .iter()
        .filter(|(_, _, _, v, _)| cx.facts.exists(v) == Existence::Exists)
        .filter_map(|(_, _, _, _, r)| r.as_ref())
        .collect();
    for (fi, d, path, value, repo) in &found {
        if let Some(r) = repo {
            if !own.is_empty() && !own.contains(r) {
                continue;
            }
        }
        // Without that evidence: a path whose first folder is not here most
        // likely belongs to another repository.
        let first = first_segment(value);
        let here = first.is_empty()
            || first == "."
            || first == ".."
            || value.starts_with('/')
            || cx.facts.exists(first) != Existence::Missing;
        if own.is_empty() && !here {
            continue;
        }
        let span = d.located.value_span_of(path);
        match cx.facts.exists(value) {
            Existence::Exists | Existence::Ignored => {}
            Existence::Missing => {
                sink.report_in(*fi, span, render(&rule.message, value));
            }
            Existence::Outside => {
                sink.report_in(
                    *fi,
                    span,
                    format!("`{value}` points outside the repository; constable does not follow it"),
                );
            }
        }
    }
}

/// Child folder names that lay out one application (Kustomize bases and
/// overlays, a chart's parts, per-environment folders): a folder holding
/// them is an application, not a group of applications.
const APP_LAYOUT: &[&str] = &[
    "base",
    "bases",
    "overlay",
    "overlays",
    "component",
    "components",
    "env",
    "envs",
    "environment",
    "environments",
    "templates",
    "charts",
    "crds",
    "manifests",
    "resources",
    "kustomize",
    "helm",
    "patches",
    "values",
    "config",
    "configs",
    "dev",
    "development",
    "staging",
    "stage",
    "prod",
    "production",
    "test",
    "testing",
    "local",
    "common",
    "shared",
];

/// Application folders: the folders matching the glob among the IaC files'
/// parent folders, each with the file to report on (its kustomization.yaml
/// when it has one, else its first file). A matched folder with no IaC file
/// of its own whose subfolders are not an application's layout (`base`,
/// `overlays`, …) only groups applications (`apps/<namespace>/<app>/`):
/// its subfolders are the applications, not it.
fn companion_folders(
    cx: &IacContext<'_>,
    matcher: &globset::GlobMatcher,
) -> std::collections::BTreeMap<String, crate::finding::FileId> {
    use std::collections::{BTreeMap, BTreeSet, HashSet};
    // Sorted by path, so that a folder's files are one range; each keeps
    // its place in the context's order, which decides ties.
    let mut paths: Vec<(&str, crate::finding::FileId, usize)> = cx
        .files()
        .enumerate()
        .map(|(i, (fi, f))| (&*f.file.path, fi, i))
        .collect();
    paths.sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.2.cmp(&b.2)));
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (path, _, _) in &paths {
        let mut dir = *path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            // A folder seen before: so were all of its parents.
            if !seen.insert(parent) {
                break;
            }
            if matcher.is_match(parent) {
                matched.insert(parent);
            }
            dir = parent;
        }
    }
    let mut apps: BTreeMap<String, crate::finding::FileId> = BTreeMap::new();
    let mut todo: Vec<String> = matched.iter().map(|m| m.to_string()).collect();
    while let Some(folder) = todo.pop() {
        let prefix = format!("{folder}/");
        let lo = paths.partition_point(|(p, _, _)| *p < prefix.as_str());
        let hi = lo + paths[lo..].partition_point(|(p, _, _)| p.starts_with(prefix.as_str()));
        let inside: Vec<(&str, crate::finding::FileId, usize)> = paths[lo..hi]
            .iter()
            .map(|(p, fi, i)| (&p[prefix.len()..], *fi, *i))
            .collect();
        let own = inside.iter().any(|(rest, _, _)| !rest.contains('/'));
        let children: BTreeSet<&str> = inside
            .iter()
            .filter_map(|(rest, _, _)| rest.split_once('/').map(|(c, _)| c))
            .collect();
        let layout = children
            .iter()
            .any(|c| APP_LAYOUT.contains(&c.to_ascii_lowercase().as_str()));
        if !own && !layout && !children.is_empty() {
            todo.extend(children.iter().map(|c| format!("{folder}/{c}")));
            continue;
        }
        // Its own kustomization, else the shallowest one inside, else its first file.
        let is_kus = |rest: &str| {
            let base = rest.rsplit('/').next().unwrap_or(rest);
            matches!(base, "kustomization.yaml" | "kustomization.yml")
        };
        let file = inside
            .iter()
            .filter(|(rest, _, _)| is_kus(rest))
            .min_by_key(|(rest, _, i)| (rest.matches('/').count(), *i))
            .or(inside.iter().min_by_key(|(_, _, i)| *i))
            .map(|(_, fi, _)| *fi);
        if let Some(fi) = file {
            apps.insert(folder, fi);
        }
    }
    apps
}

/// For a folder: its name, the Chart.yaml paths of its parent (a chart's own
/// folders are not applications), and the places its companion may be.
fn companion_probe(folder: &str, companions: &[Companion]) -> (String, Vec<String>, Vec<String>) {
    let name = folder.rsplit('/').next().unwrap_or(folder).to_string();
    let parent = folder.rsplit_once('/').map_or("", |(p, _)| p);
    let charts = ["Chart.yaml", "Chart.yml"]
        .iter()
        .map(|c| {
            if parent.is_empty() {
                c.to_string()
            } else {
                format!("{parent}/{c}")
            }
        })
        .collect();
    let wanted = companions
        .iter()
        .map(|c| {
            c.path
                .replace("{name}", &name)
                .replace("{app}", folder)
                .replace("{path}", folder)
        })
        .collect();
    (name, charts, wanted)
}

fn companion_file(
    rule: &Rule,
    cx: &IacContext<'_>,
    matcher: &globset::GlobMatcher,
    companions: &[Companion],
    sink: &mut Sink<'_>,
) {
    for (folder, fi) in companion_folders(cx, matcher) {
        let (name, charts, wanted) = companion_probe(&folder, companions);
        // Inside a Helm chart (`apps/Chart.yaml`), `apps/templates` is the
        // chart's own folder, not an application.
        let chart_child = charts.iter().any(|c| cx.facts.exists(c) == Existence::Exists);
        if chart_child || matches!(name.as_str(), "templates" | "charts" | "crds") {
            continue;
        }
        let found = companions.iter().zip(&wanted).any(|(c, w)| {
            cx.facts.exists(w) == Existence::Exists
                && c.heading
                    .as_ref()
                    .is_none_or(|h| cx.facts.headings(w).iter().any(|t| h.is_match(t)))
        });
        if !found {
            let first = wanted.first().map_or("", String::as_str);
            let msg = render(&rule.message, first).replace("{folder}", &folder);
            sink.report_in(fi, 0..0, msg);
        }
    }
}
