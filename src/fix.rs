//! Fixes: the edit model a check attaches to a finding, and applying edits
//! to a file's text (`check --fix`, `--diff`, `--add-suppressions` and the
//! language server's code actions). Foundation code: it knows text, not
//! Markdown; checks decide what to edit, this module only applies it.
//!
//! Spans are byte ranges into the text *without* its BOM (as every finding
//! span is); `apply_to_file` strips a BOM, applies, and puts it back. Edits
//! never touch bytes outside their spans, so line endings and every other
//! byte survive.

use crate::finding::Finding;
use std::ops::Range;

/// Whether a fix may be applied without asking (`--fix`), or only with
/// `--unsafe-fixes`, because it writes content the author must complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// Replace `span` with `replacement` (an empty span inserts, an empty
/// replacement deletes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn delete(span: Range<usize>) -> Edit {
        Edit {
            span,
            replacement: String::new(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            span: at..at,
            replacement: text.into(),
        }
    }

    pub fn replace(span: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: text.into(),
        }
    }
}

/// A fix: one or more edits applied together, or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    /// What the fix does, for code actions and `--fix` output.
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::Safe,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::Unsafe,
        }
    }

    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }

    /// The byte range the fix touches (from its first edit to its last).
    pub fn extent(&self) -> Range<usize> {
        let start = self.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
        start..end
    }
}

/// Two edits conflict when their spans overlap. An insertion conflicts
/// only with an edit that strictly contains its point; insertions at the
/// same point are applied in the order of their fixes.
fn conflicts(a: &Edit, b: &Edit) -> bool {
    if a.span.start == a.span.end || b.span.start == b.span.end {
        let (ins, other) = if a.span.start == a.span.end {
            (a, b)
        } else {
            (b, a)
        };
        let p = ins.span.start;
        return other.span.start < p && p < other.span.end;
    }
    a.span.start < b.span.end && b.span.start < a.span.end
}

/// Apply the fixes that do not conflict, in order of where they start:
/// the first fix to claim a range wins; the rest wait for the next round.
/// Identical fixes count once. Returns the new text and the fixes applied.
pub fn apply<'f>(text: &str, fixes: &[&'f Fix]) -> (String, Vec<&'f Fix>) {
    let mut order: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|f| !f.edits.is_empty())
        .filter(|f| {
            f.edits
                .iter()
                .all(|e| e.span.start <= e.span.end && e.span.end <= text.len())
                && f.edits
                    .iter()
                    .all(|e| text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end))
        })
        .collect();
    order.sort_by_key(|f| (f.extent().start, f.extent().end));
    let mut taken: Vec<&Fix> = Vec::new();
    let mut edits: Vec<&Edit> = Vec::new();
    for f in order {
        if taken.contains(&f) {
            continue;
        }
        let clash = f.edits.iter().enumerate().any(|(i, e)| {
            edits.iter().any(|t| conflicts(e, t)) || f.edits[..i].iter().any(|o| conflicts(e, o))
        });
        if clash {
            continue;
        }
        edits.extend(f.edits.iter());
        taken.push(f);
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    (out, taken)
}

/// Split a leading BOM off a file's text.
pub fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    }
}

