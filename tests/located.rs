//! Positions of generated YAML documents: for every node, `span_of` is the
//! text of its key (or of its value when it has none), `value_span_of` the
//! text of its value, and `tag_of` its tag. The generator writes nested block
//! and flow collections, multi-document files, anchors and aliases, tags,
//! quoted and block scalars, comments, CRLF line ends, a BOM and non-ASCII
//! text, and records where it put each key and value as it writes.

use std::ops::Range;

use constable::parse::located::{Located, Seg};
use constable::parse::yaml::parse_yaml;
use serde_json::{Map, Value};

/// splitmix64: a small deterministic generator, so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// What the generator wrote for one node.
#[derive(Debug, Clone)]
struct Model {
    value: Value,
    span: Range<usize>,
    tag: Option<String>,
    kids: Kids,
}

#[derive(Debug, Clone)]
enum Kids {
    Leaf,
    Seq(Vec<Model>),
    /// Key as in the JSON object, span of the key as written, value.
    Map(Vec<(String, Range<usize>, Model)>),
}

/// Plain words safe in block and flow context.
const WORDS: &[&str] = &[
    "web",
    "h\u{e9}llo",
    "\u{4e16}\u{754c}",
    "\u{1f600}x",
    "two words",
    "a/b",
    "v1.2-rc",
    "caf\u{e9} cr\u{e8}me",
];
const KEYS: &[&str] = &[
    "name",
    "image",
    "ports",
    "\u{e9}-key",
    "\u{540d}\u{524d}",
    "spec",
    "x",
];

struct Gen {
    rng: Rng,
    out: String,
    nl: &'static str,
    /// Anchors of the current document, with what they hold.
    anchors: Vec<(String, Model)>,
    next_anchor: usize,
    /// Numbers that keep keys unique within a document.
    next_key: usize,
}

impl Gen {
    fn at(&self) -> usize {
        self.out.len()
    }

    fn push(&mut self, s: &str) -> Range<usize> {
        let start = self.at();
        self.out.push_str(s);
        start..self.at()
    }

    fn newline(&mut self) {
        if self.rng.chance(15) {
            self.out.push_str("   # note \u{e9}");
        }
        self.out.push_str(self.nl);
    }

    fn indent(&mut self, n: usize) {
        self.out.push_str(&" ".repeat(n));
    }

    /// `&aN ` before a node, sometimes; the name is registered by the caller
    /// once the node is written.
    fn maybe_anchor(&mut self) -> Option<String> {
        if !self.rng.chance(15) {
            return None;
        }
        self.next_anchor += 1;
        let name = format!("a{}", self.next_anchor);
        self.out.push_str(&format!("&{name} "));
        Some(name)
    }

    fn maybe_tag(&mut self) -> Option<String> {
        if !self.rng.chance(12) {
            return None;
        }
        let tag = self.rng.pick(&["vault", "Ref", "Sub", "t1"]).to_string();
        self.out.push_str(&format!("!{tag} "));
        Some(tag)
    }

    /// `*aN`, copying what the anchor holds with the alias's own span.
    fn alias(&mut self) -> Option<Model> {
        if self.anchors.is_empty() || !self.rng.chance(20) {
            return None;
        }
        let (name, target) = self.anchors[self.rng.below(self.anchors.len())].clone();
        let span = self.push(&format!("*{name}"));
        Some(Model { span, ..target })
    }

    fn register(&mut self, anchor: Option<String>, m: &Model) {
        if let Some(name) = anchor {
            self.anchors.push((name, m.clone()));
        }
    }

    fn key(&mut self) -> (String, Range<usize>) {
        self.next_key += 1;
        let n = self.next_key;
        match self.rng.below(5) {
            0 => {
                let span = self.push(&format!("{}", 100 + n));
                (format!("{}", 100 + n), span)
            }
            1 => {
                let k = format!("{} {n}", self.rng.pick(KEYS));
                let span = self.push(&format!("\"{k}\""));
                (k, span)
            }
            _ => {
                let k = format!("{}{n}", self.rng.pick(KEYS));
                let span = self.push(&k);
                (k, span)
            }
        }
    }

