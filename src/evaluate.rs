//! Evaluate stage: read and parse each file once (the constitution once per
//! repository, plans in parallel), run every enabled rule over the models,
//! and contain failures to the file that caused them.

use crate::checks::{self, ConstitutionContext, ConstitutionView, PlanContext};
use crate::discover::PlanFile;
use crate::finding::{Finding, Sink};
use crate::load::Settings;
use crate::parse::constitution::{cite, resolve, ConstitutionDoc, Principle};
use crate::parse::gates::GateModel;
use crate::parse::iac::IacFile;
use crate::parse::plan::Plan;
use crate::repo::RepoFs;
use crate::rules::{RuleKind, RuleSet};
use crate::source::SourceFile;
use crate::suppress::Suppression;
use rayon::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// A file that could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    /// True for a bug in constable (exit 3), false for bad input (exit 2).
    pub internal: bool,
}

/// Which IaC files to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IacScope {
    /// The roots the plans' structure trees point to, plus configured roots.
    FromPlans,
    /// Exactly these root-relative folders (`--iac-root`, `--iac-only`).
    Roots(Vec<String>),
    /// No IaC files.
    Off,
}

/// One repository to check.
#[derive(Debug)]
pub struct RepoJob {
    pub root: PathBuf,
    pub settings: Settings,
    /// constitution.md, absolute, and relative to the root.
    pub constitution: Option<(PathBuf, String)>,
    pub plans: Vec<PlanFile>,
    pub iac: IacScope,
    /// IaC files named on the command line, checked even outside the roots.
    pub iac_files: Vec<String>,
    /// Plans (root-relative) whose text comes from standard input.
    pub stdin: Option<(String, String)>,
}

/// What a run produced, before filtering.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<SourceFile>,
    /// For each file, its inline suppressions.
    pub suppressions: Vec<Vec<Suppression>>,
    /// For each file, the index of its repository job.
    pub repo_of: Vec<usize>,
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    /// Tree paths not checked (planned, gitignored), over all plans.
    pub tree: TreeCounts,
}

/// Read a file as UTF-8 text, naming the file and the place on failure.
pub fn read_text(path: &Path, shown: &str) -> Result<String, Problem> {
    let bytes = std::fs::read(path).map_err(|e| Problem {
        path: shown.to_string(),
        message: format!("cannot read file: {e}"),
        internal: false,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let line = good.matches('\n').count() + 1;
        Problem {
            path: shown.to_string(),
            message: format!("file is not valid UTF-8 (first bad byte on line {line}, byte offset {at})"),
            internal: false,
        }
    })
}

/// The parsed constitution of one repository, shared by its plans.
pub struct Constitution {
    pub doc: Option<ConstitutionDoc>,
    pub path: Option<String>,
    pub principles: Vec<Principle>,
    pub label: String,
}

impl Constitution {
    pub fn new(doc: Option<ConstitutionDoc>, path: Option<String>, rules: &RuleSet) -> Constitution {
        let principles = resolve(doc.as_ref(), &rules.constitution);
        let label = match (&path, &rules.constitution.name) {
            (Some(p), _) => format!("`{p}`"),
            (None, Some(n)) => format!("the constitution `{n}` (no constitution.md in the repository)"),
            (None, None) => "the constitution".to_string(),
        };
        Constitution {
            doc,
            path,
            principles,
            label,
        }
    }

    fn view(&self) -> ConstitutionView<'_> {
        ConstitutionView {
            doc: self.doc.as_ref(),
            path: self.path.as_deref(),
            principles: &self.principles,
            label: &self.label,
        }
    }
}

/// Run the constitution checks over constitution.md.
pub fn check_constitution(doc: &ConstitutionDoc, rules: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    let cx = ConstitutionContext { doc };
    for rule in &rules.rules {
        if let (RuleKind::Builtin, Some(check)) = (&rule.kind, checks::constitution_check(&rule.code)) {
            let mut sink = Sink {
                file: 0,
                rule,
                out: &mut out,
            };
            check.check(&cx, &mut sink);
        }
    }
    for f in &mut out {
        f.span = doc.doc.file.clamp(f.span.clone());
    }
    out
}

/// What checking one plan produced: the file, its findings, and the IaC
/// roots its structure trees point to.
pub type PlanResult = (Checked, Vec<String>, TreeCounts);

/// Structure-tree paths TREE001 did not check, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeCounts {
    /// Marked new, optional or to be created.
    pub planned: usize,
    /// Ignored by `.gitignore`.
    pub gitignored: usize,
}

/// One checked file: its text, findings and inline suppressions.
#[derive(Debug)]
pub struct Checked {
    pub file: SourceFile,
    pub findings: Vec<Finding>,
    pub suppressions: Vec<Suppression>,
}

