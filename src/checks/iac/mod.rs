//! Checks over the IaC files a plan points to: the declarative kinds
//! (`query-forbid`, `query-require`, `line-forbid`, `path-exists`,
//! `companion-file`) and the procedural checks, one file each (registered in
//! `checks::REGISTRY`).

use crate::checks::Sink;
use crate::discover::DiskFacts;
use crate::parse::iac::{DocClass, IacDoc, IacFile};
use crate::rules::Select;
use serde_json::Value;
use std::collections::BTreeMap;

/// Findings on rendered objects, grouped by the source place they point at,
/// with the leaf kustomizations where each occurs: one finding per place.
#[derive(Default)]
pub struct RenderedFindings {
    found: BTreeMap<(crate::finding::FileId, usize, usize, String), Vec<String>>,
}

impl RenderedFindings {
    pub fn add(
        &mut self,
        file: crate::finding::FileId,
        span: std::ops::Range<usize>,
        message: String,
        leaf: &str,
    ) {
        let leaves = self
            .found
            .entry((file, span.start, span.end, message))
            .or_default();
        if !leaves.iter().any(|l| l == leaf) {
            leaves.push(leaf.to_string());
        }
    }

    /// Report each place once, naming the overlays where the defect is.
    pub fn report(self, sink: &mut Sink<'_>) {
        for ((file, start, end, message), mut leaves) in self.found {
            leaves.sort();
            let list: Vec<String> = leaves.iter().map(|l| format!("`{l}`")).collect();
            let what = if leaves.len() == 1 {
                "kustomization"
            } else {
                "kustomizations"
            };
            sink.report_in(
                file,
                start..end,
                format!("{message} (as rendered by {what} {})", list.join(", ")),
            );
        }
    }
}

pub(super) mod chart_templates;
pub mod declarative;
pub(super) mod git003_imperative_deploy;
pub(super) mod idm001_unguarded_command;
pub(super) mod idm002_unpinned_image;
pub(super) mod idm003_package_latest;
pub(super) mod idm005_unpinned_chart;
pub(super) mod kus001_broken_kustomization;
pub(super) mod obs001_missing_probes;
pub(super) mod obs002_missing_resources;
pub(super) mod obs003_namespace_without_quota;
pub(super) mod obs004_namespace_without_default_deny;
pub(super) mod prv005_pod_may_run_as_root;
pub(super) mod prv006_open_admin_port;
pub(super) mod prv007_wildcard_iam_action;
pub(super) mod prv008_terraform_state_backend;
pub mod prv009_vendored_controller;
pub(super) mod tree003_unparseable_file;
pub(super) mod tree004_skipped_template;

pub use tree004_skipped_template::chart_dir;
pub(super) mod tree006_not_utf8;

/// What an IaC check sees: every IaC file of one repository, with the file
/// id each was given at discovery, and the disk facts of the run.
pub struct IacContext<'a> {
    pub files: &'a [IacFile],
    /// `ids[i]` is the file id of `files[i]`.
    pub ids: &'a [crate::finding::FileId],
    /// Empty while `paths` is asked.
    pub facts: &'a DiskFacts,
    /// Kustomize, rendered (None when nothing was rendered).
    pub rendering: Option<&'a crate::render::Rendering>,
    /// Each file's index in `files` by its lowercased path, made on first
    /// use (`files_by_path`).
    pub by_path: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>>,
}

/// Which files are a controller's generated install manifest (PRV009),
/// found on first use.
pub struct Vendored<'c> {
    cx: &'c IacContext<'c>,
    files: std::cell::OnceCell<Vec<bool>>,
}

impl<'c> Vendored<'c> {
    pub fn new(cx: &'c IacContext<'c>) -> Self {
        Vendored {
            cx,
            files: std::cell::OnceCell::new(),
        }
    }

    /// True when `files[file]` is vendored.
    pub fn file(&self, file: usize) -> bool {
        self.files
            .get_or_init(|| {
                self.cx
                    .files
                    .iter()
                    .map(|f| prv009_vendored_controller::vendored(f).is_some())
                    .collect()
            })
            .get(file)
            .copied()
            .unwrap_or(false)
    }

    /// True when a rendered object comes from a vendored file.
    pub fn object(&self, object: &crate::render::RenderedObject) -> bool {
        self.file(object.origin(&[]).file)
    }
}

/// A rendered object of a leaf kustomization, as a document rules can read.
pub struct RenderedDoc<'r> {
    pub doc: &'r IacDoc,
    pub object: &'r crate::render::RenderedObject,
    /// The leaf kustomization's folder.
    pub leaf: &'r str,
}

