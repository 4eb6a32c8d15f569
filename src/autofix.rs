//! The writes `constable check` may make, and nothing else: `--fix` (safe
//! fixes, plus unsafe ones with `--unsafe-fixes`), `--diff` (what `--fix`
//! would do, written nowhere) and `--add-suppressions REASON`. Each file is
//! fixed in memory through the fix loop of `fix`, re-checked as a buffer;
//! only files whose text changed are written, and only regular files
//! inside their repository (never through a symlink).

use crate::fix::{self, CommentStyle};
use crate::pipeline::{self, CheckRun};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// Rounds of fix, re-check (ruff stops at 100; our fixes converge in two).
pub const MAX_ROUNDS: usize = 20;

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct FixOptions {
    pub fix: bool,
    pub diff: bool,
    pub unsafe_fixes: bool,
    pub add_suppressions: Option<String>,
}

impl FixOptions {
    pub fn any(&self) -> bool {
        self.fix || self.diff || self.add_suppressions.is_some()
    }
}

/// One file to rewrite: where it is, what it says now, what it would say.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub abs: PathBuf,
    /// Relative to its repository root, for messages and diff headers.
    pub rel: String,
    pub before: String,
    pub after: String,
    pub applied: Vec<String>,
}

/// The files of a run that have a finding (with a fix, when `fixable`),
/// grouped: absolute path, relative path, repository index.
fn files_with_findings(run: &CheckRun, fixable: Option<bool>) -> Vec<(PathBuf, String, usize)> {
    let mut out: BTreeMap<PathBuf, (String, usize)> = BTreeMap::new();
    for f in &run.outcome.findings {
        let ok = match fixable {
            None => true,
            Some(unsafe_ok) => f.fix.as_ref().is_some_and(|x| unsafe_ok || x.is_safe()),
        };
        if !ok {
            continue;
        }
        let ri = run.outcome.repo_of[f.file];
        let rel = run.outcome.files[f.file].path.to_string();
        let Some(root) = run.roots.get(ri) else { continue };
        out.insert(root.join(&rel), (rel, ri));
    }
    out.into_iter().map(|(a, (r, i))| (a, r, i)).collect()
}

/// A regular file, not a symlink, inside `root`.
fn writable(abs: &std::path::Path, root: &std::path::Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(abs) else {
        return false;
    };
    meta.file_type().is_file()
        && std::fs::canonicalize(abs)
            .ok()
            .zip(std::fs::canonicalize(root).ok())
            .is_some_and(|(a, r)| a.starts_with(r))
}

/// Run the fix loop over every file of the run that has a fixable finding.
pub fn plan_fixes(run: &CheckRun, unsafe_fixes: bool) -> (Vec<FileChange>, Vec<String>) {
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for (abs, rel, ri) in files_with_findings(run, Some(unsafe_fixes)) {
        if !writable(&abs, &run.roots[ri]) {
            continue;
        }
        let before = match pipeline::read_text(&abs, &rel) {
            Ok(t) => t,
            Err(p) => {
                errors.push(format!("{}: {}", p.path, p.message));
                continue;
            }
        };
        let settings = &run.settings[ri];
        let fixed = fix::fix_file(
            &before,
            unsafe_fixes,
            MAX_ROUNDS,
            |text| match pipeline::check_buffer(&abs, text, settings) {
                Ok((_, findings)) => findings,
                Err(_) => Vec::new(),
            },
        );
        if fixed.text != before {
            changes.push(FileChange {
                abs,
                rel,
                before,
                after: fixed.text,
                applied: fixed.applied,
            });
        }
    }
    (changes, errors)
}

/// Suppressions for every finding of the run (SUP findings excepted: a
/// suppression is not suppressed), one comment per line, in each file's
/// comment style.
pub fn plan_suppressions(run: &CheckRun, reason: &str) -> Vec<FileChange> {
    let mut by_file: BTreeMap<usize, Vec<(usize, &str)>> = BTreeMap::new();
    for f in &run.outcome.findings {
        if f.code.starts_with("SUP") {
            continue;
        }
        by_file.entry(f.file).or_default().push((f.span.start, &f.code));
    }
    let mut out = Vec::new();
    for (id, at) in by_file {
        let ri = run.outcome.repo_of[id];
        let rel = run.outcome.files[id].path.to_string();
        let Some(root) = run.roots.get(ri) else { continue };
        let abs = root.join(&rel);
        if !writable(&abs, root) {
            continue;
        }
        let Ok(before) = std::fs::read_to_string(&abs) else {
            continue;
        };
        let (bom, body) = fix::split_bom(&before);
        // The run's spans are into the text it read; skip a file changed since.
        if body != &*run.outcome.files[id].text {
            continue;
        }
        let after = format!(
            "{bom}{}",
            fix::add_suppressions(body, CommentStyle::of_path(&rel), &at, reason)
        );
        if after != before {
            let n = at.len();
            out.push(FileChange {
                abs,
                rel,
                before,
                after,
                applied: vec![format!("suppressed {n} finding{}", if n == 1 { "" } else { "s" })],
            });
        }
    }
    out
}

