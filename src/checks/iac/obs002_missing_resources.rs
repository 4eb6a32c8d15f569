//! OBS002 missing-resources: a container of a Deployment, StatefulSet or
//! DaemonSet without both `resources.requests` and `resources.limits`; and
//! a workload template of a Helm chart none of whose templates mentions
//! `resources`, so it cannot render them.

use super::chart_templates::workloads_without;
use super::obs001_missing_probes::each_container;
use super::{IacCheck, IacContext};
use crate::checks::Sink;

pub struct MissingResources;

impl IacCheck for MissingResources {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        each_container(
            cx,
            sink,
            &|c| {
                let r = c.get("resources");
                let has = |k: &str| r.and_then(|r| r.get(k)).is_some();
                !has("requests") || !has("limits")
            },
            &|name| format!("container `{name}` has no resource requests and limits"),
        );
        for w in workloads_without(cx, &["resources"]) {
            sink.report_in(
                w.file,
                w.containers.clone(),
                format!(
                    "{} template cannot render resource requests and limits: no template of its chart mentions `resources`",
                    w.kind
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    const CHART: &str = "apiVersion: v2\nname: web\nversion: 0.1.0\n";

    #[test]
    fn reported_unless_a_template_mentions_resources() {
        let deploy = "kind: StatefulSet\nspec:\n  template:\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n";
        let files = [
            ("charts/db/Chart.yaml", CHART),
            ("charts/db/templates/sts.yaml", deploy),
        ];
        assert_eq!(lines(&iac_hits("OBS002", &files, &[])), [5]);
        let with = format!("{deploy}          resources: {{{{- toYaml .Values.resources | nindent 12 }}}}\n");
        let files = [
            ("charts/db/Chart.yaml", CHART),
            ("charts/db/templates/sts.yaml", &with),
        ];
        assert!(iac_hits("OBS002", &files, &[]).is_empty());
    }
}
