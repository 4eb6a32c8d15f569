//! Infrastructure files: each read once, parsed (YAML with saphyr, HCL with
//! hcl-edit) into located documents, and classified (Kubernetes object,
//! Argo CD, Kustomization, Helm, Ansible, Terraform, CI workflow, script).
//! Inline suppression comments are collected here too.

use super::hcl::parse_hcl;
use super::located::{Located, ParseError};
use super::yaml::parse_yaml;
use crate::source::SourceFile;
use serde_json::Value;

pub use crate::rules::DocClass;

/// One document of a file.
#[derive(Debug, Clone)]
pub struct IacDoc {
    pub class: DocClass,
    pub kind: Option<String>,
    pub api_version: Option<String>,
    pub located: Located,
}

impl IacDoc {
    pub fn name(&self) -> Option<&str> {
        self.located
            .value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
    }

    pub fn namespace(&self) -> Option<&str> {
        self.located
            .value
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
    }
}

/// A file under an IaC root.
#[derive(Debug)]
pub struct IacFile {
    pub file: SourceFile,
    pub docs: Vec<IacDoc>,
    /// The parser's complaint, when the file does not parse.
    pub error: Option<ParseError>,
    /// A template (`{{ }}`, `${ }`, `%{ }`) that is not YAML until
    /// rendered, or a chart's `templates/` file: skipped (TREE004).
    pub template: bool,
    /// A kind or KWOK cluster configuration (a local test cluster).
    pub cluster_config: bool,
    /// Not valid UTF-8: decoded lossily (scripts and CI workflows only).
    pub lossy: bool,
    pub suppressions: Vec<super::suppress::Suppression>,
    /// The shell commands the file runs (scripts, CI steps), parsed once.
    pub commands: Vec<super::shell::Command>,
}

impl IacFile {
    /// A file known by its path only (not read: see the editor's IaC
    /// buffer in `pipeline::stream_iac`).
    pub fn unread(rel: &str) -> IacFile {
        IacFile {
            file: SourceFile::new(rel, ""),
            docs: Vec::new(),
            error: None,
            template: false,
            cluster_config: false,
            lossy: false,
            suppressions: Vec::new(),
            commands: Vec::new(),
        }
    }

    /// What stays of a file once its batch was checked: its path, text and
    /// flags, and the documents `keep` wants; the rest is dropped. Returns
    /// the stub, the source file and the suppressions (for the report).
    pub fn into_stub(
        self,
        keep: &dyn Fn(&IacDoc) -> bool,
    ) -> (IacFile, SourceFile, Vec<super::suppress::Suppression>) {
        let stub = IacFile {
            file: self.file.clone(),
            docs: self.docs.into_iter().filter(|d| keep(d)).collect(),
            error: self.error,
            template: self.template,
            cluster_config: self.cluster_config,
            lossy: self.lossy,
            suppressions: Vec::new(),
            commands: Vec::new(),
        };
        (stub, self.file, self.suppressions)
    }
}

pub use crate::discover::is_iac_path;

fn base(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// True for a file under a `templates/` folder.
pub fn in_templates(rel: &str) -> bool {
    rel.contains("/templates/") || rel.starts_with("templates/")
}

/// A chart helper (`templates/_helpers.tpl`): read with the chart's
/// templates, never parsed.
pub fn is_chart_helper(rel: &str) -> bool {
    in_templates(rel) && rel.to_ascii_lowercase().ends_with(".tpl")
}

/// Files the IaC walk reads: YAML, HCL, scripts, and chart helpers.
pub fn is_iac_candidate(rel: &str) -> bool {
    is_iac_path(rel) || is_chart_helper(rel)
}

/// The spec-kit folders (`specs/`, `.specify/`, `.specops/`) hold
/// documentation (plans, contracts), never IaC.
pub fn is_spec_doc(rel: &str) -> bool {
    ["specs/", ".specify/", ".specops/"]
        .iter()
        .any(|d| rel.starts_with(d))
}

/// Files that are only scanned line by line (scripts and CI workflows):
/// read lossily when they are not UTF-8.
pub fn scanned_only(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".sh") || lower.starts_with(".github/workflows/") || base(&lower) == ".gitlab-ci.yml"
}

