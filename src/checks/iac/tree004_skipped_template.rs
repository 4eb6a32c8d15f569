//! TREE004 skipped-template: a Helm template (`{{ }}`) that is not YAML
//! until rendered, so its contents are not checked.

use super::{IacCheck, IacContext};
use crate::checks::Sink;

pub struct SkippedTemplate;

impl IacCheck for SkippedTemplate {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f) in cx.files() {
            if f.template {
                let at = f.file.text.find("{{").unwrap_or(0);
                sink.report_in(
                    fi,
                    at..at + 2,
                    "Helm template skipped: it is not YAML until rendered",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = iac_hits(
            "TREE004",
            &[
                (
                    "charts/web/templates/deployment.yaml",
                    r##"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
"##,
                ),
                (
                    "charts/web/Chart.yaml",
                    r##"apiVersion: v2
name: web
version: 0.3.0
"##,
                ),
            ],
            &[],
        );
        assert_eq!(lines(&hits), [4], "{hits:#?}");
        assert!(hits
            .iter()
            .all(|h| h.path == "charts/web/templates/deployment.yaml"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "TREE004",
            &[
                (
                    "charts/web/templates/deployment.yaml",
                    r##"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
"##,
                ),
                (
                    "charts/web/Chart.yaml",
                    r##"apiVersion: v2
name: web
version: 0.3.0
"##,
                ),
            ],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
