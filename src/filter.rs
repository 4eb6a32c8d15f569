//! Filter stage: order findings deterministically and drop exact duplicates.
//! Selection, severities, suppressions and baselines hook in here.

use crate::finding::Finding;
use crate::source::SourceFile;

/// Sort by path, line, column, code, then message; drop duplicates.
pub fn sort(files: &[SourceFile], findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        let pa = &files[a.file].path;
        let pb = &files[b.file].path;
        pa.cmp(pb)
            .then(a.span.start.cmp(&b.span.start))
            .then(a.code.cmp(&b.code))
            .then(a.span.end.cmp(&b.span.end))
            .then(a.message.cmp(&b.message))
    });
    findings.dedup();
}
