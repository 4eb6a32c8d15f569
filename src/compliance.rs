//! Fills the compliance matrix ([`Matrix`]) from a check run's kept models:
//! the same gate model, citations and Complexity Tracking rows the GATE and
//! CPX checks read, never parsed again. It decides cell states; rendering is
//! `report::matrix`'s job.

use crate::checks::{self, PlanContext};
use crate::discover::DiskFacts;
use crate::evaluate::{Constitution, PlanModel};
use crate::finding::{FileId, Finding};
use crate::parse::constitution::{Citation, Principle};
use crate::parse::family::{self, Family};
use crate::parse::gates::{GateEntry, GateStatus};
use crate::pipeline::{CheckRun, RepoModels};
use crate::report::matrix::{
    Cell, CellState, ConstitutionInfo, FindingRef, FixedRef, Matrix, PlanRow, PrincipleColumn, RuleCount,
    SourceRef, Trend,
};
use crate::rules::RuleSet;
use crate::source::SourceFile;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

static BASED_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bbased on constitution\s+v(\d+\.\d+(?:\.\d+)?)\b").expect("valid regex")
});

/// The matrix of the run's first repository with kept models (the run must
/// have been asked with `keep_models`). `repository` names it on the page
/// (a folder name or an `http(s)://` URL; by default the root folder's
/// name); `baseline` names the baseline
/// file when the run had one, and fills the trend with the findings that
/// remain (new) and the baseline entries that are gone (fixed).
pub fn matrix(run: &CheckRun, repository: Option<&str>, baseline: Option<&str>) -> Matrix {
    let name = repository.map(str::to_string).unwrap_or_else(|| {
        run.models
            .first()
            .and_then(|r| r.root.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let mut m = Matrix::new(name);
    if let Some(repo) = run.models.first() {
        fill(&mut m, run, repo);
    }
    if let Some(b) = baseline {
        m.trend = Some(Trend {
            baseline: b.to_string(),
            new: run.outcome.findings.iter().map(|f| finding_ref(run, f)).collect(),
            fixed: run
                .gone
                .iter()
                .map(|e| FixedRef {
                    code: e.code.clone(),
                    path: e.path.clone(),
                    message: e.message.clone(),
                })
                .collect(),
        });
    }
    m.recount();
    m
}

fn fill(m: &mut Matrix, run: &CheckRun, repo: &RepoModels) {
    let out = &run.outcome;
    // The repository's index in `settings`: that of its plans, or of the
    // constitution file, else the first.
    let repo_index = repo
        .plans
        .first()
        .map(|(id, _)| *id)
        .or_else(|| {
            let path = repo.constitution.path.as_deref()?;
            out.files.iter().position(|f| &*f.path == path)
        })
        .and_then(|id| out.repo_of.get(id).copied())
        .unwrap_or(0);
    let Some(settings) = run.settings.get(repo_index) else {
        return;
    };
    let rules = &settings.rules;
    let cons = &repo.constitution;
    m.constitution = cons.path.as_ref().map(|path| ConstitutionInfo {
        path: path.clone(),
        version: cons
            .doc
            .as_ref()
            .and_then(|d| d.version.as_ref())
            .map(|v| clean_version(&v.0)),
        family: cons
            .doc
            .as_ref()
            .and_then(|d| family_name(family::detect(path, &d.doc))),
    });
    let in_repo = |f: &&Finding| out.repo_of.get(f.file) == Some(&repo_index);
    m.principles = cons
        .principles
        .iter()
        .map(|p| PrincipleColumn {
            id: p.id.to_string(),
            numeral: p.numeral.clone(),
            title: p.title.clone(),
            iac: iac_counts(run, rules, p, &in_repo),
        })
        .collect();
    let mut rows: Vec<PlanRow> = repo
        .plans
        .iter()
        .map(|(id, model)| plan_row(run, rules, cons, *id, model))
        .collect();
    rows.sort_by(|a, b| {
        let n = |r: &PlanRow| feature_number(&r.feature);
        n(b).cmp(&n(a)).then_with(|| a.path.cmp(&b.path))
    });
    m.plans = rows;
}

/// The IaC findings of a principle's rules, by rule, in order of first
/// occurrence (findings are sorted by file and position).
fn iac_counts(
    run: &CheckRun,
    rules: &RuleSet,
    p: &Principle,
    in_repo: &dyn Fn(&&Finding) -> bool,
) -> Vec<RuleCount> {
    let mut out: Vec<RuleCount> = Vec::new();
    for f in run.outcome.findings.iter().filter(in_repo) {
        if f.principle.as_deref() != Some(&*p.id) {
            continue;
        }
        let Some(rule) = rules.get(&f.code) else { continue };
        if !rule.kind.is_iac() {
            continue;
        }
        let r = match out.iter_mut().position(|r| r.code == *f.code) {
            Some(i) => &mut out[i],
            None => {
                out.push(RuleCount {
                    code: f.code.to_string(),
                    name: rule.name.to_string(),
                    count: 0,
                    findings: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        r.count += 1;
        r.findings.push(finding_ref(run, f));
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    out
}

fn plan_row(run: &CheckRun, rules: &RuleSet, cons: &Constitution, id: FileId, model: &PlanModel) -> PlanRow {
    let file = &model.plan.file;
    let path = file.path.to_string();
    let feature = path.rsplit('/').nth(1).map(str::to_string).unwrap_or_default();
    let title = model
        .plan
        .sections
        .iter()
        .find(|s| s.level == 1)
        .map(|s| plan_title(&s.title))
        .unwrap_or_else(|| feature.clone());
    let text = model.plan.text();
    let constitution_version = BASED_ON.captures(text).map(|c| c[1].to_string()).or_else(|| {
        cons.doc
            .as_ref()
            .and_then(|d| d.version.as_ref())
            .map(|v| clean_version(&v.0))
    });
    let of_plan: Vec<&Finding> = run.outcome.findings.iter().filter(|f| f.file == id).collect();
    let by_prefix = |prefix: &str| -> Vec<FindingRef> {
        of_plan
            .iter()
            .filter(|f| f.code.starts_with(prefix))
            .map(|f| finding_ref(run, f))
            .collect()
    };
    let view = cons.view();
    let facts = DiskFacts::default();
    let cx = PlanContext {
        plan: &model.plan,
        gates: &model.gates,
        citations: &model.citations,
        constitution: &view,
        rules,
        tree_entries: &model.tree_entries,
        facts: &facts,
    };
    let cells = (0..cons.principles.len())
        .map(|i| cell(run, &cx, &of_plan, i))
        .collect();
    PlanRow {
        family: family_name(family::detect(&path, &model.plan)),
        path,
        feature,
        title,
        constitution_version,
        cells,
        leftovers: by_prefix("TPL"),
        tree: by_prefix("TREE"),
    }
}

/// The cell of principle `i`: from the gate entries citing it, the
/// post-design re-check's when it has any; with several entries, the worst.
fn cell(run: &CheckRun, cx: &PlanContext<'_>, of_plan: &[&Finding], i: usize) -> Cell {
    let citing: Vec<&GateEntry> = cx
        .gates
        .entries
        .iter()
        .zip(cx.citations)
        .filter(|(_, c)| **c == Citation::Principle(i))
        .map(|(e, _)| e)
        .collect();
    let post = citing.iter().any(|e| e.post_design);
    let chosen: Vec<&GateEntry> = citing.into_iter().filter(|e| e.post_design == post).collect();
    let file = &cx.plan.file;
    let mut state = CellState::NotAddressed;
    let mut spans: Vec<Range<usize>> = Vec::new();
    for (n, e) in chosen.iter().enumerate() {
        let (s, rows) = entry_state(cx, e, i);
        if n == 0 || s.rank() < state.rank() {
            state = s;
        }
        spans.push(e.span.clone());
        spans.extend(rows);
    }
    spans.sort_by_key(|s| s.start);
    spans.dedup();
    let entries = spans.iter().map(|s| source_ref(file, s.start)).collect();
    let findings = of_plan
        .iter()
        .filter(|f| {
            spans
                .iter()
                .any(|s| s.start <= f.span.start && f.span.start < s.end.max(s.start + 1))
        })
        .map(|f| finding_ref(run, f))
        .collect();
    Cell {
        state,
        entries,
        findings,
    }
}

/// One gate entry's state, with the Complexity Tracking rows that refer to
/// it when it fails.
fn entry_state(cx: &PlanContext<'_>, e: &GateEntry, i: usize) -> (CellState, Vec<Range<usize>>) {
    let c = Citation::Principle(i);
    if is_slot(cx, e) {
        return (CellState::Slot, Vec::new());
    }
    match e.status {
        GateStatus::Missing | GateStatus::Unmarked => (CellState::NotAddressed, Vec::new()),
        GateStatus::Pass | GateStatus::Answered => {
            // N/A, or an answer saying the principle is not engaged ("No
            // node changes required"), which GATE003 also takes for an N/A.
            if e.status_word
                .as_deref()
                .is_some_and(|w| w.eq_ignore_ascii_case("N/A"))
                || checks::not_engaged(&e.answer)
            {
                return (CellState::NotApplicable, Vec::new());
            }
            let p = &cx.constitution.principles[i];
            let body = &cx.plan.text()[e.text.clone()];
            let evidence = if p.evidence.is_empty() {
                !e.answer.trim().is_empty()
            } else {
                p.evidence.iter().any(|re| re.is_match(body))
            };
            let s = if evidence {
                CellState::PassEvidence
            } else {
                CellState::PassNoEvidence
            };
            (s, Vec::new())
        }
        GateStatus::Fail => {
            let rows = cx
                .gates
                .complexity
                .iter()
                .flat_map(|t| t.rows.iter())
                .filter(|r| !r.example)
                .filter(|r| {
                    r.cells
                        .first()
                        .is_some_and(|(first, _)| checks::row_matches(cx, first, e, c))
                })
                .map(|r| r.span.clone())
                .collect();
            let s = if checks::justified(cx, e, c) {
                CellState::Justified
            } else {
                CellState::Unjustified
            };
            (s, rows)
        }
    }
}

/// The entry is still the template's: its label is a slot, or its answer is
/// nothing but slots, or it has no status and a slot stands in it.
fn is_slot(cx: &PlanContext<'_>, e: &GateEntry) -> bool {
    let text = cx.plan.text();
    let inside: Vec<&Range<usize>> = cx
        .plan
        .slots
        .iter()
        .map(|s| &s.span)
        .filter(|s| s.start >= e.span.start && s.end <= e.span.end)
        .collect();
    if inside.is_empty() {
        return false;
    }
    let label = &e.label_span;
    if inside.iter().any(|s| s.start < label.end && label.start < s.end) {
        return true;
    }
    if e.status == GateStatus::Missing {
        return true;
    }
    let mut answer = e.answer.clone();
    for s in &inside {
        answer = answer.replace(&text[(*s).clone()], "");
    }
    !e.answer.trim().is_empty() && !answer.chars().any(char::is_alphanumeric)
}

fn source_ref(file: &SourceFile, offset: usize) -> SourceRef {
    let (line, column) = file.line_col(offset);
    SourceRef {
        path: file.path.to_string(),
        line,
        column,
        text: file.line_text(line).trim().to_string(),
    }
}

fn finding_ref(run: &CheckRun, f: &Finding) -> FindingRef {
    let file = &run.outcome.files[f.file];
    let (line, column) = file.line_col(f.span.start);
    FindingRef {
        code: f.code.to_string(),
        severity: f.severity.as_str().to_string(),
        path: file.path.to_string(),
        line,
        column,
        message: f.message.clone(),
    }
}

fn family_name(f: Family) -> Option<String> {
    (f != Family::Unknown).then(|| f.as_str().to_string())
}

fn clean_version(v: &str) -> String {
    v.trim().trim_matches('`').trim_start_matches('v').to_string()
}

/// `Implementation Plan: Grafana` → `Grafana`.
fn plan_title(heading: &str) -> String {
    let t = heading.trim();
    for prefix in [
        "Implementation Plan:",
        "Implementation Plan -",
        "Implementation Plan —",
        "Plan:",
    ] {
        if t.len() > prefix.len() && t[..prefix.len()].eq_ignore_ascii_case(prefix) {
            return t[prefix.len()..].trim().to_string();
        }
    }
    t.to_string()
}

/// The `NNN` of `012-node-pools`; folders without a number sort last.
fn feature_number(feature: &str) -> Option<u64> {
    let digits: String = feature.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
