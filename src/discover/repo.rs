//! The repository on disk: does a path exist, is it gitignored, does it stay
//! inside the root; the walk of the IaC roots; and the snapshot of those
//! answers (`DiskFacts`) that checks read instead of the disk. Stats and
//! lists, plus the headings of the Markdown files asked about (their first
//! `HEADINGS_READ` bytes); never leaves the root.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::safe::{self, Seen};

/// What the disk says about the paths a run asked about. The pipeline
/// collects it before evaluation (each path looked up once per run); checks
/// read it and never touch the disk.
#[derive(Debug, Clone, Default)]
pub struct DiskFacts {
    known: HashMap<String, Existence>,
    /// Symlinks under the walked roots that lead outside the root.
    pub escapes: Vec<String>,
    /// The repository folder's name.
    pub repo_name: String,
    /// The heading texts of the existing Markdown files asked about.
    headings: HashMap<String, Vec<String>>,
}

/// How much of a Markdown file is read for its headings.
pub const HEADINGS_READ: usize = 256 * 1024;

impl DiskFacts {
    /// What the disk said about `rel` (as it was asked: `dir/` with its
    /// trailing slash). A path nobody asked about is a bug in the asking
    /// check's `paths`; in release builds it reads as missing.
    pub fn exists(&self, rel: &str) -> Existence {
        match self.known.get(rel) {
            Some(e) => *e,
            None => {
                debug_assert!(false, "disk fact `{rel}` was never collected");
                Existence::Missing
            }
        }
    }

    /// The headings (text only, any level, in order) of the Markdown file
    /// `rel`, when it was asked about and exists; empty otherwise.
    pub fn headings(&self, rel: &str) -> &[String] {
        self.headings.get(rel).map_or(&[], Vec::as_slice)
    }

    /// Record a Markdown file's headings (tests and editors build facts by hand).
    pub fn insert_headings(&mut self, rel: impl Into<String>, headings: Vec<String>) {
        self.headings.insert(rel.into(), headings);
    }

    /// True when the answer for `rel` was collected.
    pub fn knows(&self, rel: &str) -> bool {
        self.known.contains_key(rel)
    }

    /// Record an answer (tests and editors build facts by hand).
    pub fn insert(&mut self, rel: impl Into<String>, e: Existence) {
        self.known.insert(rel.into(), e);
    }

    /// Every walked file exists, and so does each folder above it.
    pub fn add_walked(&mut self, walked: &Walked) {
        for f in &walked.files {
            self.known.insert(f.clone(), Existence::Exists);
            let mut dir = f.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                if self
                    .known
                    .insert(format!("{parent}/"), Existence::Exists)
                    .is_some()
                {
                    break;
                }
                self.known.insert(parent.to_string(), Existence::Exists);
                dir = parent;
            }
        }
        self.escapes.extend(walked.escapes.iter().cloned());
        self.escapes.sort();
        self.escapes.dedup();
    }
}

/// What a repository-relative path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existence {
    Exists,
    Missing,
    /// Missing or present, but ignored by `.gitignore`.
    Ignored,
    /// Absolute, or `..` (or a symlink) leading outside the root.
    Outside,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    /// Files, relative to the root, sorted.
    pub files: Vec<String>,
    /// Symlinks that lead outside the root (not followed).
    pub escapes: Vec<String>,
}

/// The repository root and its `.gitignore` rules.
#[derive(Debug)]
pub struct RepoFs {
    pub root: PathBuf,
    /// The root, canonical (symlinks resolved).
    real_root: PathBuf,
    gitignore: Gitignore,
    /// Folders found to be real folders during this run (a cache shared by
    /// the walk, the reads and the disk facts).
    real_dirs: Arc<safe::Seen>,
}

impl RepoFs {
    pub fn new(root: &Path) -> RepoFs {
        let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let gitignore = ignore_rules(
            &real_root,
            &real_root,
            &[".gitignore", ".ignore", ".git/info/exclude"],
            None,
        );
        RepoFs {
            root: root.to_path_buf(),
            real_root,
            gitignore,
            real_dirs: Arc::default(),
        }
    }

