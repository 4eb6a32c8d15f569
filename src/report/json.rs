//! The JSON contract, version 1. Field names and meanings are public API.

use super::Report;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub findings: Vec<JsonFinding<'a>>,
    pub summary: JsonSummary,
    /// Added in 0.2: every checked file, in path order.
    pub files: Vec<JsonFile<'a>>,
}

/// One checked file (added in 0.2).
#[derive(Serialize)]
pub struct JsonFile<'a> {
    pub path: &'a str,
    /// `plan`, `spec`, `tasks`, `checklist`, `constitution` or `iac`.
    pub kind: &'static str,
    /// Plans only: the template family (`spec-kit`, `spec-kit-legacy`,
    /// `specops`, `iac-spec-kit`, `unknown`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<&'static str>,
}

/// What a checked file is, by its family entry or its name.
fn file_kind(path: &str, is_plan: bool) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if is_plan || name == "plan.md" {
        "plan"
    } else if name == "spec.md" {
        "spec"
    } else if name == "tasks.md" {
        "tasks"
    } else if name == "constitution.md" || name == "principles.md" {
        "constitution"
    } else if name.ends_with(".md") && (path.starts_with("checklists/") || path.contains("/checklists/")) {
        "checklist"
    } else {
        "iac"
    }
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
    let mut files: Vec<JsonFile<'a>> = r
        .files
        .iter()
        .enumerate()
        .filter(|(i, _)| r.reported.get(*i).copied().unwrap_or(false))
        .map(|(i, f)| {
            let family = r
                .families
                .iter()
                .find(|(id, _)| *id == i)
                .map(|(_, fam)| fam.as_str());
            JsonFile {
                path: &f.path,
                kind: file_kind(&f.path, family.is_some()),
                family,
            }
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(b.path));
    JsonReport {
        files,
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
