//! The Kustomize model: discover kustomizations, resolve their resources,
//! bases and components, then run generators and transformers in the order
//! kustomize's `KustTarget` does (`api/internal/target`: accumulate
//! resources, then components, then generators, then the builtin
//! transformers). Each kustomization is rendered once and memoised.

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;
use serde_json::{Map, Value};

use super::origin::{Node, Rec};
use super::{json6902, smp, InputFile, Kustomization, ProblemKind, RenderProblem, RenderedObject, Rendering};
use crate::parse::located::Seg;

/// The file names kustomize recognises, in its order of preference
/// (`konfig.RecognizedKustomizationFileNames`).
const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Kinds the namespace transformer leaves alone (cluster-scoped).
const CLUSTER_SCOPED: [&str; 14] = [
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "IngressClass",
    "RuntimeClass",
    "CSIDriver",
    "ClusterIssuer",
];

fn kseg(s: &str) -> Seg {
    Seg::Key(s.to_string())
}

fn path_of(parts: &[&str]) -> Vec<Seg> {
    parts.iter().map(|p| kseg(p)).collect()
}

fn with(base: &[Seg], more: &[Seg]) -> Vec<Seg> {
    let mut v = base.to_vec();
    v.extend_from_slice(more);
    v
}

/// An object being rendered.
#[derive(Debug, Clone)]
struct Obj {
    value: Value,
    tree: Node,
    /// Names it had before `namePrefix`/`nameSuffix`: patches and selectors
    /// match those too, as kustomize matches a resource's original id.
    prior_names: Vec<String>,
}

impl Obj {
    fn kind(&self) -> &str {
        self.value.get("kind").and_then(Value::as_str).unwrap_or("")
    }
    fn name(&self) -> &str {
        self.value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    fn namespace(&self) -> Option<&str> {
        self.value.pointer("/metadata/namespace").and_then(Value::as_str)
    }
    fn has_name(&self, name: &str) -> bool {
        self.name() == name || self.prior_names.iter().any(|n| n == name)
    }
    fn root_rec(&self) -> Rec {
        self.tree.rec.clone().expect("objects have a root origin")
    }

    /// Set the field at `path` (creating maps on the way), written by `rec`.
    fn set(&mut self, path: &[&str], value: Value, rec: Rec) {
        let mut cur = &mut self.value;
        for p in path {
            if !cur.is_object() {
                *cur = Value::Object(Map::new());
            }
            cur = cur
                .as_object_mut()
                .expect("just made a map")
                .entry(p.to_string())
                .or_insert(Value::Null);
        }
        *cur = value;
        let (node, _) = self.tree.descend(&path_of(path));
        *node = Node::at(rec);
    }
}

fn get_mut<'v>(v: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    let mut cur = v;
    for s in path {
        cur = match (s, cur) {
            (Seg::Key(key), Value::Object(m)) => m.get_mut(key)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Where a reference points, before looking at the input.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    Path(String),
    Remote,
    Outside,
}

/// kustomize accepts go-getter URLs and `github.com/owner/repo//dir?ref=x`
/// forms for remote bases (`api/internal/git/repospec.go`).
fn is_remote(r: &str) -> bool {
    r.contains("://")
        || r.starts_with("git@")
        || r.starts_with("git::")
        || r.contains("?ref=")
        || r.contains("?version=")
        || ["github.com/", "gitlab.com/", "bitbucket.org/"]
            .iter()
            .any(|h| r.starts_with(h))
}

/// Join `reference` to the folder `dir` and normalise it without the disk.
fn place(dir: &str, reference: &str) -> Place {
    let r = reference.trim();
    if is_remote(r) {
        return Place::Remote;
    }
    if r.starts_with('/') {
        return Place::Outside;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in r.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Place::Outside;
                }
            }
            s => parts.push(s),
        }
    }
    Place::Path(parts.join("/"))
}

/// True for a file the renderer reads as a kustomization.
pub fn is_kustomization_file(path: &str) -> bool {
    FILE_NAMES.contains(&path.rsplit('/').next().unwrap_or(path))
}

/// Every string in a value, depth first.
pub fn all_strings<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Object(m) => m.values().for_each(|c| all_strings(c, out)),
        Value::Array(a) => a.iter().for_each(|c| all_strings(c, out)),
        _ => {}
    }
}

/// Every repository path a kustomization file's documents could name: each
/// string in them, placed against the file's folder. A superset of the
/// files the renderer reads through it (resources, patches, components,
/// generators), so that a file outside every such set is known, before it
/// is parsed, never to be rendered, patched or consumed.
pub fn named_paths(kustomization: &str, docs: &[&Value], out: &mut Vec<String>) {
    let dir = parent_dir(kustomization);
    let mut all = Vec::new();
    for d in docs {
        all_strings(d, &mut all);
    }
    for s in all {
        if let Place::Path(p) = place(dir, s) {
            out.push(p);
        }
    }
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn normalise_dir(d: &str) -> String {
    match place("", d) {
        Place::Path(p) => p,
        _ => d.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    File(usize),
    Kust(usize),
}

/// One resolved `resources`/`bases`/`components` entry.
#[derive(Debug, Clone)]
struct Entry {
    at: Vec<Seg>,
    target: Target,
    component: bool,
    dropped: bool,
}

/// A parsed patch document and the origin of its root.
struct PatchDoc {
    value: Value,
    rec: Rec,
}

/// A kustomize `Selector` (`api/types/selector.go`): group, version and kind
/// compare exactly, name and namespace are anchored regexes, and label and
/// annotation selectors use the Kubernetes label-selector syntax.
struct Selector {
    group: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Vec<Req>,
    annotations: Vec<Req>,
}

#[derive(Debug, PartialEq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

fn parse_requirements(s: &str) -> Vec<Req> {
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&s[start..]);
    let set = |v: &str| -> Vec<String> {
        v.trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    };
    terms
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            if let Some(key) = t.strip_prefix('!') {
                Req::NotExists(key.trim().to_string())
            } else if let Some((key, v)) = t.split_once(" notin ") {
                Req::NotIn(key.trim().to_string(), set(v))
            } else if let Some((key, v)) = t.split_once(" in ") {
                Req::In(key.trim().to_string(), set(v))
            } else if let Some((key, v)) = t.split_once("!=") {
                Req::NotEq(key.trim().to_string(), v.trim().to_string())
            } else if let Some((key, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
                Req::Eq(key.trim().to_string(), v.trim().to_string())
            } else {
                Req::Exists(t.to_string())
            }
        })
        .collect()
}

