//! YAML files as [`Located`] documents: one JSON value per document, with the
//! byte span of every node, mapping key and tag.
//!
//! saphyr (YAML 1.2, core schema) parses. Its parser is driven one event at a
//! time into its `YamlLoader<MarkedYaml>`, not through `load_from_str`: that
//! loader drops the tag of a tagged scalar (so it runs with
//! `early_parse(false)` and scalars are resolved here, by saphyr's resolver),
//! and `Parser::load` recurses per nesting level, so deep nesting overflowed
//! the stack. The event loop bounds nesting, aliases included, at [`MAX_DEPTH`].
//!
//! - An empty document (`---` and nothing) is `Value::Null`; a file without
//!   documents (empty, or only comments) gives `Ok(vec![])`.
//! - Merge keys are NOT expanded (saphyr does not implement them): `<<: *base`
//!   stays a `"<<"` key whose value is the aliased node.
//! - Aliases are expanded under saphyr's budget (100 000 nodes; billion laughs
//!   is an error). An alias's span is its `*name`; nodes copied from the anchor
//!   keep the anchor's spans. Anchors are scoped to their document.
//! - Non-string keys are stringified as compact JSON (`1`, `true`, `["a"]`).
//!   Tags are recorded without `!` (`!vault` -> `vault`, `!!str` -> `!str`);
//!   a scalar with a tag outside the core schema stays a string.
//! - A scalar spans its text (no tag, anchor, block header or comment); an
//!   empty one is zero-width. A flow collection spans its brackets; a block
//!   collection runs from its first entry (or `-`) to the end of its last key
//!   or value, as saphyr ends it at the next token.
//! - saphyr's 1-based line and 0-based character column (its `index()` counts
//!   characters, not bytes; a BOM is not in its columns) become bytes through
//!   a [`LineIndex`]. Lines broken by a lone `\r` get wrong but valid spans.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use saphyr::{MarkedYaml, Scalar, ScalarStyle, Tag, YamlData, YamlLoader};
use saphyr_parser::{Event, Marker, Parser, Span, SpannedEventReceiver as _};
use serde_json::{Map, Number, Value};

use super::located::{IndexBuilder, Located, NodeId, ParseError, MAX_TEXT};
use crate::source::{clamp_span, LineIndex};

/// Deepest nesting accepted, counting what aliases expand to (saphyr stops
/// flow collections at 255 levels).
const MAX_DEPTH: usize = 256;
/// A byte offset is kept for every `STRIDE`-th character of a line, so that
/// column -> byte is O(1) on long lines.
const STRIDE: usize = 64;

/// Parse a (possibly multi-document) YAML file into one Located per document.
pub fn parse_yaml(text: &str) -> Result<Vec<Located>, ParseError> {
    if text.len() > MAX_TEXT {
        return Err(ParseError {
            message: "YAML file too large to index (over 4 GiB)".to_string(),
            span: 0..0,
        });
    }
    let pos = Positions::new(text);
    let docs = load(text, &pos)?;
    docs.iter()
        .map(|doc| {
            let mut b = Builder {
                pos: &pos,
                index: IndexBuilder::new(),
            };
            let (value, span) = b.node(doc, doc.span, Some(IndexBuilder::ROOT))?;
            let mut located = Located::new(value, clamp_span(text, span), b.index.finish());
            // The document covers every node in it: an empty key before its
            // collection's first marker (`&a :`, found by fuzzing) starts
            // the document early.
            let (lo, hi) = located
                .spans()
                .fold((located.span.start, located.span.end), |(lo, hi), s| {
                    (lo.min(s.start), hi.max(s.end))
                });
            located.span = lo..hi;
            Ok(located)
        })
        .collect()
}