    /// Folders found to be real folders during this run.
    pub fn real_dirs(&self) -> &safe::Seen {
        &self.real_dirs
    }

    /// Normalise `rel` (which may hold `.` and `..`) without touching the
    /// disk; None when it is absolute or climbs above the root.
    pub fn normalise(rel: &str) -> Option<PathBuf> {
        let p = Path::new(rel);
        if p.is_absolute() || rel.starts_with('~') {
            return None;
        }
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::Normal(s) => out.push(s),
                Component::CurDir => {}
                Component::ParentDir => {
                    if !out.pop() {
                        return None;
                    }
                }
                Component::RootDir | Component::Prefix(_) => return None,
            }
        }
        Some(out)
    }

    /// Whether a path (relative to the root) exists inside the repository.
    pub fn exists(&self, rel: &str) -> Existence {
        let Some(norm) = Self::normalise(rel) else {
            return Existence::Outside;
        };
        let abs = self.real_root.join(&norm);
        let is_dir_hint = rel.ends_with('/');
        if self
            .gitignore
            .matched_path_or_any_parents(&abs, is_dir_hint)
            .is_ignore()
        {
            return Existence::Ignored;
        }
        // Resolved hop by hop inside the root: a symlink (or a folder on
        // the way) leading out is Outside, and its target is never looked at.
        let Some(abs) = safe::resolve_inside_seen(&self.real_root, &abs, &self.real_dirs) else {
            // A link loop inside the root leads nowhere: missing.
            if safe::is_loop(&self.real_root, &abs) {
                return Existence::Missing;
            }
            return Existence::Outside;
        };
        match std::fs::symlink_metadata(&abs) {
            // `YYYYMMDDHHMMSS_add_x.up.sql`: a name pattern, matched
            // against the folder's entries.
            Err(_) => match (abs.parent(), crate::text::name_pattern(rel)) {
                (Some(dir), Some(re)) => {
                    let hit = std::fs::read_dir(dir)
                        .is_ok_and(|d| d.flatten().any(|e| re.is_match(&e.file_name().to_string_lossy())));
                    if hit {
                        Existence::Exists
                    } else {
                        Existence::Missing
                    }
                }
                _ => Existence::Missing,
            },
            // A link loop inside the root.
            Ok(m) if m.file_type().is_symlink() => Existence::Missing,
            Ok(_) => Existence::Exists,
        }
    }

    /// The repository folder's name (a tree root of that name is the repository itself).
    pub fn name(&self) -> String {
        self.real_root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Every file under the given root-relative folders, walked in parallel,
    /// honouring `.gitignore`, never following symlinks (so never looping),
    /// with the symlinks that lead outside the root set aside.
    pub fn walk(&self, roots: &[String]) -> Walked {
        let found = Mutex::new(Vec::new());
        let escapes = Mutex::new(Vec::new());
        let starts: Vec<PathBuf> = roots
            .iter()
            .filter(|r| self.exists(r) == Existence::Exists)
            .filter_map(|r| Self::normalise(r).map(|n| self.real_root.join(n)))
            .collect();
        let Some((first, rest)) = starts.split_first() else {
            return Walked::default();
        };
        let mut builder = ignore::WalkBuilder::new(first);
        for r in rest {
            builder.add(r);
        }
        // Ignore files are read by constable itself (`ignore_rules`): only
        // regular files inside the root, never through a symlink, never
        // above the root, never the global git excludes.
        let per_dir: Arc<Mutex<HashMap<PathBuf, Chain>>> = Arc::default();
        let root_rules = if self.gitignore.is_empty() {
            Vec::new()
        } else {
            vec![Arc::new(self.gitignore.clone())]
        };
        per_dir
            .lock()
            .expect("fresh")
            .insert(self.real_root.clone(), Arc::new(root_rules));
        let walk_root = self.real_root.clone();
        let seen = self.real_dirs.clone();
        builder
            .hidden(false)
            .ignore(false)
            .git_ignore(false)
            .git_exclude(false)
            .git_global(false)
            .parents(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(move |e| {
                e.file_name() != ".git"
                    && !ignored(
                        &walk_root,
                        &per_dir,
                        &seen,
                        e.path(),
                        e.file_type().is_some_and(|t| t.is_dir()),
                    )
            });
        let real_root = self.real_root.clone();
        builder.build_parallel().run(|| {
            let found = &found;
            let escapes = &escapes;
            let real_root = real_root.clone();
            Box::new(move |entry| {
                if let Ok(e) = entry {
                    if e.path_is_symlink() {
                        let outside = safe::resolve_inside(&real_root, e.path()).is_none();
                        if let (true, Ok(rel)) = (outside, e.path().strip_prefix(&real_root)) {
                            let rel = rel
                                .components()
                                .map(|c| c.as_os_str().to_string_lossy())
                                .collect::<Vec<_>>()
                                .join("/");
                            if let Ok(mut x) = escapes.lock() {
                                x.push(rel);
                            }
                        }
                    } else if e.file_type().is_some_and(|t| t.is_file()) {
                        if let Ok(rel) = e.path().strip_prefix(&real_root) {
                            let rel = rel
                                .components()
                                .map(|c| c.as_os_str().to_string_lossy())
                                .collect::<Vec<_>>()
                                .join("/");
                            if let Ok(mut f) = found.lock() {
                                f.push(rel);
                            }
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
        let mut files = found.into_inner().unwrap_or_default();
        files.sort();
        files.dedup();
        let mut escapes = escapes.into_inner().unwrap_or_default();
        escapes.sort();
        escapes.dedup();
        Walked { files, escapes }
    }

    /// Look up every path not already known, in parallel, and record the
    /// answers in `facts`.
    pub fn probe(&self, facts: &mut DiskFacts, paths: impl IntoIterator<Item = String>) {
        // A walked Markdown file is known to exist; its headings are not.
        let unread = |p: &String| {
            is_markdown(p)
                && facts.known.get(p) == Some(&Existence::Exists)
                && !facts.headings.contains_key(p)
        };
        let mut todo: Vec<String> = paths
            .into_iter()
            .filter(|p| !facts.knows(p) || unread(p))
            .collect();
        todo.sort();
        todo.dedup();
        let answers: Vec<(String, Existence, Option<Vec<String>>)> = todo
            .into_par_iter()
            .map(|p| {
                let e = self.exists(&p);
                let h = (e == Existence::Exists && is_markdown(&p))
                    .then(|| self.headings(&p))
                    .flatten();
                (p, e, h)
            })
            .collect();
        for (p, e, h) in answers {
            if let Some(h) = h {
                facts.headings.insert(p.clone(), h);
            }
            facts.known.insert(p, e);
        }
        if facts.repo_name.is_empty() {
            facts.repo_name = self.name();
        }
    }

    /// The headings of a Markdown file inside the root (its first
    /// `HEADINGS_READ` bytes, decoded lossily); None when it cannot be read.
    fn headings(&self, rel: &str) -> Option<Vec<String>> {
        use std::io::Read;
        let norm = Self::normalise(rel)?;
        let abs = self.real_root.join(norm);
        // Like every other read: a regular file inside the root, reached
        // through no symlink, opened without following one or blocking.
        safe::inside(&self.real_root, &abs).ok()?;
        safe::regular(&abs).ok()?;
        let f = safe::open(&abs).ok()?;
        let mut bytes = Vec::new();
        f.take(HEADINGS_READ as u64).read_to_end(&mut bytes).ok()?;
        Some(markdown_headings(&String::from_utf8_lossy(&bytes)))
    }

    pub fn abs(&self, rel: &str) -> PathBuf {
        self.real_root.join(rel)
    }
}

/// The rules of the ignore files named (relative to `dir`), read only when
/// each is a regular file inside the root with no symlink on the way, at
/// most `safe::CONFIG_CAP` bytes; later files win.
fn ignore_rules(
    root: &Path,
    dir: &Path,
    names: &[&str],
    seen: Option<&Mutex<HashSet<PathBuf>>>,
) -> Gitignore {
    let mut b = GitignoreBuilder::new(dir);
    for name in names {
        let p = dir.join(name);
        if safe::inside_seen(root, &p, seen).is_err() {
            continue;
        }
        if let Ok(text) = safe::read_text(&p, safe::CONFIG_CAP) {
            for line in text.lines() {
                let _ = b.add_line(Some(p.clone()), line);
            }
        }
    }
    b.build().unwrap_or_else(|_| Gitignore::empty())
}

/// True when `path` is ignored by the `.gitignore` or `.ignore` of a folder
/// between it and the root (the nearest folder with a verdict wins).
/// `cache` holds each folder's chain of rules, `seen` the folders found real.
fn ignored(
    root: &Path,
    cache: &Mutex<HashMap<PathBuf, Chain>>,
    seen: &Seen,
    path: &Path,
    is_dir: bool,
) -> bool {
    let Some(dir) = path.parent().filter(|d| d.starts_with(root)) else {
        return false;
    };
    for rules in chain_of(root, cache, seen, dir).iter().rev() {
        match rules.matched(path, is_dir) {
            ignore::Match::Ignore(_) => return true,
            ignore::Match::Whitelist(_) => return false,
            ignore::Match::None => {}
        }
    }
    false
}

/// The ignore rules that apply inside a folder: the non-empty rule sets of
/// the folders from the root down to it, nearest last.
type Chain = Arc<Vec<Arc<Gitignore>>>;

/// A folder's [`Chain`], from the cache or built from its parent's; the
/// folder's ignore files are read outside the lock.
fn chain_of(root: &Path, cache: &Mutex<HashMap<PathBuf, Chain>>, seen: &Seen, dir: &Path) -> Chain {
    if let Some(c) = cache.lock().expect("not poisoned").get(dir) {
        return c.clone();
    }
    let parent = match dir.parent() {
        Some(p) if dir != root && p.starts_with(root) => chain_of(root, cache, seen, p),
        _ => Chain::default(),
    };
    let rules = ignore_rules(root, dir, &[".gitignore", ".ignore"], Some(seen));
    let chain = if rules.is_empty() {
        parent
    } else {
        let mut list = (*parent).clone();
        list.push(Arc::new(rules));
        Arc::new(list)
    };
    cache
        .lock()
        .expect("not poisoned")
        .entry(dir.to_path_buf())
        .or_insert(chain)
        .clone()
}

fn is_markdown(rel: &str) -> bool {
    let l = rel.to_ascii_lowercase();
    l.ends_with(".md") || l.ends_with(".markdown")
}

/// The text of every heading (ATX or setext, any level), in order; headings
/// inside code blocks are not headings.
pub fn markdown_headings(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for ev in Parser::new(text) {
        match ev {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = current.take() {
                    out.push(h.trim().to_string());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_refuses_escapes() {
        assert_eq!(RepoFs::normalise("a/./b/../c"), Some(PathBuf::from("a/c")));
        assert_eq!(RepoFs::normalise("../../etc"), None);
        assert_eq!(RepoFs::normalise("/etc/passwd"), None);
        assert_eq!(RepoFs::normalise("."), Some(PathBuf::new()));
    }

    #[test]
    fn headings_of_markdown() {
        let text = "# Ledger\n\nIntro.\n\nDay-2 notes\n-----------\n\n```sh\n# Not a heading\n```\n\n### `kubectl` Troubleshooting ###\n";
        assert_eq!(
            markdown_headings(text),
            vec!["Ledger", "Day-2 notes", "kubectl Troubleshooting"]
        );
    }
}