/// The file's line ending: `\r\n` when its first line ends so, else `\n`.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Start of the line holding `at`.
pub fn line_start(text: &str, at: usize) -> usize {
    let at = crate::source::floor_char_boundary(text, at);
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// End of the line holding `at`, after its line ending (or the text's end).
/// An `at` inside a character counts as that character's line.
pub fn line_end_inclusive(text: &str, at: usize) -> usize {
    let at = crate::source::floor_char_boundary(text, at);
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Start of the last character before `end`, not before `floor`: where the
/// text before `end` ends, on a character boundary.
pub fn last_char_start(text: &str, end: usize, floor: usize) -> usize {
    crate::source::floor_char_boundary(text, end.saturating_sub(1)).max(floor)
}

/// Delete `span`; when nothing but blanks shares its lines, delete those
/// whole lines too (with their line endings), so no empty line is left
/// where a block stood alone.
pub fn delete_block(text: &str, span: Range<usize>) -> Edit {
    let ls = line_start(text, span.start);
    let le = line_end_inclusive(text, span.end.max(span.start));
    let before_blank = text[ls..span.start].trim().is_empty();
    let after_blank = text[span.end..le].trim().is_empty();
    if before_blank && after_blank {
        // Between two blank lines (or at the start): take one of them too.
        let prev_blank = ls == 0 || {
            let ps = line_start(text, ls - 1);
            text[ps..ls].trim().is_empty()
        };
        let next_end = line_end_inclusive(text, le);
        if prev_blank && le < text.len() && text[le..next_end].trim().is_empty() {
            return Edit::delete(ls..next_end);
        }
        Edit::delete(ls..le)
    } else {
        Edit::delete(span)
    }
}

/// One file after fixing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The new text, BOM included when the original had one.
    pub text: String,
    /// Titles of the fixes applied, in the order they were applied.
    pub applied: Vec<String>,
}

/// The fix loop over one file: check, apply what does not conflict,
/// re-check, up to `rounds` times, until no fix applies. `check` gets the
/// text with its BOM and returns the findings of that file (spans into the
/// text without BOM). A fix whose application leaves the text unchanged
/// ends the loop, so a fix that cannot converge never spins.
pub fn fix_file(
    original: &str,
    unsafe_fixes: bool,
    rounds: usize,
    mut check: impl FnMut(&str) -> Vec<Finding>,
) -> Fixed {
    let (bom, _) = split_bom(original);
    let mut current = original.to_string();
    let mut applied = Vec::new();
    for _ in 0..rounds {
        let findings = check(&current);
        let fixes: Vec<&Fix> = findings
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .filter(|f| unsafe_fixes || f.is_safe())
            .collect();
        if fixes.is_empty() {
            break;
        }
        let (_, body) = split_bom(&current);
        let (next, taken) = apply(body, &fixes);
        let next = format!("{bom}{next}");
        if next == current {
            break;
        }
        applied.extend(taken.iter().map(|f| f.title.clone()));
        current = next;
    }
    Fixed {
        text: current,
        applied,
    }
}

/// Which comment style a file's suppressions use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStyle {
    /// `<!-- constable-disable-next-line CODE -- reason -->` above the line.
    Markdown,
    /// `# constable: ignore CODE -- reason` alone above the line.
    Hash,
}

impl CommentStyle {
    /// By the file's extension: Markdown for `.md`, `#` for the rest.
    pub fn of_path(path: &str) -> CommentStyle {
        if path.ends_with(".md") || path.ends_with(".markdown") {
            CommentStyle::Markdown
        } else {
            CommentStyle::Hash
        }
    }
}

/// The suppression line for `codes` in `style`, without indentation or
/// line ending.
pub fn suppression_comment(style: CommentStyle, codes: &[&str], reason: &str) -> String {
    let codes = codes.join(", ");
    let reason = reason.replace(['\r', '\n'], " ");
    let reason = reason.replace("-->", "- ->");
    match style {
        CommentStyle::Markdown => format!("<!-- constable-disable-next-line {codes} -- {reason} -->"),
        CommentStyle::Hash => format!("# constable: ignore {codes} -- {reason}"),
    }
}

/// The lines a Markdown suppression must cover for the line holding
/// `at`: the whole table, HTML comment or fenced code block around it (a
/// comment line inside one would split it or become its content), else the
/// line itself. Returns the start of the first line and the end (after the
/// line ending) of the last.
pub fn markdown_block(text: &str, at: usize) -> Range<usize> {
    let at = at.min(text.len());
    let ls = line_start(text, at);
    let le = line_end_inclusive(text, ls);
    let row = |s: usize| text[s..line_end_inclusive(text, s)].trim_start().starts_with('|');
    if row(ls) {
        let mut first = ls;
        while first > 0 && row(line_start(text, first - 1)) {
            first = line_start(text, first - 1);
        }
        let mut end = le;
        while end < text.len() && row(end) {
            end = line_end_inclusive(text, end);
        }
        return first..end;
    }
    // An HTML comment that opens on this line and closes on a later one.
    if let Some(i) = text[ls..le].rfind("<!--") {
        let open = ls + i;
        if !text[open..le].contains("-->") {
            let end = text[open..].find("-->").map_or(text.len(), |i| open + i + 3);
            return ls..line_end_inclusive(text, end.saturating_sub(1).max(open));
        }
    }
    // Inside an HTML comment that started on an earlier line.
    if let Some(open) = text[..ls].rfind("<!--") {
        if !text[open..ls].contains("-->") {
            let end = text[open..].find("-->").map_or(text.len(), |i| open + i + 3);
            return line_start(text, open)..line_end_inclusive(text, end.saturating_sub(1).max(open));
        }
    }
    // Inside a fenced code block: an odd number of fence lines before it.
    let mut fence: Option<usize> = None;
    let mut s = 0;
    while s < ls {
        let e = line_end_inclusive(text, s);
        let t = text[s..e].trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = if fence.is_some() { None } else { Some(s) };
        }
        s = e;
    }
    let opens = {
        let t = text[ls..le].trim_start();
        t.starts_with("```") || t.starts_with("~~~")
    };
    if fence.is_none() && opens {
        // An opening fence: the block runs to the closing one.
        fence = Some(ls);
    }
    if let Some(open) = fence {
        let mut end = le;
        let mut s = if open == ls { le } else { ls };
        while s < text.len() {
            let e = line_end_inclusive(text, s);
            let t = text[s..e].trim_start();
            end = e;
            if t.starts_with("```") || t.starts_with("~~~") {
                break;
            }
            s = e;
        }
        return open..end;
    }
    ls..le
}