/// Write the changed files; the errors, one line each.
pub fn write(changes: &[FileChange]) -> Vec<String> {
    let mut errors = Vec::new();
    for c in changes {
        if let Err(e) = std::fs::write(&c.abs, &c.after) {
            errors.push(format!("cannot write {}: {e}", c.abs.display()));
        }
    }
    errors
}

/// The unified diff of every change.
pub fn diff(changes: &[FileChange], out: &mut dyn Write) -> std::io::Result<()> {
    for c in changes {
        out.write_all(fix::unified_diff(&c.rel, &c.before, &c.after).as_bytes())?;
    }
    Ok(())
}

/// Rewrite the files of `run` as asked, then check again: the run to
/// report (what remains). `Err(code)` ends the command with that exit code:
/// `--diff` (1 when something would change, else 0) or a write error (2).
/// Messages go to stderr.
pub fn run(
    mut run: CheckRun,
    request: &pipeline::CheckRequest,
    opts: &FixOptions,
    quiet: bool,
) -> Result<CheckRun, i32> {
    use crate::cli::exit;
    let fail = |errors: Vec<String>| {
        for e in &errors {
            eprintln!("error: {e}");
        }
        exit::INPUT
    };
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if opts.diff {
        let (mut changes, errors) = plan_fixes(&run, opts.unsafe_fixes);
        if !errors.is_empty() {
            return Err(fail(errors));
        }
        if let Some(reason) = &opts.add_suppressions {
            // Suppressions are planned on the unfixed text: shown only for
            // files no fix touches.
            let touched: Vec<PathBuf> = changes.iter().map(|c| c.abs.clone()).collect();
            changes.extend(
                plan_suppressions(&run, reason)
                    .into_iter()
                    .filter(|c| !touched.contains(&c.abs)),
            );
        }
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        if let Err(e) = diff(&changes, &mut lock).and_then(|_| lock.flush()) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(fail(vec![format!("cannot write the diff: {e}")]));
            }
        }
        if !quiet {
            let n: usize = changes.iter().map(|c| c.applied.len()).sum();
            eprintln!(
                "{} would change {}",
                plural(n, "fix", "fixes"),
                plural(changes.len(), "file", "files")
            );
        }
        return Err(if changes.is_empty() {
            exit::OK
        } else {
            exit::FINDINGS
        });
    }
    let again = |run: &mut CheckRun| match pipeline::check(request) {
        Ok(r) => {
            *run = r;
            Ok(())
        }
        Err(e) => Err(fail(vec![e.to_string()])),
    };
    if opts.fix {
        let (changes, mut errors) = plan_fixes(&run, opts.unsafe_fixes);
        errors.extend(write(&changes));
        if !errors.is_empty() {
            return Err(fail(errors));
        }
        if !quiet {
            let n: usize = changes.iter().map(|c| c.applied.len()).sum();
            eprintln!(
                "fixed {} in {}",
                plural(n, "finding", "findings"),
                plural(changes.len(), "file", "files")
            );
        }
        if !changes.is_empty() {
            again(&mut run)?;
        }
    }
    if let Some(reason) = &opts.add_suppressions {
        let changes = plan_suppressions(&run, reason);
        let errors = write(&changes);
        if !errors.is_empty() {
            return Err(fail(errors));
        }
        if !quiet {
            let n: usize = run
                .outcome
                .findings
                .iter()
                .filter(|f| !f.code.starts_with("SUP"))
                .count();
            eprintln!(
                "added suppressions for {} in {}",
                plural(n, "finding", "findings"),
                plural(changes.len(), "file", "files")
            );
        }
        if !changes.is_empty() {
            again(&mut run)?;
        }
    }
    Ok(run)
}