/// Run saphyr's parser into its marked loader, one event at a time.
fn load<'t>(text: &'t str, pos: &Positions) -> Result<Vec<MarkedYaml<'t>>, ParseError> {
    let mut loader: YamlLoader<'t, MarkedYaml<'t>> = YamlLoader::default();
    loader.early_parse(false);
    let mut guard = DepthGuard::default();
    for event in Parser::new_from_str(text) {
        let (ev, span) = event.map_err(|e| pos.error(*e.marker(), e.info()))?;
        guard.check(&ev).map_err(|msg| pos.error(span.start, msg))?;
        loader.on_event(ev, span);
        if let Some(e) = loader.error() {
            return Err(pos.error(*e.marker(), e.info()));
        }
    }
    Ok(loader.into_documents())
}

/// Nesting depth of the event stream and height of every anchored node, so
/// that neither nesting nor alias expansion goes past [`MAX_DEPTH`].
#[derive(Default)]
struct DepthGuard {
    /// Open collections: anchor id (0 for none), height of the tallest child.
    open: Vec<(usize, usize)>,
    /// Anchor id -> height of the anchored node, in the current document.
    heights: HashMap<usize, usize>,
}

impl DepthGuard {
    fn check(&mut self, ev: &Event) -> Result<(), &'static str> {
        let (anchor, height) = match ev {
            Event::DocumentStart(_) => {
                self.heights.clear();
                return Ok(());
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() >= MAX_DEPTH {
                    return Err("nesting too deep");
                }
                self.open.push((*anchor, 0));
                return Ok(());
            }
            Event::SequenceEnd | Event::MappingEnd => match self.open.pop() {
                Some((anchor, tallest)) => (anchor, tallest + 1),
                None => return Ok(()),
            },
            Event::Scalar(_, _, anchor, _) => (*anchor, 1),
            Event::Alias(id) => {
                // Unknown here also means not finished (an alias inside its anchor).
                let Some(&height) = self.heights.get(id) else {
                    return Err("while parsing node, found unknown anchor");
                };
                if self.open.len() + height > MAX_DEPTH {
                    return Err("alias expands to nesting too deep");
                }
                (0, height)
            }
            _ => return Ok(()),
        };
        if anchor > 0 {
            self.heights.insert(anchor, height);
        }
        if let Some(parent) = self.open.last_mut() {
            parent.1 = parent.1.max(height);
        }
        Ok(())
    }
}

/// saphyr markers (line, character column) -> byte offsets.
struct Positions<'t> {
    text: &'t str,
    lines: LineIndex,
    /// Per 0-based line, the index in `marks` of its first checkpoint.
    first: Vec<usize>,
    /// Byte offset of every `STRIDE`-th character of each line, from its
    /// first character after a BOM.
    marks: Vec<usize>,
}

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        let lines = LineIndex::new(text);
        let mut first = Vec::with_capacity(lines.line_count());
        let mut marks = Vec::new();
        for line in 1..=lines.line_count() {
            first.push(marks.len());
            let r = lines.line_range(text, line);
            let body = text.get(r.clone()).unwrap_or_default();
            let (start, body) = match body.strip_prefix('\u{feff}') {
                Some(rest) => (r.start + 3, rest),
                None => (r.start, body),
            };
            marks.extend(body.char_indices().step_by(STRIDE).map(|(i, _)| start + i));
        }
        Positions {
            text,
            lines,
            first,
            marks,
        }
    }

    fn offset(&self, m: Marker) -> usize {
        let l0 = m.line().saturating_sub(1).min(self.first.len().saturating_sub(1));
        let r = self.lines.line_range(self.text, l0 + 1);
        let next_line = self.first.get(l0 + 1).copied().unwrap_or(self.marks.len());
        let idx = self.first.get(l0).copied().unwrap_or(next_line) + m.col() / STRIDE;
        let from = match self.marks.get(idx) {
            Some(&from) if idx < next_line => from,
            _ => return r.end,
        };
        let rest = self.text.get(from..r.end).unwrap_or_default();
        rest.char_indices()
            .nth(m.col() % STRIDE)
            .map_or(r.end, |(i, _)| from + i)
    }

    /// Byte range of a saphyr span, never inverted.
    fn range(&self, span: Span) -> Range<usize> {
        let start = self.offset(span.start);
        start..self.offset(span.end).max(start)
    }

    /// An error at a marker: the character there, or an empty span at a line end.
    fn error(&self, m: Marker, message: &str) -> ParseError {
        let at = self.offset(m);
        let len = match self.text.get(at..).and_then(|t| t.chars().next()) {
            Some(c) if c != '\n' && c != '\r' => c.len_utf8(),
            _ => 0,
        };
        let span = at..at + len;
        ParseError {
            message: message.to_string(),
            span,
        }
    }
}