    /// A scalar with its properties, in block or flow context.
    fn scalar(&mut self) -> Model {
        if let Some(m) = self.alias() {
            return m;
        }
        let tag = self.maybe_tag();
        let anchor = self.maybe_anchor();
        let (value, span) = match self.rng.below(6) {
            0 => {
                let n = self.rng.below(100_000);
                let span = self.push(&n.to_string());
                (Value::from(n), span)
            }
            1 => {
                let b = self.rng.chance(50);
                let span = self.push(if b { "true" } else { "false" });
                (Value::Bool(b), span)
            }
            2 => {
                let w = self.rng.pick(WORDS);
                let span = self.push(&format!("\"{w}\\t\\\"q\\\"\""));
                (Value::from(format!("{w}\t\"q\"")), span)
            }
            3 => {
                let w = self.rng.pick(WORDS);
                let span = self.push(&format!("'{w} it''s'"));
                (Value::from(format!("{w} it's")), span)
            }
            _ => {
                let w = self.rng.pick(WORDS);
                let span = self.push(w);
                (Value::from(w), span)
            }
        };
        // A scalar with a tag outside the core schema keeps its text.
        let value = match (&tag, value) {
            (Some(_), Value::Number(_) | Value::Bool(_)) => Value::from(&self.out[span.clone()]),
            (_, v) => v,
        };
        let m = Model {
            value,
            span,
            tag,
            kids: Kids::Leaf,
        };
        self.register(anchor, &m);
        m
    }

    /// `[..]` or `{..}` on one line.
    fn flow(&mut self, depth: usize) -> Model {
        if let Some(m) = self.alias() {
            return m;
        }
        let tag = self.maybe_tag();
        let anchor = self.maybe_anchor();
        let n = self.rng.below(4);
        let start = self.at();
        let mut m = if self.rng.chance(50) {
            self.out.push('[');
            let mut items = Vec::new();
            for i in 0..n {
                if i > 0 {
                    self.out.push_str(", ");
                }
                items.push(self.flow_item(depth));
            }
            self.out.push(']');
            Model {
                value: Value::Array(items.iter().map(|m| m.value.clone()).collect()),
                span: start..start,
                tag: None,
                kids: Kids::Seq(items),
            }
        } else {
            self.out.push('{');
            let mut entries = Vec::new();
            for i in 0..n {
                self.out.push_str(if i > 0 { ", " } else { " " });
                let (k, ks) = self.key();
                self.out.push_str(": ");
                let v = self.flow_item(depth);
                entries.push((k, ks, v));
            }
            self.out.push_str(if n > 0 { " }" } else { "}" });
            map_model(entries, start..start)
        };
        m.span = start..self.at();
        m.tag = tag;
        self.register(anchor, &m);
        m
    }

    fn flow_item(&mut self, depth: usize) -> Model {
        if depth < 4 && self.rng.chance(25) {
            self.flow(depth + 1)
        } else {
            self.scalar()
        }
    }

    /// A literal block scalar after `key: ` or `- `, and its line end.
    fn literal(&mut self, indent: usize) -> Model {
        let tag = self.maybe_tag();
        self.out.push('|');
        self.out.push_str(self.nl);
        let lines = 1 + self.rng.below(3);
        let mut text = String::new();
        let mut start = None;
        let mut end = 0;
        for _ in 0..lines {
            self.indent(indent + 2);
            let w = self.rng.pick(WORDS);
            let span = self.push(&format!("*{w}* # not a comment"));
            start.get_or_insert(span.start);
            end = span.end;
            text.push_str(&format!("*{w}* # not a comment\n"));
            self.out.push_str(self.nl);
        }
        Model {
            value: Value::from(text),
            span: start.unwrap_or(end)..end,
            tag,
            kids: Kids::Leaf,
        }
    }

    /// Block mapping entries at `indent`; with `inline`, the first key goes
    /// where the text is now (after `- `).
    fn block_map(&mut self, indent: usize, depth: usize, inline: bool) -> Model {
        let n = 1 + self.rng.below(4);
        let mut entries = Vec::new();
        for i in 0..n {
            if i > 0 || !inline {
                if self.rng.chance(10) {
                    self.indent(indent);
                    self.out.push_str("# between entries");
                    self.out.push_str(self.nl);
                }
                self.indent(indent);
            }
            let (k, ks) = self.key();
            self.out.push(':');
            let v = self.block_value(indent, depth);
            entries.push((k, ks, v));
        }
        let start = entries[0].1.start;
        let end = entries.last().map_or(start, |e| e.2.span.end);
        map_model(entries, start..end)
    }

