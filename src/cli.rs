//! Command-line interface: parse arguments, call the pipeline, write the
//! reports, map the result to an exit code. It orders no stage itself.

use crate::discover;
use crate::filter;
use crate::load::{self, Overrides, Settings};
use crate::pipeline::{self, CheckRequest, IacScope, RunError};
use crate::report::{Format, Report, Style};
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

mod show;
mod watch;
use show::{show_files, show_settings};
use watch::watch;

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
    Check(Box<CheckArgs>),
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
    /// Run the language server over stdio (for editors).
    Server,
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), or write every page to a folder.
    Man {
        /// Write `constable.1` and one `constable-<subcommand>.1` per
        /// subcommand into DIR instead of printing the main page.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Write the compliance matrix (plans × principles) as an HTML page or JSON.
    Report(Box<ReportArgs>),
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR`; `FORCE_COLOR` or
    /// `CLICOLOR_FORCE` colour off a terminal too.
    #[default]
    Auto,
    Always,
    Never,
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
    /// Repository folders, plan files, or (from pre-commit) changed files; `-` with --stdin-filename [default: .]
    pub paths: Vec<PathBuf>,
    /// Output format; repeat to write several, pairing each with an --output in order [default: human]
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    pub formats: Vec<Format>,
    /// Write the matching --format to FILE instead of stdout; repeatable.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub outputs: Vec<PathBuf>,
    /// Print findings only, without the summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print one row per rule (count, code, name) instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Run only these rules: codes, prefixes (TPL), names or principle ids. Replaces the configuration's `select`.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub select: Option<Vec<String>>,
    /// Skip these rules (added to the configuration's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub ignore: Vec<String>,
    /// Exit 1 when a finding of this severity or worse remains.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE (by fingerprint) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Check only plans and IaC files that differ from this git ref.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Skip files matching `exclude` even when they are named on the command line.
    #[arg(long)]
    pub force_exclude: bool,
    /// Check standard input as if it were this file (pass `-` as the path).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
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
    /// Exit 0 even when findings remain (input and configuration errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Add rules to the selection (the configuration's `select`, or --select), like ruff.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub extend_select: Vec<String>,
    /// Skip files matching GLOB (relative to the repository root; added to
    /// the configuration's `exclude`). Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Ignore constable.toml and .constable.toml: built-in defaults only.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Print the resolved configuration, and where each value came from, then exit.
    #[arg(long, conflicts_with_all = ["show_files", "watch"])]
    pub show_settings: bool,
    /// Print the files that would be checked, and why the others are not, then exit.
    #[arg(long, conflicts_with = "watch")]
    pub show_files: bool,
    /// Print how long each stage took, on stderr.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// When to colour the output [NO_COLOR, FORCE_COLOR and CLICOLOR_FORCE are honoured in `auto`].
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Check again whenever a file under the paths changes (Ctrl-C exits).
    #[arg(long, short = 'w', conflicts_with_all = ["stdin_filename", "write_baseline"])]
    pub watch: bool,
    // Fix flags (--fix, --diff, --unsafe-fixes, --add-suppressions) go below.
    /// Apply safe fixes to the files (and unsafe ones with --unsafe-fixes), then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Print a unified diff of what --fix would change and write nothing (exit 1 when there are changes).
    #[arg(long)]
    pub diff: bool,
    /// With --fix or --diff, also apply fixes that write content the author must complete.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Insert a suppression comment with this reason for every current finding.
    #[arg(long, value_name = "REASON")]
    pub add_suppressions: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

/// Render configuration errors the same way everywhere: Unicode, colour only
/// on a terminal without `NO_COLOR`, 100 columns when not on a terminal.
pub fn install_error_renderer() {
    let tty = std::io::stderr().is_terminal();
    let color = use_color(ColorChoice::Auto, tty);
    let width = terminal_width(terminal_size::terminal_size_of(std::io::stderr()));
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
        Command::Check(args) => check(*args),
        Command::Explain { rule, config } => explain(&rule, &config),
        Command::Rules { format, config } => list_rules(format, &config),
        Command::Init { path } => init(path.as_deref().unwrap_or(Path::new("."))),
        Command::Server => match crate::lsp::serve() {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("error: language server: {e}");
                exit::INTERNAL
            }
        },
        Command::Completions { shell } => emit(|out| {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "constable", out);
            Ok(())
        }),
        Command::Man { dir: None } => emit(|out| {
            // As `--dir` writes it: no `help` subcommand, whose page would not exist.
            let cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
            clap_mangen::Man::new(cmd).render(out)
        }),
        Command::Man { dir: Some(dir) } => {
            let cmd = <Cli as clap::CommandFactory>::command();
            match std::fs::create_dir_all(&dir).and_then(|_| clap_mangen::generate_to(cmd, &dir)) {
                Ok(()) => exit::OK,
                Err(e) => {
                    eprintln!("error: cannot write man pages to {}: {e}", dir.display());
                    exit::INPUT
                }
            }
        }
        Command::Schema => emit(|out| {
            serde_json::to_writer_pretty(&mut *out, &load::schema())?;
            writeln!(out)
        }),
        Command::Report(args) => report(*args),
    }
}

/// Write a command's output to stdout. A closed pipe (`constable rules |
/// head -1`) ends the command quietly, as in ripgrep; other write errors
/// are reported.
fn emit(f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> i32 {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match f(&mut out).and_then(|_| out.flush()) {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            exit::INPUT
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
    pipeline::settings(&root, &overrides).map_err(report_config_error)
}

fn check(args: CheckArgs) -> i32 {
    let json = args
        .formats
        .iter()
        .any(|f| matches!(f, Format::Json | Format::JsonLines));
    if args.outputs.len() > args.formats.len().max(1) {
        return input_error(
            json,
            format!(
                "{} --output given for {} --format",
                args.outputs.len(),
                args.formats.len().max(1)
            ),
        );
    }
    // Standard input stands in for --stdin-filename.
    let mut stdin = None;
    let mut paths: Vec<PathBuf> = args.paths.clone();
    if paths.iter().any(|p| p.as_os_str() == "-") {
        let Some(name) = &args.stdin_filename else {
            return input_error(
                json,
                "`-` needs --stdin-filename PATH to say which file the text is".into(),
            );
        };
        let mut text = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            return input_error(json, format!("cannot read standard input: {e}"));
        }
        paths.retain(|p| p.as_os_str() != "-");
        stdin = Some((name.clone(), text));
    }
    let iac = if args.no_iac {
        IacScope::Off
    } else if !args.iac_root.is_empty() {
        IacScope::Roots(args.iac_root.clone())
    } else if args.iac_only {
        IacScope::Only
    } else {
        IacScope::FromPlans
    };
    let request = CheckRequest {
        paths,
        stdin,
        overrides: Overrides {
            config: args.config.config.clone(),
            select: args.select.clone(),
            ignore: args.ignore.clone(),
            extend_select: args.extend_select.clone(),
            exclude: args.exclude.clone(),
            isolated: args.isolated,
        },
        changed_since: args.changed_since.clone(),
        force_exclude: args.force_exclude,
        iac,
        baseline: if args.write_baseline.is_some() {
            None
        } else {
            args.baseline.clone()
        },
        keep_models: args.formats.contains(&Format::Markdown),
    };
    if args.show_settings {
        return show_settings(&request);
    }
    if args.show_files {
        return show_files(&request);
    }
    let formats = output_formats(&args);
    if args.watch {
        return watch(&args, &request, &formats);
    }
    check_once(&args, &request, &formats)
}

/// The formats to write: `--format`, else a CI's own (GitHub annotations in
/// GitHub Actions, concise lines in GitLab CI), else human.
fn output_formats(args: &CheckArgs) -> Vec<Format> {
    if !args.formats.is_empty() {
        return args.formats.clone();
    }
    if args.outputs.is_empty() {
        let set = |name: &str| std::env::var(name).is_ok_and(|v| v == "true");
        if set("GITHUB_ACTIONS") {
            eprintln!("constable: GITHUB_ACTIONS is set: writing GitHub annotations (--format chooses another format)");
            return vec![Format::Github];
        }
        if set("GITLAB_CI") {
            eprintln!("constable: GITLAB_CI is set: writing concise lines (--format gitlab writes the Code Quality report)");
            return vec![Format::Concise];
        }
    }
    vec![Format::Human]
}

/// One check: run the pipeline, write the reports, return the exit code.
fn check_once(args: &CheckArgs, request: &CheckRequest, formats: &[Format]) -> i32 {
    let machine = formats.iter().any(|f| f.is_machine());
    let json = formats
        .iter()
        .any(|f| matches!(f, Format::Json | Format::JsonLines));
    let paths = &request.paths;
    let started = std::time::Instant::now();
    let progress = Progress::start(!args.quiet && !machine);
    let result = pipeline::check(request);
    progress.finish();
    let run = match result {
        Ok(run) => run,
        Err(RunError::Config(e)) => {
            if json {
                print_json_errors(std::slice::from_ref(&e.message));
            }
            return report_config_error(e);
        }
        Err(RunError::Input(m)) => return input_error(json, m),
    };
    if run.nothing_changed {
        if !args.quiet {
            eprintln!(
                "nothing changed since {}",
                args.changed_since.as_deref().unwrap_or("")
            );
        }
        return exit::OK;
    }
    // --fix, --diff, --add-suppressions: the only writes `check` makes.
    let fixing = crate::autofix::FixOptions {
        fix: args.fix,
        diff: args.diff,
        unsafe_fixes: args.unsafe_fixes,
        add_suppressions: args.add_suppressions.clone(),
    };
    let run = if fixing.any() {
        if request.stdin.is_some() {
            return input_error(
                json,
                "--fix, --diff and --add-suppressions need files, not standard input".into(),
            );
        }
        match crate::autofix::run(run, request, &fixing, args.quiet) {
            Ok(run) => run,
            Err(code) => return code,
        }
    } else {
        run
    };
    let outcome = &run.outcome;
    let checked = outcome.reported.iter().filter(|r| **r).count();

    if let Some(path) = &args.write_baseline {
        let b = filter::Baseline::of(&outcome.files, &outcome.findings);
        let text = match serde_json::to_string_pretty(&b) {
            Ok(t) => t + "\n",
            Err(e) => {
                eprintln!("internal error: cannot serialise the baseline: {e}");
                return exit::INTERNAL;
            }
        };
        return match std::fs::write(path, text) {
            Ok(()) => {
                eprintln!("wrote {} findings to {}", b.findings.len(), path.display());
                exit::OK
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                exit::INPUT
            }
        };
    }
    if !run.gone.is_empty() && !args.quiet {
        eprintln!(
            "{} baseline entries no longer occur (rewrite the baseline to drop them):",
            run.gone.len()
        );
        for e in &run.gone {
            eprintln!("  {} {} {}", e.path, e.code, e.message);
        }
    }

    if !args.quiet
        && (args.formats.is_empty()
            || args
                .formats
                .iter()
                .any(|f| matches!(f, Format::Human | Format::Concise)))
    {
        for line in principle_notes(&run.settings) {
            eprintln!("{line}");
        }
    }
    let rule_sets: Vec<&crate::rules::RuleSet> = run.settings.iter().map(|s| &s.rules).collect();
    let matrix = request
        .keep_models
        .then(|| crate::compliance::matrix(&run, None, None));
    let report = Report {
        files: &outcome.files,
        findings: &outcome.findings,
        rules: &rule_sets,
        repo_of: &outcome.repo_of,
        reported: &outcome.reported,
        families: &outcome.families,
        checked,
        notes: {
            let t = outcome.tree;
            let mut n = Vec::new();
            if t.planned > 0 {
                n.push(format!(
                    "{} tree path{} marked new or optional not checked",
                    t.planned,
                    if t.planned == 1 { "" } else { "s" }
                ));
            }
            if t.gitignored > 0 {
                n.push(format!(
                    "{} gitignored tree path{} not checked",
                    t.gitignored,
                    if t.gitignored == 1 { "" } else { "s" }
                ));
            }
            if outcome.tests_skipped > 0 {
                n.push(format!(
                    "{} test file{} not checked",
                    outcome.tests_skipped,
                    if outcome.tests_skipped == 1 { "" } else { "s" }
                ));
            }
            n
        },
        matrix: matrix.as_ref(),
    };
    let reported_at = std::time::Instant::now();
    for (i, format) in formats.iter().enumerate() {
        let result = match args.outputs.get(i) {
            Some(path) => std::fs::File::create(path).and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                let style = Style {
                    color: false,
                    width: 100,
                    quiet: args.quiet,
                };
                write_one(&report, *format, style, args.statistics, &mut w).and_then(|_| w.flush())
            }),
            None => {
                let stdout = std::io::stdout();
                let tty = stdout.is_terminal();
                let style = Style {
                    color: use_color(args.color, tty),
                    width: terminal_width(terminal_size::terminal_size_of(&stdout)),
                    quiet: args.quiet,
                };
                // Block-buffered: a report of many lines is a few writes.
                let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
                write_one(&report, *format, style, args.statistics, &mut out).and_then(|_| out.flush())
            }
        };
        if let Err(e) = result {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write the {format:?} report: {e}");
                return exit::INPUT;
            }
        }
        if *format == Format::Github {
            if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
                let appended = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&summary)
                    .and_then(|mut f| f.write_all(crate::report::github::summary(&report).as_bytes()));
                if let Err(e) = appended {
                    eprintln!("warning: cannot write $GITHUB_STEP_SUMMARY: {e}");
                }
            }
        }
    }
    for p in &outcome.problems {
        let kind = if p.internal { "internal error" } else { "error" };
        eprintln!("{kind}: {}: {}", p.path, p.message);
    }
    if run.plans == 0 && !args.quiet && !args.iac_only && args.changed_since.is_none() && run.named_iac == 0 {
        let shown = if paths.is_empty() {
            ".".to_string()
        } else {
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        eprintln!(
            "warning: no plans found under {shown} (looked for specs/*/plan.md, .specify/specs/*/plan.md, .specops/specs/*/plan.md)"
        );
    }
    let counts = report.counts();
    let failing = match args.fail_on {
        FailOn::Error => counts.errors,
        FailOn::Warning => counts.errors + counts.warnings,
        FailOn::Info => counts.errors + counts.warnings + counts.infos,
    };
    if args.verbose {
        for (stage, took) in &run.timings {
            eprintln!("constable: {stage:<20} {}", millis(*took));
        }
        eprintln!("constable: {:<20} {}", "report", millis(reported_at.elapsed()));
        eprintln!("constable: {:<20} {}", "total", millis(started.elapsed()));
    }
    if outcome.problems.iter().any(|p| p.internal) {
        exit::INTERNAL
    } else if !outcome.problems.is_empty() {
        exit::INPUT
    } else if failing > 0 && !args.exit_zero {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn millis(d: std::time::Duration) -> String {
    format!("{:>9.1} ms", d.as_secs_f64() * 1000.0)
}

/// A usage or input error: on stderr, and as a JSON document on stdout when
/// a JSON format was asked for, so machine consumers always get JSON.
fn input_error(json: bool, message: String) -> i32 {
    if json {
        print_json_errors(std::slice::from_ref(&message));
    }
    eprintln!("error: {message}");
    exit::INPUT
}

/// `{"version": 1, "findings": [], "errors": [...]}` on stdout.
fn print_json_errors(messages: &[String]) {
    let doc = serde_json::json!({
        "version": 1,
        "findings": [],
        "errors": messages.iter().map(|m| serde_json::json!({ "message": m })).collect::<Vec<_>>(),
    });
    let _ = writeln!(std::io::stdout(), "{doc:#}");
}

fn write_one(
    report: &Report<'_>,
    format: Format,
    style: Style,
    statistics: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if statistics {
        report.write_statistics(format, out)
    } else {
        report.write(format, style, out)
    }
}

/// Whether to colour: `--color`, then `NO_COLOR`, then `FORCE_COLOR` or
/// `CLICOLOR_FORCE`, then whether the output is a terminal.
pub fn use_color(choice: ColorChoice, tty: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let forced = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") => true,
        ColorChoice::Auto => tty,
    }
}

/// The width to render at: the terminal's, then `$COLUMNS`, then 100.
fn terminal_width(size: Option<(terminal_size::Width, terminal_size::Height)>) -> usize {
    size.map(|(w, _)| usize::from(w.0))
        .filter(|w| *w > 0)
        .or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse().ok())
                .filter(|w| *w > 0)
        })
        .unwrap_or(100)
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
        return emit(|out| write!(out, "{}", rule.doc_markdown()));
    }
    if let Some(p) = settings.rules.principle(code) {
        return emit(|out| {
            writeln!(out, "# Principle `{}`: {}\n\nGate: {}\n", p.id, p.title, p.gate)?;
            if let Some(d) = &p.doc {
                writeln!(
                    out,
                    "{}\n\n{}\n\n{}\n\n```text\n{}\n```",
                    d.what.trim(),
                    d.why.trim(),
                    d.fix.trim(),
                    d.example.trim()
                )?;
            }
            Ok(())
        });
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

/// Whether a rule runs in this repository, and if not, why.
fn rule_status(
    settings: &Settings,
    principles: &[crate::parse::constitution::Principle],
    r: &crate::rules::Rule,
) -> Option<String> {
    if let Some(why) = settings.off.get(&r.code) {
        return Some(why.clone());
    }
    if !crate::evaluate::active(r, principles, &settings.explicit_select) {
        let p = r.principle.as_deref().unwrap_or("");
        if principles
            .iter()
            .any(|q| matches!(q.origin, crate::parse::constitution::Origin::Document { .. }))
        {
            return Some(format!("no constitution.md principle maps to `{p}`"));
        }
        return Some(format!("the constitution has no `{p}` principle"));
    }
    None
}

/// For the summary of `check`: how each repository's constitution.md
/// principles map to the principles of the rule packs, and which of those
/// principles nothing maps to (their rules do not run).
fn principle_notes(settings: &[Settings]) -> Vec<String> {
    let mut out = Vec::new();
    for s in settings {
        let Some(Ok((rel, doc))) = pipeline::constitution_doc(&s.root) else {
            continue;
        };
        let c = crate::evaluate::Constitution::new(Some(doc), Some(rel.clone()), &s.rules);
        if c.mapping.is_empty() {
            continue;
        }
        let at = if settings.len() > 1 {
            format!("{}/{rel}", s.root.display())
        } else {
            rel
        };
        out.push(format!("principles of {at} → rule packs:"));
        out.extend(c.mapping.iter().map(|m| format!("  {}", m.line())));
        let unmapped: Vec<&str> = s
            .rules
            .constitution
            .principles
            .iter()
            .filter(|p| s.all_rules.iter().any(|r| r.principle.as_ref() == Some(&p.id)))
            .filter(|p| !c.principles.iter().any(|q| q.id == p.id))
            .map(|p| &*p.id)
            .collect();
        if !unmapped.is_empty() {
            out.push(format!(
                "  no principle maps to: {} (their rules do not run unless selected)",
                unmapped.join(", ")
            ));
        }
    }
    out
}

/// Why a running rule runs, when its principle came from constitution.md:
/// `II. GitOps Workflow (heading: "GitOps")`.
fn runs_because(
    mapping: &[crate::parse::constitution::MappingNote],
    r: &crate::rules::Rule,
) -> Option<String> {
    let p = r.principle.as_deref()?;
    mapping
        .iter()
        .find(|m| m.id.as_deref() == Some(p))
        .map(|m| format!("{} ({})", m.shown(), m.reason))
}

fn list_rules(format: ListFormat, config: &ConfigArgs) -> i32 {
    let settings = match settings_here(config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = discover::find_root(&cwd);
    let doc = match pipeline::constitution_doc(&root) {
        Some(Ok((_, d))) => Some(d),
        _ => None,
    };
    let path = discover::constitution(&root).map(|c| c.1);
    let constitution = crate::evaluate::Constitution::new(doc, path, &settings.rules);
    let status = |r: &crate::rules::Rule| rule_status(&settings, &constitution.principles, r);
    let enabled = |code: &str| settings.rules.rules.iter().any(|r| &*r.code == code);
    emit(|out| match format {
        ListFormat::Text => {
            for r in &settings.all_rules {
                let runs = match status(r) {
                    None => runs_because(&constitution.mapping, r)
                        .map_or("runs".to_string(), |w| format!("runs: {w}")),
                    Some(why) => format!("off: {why}"),
                };
                writeln!(
                    out,
                    "{:<8} {:<36} {:<8} {:<16} {:<26}{}",
                    r.code,
                    r.name,
                    r.severity,
                    r.principle.as_deref().unwrap_or("-"),
                    r.source,
                    runs
                )?;
            }
            Ok(())
        }
        ListFormat::Markdown => write!(out, "{}", rules_markdown(&settings.all_rules)),
        ListFormat::Json => {
            let list: Vec<_> = settings
                .all_rules
                .iter()
                .map(|r| {
                    let why = status(r);
                    serde_json::json!({
                        "code": &*r.code,
                        "name": &*r.name,
                        "principle": r.principle.as_deref(),
                        "severity": r.severity.as_str(),
                        "kind": r.kind.name(),
                        "source": &*r.source,
                        "enabled": enabled(&r.code),
                        "runs": why.is_none(),
                        "why_not": why,
                        "why": runs_because(&constitution.mapping, r),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)
        }
    })
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
    let settings = match pipeline::settings_from(&root, None) {
        Ok(s) => s,
        Err(e) => return report_config_error(e),
    };
    let constitution = match pipeline::constitution_doc(&root).transpose() {
        Ok(c) => c,
        Err(p) => {
            eprintln!("error: {}: {}", p.path, p.message);
            return exit::INPUT;
        }
    };
    let text = crate::init::render(constitution.as_ref(), &settings);
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

/// A spinner on stderr, only on a terminal and only when the run takes
/// longer than half a second; never in machine formats.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn start(wanted: bool) -> Progress {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        bar.set_message("checking plans and their infrastructure");
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(500));
            if !shown.is_finished() {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Progress(Some(bar))
    }

    fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML page.
    Html,
    /// The `report_version: 1` JSON contract (docs/report.md).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Repository folder [default: .]
    pub path: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Output file; `-` for stdout.
    #[arg(long, short, value_name = "FILE", default_value = "constable-report.html")]
    pub output: PathBuf,
    /// Show findings new and fixed since this baseline (from `check --write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The repository's name or URL on the page; an `http(s)://` URL makes
    /// file links point at `URL/blob/HEAD/path#Lline` [default: the folder name]
    #[arg(long, value_name = "NAME")]
    pub repository: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `constable report`: check the repository, keep its models, and write the
/// compliance matrix. Exit 0 when written, whatever the findings.
fn report(args: ReportArgs) -> i32 {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let request = CheckRequest {
        paths: vec![path],
        overrides: Overrides {
            config: args.config.config.clone(),
            ..Overrides::default()
        },
        baseline: args.baseline.clone(),
        keep_models: true,
        ..CheckRequest::default()
    };
    let run = match pipeline::check(&request) {
        Ok(run) => run,
        Err(RunError::Config(e)) => return report_config_error(e),
        Err(RunError::Input(m)) => return input_error(false, m),
    };
    for p in &run.outcome.problems {
        let kind = if p.internal { "internal error" } else { "error" };
        eprintln!("{kind}: {}: {}", p.path, p.message);
    }
    if run.models.is_empty() {
        return input_error(false, "no repository to report on".into());
    }
    let baseline = args.baseline.as_ref().map(|b| b.display().to_string());
    let m = crate::compliance::matrix(&run, args.repository.as_deref(), baseline.as_deref());
    let text = match args.format {
        ReportFormat::Html => crate::report::matrix::to_html(&m),
        ReportFormat::Json => crate::report::matrix::to_json(&m),
    };
    if args.output.as_os_str() == "-" {
        return emit(|out| out.write_all(text.as_bytes()));
    }
    match std::fs::write(&args.output, text) {
        Ok(()) => {
            eprintln!(
                "wrote the compliance matrix of {} plans to {}",
                m.plans.len(),
                args.output.display()
            );
            exit::OK
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", args.output.display());
            exit::INPUT
        }
    }
}