/// Converts one document tree and records its positions.
struct Builder<'a, 't> {
    pos: &'a Positions<'t>,
    index: IndexBuilder,
}

impl Builder<'_, '_> {
    /// The value and span of `node`, whose own position is `at` (for a node
    /// copied by an alias, the alias), recorded as node `id`. Without an id
    /// (keys), nothing is stored.
    fn node(
        &mut self,
        node: &MarkedYaml,
        at: Span,
        id: Option<NodeId>,
    ) -> Result<(Value, Range<usize>), ParseError> {
        let text = self.pos.text.as_bytes();
        let raw = self.pos.range(at);
        // A node copied by an alias has the alias's span, `*name`. But an
        // indentless sequence (`key:` then `- item` at the key's indentation)
        // starts at its first item, which may be an alias, and a block
        // scalar's text may start with `*`.
        let first = match &node.data {
            YamlData::Sequence(items) => items.first(),
            YamlData::Mapping(entries) => entries.keys().next(),
            _ => None,
        };
        let indentless = first.is_some_and(|c| c.span.start.index() == at.start.index());
        let alias = !indentless
            && (self.pos.text.get(raw.clone()))
                .is_some_and(|t| t.starts_with('*') && !t.contains(char::is_whitespace));
        let start = match &node.data {
            YamlData::Sequence(_) if indentless => dash_before(text, raw.start),
            _ => skip_properties(text, raw.start, raw.end),
        };
        let (value, span) = match &node.data {
            YamlData::Tagged(tag, inner) => {
                if let Some(id) = id {
                    self.tag(id, tag);
                }
                return self.node(inner, at, id);
            }
            YamlData::Representation(repr, style, tag) => {
                if let (Some(id), Some(tag)) = (id, tag) {
                    self.tag(id, tag);
                }
                let span = scalar_span(text, start, raw.end, *style, repr.is_empty());
                (scalar_value(repr, *style, tag.as_ref()), span)
            }
            YamlData::Sequence(items) => {
                let mut values = Vec::with_capacity(items.len());
                let (mut last, mut floor) = (start, start);
                let first = id.map(|id| self.index.open_seq(id, items.len()));
                for (i, item) in items.iter().enumerate() {
                    let child = first.map(|f| f + i as NodeId);
                    let (value, span) = self.node(item, item.span, child)?;
                    last = last.max(span.end);
                    floor = floor.max(kept(text, &span));
                    values.push(value);
                }
                (
                    Value::Array(values),
                    start..collection_end(text, start, raw.end, last, floor),
                )
            }
            YamlData::Mapping(entries) => {
                let mut object = Map::new();
                let (mut last, mut floor) = (start, start);
                let first = id.map(|id| self.index.open_map(id, entries.len()));
                for (j, (k, v)) in entries.iter().enumerate() {
                    let (key, key_span) = self.node(k, k.span, None)?;
                    let key = match key {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    let child = first.map(|f| f + j as NodeId);
                    if let Some(child) = child {
                        self.index.set_name(child, &key);
                        let span = clamp_span(self.pos.text, key_span.clone());
                        self.index.set_key(child, span);
                    }
                    let (value, mut span) = self.node(v, v.span, child)?;
                    // The missing value of an explicit key (`? a` alone) has
                    // no position of its own (saphyr says 0:0): put it after
                    // its key.
                    if span.is_empty() && span.start < key_span.end {
                        span = key_span.end..key_span.end;
                        if let Some(child) = child {
                            let clamped = clamp_span(self.pos.text, span.clone());
                            self.index.set_span(child, clamped);
                        }
                    }
                    last = last.max(key_span.end).max(span.end);
                    floor = floor.max(kept(text, &key_span)).max(kept(text, &span));
                    object.insert(key, value);
                }
                if let Some(id) = id {
                    self.index.close_map(id);
                }
                (
                    Value::Object(object),
                    start..collection_end(text, start, raw.end, last, floor),
                )
            }
            // `Value` only comes with `early_parse`; `BadValue` from a bad alias.
            _ => (Value::Null, start..start),
        };
        let span = if alias {
            raw
        } else {
            span.start..span.end.max(span.start)
        };
        if let Some(id) = id {
            let clamped = clamp_span(self.pos.text, span.clone());
            self.index.set_span(id, clamped);
        }
        Ok((value, span))
    }

    fn tag(&mut self, id: NodeId, tag: &Tag) {
        let name = if tag.is_yaml_core_schema() {
            format!("!{}", tag.suffix)
        } else if tag.handle == "!" {
            tag.suffix.clone()
        } else if tag.handle.is_empty() {
            // Verbatim `!<...>`, or the non-specific `!` (reported as suffix "!").
            tag.suffix.strip_prefix('!').unwrap_or(&tag.suffix).to_string()
        } else {
            format!("{}{}", tag.handle, tag.suffix)
        };
        if !name.is_empty() {
            self.index.set_tag(id, &name);
        }
    }
}

/// A scalar's value under the core schema, as saphyr resolves it. A scalar
/// with a tag outside the core schema (`!vault`, `!Ref`, `!`) keeps its text,
/// and so do one whose core tag does not fit (`!!int abc`) and a float JSON
/// cannot hold (`.inf`).
fn scalar_value<'a>(repr: &'a str, style: ScalarStyle, tag: Option<&Cow<'a, Tag>>) -> Value {
    let text = || Value::String(repr.to_string());
    if tag.is_some_and(|t| !t.is_yaml_core_schema()) {
        return text();
    }
    match Scalar::parse_from_cow_and_metadata(Cow::Borrowed(repr), style, tag) {
        Some(Scalar::Null) => Value::Null,
        Some(Scalar::Boolean(b)) => Value::Bool(b),
        Some(Scalar::Integer(i)) => Value::Number(i.into()),
        Some(Scalar::FloatingPoint(f)) => Number::from_f64(f.into_inner()).map_or_else(text, Value::Number),
        Some(Scalar::String(s)) => Value::String(s.into_owned()),
        None => text(),
    }
}

