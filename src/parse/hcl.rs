//! Terraform / HCL files as a JSON value with byte spans, for JSONPath rules.
//!
//! The file is parsed with `hcl-edit`, which keeps the byte span of every
//! block, attribute, key and expression, and mapped to the shape of
//! Terraform's JSON syntax (the shape `hcl2json` prints):
//!
//! - an attribute `name = expr` is the member `"name": <value>`;
//! - a block is nested under its type and then each of its labels, and its
//!   body is one element of an array at the innermost level, so blocks of the
//!   same type and labels (several `ingress {}`) each get an index;
//! - strings, numbers, booleans, `null`, tuples and objects become their JSON
//!   counterparts; every other expression (references, function calls,
//!   conditionals, `for` expressions, heredocs, parentheses) is a string
//!   holding its trimmed source text, and a string template with
//!   interpolations (`"${var.env}-a"`) is its source text between the
//!   quotes, escapes as written.
//!
//! ```text
//! resource "aws_security_group" "web" {     {"resource": {"aws_security_group": {"web": [
//!   ingress { from_port = 22 }                {"ingress": [{"from_port": 22}, {"from_port": 443}],
//!   ingress { from_port = 443 }                "name": "web-${var.env}"}
//!   name = "web-${var.env}"                 ]}}}
//! }
//! ```
//!
//! So `$.resource.aws_security_group.web[0].ingress[1].from_port` is `443`.
//!
//! Positions: the value span of a path is the expression of an attribute,
//! the whole block for a block body (`[.., "web", 0]`), and for the objects
//! and arrays that only exist because of block nesting (`["resource"]`) the
//! range from the first to the last block that contributed to them. The key
//! span of a path is the key of an attribute or object member, the type and labels of a
//! block for its body (`resource "aws_security_group" "web"`), and for a
//! nesting level the identifier or label of the first block that made it.
//! The root path spans the whole file.
//!
//! A body where the same name is both an attribute and a block, or a block
//! type used both with and without labels, is not valid Terraform; the first
//! definition wins and the conflicting later one is left out.

use std::collections::BTreeMap;
use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::{Number, Span};
use serde_json::{Map, Value};

use super::located::{IndexBuilder, Located, NodeId, ParseError, Seg, MAX_TEXT};
use crate::source::{floor_char_boundary, LineIndex};

/// Parse one Terraform/HCL file into a JSON value with positions, in the
/// shape described in the module documentation. A leading BOM is skipped;
/// spans are byte offsets into `text` as given.
pub fn parse_hcl(text: &str) -> Result<Located, ParseError> {
    if text.len() > MAX_TEXT {
        return Err(ParseError {
            message: "file too large to index (over 4 GiB)".to_string(),
            span: 0..0,
        });
    }
    let base = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let src = &text[base..];
    let body = hcl_edit::parser::parse_body(src).map_err(|e| convert_error(text, base, &e))?;
    let mut b = Builder {
        text,
        base,
        root: Pending::default(),
    };
    let value = b.body(&body, &mut Vec::new());
    let span = 0..text.len();
    b.root.span = Some(span.clone());
    let mut index = IndexBuilder::new();
    b.root.flatten(&mut index, IndexBuilder::ROOT);
    Ok(Located::new(value, span, index.finish()))
}

/// Positions gathered while the value is built, in the value's shape (a
/// block can add to a nesting level made by an earlier block, so the index
/// is built once the file is done).
#[derive(Default)]
struct Pending {
    span: Option<Range<usize>>,
    key: Option<Range<usize>>,
    kids: Kids,
}

#[derive(Default)]
enum Kids {
    #[default]
    Leaf,
    Seq(Vec<Pending>),
    Map(BTreeMap<String, Pending>),
}

