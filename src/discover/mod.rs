//! Discover stage: find the repository root, its configuration and
//! constitution files and the plans under each PATH; walk the IaC roots and
//! collect the disk facts checks read. Reads directory entries and file
//! metadata only; never opens a file or leaves the root.

pub mod repo;
pub mod safe;

pub use repo::{DiskFacts, Existence, RepoFs, Walked};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Markers that make a folder a repository root.
const ROOT_MARKERS: &[&str] = &[
    ".git",
    ".specify",
    ".specops",
    "constable.toml",
    ".constable.toml",
];
/// Where plans live, relative to the checked folder.
const PLAN_DIRS: &[&str] = &["specs", ".specify/specs", ".specops/specs"];

/// The files constable reads as IaC.
pub fn is_iac_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".tf") || lower.ends_with(".sh")
}

/// A plan to check, with the root its path is relative to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlanFile {
    pub root: Arc<Path>,
    pub abs: PathBuf,
    /// Relative to `root`, with `/` separators.
    pub rel: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{0}: no such file or directory")]
    Missing(PathBuf),
    #[error("{0}: cannot be read: {1}")]
    Io(PathBuf, std::io::Error),
}

/// The nearest ancestor of `start` (itself included) holding a root marker,
/// or `start` itself.
pub fn find_root(start: &Path) -> PathBuf {
    let mut cur = Some(start);
    while let Some(dir) = cur {
        // `symlink_metadata`: a marker that is a symlink marks the root
        // without its target being looked at.
        if ROOT_MARKERS
            .iter()
            .any(|m| std::fs::symlink_metadata(dir.join(m)).is_ok())
        {
            return dir.to_path_buf();
        }
        cur = dir.parent();
    }
    start.to_path_buf()
}

/// Where spec-kit and SpecOps keep the constitution, relative to the root,
/// in order of preference. Older spec-kit projects keep it at
/// `memory/constitution.md`.
pub const CONSTITUTION_PATHS: &[&str] = &[
    ".specify/memory/constitution.md",
    ".specops/memory/constitution.md",
    "memory/constitution.md",
];

/// IBM iac-spec-kit keeps its principles in principles.md instead, under
/// `## Cloud Architecture Principles` and `## IaC Code Principles`; read
/// when no filled-in constitution.md comes first.
pub const PRINCIPLES_PATHS: &[&str] = &[".specify/memory/principles.md", "memory/principles.md"];

/// The repository's constitution.md: absolute path and path relative to the
/// root (which tells where it was found). The first of `CONSTITUTION_PATHS`
/// that exists (as anything: a symlink, FIFO or folder there is returned,
/// and the read refuses it, so it never silently falls back to the
/// defaults; nothing is followed to find out), except that a file still holding the template's principle
/// tokens (the unfilled template) gives way to a later one that is filled in:
/// projects that moved to `.specify/` sometimes keep the ratified text at
/// the old `memory/` path.
pub fn constitution(root: &Path) -> Option<(PathBuf, String)> {
    let found: Vec<(PathBuf, String)> = CONSTITUTION_PATHS
        .iter()
        .chain(PRINCIPLES_PATHS)
        .map(|rel| (root.join(rel), rel.to_string()))
        .filter(|(abs, _)| match safe::inside(root, abs) {
            Ok(()) => std::fs::symlink_metadata(abs).is_ok(),
            // A folder on the way is a symlink: refused when read.
            Err(safe::ReadError::NotRegular(_)) => true,
            Err(_) => false,
        })
        .collect();
    // Still the template: its principle headings are template tokens. (A
    // textual test: discovery does not parse; the pipeline parses the file
    // it chose, once.)
    let unfilled = |abs: &Path, _rel: &str| {
        safe::inside(root, abs).is_ok()
            && safe::read_text(abs, safe::DEFAULT_MAX_FILE_SIZE).is_ok_and(|t| {
                t.contains("[PRINCIPLE_1_NAME]")
                    || t.contains("[PROJECT_NAME]")
                    || t.contains("[ARCHITECTURE_PRINCIPLE_1_NAME]")
            })
    };
    match found.iter().find(|(abs, rel)| !unfilled(abs, rel)) {
        Some(filled) => Some(filled.clone()),
        None => found.into_iter().next(),
    }
}

/// A repository and what to check in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub root: Arc<Path>,
    pub plans: Vec<PlanFile>,
    /// IaC files named on the command line (root-relative), checked even
    /// outside the plans' IaC roots.
    pub iac_files: Vec<String>,
    /// Report only these root-relative paths (None: everything checked).
    /// Set when only IaC files were named: the plans are read for context.
    pub only: Option<Vec<String>>,
}