/// The byte at `i`, or 0 past the end.
fn byte(text: &[u8], i: usize) -> u8 {
    text.get(i).copied().unwrap_or(0)
}

fn blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Past a node's tag and anchor (`!vault &x`) and the blanks and comments
/// after them, when the node starts with one.
fn skip_properties(text: &[u8], start: usize, end: usize) -> usize {
    let mut i = start;
    if !matches!(byte(text, i), b'!' | b'&') {
        return i;
    }
    while i < end {
        match byte(text, i) {
            b'!' | b'&' => {
                while i < end && !blank(byte(text, i)) && !b",[]{}".contains(&byte(text, i)) {
                    i += 1;
                }
            }
            b'#' => {
                while i < end && byte(text, i) != b'\n' {
                    i += 1;
                }
            }
            c if blank(c) => i += 1,
            _ => break,
        }
    }
    i
}

/// A scalar's text: past a block scalar's header line, up to a quoted
/// scalar's closing quote, without trailing blanks; empty for an empty plain
/// scalar.
fn scalar_span(text: &[u8], mut start: usize, end: usize, style: ScalarStyle, empty: bool) -> Range<usize> {
    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
    if empty && style == ScalarStyle::Plain {
        return start..start;
    }
    if empty && block && start >= end {
        // saphyr puts an empty block scalar at the next token: go back to its header.
        let close = trim_end(text, 0, start);
        return close..close;
    }
    if block && matches!(byte(text, start), b'|' | b'>') {
        let header = start;
        while start < end && byte(text, start) != b'\n' {
            start += 1;
        }
        while start < end && blank(byte(text, start)) {
            start += 1;
        }
        if start >= end {
            return header..trim_end(text, header, end);
        }
    }
    let quote = match style {
        ScalarStyle::SingleQuoted => b'\'',
        ScalarStyle::DoubleQuoted => b'"',
        _ => return start..trim_end(text, start, end),
    };
    start..quoted_end(text, quote, start, end).unwrap_or_else(|| trim_end(text, start, end))
}