/// The edits that suppress `codes` for the finding at `at`. Markdown: a
/// `disable-next-line` comment above the line, or a `disable` ... `enable`
/// pair around a multi-line block (or the first line). `#` styles: a
/// comment line above with the line's indentation, or at the end of the
/// first line (where nothing can go above a file-level finding or a shebang).
pub fn suppression_edits(
    text: &str,
    style: CommentStyle,
    at: usize,
    codes: &[&str],
    reason: &str,
) -> Vec<Edit> {
    let nl = line_ending(text);
    let ls = line_start(text, at.min(text.len()));
    let le = line_end_inclusive(text, ls);
    let line = &text[ls..le];
    let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let reason = reason.replace(['\r', '\n'], " ").replace("-->", "- ->");
    let codes_s = codes.join(", ");
    match style {
        CommentStyle::Markdown => {
            let block = markdown_block(text, at);
            let multi = text[block.clone()].trim_end_matches(['\r', '\n']).contains('\n');
            if multi || block.start == 0 {
                let tail_nl = if block.end == text.len() && !text.ends_with('\n') {
                    nl
                } else {
                    ""
                };
                vec![
                    Edit::insert(
                        block.start,
                        format!("<!-- constable-disable {codes_s} -- {reason} -->{nl}"),
                    ),
                    Edit::insert(
                        block.end,
                        format!("{tail_nl}<!-- constable-enable {codes_s} -->{nl}"),
                    ),
                ]
            } else {
                vec![Edit::insert(
                    ls,
                    format!("{indent}{}{nl}", suppression_comment(style, codes, &reason)),
                )]
            }
        }
        CommentStyle::Hash if ls == 0 => {
            let end = line.trim_end_matches(['\r', '\n']).len();
            vec![Edit::insert(
                end,
                format!(" {}", suppression_comment(style, codes, &reason)),
            )]
        }
        CommentStyle::Hash => vec![Edit::insert(
            ls,
            format!("{indent}{}{nl}", suppression_comment(style, codes, &reason)),
        )],
    }
}

/// Insert one suppression per line (or Markdown block) that has findings,
/// with all of its codes, for `--add-suppressions`. `at` holds each
/// finding's byte offset and code; the text has no BOM.
pub fn add_suppressions(text: &str, style: CommentStyle, at: &[(usize, &str)], reason: &str) -> String {
    use std::collections::BTreeMap;
    let mut by_place: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (off, code) in at {
        let key = match style {
            CommentStyle::Markdown => markdown_block(text, *off).start,
            CommentStyle::Hash => line_start(text, (*off).min(text.len())),
        };
        let codes = by_place.entry(key).or_default();
        if !codes.contains(code) {
            codes.push(code);
        }
    }
    let fixes: Vec<Fix> = by_place
        .into_iter()
        .map(|(place, mut codes)| {
            codes.sort();
            Fix::safe(
                "add suppression",
                suppression_edits(text, style, place, &codes, reason),
            )
        })
        .collect();
    let refs: Vec<&Fix> = fixes.iter().collect();
    apply(text, &refs).0
}