/// True when a rule runs for this repository: rules tied to a principle run
/// only when the constitution has that principle, or when selected by name.
pub fn active(rule: &crate::rules::Rule, principles: &[Principle], explicit: &[String]) -> bool {
    match &rule.principle {
        None => true,
        Some(p) => {
            principles.iter().any(|q| &q.id == p)
                || explicit
                    .iter()
                    .any(|s| !s.eq_ignore_ascii_case("ALL") && crate::load::selector_matches(s, rule))
        }
    }
}

/// Parse and check constitution.md: its findings and the parsed model.
pub fn constitution_file(file: SourceFile, rules: &RuleSet) -> (Checked, ConstitutionDoc) {
    let d = ConstitutionDoc::parse(Plan::parse(file.clone()));
    let findings = check_constitution(&d, rules);
    let suppressions = crate::suppress::markdown(&file, &d.doc.comments);
    (
        Checked {
            file,
            findings,
            suppressions,
        },
        d,
    )
}

/// Check one plan's text against a constitution.
pub fn check_plan(
    file: SourceFile,
    rules: &RuleSet,
    constitution: &Constitution,
    fs: Option<&RepoFs>,
    explicit: &[String],
) -> PlanResult {
    if std::env::var_os("CONSTABLE_TEST_PANIC").is_some_and(|v| file.path.ends_with(&*v.to_string_lossy())) {
        panic!("panic requested by CONSTABLE_TEST_PANIC");
    }
    let plan = Plan::parse(file);
    let gates = GateModel::read(&plan, &rules.status);
    let headings = constitution.doc.as_ref().map_or(&[][..], |d| &d.headings[..]);
    let citations: Vec<_> = gates
        .entries
        .iter()
        .map(|e| cite(&e.label, &constitution.principles, headings))
        .collect();
    let view = constitution.view();
    let repo_name = fs.map(RepoFs::name).unwrap_or_default();
    let tree_entries = plan.tree_entries(&repo_name);
    // Each tree path is looked up on disk once; TREE001, the IaC roots and
    // the summary counts all read these.
    let tree_existence: Vec<crate::repo::Existence> = match fs {
        Some(fs) => tree_entries
            .iter()
            .map(|e| {
                let probe = if e.is_dir {
                    format!("{}/", e.path)
                } else {
                    e.path.clone()
                };
                fs.exists(&probe)
            })
            .collect(),
        None => Vec::new(),
    };
    let cx = PlanContext {
        plan: &plan,
        gates: &gates,
        citations: &citations,
        constitution: &view,
        rules,
        fs,
        tree_entries: &tree_entries,
        tree_existence: &tree_existence,
    };
    let mut out = Vec::new();
    for rule in rules
        .rules
        .iter()
        .filter(|r| !r.kind.is_iac() && active(r, &constitution.principles, explicit))
    {
        let mut sink = Sink {
            file: 0,
            rule,
            out: &mut out,
        };
        match &rule.kind {
            RuleKind::Builtin => {
                if let Some(check) = checks::plan_check(&rule.code) {
                    check.check(&cx, &mut sink);
                }
            }
            _ => checks::declarative::evaluate(rule, &plan, &mut sink),
        }
    }
    for f in &mut out {
        f.span = plan.file.clamp(f.span.clone());
    }
    // IaC roots: the roots of the trees that exist on disk.
    let present = |i: usize| tree_existence.get(i).copied();
    let roots = tree_entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.top && !e.skip && !e.path.is_empty())
        .filter(|(_, e)| e.is_dir || crate::parse::iac::is_iac_path(&e.path))
        .filter(|(i, _)| present(*i) == Some(crate::repo::Existence::Exists))
        .map(|(_, e)| e.path.clone())
        .collect();
    let mut counts = TreeCounts::default();
    for (i, e) in tree_entries.iter().enumerate().filter(|(_, e)| !e.skip) {
        if e.marked {
            counts.planned += 1;
        } else if present(i) == Some(crate::repo::Existence::Ignored) {
            counts.gitignored += 1;
        }
    }
    let suppressions = crate::suppress::markdown(&plan.file, &plan.comments);
    (
        Checked {
            file: plan.file,
            findings: out,
            suppressions,
        },
        roots,
        counts,
    )
}

type FileResult = Result<Checked, Problem>;

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