/// What a file named on the command line (or changed since a ref) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// A `plan.md`.
    Plan,
    /// A feature's spec.md, tasks.md or `checklists/*.md`: checked with its
    /// feature, through the plan beside it.
    Artifact,
    /// constitution.md or a rule/config TOML file: every plan is affected.
    Rules,
    Iac,
    /// Anything else (a README, a runbook, research.md): nothing checks it.
    Other,
}

pub fn classify_named(path: &Path) -> Named {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let in_checklists = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d.eq_ignore_ascii_case("checklists"));
    if name == "constitution.md" || name == "principles.md" || name.ends_with(".toml") {
        Named::Rules
    } else if is_iac_path(&name) {
        Named::Iac
    } else if name == "plan.md" {
        Named::Plan
    } else if name == "spec.md" || name == "tasks.md" || (in_checklists && name.ends_with(".md")) {
        Named::Artifact
    } else {
        Named::Other
    }
}

/// The plan of the feature a named artifact belongs to (`plan.md` beside
/// it, or beside its `checklists` folder), when there is one.
pub fn artifact_plan(abs: &Path) -> Option<PathBuf> {
    let mut dir = abs.parent()?;
    if dir
        .file_name()
        .is_some_and(|d| d.eq_ignore_ascii_case("checklists"))
    {
        dir = dir.parent()?;
    }
    let plan = dir.join("plan.md");
    std::fs::symlink_metadata(&plan).is_ok().then_some(plan)
}

