//! Evaluate stage: read and parse each plan once, run every rule over it in
//! parallel, and contain failures to the file that caused them.

use crate::checks::{plan_check, PlanContext};
use crate::discover::PlanFile;
use crate::finding::{Finding, Sink};
use crate::parse::plan::Plan;
use crate::rules::{RuleKind, RuleSet};
use crate::source::SourceFile;
use rayon::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A file that could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    /// True for a bug in constable (exit 3), false for bad input (exit 2).
    pub internal: bool,
}

/// What a run produced, before filtering.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<SourceFile>,
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
}

/// Read a file as UTF-8 text, naming the file and the place on failure.
pub fn read_text(path: &std::path::Path, shown: &str) -> Result<String, Problem> {
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

/// Check one plan's text.
pub fn check_plan(file: SourceFile, rules: &RuleSet) -> (SourceFile, Vec<Finding>) {
    let plan = Plan::parse(file);
    let cx = PlanContext { plan: &plan };
    let mut out = Vec::new();
    for rule in &rules.rules {
        match rule.kind {
            RuleKind::Builtin => {
                if let Some(check) = plan_check(&rule.code) {
                    let mut sink = Sink {
                        file: 0,
                        rule,
                        out: &mut out,
                    };
                    check.check(&cx, &mut sink);
                }
            }
        }
    }
    for f in &mut out {
        f.span = plan.file.clamp(f.span.clone());
    }
    (plan.file, out)
}

/// Check every plan in parallel. Results come back in input order.
pub fn run(plans: &[PlanFile], rules: &RuleSet) -> Outcome {
    let results: Vec<Result<(SourceFile, Vec<Finding>), Problem>> = plans
        .par_iter()
        .map(|pf| {
            let text = read_text(&pf.abs, &pf.rel)?;
            let file = SourceFile::new(pf.rel.as_str(), &text);
            catch_unwind(AssertUnwindSafe(|| check_plan(file, rules))).map_err(|panic| Problem {
                path: pf.rel.clone(),
                message: format!(
                    "internal error while checking this file: {}",
                    panic_message(&panic)
                ),
                internal: true,
            })
        })
        .collect();
    let mut outcome = Outcome::default();
    for r in results {
        match r {
            Ok((file, mut findings)) => {
                let id = outcome.files.len();
                for f in &mut findings {
                    f.file = id;
                }
                outcome.files.push(file);
                outcome.findings.extend(findings);
            }
            Err(p) => outcome.problems.push(p),
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