impl Pending {
    /// The node at `path`, made (with its ancestors) if missing.
    fn at(&mut self, path: &[Seg]) -> &mut Pending {
        let mut node = self;
        for seg in path {
            node = match seg {
                Seg::Key(k) => {
                    if !matches!(node.kids, Kids::Map(_)) {
                        node.kids = Kids::Map(BTreeMap::new());
                    }
                    let Kids::Map(map) = &mut node.kids else {
                        unreachable!("made a map above")
                    };
                    map.entry(k.clone()).or_default()
                }
                Seg::Index(i) => {
                    if !matches!(node.kids, Kids::Seq(_)) {
                        node.kids = Kids::Seq(Vec::new());
                    }
                    let Kids::Seq(items) = &mut node.kids else {
                        unreachable!("made a sequence above")
                    };
                    if items.len() <= *i {
                        items.resize_with(i + 1, Pending::default);
                    }
                    &mut items[*i]
                }
            };
        }
        node
    }

    /// Store this node and its children as node `id` of `index`.
    fn flatten(self, index: &mut IndexBuilder, id: NodeId) {
        if let Some(s) = self.span {
            index.set_span(id, s);
        }
        if let Some(k) = self.key {
            index.set_key(id, k);
        }
        match self.kids {
            Kids::Leaf => {}
            Kids::Seq(items) => {
                let first = index.open_seq(id, items.len());
                for (i, item) in items.into_iter().enumerate() {
                    item.flatten(index, first + i as NodeId);
                }
            }
            Kids::Map(entries) => {
                let first = index.open_map(id, entries.len());
                for (i, (name, entry)) in entries.into_iter().enumerate() {
                    index.set_name(first + i as NodeId, &name);
                    entry.flatten(index, first + i as NodeId);
                }
                index.close_map(id);
            }
        }
    }
}

/// `hcl-edit` reports a byte offset (clamped to the last byte of the input)
/// and a line and column. The column counts characters, except when the
/// error sits on a multi-byte character, where it counts bytes; so the
/// offset is used, and the column only to tell an error at the end of the
/// input (reported one column past the last byte).
fn convert_error(text: &str, base: usize, err: &hcl_edit::parser::Error) -> ParseError {
    let src = &text[base..];
    let loc = err.location();
    let mut at = floor_char_boundary(src, loc.offset());
    if !src.is_empty() && at + 1 == src.len() {
        let (line, col) = LineIndex::new(src).line_col(src, at);
        if loc.line() == line && loc.column() > col {
            at = src.len();
        }
    }
    let width = src[at..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    ParseError {
        message: err.message().to_string(),
        span: base + at..base + at + width,
    }
}

/// True when the error is one Terraform does not make: hcl-edit refuses a
/// key defined twice in an object constructor (`{ a = 1, a = 2 }`), which
/// Terraform accepts (hashicorp/terraform#28727).
pub fn terraform_accepts(err: &ParseError) -> bool {
    err.message.contains("redefined object key")
}

struct Builder<'t> {
    text: &'t str,
    /// Offset of the parsed input in `text` (the length of a BOM).
    base: usize,
    /// Positions of the value built so far.
    root: Pending,
}