impl<'a> IacContext<'a> {
    pub fn new(
        files: &'a [IacFile],
        ids: &'a [crate::finding::FileId],
        facts: &'a DiskFacts,
        rendering: Option<&'a crate::render::Rendering>,
    ) -> IacContext<'a> {
        IacContext {
            files,
            ids,
            facts,
            rendering,
            by_path: std::sync::OnceLock::new(),
        }
    }

    /// Indices into `files` of the files whose path equals one of `paths`
    /// ignoring ASCII case, in file order: a lookup, not a scan.
    pub fn files_by_path(&self, paths: &[&str]) -> Vec<usize> {
        let map = self.by_path.get_or_init(|| {
            let mut m: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
            for (i, f) in self.files.iter().enumerate() {
                m.entry(f.file.path.to_ascii_lowercase()).or_default().push(i);
            }
            m
        });
        let mut out: Vec<usize> = paths
            .iter()
            .filter_map(|p| map.get(&p.to_ascii_lowercase()))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every document with its file index.
    pub fn docs(&self) -> impl Iterator<Item = (crate::finding::FileId, &IacFile, &IacDoc)> + '_ {
        self.files()
            .flat_map(|(id, f)| f.docs.iter().map(move |d| (id, f, d)))
    }

    /// True when document `doc` of `files[file]` is a patch, or (for rules
    /// that read rendered objects) a resource a kustomization renders.
    pub fn hidden(&self, file: usize, doc: usize, rendered: bool) -> bool {
        self.rendering
            .is_some_and(|r| r.patch_files.contains(&file) || (rendered && r.consumed.contains(&(file, doc))))
    }

    /// Every document with its file's index in `files` and its own index.
    pub fn docs_at(
        &self,
    ) -> impl Iterator<Item = (usize, usize, crate::finding::FileId, &IacFile, &IacDoc)> + '_ {
        self.files
            .iter()
            .zip(self.ids)
            .enumerate()
            .flat_map(|(i, (f, id))| f.docs.iter().enumerate().map(move |(j, d)| (i, j, *id, f, d)))
    }

    /// The rendered objects of every leaf kustomization.
    pub fn rendered(&self) -> Vec<RenderedDoc<'_>> {
        let Some(r) = self.rendering else {
            return Vec::new();
        };
        let mut docs = r.docs().iter();
        let mut out = Vec::new();
        for (k, objects) in &r.leaves {
            let leaf = r.kustomizations[*k].dir.as_str();
            for (object, doc) in objects.iter().zip(docs.by_ref()) {
                out.push(RenderedDoc { doc, object, leaf });
            }
        }
        out
    }

    /// Where a node of a rendered object is written: its file id and span.
    pub fn origin_span(
        &self,
        object: &crate::render::RenderedObject,
        path: &[crate::parse::located::Seg],
    ) -> Option<(crate::finding::FileId, std::ops::Range<usize>)> {
        let o = object.origin(path);
        let file = self.files.get(o.file)?;
        let doc = file.docs.get(o.doc)?;
        Some((self.ids[o.file], doc.located.span_of(&o.path)))
    }

    /// Every file with its id.
    pub fn files(&self) -> impl Iterator<Item = (crate::finding::FileId, &IacFile)> + '_ {
        self.ids.iter().copied().zip(self.files)
    }

    /// Kubernetes objects of one of these kinds.
    pub fn objects<'k>(
        &'k self,
        kinds: &'k [&str],
    ) -> impl Iterator<Item = (crate::finding::FileId, &'k IacFile, &'k IacDoc)> + 'k {
        self.docs().filter(move |(_, _, d)| {
            d.class.is_object() && d.kind.as_deref().is_some_and(|k| kinds.contains(&k))
        })
    }
}

pub trait IacCheck: Sync {
    /// Repository paths the check will ask the disk facts about.
    fn paths(&self, _cx: &IacContext<'_>, _out: &mut Vec<String>) {}
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>);
    /// Needs other files to decide (skipped when one buffer is checked alone).
    fn cross_file(&self) -> bool {
        false
    }
    /// Needs documents from anywhere in the repository, not only from its
    /// own file, folder or chart, or a Kustomize graph: it runs once, after
    /// every file was streamed, over every file's path and the documents
    /// `retains` kept. The other checks run on each batch of files as it is
    /// parsed (a folder, a chart and a Kustomize graph are never split).
    fn global(&self) -> bool {
        false
    }
    /// The documents a `global` check reads from files already streamed.
    fn retains(&self, _doc: &IacDoc) -> bool {
        false
    }
}

/// True when the document at `path` is selected by a rule's `select`.
pub fn selects(select: &Select, path: &str, doc: &IacDoc) -> bool {
    (select.classes.is_empty() || select.classes.contains(&doc.class))
        && (select.kinds.is_empty()
            || doc
                .kind
                .as_deref()
                .is_some_and(|k| select.kinds.iter().any(|x| x == k)))
        && (select.api_versions.is_empty()
            || doc
                .api_version
                .as_deref()
                .is_some_and(|a| select.api_versions.iter().any(|x| a.starts_with(x.as_str()))))
        && select.paths.as_ref().is_none_or(|g| g.is_match(path))
        && select
            .unless
            .as_ref()
            .is_none_or(|u| u.query(&doc.located.value).is_empty())
}