fn is_template(rel: &str, text: &str) -> bool {
    is_chart_helper(rel) || in_templates(rel) && text.contains("{{")
}

/// The first template marker (`{{`, `${`, `%{`) outside a `#` comment,
/// with its closing brace later on the same line, as a byte offset.
pub fn template_marker(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = match line.find('#') {
            Some(i) if i == 0 || line[..i].ends_with([' ', '\t']) => &line[..i],
            _ => line,
        };
        for open in ["{{", "${", "%{"] {
            if let Some(i) = code.find(open) {
                if code[i + 2..].contains('}') {
                    return Some(offset + i);
                }
            }
        }
        offset += line.len();
    }
    None
}

/// A kind (`kind.x-k8s.io`) or KWOK (`kwok.x-k8s.io`) `Cluster`: the
/// configuration of a throwaway local cluster.
fn is_cluster_config(doc: &IacDoc) -> bool {
    doc.kind.as_deref() == Some("Cluster")
        && doc.api_version.as_deref().is_some_and(|a| {
            a.starts_with("kind.x-k8s.io/")
                || a.starts_with("kwok.x-k8s.io/")
                || a.contains(".kwok.x-k8s.io/")
        })
}

/// Read the class of a YAML document from its path and shape.
pub fn classify(rel: &str, value: &Value) -> DocClass {
    let lower = rel.to_ascii_lowercase();
    let name = base(&lower);
    if lower.starts_with(".github/workflows/") || name == ".gitlab-ci.yml" {
        return DocClass::CiWorkflow;
    }
    if name == "chart.yaml" || name == "chart.yml" {
        return DocClass::HelmChart;
    }
    let api = value.get("apiVersion").and_then(Value::as_str);
    let kind = value.get("kind").and_then(Value::as_str);
    if let (Some(api), Some(kind)) = (api, kind) {
        return if api.starts_with("argoproj.io/") {
            DocClass::ArgoCd
        } else if kind == "Kustomization" && api.starts_with("kustomize.config.k8s.io") {
            DocClass::Kustomization
        } else {
            DocClass::Kubernetes
        };
    }
    if name == "kustomization.yaml" || name == "kustomization.yml" {
        return DocClass::Kustomization;
    }
    let segs: Vec<&str> = lower.split('/').collect();
    let in_dir = |d: &str| segs[..segs.len().saturating_sub(1)].contains(&d);
    if in_dir("tasks") {
        return DocClass::AnsibleTasks;
    }
    if in_dir("handlers") {
        return DocClass::AnsibleHandlers;
    }
    if in_dir("group_vars") || in_dir("host_vars") || in_dir("defaults") || in_dir("vars") {
        return DocClass::AnsibleVars;
    }
    if name.contains("values") {
        return DocClass::HelmValues;
    }
    if let Some(items) = value.as_array() {
        let objs: Vec<&serde_json::Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
        if !objs.is_empty()
            && objs.iter().all(|o| {
                o.contains_key("hosts")
                    || o.contains_key("import_playbook")
                    || o.contains_key("ansible.builtin.import_playbook")
            })
        {
            return DocClass::AnsiblePlaybook;
        }
        if !objs.is_empty()
            && objs.iter().any(|o| o.contains_key("block") || looks_like_task(o))
            && in_dir("roles")
        {
            return DocClass::AnsibleTasks;
        }
    }
    DocClass::Yaml
}

