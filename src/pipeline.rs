//! The pipeline: the only code that orders the stages. The CLI, the
//! language server and the benches call it; every stage is a function from
//! the previous stage's data:
//!
//! 1. discover: repository roots, configuration, constitution and plan files;
//! 2. load: configuration and rule packs (builtin rules resolved against the
//!    check registry), and constitution.md read and parsed once, here;
//! 3. parse the plans;
//! 4. collect the disk facts the plan checks need, and derive the IaC roots;
//! 5. discover the IaC files (one walk), and parse them;
//! 6. render (a slot: Kustomize rendering lands here);
//! 7. collect the disk facts the IaC checks need;
//! 8. evaluate (pure, in parallel);
//! 9. filter (precedence, suppressions, per-file ignores, baseline, order).
//!
//! Reporting is the caller's: it chooses formats and destinations.
//! File ids are assigned here, once, when a file is discovered.

use crate::artifacts::Feature;
use crate::checks::{self, iac::IacContext, RepoContext};
use crate::discover::{self, DiskFacts, Existence, PlanFile, RepoFs};
use crate::evaluate::{self, Constitution, Outcome, PlanModel, Problem};
use crate::filter::{self, Baseline, BaselineEntry};
use crate::finding::FileId;
use crate::load::{self, error::ConfigError, Overrides, Settings};
use crate::parse::checklist::Checklist;
use crate::parse::constitution::ConstitutionDoc;
use crate::parse::iac::IacFile;
use crate::parse::plan::Plan;
use crate::parse::spec::Spec;
use crate::parse::suppress;
use crate::parse::tasks::Tasks;
use crate::source::SourceFile;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Which IaC files to check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IacScope {
    /// The roots the plans' structure trees point to, plus configured roots.
    #[default]
    FromPlans,
    /// Exactly these root-relative folders (`--iac-root`).
    Roots(Vec<String>),
    /// The configured roots, or the whole repository (`--iac-only`).
    Only,
    /// No IaC files.
    Off,
}

/// What `constable check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckRequest {
    pub paths: Vec<PathBuf>,
    /// `--stdin-filename` and the text read from standard input.
    pub stdin: Option<(PathBuf, String)>,
    pub overrides: Overrides,
    pub changed_since: Option<String>,
    pub force_exclude: bool,
    pub iac: IacScope,
    pub baseline: Option<PathBuf>,
    /// Keep the parsed plans and constitutions (for `constable report`).
    pub keep_models: bool,
}

/// What a check run produced, filtered and sorted, ready to report.
#[derive(Debug, Default)]
pub struct CheckRun {
    pub outcome: Outcome,
    /// The settings of each repository, by the index in `outcome.repo_of`.
    pub settings: Vec<Settings>,
    /// Plans found.
    pub plans: usize,
    /// IaC files named on the command line.
    pub named_iac: usize,
    /// `--changed-since` found nothing to check.
    pub nothing_changed: bool,
    /// Baseline entries that no longer occur.
    pub gone: Vec<BaselineEntry>,
    /// With `keep_models`: each repository's constitution and parsed plans.
    pub models: Vec<RepoModels>,
    /// The repository roots, by the index in `outcome.repo_of`.
    pub roots: Vec<PathBuf>,
    /// How long each stage took, in order (`--verbose`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// The models a run read for one repository, kept for reports that need
/// more than findings (the compliance matrix): never parsed again.
#[derive(Debug)]
pub struct RepoModels {
    pub root: PathBuf,
    pub constitution: Constitution,
    /// Each plan with its file id.
    pub plans: Vec<(FileId, PlanModel)>,
}

/// Why a run could not start.
#[derive(Debug)]
pub enum RunError {
    /// A usage error or an unreadable path or baseline (exit 2).
    Input(String),
    /// A configuration or rule file that cannot be used (exit 2).
    Config(Box<ConfigError>),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Input(m) => f.write_str(m),
            RunError::Config(e) => write!(f, "{}", e.message),
        }
    }
}

/// One repository to check.
#[derive(Debug)]
struct RepoJob {
    root: PathBuf,
    settings: Settings,
    /// constitution.md, absolute, and relative to the root.
    constitution: Option<(PathBuf, String)>,
    plans: Vec<PlanFile>,
    iac: IacScope,
    /// IaC files named on the command line, checked even outside the roots.
    iac_files: Vec<String>,
    /// Report only these root-relative paths (files named alone).
    only: Option<Vec<String>>,
    /// The file whose text comes from standard input (root-relative).
    stdin: Option<(String, String)>,
}

/// Load the settings of the repository at `root`, with the registered checks.
pub fn settings(root: &Path, overrides: &Overrides) -> Result<Settings, Box<ConfigError>> {
    load::load(root, overrides, &checks::registered_codes())
}

/// Settings with no repository: the built-in packs.
pub fn builtin_settings() -> Result<Settings, Box<ConfigError>> {
    load::builtin_settings(&checks::registered_codes())
}

/// Settings with an explicit configuration file or none (`init` ignores the
/// repository's own configuration).
pub fn settings_from(root: &Path, config: Option<PathBuf>) -> Result<Settings, Box<ConfigError>> {
    load::load_from(root, config, &Overrides::default(), &checks::registered_codes())
}

/// Read a file as UTF-8 text, naming the file and the place on failure,
/// with the default size cap (`read_text_capped`).
pub fn read_text(path: &Path, shown: &str) -> Result<String, Problem> {
    read_text_capped(path, shown, discover::safe::DEFAULT_MAX_FILE_SIZE)
}

/// Read a regular file (never through a symlink, never a FIFO, folder or
/// device) of at most `cap` bytes as UTF-8 text; UTF-16 is named as such.
pub fn read_text_capped(path: &Path, shown: &str, cap: u64) -> Result<String, Problem> {
    discover::safe::read_text(path, cap).map_err(|e| Problem {
        path: shown.to_string(),
        message: e.to_string(),
        internal: false,
    })
}

/// The message of the problem a file over `[limits] max-file-size` stands
/// in for until it becomes a TREE007 finding (never shown).
const TOO_LARGE: &str = "\u{0}too large";

/// The baseline cap: a baseline lists every finding of a large repository.
pub const BASELINE_CAP: u64 = 8 * 1024 * 1024;

/// The repository's constitution.md, read and parsed (for `init`).
pub fn constitution_doc(root: &Path) -> Option<Result<(String, ConstitutionDoc), Problem>> {
    let (abs, rel) = discover::constitution(root)?;
    Some(read_text(&abs, &rel).map(|text| {
        let doc = evaluate::constitution_doc(&SourceFile::new(rel.as_str(), &text));
        (rel, doc)
    }))
}

/// Time spent per stage (`-v`).
struct Laps {
    clock: std::time::Instant,
    timings: Vec<(&'static str, std::time::Duration)>,
}

impl Laps {
    fn start() -> Laps {
        Laps {
            clock: std::time::Instant::now(),
            timings: Vec::new(),
        }
    }

    /// Close the stage that just ended.
    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.timings.push((stage, now - self.clock));
        self.clock = now;
    }
}

