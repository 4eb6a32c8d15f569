//! Evaluate stage: read and parse each file once (the constitution once per
//! repository, plans in parallel), run every enabled rule over the models,
//! and contain failures to the file that caused them.

use crate::checks::{self, ConstitutionContext, ConstitutionView, PlanContext};
use crate::discover::PlanFile;
use crate::finding::{Finding, Sink};
use crate::load::Settings;
use crate::parse::constitution::{cite, resolve, ConstitutionDoc, Principle};
use crate::parse::gates::GateModel;
use crate::parse::plan::Plan;
use crate::rules::{RuleKind, RuleSet};
use crate::source::SourceFile;
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

/// One repository to check.
#[derive(Debug)]
pub struct RepoJob {
    pub root: PathBuf,
    pub settings: Settings,
    /// constitution.md, absolute, and relative to the root.
    pub constitution: Option<(PathBuf, String)>,
    pub plans: Vec<PlanFile>,
}

/// What a run produced, before filtering.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<SourceFile>,
    /// For each file, the index of its repository job.
    pub repo_of: Vec<usize>,
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
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

/// Check one plan's text against a constitution.
pub fn check_plan(
    file: SourceFile,
    rules: &RuleSet,
    constitution: &Constitution,
) -> (SourceFile, Vec<Finding>) {
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
    let cx = PlanContext {
        plan: &plan,
        gates: &gates,
        citations: &citations,
        constitution: &view,
        rules,
    };
    let mut out = Vec::new();
    for rule in &rules.rules {
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
    (plan.file, out)
}

type FileResult = Result<(SourceFile, Vec<Finding>), Problem>;

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
                    let file = SourceFile::new(rel.as_str(), &text);
                    let d = ConstitutionDoc::parse(Plan::parse(file.clone()));
                    let findings = check_constitution(&d, rules);
                    (file, d, findings)
                })
            }) {
                Ok((file, d, findings)) => {
                    results.push(Ok((file, findings)));
                    doc = Some(d);
                }
                Err(p) => results.push(Err(p)),
            }
        }
        let constitution = Constitution::new(doc, job.constitution.as_ref().map(|c| c.1.clone()), rules);
        let plans: Vec<FileResult> = job
            .plans
            .par_iter()
            .map(|pf| {
                let text = read_text(&pf.abs, &pf.rel)?;
                let file = SourceFile::new(pf.rel.as_str(), &text);
                guarded(&pf.rel, || check_plan(file, rules, &constitution))
            })
            .collect();
        results.extend(plans);
        for r in results {
            match r {
                Ok((file, mut findings)) => {
                    let id = outcome.files.len();
                    for f in &mut findings {
                        f.file = id;
                    }
                    outcome.files.push(file);
                    outcome.repo_of.push(ri);
                    outcome.findings.extend(findings);
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
