//! A parsed YAML document or HCL file as a JSON value, with the byte span of
//! every node, so that a JSONPath match can be reported at its line and
//! column. Shared by the YAML and HCL parsers; knows no rules.
//!
//! Positions live in a flat arena of nodes indexed by id, built in the same
//! pass as the value: node 0 is the root, and the children of a sequence or
//! mapping are a contiguous run of ids (a mapping's sorted by key, so a key
//! is found by binary search). A path becomes a position by walking that
//! tree, one segment at a time; nothing is keyed or hashed by whole paths.

use std::ops::Range;

/// One step of a path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A document as a JSON value plus positions.
#[derive(Debug, Clone, Default)]
pub struct Located {
    pub value: serde_json::Value,
    /// Byte span of the whole document.
    pub span: Range<usize>,
    index: Index,
}

impl Located {
    /// A value without positions (a rendered object: its nodes' positions
    /// come from where they were written, not from this value).
    pub fn unplaced(value: serde_json::Value) -> Located {
        Located {
            value,
            ..Located::default()
        }
    }

    /// A document whose positions are `index` (see [`IndexBuilder`]).
    pub(crate) fn new(value: serde_json::Value, span: Range<usize>, index: Index) -> Self {
        Located { value, span, index }
    }

    /// The best span for a path: the key when there is one (so a finding
    /// about `image: nginx` points at `image`), else the value, else the
    /// nearest ancestor that has a span.
    pub fn span_of(&self, path: &[Seg]) -> Range<usize> {
        let (found, nearest) = self.index.walk(path);
        found
            .and_then(|id| self.index.nodes[id].key.range())
            .or(nearest)
            .unwrap_or_else(|| self.span.clone())
    }

    /// The span of the value at `path` (not its key), or of the nearest
    /// ancestor that has one.
    pub fn value_span_of(&self, path: &[Seg]) -> Range<usize> {
        self.index.walk(path).1.unwrap_or_else(|| self.span.clone())
    }

    /// The span of the value at exactly `path` (for a mapping or sequence,
    /// the whole collection); the root is the empty path.
    pub fn value_span(&self, path: &[Seg]) -> Option<Range<usize>> {
        self.index
            .find(path)
            .and_then(|id| self.index.nodes[id].span.range())
    }

    /// The span of the key of the mapping entry at exactly `path`.
    pub fn key_span(&self, path: &[Seg]) -> Option<Range<usize>> {
        self.index
            .find(path)
            .and_then(|id| self.index.nodes[id].key.range())
    }

    /// Whether the node at `path` is a mapping entry with a key span (a list
    /// item is not).
    pub fn has_key(&self, path: &[Seg]) -> bool {
        self.key_span(path).is_some()
    }

    /// The tag written on the node at `path` (`!vault`, `!Ref`), without the
    /// `!`.
    pub fn tag_of(&self, path: &[Seg]) -> Option<&str> {
        let id = self.index.find(path)?;
        let tag = self.index.nodes[id].tag;
        self.index.tags.get(tag as usize).map(|t| &**t)
    }

    /// Every value and key span stored, in no particular order (for checks
    /// that all spans are valid).
    pub fn spans(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        (self.index.nodes.iter()).flat_map(|n| [n.span.range(), n.key.range()].into_iter().flatten())
    }
}

/// A byte span in 32 bits; `start == u32::MAX` is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    start: u32,
    end: u32,
}

impl Pos {
    const NONE: Pos = Pos {
        start: u32::MAX,
        end: u32::MAX,
    };

    fn new(r: Range<usize>) -> Pos {
        // The parsers refuse texts over `MAX_TEXT` bytes.
        let cap = |x: usize| u32::try_from(x).unwrap_or(u32::MAX - 1).min(u32::MAX - 1);
        Pos {
            start: cap(r.start),
            end: cap(r.end),
        }
    }

    fn range(self) -> Option<Range<usize>> {
        (self.start != u32::MAX).then_some(self.start as usize..self.end as usize)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Leaf,
    Seq,
    Map,
}

/// One value of the document.
#[derive(Debug, Clone)]
struct Node {
    span: Pos,
    /// The key's span, for a mapping entry.
    key: Pos,
    /// The key as stored in the value, for a mapping entry: a range of `Index::names`.
    name: (u32, u32),
    /// Index in `Index::tags`, or `u32::MAX`.
    tag: u32,
    kind: Kind,
    /// Children: ids `first..first + len`.
    first: u32,
    len: u32,
}

impl Default for Node {
    fn default() -> Self {
        Node {
            span: Pos::NONE,
            key: Pos::NONE,
            name: (0, 0),
            tag: u32::MAX,
            kind: Kind::Leaf,
            first: 0,
            len: 0,
        }
    }
}

/// The positions of one document: node 0 is the root.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    nodes: Vec<Node>,
    /// Every mapping key, back to back.
    names: String,
    tags: Vec<Box<str>>,
}

