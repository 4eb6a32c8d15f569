//! Filter stage: inline suppressions (and the SUP findings about them),
//! per-file ignores, the baseline, then a deterministic order.

use crate::evaluate::Outcome;
use crate::finding::{Finding, Sink};
use crate::load::Settings;
use crate::source::SourceFile;
use serde::{Deserialize, Serialize};

/// The codes the filter stage reports itself.
pub const SUPPRESSION_CODES: &[&str] = &["SUP001", "SUP002", "SUP003"];

/// Apply suppressions and per-file ignores, then sort.
pub fn apply(outcome: &mut Outcome, settings: &[&Settings]) {
    suppress(outcome, settings);
    let files = &outcome.files;
    let repo_of = &outcome.repo_of;
    outcome.findings.retain(|f| {
        let s = settings[repo_of[f.file]];
        match s.rules.get(&f.code) {
            Some(rule) => !s.ignored_for(&files[f.file].path, rule),
            None => true,
        }
    });
    sort(&outcome.files, &mut outcome.findings);
}

fn suppress(outcome: &mut Outcome, settings: &[&Settings]) {
    let mut used: Vec<Vec<bool>> = outcome
        .suppressions
        .iter()
        .map(|s| vec![false; s.len()])
        .collect();
    let files = &outcome.files;
    let sups = &outcome.suppressions;
    outcome.findings.retain(|f| {
        let line = files[f.file].line_col(f.span.start).0;
        match sups[f.file].iter().position(|s| s.covers(&f.code, line)) {
            Some(i) => {
                used[f.file][i] = true;
                false
            }
            None => true,
        }
    });
    let mut extra = Vec::new();
    for (fi, list) in outcome.suppressions.iter().enumerate() {
        let s = settings[outcome.repo_of[fi]];
        for (si, sup) in list.iter().enumerate() {
            let unknown: Vec<&String> = sup
                .codes
                .iter()
                .filter(|c| !s.all_rules.iter().any(|r| r.code.eq_ignore_ascii_case(c)))
                .collect();
            let mut report = |code: &str, msg: String| {
                if let Some(rule) = s.rules.get(code) {
                    let mut sink = Sink {
                        file: fi,
                        rule,
                        out: &mut extra,
                    };
                    sink.report(sup.span.clone(), msg);
                }
            };
            if sup.codes.is_empty() {
                report("SUP003", "suppression names no rule code".to_string());
                continue;
            }
            for c in &unknown {
                report("SUP003", format!("suppression names `{c}`, which is not a rule"));
            }
            if sup.reason.is_none() {
                report(
                    "SUP002",
                    format!(
                        "suppression of {} gives no reason (`-- why`)",
                        sup.codes.join(", ")
                    ),
                );
            }
            // Unused, unless the rules it names are not running at all.
            let running = sup.codes.iter().any(|c| s.rules.get(c).is_some());
            if !used[fi][si] && unknown.is_empty() && running {
                report(
                    "SUP001",
                    format!("suppression of {} silences nothing", sup.codes.join(", ")),
                );
            }
        }
    }
    outcome.findings.extend(extra);
}

/// Sort by path, line, column, code, then message; drop duplicates.
pub fn sort(files: &[SourceFile], findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        let pa = &files[a.file].path;
        let pb = &files[b.file].path;
        pa.cmp(pb)
            .then(a.span.start.cmp(&b.span.start))
            .then(a.code.cmp(&b.code))
            .then(a.span.end.cmp(&b.span.end))
            .then(a.message.cmp(&b.message))
    });
    findings.dedup();
}

/// A baseline file: the findings a team has accepted, by fingerprint.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct BaselineEntry {
    pub code: String,
    pub path: String,
    pub fingerprint: String,
    pub message: String,
}

impl Baseline {
    pub fn of(files: &[SourceFile], findings: &[Finding]) -> Baseline {
        let prints = crate::report::fingerprint::of(files, findings);
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .zip(prints)
            .map(|(f, fingerprint)| BaselineEntry {
                code: f.code.to_string(),
                path: files[f.file].path.to_string(),
                fingerprint,
                message: f.message.clone(),
            })
            .collect();
        entries.sort();
        Baseline {
            version: 1,
            findings: entries,
        }
    }

    /// Drop findings the baseline knows; return the baseline entries that no
    /// longer occur.
    pub fn apply(&self, files: &[SourceFile], findings: &mut Vec<Finding>) -> Vec<BaselineEntry> {
        let prints = crate::report::fingerprint::of(files, findings);
        let key = |code: &str, path: &str, fp: &str| format!("{code}\u{0}{path}\u{0}{fp}");
        let known: std::collections::HashSet<String> = self
            .findings
            .iter()
            .map(|e| key(&e.code, &e.path, &e.fingerprint))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut keep = Vec::new();
        for (f, fp) in findings.drain(..).zip(prints) {
            let k = key(&f.code, &files[f.file].path, &fp);
            if known.contains(&k) {
                seen.insert(k);
            } else {
                keep.push(f);
            }
        }
        *findings = keep;
        self.findings
            .iter()
            .filter(|e| !seen.contains(&key(&e.code, &e.path, &e.fingerprint)))
            .cloned()
            .collect()
    }
}
