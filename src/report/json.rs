//! The JSON contract, version 1. Field names and meanings are public API.

use super::Report;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub findings: Vec<JsonFinding<'a>>,
    pub summary: JsonSummary,
}

#[derive(Serialize)]
pub struct JsonFinding<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub severity: &'static str,
    pub principle: Option<&'a str>,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: &'a str,
    pub help: &'a str,
}

#[derive(Serialize)]
pub struct JsonSummary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Added in 0.2: info findings (the other counts keep their meaning).
    pub infos: usize,
}

pub fn build<'a>(r: &'a Report<'a>) -> JsonReport<'a> {
    let findings = r
        .findings
        .iter()
        .map(|f| {
            let file = &r.files[f.file];
            let rule = r.rule(f);
            let (line, column) = file.line_col(f.span.start);
            let (end_line, end_column) = file.line_col(f.span.end);
            JsonFinding {
                code: &f.code,
                name: rule.map_or("", |r| &r.name),
                severity: f.severity.as_str(),
                principle: f.principle.as_deref(),
                path: &file.path,
                line,
                column,
                end_line,
                end_column,
                message: &f.message,
                help: r.help(f),
            }
        })
        .collect();
    let c = r.counts();
    JsonReport {
        version: 1,
        findings,
        summary: JsonSummary {
            files: r.checked,
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
        },
    }
}

pub fn write(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &build(r))?;
    writeln!(out)
}

/// JSON Lines: one finding object per line, no envelope.
pub fn write_lines(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in build(r).findings {
        serde_json::to_writer(&mut *out, &f)?;
        writeln!(out)?;
    }
    Ok(())
}
