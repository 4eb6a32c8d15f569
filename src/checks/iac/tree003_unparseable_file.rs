//! TREE003 unparseable-file: an IaC file the YAML or HCL parser rejects.

use super::{IacCheck, IacContext};
use crate::checks::Sink;

pub struct UnparseableFile;

impl IacCheck for UnparseableFile {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f) in cx.files() {
            if let Some(e) = &f.error {
                sink.report_in(fi, e.span.clone(), format!("file does not parse: {}", e.message));
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
            "TREE003",
            &[(
                "cluster/apps/web/service.yaml",
                r##"apiVersion: v1
kind: Service
metadata:
  name: web
 labels:
    app: web
"##,
            )],
            &[],
        );
        assert_eq!(lines(&hits), [5], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == "cluster/apps/web/service.yaml"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "TREE003",
            &[(
                "cluster/apps/web/service.yaml",
                r##"apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
