//! A miette `SourceCode` backed by the file's line index: miette scans only
//! the lines around a span instead of the whole file for every finding.

use crate::source::SourceFile;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

pub struct IndexedSource<'f> {
    pub file: &'f SourceFile,
    /// The text miette shows: the file's text, or a copy of the same byte
    /// length and line layout with wide grapheme clusters masked (see
    /// `human::Masked`).
    pub text: &'f str,
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.file;
        let text: &str = self.text;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let idx = &file.index;
        let first = idx.line_of(start).saturating_sub(before);
        let last_line = idx.line_of(end.saturating_sub(1).max(start));
        let stop = (last_line + after + 2).min(idx.line_count());
        let w_start = idx.line_start(first);
        let w_end = if stop >= idx.line_count() {
            text.len()
        } else {
            idx.line_start(stop)
        };
        let window = &text.as_bytes()[w_start..w_end];
        let local = SourceSpan::from((start - w_start, span.len()));
        let inner = window.read_span(&local, before, after)?;
        let data: &'a [u8] = inner.data();
        let shifted = SourceSpan::from((inner.span().offset() + w_start, inner.span().len()));
        // miette counts the column in bytes; report characters, like every
        // other format, so `4:20` means the same thing everywhere.
        let column = if inner.column() == 0 {
            0
        } else {
            file.line_col(start).1 - 1
        };
        Ok(Box::new(MietteSpanContents::new_named(
            file.path.to_string(),
            data,
            shifted,
            inner.line() + first,
            column,
            inner.line_count(),
        )))
    }
}
