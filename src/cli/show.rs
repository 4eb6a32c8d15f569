//! `check --show-settings` and `check --show-files`: what a check would use
//! and read, and why, without reporting findings.

use super::{exit, report_config_error};
use crate::discover;
use crate::load::{Origin, Settings};
use crate::pipeline::{self, CheckRequest, IacScope, RunError};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The repository roots the request's paths belong to, in order, once each.
pub(super) fn roots(request: &CheckRequest) -> Vec<PathBuf> {
    let mut paths = request.paths.clone();
    if let Some((name, _)) = &request.stdin {
        paths.push(name.clone());
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let mut out: Vec<PathBuf> = Vec::new();
    for p in paths {
        // The nearest existing folder (a --stdin-filename may not exist yet).
        let mut dir = std::env::current_dir().unwrap_or_default().join(&p);
        while !dir.is_dir() {
            match dir.parent() {
                Some(d) => dir = d.to_path_buf(),
                None => break,
            }
        }
        let root = discover::find_root(&std::fs::canonicalize(&dir).unwrap_or(dir));
        if !out.contains(&root) {
            out.push(root);
        }
    }
    out
}

fn origin(settings: &Settings, root: &Path, o: Origin) -> String {
    match o {
        Origin::Default => "default".into(),
        Origin::CommandLine => "command line".into(),
        Origin::Config => settings
            .config_path
            .as_ref()
            .map(|p| shown(root, p))
            .unwrap_or_else(|| "configuration".into()),
    }
}

fn shown(root: &Path, p: &Path) -> String {
    let real = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    real.strip_prefix(root)
        .unwrap_or(&real)
        .to_string_lossy()
        .replace('\\', "/")
}

/// One `value  (origin)` line, aligned.
fn row(out: &mut String, value: &str, from: &str) {
    let _ = writeln!(out, "  {value:<40} ({from})");
}

/// The resolved settings of one repository, as text.
pub fn settings_text(root: &Path, settings: &Settings, request: &CheckRequest) -> String {
    let o = &settings.origins;
    let from = |x: Origin| origin(settings, root, x);
    let mut out = String::new();
    let _ = writeln!(out, "root: {}", root.display());
    let config = match &settings.config_path {
        Some(p) => format!(
            "{} ({})",
            shown(root, p),
            if request.overrides.config.is_some() {
                "command line"
            } else {
                "found at the root"
            }
        ),
        None if request.overrides.isolated => "none (--isolated: built-in defaults)".into(),
        None => "none (built-in defaults)".into(),
    };
    let _ = writeln!(out, "configuration: {config}");
    let _ = writeln!(out, "packs:");
    for (p, x) in &o.extends {
        row(&mut out, p, &from(*x));
    }
    match &o.select {
        None => {
            let _ = writeln!(out, "select:");
            row(&mut out, "every rule", "default");
            for s in &o.extend_select {
                row(&mut out, s, "command line, --extend-select");
            }
        }
        Some(list) => {
            let _ = writeln!(out, "select:");
            for (s, x) in list {
                row(&mut out, s, &from(*x));
            }
        }
    }
    let _ = writeln!(out, "ignore:{}", if o.ignore.is_empty() { " none" } else { "" });
    for (s, x) in &o.ignore {
        row(&mut out, s, &from(*x));
    }
    let _ = writeln!(
        out,
        "severity:{}",
        if o.severity.is_empty() {
            " each rule's own"
        } else {
            ""
        }
    );
    for (s, sev, x) in &o.severity {
        row(&mut out, &format!("{s} = {sev}"), &from(*x));
    }
    let _ = writeln!(
        out,
        "per-file-ignores:{}",
        if o.per_file_ignores.is_empty() {
            " none"
        } else {
            ""
        }
    );
    for (g, sels, x) in &o.per_file_ignores {
        row(&mut out, &format!("{g} = {}", sels.join(", ")), &from(*x));
    }
    let _ = writeln!(out, "exclude:{}", if o.exclude.is_empty() { " none" } else { "" });
    for (g, x) in &o.exclude {
        row(&mut out, g, &from(*x));
    }
    let _ = writeln!(out, "iac roots:");
    match &request.iac {
        IacScope::Off => row(
            &mut out,
            "none: IaC files are not checked",
            "command line, --no-iac",
        ),
        IacScope::Roots(r) => {
            for r in r {
                row(&mut out, r, "command line, --iac-root");
            }
        }
        scope => {
            for (r, x) in &o.iac_roots {
                row(&mut out, r, &from(*x));
            }
            if *scope == IacScope::Only {
                if o.iac_roots.is_empty() {
                    row(&mut out, "the whole repository", "command line, --iac-only");
                }
            } else {
                row(
                    &mut out,
                    "the top folders of the plans' structure trees",
                    "default",
                );
            }
        }
    }
    let _ = writeln!(out, "script roots:");
    for (r, x) in &o.script_roots {
        row(&mut out, r, &from(*x));
    }
    let enabled = |code: &str| settings.rules.rules.iter().find(|r| &*r.code == code);
    let on = settings
        .all_rules
        .iter()
        .filter(|r| enabled(&r.code).is_some())
        .count();
    let _ = writeln!(out, "rules: {on} selected, {} off", settings.all_rules.len() - on);
    for r in &settings.all_rules {
        let (severity, status) = match enabled(&r.code) {
            Some(e) => (e.severity.to_string(), "selected".to_string()),
            None => (
                r.severity.to_string(),
                format!(
                    "off: {}",
                    settings
                        .off
                        .get(&r.code)
                        .map(String::as_str)
                        .unwrap_or("not selected")
                ),
            ),
        };
        let _ = writeln!(
            out,
            "  {:<8} {:<36} {:<8} {:<26} {status}",
            r.code, r.name, severity, r.source
        );
    }
    out
}

/// `check --show-settings`.
pub fn show_settings(request: &CheckRequest) -> i32 {
    let mut text = String::new();
    for (i, root) in roots(request).iter().enumerate() {
        let settings = match pipeline::settings(root, &request.overrides) {
            Ok(s) => s,
            Err(e) => return report_config_error(e),
        };
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&settings_text(root, &settings, request));
    }
    super::emit(|out| out.write_all(text.as_bytes()))
}

