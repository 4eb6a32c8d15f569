//! RFC 6902 JSON patches (kustomize's `patchesJson6902` and JSON-patch
//! `patches`), applied one operation at a time with the `json-patch` crate,
//! while the origin tree follows each operation: added and replaced values
//! point at the operation's `value`.

use json_patch::{Patch, PatchOperation};
use serde_json::Value;

use super::origin::{Node, Rec};
use crate::parse::located::Seg;

/// Parse a list of operations. Err: why it is not a JSON patch.
pub(crate) fn parse(ops: &Value) -> Result<Patch, String> {
    serde_json::from_value::<Patch>(ops.clone()).map_err(|e| format!("not a JSON 6902 patch: {e}"))
}

/// Pointer tokens to path segments, typed by walking `doc` (an array step is
/// an index, `-` is one past the end).
fn segs(doc: &Value, tokens: &[String]) -> Option<Vec<Seg>> {
    let mut cur = Some(doc);
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        match cur {
            Some(Value::Array(a)) => {
                let i = if t == "-" { a.len() } else { t.parse().ok()? };
                out.push(Seg::Index(i));
                cur = a.get(i);
            }
            Some(Value::Object(m)) => {
                out.push(Seg::Key(t.clone()));
                cur = m.get(t);
            }
            _ => return None,
        }
    }
    Some(out)
}

fn tokens(p: &json_patch::jsonptr::Pointer) -> Vec<String> {
    p.tokens().map(|t| t.decoded().into_owned()).collect()
}

/// Remove the node at `path` from the tree (the value is already changed;
/// `len_before` is the length of the parent array before the removal).
fn take(root: &mut Node, path: &[Seg], len_before: usize) -> Node {
    let Some((last, parent)) = path.split_last() else {
        // The root stays (with its record); only a copy moves.
        return root.clone();
    };
    let (pnode, prec) = root.descend(parent);
    match last {
        Seg::Key(k) => {
            let mut n = pnode.keys.remove(k).unwrap_or_default();
            if n.rec.is_none() {
                n.rec = Some(prec.extend(last));
            }
            n
        }
        Seg::Index(i) => {
            pnode.pin_items(&prec, len_before);
            pnode.remove_item(*i).unwrap_or_default()
        }
    }
}

/// A copy of the node at `path`, with an explicit record.
fn copy(root: &mut Node, path: &[Seg]) -> Node {
    let (n, rec) = root.descend(path);
    let mut n = n.clone();
    n.rec = Some(rec);
    n
}

/// Put `node` at `path`: insert into an array (`insert`), else set.
fn put(root: &mut Node, path: &[Seg], node: Node, insert: bool, array_len_before: usize) {
    let Some((last, parent)) = path.split_last() else {
        *root = node;
        return;
    };
    let (pnode, prec) = root.descend(parent);
    match last {
        Seg::Key(k) => {
            pnode.keys.insert(k.clone(), node);
        }
        Seg::Index(i) if insert => {
            pnode.pin_items(&prec, array_len_before);
            pnode.insert_item(*i, node);
        }
        Seg::Index(i) => {
            pnode.items.insert(*i, node);
        }
    }
}

fn array_len(doc: &Value, parent: &[Seg]) -> usize {
    let mut cur = doc;
    for s in parent {
        cur = match (s, cur) {
            (Seg::Key(k), Value::Object(m)) => match m.get(k) {
                Some(v) => v,
                None => return 0,
            },
            (Seg::Index(i), Value::Array(a)) => match a.get(*i) {
                Some(v) => v,
                None => return 0,
            },
            _ => return 0,
        };
    }
    cur.as_array().map_or(0, Vec::len)
}