/// Check the IaC files under `roots`: parse each once, in parallel, then run
/// every active IaC rule, in parallel. Returns per-file results in order.
fn check_iac(job: &RepoJob, fs: &RepoFs, roots: &[String], principles: &[Principle]) -> Vec<FileResult> {
    let mut roots = roots.to_vec();
    // Scripts and CI workflows deploy too (GIT003), wherever the plans point.
    if !roots.is_empty() {
        for extra in [".github/workflows", "scripts"] {
            if fs.exists(extra) == crate::repo::Existence::Exists {
                roots.push(extra.to_string());
            }
        }
    }
    let roots = outermost(roots);
    let plan_paths: Vec<&str> = job.plans.iter().map(|p| p.rel.as_str()).collect();
    let walked = fs.walk(&roots);
    let paths: Vec<String> = walked
        .files
        .into_iter()
        .filter(|p| crate::parse::iac::is_iac_path(p) && !plan_paths.contains(&p.as_str()))
        .filter(|p| !job.settings.excluded(p) || job.iac_files.contains(p))
        .collect();
    let parsed: Vec<Result<IacFile, Problem>> = paths
        .par_iter()
        .map(|rel| {
            let text = match &job.stdin {
                Some((r, text)) if r == rel => text.clone(),
                _ => read_text(&fs.abs(rel), rel)?,
            };
            guarded(rel, || IacFile::parse(rel, &text))
        })
        .collect();
    let mut results: Vec<FileResult> = Vec::new();
    let mut files = Vec::new();
    let mut slots = Vec::new();
    for p in parsed {
        match p {
            Ok(f) => {
                slots.push(Some(files.len()));
                files.push(f);
            }
            Err(e) => {
                slots.push(None);
                results.push(Err(e));
            }
        }
    }
    let rules = &job.settings.rules;
    let explicit = &job.settings.explicit_select;
    let cx = checks::iac::IacContext { files: &files, fs };
    let active_rules: Vec<&crate::rules::Rule> = rules
        .rules
        .iter()
        .filter(|r| active(r, principles, explicit))
        .collect();
    let found: Vec<Result<Vec<Finding>, Problem>> = active_rules
        .par_iter()
        .map(|rule| {
            guarded(&format!("rule {}", rule.code), || {
                let mut out = Vec::new();
                let mut sink = Sink {
                    file: 0,
                    rule,
                    out: &mut out,
                };
                if rule.kind.is_iac() {
                    checks::iac::declarative::evaluate(rule, &cx, &mut sink);
                } else if let (RuleKind::Builtin, Some(check)) =
                    (&rule.kind, checks::iac::iac_check(&rule.code))
                {
                    check.check(&cx, &mut sink);
                }
                out
            })
        })
        .collect();
    let mut per_file: Vec<Vec<Finding>> = vec![Vec::new(); files.len()];
    for r in found {
        match r {
            Ok(list) => {
                for mut f in list {
                    f.span = files[f.file].file.clamp(f.span.clone());
                    per_file[f.file].push(f);
                }
            }
            Err(p) => results.push(Err(p)),
        }
    }
    for (f, findings) in files.into_iter().zip(per_file) {
        results.push(Ok(Checked {
            file: f.file,
            findings,
            suppressions: f.suppressions,
        }));
    }
    // Symlinks leading out of the repository: reported, never followed.
    if let Some(rule) = rules.get("TREE005") {
        for link in walked.escapes {
            let mut findings = Vec::new();
            let mut sink = Sink {
                file: 0,
                rule,
                out: &mut findings,
            };
            sink.report(
                0..0,
                format!(
                    "`{link}` is a symlink that leads outside the repository; constable does not follow it"
                ),
            );
            results.push(Ok(Checked {
                file: SourceFile::new(link.as_str(), ""),
                findings,
                suppressions: Vec::new(),
            }));
        }
    }
    results
}

fn guarded<T>(path: &str, f: impl FnOnce() -> T) -> Result<T, Problem> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| Problem {
        path: path.to_string(),
        message: format!(
            "internal error while checking this file: {}",
            panic_message(&panic)
        ),
        internal: true,
    })
}

