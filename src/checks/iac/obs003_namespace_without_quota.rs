//! OBS003 namespace-without-quota: a tenant namespace (labelled `tenant`)
//! with no ResourceQuota in it.

use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::located::Seg;

pub struct NamespaceWithoutQuota;

impl IacCheck for NamespaceWithoutQuota {
    fn cross_file(&self) -> bool {
        true
    }

    fn global(&self) -> bool {
        true
    }

    fn retains(&self, d: &crate::parse::iac::IacDoc) -> bool {
        d.class.is_object() && matches!(d.kind.as_deref(), Some("Namespace" | "ResourceQuota"))
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let quotas: Vec<&str> = cx
            .objects(&["ResourceQuota"])
            .filter_map(|(_, _, d)| d.namespace())
            .collect();
        for (fi, _, d) in cx.objects(&["Namespace"]) {
            if d.located.value.pointer("/metadata/labels/tenant").is_none() {
                continue;
            }
            let Some(name) = d.name() else { continue };
            if !quotas.contains(&name) {
                let p = [Seg::Key("metadata".into()), Seg::Key("name".into())];
                sink.report_in(
                    fi,
                    d.located.span_of(&p),
                    format!("tenant namespace `{name}` has no ResourceQuota"),
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
            "OBS003",
            &[(
                "cluster/tenants/org-a/namespace.yaml",
                r##"apiVersion: v1
kind: Namespace
metadata:
  name: org-a
  labels:
    tenant: org-a
"##,
            )],
            &[],
        );
        assert_eq!(lines(&hits), [4], "{hits:#?}");
        assert!(hits
            .iter()
            .all(|h| h.path == "cluster/tenants/org-a/namespace.yaml"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "OBS003",
            &[(
                "cluster/tenants/org-a/namespace.yaml",
                r##"apiVersion: v1
kind: Namespace
metadata:
  name: org-a
  labels:
    tenant: org-a
---
apiVersion: v1
kind: ResourceQuota
metadata: { name: default, namespace: org-a }
spec: { hard: { requests.cpu: "4", requests.memory: 8Gi, pods: "40" } }
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn only_tenant_namespaces_and_only_a_quota_in_that_namespace() {
        let plain = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n";
        assert!(iac_hits("OBS003", &[("k8s/ns.yaml", plain)], &[]).is_empty());
        let tenant =
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: org-b\n  labels:\n    tenant: org-b\n";
        let elsewhere = "apiVersion: v1\nkind: ResourceQuota\nmetadata: { name: q, namespace: org-c }\nspec: { hard: { pods: \"10\" } }\n";
        let hits = iac_hits(
            "OBS003",
            &[("k8s/ns.yaml", tenant), ("k8s/q.yaml", elsewhere)],
            &[],
        );
        assert_eq!(lines(&hits), [4], "{hits:#?}");
    }
}
