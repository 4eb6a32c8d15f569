//! Where each node of a rendered object came from: a sparse tree that mirrors
//! the object and records an origin only where a node was written by
//! something other than its parent's source (a patch, a transformer).

use std::collections::BTreeMap;

use super::Origin;
use crate::parse::located::Seg;

/// An origin record. `exact` means "this place, not below it": an inline
/// patch string has no positions inside it, so everything the patch writes
/// points at the kustomization's `patch` key instead of a path under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rec {
    pub origin: Origin,
    pub exact: bool,
}

impl Rec {
    pub fn new(file: usize, doc: usize, path: Vec<Seg>, exact: bool) -> Rec {
        Rec {
            origin: Origin { file, doc, path },
            exact,
        }
    }

    /// The record of a child: the same place for an exact record, else the
    /// path one step further down.
    pub fn extend(&self, seg: &Seg) -> Rec {
        if self.exact {
            return self.clone();
        }
        let mut r = self.clone();
        r.origin.path.push(seg.clone());
        r
    }
}

/// One node of the origin tree. A node without a record inherits its
/// parent's, extended by its own key or index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub rec: Option<Rec>,
    pub keys: BTreeMap<String, Node>,
    pub items: BTreeMap<usize, Node>,
}

impl Node {
    pub fn at(rec: Rec) -> Node {
        Node {
            rec: Some(rec),
            ..Node::default()
        }
    }

    fn child(&self, seg: &Seg) -> Option<&Node> {
        match seg {
            Seg::Key(k) => self.keys.get(k),
            Seg::Index(i) => self.items.get(i),
        }
    }

    pub fn child_mut(&mut self, seg: &Seg) -> &mut Node {
        match seg {
            Seg::Key(k) => self.keys.entry(k.clone()).or_default(),
            Seg::Index(i) => self.items.entry(*i).or_default(),
        }
    }

    /// The deepest record at or above `path`, extended by the rest of the
    /// path (unless that record is exact). The root always has a record.
    pub fn resolve(&self, path: &[Seg]) -> Origin {
        let mut rec = self.rec.clone().expect("the root of an origin tree has a record");
        let mut cur = self;
        for seg in path {
            match cur.child(seg) {
                Some(c) => {
                    cur = c;
                    rec = match &c.rec {
                        Some(r) => r.clone(),
                        None => rec.extend(seg),
                    };
                }
                None => rec = rec.extend(seg),
            }
        }
        rec.origin
    }

    /// Every file a record in this tree names.
    pub fn files(&self, out: &mut std::collections::BTreeSet<usize>) {
        if let Some(r) = &self.rec {
            out.insert(r.origin.file);
        }
        for n in self.keys.values().chain(self.items.values()) {
            n.files(out);
        }
    }

    /// The node at `path` (created when absent) and its effective record.
    pub fn descend(&mut self, path: &[Seg]) -> (&mut Node, Rec) {
        let mut rec = self.rec.clone().expect("the root of an origin tree has a record");
        let mut cur = self;
        for seg in path {
            let next = cur.child_mut(seg);
            rec = match &next.rec {
                Some(r) => r.clone(),
                None => rec.extend(seg),
            };
            cur = next;
        }
        (cur, rec)
    }

    /// Give each of the first `len` items an explicit record (`inherited` is
    /// this node's effective record), so that items can move without their
    /// origins changing.
    pub fn pin_items(&mut self, inherited: &Rec, len: usize) {
        for i in 0..len {
            let c = self.items.entry(i).or_default();
            if c.rec.is_none() {
                c.rec = Some(inherited.extend(&Seg::Index(i)));
            }
        }
    }

    /// Insert an item at `idx`, shifting later ones (items must be pinned).
    pub fn insert_item(&mut self, idx: usize, node: Node) {
        let tail: Vec<(usize, Node)> = self.items.split_off(&idx).into_iter().collect();
        for (i, n) in tail {
            self.items.insert(i + 1, n);
        }
        self.items.insert(idx, node);
    }

    /// Remove the item at `idx`, shifting later ones (items must be pinned).
    pub fn remove_item(&mut self, idx: usize) -> Option<Node> {
        let removed = self.items.remove(&idx);
        let tail: Vec<(usize, Node)> = self.items.split_off(&idx).into_iter().collect();
        for (i, n) in tail {
            self.items.insert(i - 1, n);
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    #[test]
    fn inherits_and_extends_below_the_deepest_record() {
        let mut root = Node::at(Rec::new(1, 0, vec![], false));
        root.child_mut(&k("spec")).rec = Some(Rec::new(7, 2, vec![k("x")], false));
        let o = root.resolve(&[k("spec"), k("replicas")]);
        assert_eq!((o.file, o.doc, o.path), (7, 2, vec![k("x"), k("replicas")]));
        let o = root.resolve(&[k("metadata"), k("name")]);
        assert_eq!((o.file, o.path), (1, vec![k("metadata"), k("name")]));
    }

    #[test]
    fn exact_records_do_not_extend() {
        let mut root = Node::at(Rec::new(1, 0, vec![], false));
        root.child_mut(&k("spec")).rec = Some(Rec::new(3, 0, vec![k("patch")], true));
        let o = root.resolve(&[k("spec"), k("template"), Seg::Index(4)]);
        assert_eq!((o.file, o.path), (3, vec![k("patch")]));
    }

    #[test]
    fn pinned_items_keep_their_origin_when_shifted() {
        let mut root = Node::at(Rec::new(0, 0, vec![], false));
        let base = Rec::new(0, 0, vec![], false);
        root.pin_items(&base, 2);
        root.insert_item(0, Node::at(Rec::new(9, 0, vec![], true)));
        assert_eq!(root.resolve(&[Seg::Index(0)]).file, 9);
        assert_eq!(root.resolve(&[Seg::Index(2)]).path, vec![Seg::Index(1)]);
        root.remove_item(0);
        assert_eq!(root.resolve(&[Seg::Index(0)]).path, vec![Seg::Index(0)]);
    }
}