fn requirements_hold(reqs: &[Req], map: Option<&Value>) -> bool {
    let val = |key: &str| map.and_then(|m| m.get(key)).and_then(Value::as_str);
    reqs.iter().all(|r| match r {
        Req::Eq(key, v) => val(key) == Some(v.as_str()),
        Req::NotEq(key, v) => val(key) != Some(v.as_str()),
        Req::In(key, vs) => val(key).is_some_and(|x| vs.iter().any(|v| v == x)),
        Req::NotIn(key, vs) => !val(key).is_some_and(|x| vs.iter().any(|v| v == x)),
        Req::Exists(key) => val(key).is_some(),
        Req::NotExists(key) => val(key).is_none(),
    })
}

impl Selector {
    fn parse(v: &Value) -> Result<Selector, String> {
        let s = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
        let re = |key: &str| -> Result<Option<Regex>, String> {
            s(key)
                .map(|p| {
                    Regex::new(&format!("^(?:{p})$"))
                        .map_err(|e| format!("target {key} `{p}` is not a valid regex: {e}"))
                })
                .transpose()
        };
        Ok(Selector {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
            name: re("name")?,
            namespace: re("namespace")?,
            labels: s("labelSelector").map_or_else(Vec::new, |x| parse_requirements(&x)),
            annotations: s("annotationSelector").map_or_else(Vec::new, |x| parse_requirements(&x)),
        })
    }

    fn selects(&self, o: &Obj) -> bool {
        let api = o.value.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        eq(&self.group, group)
            && eq(&self.version, version)
            && eq(&self.kind, o.kind())
            && self
                .name
                .as_ref()
                .is_none_or(|r| r.is_match(o.name()) || o.prior_names.iter().any(|n| r.is_match(n)))
            && self
                .namespace
                .as_ref()
                .is_none_or(|r| r.is_match(o.namespace().unwrap_or("default")))
            && requirements_hold(&self.labels, o.value.pointer("/metadata/labels"))
            && requirements_hold(&self.annotations, o.value.pointer("/metadata/annotations"))
    }
}

/// Standard base64 (RFC 4648), as kustomize writes generated Secret data.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Image reference parts, as kustomize's `image.Split`: the name, then the
/// tag or digest suffix (with its `:` or `@`).
fn split_image(image: &str) -> (&str, &str) {
    let end = image.find('@').unwrap_or(image.len());
    let slash = image[..end].rfind('/').map_or(0, |i| i + 1);
    match image[slash..end].rfind(':') {
        Some(c) => image.split_at(slash + c),
        None => image.split_at(end),
    }
}

struct Ctx<'a, 'b> {
    files: &'a [InputFile<'b>],
    is_dir: &'a dyn Fn(&str) -> bool,
    by_path: BTreeMap<&'b str, usize>,
    by_dir: BTreeMap<String, usize>,
    by_file: BTreeMap<usize, usize>,
    kusts: Vec<Kustomization>,
    entries: Vec<Vec<Entry>>,
    memo: Vec<Option<Vec<Obj>>>,
    out: Rendering,
}

