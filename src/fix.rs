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
        let (ins, other) = if a.span.start == a.span.end { (a, b) } else { (b, a) };
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
        if taken.iter().any(|t| *t == f) {
            continue;
        }
        let clash = f
            .edits
            .iter()
            .enumerate()
            .any(|(i, e)| edits.iter().any(|t| conflicts(e, t)) || f.edits[..i].iter().any(|o| conflicts(e, o)));
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
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// End of the line holding `at`, after its line ending (or the text's end).
pub fn line_end_inclusive(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
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

/// The edit that suppresses `codes` on the line holding `at`: a comment
/// line above it, with the line's own indentation and line ending.
/// In a Markdown table a comment line would split the table, so the
/// comment goes above the table's first row (a `disable` ... `enable`
/// pair around the table).
pub fn suppression_edits(text: &str, style: CommentStyle, at: usize, codes: &[&str], reason: &str) -> Vec<Edit> {
    let nl = line_ending(text);
    let ls = line_start(text, at.min(text.len()));
    let line = &text[ls..line_end_inclusive(text, ls)];
    let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    if style == CommentStyle::Markdown && line.trim_start().starts_with('|') {
        // Find the table's first and last rows.
        let mut first = ls;
        while first > 0 {
            let prev = line_start(text, first - 1);
            if text[prev..first].trim_start().starts_with('|') {
                first = prev;
            } else {
                break;
            }
        }
        let mut end = line_end_inclusive(text, ls);
        while end < text.len() && text[end..line_end_inclusive(text, end)].trim_start().starts_with('|') {
            end = line_end_inclusive(text, end);
        }
        let codes_s = codes.join(", ");
        let reason = reason.replace(['\r', '\n'], " ").replace("-->", "- ->");
        let tail_nl = if end == text.len() && !text.ends_with('\n') { nl } else { "" };
        return vec![
            Edit::insert(first, format!("<!-- constable-disable {codes_s} -- {reason} -->{nl}")),
            Edit::insert(end, format!("{tail_nl}<!-- constable-enable {codes_s} -->{nl}")),
        ];
    }
    if style == CommentStyle::Hash && ls == 0 && line.starts_with("#!") {
        // Never above a shebang: at the end of its line instead.
        let end = ls + line.trim_end_matches(['\r', '\n']).len();
        return vec![Edit::insert(end, format!(" {}", suppression_comment(style, codes, reason)))];
    }
    vec![Edit::insert(
        ls,
        format!("{indent}{}{nl}", suppression_comment(style, codes, reason)),
    )]
}

/// Insert one suppression per line that has findings (all of that line's
/// codes in one comment), for `--add-suppressions`. `lines` are the byte
/// offsets of the findings with their codes; the text has no BOM.
pub fn add_suppressions(text: &str, style: CommentStyle, at: &[(usize, &str)], reason: &str) -> String {
    use std::collections::BTreeMap;
    // Group by the line (or the table) the comment goes above.
    let mut by_line: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (off, code) in at {
        let ls = line_start(text, (*off).min(text.len()));
        let key = if style == CommentStyle::Markdown {
            // Table rows share the table's comment.
            let mut first = ls;
            if text[ls..line_end_inclusive(text, ls)].trim_start().starts_with('|') {
                while first > 0 {
                    let prev = line_start(text, first - 1);
                    if text[prev..first].trim_start().starts_with('|') {
                        first = prev;
                    } else {
                        break;
                    }
                }
            }
            first
        } else {
            ls
        };
        let codes = by_line.entry(key).or_default();
        if !codes.contains(code) {
            codes.push(code);
        }
    }
    let mut edits = Vec::new();
    for (ls, mut codes) in by_line {
        codes.sort();
        edits.push(Fix::safe(
            "add suppression",
            suppression_edits(text, style, ls, &codes, reason),
        ));
    }
    let refs: Vec<&Fix> = edits.iter().collect();
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
        let out = add_suppressions(text, CommentStyle::Hash, &[(at, "IDM001"), (at, "PRV005")], "lab only");
        assert_eq!(out, "a: 1\r\n  # constable: ignore IDM001, PRV005 -- lab only\r\n  b: 2\r\n");
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
