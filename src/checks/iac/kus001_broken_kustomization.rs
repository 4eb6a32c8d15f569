//! KUS001 broken-kustomization: a kustomization that cannot be rendered as
//! written: a cycle, a resource or patch that does not exist, a path that
//! climbs out of the repository, or a patch that does not apply. KUS002
//! kustomization-not-rendered: a remote resource (never fetched) or a
//! feature the native renderer does not run, so what is checked may differ
//! from what `kustomize build` deploys.
//!
//! A kustomization that an Argo CD config management plugin renders is not
//! built by `kustomize build` alone: the plugin first writes files (a
//! `helm template . > all.yaml`) that are not in Git. Its problems are not
//! KUS001 errors but one KUS002 info finding. Such a folder is the `path`
//! of an Argo CD source with a `plugin` (`spec.source`, `spec.sources[]`,
//! an ApplicationSet template, or the same shape in Helm values feeding an
//! app of apps: a mapping with a string `path` and a `plugin` key in it or
//! in one of its child mappings, such as `tool.plugin`), or a folder where a
//! missing resource is a file that a plugin's generate command writes
//! (`> all.yaml` in a `ConfigManagementPlugin` or the `argocd-cm` and
//! `argocd-cmp-cm` ConfigMaps). Kustomizations under that folder count too.

use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::IacDoc;
use crate::render::{ProblemKind, RenderProblem};
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;

pub struct BrokenKustomization;
pub struct NotRendered;

const BROKEN: &[ProblemKind] = &[
    ProblemKind::Cycle,
    ProblemKind::Missing,
    ProblemKind::OutsideRoot,
    ProblemKind::BadPatch,
];

/// A shell redirection into a YAML file (`> all.yaml`).
static WRITES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r">\s*([A-Za-z0-9_./-]+\.ya?ml)\b").expect("valid regex"));

fn clean(path: &str) -> String {
    path.trim()
        .trim_start_matches("./")
        .trim_end_matches('/')
        .to_string()
}

