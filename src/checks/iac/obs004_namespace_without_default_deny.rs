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

/// A policy that isolates every pod of its namespace for ingress: Kubernetes
/// isolates each pod a policy selects, whatever allowlist the policy then
/// carries, so `podSelector: {}` with Ingress among its `policyTypes` (the
/// default when `policyTypes` is absent) is a default deny. A rule that
/// allows everything (`ingress: [{}]`) undoes it.
fn default_deny(d: &IacDoc) -> bool {
    let v = &d.located.value;
    let spec = v.get("spec");
    match d.kind.as_deref() {
        Some("NetworkPolicy") => {
            let types_ok = spec
                .and_then(|s| s.get("policyTypes"))
                .and_then(Value::as_array)
                .is_none_or(|t| t.iter().any(|x| x == "Ingress"));
            let allow_all = spec
                .and_then(|s| s.get("ingress"))
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter().any(|r| {
                        r.as_object().is_none_or(|o| {
                            o.get("from")
                                .is_none_or(|f| f.as_array().is_some_and(|x| x.is_empty()))
                                && o.get("ports")
                                    .is_none_or(|p| p.as_array().is_some_and(|x| x.is_empty()))
                        })
                    })
                });
            empty_selector(spec.and_then(|s| s.get("podSelector"))) && types_ok && !allow_all
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

    fn global(&self) -> bool {
        true
    }

    fn retains(&self, d: &IacDoc) -> bool {
        d.class.is_object()
            && matches!(
                d.kind.as_deref(),
                Some(
                    "Namespace" | "NetworkPolicy" | "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy"
                )
            )
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
    fn a_policy_over_every_pod_with_an_allowlist_is_a_default_deny() {
        let np = r#"
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-web, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: gateway } } }]
"#;
        let hits = iac_hits("OBS004", &[("k8s/ns.yaml", NS), ("k8s/np.yaml", np)], &[]);
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn egress_only_some_pods_or_allow_all_are_not_a_default_deny() {
        for spec in [
            "  podSelector: {}\n  policyTypes: [Egress]\n",
            "  podSelector: { matchLabels: { app: web } }\n  policyTypes: [Ingress]\n",
            "  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n    - {}\n",
        ] {
            let np = format!(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{ name: p, namespace: shop }}\nspec:\n{spec}"
            );
            let hits = iac_hits("OBS004", &[("k8s/ns.yaml", NS), ("k8s/np.yaml", &np)], &[]);
            assert_eq!(lines(&hits), [4], "{spec}: {hits:#?}");
        }
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