impl Index {
    fn name(&self, n: &Node) -> &str {
        self.names
            .get(n.name.0 as usize..n.name.1 as usize)
            .unwrap_or_default()
    }

    fn child(&self, id: usize, seg: &Seg) -> Option<usize> {
        let n = self.nodes.get(id)?;
        let kids = n.first as usize..n.first as usize + n.len as usize;
        match (n.kind, seg) {
            (Kind::Seq, Seg::Index(i)) => (*i < kids.len()).then(|| kids.start + i),
            (Kind::Map, Seg::Key(k)) => {
                let run = self.nodes.get(kids.clone())?;
                run.binary_search_by(|c| self.name(c).cmp(k.as_str()))
                    .ok()
                    .map(|i| kids.start + i)
            }
            _ => None,
        }
    }

    /// The node at exactly `path`.
    fn find(&self, path: &[Seg]) -> Option<usize> {
        let mut id = (!self.nodes.is_empty()).then_some(0)?;
        for seg in path {
            id = self.child(id, seg)?;
        }
        Some(id)
    }

    /// The node at exactly `path`, if there is one, and the value span of the
    /// deepest node on the way there that has one.
    fn walk(&self, path: &[Seg]) -> (Option<usize>, Option<Range<usize>>) {
        let Some(root) = self.nodes.first() else {
            return (None, None);
        };
        let mut nearest = root.span.range();
        let mut id = 0;
        for seg in path {
            match self.child(id, seg) {
                Some(c) => id = c,
                None => return (None, nearest),
            }
            if let Some(s) = self.nodes[id].span.range() {
                nearest = Some(s);
            }
        }
        (Some(id), nearest)
    }
}

/// Largest text whose offsets an [`Index`] stores.
pub(crate) const MAX_TEXT: usize = u32::MAX as usize - 1;

/// Builds an [`Index`] top down: a collection reserves the ids of all its
/// children at once ([`IndexBuilder::open_seq`], [`IndexBuilder::open_map`]),
/// then each child is filled in, and a mapping is sorted by key when done
/// ([`IndexBuilder::close_map`]).
#[derive(Debug, Default)]
pub(crate) struct IndexBuilder {
    index: Index,
}

/// A node being built.
pub(crate) type NodeId = u32;

impl IndexBuilder {
    /// A builder whose root node is [`IndexBuilder::ROOT`].
    pub(crate) fn new() -> Self {
        let mut b = IndexBuilder::default();
        b.index.nodes.push(Node::default());
        b
    }

    pub(crate) const ROOT: NodeId = 0;

    fn node(&mut self, id: NodeId) -> &mut Node {
        &mut self.index.nodes[id as usize]
    }

    fn open(&mut self, id: NodeId, len: usize, kind: Kind) -> NodeId {
        let first = self.index.nodes.len();
        self.index.nodes.resize_with(first + len, Node::default);
        let n = self.node(id);
        n.kind = kind;
        n.first = first as u32;
        n.len = len as u32;
        first as u32
    }

    /// Make `id` a sequence of `len` items, ids `first..first + len`; returns `first`.
    pub(crate) fn open_seq(&mut self, id: NodeId, len: usize) -> NodeId {
        self.open(id, len, Kind::Seq)
    }

    /// Make `id` a mapping of `len` entries, ids `first..first + len`, each to
    /// be named with [`IndexBuilder::set_name`]; returns `first`.
    pub(crate) fn open_map(&mut self, id: NodeId, len: usize) -> NodeId {
        self.open(id, len, Kind::Map)
    }

    /// Sort mapping `id`'s entries by name. Of entries with the same name
    /// the last one stays, as in the JSON object.
    pub(crate) fn close_map(&mut self, id: NodeId) {
        let n = &self.index.nodes[id as usize];
        let kids = n.first as usize..(n.first + n.len) as usize;
        let Index { nodes, names, .. } = &mut self.index;
        let name = |n: &Node| {
            names
                .get(n.name.0 as usize..n.name.1 as usize)
                .unwrap_or_default()
        };
        let run = &mut nodes[kids.clone()];
        if run.windows(2).all(|w| name(&w[0]) < name(&w[1])) {
            return;
        }
        run.sort_by(|a, b| name(a).cmp(name(b)));
        let mut kept = 0;
        for i in 0..run.len() {
            if i + 1 < run.len() && name(&run[i]) == name(&run[i + 1]) {
                continue;
            }
            run.swap(kept, i);
            kept += 1;
        }
        self.node(id).len = kept as u32;
    }