    /// A block sequence at `indent`, starting at the current position when
    /// `inline` (after `key:` and a line end for an indentless one).
    fn block_seq(&mut self, indent: usize, depth: usize) -> Model {
        let n = 1 + self.rng.below(4);
        let mut items = Vec::new();
        let mut start = None;
        for _ in 0..n {
            self.indent(indent);
            let dash = self.push("- ");
            start.get_or_insert(dash.start);
            let item = match self.rng.below(5) {
                0 if depth < 4 => self.block_map(indent + 2, depth + 1, true),
                1 => {
                    let m = self.flow(depth + 1);
                    self.newline();
                    m
                }
                // Not first: an indentless sequence that starts with a block
                // scalar is spanned from its `|` (a known gap in yaml.rs).
                2 if depth < 4 && !items.is_empty() => self.literal(indent),
                _ => {
                    let m = self.scalar();
                    self.newline();
                    m
                }
            };
            items.push(item);
        }
        let start = start.unwrap_or(0);
        let end = items.last().map_or(start, |m| m.span.end);
        Model {
            value: Value::Array(items.iter().map(|m| m.value.clone()).collect()),
            span: start..end,
            tag: None,
            kids: Kids::Seq(items),
        }
    }

    /// What follows `key:` in a block mapping at `indent`, line end included.
    fn block_value(&mut self, indent: usize, depth: usize) -> Model {
        let choice = if depth >= 4 {
            self.rng.below(3)
        } else {
            self.rng.below(8)
        };
        match choice {
            0 => {
                self.out.push(' ');
                let m = self.scalar();
                self.newline();
                m
            }
            1 => {
                self.out.push(' ');
                let m = self.flow(depth + 1);
                self.newline();
                m
            }
            2 => {
                self.out.push(' ');
                self.literal(indent)
            }
            3 | 4 => {
                // A nested mapping, maybe tagged or anchored on the key's line.
                let tag = if self.rng.chance(20) {
                    let t = self.rng.pick(&["Sub", "k8s"]).to_string();
                    self.out.push_str(&format!(" !{t}"));
                    Some(t)
                } else {
                    None
                };
                let anchor = if self.rng.chance(20) {
                    self.next_anchor += 1;
                    let name = format!("a{}", self.next_anchor);
                    self.out.push_str(&format!(" &{name}"));
                    Some(name)
                } else {
                    None
                };
                self.out.push_str(self.nl);
                let mut m = self.block_map(indent + 2, depth + 1, false);
                m.tag = tag;
                self.register(anchor, &m);
                m
            }
            5 => {
                self.out.push_str(self.nl);
                self.block_seq(indent + 2, depth + 1)
            }
            6 => {
                // Indentless: `- ` at the key's own indentation.
                self.out.push_str(self.nl);
                self.block_seq(indent, depth + 1)
            }
            _ => {
                self.out.push(' ');
                let m = match self.alias() {
                    Some(m) => m,
                    None => self.scalar(),
                };
                self.newline();
                m
            }
        }
    }

    /// One document's root, after any `---` line.
    fn document(&mut self) -> Model {
        self.anchors.clear();
        match self.rng.below(5) {
            0 => {
                let m = self.flow(1);
                self.out.push_str(self.nl);
                m
            }
            1 => self.block_seq(0, 1),
            _ => self.block_map(0, 1, false),
        }
    }
}

fn map_model(entries: Vec<(String, Range<usize>, Model)>, span: Range<usize>) -> Model {
    let value: Map<String, Value> = entries
        .iter()
        .map(|(k, _, m)| (k.clone(), m.value.clone()))
        .collect();
    Model {
        value: Value::Object(value),
        span,
        tag: None,
        kids: Kids::Map(entries),
    }
}

/// A file of one to three documents, and what each holds.
fn file(seed: u64) -> (String, Vec<Model>) {
    let mut g = Gen {
        rng: Rng(seed),
        out: String::new(),
        nl: "\n",
        anchors: Vec::new(),
        next_anchor: 0,
        next_key: 0,
    };
    if g.rng.chance(30) {
        g.nl = "\r\n";
    }
    if g.rng.chance(10) {
        g.out.push('\u{feff}');
    }
    let docs = 1 + g.rng.below(3);
    let mut models = Vec::new();
    for i in 0..docs {
        if i > 0 || g.rng.chance(30) {
            g.out.push_str("---");
            g.out.push_str(g.nl);
        }
        if g.rng.chance(10) {
            g.out.push_str("# a comment before the document");
            g.out.push_str(g.nl);
        }
        models.push(g.document());
        if g.rng.chance(10) {
            g.out.push_str("...");
            g.out.push_str(g.nl);
        }
    }
    (g.out, models)
}

