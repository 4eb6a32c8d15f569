//! Command-line interface: parse arguments, run the pipeline, map the result
//! to an exit code. The pipeline itself lives in the library stages.

use crate::discover;
use crate::evaluate::{self, RepoJob};
use crate::filter;
use crate::load::{self, Overrides, Settings};
use crate::report::{Format, Report, Style};
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Exit codes, the CLI's contract.
pub mod exit {
    /// Nothing at error severity.
    pub const OK: i32 = 0;
    /// At least one error-severity finding.
    pub const FINDINGS: i32 = 1;
    /// Usage error, bad configuration, or a file that could not be read.
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
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// List every rule with its code, name, severity, principle and source pack.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Write a starting constable.toml whose principles come from constitution.md.
    Init {
        /// Repository folder [default: .]
        path: Option<PathBuf>,
    },
    /// Print the JSON Schema of rule files and constable.toml.
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    /// A Markdown table, as in the README.
    Markdown,
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// Configuration file [default: constable.toml or .constable.toml at the repository root]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
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
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Run only these rules: codes, prefixes (TPL), names or principle ids. Replaces the configuration's `select`.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub select: Option<Vec<String>>,
    /// Skip these rules (added to the configuration's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub ignore: Vec<String>,
    /// Check only the IaC files (for repositories without plans); roots are
    /// `--iac-root`, else `[iac] roots`, else the whole repository.
    #[arg(long)]
    pub iac_only: bool,
    /// IaC root folder, relative to the repository root; replaces the roots
    /// found from the plans' structure trees. Repeatable.
    #[arg(long, value_name = "DIR")]
    pub iac_root: Vec<String>,
    /// Do not check IaC files, only plans and the constitution.
    #[arg(long, conflicts_with_all = ["iac_only", "iac_root"])]
    pub no_iac: bool,
}

/// Render configuration errors the same way everywhere: Unicode, colour only
/// on a terminal without `NO_COLOR`, 100 columns when not on a terminal.
pub fn install_error_renderer() {
    let tty = std::io::stderr().is_terminal();
    let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let width = if tty { terminal_width().unwrap_or(100) } else { 100 };
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .force_graphical(true)
                .unicode(true)
                .color(color)
                .terminal_links(false)
                .width(width)
                .build(),
        )
    }));
}

/// Run the CLI; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Explain { rule, config } => explain(&rule, &config),
        Command::Rules { format, config } => list_rules(format, &config),
        Command::Init { path } => init(path.as_deref().unwrap_or(Path::new("."))),
        Command::Schema => {
            println!(
                "{}",
                serde_json::to_string_pretty(&load::schema()).unwrap_or_default()
            );
            exit::OK
        }
    }
}

#[allow(clippy::boxed_local)] // the load stage boxes its (large) errors
fn report_config_error(e: Box<load::error::ConfigError>) -> i32 {
    eprintln!("{:?}", miette::Report::new(*e));
    exit::INPUT
}

/// Settings for the repository holding the current folder.
fn settings_here(config: &ConfigArgs) -> Result<Settings, i32> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = discover::find_root(&cwd);
    let overrides = Overrides {
        config: config.config.clone(),
        ..Overrides::default()
    };
    load::load(&root, &overrides).map_err(report_config_error)
}