/// What a file found is to constable, by its path.
fn kind(rel: &str) -> &'static str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == "constitution.md" || name == "principles.md" {
        "constitution"
    } else if name == "plan.md" {
        "plan"
    } else if name.ends_with(".md") {
        "artifact"
    } else {
        "iac"
    }
}

/// Files under `root` (relative, `/`-separated), honouring .gitignore or not.
fn walk(root: &Path, gitignore: bool) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(false)
        .git_ignore(gitignore)
        .git_exclude(gitignore)
        .ignore(gitignore)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker.flatten() {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            if let Ok(rel) = entry.path().strip_prefix(root) {
                set.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    set
}

/// A file constable could read: an IaC file, or Markdown of a spec folder.
fn candidate(rel: &str) -> bool {
    discover::is_iac_path(rel)
        || (rel.ends_with(".md")
            && (rel.contains("specs/") || rel.ends_with("constitution.md") || rel.ends_with("principles.md")))
}

/// The text of `--show-files` for one checked run.
pub fn files_text(run: &pipeline::CheckRun, request: &CheckRequest) -> String {
    let mut out = String::new();
    for (ri, root) in run.roots.iter().enumerate() {
        let settings = &run.settings[ri];
        let checked: BTreeSet<String> = run
            .outcome
            .files
            .iter()
            .zip(&run.outcome.repo_of)
            .filter(|(_, r)| **r == ri)
            .map(|(f, _)| f.path.to_string())
            .collect();
        if ri > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "root: {}", root.display());
        let _ = writeln!(out, "checked ({}):", checked.len());
        // Plans show the template family they were read as.
        let family_of = |rel: &str| {
            run.outcome
                .families
                .iter()
                .find(|(id, _)| run.outcome.files.get(*id).is_some_and(|f| &*f.path == rel))
                .map(|(_, f)| *f)
        };
        for rel in &checked {
            match family_of(rel) {
                Some(f) => {
                    let _ = writeln!(out, "  {:<14}{rel}  ({})", kind(rel), f.as_str());
                }
                None => {
                    let _ = writeln!(out, "  {:<14}{rel}", kind(rel));
                }
            }
        }
        let visible = walk(root, true);
        let mut skipped: Vec<(&str, String)> = Vec::new();
        for rel in walk(root, false)
            .into_iter()
            .filter(|r| candidate(r) && !checked.contains(r))
        {
            let why = if !visible.contains(&rel) {
                "gitignored"
            } else if settings.excluded(&rel) {
                "excluded"
            } else if discover::is_iac_path(&rel) {
                if request.iac == IacScope::Off {
                    "--no-iac"
                } else {
                    "not under an IaC root"
                }
            } else {
                "not a plan's artifact"
            };
            skipped.push((why, rel));
        }
        let _ = writeln!(out, "not checked ({}):", skipped.len());
        for (why, rel) in skipped {
            let _ = writeln!(out, "  {why:<24}{rel}");
        }
    }
    out
}

/// `check --show-files`.
pub fn show_files(request: &CheckRequest) -> i32 {
    let run = match pipeline::check(request) {
        Ok(run) => run,
        Err(RunError::Config(e)) => return report_config_error(e),
        Err(RunError::Input(m)) => {
            eprintln!("error: {m}");
            return exit::INPUT;
        }
    };
    let text = files_text(&run, request);
    super::emit(|out| out.write_all(text.as_bytes()))
}
