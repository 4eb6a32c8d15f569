//! IDM005 unpinned-chart: a Helm chart used without a pinned version: an
//! Argo CD chart source without a fixed `targetRevision`, a Flux
//! HelmRelease without `spec.chart.spec.version`, a Chart.yaml dependency
//! without `version`, and `helm install`/`helm upgrade` without `--version`
//! in scripts, CI steps and Ansible `command`/`shell` tasks.

use super::{ansible_tasks, task_module, IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::{DocClass, IacDoc};
use crate::parse::located::Seg;
use crate::parse::shell::{deploy, Command, Tool};
use serde_json::Value;

pub struct UnpinnedChart;

/// A chart source whose `targetRevision` is missing or floating.
fn floating(source: &Value) -> bool {
    source.get("chart").is_some()
        && match source.get("targetRevision").and_then(Value::as_str) {
            None => true,
            Some(r) => matches!(r.trim(), "" | "*" | "latest" | "HEAD"),
        }
}

/// Argo CD chart sources: `spec.source`, `spec.sources[*]`, and the same
/// under an ApplicationSet's `spec.template.spec`.
fn argo_sources(doc: &IacDoc) -> Vec<(Vec<Seg>, &Value)> {
    let k = |s: &str| Seg::Key(s.to_string());
    let v = &doc.located.value;
    let mut out = Vec::new();
    let spec_path = match doc.kind.as_deref() {
        Some("Application") => vec![k("spec")],
        Some("ApplicationSet") => vec![k("spec"), k("template"), k("spec")],
        _ => return out,
    };
    let mut spec = v;
    for s in &spec_path {
        if let Seg::Key(key) = s {
            match spec.get(key) {
                Some(x) => spec = x,
                None => return out,
            }
        }
    }
    if let Some(src) = spec.get("source") {
        let mut p = spec_path.clone();
        p.push(k("source"));
        out.push((p, src));
    }
    for (i, src) in spec
        .get("sources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let mut p = spec_path.clone();
        p.extend([k("sources"), Seg::Index(i)]);
        out.push((p, src));
    }
    out
}

fn unpinned_helm(cmds: &[Command]) -> impl Iterator<Item = crate::parse::shell::Deploy> + '_ {
    cmds.iter().filter_map(deploy).filter(|d| {
        d.tool == Tool::Helm && matches!(d.verb.as_str(), "install" | "upgrade") && !d.pinned_version
    })
}

impl IacCheck for UnpinnedChart {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let k = |s: &str| Seg::Key(s.to_string());
        for (fi, f, d) in cx.docs() {
            match d.class {
                DocClass::ArgoCd => {
                    for (path, src) in argo_sources(d) {
                        if floating(src) {
                            let chart = src.get("chart").and_then(Value::as_str).unwrap_or("?");
                            sink.report_in(
                                fi,
                                d.located.span_of(&path),
                                format!("Helm chart `{chart}` is not pinned: set `targetRevision` to a chart version"),
                            );
                        }
                    }
                }
                DocClass::Kubernetes if d.kind.as_deref() == Some("HelmRelease") => {
                    let chart = d.located.value.pointer("/spec/chart/spec");
                    if let Some(spec) =
                        chart.filter(|s| s.get("chart").is_some() && s.get("version").is_none())
                    {
                        let name = spec.get("chart").and_then(Value::as_str).unwrap_or("?");
                        sink.report_in(
                            fi,
                            d.located.span_of(&[k("spec"), k("chart"), k("spec"), k("chart")]),
                            format!("HelmRelease chart `{name}` has no `version`"),
                        );
                    }
                }
                DocClass::HelmChart => {
                    let deps = d.located.value.get("dependencies").and_then(Value::as_array);
                    for (i, dep) in deps.into_iter().flatten().enumerate() {
                        if dep.get("version").is_none() {
                            let name = dep.get("name").and_then(Value::as_str).unwrap_or("?");
                            sink.report_in(
                                fi,
                                d.located.span_of(&[k("dependencies"), Seg::Index(i), k("name")]),
                                format!("chart dependency `{name}` has no `version`"),
                            );
                        }
                    }
                }
                DocClass::AnsiblePlaybook | DocClass::AnsibleTasks => {
                    for (path, task) in ansible_tasks(d) {
                        let Some((module, arg)) = task_module(task, &["shell", "command"]) else {
                            continue;
                        };
                        let script = match arg {
                            Value::String(s) => s.as_str(),
                            other => match other.get("cmd").and_then(Value::as_str) {
                                Some(s) => s,
                                None => continue,
                            },
                        };
                        let mut at = path.clone();
                        at.push(Seg::Key(module.to_string()));
                        if arg.is_object() {
                            at.push(k("cmd"));
                        }
                        let span = d.located.value_span_of(&at);
                        let cmds = crate::parse::commands::embedded(&f.file.text, span, script);
                        for dep in unpinned_helm(&cmds) {
                            sink.report_in(
                                fi,
                                dep.span.clone(),
                                "`helm` installs a chart without `--version`".to_string(),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        for (fi, f) in cx.files() {
            for dep in unpinned_helm(&f.commands) {
                let shown = f.file.text.get(dep.span.clone()).unwrap_or_default();
                sink.report_in(
                    fi,
                    dep.span.clone(),
                    format!("`{shown}` installs a chart without `--version`"),
                );
            }
        }
    }
}