/// Render every kustomization among `files`.
///
/// `is_dir(rel)` says whether a repository-relative folder exists (used
/// only to tell "folder without kustomization" from "missing"). `deployed`
/// holds folders an Argo CD Application or Flux Kustomization deploys
/// directly: they are leaves even when another kustomization includes them.
pub fn render(
    files: &[InputFile<'_>],
    is_dir: &dyn Fn(&str) -> bool,
    deployed: &BTreeSet<String>,
) -> Rendering {
    let deployed: BTreeSet<String> = deployed.iter().map(|d| normalise_dir(d)).collect();
    let mut cx = Ctx {
        files,
        is_dir,
        by_path: files.iter().enumerate().map(|(i, f)| (f.path, i)).collect(),
        by_dir: BTreeMap::new(),
        by_file: BTreeMap::new(),
        kusts: Vec::new(),
        entries: Vec::new(),
        memo: Vec::new(),
        out: Rendering::default(),
    };
    cx.discover(&deployed);
    cx.resolve_entries();
    let order = cx.order();
    for &k in &order {
        if !cx.kusts[k].component {
            let objs = cx.build(k, Vec::new());
            cx.memo[k] = Some(objs);
        }
    }
    // Leaves without a memo (components) are built first, while every memo
    // is still there; then each leaf takes its memo instead of copying it.
    let leaves: Vec<usize> = (0..cx.kusts.len()).filter(|&k| cx.kusts[k].leaf).collect();
    let mut built: BTreeMap<usize, Vec<Obj>> = BTreeMap::new();
    for &k in &leaves {
        if cx.memo[k].is_none() {
            let objs = cx.build(k, Vec::new());
            built.insert(k, objs);
        }
    }
    for k in leaves {
        let objs = built.remove(&k).or_else(|| cx.memo[k].take()).unwrap_or_default();
        let rendered = objs
            .into_iter()
            .map(|o| RenderedObject {
                value: o.value,
                origins: o.tree,
            })
            .collect();
        cx.out.leaves.push((k, rendered));
    }
    cx.out.kustomizations = cx.kusts;
    cx.out.problems.sort();
    cx.out.problems.dedup();
    cx.out
}

impl Ctx<'_, '_> {
    fn doc(&self, k: usize) -> &Value {
        self.files[self.kusts[k].file].docs[0]
    }

    fn problem(&mut self, k: usize, path: Vec<Seg>, kind: ProblemKind, message: String) {
        self.out.problems.push(RenderProblem {
            file: self.kusts[k].file,
            doc: 0,
            path,
            message,
            kind,
        });
    }

    /// Every kustomization file; one per folder, by kustomize's preference.
    fn discover(&mut self, deployed: &BTreeSet<String>) {
        let mut best: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (i, f) in self.files.iter().enumerate() {
            let base = f.path.rsplit('/').next().unwrap_or(f.path);
            let Some(rank) = FILE_NAMES.iter().position(|n| *n == base) else {
                continue;
            };
            let Some(doc) = f.docs.first().filter(|d| d.is_object()) else {
                continue;
            };
            // A Flux Kustomization saved as kustomization.yaml is a
            // Kubernetes object, not a kustomize file.
            let api = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("");
            if api.starts_with("kustomize.toolkit.fluxcd.io/") {
                continue;
            }
            let dir = parent_dir(f.path);
            if best.get(dir).is_none_or(|&(r, _)| rank < r) {
                best.insert(dir, (rank, i));
            }
        }
        let mut chosen: Vec<usize> = best.values().map(|&(_, i)| i).collect();
        chosen.sort_unstable();
        for file in chosen {
            let dir = parent_dir(self.files[file].path).to_string();
            let doc = &self.files[file].docs[0];
            let component = doc.get("kind").and_then(Value::as_str) == Some("Component");
            let idx = self.kusts.len();
            self.by_dir.insert(dir.clone(), idx);
            self.by_file.insert(file, idx);
            self.kusts.push(Kustomization {
                file,
                deployed: deployed.contains(&dir),
                dir,
                component,
                leaf: false,
                included_by: Vec::new(),
            });
        }
        self.memo = vec![None; self.kusts.len()];
    }

    /// Resolve a resource or component reference.
    fn resolve(&mut self, k: usize, at: &[Seg], reference: &str) -> Option<Target> {
        let dir = self.kusts[k].dir.clone();
        match place(&dir, reference) {
            Place::Remote => {
                self.problem(
                    k,
                    at.to_vec(),
                    ProblemKind::Remote,
                    format!("remote resource `{reference}` is not fetched; its objects are not checked"),
                );
                None
            }
            Place::Outside => {
                self.problem(
                    k,
                    at.to_vec(),
                    ProblemKind::OutsideRoot,
                    format!("`{reference}` is outside the repository"),
                );
                None
            }
            Place::Path(p) => {
                if let Some(&f) = self.by_path.get(p.as_str()) {
                    return Some(match self.by_file.get(&f) {
                        Some(&k2) => Target::Kust(k2),
                        None => Target::File(f),
                    });
                }
                if let Some(&k2) = self.by_dir.get(&p) {
                    return Some(Target::Kust(k2));
                }
                let message = if (self.is_dir)(&p) {
                    format!("folder `{reference}` has no kustomization.yaml")
                } else if might_be_input(&p) {
                    format!("`{reference}` does not exist")
                } else {
                    // A `.json` resource exists or not: we were not given it.
                    return None;
                };
                self.problem(k, at.to_vec(), ProblemKind::Missing, message);
                None
            }
        }
    }

    /// Resolve a file a patch or generator names.
    fn resolve_file(&mut self, k: usize, at: &[Seg], reference: &str, report_missing: bool) -> Option<usize> {
        let dir = self.kusts[k].dir.clone();
        match place(&dir, reference) {
            Place::Path(p) => match self.by_path.get(p.as_str()) {
                Some(&f) => Some(f),
                None => {
                    if report_missing && might_be_input(&p) {
                        self.problem(
                            k,
                            at.to_vec(),
                            ProblemKind::Missing,
                            format!("`{reference}` does not exist"),
                        );
                    }
                    None
                }
            },
            // Same messages as for resources.
            _ => {
                self.resolve(k, at, reference);
                None
            }
        }
    }

    /// `resources` and `bases` (kustomize treats `bases` as resources),
    /// then `components`, for every kustomization.
    fn resolve_entries(&mut self) {
        for k in 0..self.kusts.len() {
            let mut list = Vec::new();
            for (key, component) in [("resources", false), ("bases", false), ("components", true)] {
                let refs: Vec<(usize, String)> = self
                    .doc(k)
                    .get(key)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .enumerate()
                            .filter_map(|(i, v)| Some((i, v.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default();
                for (i, r) in refs {
                    let at = vec![kseg(key), Seg::Index(i)];
                    if let Some(target) = self.resolve(k, &at, &r) {
                        list.push(Entry {
                            at,
                            target,
                            component,
                            dropped: false,
                        });
                    }
                }
            }
            self.consume_configs(k);
            for e in &list {
                if let Target::Kust(t) = e.target {
                    if !self.kusts[t].included_by.contains(&k) {
                        self.kusts[t].included_by.push(k);
                    }
                }
            }
            self.entries.push(list);
        }
        for kz in &mut self.kusts {
            kz.leaf = kz.deployed || (kz.included_by.is_empty() && !kz.component);
        }
    }

    /// Files named by `generators`, `transformers`, `validators`,
    /// `configurations`, `crds` and `replacements[].path` are plugin or
    /// schema configuration, not manifests: consumed, not rendered (custom
    /// generators and transformers are not run).
    fn consume_configs(&mut self, k: usize) {
        let mut refs: Vec<(Vec<Seg>, String)> = Vec::new();
        for key in [
            "generators",
            "transformers",
            "validators",
            "configurations",
            "crds",
        ] {
            for (i, v) in self.list(k, key).iter().enumerate() {
                if let Some(s) = v.as_str() {
                    refs.push((vec![kseg(key), Seg::Index(i)], s.to_string()));
                }
            }
        }
        for (i, v) in self.list(k, "replacements").iter().enumerate() {
            if let Some(s) = v.get("path").and_then(Value::as_str) {
                refs.push((
                    vec![kseg("replacements"), Seg::Index(i), kseg("path")],
                    s.to_string(),
                ));
            }
        }
        for key in [
            "helmCharts",
            "helmChartInflationGenerator",
            "generators",
            "transformers",
            "replacements",
            "vars",
        ] {
            let present = match self.doc(k).get(key) {
                Some(Value::Array(a)) => !a.is_empty(),
                Some(Value::Null) | None => false,
                Some(_) => true,
            };
            if present {
                self.problem(
                    k,
                    vec![kseg(key)],
                    ProblemKind::Unsupported,
                    format!("`{key}` is not applied; objects rendered from this kustomization may differ from kustomize's"),
                );
            }
        }
        for (at, r) in refs {
            if r.contains('\n') {
                continue; // an inline plugin configuration
            }
            if let Some(f) = self.resolve_file(k, &at, &r, false) {
                if !self.by_file.contains_key(&f) {
                    for d in 0..self.files[f].docs.len() {
                        self.out.consumed.insert((f, d));
                    }
                }
            }
        }
    }

    /// Post-order of the include graph (children first), found without
    /// recursion. An edge back to a folder on the current path is a cycle:
    /// reported at the entry that closes it, and dropped.
    fn order(&mut self) -> Vec<usize> {
        let n = self.kusts.len();
        let mut colour = vec![0u8; n];
        let mut order = Vec::with_capacity(n);
        for start in 0..n {
            if colour[start] != 0 {
                continue;
            }
            colour[start] = 1;
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            while let Some(&(k, i)) = stack.last() {
                if i >= self.entries[k].len() {
                    colour[k] = 2;
                    order.push(k);
                    stack.pop();
                    continue;
                }
                stack.last_mut().expect("non-empty").1 += 1;
                let Target::Kust(t) = self.entries[k][i].target else {
                    continue;
                };
                match colour[t] {
                    0 => {
                        colour[t] = 1;
                        stack.push((t, 0));
                    }
                    1 => {
                        self.entries[k][i].dropped = true;
                        let from = stack.iter().position(|&(s, _)| s == t).unwrap_or(0);
                        let mut chain: Vec<String> = stack[from..]
                            .iter()
                            .map(|&(s, _)| display_dir(&self.kusts[s].dir))
                            .collect();
                        chain.push(display_dir(&self.kusts[t].dir));
                        let at = self.entries[k][i].at.clone();
                        self.problem(
                            k,
                            at,
                            ProblemKind::Cycle,
                            format!("kustomization cycle: {}", chain.join(" -> ")),
                        );
                    }
                    _ => {}
                }
            }
        }
        order
    }

    /// Objects of one document (a `List` gives its items).
    fn objects_of(&self, f: usize, d: usize) -> Vec<Obj> {
        let doc = &self.files[f].docs[d];
        let Some(kind) = doc.get("kind").and_then(Value::as_str) else {
            return Vec::new();
        };
        let obj = |value: &Value, path: Vec<Seg>| Obj {
            value: value.clone(),
            tree: Node::at(Rec::new(f, d, path, false)),
            prior_names: Vec::new(),
        };
        match doc.get("items").and_then(Value::as_array) {
            Some(items) if kind.ends_with("List") => items
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_object())
                .map(|(i, v)| obj(v, vec![kseg("items"), Seg::Index(i)]))
                .collect(),
            _ => vec![obj(doc, Vec::new())],
        }
    }

    /// Render kustomization `k` on top of `input` (empty, except for a
    /// component, which transforms what its parent accumulated so far).
    fn build(&mut self, k: usize, input: Vec<Obj>) -> Vec<Obj> {
        let mut objs = input;
        let entries = self.entries[k].clone();
        for e in entries.iter().filter(|e| !e.component && !e.dropped) {
            match e.target {
                Target::File(f) => {
                    for d in 0..self.files[f].docs.len() {
                        self.out.consumed.insert((f, d));
                        objs.extend(self.objects_of(f, d));
                    }
                }
                Target::Kust(t) => {
                    if let Some(o) = &self.memo[t] {
                        objs.extend(o.iter().cloned());
                    }
                }
            }
        }
        // accumulateComponents: each component transforms the accumulation.
        for e in entries.iter().filter(|e| e.component && !e.dropped) {
            if let Target::Kust(t) = e.target {
                objs = self.build(t, objs);
            }
        }
        self.generate(k, &mut objs);
        // configureBuiltinTransformers order.
        self.patches_strategic_merge(k, &mut objs);
        self.patches(k, &mut objs);
        self.namespace(k, &mut objs);
        self.prefix_suffix(k, &mut objs);
        self.labels(k, &mut objs);
        self.annotations(k, &mut objs);
        self.patches_json6902(k, &mut objs);
        self.replicas(k, &mut objs);
        self.images(k, &mut objs);
        objs
    }

    fn list(&self, k: usize, key: &str) -> Vec<Value> {
        self.doc(k)
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }

    fn kfile(&self, k: usize) -> usize {
        self.kusts[k].file
    }

    // ---- generators (ConfigMapGenerator, SecretGenerator) ----

    fn generate(&mut self, k: usize, objs: &mut Vec<Obj>) {
        let kf = self.kfile(k);
        let global = self.doc(k).get("generatorOptions").cloned();
        for (key, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
            for (i, g) in self.list(k, key).iter().enumerate() {
                let Some(name) = g.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let at = vec![kseg(key), Seg::Index(i)];
                let mut obj = Obj {
                    value: serde_json::json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}}),
                    tree: Node::at(Rec::new(kf, 0, at.clone(), true)),
                    prior_names: Vec::new(),
                };
                if let Some(ns) = g.get("namespace").and_then(Value::as_str) {
                    obj.set(
                        &["metadata", "namespace"],
                        ns.into(),
                        Rec::new(kf, 0, with(&at, &[kseg("namespace")]), true),
                    );
                }
                if kind == "Secret" {
                    let t = g.get("type").and_then(Value::as_str).unwrap_or("Opaque");
                    obj.value["type"] = t.into();
                }
                for opts in [global.as_ref(), g.get("options")].into_iter().flatten() {
                    for meta in ["labels", "annotations"] {
                        if let Some(m) = opts.get(meta).and_then(Value::as_object) {
                            for (lk, lv) in m {
                                obj.set(&["metadata", meta, lk], lv.clone(), obj.root_rec());
                            }
                        }
                    }
                }
                let mut data = Map::new();
                let literals = g
                    .get("literals")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (j, lit) in literals.iter().enumerate() {
                    let Some((lk, lv)) = lit.as_str().and_then(|s| s.split_once('=')) else {
                        continue;
                    };
                    // kustomize strips one pair of surrounding quotes.
                    let lv = lv
                        .strip_prefix('"')
                        .and_then(|x| x.strip_suffix('"'))
                        .or_else(|| lv.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                        .unwrap_or(lv);
                    let v = if kind == "Secret" {
                        base64(lv.as_bytes())
                    } else {
                        lv.to_string()
                    };
                    data.insert(lk.trim().to_string(), v.into());
                    obj.tree.child_mut(&kseg("data")).keys.insert(
                        lk.trim().to_string(),
                        Node::at(Rec::new(
                            kf,
                            0,
                            with(&at, &[kseg("literals"), Seg::Index(j)]),
                            true,
                        )),
                    );
                }
                // files/envs are referenced, not read: a YAML file among the
                // input used as generator data is not a manifest.
                for src in ["files", "envs", "env"] {
                    let list: Vec<(usize, String)> = match g.get(src) {
                        Some(Value::Array(a)) => a
                            .iter()
                            .enumerate()
                            .filter_map(|(j, v)| Some((j, v.as_str()?.to_string())))
                            .collect(),
                        Some(Value::String(s)) => vec![(0, s.clone())],
                        _ => Vec::new(),
                    };
                    for (j, s) in list {
                        let file = s.split_once('=').map_or(s.as_str(), |(_, p)| p);
                        let fat = with(&at, &[kseg(src), Seg::Index(j)]);
                        if let Some(f) = self.resolve_file(k, &fat, file, false) {
                            for d in 0..self.files[f].docs.len() {
                                self.out.consumed.insert((f, d));
                            }
                        }
                    }
                }
                if !data.is_empty() {
                    obj.value["data"] = Value::Object(data);
                }
                let behavior = g.get("behavior").and_then(Value::as_str).unwrap_or("create");
                let existing = objs.iter().position(|o| o.kind() == kind && o.has_name(name));
                match (behavior, existing) {
                    ("merge", Some(p)) => {
                        let target = &mut objs[p];
                        if let Some(Value::Object(new)) = obj.value.get("data") {
                            for (dk, dv) in new {
                                target.value["data"][dk] = dv.clone();
                                let n = obj.tree.resolve(&[kseg("data"), kseg(dk)]);
                                target.tree.child_mut(&kseg("data")).keys.insert(
                                    dk.clone(),
                                    Node::at(Rec {
                                        origin: n,
                                        exact: true,
                                    }),
                                );
                            }
                        }
                    }
                    ("replace", Some(p)) => objs[p] = obj,
                    _ => objs.push(obj),
                }
            }
        }
    }

    // ---- patches ----

    /// The documents of a patch given by `path` or inline `patch`.
    fn patch_docs(&mut self, k: usize, at: &[Seg], entry: &Value) -> Vec<PatchDoc> {
        if let Some(p) = entry.get("path").and_then(Value::as_str) {
            return self.patch_file(k, &with(at, &[kseg("path")]), p);
        }
        if let Some(s) = entry.get("patch").and_then(Value::as_str) {
            return self.inline_patch(k, &with(at, &[kseg("patch")]), s);
        }
        // A bare string is read as a path, as `patchesStrategicMerge` entries
        // are: the file is a patch either way, never a manifest of its own.
        if let Some(p) = entry.as_str() {
            return self.patch_file(k, at, p);
        }
        self.problem(
            k,
            at.to_vec(),
            ProblemKind::BadPatch,
            "patch entry has neither a `path` nor a `patch` string".into(),
        );
        Vec::new()
    }

    fn patch_file(&mut self, k: usize, at: &[Seg], reference: &str) -> Vec<PatchDoc> {
        let Some(f) = self.resolve_file(k, at, reference, true) else {
            return Vec::new();
        };
        self.out.patch_files.insert(f);
        self.files[f]
            .docs
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_null())
            .map(|(d, v)| PatchDoc {
                value: (*v).clone(),
                rec: Rec::new(f, d, Vec::new(), false),
            })
            .collect()
    }

    /// An inline patch is YAML inside a YAML string: nothing inside it has
    /// a reliable position, so all of it points at the key.
    fn inline_patch(&mut self, k: usize, at: &[Seg], text: &str) -> Vec<PatchDoc> {
        match crate::parse::yaml::parse_yaml(text) {
            Ok(docs) => docs
                .into_iter()
                .filter(|d| !d.value.is_null())
                .map(|d| PatchDoc {
                    value: d.value,
                    rec: Rec::new(self.kfile(k), 0, at.to_vec(), true),
                })
                .collect(),
            Err(e) => {
                self.problem(
                    k,
                    at.to_vec(),
                    ProblemKind::BadPatch,
                    format!("inline patch does not parse: {}", e.message),
                );
                Vec::new()
            }
        }
    }

    /// Apply one patch document: a list is a JSON 6902 patch, a map a
    /// strategic merge patch (kustomize's PatchTransformer tells them apart
    /// the same way). Without a selector, a strategic merge patch applies to
    /// the object its own kind, name and namespace name.
    fn apply(&mut self, k: usize, at: &[Seg], pd: &PatchDoc, sel: Option<&Selector>, objs: &mut Vec<Obj>) {
        let bad = |cx: &mut Self, msg: String| cx.problem(k, at.to_vec(), ProblemKind::BadPatch, msg);
        match &pd.value {
            Value::Array(_) => {
                let patch = match json6902::parse(&pd.value) {
                    Ok(p) => p,
                    Err(e) => return bad(self, e),
                };
                let Some(sel) = sel else {
                    return bad(self, "a JSON 6902 patch needs a `target`".into());
                };
                for o in objs.iter_mut().filter(|o| sel.selects(o)) {
                    if let Err(e) = json6902::apply(&mut o.value, &mut o.tree, &patch, &pd.rec) {
                        let msg = format!("{e} on {} {}", o.kind(), o.name());
                        bad(self, msg);
                    }
                }
            }
            Value::Object(pm) => {
                let hits: Vec<usize> = match sel {
                    Some(sel) => (0..objs.len()).filter(|&i| sel.selects(&objs[i])).collect(),
                    None => {
                        let kind = pm.get("kind").and_then(Value::as_str);
                        let name = pd.value.pointer("/metadata/name").and_then(Value::as_str);
                        let ns = pd.value.pointer("/metadata/namespace").and_then(Value::as_str);
                        let (Some(kind), Some(name)) = (kind, name) else {
                            return bad(
                                self,
                                "patch has no `kind` and `metadata.name`, and no `target`".into(),
                            );
                        };
                        let hits: Vec<usize> = (0..objs.len())
                            .filter(|&i| {
                                let o = &objs[i];
                                o.kind() == kind
                                    && o.has_name(name)
                                    && ns.is_none_or(|ns| o.namespace().unwrap_or("default") == ns)
                            })
                            .collect();
                        if hits.is_empty() {
                            return bad(self, format!("patch matches no object: no {kind} named `{name}`"));
                        }
                        hits
                    }
                };
                if smp::deletes_object(&pd.value) {
                    for i in hits.into_iter().rev() {
                        objs.remove(i);
                    }
                    return;
                }
                // The header selects; it does not rename (kustomize keeps
                // the target's id).
                let mut body = pm.clone();
                body.remove("apiVersion");
                body.remove("kind");
                if let Some(Value::Object(meta)) = body.get_mut("metadata") {
                    meta.remove("name");
                    meta.remove("namespace");
                }
                for i in hits {
                    let o = &mut objs[i];
                    let rec = o.root_rec();
                    if let Some(m) = o.value.as_object_mut() {
                        smp::merge_map(m, &mut o.tree, &rec, &body, &pd.rec);
                    }
                }
            }
            _ => bad(self, "patch is neither a mapping nor a list of operations".into()),
        }
    }

    fn selector(&mut self, k: usize, at: &[Seg], entry: &Value) -> Result<Option<Selector>, ()> {
        match entry.get("target") {
            None | Some(Value::Null) => Ok(None),
            Some(t) => match Selector::parse(t) {
                Ok(s) => Ok(Some(s)),
                Err(e) => {
                    self.problem(k, with(at, &[kseg("target")]), ProblemKind::BadPatch, e);
                    Err(())
                }
            },
        }
    }

    /// `patchesStrategicMerge`: each entry a file path or an inline patch.
    fn patches_strategic_merge(&mut self, k: usize, objs: &mut Vec<Obj>) {
        for (i, e) in self.list(k, "patchesStrategicMerge").iter().enumerate() {
            let Some(s) = e.as_str() else { continue };
            let at = vec![kseg("patchesStrategicMerge"), Seg::Index(i)];
            let docs = if s.contains('\n') {
                self.inline_patch(k, &at, s)
            } else {
                self.patch_file(k, &at, s)
            };
            for pd in &docs {
                self.apply(k, &at, pd, None, objs);
            }
        }
    }

    /// `patches`: `path` or `patch`, optional `target`.
    fn patches(&mut self, k: usize, objs: &mut Vec<Obj>) {
        for (i, e) in self.list(k, "patches").iter().enumerate() {
            let at = vec![kseg("patches"), Seg::Index(i)];
            let Ok(sel) = self.selector(k, &at, e) else {
                continue;
            };
            let docs = self.patch_docs(k, &at, e);
            let pat = if e.get("patch").is_some() {
                with(&at, &[kseg("patch")])
            } else {
                with(&at, &[kseg("path")])
            };
            for pd in &docs {
                self.apply(k, &pat, pd, sel.as_ref(), objs);
            }
        }
    }

    /// `patchesJson6902`: `target` and `path` or `patch`.
    fn patches_json6902(&mut self, k: usize, objs: &mut Vec<Obj>) {
        for (i, e) in self.list(k, "patchesJson6902").iter().enumerate() {
            let at = vec![kseg("patchesJson6902"), Seg::Index(i)];
            let Ok(sel) = self.selector(k, &at, e) else {
                continue;
            };
            if sel.is_none() {
                self.problem(
                    k,
                    at.clone(),
                    ProblemKind::BadPatch,
                    "`patchesJson6902` entry has no `target`".into(),
                );
                continue;
            }
            for pd in &self.patch_docs(k, &at, e) {
                if !pd.value.is_array() {
                    self.problem(
                        k,
                        at.clone(),
                        ProblemKind::BadPatch,
                        "not a list of JSON 6902 operations".into(),
                    );
                    continue;
                }
                self.apply(k, &at, pd, sel.as_ref(), objs);
            }
        }
    }

    // ---- transformers ----

    /// NamespaceTransformer: `metadata.namespace` on namespaced objects.
    fn namespace(&mut self, k: usize, objs: &mut [Obj]) {
        let Some(ns) = self
            .doc(k)
            .get("namespace")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return;
        };
        let rec = Rec::new(self.kfile(k), 0, vec![kseg("namespace")], true);
        for o in objs.iter_mut().filter(|o| !CLUSTER_SCOPED.contains(&o.kind())) {
            o.set(&["metadata", "namespace"], ns.clone().into(), rec.clone());
        }
    }

    /// PrefixSuffixTransformer on `metadata.name` (references to the old
    /// names are not rewritten). The name keeps its base origin.
    fn prefix_suffix(&mut self, k: usize, objs: &mut [Obj]) {
        let get = |key: &str| {
            self.doc(k)
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (prefix, suffix) = (get("namePrefix"), get("nameSuffix"));
        if prefix.is_empty() && suffix.is_empty() {
            return;
        }
        for o in objs.iter_mut() {
            let old = o.name().to_string();
            if old.is_empty() {
                continue;
            }
            o.prior_names.push(old.clone());
            o.value["metadata"]["name"] = format!("{prefix}{old}{suffix}").into();
        }
    }

    /// Where labels and annotations go in each kind besides `metadata`
    /// (kustomize's default commonLabels / commonAnnotations field specs,
    /// for the kinds the checks read): (selector paths, template paths).
    fn label_paths(kind: &str) -> (Vec<&'static [&'static str]>, Vec<&'static [&'static str]>) {
        match kind {
            "Service" => (vec![&["spec", "selector"]], vec![]),
            "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => (
                vec![&["spec", "selector", "matchLabels"]],
                vec![&["spec", "template", "metadata"]],
            ),
            "ReplicationController" => (
                vec![&["spec", "selector"]],
                vec![&["spec", "template", "metadata"]],
            ),
            "Job" => (vec![], vec![&["spec", "template", "metadata"]]),
            "CronJob" => (
                vec![],
                vec![&["spec", "jobTemplate", "spec", "template", "metadata"]],
            ),
            _ => (vec![], vec![]),
        }
    }

    fn add_labels(
        objs: &mut [Obj],
        pairs: &Map<String, Value>,
        rec_of: &dyn Fn(&str) -> Rec,
        selectors: bool,
        templates: bool,
    ) {
        for o in objs.iter_mut() {
            let (sels, tmpls) = Self::label_paths(o.kind());
            for (lk, lv) in pairs {
                o.set(&["metadata", "labels", lk], lv.clone(), rec_of(lk));
                if selectors {
                    for s in &sels {
                        let p: Vec<&str> = s.iter().copied().chain([lk.as_str()]).collect();
                        o.set(&p, lv.clone(), rec_of(lk));
                    }
                }
                if selectors || templates {
                    for t in &tmpls {
                        let p: Vec<&str> = t.iter().copied().chain(["labels", lk.as_str()]).collect();
                        o.set(&p, lv.clone(), rec_of(lk));
                    }
                }
            }
        }
    }

    /// LabelTransformer: `labels` entries, then `commonLabels` (which
    /// always includes selectors).
    fn labels(&mut self, k: usize, objs: &mut [Obj]) {
        let kf = self.kfile(k);
        for (i, l) in self.list(k, "labels").iter().enumerate() {
            let Some(pairs) = l.get("pairs").and_then(Value::as_object) else {
                continue;
            };
            let flag = |f: &str| l.get(f).and_then(Value::as_bool).unwrap_or(false);
            let rec_of = |lk: &str| {
                Rec::new(
                    kf,
                    0,
                    vec![kseg("labels"), Seg::Index(i), kseg("pairs"), kseg(lk)],
                    true,
                )
            };
            Self::add_labels(
                objs,
                pairs,
                &rec_of,
                flag("includeSelectors"),
                flag("includeTemplates"),
            );
        }
        if let Some(pairs) = self.doc(k).get("commonLabels").and_then(Value::as_object) {
            let rec_of = |lk: &str| Rec::new(kf, 0, vec![kseg("commonLabels"), kseg(lk)], true);
            Self::add_labels(objs, pairs, &rec_of, true, true);
        }
    }

    /// AnnotationsTransformer: metadata and pod templates.
    fn annotations(&mut self, k: usize, objs: &mut [Obj]) {
        let kf = self.kfile(k);
        let Some(pairs) = self.doc(k).get("commonAnnotations").and_then(Value::as_object) else {
            return;
        };
        for o in objs.iter_mut() {
            let (_, tmpls) = Self::label_paths(o.kind());
            for (ak, av) in pairs {
                let rec = Rec::new(kf, 0, vec![kseg("commonAnnotations"), kseg(ak)], true);
                o.set(&["metadata", "annotations", ak], av.clone(), rec.clone());
                for t in &tmpls {
                    let p: Vec<&str> = t.iter().copied().chain(["annotations", ak.as_str()]).collect();
                    o.set(&p, av.clone(), rec.clone());
                }
            }
        }
    }

    /// ReplicaCountTransformer: `spec.replicas` of the named workloads.
    fn replicas(&mut self, k: usize, objs: &mut [Obj]) {
        let kf = self.kfile(k);
        for (i, r) in self.list(k, "replicas").iter().enumerate() {
            let (Some(name), Some(count)) = (r.get("name").and_then(Value::as_str), r.get("count")) else {
                continue;
            };
            let rec = Rec::new(kf, 0, vec![kseg("replicas"), Seg::Index(i), kseg("count")], true);
            for o in objs.iter_mut().filter(|o| {
                ["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"].contains(&o.kind())
                    && o.has_name(name)
            }) {
                o.set(&["spec", "replicas"], count.clone(), rec.clone());
            }
        }
    }

    /// ImageTagTransformer, one per `images` entry: every `image` under a
    /// `containers` or `initContainers` list whose name matches.
    fn images(&mut self, k: usize, objs: &mut [Obj]) {
        let kf = self.kfile(k);
        for (i, img) in self.list(k, "images").iter().enumerate() {
            let Some(name) = img.get("name").and_then(Value::as_str) else {
                continue;
            };
            let s = |key: &str| img.get(key).and_then(Value::as_str);
            let new_tag = s("newTag").map(str::to_string).or_else(|| {
                // newTag: 1.2 is a YAML number.
                img.get("newTag").filter(|v| v.is_number()).map(|v| v.to_string())
            });
            let (new_name, digest) = (s("newName"), s("digest"));
            let which = if digest.is_some() {
                "digest"
            } else if new_tag.is_some() {
                "newTag"
            } else if new_name.is_some() {
                "newName"
            } else {
                continue;
            };
            let rec = Rec::new(kf, 0, vec![kseg("images"), Seg::Index(i), kseg(which)], true);
            for o in objs.iter_mut() {
                let mut hits = Vec::new();
                find_images(&o.value, &mut Vec::new(), &mut hits);
                for path in hits {
                    let Some(v) = get_mut(&mut o.value, &path) else {
                        continue;
                    };
                    let Some(old) = v.as_str() else { continue };
                    let (old_name, suffix) = split_image(old);
                    if old_name != name {
                        continue;
                    }
                    let base = new_name.unwrap_or(old_name);
                    let new = match (digest, &new_tag) {
                        (Some(d), _) => format!("{base}@{d}"),
                        (None, Some(t)) => format!("{base}:{t}"),
                        (None, None) => format!("{base}{suffix}"),
                    };
                    *v = new.into();
                    let (node, _) = o.tree.descend(&path);
                    *node = Node::at(rec.clone());
                }
            }
        }
    }
}

