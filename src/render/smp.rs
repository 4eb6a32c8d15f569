//! Strategic merge of one patch document into one object, keeping origins.
//! Covers the fields the workload checks read, not the whole Kubernetes
//! schema: kustomize (`api/filters/patchstrategicmerge`, `kyaml/merge2`)
//! takes list merge keys from the OpenAPI types; we hard-code the ones below.

use serde_json::{Map, Value};

use super::origin::{Node, Rec};
use crate::parse::located::Seg;

/// The merge key of a list field, from the Kubernetes types' `patchMergeKey`
/// tags (kyaml/merge2 walks associative lists by this key). `None`: the
/// list is replaced, as merge2 does for non-associative lists.
fn merge_key(field: &str, base: &[Value], patch: &[Value]) -> Option<&'static str> {
    match field {
        "containers" | "initContainers" | "ephemeralContainers" | "volumes" | "env" | "imagePullSecrets" => {
            Some("name")
        }
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        // Container ports merge by containerPort; Service ports by port.
        "ports" => {
            let has = |k: &str| base.iter().chain(patch).any(|e| e.get(k).is_some());
            if has("containerPort") {
                Some("containerPort")
            } else if has("port") {
                Some("port")
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `$patch: delete | replace | merge` on a mapping.
fn directive(v: &Value) -> Option<&str> {
    v.get("$patch").and_then(Value::as_str)
}

/// A patch value without its `$`-directives, ready to be inserted.
pub(crate) fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|e| directive(e) != Some("delete"))
                .map(strip)
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Is this patch document a whole-object `$patch: delete`?
pub(crate) fn deletes_object(patch: &Value) -> bool {
    directive(patch) == Some("delete")
}

enum Action {
    Remove,
    Set,
    MergeMap,
    MergeList(&'static str),
}

/// Merge `patch` (whose own origin is `ps`) into `base`, whose origin node
/// is `node` and effective record `inh`. Maps merge key by key; a null
/// value deletes the key (RFC 7386 and strategic merge agree here).
pub(crate) fn merge_map(
    base: &mut Map<String, Value>,
    node: &mut Node,
    inh: &Rec,
    patch: &Map<String, Value>,
    ps: &Rec,
) {
    for (k, pv) in patch {
        if k.starts_with('$') {
            continue;
        }
        let seg = Seg::Key(k.clone());
        let pchild = ps.extend(&seg);
        let action = match (base.get(k), pv) {
            (_, Value::Null) => Action::Remove,
            (_, Value::Object(_)) if directive(pv) == Some("delete") => Action::Remove,
            (_, Value::Object(_)) if directive(pv) == Some("replace") => Action::Set,
            (Some(Value::Object(_)), Value::Object(_)) => Action::MergeMap,
            (Some(Value::Array(b)), Value::Array(p)) => match merge_key(k, b, p) {
                Some(key) => Action::MergeList(key),
                None => Action::Set,
            },
            _ => Action::Set,
        };
        match action {
            Action::Remove => {
                base.remove(k);
                node.keys.remove(k);
            }
            Action::Set => {
                base.insert(k.clone(), strip(pv));
                node.keys.insert(k.clone(), Node::at(pchild));
            }
            Action::MergeMap => {
                let (Some(Value::Object(bm)), Value::Object(pm)) = (base.get_mut(k), pv) else {
                    unreachable!("classified as two maps")
                };
                let child = node.child_mut(&seg);
                let cinh = child.rec.clone().unwrap_or_else(|| inh.extend(&seg));
                merge_map(bm, child, &cinh, pm, &pchild);
            }
            Action::MergeList(key) => {
                let (Some(Value::Array(ba)), Value::Array(pa)) = (base.get_mut(k), pv) else {
                    unreachable!("classified as two lists")
                };
                let child = node.child_mut(&seg);
                let cinh = child.rec.clone().unwrap_or_else(|| inh.extend(&seg));
                merge_list(ba, child, &cinh, pa, &pchild, key);
            }
        }
    }
}

/// Merge an associative list by `key`: a patch element whose key matches a
/// base element merges into it (or deletes / replaces it with `$patch`);
/// other patch elements are appended, after the base's, as merge2 does.
/// A `- $patch: replace` element replaces the whole list.
fn merge_list(base: &mut Vec<Value>, node: &mut Node, inh: &Rec, patch: &[Value], ps: &Rec, key: &str) {
    node.pin_items(inh, base.len());
    let mut items: Vec<(Value, Node)> = base
        .drain(..)
        .enumerate()
        .map(|(i, v)| (v, node.items.remove(&i).unwrap_or_default()))
        .collect();
    node.items.clear();
    let replace_all = patch
        .iter()
        .any(|e| directive(e) == Some("replace") && e.as_object().is_some_and(|m| m.len() == 1));
    if replace_all {
        items.clear();
    }
    for (j, pe) in patch.iter().enumerate() {
        let pj = ps.extend(&Seg::Index(j));
        if replace_all && directive(pe) == Some("replace") && pe.as_object().is_some_and(|m| m.len() == 1) {
            continue;
        }
        let found = pe
            .get(key)
            .and_then(|kv| items.iter().position(|(v, _)| v.get(key) == Some(kv)));
        match (directive(pe), found) {
            (Some("delete"), Some(p)) => {
                items.remove(p);
            }
            (Some("delete"), None) => {}
            (Some("replace"), Some(p)) => items[p] = (strip(pe), Node::at(pj)),
            (_, Some(p)) => {
                let (v, c) = &mut items[p];
                let cinh = c.rec.clone().expect("pinned");
                match (v, pe) {
                    (Value::Object(bm), Value::Object(pm)) => merge_map(bm, c, &cinh, pm, &pj),
                    (v, pe) => {
                        *v = strip(pe);
                        *c = Node::at(pj);
                    }
                }
            }
            (_, None) => items.push((strip(pe), Node::at(pj))),
        }
    }
    for (i, (v, c)) in items.into_iter().enumerate() {
        base.push(v);
        node.items.insert(i, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn k(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    fn run(base: Value, patch: Value) -> (Value, Node) {
        let mut base = base;
        let mut node = Node::at(Rec::new(0, 0, vec![], false));
        let inh = node.rec.clone().unwrap();
        let ps = Rec::new(1, 0, vec![], false);
        merge_map(
            base.as_object_mut().unwrap(),
            &mut node,
            &inh,
            patch.as_object().unwrap(),
            &ps,
        );
        (base, node)
    }

    fn containers(name: &str, extra: Value) -> Value {
        let mut c = json!({"name": name});
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"spec": {"template": {"spec": {"containers": [c]}}}})
    }

    #[test]
    fn containers_merge_by_name_and_keep_both_origins() {
        let base = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "side", "image": "s:1"},
            {"name": "app", "image": "a:1", "env": [{"name": "A", "value": "1"}]}
        ]}}}});
        let patch = containers(
            "app",
            json!({"readinessProbe": {"httpGet": {"port": 80}}, "env": [{"name": "B", "value": "2"}]}),
        );
        let (v, node) = run(base, patch);
        let cs = &v["spec"]["template"]["spec"]["containers"];
        assert_eq!(cs.as_array().unwrap().len(), 2);
        assert_eq!(cs[1]["image"], "a:1");
        assert_eq!(cs[1]["readinessProbe"]["httpGet"]["port"], 80);
        assert_eq!(cs[1]["env"].as_array().unwrap().len(), 2);
        let p = |rest: &[Seg]| {
            let mut v = vec![
                k("spec"),
                k("template"),
                k("spec"),
                k("containers"),
                Seg::Index(1),
            ];
            v.extend_from_slice(rest);
            v
        };
        // Untouched: the base's position.
        let o = node.resolve(&p(&[k("image")]));
        assert_eq!((o.file, o.path.clone()), (0, p(&[k("image")])));
        // From the patch: the patch's position (container 0 in the patch).
        let o = node.resolve(&p(&[k("readinessProbe")]));
        let mut want = p(&[k("readinessProbe")]);
        want[4] = Seg::Index(0);
        assert_eq!((o.file, o.path), (1, want));
        // The new env var: patch env[0].
        let o = node.resolve(&p(&[k("env"), Seg::Index(1)]));
        assert_eq!(o.file, 1);
        assert_eq!(o.path.last(), Some(&Seg::Index(0)));
    }

    #[test]
    fn delete_replace_and_null() {
        let base = json!({"metadata": {"labels": {"a": "1", "b": "2"}},
            "spec": {"template": {"spec": {
                "containers": [{"name": "x", "image": "x"}, {"name": "y", "image": "y"}],
                "tolerations": [{"key": "t1"}, {"key": "t2"}],
                "securityContext": {"runAsUser": 0, "fsGroup": 1}}}}});
        let patch = json!({"metadata": {"labels": {"a": null}},
            "spec": {"template": {"spec": {
                "containers": [{"name": "x", "$patch": "delete"}],
                "tolerations": [{"key": "t3"}],
                "securityContext": {"$patch": "replace", "runAsNonRoot": true}}}}});
        let (v, _) = run(base, patch);
        assert_eq!(v["metadata"]["labels"], json!({"b": "2"}));
        let spec = &v["spec"]["template"]["spec"];
        assert_eq!(spec["containers"], json!([{"name": "y", "image": "y"}]));
        assert_eq!(
            spec["tolerations"],
            json!([{"key": "t3"}]),
            "lists without a merge key are replaced"
        );
        assert_eq!(spec["securityContext"], json!({"runAsNonRoot": true}));
    }

    #[test]
    fn ports_by_container_port_and_mounts_by_path() {
        let base = json!({"c": {"ports": [{"containerPort": 80, "name": "http"}],
            "volumeMounts": [{"mountPath": "/a", "name": "v1"}]}});
        let patch = json!({"c": {"ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 9090}],
            "volumeMounts": [{"mountPath": "/a", "readOnly": true}]}});
        let (v, _) = run(base, patch);
        assert_eq!(
            v["c"]["ports"],
            json!([{"containerPort": 80, "name": "http", "protocol": "TCP"}, {"containerPort": 9090}])
        );
        assert_eq!(
            v["c"]["volumeMounts"],
            json!([{"mountPath": "/a", "name": "v1", "readOnly": true}])
        );
    }

    #[test]
    fn list_replace_directive_and_whole_map_delete() {
        let base = json!({"c": {"env": [{"name": "A"}, {"name": "B"}]}, "d": {"x": 1}});
        let patch = json!({"c": {"env": [{"$patch": "replace"}, {"name": "C"}]}, "d": {"$patch": "delete"}});
        let (v, _) = run(base, patch);
        assert_eq!(v, json!({"c": {"env": [{"name": "C"}]}}));
    }
}
