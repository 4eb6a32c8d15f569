//! The human format: miette's graphical report for each finding, then a
//! summary line.

use super::source::IndexedSource;
use super::{Report, Style};
use crate::finding::{Finding, Severity};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use std::fmt;
use std::io::{self, Write};

struct Rendered<'a> {
    finding: &'a Finding,
    code: String,
    help: &'a str,
    source: IndexedSource<'a>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.help.is_empty()).then(|| Box::new(self.help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = &self.finding.span;
        let label = LabeledSpan::new_with_span(None, (span.start, span.end - span.start));
        Some(Box::new(std::iter::once(label)))
    }
}

pub fn write(r: &Report<'_>, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut buf = String::new();
    for f in r.findings {
        let rule = r.rule(f);
        let d = Rendered {
            finding: f,
            code: match rule {
                Some(rule) => format!("{}({})", f.code, rule.name),
                None => f.code.to_string(),
            },
            help: r.help(f),
            source: IndexedSource(&r.files[f.file]),
        };
        buf.clear();
        handler
            .render_report(&mut buf, &d)
            .map_err(|e| io::Error::other(e.to_string()))?;
        out.write_all(buf.as_bytes())?;
        writeln!(out)?;
    }
    if !style.quiet {
        writeln!(out, "{}", r.summary_line())?;
    }
    Ok(())
}
