//! Filter stage: precedence between rules (`superseded_by`), inline
//! suppressions (and the SUP findings about them), per-file ignores, the
//! baseline, then a deterministic order. Decides what is shown; finds nothing.

use crate::checks::{builtin, Check, Sink, SuppressionCheck};
use crate::evaluate::Outcome;
use crate::finding::Finding;
use crate::fix::{delete_block, Fix};
use crate::load::Settings;
use crate::rules::{Rule, Within};
use crate::source::SourceFile;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Apply precedence, suppressions and per-file ignores, then sort.
pub fn apply(outcome: &mut Outcome, settings: &[&Settings]) {
    supersede(outcome, settings);
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

/// Drop a finding when a rule that supersedes its rule reported in the same
/// file (`within = "file"`) or on the same line (`within = "line"`).
fn supersede(outcome: &mut Outcome, settings: &[&Settings]) {
    let files = &outcome.files;
    let line = |f: &Finding| files[f.file].line_col(f.span.start).0;
    let in_file: HashSet<(usize, &str)> = outcome.findings.iter().map(|f| (f.file, &*f.code)).collect();
    let on_line: HashSet<(usize, usize, &str)> = outcome
        .findings
        .iter()
        .map(|f| (f.file, line(f), &*f.code))
        .collect();
    let keep: Vec<bool> = outcome
        .findings
        .iter()
        .map(|f| {
            let s = settings[outcome.repo_of[f.file]];
            let Some(rule) = s.rules.get(&f.code) else {
                return true;
            };
            !rule.superseded_by.iter().any(|by| match by.within {
                Within::File => in_file.contains(&(f.file, &*by.code)),
                Within::Line => on_line.contains(&(f.file, line(f), &*by.code)),
            })
        })
        .collect();
    let mut it = keep.into_iter();
    outcome.findings.retain(|_| it.next().unwrap_or(true));
}

/// The enabled rule that runs a suppression check, if any.
fn suppression_rule(settings: &Settings, which: SuppressionCheck) -> Option<&Rule> {
    settings
        .rules
        .rules
        .iter()
        .find(|r| matches!(builtin(r), Some(Check::Suppression(k)) if k == which))
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
            let text: &str = &outcome.files[fi].text;
            let mut report = |which: SuppressionCheck, msg: String| {
                if let Some(rule) = suppression_rule(s, which) {
                    let mut sink = Sink {
                        file: fi,
                        rule,
                        out: &mut extra,
                    };
                    let f = sink.report(sup.span.clone(), msg);
                    if which == SuppressionCheck::Unused {
                        f.fix = Some(Fix::safe(
                            "Remove the unused suppression",
                            vec![unused_suppression_edit(text, sup.span.clone())],
                        ));
                    }
                }
            };
            if sup.codes.is_empty() {
                report(
                    SuppressionCheck::UnknownCode,
                    "suppression names no rule code".to_string(),
                );
                continue;
            }
            for c in &unknown {
                report(
                    SuppressionCheck::UnknownCode,
                    format!("suppression names `{c}`, which is not a rule"),
                );
            }
            if sup.reason.is_none() {
                report(
                    SuppressionCheck::NoReason,
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
                    SuppressionCheck::Unused,
                    format!("suppression of {} silences nothing", sup.codes.join(", ")),
                );
            }
        }
    }
    outcome.findings.extend(extra);
}

/// The edit that removes a suppression directive: the whole comment (and
/// its line, when alone on it). A Markdown directive's span starts at `<!--`
/// and may stop before `-->`; a `#` directive runs to the line's end.
fn unused_suppression_edit(text: &str, span: std::ops::Range<usize>) -> crate::fix::Edit {
    let mut end = span.end.min(text.len());
    if text[span.start..].starts_with("<!--") {
        if let Some(i) = text[span.start..].find("-->") {
            end = end.max(span.start + i + 3);
        }
    }
    let mut start = span.start;
    // A trailing `# ...` after code: also drop the blanks before it.
    let ls = crate::fix::line_start(text, start);
    if !text[ls..start].trim().is_empty() {
        start = ls + text[ls..start].trim_end().len();
    }
    delete_block(text, start..end)
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
        let prints = crate::fingerprint::of(files, findings);
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
        let prints = crate::fingerprint::of(files, findings);
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