/// Just past the closing quote of a quoted scalar that starts at `start`
/// (saphyr's end marker takes in a comment after it).
fn quoted_end(text: &[u8], quote: u8, start: usize, end: usize) -> Option<usize> {
    if byte(text, start) != quote {
        return None;
    }
    let mut i = start + 1;
    while i < end {
        match byte(text, i) {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && byte(text, i + 1) == b'\'' => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The `-` before the first item of an indentless sequence, on its line.
fn dash_before(text: &[u8], start: usize) -> usize {
    let mut i = start;
    while i > 0 && matches!(byte(text, i - 1), b' ' | b'\t') {
        i -= 1;
    }
    match i.checked_sub(1) {
        Some(dash) if byte(text, dash) == b'-' => dash,
        _ => start,
    }
}

fn trim_end(text: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && blank(byte(text, end - 1)) {
        end -= 1;
    }
    end
}

/// How far a parent's end may be trimmed back: to the child's start, or,
/// when the child itself ends in a blank (it kept a zero-width descendant
/// after one), to its end.
fn kept(text: &[u8], span: &Range<usize>) -> usize {
    if span.end > span.start && blank(byte(text, span.end - 1)) {
        span.end
    } else {
        span.start
    }
}

/// End of a collection: saphyr's end marker sits on a flow collection's
/// closing bracket, but at the next token after a block collection, which
/// ends with its last entry instead. Trailing blanks are trimmed, but never
/// back past `floor` (see [`kept`]): an empty key or value is a zero-width
/// span that may sit after a blank or a line break, and stays inside.
fn collection_end(text: &[u8], start: usize, marker: usize, last: usize, floor: usize) -> usize {
    let close = match byte(text, start) {
        b'[' => b']',
        b'{' => b'}',
        _ => 0,
    };
    if close != 0 && byte(text, marker) == close {
        marker + 1
    } else {
        trim_end(text, start.max(floor.min(last)), last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::located::Seg;
    use serde_json::json;

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }

    fn one(text: &str) -> Located {
        let mut docs = parse_yaml(text).expect("parses");
        assert_eq!(docs.len(), 1, "one document");
        docs.remove(0)
    }

    /// Source text of the node at `path`, and of its key.
    fn at<'t>(text: &'t str, doc: &Located, path: &[Seg]) -> (&'t str, &'t str) {
        let value = &text[doc.value_span(path).expect("a value span")];
        let key = doc.key_span(path).map_or("", |s| &text[s]);
        (value, key)
    }

    #[test]
    fn nested_paths_and_spans() {
        let text = "top:\n  list:\n    - a\n    - name: x\n      port: 80\n  flow: {k: [1, 2]}\nlast: true\n";
        let doc = one(text);
        assert_eq!(
            doc.value,
            json!({"top": {"list": ["a", {"name": "x", "port": 80}], "flow": {"k": [1, 2]}}, "last": true})
        );
        let port = [key("top"), key("list"), Seg::Index(1), key("port")];
        assert_eq!(at(text, &doc, &port), ("80", "port"));
        assert_eq!(at(text, &doc, &[key("top"), key("list"), Seg::Index(0)]).0, "a");
        assert_eq!(
            at(text, &doc, &[key("top"), key("list"), Seg::Index(1)]).0,
            "name: x\n      port: 80"
        );
        assert_eq!(
            at(text, &doc, &[key("top"), key("list")]),
            ("- a\n    - name: x\n      port: 80", "list")
        );
        assert_eq!(
            at(text, &doc, &[key("top"), key("flow")]),
            ("{k: [1, 2]}", "flow")
        );
        assert_eq!(at(text, &doc, &[key("top"), key("flow"), key("k")]).0, "[1, 2]");
        assert_eq!(
            at(text, &doc, &[key("top"), key("flow"), key("k"), Seg::Index(1)]).0,
            "2"
        );
        assert_eq!(at(text, &doc, &[key("last")]), ("true", "last"));
        assert_eq!(&text[doc.span.clone()], text.trim_end());
        assert_eq!(Some(doc.span_of(&port)), doc.key_span(&port));
    }

    #[test]
    fn multi_document_files() {
        let text = "---\na: 1\n---\n# nothing here\n---\n- b\n...\n";
        let docs = parse_yaml(text).expect("parses");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].value, json!({"a": 1}));
        assert_eq!(&text[docs[0].span.clone()], "a: 1");
        assert_eq!(docs[1].value, Value::Null);
        assert_eq!(docs[2].value, json!(["b"]));
        assert_eq!(&text[docs[2].span.clone()], "- b");
        assert_eq!(docs[2].value_span(&[Seg::Index(0)]).map(|s| &text[s]), Some("b"));
    }

    #[test]
    fn files_without_documents() {
        assert!(parse_yaml("").expect("parses").is_empty());
        assert!(parse_yaml("# only\n# comments\n").expect("parses").is_empty());
        let docs = parse_yaml("---\n").expect("parses");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].value, Value::Null);
    }

    #[test]
    fn crlf_bom_and_wide_characters() {
        let text = "\u{feff}name: \"h\u{e9}llo\"\r\ngreet: \u{4e16}\u{754c} # \u{1f600}\r\nport: 8080\r\n\
                    \u{540d}\u{524d}: {\u{e9}: [\u{1f600}, ok]}\r\n";
        let doc = one(text);
        let wide = [key("\u{540d}\u{524d}"), key("\u{e9}"), Seg::Index(1)];
        assert_eq!(at(text, &doc, &wide).0, "ok");
        assert_eq!(at(text, &doc, &wide[..2]), ("[\u{1f600}, ok]", "\u{e9}"));
        assert_eq!(
            at(text, &doc, &wide[..1]),
            ("{\u{e9}: [\u{1f600}, ok]}", "\u{540d}\u{524d}")
        );
        assert_eq!(doc.value["greet"], json!("\u{4e16}\u{754c}"));
        assert_eq!(at(text, &doc, &[key("name")]), ("\"h\u{e9}llo\"", "name"));
        assert_eq!(at(text, &doc, &[key("greet")]), ("\u{4e16}\u{754c}", "greet"));
        assert_eq!(at(text, &doc, &[key("port")]), ("8080", "port"));
        assert_eq!(doc.span.start, 3);
    }

    #[test]
    fn anchors_and_aliases() {
        let text = "base: &b\n  image: nginx\ncopy: *b\nlist: [&s x, *s]\nm:\n  <<: *b\n  extra: 1\n";
        let doc = one(text);
        assert_eq!(doc.value["copy"], json!({"image": "nginx"}));
        assert_eq!(doc.value["list"], json!(["x", "x"]));
        assert_eq!(at(text, &doc, &[key("base")]).0, "image: nginx");
        assert_eq!(at(text, &doc, &[key("copy")]), ("*b", "copy"));
        // Nodes copied by an alias point at the anchor's text.
        assert_eq!(at(text, &doc, &[key("copy"), key("image")]), ("nginx", "image"));
        assert_eq!(at(text, &doc, &[key("list"), Seg::Index(0)]).0, "x");
        assert_eq!(at(text, &doc, &[key("list"), Seg::Index(1)]).0, "*s");
        // An indentless sequence that starts with an alias is not an alias.
        let text = "x: &x 1\nlist:\n- *x\n- &y 2\nnested:\n- - p\n";
        let doc = one(text);
        assert_eq!(doc.value, json!({"x": 1, "list": [1, 2], "nested": [["p"]]}));
        assert_eq!(at(text, &doc, &[key("list")]), ("- *x\n- &y 2", "list"));
        assert_eq!(at(text, &doc, &[key("list"), Seg::Index(1)]).0, "2");
        assert_eq!(at(text, &doc, &[key("nested")]).0, "- - p");
        assert_eq!(at(text, &doc, &[key("nested"), Seg::Index(0)]).0, "- p");
        let doc = one("m:
  <<: *b
  extra: 1
"
        .replace("*b", "{}")
        .as_str());
        assert_eq!(doc.value["m"]["<<"], json!({}));
        let text = "base: &b\n  image: nginx\ncopy: *b\nlist: [&s x, *s]\nm:\n  <<: *b\n  extra: 1\n";
        let doc = one(text);
        // Merge keys are not expanded: saphyr does not implement them.
        assert_eq!(doc.value["m"], json!({"<<": {"image": "nginx"}, "extra": 1}));
    }

    #[test]
    fn vault_block_scalar_keeps_its_tag() {
        let doc = one("a: |\n  *bold* text\nb: 1\n");
        assert_eq!(doc.value_span(&[key("a")]), Some(7..18));
        let text = "user: admin\npassword: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162636465\nport: 22\n";
        let doc = one(text);
        let path = [key("password")];
        assert_eq!(doc.tag_of(&path), Some("vault"));
        assert_eq!(
            doc.value["password"],
            json!("$ANSIBLE_VAULT;1.1;AES256\n6162636465\n")
        );
        assert_eq!(
            at(text, &doc, &path),
            ("$ANSIBLE_VAULT;1.1;AES256\n  6162636465", "password")
        );
        assert_eq!(doc.value["port"], json!(22));
    }

    #[test]
    fn tags_and_core_schema() {
        let text = "ref: !Ref 12\nsub: !Sub\n  - x\nint: 0x1F\nfloat: 1.5\ninf: .inf\nno: false\nnull: ~\n\
                    quoted: \"12\"  # note\nsq: 'it''s' # c\nstr: !!str 12\n1: one\n? [a, b]\n: pair\n";
        let doc = one(text);
        assert_eq!(doc.value["ref"], json!("12"));
        assert_eq!(doc.tag_of(&[key("ref")]), Some("Ref"));
        assert_eq!(doc.value["sub"], json!(["x"]));
        assert_eq!(doc.tag_of(&[key("sub")]), Some("Sub"));
        assert_eq!(at(text, &doc, &[key("sub")]).0, "- x");
        assert_eq!(at(text, &doc, &[key("ref")]).0, "12");
        assert_eq!(doc.value["int"], json!(31));
        assert_eq!(doc.value["float"], json!(1.5));
        assert_eq!(doc.value["inf"], json!(".inf"));
        assert_eq!(doc.value["no"], json!(false));
        assert_eq!(doc.value["null"], Value::Null);
        assert_eq!(doc.value["quoted"], json!("12"));
        assert_eq!(at(text, &doc, &[key("quoted")]).0, "\"12\"");
        assert_eq!(at(text, &doc, &[key("sq")]).0, "'it''s'");
        assert_eq!(doc.value["str"], json!("12"));
        assert_eq!(doc.tag_of(&[key("str")]), Some("!str"));
        assert_eq!(doc.value["1"], json!("one"));
        assert_eq!(doc.value["[\"a\",\"b\"]"], json!("pair"));
        assert_eq!(at(text, &doc, &[key("[\"a\",\"b\"]")]), ("pair", "[a, b]"));
    }

    #[test]
    fn kubernetes_deployment() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27   # pinned
          ports:
            - containerPort: 80