/// A mapping with a `name` and one known module key.
fn looks_like_task(o: &serde_json::Map<String, Value>) -> bool {
    o.keys().any(|k| {
        let m = k.strip_prefix("ansible.builtin.").unwrap_or(k);
        matches!(
            m,
            "shell"
                | "command"
                | "raw"
                | "apt"
                | "yum"
                | "dnf"
                | "package"
                | "copy"
                | "template"
                | "file"
                | "service"
                | "systemd"
                | "include_tasks"
                | "import_tasks"
                | "debug"
                | "set_fact"
                | "lineinfile"
        )
    })
}

impl IacFile {
    /// Parse one file's text.
    pub fn parse(rel: &str, text: &str) -> IacFile {
        let file = SourceFile::new(rel, text);
        let suppressions = super::suppress::hash_comments(&file);
        let lower = rel.to_ascii_lowercase();
        let mut out = IacFile {
            docs: Vec::new(),
            error: None,
            template: false,
            cluster_config: false,
            lossy: false,
            suppressions,
            commands: Vec::new(),
            file,
        };
        let text: &str = &out.file.text.clone();
        if lower.ends_with(".sh") {
            out.commands = super::commands::of(rel, text, &[]);
            out.docs.push(IacDoc {
                class: DocClass::Script,
                kind: None,
                api_version: None,
                located: Located::default(),
            });
            return out;
        }
        if lower.ends_with(".tf") {
            match parse_hcl(text) {
                Ok(located) => out.docs.push(IacDoc {
                    class: DocClass::Terraform,
                    kind: None,
                    api_version: None,
                    located,
                }),
                Err(e) => out.error = Some(e),
            }
            return out;
        }
        if is_template(rel, text) {
            out.template = true;
            return out;
        }
        match parse_yaml(text) {
            Ok(docs) => {
                for located in docs {
                    let class = classify(rel, &located.value);
                    let s = |k: &str| located.value.get(k).and_then(Value::as_str).map(str::to_string);
                    out.docs.push(IacDoc {
                        class,
                        kind: s("kind"),
                        api_version: s("apiVersion"),
                        located,
                    });
                }
            }
            Err(_) if template_marker(text).is_some() => out.template = true,
            Err(e) => out.error = Some(e),
        }
        if out.docs.iter().any(|d| d.class == DocClass::CiWorkflow) {
            let located: Vec<&Located> = out.docs.iter().map(|d| &d.located).collect();
            out.commands = super::commands::of(rel, text, &located);
        }
        out.cluster_config = out.docs.iter().any(is_cluster_config);
        out
    }

    /// Mark the file as decoded lossily (not UTF-8).
    pub fn lossy(mut self, lossy: bool) -> IacFile {
        self.lossy = lossy;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn classes() {
        assert_eq!(
            classify(
                "k8s/app.yaml",
                &json!({"apiVersion": "apps/v1", "kind": "Deployment"})
            ),
            DocClass::Kubernetes
        );
        assert_eq!(
            classify(
                "argocd/a.yaml",
                &json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application"})
            ),
            DocClass::ArgoCd
        );
        assert_eq!(
            classify("base/kustomization.yaml", &json!({"resources": []})),
            DocClass::Kustomization
        );
        assert_eq!(
            classify("roles/x/tasks/main.yml", &json!([{"name": "a", "apt": {}}])),
            DocClass::AnsibleTasks
        );
        assert_eq!(
            classify("site.yml", &json!([{"hosts": "all", "roles": []}])),
            DocClass::AnsiblePlaybook
        );
        assert_eq!(
            classify("charts/x/Chart.yaml", &json!({"name": "x"})),
            DocClass::HelmChart
        );
        assert_eq!(
            classify(".github/workflows/ci.yml", &json!({"on": "push"})),
            DocClass::CiWorkflow
        );
        assert_eq!(
            classify("inventory/group_vars/all.yml", &json!({"a": 1})),
            DocClass::AnsibleVars
        );
    }

    #[test]
    fn helm_templates_are_skipped() {
        let f = IacFile::parse("charts/a/templates/d.yaml", "kind: {{ .Values.kind }}\n");
        assert!(f.template && f.docs.is_empty() && f.error.is_none());
    }
}