/// Check every repository: its constitution once, its plans in parallel.
/// Results come back in input order.
pub fn run(jobs: &[RepoJob]) -> Outcome {
    let mut outcome = Outcome::default();
    for (ri, job) in jobs.iter().enumerate() {
        let rules = &job.settings.rules;
        let mut results: Vec<FileResult> = Vec::new();
        let mut doc = None;
        if let Some((abs, rel)) = &job.constitution {
            match read_text(abs, rel).and_then(|text| {
                guarded(rel, || {
                    constitution_file(SourceFile::new(rel.as_str(), &text), rules)
                })
            }) {
                Ok((checked, d)) => {
                    results.push(Ok(checked));
                    doc = Some(d);
                }
                Err(p) => results.push(Err(p)),
            }
        }
        let constitution = Constitution::new(doc, job.constitution.as_ref().map(|c| c.1.clone()), rules);
        let fs = RepoFs::new(&job.root);
        let explicit = &job.settings.explicit_select;
        let plans: Vec<Result<PlanResult, Problem>> = job
            .plans
            .par_iter()
            .map(|pf| {
                let text = match &job.stdin {
                    Some((rel, text)) if *rel == pf.rel => text.clone(),
                    _ => read_text(&pf.abs, &pf.rel)?,
                };
                let file = SourceFile::new(pf.rel.as_str(), &text);
                guarded(&pf.rel, || {
                    check_plan(file, rules, &constitution, Some(&fs), explicit)
                })
            })
            .collect();
        let mut roots: Vec<String> = job.settings.iac_roots.clone();
        for p in plans {
            match p {
                Ok((checked, plan_roots, counts)) => {
                    roots.extend(plan_roots);
                    outcome.tree.planned += counts.planned;
                    outcome.tree.gitignored += counts.gitignored;
                    results.push(Ok(checked));
                }
                Err(e) => results.push(Err(e)),
            }
        }
        let mut roots = match &job.iac {
            IacScope::FromPlans => roots,
            IacScope::Roots(r) => r.clone(),
            IacScope::Off => Vec::new(),
        };
        if job.iac != IacScope::Off {
            roots.extend(job.iac_files.iter().cloned());
        }
        if !roots.is_empty() {
            results.extend(check_iac(job, &fs, &roots, &constitution.principles));
        }
        for r in results {
            match r {
                Ok(mut c) => {
                    let id = outcome.files.len();
                    for f in &mut c.findings {
                        f.file = id;
                    }
                    outcome.files.push(c.file);
                    outcome.suppressions.push(c.suppressions);
                    outcome.repo_of.push(ri);
                    outcome.findings.extend(c.findings);
                }
                Err(p) => outcome.problems.push(p),
            }
        }
    }
    outcome
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// Check one in-memory buffer as if it were the file at `abs` (editors and
/// the language server): a plan, a constitution.md, or an IaC file. Rules
/// that need other files (companion files, cross-document checks) are
/// skipped for IaC buffers. Findings are suppressed and sorted.
pub fn check_buffer(
    abs: &Path,
    text: &str,
    settings: &Settings,
) -> Result<(SourceFile, Vec<Finding>), String> {
    let dir = abs.parent().ok_or("the file has no folder")?;
    let real_dir = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let root = crate::discover::find_root(&real_dir);
    let name = abs.file_name().ok_or("no file name")?;
    let real = real_dir.join(name);
    let rel = real
        .strip_prefix(&root)
        .unwrap_or(&real)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let rules = &settings.rules;
    let fs = RepoFs::new(&root);
    let doc = crate::discover::constitution(&root).and_then(|(a, r)| {
        if r == rel {
            return None;
        }
        let t = read_text(&a, &r).ok()?;
        Some((
            ConstitutionDoc::parse(Plan::parse(SourceFile::new(r.as_str(), &t))),
            r,
        ))
    });
    let (doc, cpath) = match doc {
        Some((d, p)) => (Some(d), Some(p)),
        None => (None, None),
    };
    let constitution = Constitution::new(doc, cpath, rules);
    let explicit = &settings.explicit_select;
    let checked = match crate::discover::classify_named(&real) {
        crate::discover::Named::Iac => {
            let f = IacFile::parse(&rel, text);
            let files = [f];
            let cx = checks::iac::IacContext {
                files: &files,
                fs: &fs,
            };
            let mut out = Vec::new();
            for rule in rules
                .rules
                .iter()
                .filter(|r| active(r, &constitution.principles, explicit))
            {
                let mut sink = Sink {
                    file: 0,
                    rule,
                    out: &mut out,
                };
                match &rule.kind {
                    RuleKind::CompanionFile { .. } => {}
                    k if k.is_iac() => checks::iac::declarative::evaluate(rule, &cx, &mut sink),
                    RuleKind::Builtin => {
                        if let Some(c) = checks::iac::iac_check(&rule.code).filter(|c| !c.cross_file()) {
                            c.check(&cx, &mut sink);
                        }
                    }
                    _ => {}
                }
            }
            let [f] = files;
            for x in &mut out {
                x.span = f.file.clamp(x.span.clone());
            }
            Checked {
                findings: out,
                suppressions: f.suppressions,
                file: f.file,
            }
        }
        crate::discover::Named::Rules if rel.ends_with("constitution.md") => {
            constitution_file(SourceFile::new(rel.as_str(), text), rules).0
        }
        _ => {
            check_plan(
                SourceFile::new(rel.as_str(), text),
                rules,
                &constitution,
                Some(&fs),
                explicit,
            )
            .0
        }
    };
    let mut outcome = Outcome {
        files: vec![checked.file],
        suppressions: vec![checked.suppressions],
        repo_of: vec![0],
        findings: checked.findings,
        problems: Vec::new(),
        tree: TreeCounts::default(),
    };
    crate::filter::apply(&mut outcome, &[settings]);
    let file = outcome.files.pop().ok_or("no file")?;
    Ok((file, outcome.findings))
}
