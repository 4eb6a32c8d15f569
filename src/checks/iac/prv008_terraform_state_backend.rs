//! PRV008 unencrypted-state: a Terraform root module with no remote backend,
//! or an `s3` backend with `encrypt = false`.

use super::{children, IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::DocClass;
use crate::parse::located::Seg;
use serde_json::Value;
use std::collections::BTreeMap;

pub struct TerraformStateBackend;

impl IacCheck for TerraformStateBackend {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let key = |s: &str| Seg::Key(s.to_string());
        // Group Terraform files by folder: a folder is one module.
        let mut modules: BTreeMap<&str, Vec<(usize, &crate::parse::iac::IacDoc)>> = BTreeMap::new();
        for (fi, f, d) in cx.docs().filter(|(_, _, d)| d.class == DocClass::Terraform) {
            let dir = f.file.path.rsplit_once('/').map_or("", |(d, _)| d);
            modules.entry(dir).or_default().push((fi, d));
        }
        for (dir, docs) in modules {
            // Child modules (under a `modules/` folder) inherit their caller's state.
            if dir.split('/').any(|s| s == "modules") {
                continue;
            }
            let is_root = docs.iter().any(|(_, d)| {
                d.located.value.get("provider").is_some() || d.located.value.get("terraform").is_some()
            });
            if !is_root {
                continue;
            }
            let mut backend = None;
            for (fi, d) in &docs {
                for (tp, t) in children(&d.located.value, &[], "terraform") {
                    let Some(backends) = t.get("backend") else {
                        continue;
                    };
                    let mut bp = tp.clone();
                    bp.push(key("backend"));
                    for btype in backends.as_object().into_iter().flatten().map(|(k, _)| k) {
                        backend = Some(btype.clone());
                        for (p, body) in children(backends, &bp, btype) {
                            let off = body
                                .get("encrypt")
                                .is_some_and(|e| e == &Value::Bool(false) || e.as_str() == Some("false"));
                            if btype == "s3" && off {
                                let mut at = p.clone();
                                at.push(key("encrypt"));
                                sink.report_in(
                                    *fi,
                                    d.located.span_of(&at),
                                    "the s3 state backend has `encrypt = false`",
                                );
                            }
                        }
                    }
                }
            }
            if backend.is_none() || backend.as_deref() == Some("local") {
                let (fi, d) = docs
                    .iter()
                    .find(|(_, d)| d.located.value.get("terraform").is_some())
                    .or(docs.first())
                    .copied()
                    .expect("a module has a file");
                let at = if d.located.value.get("terraform").is_some() {
                    vec![key("terraform"), Seg::Index(0)]
                } else {
                    vec![key("provider")]
                };
                let where_ = if dir.is_empty() {
                    "the repository root".to_string()
                } else {
                    format!("`{dir}/`")
                };
                sink.report_in(
                    fi,
                    d.located.span_of(&at),
                    format!("Terraform root module {where_} keeps its state locally (no remote backend)"),
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
            "PRV008",
            &[(
                "infra/main.tf",
                r##"terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.40" }
  }
  backend "s3" {
    bucket  = "harbor-tfstate"
    key     = "network/terraform.tfstate"
    region  = "eu-central-1"
    encrypt = false
  }
}

provider "aws" {
  region = "eu-central-1"
}
"##,
            )],
            &[],
        );
        assert_eq!(lines(&hits), [10], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == "infra/main.tf"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "PRV008",
            &[(
                "infra/main.tf",
                r##"terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.40" }
  }
  backend "s3" {
    bucket  = "harbor-tfstate"
    key     = "network/terraform.tfstate"
    region  = "eu-central-1"
    encrypt = true
  }
}

provider "aws" {
  region = "eu-central-1"
}
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn a_root_module_without_backend_is_reported_but_not_a_shared_module() {
        let tf = "provider \"hcloud\" {\n  token = var.token\n}\n";
        let hits = iac_hits("PRV008", &[("infra/main.tf", tf)], &[]);
        assert_eq!(hits.len(), 1, "{hits:#?}");
        assert!(iac_hits("PRV008", &[("infra/modules/net/main.tf", tf)], &[]).is_empty());
    }
}
