//! OBS001 missing-probes: a container of a Deployment, StatefulSet or
//! DaemonSet without both probes; and a workload template of a Helm chart
//! none of whose templates mentions a probe, so it cannot render one.

use super::chart_templates::workloads_without;
use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::{DocClass, IacDoc};
use crate::parse::located::Seg;
use serde_json::Value;

pub struct MissingProbes;

pub const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];

/// The containers of a workload's pod template: (path, name, container).
pub fn containers(d: &IacDoc) -> Vec<(Vec<Seg>, &str, &Value)> {
    let k = |s: &str| Seg::Key(s.to_string());
    let Some(list) = d
        .located
        .value
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter(|(_, c)| c.is_object())
        .map(|(i, c)| {
            let path = vec![
                k("spec"),
                k("template"),
                k("spec"),
                k("containers"),
                Seg::Index(i),
            ];
            (path, c.get("name").and_then(Value::as_str).unwrap_or("?"), c)
        })
        .collect()
}

/// A container is shown by its `name` (as the declarative rules did).
pub fn named(mut path: Vec<Seg>, c: &Value) -> Vec<Seg> {
    if c.get("name").is_some() {
        path.push(Seg::Key("name".into()));
    }
    path
}

/// Workload documents the container rules read: manifests no kustomization
/// renders (those are read as rendered, see `rendered_workloads`).
pub fn workloads<'a>(
    cx: &'a IacContext<'_>,
) -> impl Iterator<Item = (crate::finding::FileId, &'a IacDoc)> + 'a {
    cx.docs_at()
        .filter(move |(i, j, _, _, _)| !cx.hidden(*i, *j, true))
        .filter(|(_, _, _, _, d)| d.class == DocClass::Kubernetes)
        .filter(|(_, _, _, _, d)| d.kind.as_deref().is_some_and(|k| WORKLOADS.contains(&k)))
        .map(|(_, _, fi, _, d)| (fi, d))
}

/// The workloads of every leaf kustomization, as rendered.
pub fn rendered_workloads<'a>(cx: &'a IacContext<'_>) -> Vec<super::RenderedDoc<'a>> {
    cx.rendered()
        .into_iter()
        .filter(|r| r.doc.kind.as_deref().is_some_and(|k| WORKLOADS.contains(&k)))
        .collect()
}

/// Report a container rule over workloads, raw and rendered: `bad` says
/// whether a container breaks the rule, `message` what to say.
pub fn each_container(
    cx: &IacContext<'_>,
    sink: &mut Sink<'_>,
    bad: &dyn Fn(&Value) -> bool,
    message: &dyn Fn(&str) -> String,
) {
    for (fi, d) in workloads(cx) {
        for (path, name, c) in containers(d) {
            if bad(c) {
                sink.report_in(fi, d.located.span_of(&named(path, c)), message(name));
            }
        }
    }
    let mut rendered = super::RenderedFindings::default();
    for r in rendered_workloads(cx) {
        for (path, name, c) in containers(r.doc) {
            if bad(c) {
                if let Some((fi, span)) = cx.origin_span(r.object, &named(path, c)) {
                    rendered.add(fi, span, message(name), r.leaf);
                }
            }
        }
    }
    rendered.report(sink);
}

impl IacCheck for MissingProbes {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        each_container(
            cx,
            sink,
            &|c| c.get("readinessProbe").is_none() || c.get("livenessProbe").is_none(),
            &|name| format!("container `{name}` lacks a readiness or liveness probe"),
        );
        for w in workloads_without(cx, &["readinessProbe", "livenessProbe"]) {
            sink.report_in(
                w.file,
                w.containers.clone(),
                format!(
                    "{} template cannot render a readiness or liveness probe: no template of its chart mentions one",
                    w.kind
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    const CHART: &str = "apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: \"1.4.2\"\n";
    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n";

    #[test]
    fn a_chart_that_cannot_render_a_probe_is_reported_at_containers() {
        let hits = iac_hits(
            "OBS001",
            &[
                ("charts/web/Chart.yaml", CHART),
                ("charts/web/templates/deployment.yaml", DEPLOY),
            ],
            &[],
        );
        assert_eq!(lines(&hits), [8], "{hits:#?}");
        assert_eq!(hits[0].path, "charts/web/templates/deployment.yaml");
    }

    #[test]
    fn a_probe_in_helpers_is_enough() {
        let helpers = "{{- define \"web.probes\" -}}\nreadinessProbe:\n  httpGet: { path: /ready, port: 8080 }\n{{- end }}\n";
        let hits = iac_hits(
            "OBS001",
            &[
                ("charts/web/Chart.yaml", CHART),
                ("charts/web/templates/deployment.yaml", DEPLOY),
                ("charts/web/templates/_helpers.tpl", helpers),
            ],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