";
        let doc = one(text);
        let path = [
            key("spec"),
            key("template"),
            key("spec"),
            key("containers"),
            Seg::Index(0),
            key("image"),
        ];
        assert_eq!(
            doc.value["spec"]["template"]["spec"]["containers"][0]["image"],
            json!("nginx:1.27")
        );
        assert_eq!(at(text, &doc, &path), ("nginx:1.27", "image"));
        let container = &path[..5];
        assert_eq!(
            at(text, &doc, container).0,
            "name: web\n          image: nginx:1.27   # pinned\n          ports:\n            - containerPort: 80"
        );
        assert_eq!(at(text, &doc, &[key("metadata"), key("labels")]).0, "{app: web}");
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let text = "ok: 1\nbad: b: c\n";
        let err = parse_yaml(text).expect_err("does not parse");
        assert_eq!(err.message, "mapping values are not allowed in this context");
        assert_eq!(err.span, 12..13);
        assert_eq!(&text[err.span], ":");

        let text = "a: \u{4e16}\nlist: [1, 2\nnext: x\n";
        let err = parse_yaml(text).expect_err("does not parse");
        assert!(err.span.start > text.find("list").unwrap_or(0), "{err:?}");
        assert!(text.is_char_boundary(err.span.start) && err.span.end <= text.len());

        let err = parse_yaml("a: 1\na: 2\n").expect_err("duplicate key");
        assert_eq!(err.message, "duplicated key in mapping");
        assert_eq!(err.span, 5..6);

        let err = parse_yaml("a: &x 1\n---\nb: *x\n").expect_err("anchors are per document");
        assert!(err.message.contains("unknown anchor"), "{err:?}");
    }

    #[test]
    fn billion_laughs_is_an_error() {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 9].join(", ");
            text.push_str(&format!("{0}: &{0} [{1}]\n", pair[1], refs));
        }
        let started = std::time::Instant::now();
        let err = parse_yaml(&text).expect_err("alias budget");
        assert!(err.message.contains("alias"), "{err:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let block = format!("{}x\n", "- ".repeat(20_000));
        assert!(parse_yaml(&block).is_err());
        let flow = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        assert!(parse_yaml(&flow).is_err());
        // Aliases of deep anchors nest deeper still.
        let deep = format!("a: &a {}x{}\n", "[".repeat(200), "]".repeat(200));
        assert!(parse_yaml(&format!("{deep}b: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n")).is_err());
        assert!(parse_yaml(&deep).is_ok());
        // The deepest accepted file, through saphyr and back, on a small stack.
        let block: String = (0..MAX_DEPTH - 1)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        let small = std::thread::Builder::new().stack_size(1 << 20);
        let parsed = small
            .spawn(move || parse_yaml(&block).map(|d| d.len()))
            .map(|t| t.join());
        assert!(matches!(parsed, Ok(Ok(Ok(1)))), "{parsed:?}");
    }

    #[test]
    fn many_deep_nodes_are_indexed_per_node_not_per_path() {
        // Positions are stored per node, not per path, so 40 000 leaves 250
        // levels deep (10 million path segments) index in linear space.
        let leaves = vec!["a"; 40_000].join(",");
        let text = format!("{}{leaves},last{}", "[".repeat(250), "]".repeat(250));
        let doc = one(&text);
        let mut path = vec![Seg::Index(0); 249];
        path.push(Seg::Index(40_000));
        assert_eq!(at(&text, &doc, &path).0, "last");
        assert_eq!(doc.spans().count(), 40_001 + 250);
    }

    #[test]
    fn no_panic_on_broken_input() {
        let text = "a: &x {k: [1, \"\u{e9}\u{4e16}\"]}\r\nb: !t |\n  z\n---\n? *x\n: - 'q'\n  - *x\n...\n\u{feff}c\t: {";
        let cuts: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        for &end in &cuts {
            for start in [0, 1, 4, 10] {
                let Some(slice) = text.get(start.min(end)..end) else {
                    continue;
                };
                let check = |span: &Range<usize>| {
                    assert!(
                        span.start <= span.end && span.end <= slice.len(),
                        "{slice:?} {span:?}"
                    );
                    assert!(slice.is_char_boundary(span.start) && slice.is_char_boundary(span.end));
                };
                match parse_yaml(slice) {
                    Ok(docs) => {
                        for doc in &docs {
                            check(&doc.span);
                            doc.spans().for_each(|s| check(&s));
                        }
                    }
                    Err(e) => check(&e.span),
                }
            }
        }
    }
}