fn check(args: CheckArgs) -> i32 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let targets = match discover::targets(&paths) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INPUT;
        }
    };
    let overrides = Overrides {
        config: args.config.config.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut jobs = Vec::new();
    for t in targets {
        let settings = match load::load(&t.root, &overrides) {
            Ok(s) => s,
            Err(e) => return report_config_error(e),
        };
        let iac = if args.no_iac {
            evaluate::IacScope::Off
        } else if !args.iac_root.is_empty() {
            evaluate::IacScope::Roots(args.iac_root.clone())
        } else if args.iac_only {
            let configured = settings.iac_roots.clone();
            evaluate::IacScope::Roots(if configured.is_empty() { vec![".".to_string()] } else { configured })
        } else {
            evaluate::IacScope::FromPlans
        };
        jobs.push(RepoJob {
            constitution: discover::constitution(&t.root),
            root: t.root.to_path_buf(),
            settings,
            plans: if args.iac_only { Vec::new() } else { t.plans },
            iac,
        });
    }
    let mut outcome = evaluate::run(&jobs);
    let settings: Vec<&Settings> = jobs.iter().map(|j| &j.settings).collect();
    filter::apply(&mut outcome, &settings);
    let rule_sets: Vec<&crate::rules::RuleSet> = jobs.iter().map(|j| &j.settings.rules).collect();
    let report = Report {
        files: &outcome.files,
        findings: &outcome.findings,
        rules: &rule_sets,
        repo_of: &outcome.repo_of,
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
    let plans: usize = jobs.iter().map(|j| j.plans.len()).sum();
    if plans == 0 && !args.quiet && !args.iac_only {
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

fn explain(code: &str, config: &ConfigArgs) -> i32 {
    let settings = match settings_here(config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(rule) = settings
        .all_rules
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code) || &*r.name == code)
    {
        print!("{}", rule.doc_markdown());
        return exit::OK;
    }
    if let Some(p) = settings.rules.principle(code) {
        println!("# Principle `{}`: {}\n\nGate: {}\n", p.id, p.title, p.gate);
        if let Some(d) = &p.doc {
            println!(
                "{}\n\n{}\n\n{}\n\n```text\n{}\n```",
                d.what.trim(),
                d.why.trim(),
                d.fix.trim(),
                d.example.trim()
            );
        }
        return exit::OK;
    }
    let names: Vec<&str> = settings
        .all_rules
        .iter()
        .flat_map(|r| [&*r.code, &*r.name])
        .collect();
    let hint = load::error::closest(code, &names)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    eprintln!("error: no rule with code or name `{code}`{hint} (`constable rules` lists them)");
    exit::INPUT
}

fn list_rules(format: ListFormat, config: &ConfigArgs) -> i32 {
    let settings = match settings_here(config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let enabled = |code: &str| settings.rules.rules.iter().any(|r| &*r.code == code);
    match format {
        ListFormat::Text => {
            for r in &settings.all_rules {
                println!(
                    "{:<8} {:<36} {:<8} {:<16} {:<18}{}",
                    r.code,
                    r.name,
                    r.severity,
                    r.principle.as_deref().unwrap_or("-"),
                    r.source,
                    if enabled(&r.code) { "" } else { " (disabled)" }
                );
            }
        }
        ListFormat::Markdown => print!("{}", rules_markdown(&settings.all_rules)),
        ListFormat::Json => {
            let list: Vec<_> = settings
                .all_rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": &*r.code,
                        "name": &*r.name,
                        "principle": r.principle.as_deref(),
                        "severity": r.severity.as_str(),
                        "kind": r.kind.name(),
                        "source": &*r.source,
                        "enabled": enabled(&r.code),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
        }
    }
    exit::OK
}

fn init(path: &Path) -> i32 {
    let root = std::fs::canonicalize(path)
        .map(|p| discover::find_root(&p))
        .unwrap_or_else(|_| path.to_path_buf());
    if let Some(existing) = load::CONFIG_NAMES
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.exists())
    {
        eprintln!(
            "error: {} already exists; constable init does not overwrite it",
            existing.display()
        );
        return exit::INPUT;
    }
    let settings = match load::load_from(&root, None, &Overrides::default()) {
        Ok(s) => s,
        Err(e) => return report_config_error(e),
    };
    let constitution = discover::constitution(&root);
    let text = match crate::init::render(&root, constitution.as_ref(), &settings) {
        Ok(t) => t,
        Err(p) => {
            eprintln!("error: {}: {}", p.path, p.message);
            return exit::INPUT;
        }
    };
    let target = root.join("constable.toml");
    match std::fs::write(&target, text) {
        Ok(()) => {
            println!("wrote {}", target.display());
            exit::OK
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", target.display());
            exit::INPUT
        }
    }
}

/// The rule table of the README, generated from the rule docs.
pub fn rules_markdown(rules: &[crate::rules::Rule]) -> String {
    let mut out = String::from("| Code | Name | Severity | Kind | What it finds |\n|---|---|---|---|---|\n");
    for r in rules {
        let what = r
            .doc
            .what
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('|', "\\|");
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity,
            r.kind.name(),
            what
        ));
    }
    out
}