    pub(crate) fn set_span(&mut self, id: NodeId, span: Range<usize>) {
        self.node(id).span = Pos::new(span);
    }

    pub(crate) fn set_key(&mut self, id: NodeId, span: Range<usize>) {
        self.node(id).key = Pos::new(span);
    }

    /// The key of mapping entry `id`, as in the JSON object.
    pub(crate) fn set_name(&mut self, id: NodeId, name: &str) {
        let start = self.index.names.len();
        self.index.names.push_str(name);
        let end = self.index.names.len();
        self.node(id).name = (start as u32, end as u32);
    }

    pub(crate) fn set_tag(&mut self, id: NodeId, tag: &str) {
        let at = self.index.tags.len() as u32;
        self.index.tags.push(tag.into());
        self.node(id).tag = at;
    }

    pub(crate) fn finish(self) -> Index {
        self.index
    }
}

/// A file that does not parse: the parser's message and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Range<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }

    /// `{b: [x, y], a: 1, b: 2}`, keys written in that order (the second `b` wins).
    fn sample() -> Located {
        let mut b = IndexBuilder::new();
        b.set_span(IndexBuilder::ROOT, 0..30);
        let first = b.open_map(IndexBuilder::ROOT, 3);
        for (i, (name, at)) in [("b", 1), ("a", 10), ("b", 20)].into_iter().enumerate() {
            let id = first + i as u32;
            b.set_name(id, name);
            b.set_key(id, at..at + 1);
            b.set_span(id, at + 3..at + 5);
        }
        let items = b.open_seq(first, 2);
        b.set_span(items, 5..6);
        b.set_tag(items + 1, "vault");
        b.close_map(IndexBuilder::ROOT);
        Located::new(serde_json::Value::Null, 0..30, b.finish())
    }

    #[test]
    fn walks_keys_and_indices() {
        let doc = sample();
        assert_eq!(doc.span_of(&[key("a")]), 10..11);
        assert_eq!(doc.value_span_of(&[key("a")]), 13..15);
        // The later `b` replaced the earlier one, and its children with it.
        assert_eq!(doc.span_of(&[key("b")]), 20..21);
        assert_eq!(doc.value_span(&[key("b"), Seg::Index(0)]), None);
        assert_eq!(doc.value_span_of(&[key("b"), Seg::Index(0)]), 23..25);
        assert_eq!(doc.value_span(&[]), Some(0..30));
        assert_eq!(doc.span_of(&[]), 0..30);
        assert!(doc.has_key(&[key("a")]) && !doc.has_key(&[]));
        assert_eq!(doc.span_of(&[key("zz"), key("deeper")]), 0..30);
        assert_eq!(doc.span_of(&[Seg::Index(0)]), 0..30);
        assert_eq!(doc.tag_of(&[key("a")]), None);
    }

    #[test]
    fn duplicate_names_keep_the_last_with_its_children() {
        let mut b = IndexBuilder::new();
        let first = b.open_map(IndexBuilder::ROOT, 3);
        for (i, name) in ["k", "k", "j"].into_iter().enumerate() {
            b.set_name(first + i as u32, name);
            b.set_span(first + i as u32, i..i + 1);
        }
        let items = b.open_seq(first, 1);
        b.set_tag(items, "t");
        b.close_map(IndexBuilder::ROOT);
        let doc = Located::new(serde_json::Value::Null, 0..9, b.finish());
        assert_eq!(doc.value_span(&[key("k")]), Some(1..2));
        assert_eq!(doc.value_span(&[key("j")]), Some(2..3));
        assert_eq!(doc.tag_of(&[key("k"), Seg::Index(0)]), None);
        assert_eq!(doc.value_span(&[key("k"), Seg::Index(0)]), None);
    }

    #[test]
    fn empty_index_falls_back_to_the_document() {
        let doc = Located {
            span: 3..7,
            ..Located::default()
        };
        assert_eq!(doc.span_of(&[key("x")]), 3..7);
        assert_eq!(doc.value_span_of(&[]), 3..7);
        assert_eq!(doc.value_span(&[]), None);
        assert_eq!(doc.spans().count(), 0);
    }
}
