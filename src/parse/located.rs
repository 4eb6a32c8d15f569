//! A parsed YAML document or HCL file as a JSON value, with the byte span of
//! every node, so that a JSONPath match can be reported at its line and
//! column. Shared by the YAML and HCL parsers; knows no rules.

use std::collections::HashMap;
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
    /// Path from the root -> byte span of the node's value (for a mapping or
    /// sequence, the whole collection). The root is the empty path.
    pub spans: HashMap<Vec<Seg>, Range<usize>>,
    /// Path of a mapping entry -> byte span of its key.
    pub key_spans: HashMap<Vec<Seg>, Range<usize>>,
    /// Path -> tag written on the node (`!vault`, `!Ref`), without the `!`.
    pub tags: HashMap<Vec<Seg>, String>,
    /// Byte span of the whole document.
    pub span: Range<usize>,
}

impl Located {
    /// The best span for a path: the key when there is one (so a finding
    /// about `image: nginx` points at `image`), else the value, else the
    /// nearest ancestor that has a span.
    pub fn span_of(&self, path: &[Seg]) -> Range<usize> {
        if let Some(s) = self.key_spans.get(path) {
            return s.clone();
        }
        let mut p = path.to_vec();
        loop {
            if let Some(s) = self.spans.get(&p) {
                return s.clone();
            }
            if p.pop().is_none() {
                return self.span.clone();
            }
        }
    }
}

impl Located {
    /// The span of the value at `path` (not its key), or of the nearest
    /// ancestor that has one.
    pub fn value_span_of(&self, path: &[Seg]) -> Range<usize> {
        let mut p = path.to_vec();
        loop {
            if let Some(s) = self.spans.get(&p) {
                return s.clone();
            }
            if p.pop().is_none() {
                return self.span.clone();
            }
        }
    }
}

/// A file that does not parse: the parser's message and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Range<usize>,
}
