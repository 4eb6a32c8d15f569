//! TREE004 skipped-template: files that are not YAML until rendered (a
//! chart's `templates/`, or YAML with `{{ }}`, `${ }` or `%{ }` that does
//! not parse). Reported once per Helm chart, at its Chart.yaml, with the
//! number of templates; once per file outside a chart.

use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::{template_marker, IacFile};
use crate::parse::located::Seg;
use std::collections::BTreeMap;

pub struct SkippedTemplate;

/// The chart folder of a file under `templates/` (`""` at the root).
pub fn chart_dir(rel: &str) -> Option<&str> {
    if rel.starts_with("templates/") {
        return Some("");
    }
    rel.find("/templates/").map(|i| &rel[..i])
}

/// The path of a chart folder's Chart.yaml.
pub fn chart_yaml(dir: &str) -> String {
    if dir.is_empty() {
        "Chart.yaml".to_string()
    } else {
        format!("{dir}/Chart.yaml")
    }
}

/// The id and file of the Chart.yaml of the chart `rel` belongs to, if
/// that Chart.yaml was read.
pub fn chart_of<'a>(cx: &'a IacContext<'_>, rel: &str) -> Option<(crate::finding::FileId, &'a IacFile)> {
    let want = chart_yaml(chart_dir(rel)?);
    let yml = want.replace(".yaml", ".yml");
    cx.files_by_path(&[&want, &yml])
        .into_iter()
        .map(|i| (cx.ids[i], &cx.files[i]))
        .find(|(_, f)| {
            let p = &*f.file.path;
            p == want || p.eq_ignore_ascii_case(&want) || p == yml
        })
}

impl IacCheck for SkippedTemplate {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let mut charts: BTreeMap<crate::finding::FileId, (&IacFile, usize)> = BTreeMap::new();
        for (fi, f) in cx.files() {
            if !f.template {
                continue;
            }
            if let Some((ci, chart)) = chart_of(cx, &f.file.path) {
                charts.entry(ci).or_insert((chart, 0)).1 += 1;
                continue;
            }
            let at = template_marker(&f.file.text)
                .or_else(|| f.file.text.find("{{"))
                .unwrap_or(0);
            let end = (at + 2).min(f.file.text.len());
            sink.report_in(fi, at..end, "template not checked: it is not YAML until rendered");
        }
        for (ci, (chart, n)) in charts {
            let name = chart
                .docs
                .first()
                .and_then(|d| d.located.value.get("name"))
                .and_then(|v| v.as_str());
            let span = chart
                .docs
                .first()
                .map(|d| d.located.span_of(&[Seg::Key("name".into())]))
                .filter(|s| !s.is_empty())
                .unwrap_or(0..0);
            let chart_name = name
                .map(|n| format!("Helm chart `{n}`"))
                .unwrap_or("Helm chart".into());
            sink.report_in(
                ci,
                span,
                format!(
                    "{chart_name}: {n} template file{} not checked (not YAML until rendered)",
                    if n == 1 { "" } else { "s" }
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    const CHART: &str = "apiVersion: v2\nname: web\nversion: 0.3.0\n";

    #[test]
    fn reports_the_rule_example() {
        let hits = iac_hits(
            "TREE004",
            &[
                (
                    "charts/web/templates/deployment.yaml",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n",
                ),
                ("charts/web/Chart.yaml", CHART),
            ],
            &[],
        );
        assert_eq!(lines(&hits), [2], "{hits:#?}");
        assert_eq!(hits[0].path, "charts/web/Chart.yaml");
        assert!(hits[0].message.contains("1 template file not"), "{hits:#?}");
    }

    #[test]
    fn one_finding_per_chart_counts_its_templates() {
        let hits = iac_hits(
            "TREE004",
            &[
                ("charts/web/Chart.yaml", CHART),
                ("charts/web/templates/a.yaml", "name: {{ .Release.Name }}\n"),
                ("charts/web/templates/b.yaml", "name: {{ .Release.Name }}\n"),
                (
                    "charts/web/templates/_helpers.tpl",
                    "{{- define \"web.name\" -}}web{{- end }}\n",
                ),
            ],
            &[],
        );
        assert_eq!(hits.len(), 1, "{hits:#?}");
        assert!(
            hits[0].message.contains("Helm chart `web`: 3 template files"),
            "{hits:#?}"
        );
    }

    #[test]
    fn an_unparseable_envsubst_file_is_a_template_not_an_error() {
        let text = "# ${COMMENTED} is ignored\nkind: ConfigMap\ndata: ${DATA}\n  bad: [\n";
        let hits = iac_hits("TREE004", &[("deploy/cm.yaml", text)], &[]);
        assert_eq!(lines(&hits), [3], "{hits:#?}");
        assert!(iac_hits("TREE003", &[("deploy/cm.yaml", text)], &[]).is_empty());
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "TREE004",
            &[
                (
                    "charts/web/templates/deployment.yaml",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
                ),
                ("charts/web/Chart.yaml", CHART),
            ],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