/// Check every node of `m`, at `path` in `doc`, and return how many.
fn check(text: &str, doc: &Located, m: &Model, path: &mut Vec<Seg>, key: Option<&Range<usize>>) -> usize {
    let shown = |r: &Range<usize>| text.get(r.clone()).unwrap_or("<not a str range>");
    let value = doc.value_span_of(path);
    assert_eq!(shown(&value), shown(&m.span), "value of {path:?}");
    assert_eq!(value, m.span, "value span of {path:?}");
    assert_eq!(doc.value_span(path), Some(m.span.clone()), "{path:?}");
    let best = doc.span_of(path);
    let want = key.unwrap_or(&m.span);
    assert_eq!(shown(&best), shown(want), "span_of {path:?}");
    assert_eq!(&best, want, "span_of {path:?}");
    assert_eq!(doc.has_key(path), key.is_some(), "{path:?}");
    assert_eq!(doc.tag_of(path), m.tag.as_deref(), "tag of {path:?}");
    // A path that goes on past what exists falls back to this node's value.
    path.push(Seg::Key("\u{0}missing".into()));
    assert_eq!(doc.span_of(path), m.span, "missing child of {path:?}");
    path.pop();
    let mut count = 1;
    match &m.kids {
        Kids::Leaf => {}
        Kids::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                count += check(text, doc, item, path, None);
                path.pop();
            }
            path.push(Seg::Index(items.len()));
            assert_eq!(doc.span_of(path), m.span, "past the end of {path:?}");
            path.pop();
        }
        Kids::Map(entries) => {
            for (k, ks, v) in entries {
                path.push(Seg::Key(k.clone()));
                count += check(text, doc, v, path, Some(ks));
                path.pop();
            }
        }
    }
    count
}

#[test]
fn every_generated_node_maps_to_its_text() {
    let mut nodes = 0;
    let (mut crlf, mut bom, mut multi, mut aliases, mut tags) = (0, 0, 0, 0, 0);
    for seed in 0..400u64 {
        let (text, models) = file(seed);
        let docs = parse_yaml(&text).unwrap_or_else(|e| panic!("seed {seed}: {e:?}\n{text}"));
        assert_eq!(docs.len(), models.len(), "seed {seed}:\n{text}");
        for (doc, m) in docs.iter().zip(&models) {
            assert_eq!(doc.value, m.value, "seed {seed}:\n{text}");
            assert_eq!(&text[doc.span.clone()], &text[m.span.clone()], "seed {seed}");
            let mut path = Vec::new();
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                check(&text, doc, m, &mut path, None)
            }));
            match checked {
                Ok(n) => nodes += n,
                Err(e) => panic!("seed {seed}: {e:?}\n{text}"),
            }
        }
        crlf += usize::from(text.contains("\r\n"));
        bom += usize::from(text.starts_with('\u{feff}'));
        multi += usize::from(models.len() > 1);
        aliases += usize::from(text.contains('*'));
        tags += usize::from(text.contains('!'));
    }
    // The generator really covers what it claims.
    assert!(nodes > 10_000, "{nodes} nodes");
    for (what, n) in [
        ("crlf", crlf),
        ("bom", bom),
        ("multi", multi),
        ("aliases", aliases),
        ("tags", tags),
    ] {
        assert!(n >= 20, "only {n} files with {what}");
    }
}

#[test]
fn deep_paths_and_wide_mappings() {
    // A mapping of 2 000 keys written in reverse order, and a chain 100 pairs deep.
    let mut text = String::new();
    for i in (0..2000).rev() {
        text.push_str(&format!("k{i:04}: v{i}\n"));
    }
    text.push_str("deep:\n");
    for d in 0..100 {
        text.push_str(&format!("{}- d{d}:\n", "  ".repeat(d + 1)));
    }
    text.push_str(&format!("{}leaf\n", "  ".repeat(102)));
    let docs = parse_yaml(&text).expect("parses");
    let doc = &docs[0];
    for i in [0usize, 1, 999, 1998, 1999] {
        let p = [Seg::Key(format!("k{i:04}"))];
        assert_eq!(&text[doc.span_of(&p)], format!("k{i:04}"));
        assert_eq!(&text[doc.value_span_of(&p)], format!("v{i}"));
    }
    let mut path = vec![Seg::Key("deep".into())];
    for d in 0..100 {
        path.push(Seg::Index(0));
        path.push(Seg::Key(format!("d{d}")));
    }
    assert_eq!(&text[doc.span_of(&path)], "d99");
    assert_eq!(&text[doc.value_span_of(&path)], "leaf");
    // An index where a key belongs does not resolve, and falls back.
    path.push(Seg::Index(0));
    assert_eq!(&text[doc.span_of(&path)], "leaf");
    assert!(!doc.has_key(&path));
}