impl Builder<'_> {
    /// A span from `hcl-edit` moved into `text` and trimmed of whitespace;
    /// `None` when there is none or it does not fit the text.
    fn fix(&self, span: Option<Range<usize>>) -> Option<Range<usize>> {
        let span = span?;
        let (start, end) = (
            span.start.checked_add(self.base)?,
            span.end.checked_add(self.base)?,
        );
        let slice = self.text.get(start..end)?;
        let lead = slice.len() - slice.trim_start().len();
        let trail = slice.len() - slice.trim_end().len();
        if lead == slice.len() {
            return Some(start..end);
        }
        Some(start + lead..end - trail)
    }

    fn source(&self, span: Option<&Range<usize>>, expr: &Expression) -> String {
        match span.and_then(|s| self.text.get(s.clone())) {
            Some(s) => s.trim().to_string(),
            None => expr.to_string().trim().to_string(),
        }
    }

    fn body(&mut self, body: &Body, path: &mut Vec<Seg>) -> Value {
        let mut map = Map::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let key = attr.key.as_str().to_string();
                    if map.contains_key(&key) {
                        continue;
                    }
                    path.push(Seg::Key(key.clone()));
                    if let Some(s) = self.fix(attr.key.span()) {
                        self.root.at(path).key = Some(s);
                    }
                    let value = self.expr(&attr.value, path);
                    path.pop();
                    map.insert(key, value);
                }
                Structure::Block(block) => self.block(block, &mut map, path),
            }
        }
        Value::Object(map)
    }

    /// Add `block` to `map` under its type and labels.
    fn block(&mut self, block: &Block, map: &mut Map<String, Value>, path: &mut Vec<Seg>) {
        let whole = self.fix(block.span());
        let mut names = vec![(block.ident.as_str().to_string(), block.ident.span())];
        names.extend(block.labels.iter().map(|l| (l.as_str().to_string(), l.span())));
        let head = names
            .last()
            .and_then(|(_, last)| last.clone())
            .zip(block.ident.span())
            .and_then(|(last, first)| self.fix(Some(first.start..last.end)));

        let Some(((last, last_span), outer)) = names.split_last() else {
            return;
        };
        let depth = path.len();
        // Nesting levels, recorded once the block is known to fit.
        let mut levels = Vec::with_capacity(names.len());
        let mut slot = map;
        for (name, name_span) in outer {
            path.push(Seg::Key(name.clone()));
            levels.push((path.clone(), self.fix(name_span.clone())));
            match slot
                .entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                Value::Object(inner) => slot = inner,
                _ => {
                    path.truncate(depth);
                    return;
                }
            }
        }
        path.push(Seg::Key(last.clone()));
        levels.push((path.clone(), self.fix(last_span.clone())));
        let Value::Array(items) = slot
            .entry(last.clone())
            .or_insert_with(|| Value::Array(Vec::new()))
        else {
            path.truncate(depth);
            return;
        };

        for (level, name_span) in levels {
            let node = self.root.at(&level);
            if node.key.is_none() {
                node.key = name_span;
            }
            if let Some(w) = &whole {
                node.span = Some(match &node.span {
                    Some(old) => old.start.min(w.start)..old.end.max(w.end),
                    None => w.clone(),
                });
            }
        }
        path.push(Seg::Index(items.len()));
        let node = self.root.at(path);
        if whole.is_some() {
            node.span = whole;
        }
        if head.is_some() {
            node.key = head;
        }
        let value = self.body(&block.body, path);
        items.push(value);
        path.truncate(depth);
    }

    fn expr(&mut self, expr: &Expression, path: &mut Vec<Seg>) -> Value {
        let span = self.fix(expr.span());
        if let Some(s) = &span {
            self.root.at(path).span = Some(s.clone());
        }
        match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::String(s) => Value::String(s.value().clone()),
            Expression::Number(n) => match json_number(n.value()) {
                Some(n) => Value::Number(n),
                None => Value::String(self.source(span.as_ref(), expr)),
            },
            Expression::StringTemplate(_) => Value::String(unquote(&self.source(span.as_ref(), expr))),
            Expression::Array(array) => {
                let mut items = Vec::with_capacity(array.len());
                for (i, item) in array.iter().enumerate() {
                    path.push(Seg::Index(i));
                    items.push(self.expr(item, path));
                    path.pop();
                }
                Value::Array(items)
            }
            Expression::Object(object) => {
                let mut map = Map::new();
                for (key, value) in object.iter() {
                    let (name, key_span) = match key {
                        ObjectKey::Ident(ident) => (ident.as_str().to_string(), self.fix(ident.span())),
                        ObjectKey::Expression(e) => {
                            let key_span = self.fix(e.span());
                            let name = match e {
                                Expression::String(s) => s.value().clone(),
                                Expression::StringTemplate(_) => unquote(&self.source(key_span.as_ref(), e)),
                                _ => self.source(key_span.as_ref(), e),
                            };
                            (name, key_span)
                        }
                    };
                    path.push(Seg::Key(name.clone()));
                    if let Some(s) = key_span {
                        self.root.at(path).key = Some(s);
                    }
                    let v = self.expr(value.expr(), path);
                    path.pop();
                    map.insert(name, v);
                }
                Value::Object(map)
            }
            _ => Value::String(self.source(span.as_ref(), expr)),
        }
    }
}