/// The folders an Argo CD source renders through a plugin, with the
/// plugin's name when it has one.
fn plugin_sources(v: &Value, out: &mut BTreeMap<String, Option<String>>) {
    match v {
        Value::Object(m) => {
            if let Some(path) = m.get("path").and_then(Value::as_str) {
                let plugin = m.get("plugin").or_else(|| {
                    m.values()
                        .filter_map(Value::as_object)
                        .find_map(|c| c.get("plugin"))
                });
                if let Some(p) = plugin {
                    let name = p
                        .get("name")
                        .and_then(Value::as_str)
                        .or(p.as_str())
                        .map(str::to_string);
                    if !path.contains("{{") && !path.contains("${") {
                        out.insert(clean(path), name);
                    }
                }
            }
            m.values().for_each(|c| plugin_sources(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| plugin_sources(c, out)),
        _ => {}
    }
}

/// An Argo CD config management plugin's configuration.
fn plugin_config(d: &IacDoc) -> bool {
    d.kind.as_deref() == Some("ConfigManagementPlugin")
        || (d.kind.as_deref() == Some("ConfigMap") && matches!(d.name(), Some("argocd-cm" | "argocd-cmp-cm")))
}

/// What plugins render: source folders (with the plugin's name), and the
/// file names plugins' generate commands write.
struct Plugins {
    folders: BTreeMap<String, Option<String>>,
    /// (file name, the plugin's name when known).
    writes: Vec<(String, Option<String>)>,
}

impl Plugins {
    /// The documents `of` reads something from: plugin sources, and plugin
    /// configurations.
    fn reads(d: &IacDoc) -> bool {
        fn has_plugin(v: &Value) -> bool {
            match v {
                Value::Object(m) => m.contains_key("plugin") || m.values().any(has_plugin),
                Value::Array(a) => a.iter().any(has_plugin),
                _ => false,
            }
        }
        plugin_config(d) || has_plugin(&d.located.value)
    }

    fn of(cx: &IacContext<'_>) -> Plugins {
        let mut folders = BTreeMap::new();
        let mut writes = Vec::new();
        for (_, _, d) in cx.docs() {
            let v = &d.located.value;
            plugin_sources(v, &mut folders);
            let name = d.name().unwrap_or("");
            if plugin_config(d) {
                let mut all = Vec::new();
                crate::render::kustomize::all_strings(v, &mut all);
                for s in all {
                    let plugin =
                        (d.kind.as_deref() == Some("ConfigManagementPlugin")).then(|| name.to_string());
                    writes.extend(WRITES.captures_iter(s).map(|c| {
                        let f = &c[1];
                        (f.rsplit('/').next().unwrap_or(f).to_string(), plugin.clone())
                    }));
                }
            }
        }
        Plugins { folders, writes }
    }

    /// The plugin that renders the kustomization at `path` (Some(None) for
    /// an unnamed one), or None when kustomize renders it.
    fn renders(&self, cx: &IacContext<'_>, p: &RenderProblem) -> Option<Option<String>> {
        let path: &str = &cx.files.get(p.file)?.file.path;
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let named = self.folders.iter().find(|(f, _)| {
            dir == f.as_str() || dir.strip_prefix(f.as_str()).is_some_and(|r| r.starts_with('/'))
        });
        if let Some((_, name)) = named {
            return Some(name.clone());
        }
        if p.kind != ProblemKind::Missing {
            return None;
        }
        self.writes
            .iter()
            .find(|(w, _)| p.message.contains(&format!("/{w}`")) || p.message.contains(&format!("`{w}`")))
            .map(|(_, name)| name.clone())
    }
}

fn span_of(cx: &IacContext<'_>, p: &RenderProblem) -> std::ops::Range<usize> {
    cx.files
        .get(p.file)
        .and_then(|f| f.docs.get(p.doc))
        .map_or(0..0, |d| d.located.span_of(&p.path))
}

fn report(cx: &IacContext<'_>, sink: &mut Sink<'_>, wanted: &[ProblemKind], plugins: Option<&Plugins>) {
    let Some(r) = cx.rendering else {
        return;
    };
    for p in r.problems.iter().filter(|p| wanted.contains(&p.kind)) {
        if cx.files.get(p.file).is_none() || plugins.is_some_and(|pl| pl.renders(cx, p).is_some()) {
            continue;
        }
        sink.report_in(cx.ids[p.file], span_of(cx, p), p.message.clone());
    }
}

/// One KUS002 per kustomization a plugin renders, at its first problem.
fn report_plugins(cx: &IacContext<'_>, sink: &mut Sink<'_>) {
    let Some(r) = cx.rendering else {
        return;
    };
    if !r.problems.iter().any(|p| BROKEN.contains(&p.kind)) {
        return;
    }
    let plugins = Plugins::of(cx);
    let mut by_file: BTreeMap<usize, (Option<String>, Vec<&RenderProblem>)> = BTreeMap::new();
    for p in r.problems.iter().filter(|p| BROKEN.contains(&p.kind)) {
        if let Some(name) = plugins.renders(cx, p) {
            let e = by_file.entry(p.file).or_insert((None, Vec::new()));
            e.0 = e.0.take().or(name);
            e.1.push(p);
        }
    }
    for (file, (name, mut problems)) in by_file {
        problems.sort_by_key(|p| span_of(cx, p).start);
        let Some(first) = problems.first() else {
            continue;
        };
        let plugin = name.map_or("an Argo CD config management plugin".to_string(), |n| {
            format!("the Argo CD config management plugin `{n}`")
        });
        let more = match problems.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        sink.report_in(
            cx.ids[file],
            span_of(cx, first),
            format!(
                "rendered by {plugin}, which constable does not run; as written: {}{more}",
                first.message
            ),
        );
    }
}

impl IacCheck for BrokenKustomization {
    fn cross_file(&self) -> bool {
        true
    }

    fn global(&self) -> bool {
        true
    }

    fn retains(&self, d: &IacDoc) -> bool {
        Plugins::reads(d)
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        // What plugins render is looked for only when something is broken.
        if cx
            .rendering
            .is_some_and(|r| r.problems.iter().any(|p| BROKEN.contains(&p.kind)))
        {
            report(cx, sink, BROKEN, Some(&Plugins::of(cx)));
        }
    }
}

impl IacCheck for NotRendered {
    fn cross_file(&self) -> bool {
        true
    }

    fn global(&self) -> bool {
        true
    }

    fn retains(&self, d: &IacDoc) -> bool {
        Plugins::reads(d)
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        report(cx, sink, &[ProblemKind::Remote, ProblemKind::Unsupported], None);
        report_plugins(cx, sink);
    }
}
