//! The invariants every fuzz target asserts, shared so that each target is a
//! few lines: spans inside the text and on character boundaries, line and
//! column round-trips, nesting of the plan model's pieces. A broken invariant
//! panics with the input's offending span, which libFuzzer reports as a crash.

use constable::parse::gates::GateModel;
use constable::parse::located::{Located, Seg};
use constable::parse::plan::Plan;
use constable::parse::tree::{TreeEntry, TreeLine};
use constable::source::SourceFile;
use std::ops::Range;

/// The span lies inside `text` and both ends are character boundaries.
pub fn assert_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside the text (len {})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} not on character boundaries"
    );
}

/// `inner` lies inside `outer`.
pub fn assert_within(inner: &Range<usize>, outer: &Range<usize>, what: &str) {
    assert!(
        outer.start <= inner.start && inner.end <= outer.end,
        "{what}: span {inner:?} not inside {outer:?}"
    );
}

/// A span inside the file whose start survives `line_col` -> `offset_of`.
///
/// A start on the `\n` of a `\r\n` pair has no column of its own (the line
/// ends before the `\r`), so it maps back to the `\r`; that is the only
/// offset allowed to move.
pub fn assert_located(file: &SourceFile, span: &Range<usize>, what: &str) {
    assert_span(&file.text, span, what);
    let (line, col) = file.line_col(span.start);
    let back = file.index.offset_of(&file.text, line, col);
    // Also a start at the very end of a text ending in `\r`: the line index
    // counts that `\r` as the line ending (found by the `hcl` target).
    let b = file.text.as_bytes();
    let crlf_tail =
        span.start > 0 && b[span.start - 1] == b'\r' && matches!(b.get(span.start), Some(b'\n') | None);
    if crlf_tail {
        assert_eq!(
            back,
            span.start - 1,
            "{what}: offset {} -> {line}:{col} -> {back}",
            span.start
        );
    } else {
        assert_eq!(
            back, span.start,
            "{what}: offset {} -> {line}:{col} -> {back}",
            span.start
        );
    }
}

/// Every span of the plan model inside the text, sections nested, table
/// rows and cells inside their tables, tree lines inside their code blocks.
pub fn check_plan(plan: &Plan) {
    let file = &plan.file;
    let text: &str = &file.text;
    let n = plan.sections.len();
    for (i, s) in plan.sections.iter().enumerate() {
        assert_located(file, &s.heading, "section heading");
        assert_located(file, &s.span, "section");
        assert_within(&s.heading, &s.span, "heading in its section");
        assert!((1..=6).contains(&s.level), "heading level {}", s.level);
        if let Some(p) = s.parent {
            assert!(p < i, "section {i} has parent {p} after it");
            let ps = &plan.sections[p];
            assert!(
                ps.level < s.level,
                "parent level {} >= child level {}",
                ps.level,
                s.level
            );
            assert_within(&s.span, &ps.span, "section in its parent");
        }
        if i > 0 {
            assert!(
                plan.sections[i - 1].heading.start < s.heading.start,
                "sections out of order"
            );
        }
    }
    // Any two sections are disjoint or nested (bounded: quadratic).
    let m = n.min(300);
    for i in 0..m {
        for j in i + 1..m {
            let (a, b) = (&plan.sections[i].span, &plan.sections[j].span);
            assert!(
                b.start >= a.end || b.end <= a.end,
                "sections {a:?} and {b:?} overlap without nesting"
            );
        }
    }
    for t in &plan.tables {
        assert_located(file, &t.span, "table");
        for r in std::iter::once(&t.header).chain(&t.rows) {
            assert_located(file, &r.span, "table row");
            assert_within(&r.span, &t.span, "row in its table");
            for c in &r.cells {
                assert_located(file, &c.span, "table cell");
                assert_within(&c.span, &r.span, "cell in its row");
            }
        }
    }
    for b in &plan.code_blocks {
        assert_located(file, &b.span, "code block");
        assert_span(text, &b.content, "code block content");
        assert_within(&b.content, &b.span, "content in its code block");
    }
    for (what, spans) in [
        ("comment", &plan.comments),
        ("paragraph", &plan.paragraphs),
        ("text run", &plan.texts),
        ("inline code", &plan.inline_code),
    ] {
        for s in spans {
            assert_located(file, s, what);
        }
    }
    for li in &plan.list_items {
        assert_located(file, &li.span, "list item");
    }
    for f in &plan.fields {
        assert_located(file, &f.name_span, "field name");
        assert_located(file, &f.value, "field value");
        assert!(f.name_span.end <= f.value.start, "field value before its name");
        assert_span(text, &plan.field_body(f), "field body");
    }
    for s in &plan.slots {
        assert_located(file, &s.span, "slot");
    }
    for (bi, lines) in &plan.trees {
        let block = plan.code_blocks.get(*bi).expect("tree of an existing code block");
        check_tree_lines(text, lines, &block.content);
    }
    for e in plan.tree_entries("repo") {
        assert_located(file, &e.span, "tree entry");
        assert!(
            plan.trees.iter().any(|(bi, _)| {
                let c = &plan.code_blocks[*bi].content;
                c.start <= e.span.start && e.span.end <= c.end
            }),
            "tree entry {:?} outside every tree block",
            e.span
        );
    }
    for i in 0..text.len().min(64) {
        if text.is_char_boundary(i) {
            let _ = plan.section_at(i);
        }
    }
}

