//! Checks over the IaC files a plan points to: the declarative kinds
//! (JSONPath `forbid`/`require`, text `forbid`, `path-exists`,
//! `companion-file`) and the procedural checks, one file each.

use crate::finding::Sink;
use crate::parse::iac::{DocClass, IacDoc, IacFile};
use crate::repo::RepoFs;
use serde_json::Value;

pub mod declarative;
mod idm001_unguarded_command;
mod idm003_package_latest;
mod obs003_namespace_without_quota;
mod obs004_namespace_without_default_deny;
mod prv005_pod_may_run_as_root;
mod prv006_open_admin_port;
mod prv007_wildcard_iam_action;
mod prv008_terraform_state_backend;
mod tree003_unparseable_file;
mod tree004_skipped_template;

/// What an IaC check sees: every IaC file of one repository.
pub struct IacContext<'a> {
    pub files: &'a [IacFile],
    pub fs: &'a RepoFs,
}

impl IacContext<'_> {
    /// Every document with its file index.
    pub fn docs(&self) -> impl Iterator<Item = (usize, &IacFile, &IacDoc)> + '_ {
        self.files
            .iter()
            .enumerate()
            .flat_map(|(i, f)| f.docs.iter().map(move |d| (i, f, d)))
    }

    /// Kubernetes objects of one of these kinds.
    pub fn objects<'k>(
        &'k self,
        kinds: &'k [&str],
    ) -> impl Iterator<Item = (usize, &'k IacFile, &'k IacDoc)> + 'k {
        self.docs().filter(move |(_, _, d)| {
            d.class.is_object() && d.kind.as_deref().is_some_and(|k| kinds.contains(&k))
        })
    }
}

pub trait IacCheck: Sync {
    fn code(&self) -> &'static str;
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>);
    /// Needs other files to decide (skipped when one buffer is checked alone).
    fn cross_file(&self) -> bool {
        false
    }
}

/// Every procedural IaC check, by code.
pub static IAC_CHECKS: &[&dyn IacCheck] = &[
    &idm001_unguarded_command::UnguardedCommand,
    &idm003_package_latest::PackageLatest,
    &obs003_namespace_without_quota::NamespaceWithoutQuota,
    &obs004_namespace_without_default_deny::NamespaceWithoutDefaultDeny,
    &prv005_pod_may_run_as_root::PodMayRunAsRoot,
    &prv006_open_admin_port::OpenAdminPort,
    &prv007_wildcard_iam_action::WildcardIamAction,
    &prv008_terraform_state_backend::TerraformStateBackend,
    &tree003_unparseable_file::UnparseableFile,
    &tree004_skipped_template::SkippedTemplate,
];

pub fn iac_check(code: &str) -> Option<&'static dyn IacCheck> {
    IAC_CHECKS.iter().copied().find(|c| c.code() == code)
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