/// Apply `patch` (whose origin is `ps`) to `doc` and its origin tree.
/// Stops at the first failing operation (kustomize fails the whole build;
/// we keep the operations before it) and returns its message.
pub(crate) fn apply(doc: &mut Value, root: &mut Node, patch: &Patch, ps: &Rec) -> Result<(), String> {
    for (n, op) in patch.0.iter().enumerate() {
        let value_rec = ps.extend(&Seg::Index(n)).extend(&Seg::Key("value".into()));
        let op_rec = ps.extend(&Seg::Index(n));
        // Positions in the tree are computed against the document before
        // the operation (removals, sources) or after it (destinations).
        let (dest_tokens, from_tokens) = match op {
            PatchOperation::Add(o) => (tokens(&o.path), None),
            PatchOperation::Remove(o) => (tokens(&o.path), None),
            PatchOperation::Replace(o) => (tokens(&o.path), None),
            PatchOperation::Move(o) => (tokens(&o.path), Some(tokens(&o.from))),
            PatchOperation::Copy(o) => (tokens(&o.path), Some(tokens(&o.from))),
            PatchOperation::Test(_) => (Vec::new(), None),
        };
        let before_dest = segs(doc, &dest_tokens);
        let from = from_tokens.as_ref().and_then(|t| segs(doc, t));
        let from_parent_len = from
            .as_ref()
            .map_or(0, |p| array_len(doc, &p[..p.len().saturating_sub(1)]));
        let dest_parent_len = before_dest
            .as_ref()
            .map_or(0, |p| array_len(doc, &p[..p.len().saturating_sub(1)]));
        json_patch::patch(doc, std::slice::from_ref(op))
            .map_err(|e| format!("JSON patch operation {n} failed: {e}"))?;
        let (Some(dest), true) = (before_dest, !matches!(op, PatchOperation::Test(_))) else {
            continue;
        };
        match op {
            PatchOperation::Add(_) => put(root, &dest, Node::at(value_rec), true, dest_parent_len),
            PatchOperation::Replace(_) => put(root, &dest, Node::at(value_rec), false, 0),
            PatchOperation::Remove(_) => {
                take(root, &dest, dest_parent_len);
            }
            PatchOperation::Move(_) | PatchOperation::Copy(_) => {
                let Some(from) = from else { continue };
                let mut node = if matches!(op, PatchOperation::Move(_)) {
                    take(root, &from, from_parent_len)
                } else {
                    copy(root, &from)
                };
                if node.rec.is_none() {
                    node.rec = Some(op_rec);
                }
                // The destination, re-typed against the document after
                // the removal, as RFC 6902 defines move.
                let dest = segs(doc, &dest_tokens).unwrap_or(dest);
                let len = match dest.split_last() {
                    Some((Seg::Index(_), parent)) => array_len(doc, parent).saturating_sub(1),
                    _ => 0,
                };
                put(root, &dest, node, true, len);
            }
            PatchOperation::Test(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn k(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    #[test]
    fn add_replace_remove_follow_origins() {
        let mut doc = json!({"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b"}]}});
        let mut root = Node::at(Rec::new(0, 0, vec![], false));
        let ops = json!([
            {"op": "add", "path": "/spec/containers/0", "value": {"name": "z"}},
            {"op": "replace", "path": "/spec/containers/1/image", "value": "a:2"},
            {"op": "remove", "path": "/spec/containers/2"},
        ]);
        let patch = parse(&ops).unwrap();
        apply(&mut doc, &mut root, &patch, &Rec::new(5, 0, vec![], false)).unwrap();
        assert_eq!(
            doc,
            json!({"spec": {"containers": [{"name": "z"}, {"name": "a", "image": "a:2"}]}})
        );
        let c = |i: usize, rest: &[Seg]| {
            let mut v = vec![k("spec"), k("containers"), Seg::Index(i)];
            v.extend_from_slice(rest);
            v
        };
        let o = root.resolve(&c(0, &[k("name")]));
        assert_eq!((o.file, o.path), (5, vec![Seg::Index(0), k("value"), k("name")]));
        let o = root.resolve(&c(1, &[k("image")]));
        assert_eq!((o.file, o.path), (5, vec![Seg::Index(1), k("value")]));
        // The shifted base container keeps its base position (index 0).
        let o = root.resolve(&c(1, &[k("name")]));
        assert_eq!((o.file, o.path), (0, c(0, &[k("name")])));
    }

    #[test]
    fn failing_operation_is_an_error() {
        let mut doc = json!({"a": 1});
        let mut root = Node::at(Rec::new(0, 0, vec![], false));
        let patch = parse(&json!([{"op": "remove", "path": "/nope"}])).unwrap();
        let err = apply(&mut doc, &mut root, &patch, &Rec::new(1, 0, vec![], false)).unwrap_err();
        assert!(err.contains("operation 0"), "{err}");
        assert!(parse(&json!([{"op": "frobnicate"}])).is_err());
    }

    #[test]
    fn move_carries_the_subtree_origin() {
        let mut doc = json!({"a": {"x": 1}, "b": {}});
        let mut root = Node::at(Rec::new(0, 0, vec![], false));
        let patch = parse(&json!([{"op": "move", "from": "/a/x", "path": "/b/y"}])).unwrap();
        apply(&mut doc, &mut root, &patch, &Rec::new(1, 0, vec![], false)).unwrap();
        assert_eq!(doc, json!({"a": {}, "b": {"y": 1}}));
        let o = root.resolve(&[k("b"), k("y")]);
        assert_eq!((o.file, o.path), (0, vec![k("a"), k("x")]));
    }
}
