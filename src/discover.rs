//! Discover stage: find the repository root and the plans under each PATH.
//! Reads directory entries only; never opens a file or leaves the root.

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
        if ROOT_MARKERS.iter().any(|m| dir.join(m).exists()) {
            return dir.to_path_buf();
        }
        cur = dir.parent();
    }
    start.to_path_buf()
}

/// Where spec-kit and SpecOps keep the constitution, relative to the root.
pub const CONSTITUTION_PATHS: &[&str] = &[
    ".specify/memory/constitution.md",
    ".specops/memory/constitution.md",
];

/// The repository's constitution.md: absolute path and path relative to the root.
pub fn constitution(root: &Path) -> Option<(PathBuf, String)> {
    CONSTITUTION_PATHS
        .iter()
        .map(|rel| (root.join(rel), rel.to_string()))
        .find(|(abs, _)| abs.is_file() && std::fs::canonicalize(abs).is_ok_and(|real| real.starts_with(root)))
}

/// A repository and the plans to check in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub root: Arc<Path>,
    pub plans: Vec<PlanFile>,
}

/// Group plans by repository root, keeping roots that were named but hold
/// no plans (their constitution is still checked).
pub fn targets(paths: &[PathBuf]) -> Result<Vec<Target>, DiscoverError> {
    let plans = discover(paths)?;
    let mut roots: Vec<Arc<Path>> = Vec::new();
    for p in paths {
        let abs = std::fs::canonicalize(p).map_err(|_| DiscoverError::Missing(p.clone()))?;
        let dir = if abs.is_file() {
            abs.parent().unwrap_or(&abs).to_path_buf()
        } else {
            abs
        };
        roots.push(Arc::from(find_root(&dir)));
    }
    roots.sort();
    roots.dedup();
    Ok(roots
        .into_iter()
        .map(|root| Target {
            plans: plans.iter().filter(|p| p.root == root).cloned().collect(),
            root,
        })
        .collect())
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
        for found in plans_under(&abs).map_err(|e| DiscoverError::Io(p.clone(), e))? {
            // Never follow a plan that resolves outside the root.
            match std::fs::canonicalize(&found) {
                Ok(real) if real.starts_with(&*root) => out.push(plan_file(&root, found)),
                _ => {}
            }
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
fn plans_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut spec_dirs: Vec<PathBuf> = PLAN_DIRS.iter().map(|d| dir.join(d)).collect();
    if dir.file_name().is_some_and(|n| n == "specs") {
        spec_dirs.push(dir.to_path_buf());
    }
    let own = dir.join("plan.md");
    if own.is_file() {
        out.push(own);
    }
    for specs in spec_dirs {
        let Ok(entries) = std::fs::read_dir(&specs) else {
            continue;
        };
        for entry in entries {
            let entry = entry?;
            let plan = entry.path().join("plan.md");
            if entry.path().is_dir() && plan.is_file() {
                out.push(plan);
            }
        }
    }
    Ok(out)
}
