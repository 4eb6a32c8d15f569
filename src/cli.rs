//! Command-line interface: parse arguments, run the pipeline, map the result
//! to an exit code. The pipeline itself lives in the library stages.

use crate::discover;
use crate::evaluate;
use crate::filter;
use crate::load;
use crate::report::{Format, Report, Style};
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Exit codes, the CLI's contract.
pub mod exit {
    /// Nothing at error severity.
    pub const OK: i32 = 0;
    /// At least one error-severity finding.
    pub const FINDINGS: i32 = 1;
    /// Usage error, or a file that could not be read or parsed.
    pub const INPUT: i32 = 2;
    /// A bug in constable.
    pub const INTERNAL: i32 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "constable",
    version,
    about = "Gate spec-driven infrastructure plans against your constitution"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plans under each PATH (a repository folder or a plan file).
    Check(CheckArgs),
    /// Print the documentation of a rule, by code or name.
    Explain {
        /// A rule code (TPL002) or name (template-placeholder).
        rule: String,
    },
    /// List every rule with its code, name, severity and source pack.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Repository folders or plan files [default: .]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print findings only, without the summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Run the CLI; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Explain { rule } => explain(&rule),
        Command::Rules { format } => list_rules(format),
    }
}

fn rules_or_exit() -> Result<crate::rules::RuleSet, i32> {
    load::builtin_rules().map_err(|e| {
        eprintln!("{:?}", miette::Report::new(*e));
        exit::INTERNAL
    })
}

fn check(args: CheckArgs) -> i32 {
    let rules = match rules_or_exit() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let plans = match discover::discover(&paths) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INPUT;
        }
    };
    let mut outcome = evaluate::run(&plans, &rules);
    filter::sort(&outcome.files, &mut outcome.findings);
    let report = Report {
        files: &outcome.files,
        findings: &outcome.findings,
        rules: &rules,
        checked: outcome.files.len(),
    };
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let style = Style {
        color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: if tty { terminal_width().unwrap_or(100) } else { 100 },
        quiet: args.quiet,
    };
    let mut lock = stdout.lock();
    if let Err(e) = report
        .write(args.format, style, &mut lock)
        .and_then(|_| lock.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return exit::INPUT;
        }
    }
    for p in &outcome.problems {
        let kind = if p.internal { "internal error" } else { "error" };
        eprintln!("{kind}: {}: {}", p.path, p.message);
    }
    if plans.is_empty() && !args.quiet {
        eprintln!(
            "warning: no plans found under {} (looked for specs/*/plan.md, .specify/specs/*/plan.md, .specops/specs/*/plan.md)",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    if outcome.problems.iter().any(|p| p.internal) {
        exit::INTERNAL
    } else if !outcome.problems.is_empty() {
        exit::INPUT
    } else if report.counts().errors > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}

fn explain(code: &str) -> i32 {
    let rules = match rules_or_exit() {
        Ok(r) => r,
        Err(code) => return code,
    };
    match rules.get(code) {
        Some(rule) => {
            print!("{}", rule.doc_markdown());
            exit::OK
        }
        None => {
            eprintln!("error: no rule with code or name `{code}`; `constable rules` lists them");
            exit::INPUT
        }
    }
}

fn list_rules(format: ListFormat) -> i32 {
    let rules = match rules_or_exit() {
        Ok(r) => r,
        Err(code) => return code,
    };
    match format {
        ListFormat::Text => {
            for r in &rules.rules {
                println!(
                    "{:<8} {:<30} {:<8} {:<12} {}",
                    r.code,
                    r.name,
                    r.severity,
                    r.principle.as_deref().unwrap_or("-"),
                    r.source
                );
            }
        }
        ListFormat::Json => {
            let list: Vec<_> = rules
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": &*r.code,
                        "name": &*r.name,
                        "principle": r.principle.as_deref(),
                        "severity": r.severity.as_str(),
                        "kind": r.kind.name(),
                        "source": &*r.source,
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
        }
    }
    exit::OK
}
