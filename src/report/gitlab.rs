//! GitLab Code Quality report (a JSON array), for merge request widgets.

use super::Report;
use crate::finding::Severity;
use serde_json::json;
use std::io::{self, Write};

pub fn write(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let prints = super::fingerprints(r);
    let list: Vec<_> = r
        .findings
        .iter()
        .zip(prints)
        .map(|(f, print)| {
            let file = &r.files[f.file];
            let (l, _) = file.line_col(f.span.start);
            let (el, _) = file.line_col(f.span.end);
            json!({
                "description": format!("{} {}", f.code, f.message),
                "check_name": &*f.code,
                "fingerprint": print,
                "severity": match f.severity {
                    Severity::Info => "info",
                    Severity::Warning => "minor",
                    Severity::Error => "major",
                },
                "location": { "path": &*file.path, "lines": { "begin": l, "end": el } },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}