/// Tree lines inside `content`, entries and comments inside their lines,
/// and the entry's column equal to the characters before it.
pub fn check_tree_lines(text: &str, lines: &[TreeLine], content: &Range<usize>) {
    let mut prev_end = content.start;
    for l in lines {
        assert_span(text, &l.line, "tree line");
        assert_within(&l.line, content, "tree line in its block");
        assert!(l.line.start >= prev_end, "tree lines overlap");
        prev_end = l.line.end;
        assert_span(text, &l.path, "tree path");
        assert_within(&l.path, &l.line, "tree path in its line");
        if let Some(c) = &l.comment {
            assert_span(text, c, "tree comment");
            assert_within(c, &l.line, "tree comment in its line");
            assert!(l.path.end <= c.start, "tree comment before its entry");
        }
        assert_eq!(
            l.column,
            text[l.line.start..l.path.start].chars().count(),
            "tree column of {:?}",
            l.path
        );
        let entry = &text[l.path.clone()];
        if !entry.is_empty() {
            assert!(
                l.full_path.ends_with(entry),
                "full path {:?} does not end with {entry:?}",
                l.full_path
            );
        }
    }
}

/// Tree entries: spans are the entries of `lines`, paths have no trailing `/`.
pub fn check_tree_entries(text: &str, lines: &[TreeLine], entries: &[TreeEntry], content: &Range<usize>) {
    for e in entries {
        assert_span(text, &e.span, "tree entry");
        assert_within(&e.span, content, "tree entry in its block");
        assert!(
            lines.iter().any(|l| l.path == e.span),
            "tree entry span is not a line's entry"
        );
        assert!(
            !e.path.ends_with('/') || e.skip,
            "entry path {:?} ends with /",
            e.path
        );
    }
}

/// Gate entries and verdicts inside a Constitution Check section; complexity
/// rows and cells inside the text.
pub fn check_gates(plan: &Plan, model: &GateModel) {
    let file = &plan.file;
    let checks: Vec<&Range<usize>> = model.sections.iter().map(|&i| &plan.sections[i].span).collect();
    let in_check = |s: &Range<usize>, what: &str| {
        assert_located(file, s, what);
        assert!(
            checks.iter().any(|c| c.start <= s.start && s.end <= c.end),
            "{what} {s:?} outside every Constitution Check section {checks:?}"
        );
    };
    for e in &model.entries {
        in_check(&e.span, "gate entry");
        in_check(&e.label_span, "gate label");
        in_check(&e.text, "gate text");
        if let Some(s) = &e.status_span {
            in_check(s, "gate status");
        }
    }
    for (_, s) in &model.verdicts {
        in_check(s, "gate verdict");
    }
    for t in &model.complexity {
        for r in &t.rows {
            assert_located(file, &r.span, "complexity row");
            for (_, c) in &r.cells {
                assert_located(file, c, "complexity cell");
                assert_within(c, &r.span, "complexity cell in its row");
            }
        }
    }
}

/// Every span of a located document inside the text and inside the document.
///
/// Known limitation (src/parse/yaml.rs): a lone `\r` breaks a line for
/// saphyr but not for the line index, so such files get "wrong but valid"
/// spans; for them only "inside the text" is asserted.
pub fn check_located(file: &SourceFile, doc: &Located, what: &str) {
    assert_located(file, &doc.span, what);
    let bytes = file.text.as_bytes();
    let lone_cr = (0..bytes.len()).any(|i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    for s in doc.spans() {
        assert_located(file, &s, "node");
        if !lone_cr {
            assert_within(&s, &doc.span, &format!("{what} node at {s:?} in its document"));
        }
    }
}

/// A JSONPath normalized path as the located model's path.
pub fn segs(path: &serde_json_path::NormalizedPath<'_>) -> Vec<Seg> {
    path.iter()
        .map(|e| match e {
            serde_json_path::PathElement::Name(n) => Seg::Key(n.to_string()),
            serde_json_path::PathElement::Index(i) => Seg::Index(*i),
        })
        .collect()
}

/// Arbitrary bytes as text: lossy UTF-8.
pub fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
