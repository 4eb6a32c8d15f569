//! Report stage: turns sorted findings into text for people and machines.
//! Only this stage knows miette and JSON; it never decides what is a finding.

mod human;
pub mod json;
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
}

/// Everything a reporter needs.
pub struct Report<'a> {
    pub files: &'a [SourceFile],
    pub findings: &'a [Finding],
    /// Rule sets by repository, and each file's repository.
    pub rules: &'a [&'a RuleSet],
    pub repo_of: &'a [usize],
    /// Number of files checked.
    pub checked: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    pub quiet: bool,
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
                        file.path, f.severity, f.code, f.message
                    )?;
                }
                if !style.quiet {
                    writeln!(out, "{}", self.summary_line())?;
                }
                Ok(())
            }
            Format::Json => json::write(self, out),
        }
    }
}