fn json_number(n: &Number) -> Option<serde_json::Number> {
    if let Some(u) = n.as_u64() {
        return Some(u.into());
    }
    if let Some(i) = n.as_i64() {
        return Some(i.into());
    }
    n.as_f64().and_then(serde_json::Number::from_f64)
}

/// The text between the quotes of a quoted template's source.
fn unquote(s: &str) -> String {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A path written as `a/0/b`: numbers are indices, the rest keys.
    fn path(p: &str) -> Vec<Seg> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_or_else(|_| Seg::Key(s.to_string()), Seg::Index))
            .collect()
    }

    fn parse(text: &str) -> Located {
        let doc = parse_hcl(text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_valid_spans(text, &doc);
        doc
    }

    fn assert_valid_spans(text: &str, doc: &Located) {
        for s in doc.spans() {
            assert!(
                text.get(s.clone()).is_some(),
                "{s:?} outside the text or a character"
            );
        }
    }

    /// Source text of the value at `p`.
    fn val<'t>(text: &'t str, doc: &Located, p: &str) -> &'t str {
        let span = doc
            .value_span(&path(p))
            .unwrap_or_else(|| panic!("no span for {p}"));
        &text[span]
    }

    /// Source text of the key at `p`.
    fn key<'t>(text: &'t str, doc: &Located, p: &str) -> &'t str {
        let span = doc
            .key_span(&path(p))
            .unwrap_or_else(|| panic!("no key span for {p}"));
        &text[span]
    }

    const PROVIDERS: &str = r#"terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
    random = {
      source = "hashicorp/random"
    }
  }
  backend "s3" {
    bucket  = "state"
    encrypt = false
  }
}