/// Ansible tasks of a document: task lists, plays' task sections, and
/// tasks nested in `block`/`rescue`/`always`, with their paths.
pub fn ansible_tasks(
    doc: &IacDoc,
) -> Vec<(Vec<crate::parse::located::Seg>, &serde_json::Map<String, Value>)> {
    use crate::parse::located::Seg;
    fn walk<'v>(
        list: &'v Value,
        path: Vec<Seg>,
        out: &mut Vec<(Vec<Seg>, &'v serde_json::Map<String, Value>)>,
    ) {
        let Some(items) = list.as_array() else { return };
        for (i, item) in items.iter().enumerate() {
            let Some(task) = item.as_object() else { continue };
            let mut p = path.clone();
            p.push(Seg::Index(i));
            let mut nested = false;
            for key in ["block", "rescue", "always"] {
                if let Some(inner) = task.get(key) {
                    let mut q = p.clone();
                    q.push(Seg::Key(key.to_string()));
                    walk(inner, q, out);
                    nested = true;
                }
            }
            if !nested {
                out.push((p, task));
            }
        }
    }
    let mut out = Vec::new();
    let v = &doc.located.value;
    match doc.class {
        DocClass::AnsibleTasks | DocClass::AnsibleHandlers => walk(v, Vec::new(), &mut out),
        DocClass::AnsiblePlaybook => {
            for (i, play) in v.as_array().into_iter().flatten().enumerate() {
                for key in ["pre_tasks", "tasks", "post_tasks", "handlers"] {
                    if let Some(list) = play.get(key) {
                        walk(list, vec![Seg::Index(i), Seg::Key(key.to_string())], &mut out);
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// The module a task calls (`shell`, `ansible.builtin.apt` -> `apt`) and its key.
pub fn task_module<'t>(
    task: &'t serde_json::Map<String, Value>,
    modules: &[&str],
) -> Option<(&'t str, &'t Value)> {
    task.iter().find_map(|(k, v)| {
        let short = k
            .strip_prefix("ansible.builtin.")
            .or_else(|| k.strip_prefix("ansible.legacy."))
            .unwrap_or(k);
        modules.contains(&short).then_some((k.as_str(), v))
    })
}

/// Terraform blocks of one section (`resource`, `data`), which the HCL model
/// nests as `section.type.name[i]`: (type, name, path of the body, body).
pub fn terraform_blocks<'d>(
    doc: &'d IacDoc,
    section: &str,
) -> Vec<(&'d str, &'d str, Vec<crate::parse::located::Seg>, &'d Value)> {
    use crate::parse::located::Seg;
    let mut out = Vec::new();
    let Some(types) = doc.located.value.get(section).and_then(Value::as_object) else {
        return out;
    };
    for (rtype, by_name) in types {
        for (name, bodies) in by_name.as_object().into_iter().flatten() {
            for (i, body) in bodies.as_array().into_iter().flatten().enumerate() {
                let path = vec![
                    Seg::Key(section.into()),
                    Seg::Key(rtype.clone()),
                    Seg::Key(name.clone()),
                    Seg::Index(i),
                ];
                out.push((rtype.as_str(), name.as_str(), path, body));
            }
        }
    }
    out
}

/// The elements of the array at `key` in `body` (nested blocks such as
/// `ingress` or `statement`), with their paths below `base`.
pub fn children<'v>(
    body: &'v Value,
    base: &[crate::parse::located::Seg],
    key: &str,
) -> Vec<(Vec<crate::parse::located::Seg>, &'v Value)> {
    use crate::parse::located::Seg;
    body.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, v)| {
            let mut p = base.to_vec();
            p.extend([Seg::Key(key.into()), Seg::Index(i)]);
            (p, v)
        })
        .collect()
}

/// Pod specs of workload objects: (path to the pod spec, spec).
pub fn pod_specs(doc: &IacDoc) -> Option<(Vec<crate::parse::located::Seg>, &Value)> {
    use crate::parse::located::Seg;
    let k = |s: &str| Seg::Key(s.to_string());
    let v = &doc.located.value;
    let path = match doc.kind.as_deref()? {
        "Pod" => vec![k("spec")],
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            vec![k("spec"), k("template"), k("spec")]
        }
        "CronJob" => vec![k("spec"), k("jobTemplate"), k("spec"), k("template"), k("spec")],
        _ => return None,
    };
    let mut node = v;
    for s in &path {
        if let Seg::Key(key) = s {
            node = node.get(key)?;
        }
    }
    Some((path, node))
}
