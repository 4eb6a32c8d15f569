//! Filter stage: drop findings of per-file ignores, then order findings
//! deterministically and drop exact duplicates.

use crate::evaluate::Outcome;
use crate::finding::Finding;
use crate::load::Settings;
use crate::source::SourceFile;

/// Apply per-file ignores, then sort.
pub fn apply(outcome: &mut Outcome, settings: &[&Settings]) {
    let files = &outcome.files;
    let repo_of = &outcome.repo_of;
    outcome.findings.retain(|f| {
        let s = settings[repo_of[f.file]];
        match s.rules.get(&f.code) {
            Some(rule) => !s.ignored_for(&files[f.file].path, rule),
            None => true,
        }
    });
    sort(&outcome.files, &mut outcome.findings);
}

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