provider "aws" {
  region = "eu-west-1"
}
"#;

    #[test]
    fn required_providers_version() {
        let doc = parse(PROVIDERS);
        assert_eq!(
            doc.value.pointer("/terraform/0/required_providers/0/aws/version"),
            Some(&json!("~> 5.0"))
        );
        let p = "terraform/0/required_providers/0/aws/version";
        assert_eq!(val(PROVIDERS, &doc, p), r#""~> 5.0""#);
        assert_eq!(key(PROVIDERS, &doc, p), "version");
        assert_eq!(Some(doc.span_of(&path(p))), doc.key_span(&path(p)));
        let aws = "terraform/0/required_providers/0/aws";
        assert!(val(PROVIDERS, &doc, aws).starts_with("{ source"));
        assert_eq!(key(PROVIDERS, &doc, aws), "aws");
        assert_eq!(
            doc.value.pointer("/terraform/0/required_providers/0/random"),
            Some(&json!({"source": "hashicorp/random"}))
        );
        assert_eq!(key(PROVIDERS, &doc, "terraform/0"), "terraform");
        assert!(val(PROVIDERS, &doc, "terraform/0").starts_with("terraform {"));
        assert!(val(PROVIDERS, &doc, "terraform/0").ends_with("encrypt = false\n  }\n}"));
        assert_eq!(doc.value_span(&[]), Some(0..PROVIDERS.len()));
        assert_eq!(doc.span, 0..PROVIDERS.len());
    }

    #[test]
    fn provider_without_version() {
        let doc = parse(PROVIDERS);
        let aws = doc.value.pointer("/provider/aws/0").unwrap();
        assert_eq!(aws, &json!({"region": "eu-west-1"}));
        assert!(doc.value.pointer("/provider/aws/0/version").is_none());
        assert_eq!(key(PROVIDERS, &doc, "provider/aws/0"), r#"provider "aws""#);
        assert_eq!(key(PROVIDERS, &doc, "provider/aws"), r#""aws""#);
        assert_eq!(key(PROVIDERS, &doc, "provider"), "provider");
        // A missing key falls back to the nearest ancestor: the provider block.
        let block = doc.value_span(&path("provider/aws/0")).expect("block span");
        assert_eq!(doc.span_of(&path("provider/aws/0/version")), block);
        assert_eq!(val(PROVIDERS, &doc, "provider/aws/0/region"), r#""eu-west-1""#);
    }

    #[test]
    fn backend_inside_terraform() {
        let doc = parse(PROVIDERS);
        let p = "terraform/0/backend/s3/0/encrypt";
        assert_eq!(
            doc.value.pointer("/terraform/0/backend/s3/0/encrypt"),
            Some(&json!(false))
        );
        assert_eq!(val(PROVIDERS, &doc, p), "false");
        assert_eq!(key(PROVIDERS, &doc, p), "encrypt");
        assert_eq!(
            key(PROVIDERS, &doc, "terraform/0/backend/s3/0"),
            r#"backend "s3""#
        );
        assert!(val(PROVIDERS, &doc, "terraform/0/backend/s3/0").starts_with("backend \"s3\" {"));
    }

    const SG: &str = r#"resource "aws_security_group" "web" {
  name = "web-${var.env}"

  ingress {
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 443
    cidr_blocks = ["0.0.0.0/0", var.office_cidr]
  }
}
"#;

    #[test]
    fn security_group_with_two_ingress_blocks() {
        let doc = parse(SG);
        let web = "resource/aws_security_group/web/0";
        let first = format!("{web}/ingress/0");
        let second = format!("{web}/ingress/1");
        assert_eq!(
            doc.value.pointer(&format!("/{first}/from_port")),
            Some(&json!(22))
        );
        assert_eq!(
            doc.value.pointer(&format!("/{second}/from_port")),
            Some(&json!(443))
        );
        assert_eq!(
            doc.value.pointer(&format!("/{first}/cidr_blocks")),
            Some(&json!(["0.0.0.0/0"]))
        );
        assert_eq!(
            doc.value.pointer(&format!("/{second}/cidr_blocks")),
            Some(&json!(["0.0.0.0/0", "var.office_cidr"]))
        );
        assert_eq!(
            doc.value.pointer(&format!("/{web}/name")),
            Some(&json!("web-${var.env}"))
        );

        assert_eq!(val(SG, &doc, &format!("{first}/from_port")), "22");
        assert_eq!(key(SG, &doc, &format!("{first}/from_port")), "from_port");
        assert_eq!(val(SG, &doc, &format!("{second}/from_port")), "443");
        assert_eq!(val(SG, &doc, &format!("{first}/cidr_blocks")), r#"["0.0.0.0/0"]"#);
        assert_eq!(val(SG, &doc, &format!("{first}/cidr_blocks/0")), r#""0.0.0.0/0""#);
        assert_eq!(
            val(SG, &doc, &format!("{second}/cidr_blocks/1")),
            "var.office_cidr"
        );
        // The two `"0.0.0.0/0"` are told apart by position.
        let a = doc
            .value_span(&path(&format!("{first}/cidr_blocks/0")))
            .expect("span");
        let b = doc
            .value_span(&path(&format!("{second}/cidr_blocks/0")))
            .expect("span");
        assert!(a.end < b.start);

        assert_eq!(key(SG, &doc, &first), "ingress");
        assert!(val(SG, &doc, &first).starts_with("ingress {\n    from_port   = 22"));
        assert!(val(SG, &doc, &first).ends_with("[\"0.0.0.0/0\"]\n  }"));
        assert!(val(SG, &doc, &second).starts_with("ingress {\n    from_port   = 443"));
        // The `ingress` level covers both blocks.
        let both = val(SG, &doc, &format!("{web}/ingress"));
        assert!(both.starts_with("ingress {\n    from_port   = 22") && both.ends_with("office_cidr]\n  }"));

        assert_eq!(key(SG, &doc, web), r#"resource "aws_security_group" "web""#);
        assert_eq!(key(SG, &doc, "resource/aws_security_group/web"), r#""web""#);
        assert_eq!(val(SG, &doc, web), SG.trim_end());
        assert_eq!(val(SG, &doc, &format!("{web}/name")), r#""web-${var.env}""#);
    }

    #[test]
    fn iam_policy_document_statement() {
        let text = r#"data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    effect    = "Allow"
    resources = ["*"]
  }
}
"#;
        let doc = parse(text);
        let st = "data/aws_iam_policy_document/admin/0/statement/0";
        assert_eq!(
            doc.value.pointer(&format!("/{st}")),
            Some(&json!({"actions": ["*"], "effect": "Allow", "resources": ["*"]}))
        );
        assert_eq!(val(text, &doc, &format!("{st}/actions/0")), r#""*""#);
        assert_eq!(key(text, &doc, &format!("{st}/actions")), "actions");
        assert_eq!(val(text, &doc, &format!("{st}/effect")), r#""Allow""#);
        let actions = doc
            .value_span(&path(&format!("{st}/actions/0")))
            .expect("span")
            .start;
        assert_eq!(actions, text.find(r#""*""#).unwrap());
    }

    #[test]
    fn jsonencode_policy_is_source_text() {
        let text = r#"resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
"#;
        let doc = parse(text);
        let p = "resource/aws_iam_policy/p/0/policy";
        let src = val(text, &doc, p);
        assert!(src.starts_with("jsonencode({") && src.ends_with("})"));
        assert_eq!(doc.value.pointer(&format!("/{p}")), Some(&json!(src)));
    }

    #[test]
    fn heredoc_is_source_text() {
        let text = "locals {\n  script = <<-EOT\n    echo hi\n  EOT\n  n = 1\n}\n";
        let doc = parse(text);
        let p = "locals/0/script";
        assert_eq!(val(text, &doc, p), "<<-EOT\n    echo hi\n  EOT");
        assert_eq!(
            doc.value.pointer("/locals/0/script"),
            Some(&json!("<<-EOT\n    echo hi\n  EOT"))
        );
        assert_eq!(doc.value.pointer("/locals/0/n"), Some(&json!(1)));
    }

    #[test]
    fn multibyte_comment_before_attribute() {
        let text = "# Zugriff für Büro – 世界\nvariable \"x\" {\n  default = \"é\" # ü\n}\nport = 22\n";
        let doc = parse(text);
        assert_eq!(val(text, &doc, "port"), "22");
        assert_eq!(key(text, &doc, "port"), "port");
        assert_eq!(val(text, &doc, "variable/x/0/default"), "\"é\"");
        assert_eq!(doc.value.pointer("/variable/x/0/default"), Some(&json!("é")));
        assert_eq!(key(text, &doc, "variable/x/0"), "variable \"x\"");
    }

    #[test]
    fn expressions() {
        let text = r#"a = 1.5
b = -3
c = null
d = true
e = var.on ? 1 : 0
f = [for s in var.list : upper(s)]
g = { "a b" = 1, plain = "x", (var.k) = 2, "${var.p}" = 3 }
h = "esc\"aped\n"
i = "${var.a}-${var.b}"
j = local.tags["Name"]
k = 18446744073709551615
"#;
        let doc = parse(text);
        let want = json!({
            "a": 1.5, "b": -3, "c": null, "d": true,
            "e": "var.on ? 1 : 0",
            "f": "[for s in var.list : upper(s)]",
            "g": {"a b": 1, "plain": "x", "(var.k)": 2, "${var.p}": 3},
            "h": "esc\"aped\n",
            "i": "${var.a}-${var.b}",
            "j": "local.tags[\"Name\"]",
            "k": 18446744073709551615u64,
        });
        assert_eq!(doc.value, want);
        assert_eq!(val(text, &doc, "b"), "-3");
        assert_eq!(val(text, &doc, "g/a b"), "1");
        assert_eq!(key(text, &doc, "g/a b"), r#""a b""#);
        assert_eq!(key(text, &doc, "g/plain"), "plain");
        assert_eq!(key(text, &doc, "g/(var.k)"), "(var.k)");
        assert_eq!(val(text, &doc, "i"), r#""${var.a}-${var.b}""#);
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{feff}a {\r\n  b = \"x\"\r\n}\r\nc = 2\r\n";
        let doc = parse(text);
        assert_eq!(doc.value, json!({"a": [{"b": "x"}], "c": 2}));
        assert_eq!(val(text, &doc, "a/0/b"), "\"x\"");
        assert_eq!(val(text, &doc, "a/0"), "a {\r\n  b = \"x\"\r\n}");
        assert_eq!(val(text, &doc, "c"), "2");
    }

    #[test]
    fn empty_and_comment_only_files() {
        for text in ["", "\n", "# nothing\n", "/* block */"] {
            let doc = parse(text);
            assert_eq!(doc.value, json!({}));
            assert_eq!(doc.value_span(&[]), Some(0..text.len()));
        }
    }

    #[test]
    fn attribute_and_block_of_one_name_keep_the_first() {
        let text = "x = 1\nx {\n  y = 2\n}\nz {\n}\nz \"l\" {\n}\n";
        let doc = parse(text);
        assert_eq!(doc.value, json!({"x": 1, "z": [{}]}));
    }

    fn error(text: &str) -> ParseError {
        let err = parse_hcl(text).map(|d| d.value).expect_err("should not parse");
        assert!(text.get(err.span.clone()).is_some(), "{err:?}");
        err
    }

    #[test]
    fn syntax_error_position() {
        let text = "resource \"a\" \"b\" {\n  x = [1,\n}\n";
        let err = error(text);
        assert!(err.message.contains("expression"), "{}", err.message);
        assert_eq!(err.span.start, text.rfind('}').unwrap());
        assert_eq!(&text[err.span.clone()], "}");
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, err.span.start), (3, 1));
    }

    #[test]
    fn syntax_error_after_and_on_multibyte_characters() {
        // hcl-edit's column counts bytes when the error is on a multi-byte
        // character and characters otherwise; the span is right in both cases.
        let text = "# ü\nx = \"é\" y\n";
        assert_eq!(&text[error(text).span], "y");
        let text = "# ü\nx = \"é\" é\n";
        assert_eq!(&text[error(text).span], "é");
        let text = "\u{feff}a = @\n";
        assert_eq!(&text[error(text).span], "@");
    }

    #[test]
    fn syntax_error_at_end_of_input() {
        let text = "a {";
        let err = error(text);
        assert_eq!(err.span, 3..3);
        let text = "a {\n";
        let err = error(text);
        assert_eq!(err.span, 4..4);
    }

    #[test]
    fn duplicate_attribute_is_an_error() {
        let text = "a = 1\na = 2\n";
        let err = error(text);
        assert_eq!(err.span, 6..7);
        assert!(err.message.contains("redefined"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for text in [
            format!("a = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000)),
            format!("a = {}1{}\n", "[for x in ".repeat(200), ": x]".repeat(200)),
            format!("{}{}", "b {\n".repeat(500), "}\n".repeat(500)),
        ] {
            let err = error(&text);
            assert!(err.message.contains("nesting"), "{}", err.message);
        }
    }

    #[test]
    fn no_panics_on_truncated_or_damaged_input() {
        let sample = format!("{PROVIDERS}{SG}# ü 世界\nx = \"é${{a}}\" /* c */\ny = <<EOT\nz\nEOT\n");
        let cuts: Vec<usize> = sample.char_indices().map(|(i, _)| i).collect();
        for &i in &cuts {
            for text in [&sample[..i], &sample[i..]] {
                match parse_hcl(text) {
                    Ok(doc) => assert_valid_spans(text, &doc),
                    Err(e) => assert!(text.get(e.span.clone()).is_some(), "{e:?}"),
                }
            }
        }
        for (i, c) in sample.char_indices() {
            let text = format!("{}{}", &sample[..i], &sample[i + c.len_utf8()..]);
            match parse_hcl(&text) {
                Ok(doc) => assert_valid_spans(&text, &doc),
                Err(e) => assert!(text.get(e.span.clone()).is_some(), "{e:?}"),
            }
        }
    }
}

#[cfg(test)]
mod duplicate_keys {
    #[test]
    fn a_redefined_object_key_is_an_error_terraform_accepts() {
        let e = super::parse_hcl("locals {\n  tags = {\n    a = 1\n    a = 2\n  }\n}\n").unwrap_err();
        assert!(super::terraform_accepts(&e), "{e:?}");
        assert_eq!(e.span, 34..35);
        let other = super::parse_hcl("locals {\n  a = \n").unwrap_err();
        assert!(!super::terraform_accepts(&other), "{other:?}");
    }
}
