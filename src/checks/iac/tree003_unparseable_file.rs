//! TREE003 unparseable-file: an IaC file the YAML or HCL parser rejects.

use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::finding::Severity;
use crate::parse::hcl::terraform_accepts;

pub struct UnparseableFile;

impl IacCheck for UnparseableFile {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f) in cx.files() {
            let Some(e) = &f.error else { continue };
            if f.file.path.ends_with(".tf") && terraform_accepts(e) {
                sink.report_in_with(
                    fi,
                    e.span.clone(),
                    Severity::Warning,
                    "key defined twice in an object: Terraform accepts this (hashicorp/terraform#28727), \
                     but constable's HCL parser (hcl-edit) does not, so this file is not checked",
                );
            } else {
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

    #[test]
    fn a_duplicate_object_key_in_terraform_is_a_warning() {
        let tf = "locals {\n  tags = {\n    env = \"a\"\n    env = \"b\"\n  }\n}\n";
        let hits = iac_hits("TREE003", &[("infra/main.tf", tf)], &[]);
        assert_eq!(lines(&hits), [4], "{hits:#?}");
        assert!(hits[0].message.contains("Terraform accepts"), "{hits:#?}");
        let broken = iac_hits("TREE003", &[("infra/main.tf", "locals {\n  a = \n")], &[]);
        assert!(
            broken[0].message.starts_with("file does not parse"),
            "{broken:#?}"
        );
    }
}