/// Paths of every `image` string in an element of a `containers` or
/// `initContainers` list, anywhere in the object.
fn find_images(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(m) => {
            for (key, child) in m {
                path.push(kseg(key));
                if let ("containers" | "initContainers", Value::Array(items)) = (key.as_str(), child) {
                    for (i, c) in items.iter().enumerate() {
                        if c.get("image").is_some_and(Value::is_string) {
                            out.push(with(path, &[Seg::Index(i), kseg("image")]));
                        }
                    }
                }
                find_images(child, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                find_images(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Could this path be among the input files (YAML, or a folder)? Other
/// files (`.json` resources and patches) are never read, so whether they
/// exist is unknown: they are not reported as missing.
fn might_be_input(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".yaml") || name.ends_with(".yml") || !name.contains('.') || name == "Kustomization"
}

fn display_dir(d: &str) -> String {
    if d.is_empty() {
        ".".to_string()
    } else {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places() {
        assert_eq!(
            place("apps/web/overlays/prod", "../../base"),
            Place::Path("apps/web/base".into())
        );
        assert_eq!(place("", "./a/./b/"), Place::Path("a/b".into()));
        assert_eq!(place("a", "../../x"), Place::Outside);
        assert_eq!(place("a", "/etc/x"), Place::Outside);
        for r in [
            "https://github.com/o/r//deploy?ref=v1",
            "github.com/o/r/deploy?ref=main",
            "git@github.com:o/r.git",
            "git::https://example.com/r.git",
        ] {
            assert_eq!(place("a", r), Place::Remote, "{r}");
        }
    }

    #[test]
    fn label_selector_syntax() {
        let reqs = parse_requirements("app=web, tier!=db,env in (prod, stage),!legacy,team");
        assert_eq!(
            reqs,
            vec![
                Req::Eq("app".into(), "web".into()),
                Req::NotEq("tier".into(), "db".into()),
                Req::In("env".into(), vec!["prod".into(), "stage".into()]),
                Req::NotExists("legacy".into()),
                Req::Exists("team".into()),
            ]
        );
        let labels = serde_json::json!({"app": "web", "env": "prod", "team": "x"});
        assert!(requirements_hold(&reqs, Some(&labels)));
        let labels = serde_json::json!({"app": "web", "env": "dev", "team": "x"});
        assert!(!requirements_hold(&reqs, Some(&labels)));
    }

    #[test]
    fn image_split_and_base64() {
        assert_eq!(split_image("nginx"), ("nginx", ""));
        assert_eq!(split_image("nginx:1.25"), ("nginx", ":1.25"));
        assert_eq!(split_image("reg:5000/team/app:v1"), ("reg:5000/team/app", ":v1"));
        assert_eq!(split_image("reg:5000/app"), ("reg:5000/app", ""));
        assert_eq!(split_image("app@sha256:ab"), ("app", "@sha256:ab"));
        assert_eq!(split_image("app:1.2@sha256:ab"), ("app", ":1.2@sha256:ab"));
        assert_eq!(
            split_image("reg:5000/app@sha256:ab"),
            ("reg:5000/app", "@sha256:ab")
        );
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"hunter2"), "aHVudGVyMg==");
    }
}
