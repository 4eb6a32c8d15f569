//! Source files and their line index: every byte span becomes a line and a
//! character column in O(log n). Not a parser: it knows lines, not Markdown.

use std::ops::Range;
use std::sync::Arc;

/// A file read once, with the BOM removed and a line index built.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the repository root, with `/` separators.
    pub path: Arc<str>,
    pub text: Arc<str>,
    pub index: LineIndex,
}

impl SourceFile {
    pub fn new(path: impl Into<Arc<str>>, text: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let index = LineIndex::new(text);
        SourceFile {
            path: path.into(),
            text: Arc::from(text),
            index,
        }
    }

    /// The span moved onto character boundaries and inside the text.
    pub fn clamp(&self, span: Range<usize>) -> Range<usize> {
        clamp_span(&self.text, span)
    }

    /// 1-based line and 1-based character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.index.line_col(&self.text, offset)
    }

    /// The text of the 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let r = self.index.line_range(&self.text, line);
        &self.text[r]
    }
}

/// Start offsets of every line (shared: a clone is a reference count).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: std::sync::Arc<[usize]>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_iter(text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts: starts.into(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line0: usize) -> usize {
        self.starts[line0.min(self.starts.len() - 1)]
    }

    /// Byte range of the 1-based line, without `\n` or `\r\n`.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let l0 = line.saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[l0];
        let mut end = self.starts.get(l0 + 1).map_or(text.len(), |e| e - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }

    /// 1-based line and 1-based column counted in characters.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let l0 = self.line_of(offset);
        let start = self.starts[l0];
        let col = text[start..offset].chars().count() + 1;
        (l0 + 1, col)
    }

    /// Byte offset of a 1-based line and 1-based character column.
    pub fn offset_of(&self, text: &str, line: usize, col: usize) -> usize {
        let r = self.line_range(text, line);
        let line_text = &text[r.clone()];
        let skip = col.saturating_sub(1);
        r.start
            + line_text
                .char_indices()
                .nth(skip)
                .map_or(line_text.len(), |(i, _)| i)
    }
}

fn memchr_iter(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| (*b == b'\n').then_some(i))
}

pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Clamp a span to the text and to character boundaries; never inverted.
pub fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start);
    let end = ceil_char_boundary(text, span.end.max(start));
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let f = SourceFile::new("x", "ab\ncé\u{4e16}x\n");
        assert_eq!(f.line_col(0), (1, 1));
        let off = f.text.find('x').unwrap();
        assert_eq!(f.line_col(off), (2, 4));
    }

    #[test]
    fn bom_is_stripped_and_crlf_is_not_part_of_a_line() {
        let f = SourceFile::new("x", "\u{feff}one\r\ntwo\r\n");
        assert_eq!(f.line_text(1), "one");
        assert_eq!(f.line_text(2), "two");
        assert_eq!(f.line_col(f.text.find("two").unwrap()), (2, 1));
    }

    #[test]
    fn clamp_moves_inside_characters() {
        let t = "a\u{4e16}b";
        assert_eq!(clamp_span(t, 2..3), 1..4);
        assert_eq!(clamp_span(t, 9..20), 5..5);
    }

    #[test]
    fn offset_of_round_trips() {
        let f = SourceFile::new("x", "ab\n\tc\u{4e16}d\n");
        let off = f.text.find('d').unwrap();
        let (l, c) = f.line_col(off);
        assert_eq!(f.index.offset_of(&f.text, l, c), off);
    }
}