/// A unified diff of `before` and `after`, labelled `a/path` and `b/path`.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod char_tests {
    use super::*;

    /// fuzz `check_repo` (2026-11-29): GATE001's fix asked for the line end
    /// one byte before a span that ended in a multi-byte character.
    #[test]
    fn offsets_inside_a_character_belong_to_its_line() {
        let text = "- **A**: ok \u{fffd}\nnext\n";
        let end = text.find('\n').unwrap();
        assert_eq!(line_end_inclusive(text, end - 1), end + 1);
        assert_eq!(last_char_start(text, end, 0), end - 3);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let text = "abcdef";
        let a = Fix::safe("a", vec![Edit::replace(1..3, "X")]);
        let b = Fix::safe("b", vec![Edit::replace(2..4, "Y")]);
        let c = Fix::safe("c", vec![Edit::delete(5..6)]);
        let (out, taken) = apply(text, &[&b, &c, &a]);
        assert_eq!(out, "aXde");
        assert_eq!(taken.len(), 2);
        assert!(taken.contains(&&a) && taken.contains(&&c));
    }

    #[test]
    fn identical_fixes_apply_once() {
        let a = Fix::safe("a", vec![Edit::delete(0..2)]);
        let b = a.clone();
        let (out, taken) = apply("xxyy", &[&a, &b]);
        assert_eq!(out, "yy");
        assert_eq!(taken.len(), 1);
    }

    #[test]
    fn delete_block_takes_the_line_and_keeps_crlf() {
        let text = "one\r\n  <!-- x -->\r\ntwo\r\n";
        let spaced = "one\r\n\r\n<!-- x -->\r\n\r\ntwo\r\n";
        let s = spaced.find("<!--").unwrap();
        let f = Fix::safe("d", vec![delete_block(spaced, s..s + 10)]);
        assert_eq!(apply(spaced, &[&f]).0, "one\r\n\r\ntwo\r\n");
        let s = text.find("<!--").unwrap();
        let e = text.find("-->").unwrap() + 3;
        let f = Fix::safe("d", vec![delete_block(text, s..e)]);
        assert_eq!(apply(text, &[&f]).0, "one\r\ntwo\r\n");
        let inline = "one <!-- x --> two\n";
        let s = inline.find("<!--").unwrap();
        let e = inline.find("-->").unwrap() + 3;
        let f = Fix::safe("d", vec![delete_block(inline, s..e)]);
        assert_eq!(apply(inline, &[&f]).0, "one  two\n");
    }

    #[test]
    fn suppressions_keep_indentation_and_line_endings() {
        let text = "a: 1\r\n  b: 2\r\n";
        let at = text.find("b:").unwrap();
        let out = add_suppressions(
            text,
            CommentStyle::Hash,
            &[(at, "IDM001"), (at, "PRV005")],
            "lab only",
        );
        assert_eq!(
            out,
            "a: 1\r\n  # constable: ignore IDM001, PRV005 -- lab only\r\n  b: 2\r\n"
        );
    }

    #[test]
    fn comments_and_fences_are_suppressed_around_the_block() {
        let text = "# T\n\n<!--\n  ACTION REQUIRED\n-->\n\n```text\nsrc/\n```\n";
        let a = text.find("ACTION").unwrap();
        let s = text.find("src/").unwrap();
        let out = add_suppressions(
            text,
            CommentStyle::Markdown,
            &[(a, "TPL004"), (s, "TREE001")],
            "r",
        );
        assert_eq!(
            out,
            "# T\n\n<!-- constable-disable TPL004 -- r -->\n<!--\n  ACTION REQUIRED\n-->\n<!-- constable-enable TPL004 -->\n\n<!-- constable-disable TREE001 -- r -->\n```text\nsrc/\n```\n<!-- constable-enable TREE001 -->\n"
        );
        let first = add_suppressions("a: 1\nb: 2\n", CommentStyle::Hash, &[(0, "DOC001")], "r");
        assert_eq!(first, "a: 1 # constable: ignore DOC001 -- r\nb: 2\n");
    }

    #[test]
    fn table_rows_are_suppressed_around_the_table() {
        let text = "x\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\ny\n";
        let at = text.find("| 1").unwrap();
        let out = add_suppressions(text, CommentStyle::Markdown, &[(at, "TPL005")], "why");
        assert_eq!(
            out,
            "x\n\n<!-- constable-disable TPL005 -- why -->\n| a | b |\n|---|---|\n| 1 | 2 |\n<!-- constable-enable TPL005 -->\n\ny\n"
        );
    }
}