/// Run `constable check`: discover, load, parse, evaluate, filter.
pub fn check(req: &CheckRequest) -> Result<CheckRun, RunError> {
    if let Some(run) = plan_buffer(req)? {
        return Ok(run);
    }
    let mut laps = Laps::start();
    let mut paths = req.paths.clone();
    // A `--stdin-filename` that does not exist yet (a new, unsaved plan) is
    // placed under the repository of its nearest existing folder.
    let mut new_plan: Option<PlanFile> = None;
    if let Some((name, _)) = &req.stdin {
        if name.exists() {
            paths.push(name.clone());
        } else {
            let plan = unsaved_plan(name)?;
            if paths.is_empty() {
                // Check only the new plan (and the repository it reads).
                paths.push(plan.root.to_path_buf());
            }
            new_plan = Some(plan);
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    // Discover: with --changed-since, the changed files stand in for the paths.
    if let Some(reference) = &req.changed_since {
        let mut changed = Vec::new();
        for p in &paths {
            let dir = if p.is_file() {
                p.parent().unwrap_or(p).to_path_buf()
            } else {
                p.clone()
            };
            let root = discover::find_root(&std::fs::canonicalize(&dir).unwrap_or(dir));
            let list = discover::changed_since(&root, reference)
                .map_err(|e| RunError::Input(format!("--changed-since {reference}: {e}")))?;
            changed.extend(list.into_iter().filter(|c| {
                std::fs::canonicalize(p)
                    .is_ok_and(|base| c.starts_with(&base) || base.is_file() && *c == base)
            }));
        }
        if changed.is_empty() {
            return Ok(CheckRun {
                nothing_changed: true,
                ..CheckRun::default()
            });
        }
        paths = changed;
    }
    // Files nobody named: the editor's buffer, and what changed.
    let mut implicit: Vec<PathBuf> = req.stdin.iter().map(|(name, _)| name.clone()).collect();
    if req.changed_since.is_some() {
        implicit.extend(paths.iter().cloned());
    }
    let mut targets = discover::targets(&paths, &implicit).map_err(|e| RunError::Input(e.to_string()))?;
    if let Some(plan) = &new_plan {
        let only_plan = req.paths.is_empty();
        match targets.iter_mut().find(|t| t.root == plan.root) {
            Some(t) => {
                if only_plan {
                    t.plans.clear();
                    t.only = None;
                }
                t.plans.push(plan.clone());
            }
            None => targets.push(discover::Target {
                root: plan.root.clone(),
                plans: vec![plan.clone()],
                iac_files: Vec::new(),
                only: None,
            }),
        }
    }
    let named_files: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_file() || req.stdin.is_some())
        .cloned()
        .chain(new_plan.iter().map(|p| p.abs.clone()))
        .collect();
    laps.lap("discover");
    // Load: one settings per repository.
    let mut jobs = Vec::new();
    for mut t in targets {
        let settings = settings(&t.root, &req.overrides).map_err(RunError::Config)?;
        // Excluded files: skipped when found, and when named if --force-exclude.
        let named = |rel: &str| {
            named_files.iter().any(|n| {
                std::fs::canonicalize(n).is_ok_and(|a| a == t.root.join(rel))
                    || new_plan.as_ref().is_some_and(|p| p.abs == *n && p.rel == rel)
            })
        };
        t.plans
            .retain(|p| !settings.excluded(&p.rel) || (named(&p.rel) && !req.force_exclude));
        t.iac_files
            .retain(|f| !settings.excluded(f) || !req.force_exclude);
        if let Some(o) = &mut t.only {
            o.retain(|f| t.iac_files.contains(f));
        }
        let stdin = req.stdin.as_ref().map(|(name, text)| {
            if let Some(p) = new_plan.as_ref().filter(|p| p.root == t.root) {
                return (p.rel.clone(), text.clone());
            }
            let abs = std::fs::canonicalize(name).unwrap_or_else(|_| name.clone());
            let rel = abs
                .strip_prefix(&*t.root)
                .unwrap_or(&abs)
                .to_string_lossy()
                .replace('\\', "/");
            (rel, text.clone())
        });
        jobs.push(RepoJob {
            constitution: discover::constitution(&t.root),
            root: t.root.to_path_buf(),
            settings,
            plans: if req.iac == IacScope::Only {
                Vec::new()
            } else {
                t.plans
            },
            iac: req.iac.clone(),
            iac_files: t.iac_files,
            only: t.only,
            stdin,
        });
    }
    laps.lap("load");
    let mut run = CheckRun {
        plans: jobs.iter().map(|j| j.plans.len()).sum(),
        named_iac: jobs.iter().map(|j| j.iac_files.len()).sum(),
        ..CheckRun::default()
    };
    for (ri, job) in jobs.iter().enumerate() {
        let models = check_repo(ri, job, &mut run.outcome, req.keep_models);
        run.models.extend(models);
    }
    laps.lap("parse and evaluate");
    let settings: Vec<&Settings> = jobs.iter().map(|j| &j.settings).collect();
    // Filter.
    filter::apply(&mut run.outcome, &settings);
    let reported = &run.outcome.reported;
    run.outcome.findings.retain(|f| reported[f.file]);
    if let Some(path) = &req.baseline {
        let baseline = read_baseline(path)?;
        run.gone = baseline.apply(&run.outcome.files, &mut run.outcome.findings);
    }
    laps.lap("filter");
    run.roots = jobs.iter().map(|j| j.root.clone()).collect();
    run.settings = jobs.into_iter().map(|j| j.settings).collect();
    run.timings = laps.timings;
    Ok(run)
}

/// The editor path: standard input named as a plan (`check -
/// --stdin-filename specs/NNN/plan.md`), and nothing else to check. The
/// plan is checked with its repository's constitution, its feature folder's
/// artifacts and the disk facts its rules ask for, by the same stages as a
/// full check, but the IaC tree is neither walked nor parsed, and only the
/// plan is reported. None when the request is not a lone plan buffer (the
/// full path then runs).
fn plan_buffer(req: &CheckRequest) -> Result<Option<CheckRun>, RunError> {
    let Some((name, text)) = &req.stdin else {
        return Ok(None);
    };
    if !req.paths.is_empty()
        || req.changed_since.is_some()
        || req.keep_models
        || req.iac == IacScope::Only
        || discover::classify_named(name) != discover::Named::Plan
    {
        return Ok(None);
    }
    let mut laps = Laps::start();
    let plan = if name.exists() {
        // A symlinked plan is resolved by the full path's discovery.
        if name.is_symlink() || !name.is_file() {
            return Ok(None);
        }
        let Ok(abs) = std::fs::canonicalize(name) else {
            return Ok(None);
        };
        let root: std::sync::Arc<Path> =
            std::sync::Arc::from(discover::find_root(abs.parent().unwrap_or(&abs)));
        let Ok(rel) = abs.strip_prefix(&*root) else {
            return Ok(None);
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        PlanFile { root, abs, rel }
    } else {
        unsaved_plan(name)?
    };
    laps.lap("discover");
    let settings = settings(&plan.root, &req.overrides).map_err(RunError::Config)?;
    if req.force_exclude && settings.excluded(&plan.rel) {
        return Ok(None);
    }
    let job = RepoJob {
        root: plan.root.to_path_buf(),
        constitution: discover::constitution(&plan.root),
        settings,
        stdin: Some((plan.rel.clone(), text.clone())),
        only: Some(vec![plan.rel.clone()]),
        plans: vec![plan],
        iac: IacScope::Off,
        iac_files: Vec::new(),
    };
    laps.lap("load");
    let mut run = CheckRun {
        plans: 1,
        ..CheckRun::default()
    };
    check_repo(0, &job, &mut run.outcome, false);
    laps.lap("parse and evaluate");
    filter::apply(&mut run.outcome, &[&job.settings]);
    let reported = &run.outcome.reported;
    run.outcome.findings.retain(|f| reported[f.file]);
    if let Some(path) = &req.baseline {
        let baseline = read_baseline(path)?;
        run.gone = baseline.apply(&run.outcome.files, &mut run.outcome.findings);
    }
    laps.lap("filter");
    run.roots = vec![job.root.clone()];
    run.settings = vec![job.settings];
    run.timings = laps.timings;
    Ok(Some(run))
}

/// A plan that exists only in an editor buffer: its absolute path under the
/// nearest existing folder, and the repository root found from there.
fn unsaved_plan(name: &Path) -> Result<PlanFile, RunError> {
    if discover::classify_named(name) != discover::Named::Plan {
        return Err(RunError::Input(format!(
            "{}: no such file (only a plan can be checked before it is saved)",
            name.display()
        )));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let abs = cwd.join(name);
    let mut existing = abs.parent();
    let mut rest = vec![abs
        .file_name()
        .ok_or_else(|| RunError::Input(format!("--stdin-filename {}: no file name", name.display())))?
        .to_os_string()];
    while let Some(dir) = existing {
        if dir.is_dir() {
            break;
        }
        rest.push(dir.file_name().map(|n| n.to_os_string()).unwrap_or_default());
        existing = dir.parent();
    }
    let dir = existing
        .ok_or_else(|| RunError::Input(format!("{}: no existing folder above it", name.display())))?;
    let mut real =
        std::fs::canonicalize(dir).map_err(|e| RunError::Input(format!("{}: {e}", dir.display())))?;
    let root: std::sync::Arc<Path> = std::sync::Arc::from(discover::find_root(&real));
    for part in rest.iter().rev().filter(|p| !p.is_empty() && *p != "..") {
        if part != "." {
            real.push(part);
        }
    }
    let rel = real
        .strip_prefix(&*root)
        .unwrap_or(&real)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Ok(PlanFile { root, abs: real, rel })
}

/// Read a baseline file written by `--write-baseline`.
pub fn read_baseline(path: &Path) -> Result<Baseline, RunError> {
    // Named on the command line: followed if a symlink, but only a regular
    // file of bounded size is read (`--baseline /dev/zero` is refused).
    std::fs::metadata(path)
        .map_err(|e| e.to_string())
        .and_then(|m| match discover::safe::describe(&m) {
            Some(what) => Err(format!("{what}; a baseline must be a regular file")),
            None => std::fs::canonicalize(path).map_err(|e| e.to_string()),
        })
        .and_then(|real| discover::safe::read_text(&real, BASELINE_CAP).map_err(|e| e.to_string()))
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        .map_err(|e| RunError::Input(format!("cannot read baseline {}: {e}", path.display())))
}

/// The file table of a run: ids are assigned when files are discovered.
impl Outcome {
    fn add_file(&mut self, path: &str, repo: usize) -> FileId {
        self.files.push(SourceFile::new(path, ""));
        self.suppressions.push(Vec::new());
        self.repo_of.push(repo);
        self.reported.push(false);
        self.files.len() - 1
    }

    fn fill(
        &mut self,
        id: FileId,
        file: SourceFile,
        suppressions: Vec<suppress::Suppression>,
        reported: bool,
    ) {
        self.files[id] = file;
        self.suppressions[id] = suppressions;
        self.reported[id] = reported;
    }
}

/// Every stage for one repository; with `keep`, its models are returned.
fn check_repo(ri: usize, job: &RepoJob, outcome: &mut Outcome, keep: bool) -> Option<RepoModels> {
    let rules = &job.settings.rules;
    let explicit = &job.settings.explicit_select;
    let fs = RepoFs::new(&job.root);
    let repo_name = fs.name();
    let shown = |rel: &str| job.only.as_ref().is_none_or(|o| o.iter().any(|p| p == rel));
    // Files over the cap are skipped before they are opened (TREE007); a
    // file that grows past it while read is refused by the bounded read.
    let cap = job.settings.max_file_size;
    let too_large = std::sync::Mutex::new(Vec::<(String, u64)>::new());
    let text_of = |abs: &Path, rel: &str| match &job.stdin {
        Some((r, text)) if r == rel => Ok(text.clone()),
        _ => {
            // No symlinked folder on the way (checked before anything is
            // looked up through it).
            if let Err(e) = discover::safe::inside_seen(&job.root, abs, Some(fs.real_dirs())) {
                return Err(Problem {
                    path: rel.to_string(),
                    message: e.to_string(),
                    internal: false,
                });
            }
            // One `lstat`: the file's type and size; then the capped read.
            use discover::safe::ReadError;
            let problem = |e: ReadError| Problem {
                path: rel.to_string(),
                message: e.to_string(),
                internal: false,
            };
            let m = discover::safe::regular(abs).map_err(problem)?;
            if m.len() > cap {
                if Some(abs) == job.constitution.as_ref().map(|c| c.0.as_path()) {
                    return Err(problem(ReadError::TooLarge { size: m.len(), cap }));
                }
                if let Ok(mut t) = too_large.lock() {
                    t.push((rel.to_string(), m.len()));
                }
                return Err(Problem {
                    path: rel.to_string(),
                    message: TOO_LARGE.to_string(),
                    internal: false,
                });
            }
            discover::safe::read_regular(abs, &m, cap)
                .and_then(|b| discover::safe::decode(b).map_err(ReadError::NotText))
                .map_err(problem)
        }
    };

    // Load: constitution.md, parsed once.
    let mut doc = None;
    if let Some((abs, rel)) = &job.constitution {
        let id = outcome.add_file(rel, ri);
        let parsed = text_of(abs, rel).and_then(|text| {
            evaluate::guarded(rel, || {
                let file = SourceFile::new(rel.as_str(), &text);
                let d = evaluate::constitution_doc(&file);
                let findings = evaluate::constitution(id, &d, rules);
                let sups = suppress::markdown(&file, &d.doc.comments);
                (file, d, findings, sups)
            })
        });
        match parsed {
            Ok((file, d, findings, sups)) => {
                outcome.fill(id, file, sups, shown(rel));
                outcome.findings.extend(findings);
                doc = Some(d);
            }
            Err(p) => outcome.problems.push(p),
        }
    }
    let constitution = Constitution::new(doc, job.constitution.as_ref().map(|c| c.1.clone()), rules);

    // Discover each plan's feature artifacts; parse plans and artifacts, in parallel.
    let plan_ids: Vec<FileId> = job.plans.iter().map(|p| outcome.add_file(&p.rel, ri)).collect();
    let artifact_files: Vec<Vec<(PathBuf, String, FileId)>> = job
        .plans
        .iter()
        .map(|p| {
            discover::feature_files(p)
                .into_iter()
                .filter(|(_, rel)| !job.settings.excluded(rel))
                .map(|(abs, rel)| {
                    let id = outcome.add_file(&rel, ri);
                    (abs, rel, id)
                })
                .collect()
        })
        .collect();
    let models: Vec<Result<PlanModel, Problem>> = job
        .plans
        .par_iter()
        .map(|pf| {
            let text = text_of(&pf.abs, &pf.rel)?;
            evaluate::guarded(&pf.rel, || {
                test_panic(&pf.rel);
                let mut m = PlanModel::new(
                    Plan::parse(SourceFile::new(pf.rel.as_str(), &text)),
                    rules,
                    &constitution,
                    &repo_name,
                );
                // `family = ...` in the configuration overrides detection.
                m.family = job.settings.family.unwrap_or(m.family);
                m
            })
        })
        .collect();
    let features: Vec<(ParsedFeature, Vec<(String, FileId)>)> = job
        .plans
        .par_iter()
        .zip(artifact_files.par_iter())
        .map(|(pf, files)| {
            // A feature none of whose files is reported (an editor's
            // buffer elsewhere) is not read.
            let wanted = shown(&pf.rel) || files.iter().any(|(_, rel, _)| shown(rel));
            parse_feature(pf, if wanted { files } else { &[] }, &text_of)
        })
        .collect();
    for (f, _) in &features {
        outcome.problems.extend(f.problems.iter().cloned());
    }

    // Disk facts for the plans; then the IaC roots the trees point to.
    let mut facts = DiskFacts::default();
    let mut want = Vec::new();
    for m in models.iter().flatten() {
        want.extend(m.tree_entries.iter().filter(|e| !e.skip).map(checks::tree_probe));
        // A plan not reported is read for its structure tree only.
        if shown(&m.plan.file.path) {
            evaluate::plan_paths(m, rules, &constitution, explicit, &mut want);
        }
    }
    for (f, _) in &features {
        evaluate::feature_paths(&f.feature, rules, &mut want);
    }
    want.extend(job.settings.script_roots.iter().cloned());
    fs.probe(&mut facts, want);
    let roots = iac_roots(job, &models, &facts);

    // Discover the IaC files: one walk, ids in path order.
    let walked = fs.walk(&roots);
    facts.add_walked(&walked);
    let plan_paths: std::collections::HashSet<&str> = job.plans.iter().map(|p| p.rel.as_str()).collect();
    // Specs folders are documentation; test files and local-cluster configs
    // do not ship (`[iac] exclude-tests`), unless named on the command line.
    let named_iac = |p: &String| job.iac_files.contains(p);
    let candidates: Vec<&String> = walked
        .files
        .iter()
        .filter(|p| crate::parse::iac::is_iac_candidate(p) && !plan_paths.contains(p.as_str()))
        .filter(|p| !crate::parse::iac::is_spec_doc(p) || named_iac(p))
        .filter(|p| !job.settings.excluded(p) || named_iac(p))
        .collect();
    let (tests, iac_paths): (Vec<&String>, Vec<&String>) = candidates
        .into_iter()
        .partition(|p| job.settings.is_test_path(p) && !named_iac(p));
    outcome.tests_skipped += tests.len();
    let iac_paths: Vec<String> = iac_paths.into_iter().cloned().collect();
    let iac_ids: Vec<FileId> = iac_paths.iter().map(|p| outcome.add_file(p, ri)).collect();
    let escapes: Vec<(FileId, String)> = facts
        .escapes
        .iter()
        .map(|l| (outcome.add_file(l, ri), l.clone()))
        .collect();
    for (id, l) in &escapes {
        outcome.reported[*id] = shown(l);
    }

    // Parse the IaC files and check each batch as it is parsed (see
    // `stream_iac`); what stays are stubs: paths, texts, and the documents
    // the repository-wide checks read.
    let iac_rules = evaluate::iac_rules(rules, &constitution.principles, explicit);
    let (global_rules, local_rules): (Vec<&crate::rules::Rule>, Vec<&crate::rules::Rule>) =
        iac_rules.iter().partition(|r| evaluate::iac_global(r));
    // Files that are only scanned (scripts, CI workflows) may be read lossily.
    let read_one = |rel: &String| -> Read {
        let abs = fs.abs(rel);
        match text_of(&abs, rel) {
            Ok(t) => Ok((t, false)),
            Err(p) if p.message != TOO_LARGE && crate::parse::iac::scanned_only(rel) => {
                match discover::safe::read_bytes(&abs, cap) {
                    Ok(bytes) => Ok((String::from_utf8_lossy(&bytes).into_owned(), true)),
                    Err(_) => Err(p),
                }
            }
            Err(p) => Err(p),
        }
    };
    let streamed = stream_iac(
        &Stream {
            paths: &iac_paths,
            ids: &iac_ids,
            local: &local_rules,
            global: &global_rules,
            exclude_cluster_configs: job.settings.exclude_tests.is_some(),
            shown: &shown,
            fs: &fs,
            buffer: job.stdin.as_ref().map(|(rel, _)| rel.as_str()),
        },
        &read_one,
        &mut facts,
        outcome,
    );
    let (files, ids, rendering) = (streamed.files, streamed.ids, streamed.rendering);
    let batch_problems = streamed.rule_problems;
    // With an editor's buffer read alone, only the checks that read paths.
    let global_rules: Vec<&crate::rules::Rule> = global_rules
        .into_iter()
        .filter(|r| !streamed.partial || evaluate::iac_reads_paths_only(r))
        .collect();

    // Disk facts for the repository-wide IaC checks.
    {
        let none = DiskFacts::default();
        let mut want = Vec::new();
        let cx = IacContext::new(&files, &ids, &none, rendering.as_ref());
        evaluate::iac_paths(&cx, &global_rules, &mut want);
        fs.probe(&mut facts, want);
    }

    // Evaluate: plans in parallel, then the IaC rules, then repository facts.
    // Each plan and its feature folder, in parallel; merged in plan order.
    struct Checked {
        id: FileId,
        /// The plan's findings, its family and tree counts; or why not.
        plan: Result<
            (
                Vec<crate::finding::Finding>,
                crate::parse::family::Family,
                evaluate::TreeCounts,
            ),
            Problem,
        >,
        feature: Result<Vec<crate::finding::Finding>, Problem>,
        /// The plan's source and suppressions, and its model when kept.
        source: Option<(SourceFile, Vec<suppress::Suppression>, Option<PlanModel>)>,
        /// The artifacts' sources and suppressions, with their ids.
        artifacts: Vec<(FileId, SourceFile, Vec<suppress::Suppression>)>,
    }
    let checked: Vec<Checked> = models
        .into_par_iter()
        .zip(plan_ids.par_iter())
        .zip(features.into_par_iter())
        .map(|((m, id), (mut f, ids))| {
            let id = *id;
            let r = m.and_then(|m| {
                let path = m.plan.file.path.to_string();
                if !shown(&path) {
                    return Ok((m, Vec::new()));
                }
                evaluate::guarded(&path, || {
                    let f = evaluate::plan(id, &m, rules, &constitution, &facts, explicit);
                    (m, f)
                })
            });
            let (plan, mut model) = match r {
                Ok((m, findings)) => {
                    let counts = evaluate::tree_counts(&m, &facts);
                    let family = job.settings.family.unwrap_or(m.family);
                    (Ok((findings, family, counts)), Some(m))
                }
                Err(p) => (Err(p), None),
            };
            // The feature checks read the plan too: lend it, then take it back.
            f.feature.plan = model
                .as_mut()
                .map(|m| std::mem::replace(&mut m.plan, Plan::parse(SourceFile::new("", ""))));
            // Feature findings may land in the plan too (TASK006, XREF).
            let with_plan: Vec<(String, FileId)> = ids
                .iter()
                .cloned()
                .chain(f.feature.plan.as_ref().map(|p| (p.file.path.to_string(), id)))
                .collect();
            let feature = evaluate::guarded(&f.feature.dir, || {
                evaluate::feature(&f.feature, &with_plan, rules, &facts)
            });
            let source = match (f.feature.plan.take(), model) {
                (Some(plan), Some(mut m)) => {
                    let sups = suppress::markdown(&plan.file, &plan.comments);
                    let file = plan.file.clone();
                    let kept = keep.then(|| {
                        m.plan = plan;
                        m
                    });
                    Some((file, sups, kept))
                }
                _ => None,
            };
            let artifacts = f
                .into_files()
                .into_iter()
                .zip(ids.iter().map(|(_, id)| *id))
                .map(|(doc, id)| {
                    let sups = suppress::markdown(&doc.file, &doc.comments);
                    (id, doc.file, sups)
                })
                .collect();
            Checked {
                id,
                plan,
                feature,
                source,
                artifacts,
            }
        })
        .collect();
    let mut kept = Vec::new();
    for c in checked {
        match c.plan {
            Ok((findings, family, counts)) => {
                outcome.families.push((c.id, family));
                outcome.tree.planned += counts.planned;
                outcome.tree.gitignored += counts.gitignored;
                outcome.findings.extend(findings);
            }
            Err(p) => outcome.problems.push(p),
        }
        match c.feature {
            Ok(findings) => outcome.findings.extend(findings),
            Err(p) => outcome.problems.push(p),
        }
        if let Some((file, sups, model)) = c.source {
            let rel = file.path.to_string();
            outcome.fill(c.id, file, sups, shown(&rel));
            kept.extend(model.map(|m| (c.id, m)));
        }
        for (id, file, sups) in c.artifacts {
            let rel = file.path.to_string();
            outcome.fill(id, file, sups, shown(&rel));
        }
    }
    // Spans of feature findings stay inside their files.
    for f in &mut outcome.findings {
        let file = &outcome.files[f.file];
        f.span = file.clamp(f.span.clone());
    }
    // The IaC checks' failures on batches, then the repository-wide checks.
    outcome.problems.extend(batch_problems);
    let cx = IacContext::new(&files, &ids, &facts, rendering.as_ref());
    let (findings, problems) = evaluate::iac(&cx, &global_rules, false);
    outcome.findings.extend(findings);
    outcome.problems.extend(problems);
    // Files skipped for their size: reported (TREE007), not input errors.
    outcome.problems.retain(|p| p.message != TOO_LARGE);
    let mut skipped: Vec<(FileId, u64, u64)> = Vec::new();
    for (rel, size) in too_large.into_inner().unwrap_or_default() {
        let id = (0..outcome.files.len())
            .rev()
            .find(|&i| outcome.repo_of[i] == ri && *outcome.files[i].path == *rel);
        if let Some(id) = id {
            outcome.reported[id] = shown(&rel);
            skipped.push((id, size, cap));
        }
    }
    skipped.sort_unstable();
    skipped.dedup();
    outcome.findings.extend(evaluate::repo(
        &RepoContext {
            escapes: &escapes,
            too_large: &skipped,
        },
        rules,
    ));
    keep.then(|| RepoModels {
        root: job.root.clone(),
        constitution,
        plans: kept,
    })
}

/// A file's text, and whether it was decoded lossily (scripts and CI
/// workflows that are not UTF-8), or why it could not be read.
type Read = Result<(String, bool), Problem>;

/// What `stream_iac` needs besides the reader and the outcome.
struct Stream<'s> {
    /// The IaC files, in path order, with their ids.
    paths: &'s [String],
    ids: &'s [FileId],
    /// The IaC rules that read one file, folder, chart or Kustomize graph at
    /// a time, and those that read the whole repository.
    local: &'s [&'s crate::rules::Rule],
    global: &'s [&'s crate::rules::Rule],
    exclude_cluster_configs: bool,
    shown: &'s (dyn Fn(&str) -> bool + Sync),
    fs: &'s RepoFs,
    /// An editor's buffer, the only file reported: see `stream_iac`.
    buffer: Option<&'s str>,
}

