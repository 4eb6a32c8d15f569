//! Report stage: turns sorted findings into text for people and machines.
//! Only this stage knows miette and JSON; it never decides what is a finding.

pub mod github;
mod gitlab;
mod human;
pub mod json;
mod junit;
pub mod matrix;
pub mod sarif;
mod source;

use crate::finding::{Finding, Severity};
use crate::rules::RuleSet;
use crate::source::SourceFile;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette's graphical report, with source excerpts.
    Human,
    /// One line per finding: `path:line:col: severity CODE message`.
    Concise,
    /// The stable JSON contract (version 1).
    Json,
    /// One JSON finding per line (same fields as `json`).
    JsonLines,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// JUnit XML, one test suite per file.
    Junit,
    /// The compliance matrix's Markdown summary (plans × principles), for a
    /// pull-request comment or `$GITHUB_STEP_SUMMARY`.
    Markdown,
}

impl Format {
    /// Formats for machines never get progress output or colour.
    pub fn is_machine(self) -> bool {
        !matches!(self, Format::Human | Format::Concise)
    }
}

/// Everything a reporter needs.
pub struct Report<'a> {
    pub files: &'a [SourceFile],
    pub findings: &'a [Finding],
    /// Rule sets by repository, and each file's repository.
    pub rules: &'a [&'a RuleSet],
    pub repo_of: &'a [usize],
    /// For each file, whether it is reported on (JUnit lists these).
    pub reported: &'a [bool],
    /// Number of files checked.
    pub checked: usize,
    /// Extra clauses for the summary line ("3 planned tree paths not checked").
    pub notes: Vec<String>,
    /// Each checked plan's template family, by file id.
    pub families: &'a [(usize, crate::parse::family::Family)],
    /// The compliance matrix, for `Format::Markdown` (from a run with `keep_models`).
    pub matrix: Option<&'a matrix::Matrix>,
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    pub quiet: bool,
}

/// A message on one line: newlines (and carriage returns) escaped as `\n`
/// (`\r`), so each finding stays one line for grep and editors.
pub fn one_line(message: &str) -> std::borrow::Cow<'_, str> {
    if message.contains(['\n', '\r']) {
        message.replace('\r', "\\r").replace('\n', "\\n").into()
    } else {
        message.into()
    }
}

/// The fingerprint of every finding of the report, in order.
pub fn fingerprints(r: &Report<'_>) -> Vec<String> {
    crate::fingerprint::of(r.files, r.findings)
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report<'_> {
    /// The rule that produced a finding.
    pub fn rule(&self, f: &Finding) -> Option<&crate::rules::Rule> {
        self.rules.get(*self.repo_of.get(f.file)?)?.get(&f.code)
    }

    /// The finding's help, or its rule's.
    pub fn help<'b>(&'b self, f: &'b Finding) -> &'b str {
        f.help
            .as_deref()
            .or(self.rule(f).map(|r| r.help.as_str()))
            .unwrap_or("")
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in self.findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }

    /// `N errors, M warnings in K files`, with infos when there are any.
    pub fn summary_line(&self) -> String {
        let c = self.counts();
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let mut s = format!("{}, {}", plural(c.errors, "error"), plural(c.warnings, "warning"));
        if c.infos > 0 {
            s.push_str(&format!(", {}", plural(c.infos, "info")));
        }
        s.push_str(&format!(" in {}", plural(self.checked, "file")));
        if !self.notes.is_empty() {
            s.push_str(&format!(" ({})", self.notes.join("; ")));
        }
        s
    }

    pub fn write(&self, format: Format, style: Style, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Human => human::write(self, style, out),
            Format::Concise => {
                for f in self.findings {
                    let file = &self.files[f.file];
                    let (line, col) = file.line_col(f.span.start);
                    writeln!(
                        out,
                        "{}:{line}:{col}: {} {} {}",
                        file.path,
                        f.severity,
                        f.code,
                        one_line(&f.message)
                    )?;
                }
                if !style.quiet {
                    writeln!(out, "{}", self.summary_line())?;
                }
                Ok(())
            }
            Format::Json => json::write(self, out),
            Format::JsonLines => json::write_lines(self, out),
            Format::Sarif => sarif::write(self, out),
            Format::Github => github::write(self, out),
            Format::Gitlab => gitlab::write(self, out),
            Format::Junit => junit::write(self, out),
            Format::Markdown => match self.matrix {
                Some(m) => out.write_all(matrix::to_markdown(m, matrix::DEFAULT_SUMMARY_LIMIT).as_bytes()),
                None => Err(io::Error::other(
                    "the markdown format needs the run's models (keep_models)",
                )),
            },
        }
    }

    /// One row per rule with findings: count, code, name; most frequent first.
    pub fn statistics(&self) -> Vec<(usize, String, String)> {
        let mut rows: Vec<(usize, String, String)> = Vec::new();
        for f in self.findings {
            match rows.iter_mut().find(|r| r.1 == *f.code) {
                Some(r) => r.0 += 1,
                None => rows.push((
                    1,
                    f.code.to_string(),
                    self.rule(f).map(|r| r.name.to_string()).unwrap_or_default(),
                )),
            }
        }
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        rows
    }

    pub fn write_statistics(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        let rows = self.statistics();
        if matches!(format, Format::Json | Format::JsonLines) {
            let list: Vec<_> = rows
                .iter()
                .map(|(n, c, name)| serde_json::json!({ "count": n, "code": c, "name": name }))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            return writeln!(out);
        }
        let width = rows.iter().map(|r| r.0.to_string().len()).max().unwrap_or(1);
        for (n, code, name) in rows {
            writeln!(out, "{n:>width$}  {code:<8} {name}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concise_escapes_newlines_in_messages() {
        let file = SourceFile::new("specs/001-x/plan.md", "# Plan\n\nTODO\n");
        let finding = Finding {
            code: "TPL001".into(),
            severity: Severity::Warning,
            principle: None,
            file: 0,
            span: 8..12,
            message: "first line\nsecond line\r\nthird".into(),
            help: None,
            fix: None,
        };
        let r = Report {
            files: std::slice::from_ref(&file),
            findings: std::slice::from_ref(&finding),
            rules: &[],
            repo_of: &[0],
            reported: &[true],
            families: &[],
            matrix: None,
            checked: 1,
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        let style = Style {
            color: false,
            width: 100,
            quiet: true,
        };
        r.write(Format::Concise, style, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "specs/001-x/plan.md:3:1: warning TPL001 first line\\nsecond line\\r\\nthird\n"
        );
        assert_eq!(one_line("plain"), "plain");
    }
}