fn rel_of(root: &Path, abs: &Path) -> String {
    abs.strip_prefix(root)
        .unwrap_or(abs)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A feature folder's other artifacts, beside its plan: spec.md, tasks.md
/// and checklists/*.md, as (absolute, root-relative) pairs in that order.
pub fn feature_files(plan: &PlanFile) -> Vec<(PathBuf, String)> {
    let Some(dir) = plan.abs.parent() else {
        return Vec::new();
    };
    // A feature folder reached through a symlink is not looked into (its
    // plan is refused when read).
    if safe::inside(&plan.root, &plan.abs).is_err() {
        return Vec::new();
    }
    let rel_dir = plan.rel.rsplit_once('/').map_or("", |(d, _)| d);
    let join = |name: &str| {
        if rel_dir.is_empty() {
            name.to_string()
        } else {
            format!("{rel_dir}/{name}")
        }
    };
    let mut out = Vec::new();
    // Present as anything (a symlink or FIFO is refused when read, not
    // skipped in silence).
    for name in ["spec.md", "tasks.md"] {
        let abs = dir.join(name);
        if std::fs::symlink_metadata(&abs).is_ok() {
            out.push((abs, join(name)));
        }
    }
    let checklists = dir.join("checklists");
    let real_dir = std::fs::symlink_metadata(&checklists).is_ok_and(|m| m.is_dir());
    if let Some(entries) = real_dir.then(|| std::fs::read_dir(&checklists).ok()).flatten() {
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        names.sort();
        for n in names {
            out.push((dir.join("checklists").join(&n), join(&format!("checklists/{n}"))));
        }
    }
    out
}

/// Group what to check by repository root. Folders contribute their plans;
/// named files are classified: a plan is checked with the IaC it points to,
/// a constitution or rule file re-checks every plan, an IaC file is checked
/// with the repository as context but reported alone.
///
/// A file that is none of those (a README, a runbook, a seed template) is
/// checked as a plan when the user named it, and skipped when it is in
/// `implicit`: found by `--changed-since`, or an editor's buffer.
pub fn targets(paths: &[PathBuf], implicit: &[PathBuf]) -> Result<Vec<Target>, DiscoverError> {
    // Per root: plans, named IaC files, "an IaC file was named", "plans were named".
    type Pending = (Arc<Path>, Vec<PlanFile>, Vec<String>, bool, bool);
    let mut by_root: Vec<Pending> = Vec::new();
    for p in paths {
        let abs = std::fs::canonicalize(p).map_err(|_| DiscoverError::Missing(p.clone()))?;
        let dir = if abs.is_file() {
            abs.parent().unwrap_or(&abs).to_path_buf()
        } else {
            abs.clone()
        };
        let root: Arc<Path> = Arc::from(find_root(&dir));
        if !by_root.iter().any(|t| t.0 == root) {
            by_root.push((root.clone(), Vec::new(), Vec::new(), false, false));
        }
        let entry = by_root.iter_mut().find(|t| t.0 == root).expect("just pushed");
        if !abs.is_file() {
            entry.1.extend(discover(std::slice::from_ref(p))?);
            entry.4 = true;
            continue;
        }
        if !abs.starts_with(&*root) {
            continue;
        }
        match classify_named(&abs) {
            Named::Plan => {
                entry.1.push(plan_file(&root, abs));
                entry.4 = true;
            }
            // An artifact is checked with its feature; without a plan
            // beside it, nothing checks it (as in a full check).
            Named::Artifact => {
                if let Some(plan) = artifact_plan(&abs) {
                    entry.1.push(plan_file(&root, plan));
                }
                entry.4 = true;
            }
            Named::Other if implicit.contains(p) => {}
            Named::Other => {
                entry.1.push(plan_file(&root, abs));
                entry.4 = true;
            }
            Named::Rules => {
                entry.1.extend(discover(&[root.to_path_buf()])?);
                entry.4 = true;
            }
            Named::Iac => {
                entry.2.push(rel_of(&root, &abs));
                entry.3 = true;
            }
        }
    }
    let mut out: Vec<Target> = by_root
        .into_iter()
        .map(|(root, mut plans, iac_files, iac_named, reports_plans)| {
            // Only IaC files named: read every plan for context, report the files.
            let only = (iac_named && !reports_plans).then(|| iac_files.clone());
            if only.is_some() {
                plans = discover(&[root.to_path_buf()]).unwrap_or_default();
            }
            plans.sort();
            plans.dedup_by(|a, b| a.abs == b.abs);
            Target {
                root,
                plans,
                iac_files,
                only,
            }
        })
        .collect();
    out.sort_by(|a, b| a.root.cmp(&b.root));
    Ok(out)
}

/// Files changed since a git ref (added, copied, modified, renamed, and
/// untracked), as absolute paths, using the `git` binary in `root`.
pub fn changed_since(root: &Path, reference: &str) -> Result<Vec<PathBuf>, String> {
    let run = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let top = run(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim());
    let diff = run(&["diff", "--name-only", "--diff-filter=ACMR", reference, "--"])?;
    let untracked = run(&["ls-files", "--others", "--exclude-standard"])?;
    let mut out: Vec<PathBuf> = diff
        .lines()
        .map(|l| top.join(l))
        .chain(untracked.lines().map(|l| root.join(l)))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Plans under every PATH, deduplicated and sorted.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PlanFile>, DiscoverError> {
    let mut out = Vec::new();
    for p in paths {
        let abs = std::fs::canonicalize(p).map_err(|_| DiscoverError::Missing(p.clone()))?;
        if abs.is_file() {
            let dir = abs.parent().unwrap_or(&abs).to_path_buf();
            let root: Arc<Path> = Arc::from(find_root(&dir));
            out.push(plan_file(&root, abs));
            continue;
        }
        let root: Arc<Path> = Arc::from(find_root(&abs));
        // Nothing is followed here: a plan.md that is a symlink, FIFO or
        // folder is listed, and refused when read.
        for found in plans_under(&abs, &root).map_err(|e| DiscoverError::Io(p.clone(), e))? {
            out.push(plan_file(&root, found));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.abs == b.abs);
    Ok(out)
}

fn plan_file(root: &Arc<Path>, abs: PathBuf) -> PlanFile {
    let rel = abs.strip_prefix(&**root).unwrap_or(&abs);
    let rel = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    PlanFile {
        root: root.clone(),
        abs,
        rel,
    }
}

/// `specs/*/plan.md` and friends under `dir`; also `dir/*/plan.md` when `dir`
/// is itself a specs folder, and `dir/plan.md` when it is a feature folder.
/// A `plan.md` is listed whatever it is (the read refuses a symlink, FIFO
/// or folder); a feature folder that is a symlink is listed when it leads
/// outside the root (and refused when read), skipped when it stays inside
/// (an alias of a folder checked on its own).
fn plans_under(dir: &Path, root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut spec_dirs: Vec<PathBuf> = PLAN_DIRS.iter().map(|d| dir.join(d)).collect();
    if dir.file_name().is_some_and(|n| n == "specs") {
        spec_dirs.push(dir.to_path_buf());
    }
    let own = dir.join("plan.md");
    if std::fs::symlink_metadata(&own).is_ok() {
        out.push(own);
    }
    for specs in spec_dirs {
        if !std::fs::symlink_metadata(&specs).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&specs) else {
            continue;
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            let plan = entry.path().join("plan.md");
            if kind.is_dir() {
                if std::fs::symlink_metadata(&plan).is_ok() {
                    out.push(plan);
                }
            } else if kind.is_symlink() && safe::resolve_inside(root, &entry.path()).is_none() {
                out.push(plan);
            }
        }
    }
    Ok(out)
}