/// The IaC files after streaming, in path order, as stubs.
struct Streamed {
    files: Vec<IacFile>,
    ids: Vec<FileId>,
    /// What the repository-wide checks read of the renders: their problems
    /// (None when nothing was rendered).
    rendering: Option<crate::render::Rendering>,
    /// Rules that failed on a batch, each once.
    rule_problems: Vec<Problem>,
    /// Only the buffer's batch was read: the other files are stubs of
    /// their paths, and only the repository-wide checks that read paths
    /// alone may run.
    partial: bool,
}

/// Files per batch; `CONSTABLE_BATCH_FILES` sets it (tests compare batch
/// sizes: the findings never depend on it).
fn batch_size() -> usize {
    std::env::var("CONSTABLE_BATCH_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(256)
}

/// Text a Kustomize input must be parsed for before any render: what
/// Argo CD and Flux deploy decides which kustomizations are leaves.
fn deploys(text: &str) -> bool {
    text.contains("argoproj.io") || text.contains("kustomize.toolkit.fluxcd.io")
}

/// Parse the IaC files and run the per-file checks a batch at a time, then
/// drop each batch's documents, so that memory follows the batch, not the
/// repository. Every file is parsed once.
///
/// - The kustomization files are parsed first. Each Kustomize graph (the
///   kustomizations, every file they name, and those files' folders and
///   charts) is one unit; every other file belongs to its folder or chart.
///   Batches hold whole units, so the checks that read a folder, a chart or
///   a rendered overlay see all of it.
/// - Files outside every graph are streamed first: what Argo CD and Flux
///   deploy is then known, except for objects inside a graph, which are
///   parsed ahead (their text names `argoproj.io` or the Flux API).
/// - Each batch is parsed in parallel, rendered (when it holds a graph),
///   checked by the `local` rules, and reduced to stubs: path, text, and
///   the documents a `global` rule retains (all of a kustomization's).
/// - An editor's buffer outside every graph is checked with its own batch
///   alone when no repository-wide check can report on it (it holds no
///   document such a check retains): the other files are neither read nor
///   parsed (`partial`).
fn stream_iac(
    s: &Stream<'_>,
    read_one: &(dyn Fn(&String) -> Read + Sync),
    facts: &mut DiskFacts,
    outcome: &mut Outcome,
) -> Streamed {
    use crate::render::kustomize::{is_kustomization_file, named_paths};
    let n = s.paths.len();
    let parse = |i: usize, read: Read| -> Result<IacFile, Problem> {
        let (text, lossy) = read?;
        let rel = &s.paths[i];
        evaluate::guarded(rel, || IacFile::parse(rel, &text).lossy(lossy))
    };
    let parse_at = |i: usize| parse(i, read_one(&s.paths[i]));
    let mut slots: Vec<Option<Result<IacFile, Problem>>> = (0..n).map(|_| None).collect();

    // The Kustomize graphs, from the kustomization files.
    let kusts: Vec<usize> = (0..n).filter(|&i| is_kustomization_file(&s.paths[i])).collect();
    let parsed: Vec<Result<IacFile, Problem>> = kusts.par_iter().map(|&i| parse_at(i)).collect();
    let mut named: Vec<(usize, Vec<String>)> = Vec::new();
    for (&i, r) in kusts.iter().zip(&parsed) {
        let mut paths = Vec::new();
        if let Ok(f) = r {
            let docs: Vec<&serde_json::Value> = f.docs.iter().map(|d| &d.located.value).collect();
            named_paths(&s.paths[i], &docs, &mut paths);
        }
        named.push((i, paths));
    }
    for (&i, r) in kusts.iter().zip(parsed) {
        slots[i] = Some(r);
    }
    let graphs = evaluate::kustomize_graphs(s.paths, &named);
    let (plain, rendered) = evaluate::iac_batches(s.paths, &graphs, batch_size());

    let mut out = Streamed {
        files: Vec::new(),
        ids: Vec::new(),
        rendering: None,
        rule_problems: Vec::new(),
        partial: false,
    };
    let mut deployed = std::collections::BTreeSet::new();
    let mut render_problems: Vec<crate::render::RenderProblem> = Vec::new();
    // Files that could not be read or parsed, reported in path order.
    let mut unread: Vec<(usize, Problem)> = Vec::new();
    let mut stubs: Vec<Option<IacFile>> = (0..n).map(|_| None).collect();
    let retains = |d: &crate::parse::iac::IacDoc| evaluate::iac_retains(s.global, d);

    // One batch: parse what is not parsed yet, render, check, reduce.
    let mut run = |batch: &[usize],
                   slots: &mut Vec<Option<Result<IacFile, Problem>>>,
                   stubs: &mut Vec<Option<IacFile>>,
                   deployed: Option<&std::collections::BTreeSet<String>>,
                   facts: &mut DiskFacts,
                   outcome: &mut Outcome| {
        let todo: Vec<(usize, Option<Result<IacFile, Problem>>)> =
            batch.iter().map(|&i| (i, slots[i].take())).collect();
        let parsed: Vec<(usize, Result<IacFile, Problem>)> = todo
            .into_par_iter()
            .map(|(i, done)| (i, done.unwrap_or_else(|| parse_at(i))))
            .collect();
        let mut files = Vec::new();
        let mut ids = Vec::new();
        let mut at = Vec::new();
        for (i, r) in parsed {
            match r {
                Ok(f) if f.cluster_config && s.exclude_cluster_configs => outcome.tests_skipped += 1,
                Ok(f) => {
                    files.push(f);
                    ids.push(s.ids[i]);
                    at.push(i);
                }
                Err(e) => unread.push((i, e)),
            }
        }
        let deploys = deployed_folders(&files);
        let rendering = deployed.and_then(|d| render_kustomize(&files, facts, d));
        {
            let none = DiskFacts::default();
            let cx = IacContext::new(&files, &ids, &none, rendering.as_ref());
            let mut want = Vec::new();
            evaluate::iac_paths(&cx, s.local, &mut want);
            s.fs.probe(facts, want);
        }
        let cx = IacContext::new(&files, &ids, facts, rendering.as_ref());
        let (findings, problems) = evaluate::iac(&cx, s.local, false);
        outcome.findings.extend(findings);
        for p in problems {
            if !out.rule_problems.iter().any(|q| q.path == p.path) {
                out.rule_problems.push(p);
            }
        }
        if let Some(r) = rendering {
            render_problems.extend(r.problems.into_iter().map(|mut p| {
                p.file = at[p.file];
                p
            }));
        }
        // Reduced to stubs in parallel: the documents are dropped on the
        // workers, not on this thread.
        let everything = |_: &crate::parse::iac::IacDoc| true;
        let reduced: Vec<_> = files
            .into_par_iter()
            .zip(at.par_iter())
            .map(|(f, &i)| {
                let keep: &(dyn Fn(&crate::parse::iac::IacDoc) -> bool + Sync) =
                    if is_kustomization_file(&s.paths[i]) {
                        &everything
                    } else {
                        &retains
                    };
                f.into_stub(keep)
            })
            .collect();
        for (((stub, file, suppressions), id), i) in reduced.into_iter().zip(ids).zip(at) {
            let rel = file.path.to_string();
            outcome.fill(id, file, suppressions, (s.shown)(&rel));
            stubs[i] = Some(stub);
        }
        // What the streamed files deploy, for the renders to come.
        deploys
    };

    // An editor's buffer outside every graph: its batch first, and the
    // others only when a repository-wide check could report on it.
    let buffer = s
        .buffer
        .and_then(|b| s.paths.iter().position(|p| p == b))
        .filter(|&i| graphs[i].is_none());
    let (first, plain): (Vec<Vec<usize>>, Vec<Vec<usize>>) = match buffer {
        Some(b) => plain.into_iter().partition(|batch| batch.contains(&b)),
        None => (Vec::new(), plain),
    };
    for batch in &first {
        deployed.extend(run(batch, &mut slots, &mut stubs, None, facts, outcome));
    }
    if let Some(b) = buffer {
        // Reported on by no repository-wide check: the rest is not needed.
        let alone = stubs[b].as_ref().is_none_or(|f| f.docs.is_empty());
        if alone {
            out.partial = true;
            for (i, stub) in stubs.iter_mut().enumerate() {
                if stub.is_none() {
                    *stub = Some(IacFile::unread(&s.paths[i]));
                }
            }
            return finish(s, out, stubs, Vec::new(), &[], unread, outcome);
        }
    }
    for batch in &plain {
        deployed.extend(run(batch, &mut slots, &mut stubs, None, facts, outcome));
    }
    // Inside the graphs: the kustomizations, and the objects that deploy
    // (read and parsed ahead), say what is deployed too.
    let ahead: Vec<usize> = rendered
        .iter()
        .flatten()
        .copied()
        .filter(|&i| slots[i].is_none())
        .collect();
    let read: Vec<(usize, Read)> = ahead.par_iter().map(|&i| (i, read_one(&s.paths[i]))).collect();
    let mut texts: Vec<Option<Read>> = (0..n).map(|_| None).collect();
    for (i, r) in read {
        match r {
            Ok((text, lossy)) if deploys(&text) => slots[i] = Some(parse(i, Ok((text, lossy)))),
            r => texts[i] = Some(r),
        }
    }
    for slot in slots.iter().flatten().flatten() {
        deployed.extend(deployed_folders(std::slice::from_ref(slot)));
    }
    for batch in &rendered {
        // The texts read ahead, parsed in parallel.
        let todo: Vec<(usize, Read)> = batch
            .iter()
            .filter(|&&i| slots[i].is_none())
            .filter_map(|&i| texts[i].take().map(|r| (i, r)))
            .collect();
        let parsed: Vec<(usize, Result<IacFile, Problem>)> =
            todo.into_par_iter().map(|(i, r)| (i, parse(i, r))).collect();
        for (i, r) in parsed {
            slots[i] = Some(r);
        }
        run(batch, &mut slots, &mut stubs, Some(&deployed), facts, outcome);
    }
    finish(s, out, stubs, render_problems, &rendered, unread, outcome)
}

/// The stubs, in path order, with the renders' problems pointing at them.
fn finish(
    s: &Stream<'_>,
    mut out: Streamed,
    stubs: Vec<Option<IacFile>>,
    render_problems: Vec<crate::render::RenderProblem>,
    rendered: &[Vec<usize>],
    mut unread: Vec<(usize, Problem)>,
    outcome: &mut Outcome,
) -> Streamed {
    let n = stubs.len();
    let mut position = vec![usize::MAX; n];
    for (i, stub) in stubs.into_iter().enumerate() {
        if let Some(stub) = stub {
            position[i] = out.files.len();
            out.files.push(stub);
            out.ids.push(s.ids[i]);
        }
    }
    if !rendered.is_empty() {
        let mut problems: Vec<crate::render::RenderProblem> = render_problems
            .into_iter()
            .filter(|p| position[p.file] != usize::MAX)
            .map(|mut p| {
                p.file = position[p.file];
                p
            })
            .collect();
        problems.sort();
        problems.dedup();
        out.rendering = Some(crate::render::Rendering::of_problems(problems));
    }
    unread.sort_by_key(|(i, _)| *i);
    outcome.problems.extend(unread.into_iter().map(|(_, p)| p));
    out
}

/// Render the kustomizations among one batch's files (None when there is
/// none). The folders Argo CD Applications and Flux Kustomizations deploy
/// (`deployed`, from the whole repository) are leaves even when another
/// kustomization includes them. The renderer borrows the documents'
/// values, never copies them.
fn render_kustomize(
    files: &[IacFile],
    facts: &DiskFacts,
    deployed: &std::collections::BTreeSet<String>,
) -> Option<crate::render::Rendering> {
    use crate::parse::iac::DocClass;
    use serde_json::Value;
    if !files
        .iter()
        .any(|f| f.docs.iter().any(|d| d.class == DocClass::Kustomization))
    {
        return None;
    }
    let values: Vec<Vec<&Value>> = files
        .iter()
        .map(|f| f.docs.iter().map(|d| &d.located.value).collect())
        .collect();
    let inputs: Vec<crate::render::InputFile<'_>> = files
        .iter()
        .zip(&values)
        .map(|(f, v)| crate::render::InputFile {
            path: &f.file.path,
            docs: v,
        })
        .collect();
    let is_dir = |p: &str| {
        let key = format!("{}/", p.trim_end_matches('/'));
        facts.knows(&key) && facts.exists(&key) == Existence::Exists
    };
    Some(crate::render::render(&inputs, &is_dir, deployed))
}

/// The folders Argo CD Applications and Flux Kustomizations deploy.
fn deployed_folders(files: &[IacFile]) -> std::collections::BTreeSet<String> {
    use crate::parse::iac::DocClass;
    use serde_json::Value;
    let mut deployed = std::collections::BTreeSet::new();
    for d in files.iter().flat_map(|f| &f.docs) {
        let v = &d.located.value;
        let flux = d.kind.as_deref() == Some("Kustomization")
            && d.api_version
                .as_deref()
                .is_some_and(|a| a.starts_with("kustomize.toolkit.fluxcd.io"));
        if flux {
            deployed.extend(
                v.pointer("/spec/path")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            );
        }
        if d.class == DocClass::ArgoCd {
            deployed.extend(
                v.pointer("/spec/source/path")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            );
            for s in v
                .pointer("/spec/sources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                deployed.extend(s.get("path").and_then(Value::as_str).map(str::to_string));
            }
        }
    }
    deployed
}

/// A feature folder's artifacts, parsed, with what could not be read.
struct ParsedFeature {
    feature: Feature,
    problems: Vec<Problem>,
}

impl ParsedFeature {
    /// The parsed artifacts in discovery order (spec, tasks, checklists).
    fn into_files(self) -> Vec<Plan> {
        let mut out = Vec::new();
        out.extend(self.feature.spec.map(|s| s.plan));
        out.extend(self.feature.tasks.map(|t| t.plan));
        out.extend(self.feature.checklists.into_iter().map(|c| c.plan));
        out
    }
}

/// Read and parse spec.md, tasks.md and checklists of one feature; the ids
/// of the artifacts that parsed, in discovery order.
fn parse_feature(
    plan: &PlanFile,
    files: &[(PathBuf, String, FileId)],
    text_of: &(dyn Fn(&Path, &str) -> Result<String, Problem> + Sync),
) -> (ParsedFeature, Vec<(String, FileId)>) {
    let dir = plan.rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let mut parsed = ParsedFeature {
        feature: Feature {
            dir,
            ..Feature::default()
        },
        problems: Vec::new(),
    };
    let mut ids = Vec::new();
    for (abs, rel, id) in files {
        let text = match text_of(abs, rel) {
            Ok(t) => t,
            Err(p) => {
                parsed.problems.push(p);
                continue;
            }
        };
        let file = SourceFile::new(rel.as_str(), &text);
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let done = evaluate::guarded(rel, || {
            if rel.contains("/checklists/") || rel.starts_with("checklists/") {
                parsed.feature.checklists.push(Checklist::parse(file));
            } else if name == "spec.md" {
                parsed.feature.spec = Some(Spec::parse(file));
            } else {
                parsed.feature.tasks = Some(Tasks::parse(file));
            }
        });
        match done {
            Ok(()) => ids.push((rel.clone(), *id)),
            Err(p) => parsed.problems.push(p),
        }
    }
    (parsed, ids)
}

/// The IaC roots: the top-level folders of the plans' structure trees that
/// exist (or the configured or given roots), the IaC files named on the
/// command line, and the script and workflow folders when any root is
/// checked; outermost only.
fn iac_roots(job: &RepoJob, models: &[Result<PlanModel, Problem>], facts: &DiskFacts) -> Vec<String> {
    let mut roots: Vec<String> = match &job.iac {
        IacScope::Off => return Vec::new(),
        IacScope::Roots(r) => r.clone(),
        IacScope::Only => {
            if job.settings.iac_roots.is_empty() {
                vec![".".to_string()]
            } else {
                job.settings.iac_roots.clone()
            }
        }
        IacScope::FromPlans => {
            let mut r = job.settings.iac_roots.clone();
            for m in models.iter().flatten() {
                r.extend(
                    m.tree_entries
                        .iter()
                        .filter(|e| e.top && !e.skip && !e.path.is_empty())
                        .filter(|e| e.is_dir || discover::is_iac_path(&e.path))
                        .filter(|e| facts.exists(&checks::tree_probe(e)) == Existence::Exists)
                        .map(|e| e.path.clone()),
                );
            }
            r
        }
    };
    roots.extend(job.iac_files.iter().cloned());
    if !roots.is_empty() {
        for extra in &job.settings.script_roots {
            if facts.exists(extra) == Existence::Exists {
                roots.push(extra.clone());
            }
        }
    }
    outermost(roots)
}

/// Roots that are not inside another root, sorted.
fn outermost(mut roots: Vec<String>) -> Vec<String> {
    roots.sort();
    roots.dedup();
    let all = roots.clone();
    roots.retain(|r| {
        !all.iter()
            .any(|o| o != r && (o.is_empty() || o == "." || r.starts_with(&format!("{o}/"))))
    });
    roots
}

/// A test hook: panic while checking the named plan (debug builds only).
#[cfg(debug_assertions)]
fn test_panic(rel: &str) {
    if std::env::var_os("CONSTABLE_TEST_PANIC").is_some_and(|v| rel.ends_with(&*v.to_string_lossy())) {
        panic!("panic requested by CONSTABLE_TEST_PANIC");
    }
}

#[cfg(not(debug_assertions))]
fn test_panic(_: &str) {}

/// Check one in-memory buffer as if it were the file at `abs` (editors and
/// the language server): a plan, a constitution.md, or an IaC file. Only
/// that file is read from memory; the disk facts its checks need are looked
/// up; rules that need other IaC files are skipped. Findings are filtered
/// and sorted.
pub fn check_buffer(
    abs: &Path,
    text: &str,
    settings: &Settings,
) -> Result<(SourceFile, Vec<crate::finding::Finding>), Problem> {
    check_buffer_with(abs, text, settings, None)
}

/// The constitution.md a repository's buffers are checked against, read
/// and parsed once (the language server keeps it per root): its absolute
/// path and text, and the parsed constitution with `settings`' rules.
pub fn repo_constitution(root: &Path, settings: &Settings) -> (Option<(PathBuf, SourceFile)>, Constitution) {
    let cons = discover::constitution(root);
    let file = cons.as_ref().and_then(|(a, r)| {
        let t = read_text(a, r).ok()?;
        Some((a.clone(), SourceFile::new(r.as_str(), &t)))
    });
    let doc = file.as_ref().map(|(_, f)| evaluate::constitution_doc(f));
    let constitution = Constitution::new(doc, cons.map(|c| c.1), &settings.rules);
    (file, constitution)
}

/// `check_buffer` with the repository's constitution already read (by
/// `repo_constitution`, for the same settings); None reads it here. The
/// constitution is not used when the buffer is constitution.md itself.
pub fn check_buffer_with(
    abs: &Path,
    text: &str,
    settings: &Settings,
    constitution: Option<&Constitution>,
) -> Result<(SourceFile, Vec<crate::finding::Finding>), Problem> {
    let problem = |m: String| Problem {
        path: abs.display().to_string(),
        message: m,
        internal: false,
    };
    let dir = abs
        .parent()
        .ok_or_else(|| problem("the file has no folder".into()))?;
    let real_dir = std::fs::canonicalize(dir).map_err(|e| problem(format!("{}: {e}", dir.display())))?;
    let root = discover::find_root(&real_dir);
    let name = abs.file_name().ok_or_else(|| problem("no file name".into()))?;
    let real = real_dir.join(name);
    let rel = real
        .strip_prefix(&root)
        .unwrap_or(&real)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let named = discover::classify_named(&real);
    // An IaC buffer gets what `check - --stdin-filename` gives it: its
    // folder, chart or Kustomize graph, and the repository-wide checks; a
    // feature artifact, its feature's checks.
    if matches!(named, discover::Named::Iac | discover::Named::Artifact) && !rel.is_empty() && real.is_file()
    {
        let req = CheckRequest {
            stdin: Some((real.clone(), text.to_string())),
            ..CheckRequest::default()
        };
        let run = check(&req).map_err(|e| problem(e.to_string()))?;
        if let Some(p) = run.outcome.problems.iter().find(|p| p.path == rel) {
            return Err(p.clone());
        }
        let Some(at) = (0..run.outcome.files.len())
            .find(|&i| run.outcome.reported[i] && *run.outcome.files[i].path == *rel)
        else {
            // Not checked by a full check either (an artifact without
            // a plan beside it).
            return Ok((SourceFile::new(rel.as_str(), text), Vec::new()));
        };
        let findings = run
            .outcome
            .findings
            .into_iter()
            .filter(|f| f.file == at)
            .map(|mut f| {
                f.file = 0; // the buffer is the only file of the result
                f
            })
            .collect();
        return Ok((run.outcome.files[at].clone(), findings));
    }
    let rules = &settings.rules;
    let explicit = &settings.explicit_select;
    let fs = RepoFs::new(&root);
    let mut outcome = Outcome::default();
    let id = outcome.add_file(&rel, 0);
    let read_here;
    let constitution = match constitution {
        Some(c) => c,
        None => {
            let cons = discover::constitution(&root).filter(|(_, r)| *r != rel);
            let doc = cons.as_ref().and_then(|(a, r)| {
                let t = read_text(a, r).ok()?;
                Some(evaluate::constitution_doc(&SourceFile::new(r.as_str(), &t)))
            });
            read_here = Constitution::new(doc, cons.map(|c| c.1), rules);
            &read_here
        }
    };
    let file = SourceFile::new(rel.as_str(), text);
    let (file, findings, sups) = match named {
        discover::Named::Iac => {
            let f = IacFile::parse(&rel, text);
            let files = [f];
            let ids = [id];
            let iac_rules = evaluate::iac_rules(rules, &constitution.principles, explicit);
            let mut facts = DiskFacts::default();
            let mut want = Vec::new();
            evaluate::iac_paths(
                &IacContext::new(&files, &ids, &facts, None),
                &iac_rules,
                &mut want,
            );
            fs.probe(&mut facts, want);
            let cx = IacContext::new(&files, &ids, &facts, None);
            let (findings, problems) = evaluate::iac(&cx, &iac_rules, true);
            if let Some(p) = problems.into_iter().next() {
                return Err(p);
            }
            let [f] = files;
            (f.file, findings, f.suppressions)
        }
        discover::Named::Rules if rel.ends_with("constitution.md") => {
            let d = evaluate::constitution_doc(&file);
            let findings = evaluate::constitution(id, &d, rules);
            let sups = suppress::markdown(&file, &d.doc.comments);
            (file, findings, sups)
        }
        // Nothing checks it (a README, a runbook, principles.md, or an
        // artifact not saved yet).
        discover::Named::Other | discover::Named::Rules | discover::Named::Artifact => {
            return Ok((file, Vec::new()));
        }
        discover::Named::Plan => {
            let m = PlanModel::new(Plan::parse(file), rules, constitution, &fs.name());
            let mut facts = DiskFacts::default();
            let mut want: Vec<String> = m
                .tree_entries
                .iter()
                .filter(|e| !e.skip)
                .map(checks::tree_probe)
                .collect();
            evaluate::plan_paths(&m, rules, constitution, explicit, &mut want);
            fs.probe(&mut facts, want);
            let findings = evaluate::plan(id, &m, rules, constitution, &facts, explicit);
            let sups = suppress::markdown(&m.plan.file, &m.plan.comments);
            (m.plan.file, findings, sups)
        }
    };
    outcome.fill(id, file, sups, true);
    outcome.findings = findings;
    filter::apply(&mut outcome, &[settings]);
    let file = outcome.files.pop().ok_or_else(|| problem("no file".into()))?;
    Ok((file, outcome.findings))
}
