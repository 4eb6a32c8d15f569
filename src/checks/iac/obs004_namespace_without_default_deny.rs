//! OBS004 namespace-without-default-deny: a namespace with no default-deny
//! NetworkPolicy or CiliumNetworkPolicy.

use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::IacDoc;
use crate::parse::located::Seg;
use serde_json::Value;

pub struct NamespaceWithoutDefaultDeny;

const SYSTEM: &[&str] = &["kube-system", "kube-public", "kube-node-lease", "default"];

fn empty_selector(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Object(o)) => o.values().all(|x| {
            x.as_object().is_some_and(|m| m.is_empty()) || x.as_array().is_some_and(|a| a.is_empty())
        }),
        Some(Value::Null) => true,
        _ => false,
    }
}

/// A policy that selects every pod and allows no ingress.
fn default_deny(d: &IacDoc) -> bool {
    let v = &d.located.value;
    let spec = v.get("spec");
    match d.kind.as_deref() {
        Some("NetworkPolicy") => {
            let types_ok = spec
                .and_then(|s| s.get("policyTypes"))
                .and_then(Value::as_array)
                .is_none_or(|t| t.iter().any(|x| x == "Ingress"));
            let no_rules = spec
                .and_then(|s| s.get("ingress"))
                .is_none_or(|i| i.as_array().is_some_and(|a| a.is_empty()));
            empty_selector(spec.and_then(|s| s.get("podSelector"))) && types_ok && no_rules
        }
        Some("CiliumNetworkPolicy") | Some("CiliumClusterwideNetworkPolicy") => {
            empty_selector(spec.and_then(|s| s.get("endpointSelector")))
                && spec.and_then(|s| s.get("ingress")).is_none_or(|i| {
                    i.as_array()
                        .is_some_and(|a| a.iter().all(|r| r.as_object().is_some_and(|o| o.is_empty())))
                })
        }
        _ => false,
    }
}

impl IacCheck for NamespaceWithoutDefaultDeny {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let policies: Vec<&IacDoc> = cx
            .objects(&[
                "NetworkPolicy",
                "CiliumNetworkPolicy",
                "CiliumClusterwideNetworkPolicy",
            ])
            .map(|(_, _, d)| d)
            .filter(|d| default_deny(d))
            .collect();
        if policies
            .iter()
            .any(|d| d.kind.as_deref() == Some("CiliumClusterwideNetworkPolicy"))
        {
            return;
        }
        for (fi, _, d) in cx.objects(&["Namespace"]) {
            let Some(name) = d.name() else { continue };
            if SYSTEM.contains(&name) || policies.iter().any(|p| p.namespace() == Some(name)) {
                continue;
            }
            let p = [Seg::Key("metadata".into()), Seg::Key("name".into())];
            sink.report_in(
                fi,
                d.located.span_of(&p),
                format!("namespace `{name}` has no default-deny network policy"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = iac_hits(
            "OBS004",
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
            "OBS004",
            &[(
                "cluster/tenants/org-a/namespace.yaml",
                r##"apiVersion: v1
kind: Namespace
metadata:
  name: org-a
  labels:
    tenant: org-a
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: org-a }
spec:
  podSelector: {}
  policyTypes: [Ingress]
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    const NS: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n";

    #[test]
    fn system_namespaces_are_skipped() {
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n";
        assert!(iac_hits("OBS004", &[("k8s/ns.yaml", ns)], &[]).is_empty());
    }

    #[test]
    fn a_policy_that_allows_ingress_is_not_a_default_deny() {
        let np = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-web, namespace: shop }
spec:
  podSelector: {}
  ingress:
    - from: [{ podSelector: { matchLabels: { app: gateway } } }]
"#;
        let hits = iac_hits("OBS004", &[("k8s/ns.yaml", NS), ("k8s/np.yaml", np)], &[]);
        assert_eq!(lines(&hits), [4], "{hits:#?}");
    }

    #[test]
    fn a_clusterwide_cilium_default_deny_covers_every_namespace() {
        let ccnp = r#"
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: { name: default-deny }
spec:
  endpointSelector: {}
  ingress: []
"#;
        let hits = iac_hits("OBS004", &[("k8s/ns.yaml", NS), ("k8s/ccnp.yaml", ccnp)], &[]);
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
