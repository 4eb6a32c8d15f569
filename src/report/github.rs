//! GitHub Actions workflow commands (`::error file=...::message`), and a
//! Markdown summary for `$GITHUB_STEP_SUMMARY`, since GitHub shows only ten
//! annotations of each level per step.

use super::Report;
use crate::finding::Severity;
use std::io::{self, Write};

/// Escape a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in r.findings {
        let file = &r.files[f.file];
        let (l, c) = file.line_col(f.span.start);
        let (el, ec) = file.line_col(f.span.end);
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let name = r.rule(f).map(|x| x.name.to_string()).unwrap_or_default();
        writeln!(
            out,
            "::{kind} file={},line={l},col={c},endLine={el},endColumn={ec},title={}::{}",
            escape_property(&file.path),
            escape_property(&format!("{} {name}", f.code)),
            escape_data(&f.message)
        )?;
    }
    Ok(())
}

/// The Markdown summary: counts, then one row per finding.
pub fn summary(r: &Report<'_>) -> String {
    let mut s = format!("## constable\n\n{}\n\n", r.summary_line());
    if r.findings.is_empty() {
        return s;
    }
    s.push_str("| Severity | Code | Location | Message |\n|---|---|---|---|\n");
    for f in r.findings {
        let file = &r.files[f.file];
        let (l, c) = file.line_col(f.span.start);
        let msg = f.message.replace('|', "\\|").replace('\n', " ");
        s.push_str(&format!(
            "| {} | {} | `{}:{l}:{c}` | {msg} |\n",
            f.severity, f.code, file.path
        ));
    }
    s
}
