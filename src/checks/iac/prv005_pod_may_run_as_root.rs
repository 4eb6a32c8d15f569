//! PRV005 pod-may-run-as-root: a pod spec without `runAsNonRoot: true` at
//! pod level or on every container.

use super::{pod_specs, IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::located::Seg;
use serde_json::Value;

pub struct PodMayRunAsRoot;

fn non_root(v: Option<&Value>) -> bool {
    v.and_then(|s| s.get("runAsNonRoot")).and_then(Value::as_bool) == Some(true)
}

/// The path to report at when the pod spec of `d` may run as root.
fn may_run_as_root(d: &crate::parse::iac::IacDoc) -> Option<Vec<Seg>> {
    let (path, spec) = pod_specs(d)?;
    if non_root(spec.get("securityContext")) {
        return None;
    }
    let containers: Vec<&Value> = ["containers", "initContainers"]
        .iter()
        .filter_map(|k| spec.get(*k).and_then(Value::as_array))
        .flatten()
        .collect();
    if !containers.is_empty() && containers.iter().all(|c| non_root(c.get("securityContext"))) {
        return None;
    }
    let mut p = path.clone();
    p.push(Seg::Key("containers".into()));
    Some(p)
}

fn message(d: &crate::parse::iac::IacDoc) -> String {
    format!(
        "{} `{}` does not set `runAsNonRoot: true`",
        d.kind.as_deref().unwrap_or("pod"),
        d.name().unwrap_or("?")
    )
}

impl IacCheck for PodMayRunAsRoot {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        // Manifests a kustomization renders are checked as rendered.
        for (i, j, fi, _, d) in cx.docs_at().filter(|(_, _, _, _, d)| d.class.is_object()) {
            if cx.hidden(i, j, true) {
                continue;
            }
            if let Some(p) = may_run_as_root(d) {
                sink.report_in(fi, d.located.span_of(&p), message(d));
            }
        }
        let mut rendered = super::RenderedFindings::default();
        for r in cx.rendered() {
            if let Some(p) = may_run_as_root(r.doc) {
                if let Some((fi, span)) = cx.origin_span(r.object, &p) {
                    rendered.add(fi, span, message(r.doc), r.leaf);
                }
            }
        }
        rendered.report(sink);
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = iac_hits(
            "PRV005",
            &[(
                "cluster/apps/web/deployment.yaml",
                r##"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/harbor/web:1.4.2
          readinessProbe:
            httpGet: { path: /healthz, port: 8080 }
          livenessProbe:
            httpGet: { path: /healthz, port: 8080 }
          resources:
            requests: { cpu: 50m, memory: 64Mi }
            limits: { memory: 128Mi }
"##,
            )],
            &[],
        );
        assert_eq!(lines(&hits), [13], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == "cluster/apps/web/deployment.yaml"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "PRV005",
            &[(
                "cluster/apps/web/deployment.yaml",
                r##"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: web
          image: ghcr.io/harbor/web:1.4.2
          readinessProbe:
            httpGet: { path: /healthz, port: 8080 }
          livenessProbe:
            httpGet: { path: /healthz, port: 8080 }
          resources:
            requests: { cpu: 50m, memory: 64Mi }
            limits: { memory: 128Mi }
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn every_container_must_set_it_when_the_pod_does_not() {
        let pod = |second: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n      securityContext:\n        runAsNonRoot: true\n    - name: b\n      image: b:1\n{second}"
            )
        };
        let all = pod("      securityContext:\n        runAsNonRoot: true\n");
        assert!(iac_hits("PRV005", &[("k8s/pod.yaml", &all)], &[]).is_empty());
        let one = pod("");
        assert_eq!(iac_hits("PRV005", &[("k8s/pod.yaml", &one)], &[]).len(), 1);
    }

    #[test]
    fn cronjobs_are_checked_through_their_job_template() {
        let cron = r#"
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: backup
              image: restic/restic:0.17.3
"#;
        assert_eq!(iac_hits("PRV005", &[("k8s/cron.yaml", cron)], &[]).len(), 1);
    }
}
