//! `check --fix`, `--unsafe-fixes`, `--diff` and `--add-suppressions`, run
//! through the real binary on repositories written to a temporary folder:
//! each fix removes its finding, a second `--fix` changes nothing, and CRLF
//! line endings and a BOM survive.

mod common;

use common::*;
use std::path::{Path, PathBuf};

const CONSTITUTION: &str = "# Harbor Lab Constitution

## Core Principles

### I. GitOps Source of Truth

Argo CD applies everything from the `main` branch.

### II. Documentation & Runbooks

Every application ships with a runbook.

### III. Least-Privilege & Secrets

No workload runs as root; secrets live in SOPS.

## Governance

**Version**: 1.3.0 | **Ratified**: 2026-01-10 | **Last Amended**: 2026-03-02
";

/// One finding for each fixable rule: SUP001 (line 7), TPL004 (10),
/// GATE001 (principle III), CPX001 (gate II), TPL005 (the example row)
/// and GATE007 (the footer).
const PLAN: &str = "# Implementation Plan: Grafana

**Branch**: `001-grafana` | **Date**: 2026-03-04 | **Spec**: [spec.md](spec.md)

## Summary

<!-- constable-disable-next-line TPL002 -- nothing to silence here -->
Deploy Grafana through Argo CD with a runbook.

<!--
  ACTION REQUIRED: Replace the content in this section with the technical details.
-->

## Technical Context

**Language/Version**: Helm 3

## Project Structure

No new folders.

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/` |
| II. Documentation & Runbooks | ⚠️ PARTIAL | runbook drafted later |

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|-----------|------------|-------------------------------------|
| [e.g., 4th project] | [current need] | [why 3 projects insufficient] |

*Based on Constitution v1.0.0*
";

const PLAN_PATH: &str = "specs/001-grafana/plan.md";

/// A repository with the constitution and `plan` (written byte for byte).
fn repo(name: &str, plan: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join(".specify/memory")).unwrap();
    std::fs::create_dir_all(dir.join("specs/001-grafana")).unwrap();
    std::fs::write(dir.join(".specify/memory/constitution.md"), CONSTITUTION).unwrap();
    std::fs::write(dir.join(PLAN_PATH), plan).unwrap();
    std::fs::write(dir.join("specs/001-grafana/spec.md"), SPEC).unwrap();
    dir
}

/// The feature's spec.md, complete, so the plan's header points at a file.
const SPEC: &str = r#"# Feature Specification: Rollout

**Feature Branch**: `001-grafana`
**Status**: Draft

## User Scenarios & Testing

### User Story 1 - Operators roll out the change (Priority: P1)

The operator merges the change and the automation applies it.

**Acceptance Scenarios**:

1. **Given** the change is merged, **When** the automation runs, **Then** the service is running.

## Requirements

### Functional Requirements

- **FR-001**: The change is applied from Git.

## Success Criteria

- **SC-001**: A second run changes nothing.
"#;

/// The codes of the findings, from `--format concise`.
fn codes(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--format", "concise", "--quiet"];
    args.extend_from_slice(extra);
    args.push(".");
    let run = constable_in(dir, &args);
    let mut out: Vec<String> = run
        .stdout
        .lines()
        .filter(|l| finding_line(l))
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect();
    out.sort();
    out
}

/// `path:line:col: severity CODE message`, not the summary line.
fn finding_line(l: &str) -> bool {
    l.split_whitespace()
        .next()
        .is_some_and(|t| t.ends_with(':') && t.matches(':').count() == 3)
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

#[test]
fn the_plan_has_one_finding_per_fixable_rule() {
    let dir = repo("fix-baseline", PLAN);
    assert_eq!(
        codes(&dir, &[]),
        ["CPX001", "GATE001", "GATE007", "SUP001", "TPL004", "TPL005"]
    );
}

#[test]
fn fix_applies_safe_fixes_only_and_is_idempotent() {
    let dir = repo("fix-safe", PLAN);
    let run = constable_in(&dir, &["check", "--fix", "--format", "concise", "."]);
    assert!(
        run.stderr.contains("fixed 4 findings in 1 file"),
        "{}",
        run.stderr
    );
    // What remains is reported: the unsafe fixes were not applied.
    let remaining: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| finding_line(l))
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert_eq!(remaining, ["GATE001", "CPX001"], "{}", run.stdout);
    assert_eq!(run.code, 1);
    let fixed = read(&dir, PLAN_PATH);
    assert!(!fixed.contains("constable-disable"), "{fixed}");
    assert!(!fixed.contains("ACTION REQUIRED"), "{fixed}");
    assert!(!fixed.contains("[e.g., 4th project]"), "{fixed}");
    assert!(fixed.contains("*Based on Constitution v1.3.0*"), "{fixed}");
    // The comment went with its lines, and with one of the blank lines around it.
    assert!(
        fixed.contains("with a runbook.\n\n## Technical Context\n"),
        "{fixed}"
    );
    // Everything else is byte for byte the same.
    let expected = PLAN
        .replace(
            "<!-- constable-disable-next-line TPL002 -- nothing to silence here -->\n",
            "",
        )
        .replace(
            "<!--\n  ACTION REQUIRED: Replace the content in this section with the technical details.\n-->\n\n",
            "",
        )
        .replace("| [e.g., 4th project] | [current need] | [why 3 projects insufficient] |\n", "")
        .replace("v1.0.0", "v1.3.0");
    assert_eq!(fixed, expected);
    // A second --fix changes nothing, and --diff agrees.
    let again = constable_in(&dir, &["check", "--fix", "--quiet", "."]);
    assert_eq!(read(&dir, PLAN_PATH), fixed, "{}", again.stderr);
    let diff = constable_in(&dir, &["check", "--diff", "."]);
    assert_eq!(diff.code, 0, "{}", diff.stdout);
    assert_eq!(diff.stdout, "");
}

#[test]
fn unsafe_fixes_add_entries_the_author_must_complete() {
    let dir = repo("fix-unsafe", PLAN);
    let run = constable_in(&dir, &["check", "--fix", "--unsafe-fixes", "."]);
    assert!(run.stderr.contains("fixed 6 findings"), "{}", run.stderr);
    let fixed = read(&dir, PLAN_PATH);
    // In the tables' own shapes, with the status and the justification left open.
    assert!(
        fixed.contains("| II. Documentation & Runbooks | ⚠️ PARTIAL | runbook drafted later |\n| III. Least-Privilege & Secrets | [TODO] | |\n"),
        "{fixed}"
    );
    assert!(
        fixed.contains("|-----------|------------|-------------------------------------|\n| II. Documentation & Runbooks | [TODO] | [TODO] |\n"),
        "{fixed}"
    );
    // GATE001 and CPX001 are gone; the TODOs are reported, not passing.
    let left = codes(&dir, &[]);
    assert!(!left.iter().any(|c| c == "GATE001" || c == "CPX001"), "{left:?}");
    assert!(left.iter().any(|c| c == "GATE002"), "{left:?}");
    assert!(left.iter().any(|c| c == "CPX002"), "{left:?}");
    assert!(left.iter().any(|c| c == "TPL002"), "{left:?}");
    let again = constable_in(&dir, &["check", "--fix", "--unsafe-fixes", "--quiet", "."]);
    assert_eq!(read(&dir, PLAN_PATH), fixed, "{}", again.stderr);
}

#[test]
fn crlf_and_bom_survive_every_fix() {
    let crlf = format!("\u{feff}{}", PLAN.replace('\n', "\r\n"));
    let dir = repo("fix-crlf", &crlf);
    let lf = repo("fix-crlf-lf", PLAN);
    for d in [&dir, &lf] {
        let run = constable_in(d, &["check", "--fix", "--unsafe-fixes", "."]);
        assert!(run.stderr.contains("fixed 6 findings"), "{}", run.stderr);
    }
    let fixed = read(&dir, PLAN_PATH);
    assert!(fixed.starts_with('\u{feff}'), "BOM kept");
    assert_eq!(
        fixed.matches('\n').count(),
        fixed.matches("\r\n").count(),
        "every line ends in CRLF: {fixed:?}"
    );
    // The same result as on the LF file, line ending for line ending.
    let expected = format!("\u{feff}{}", read(&lf, PLAN_PATH).replace('\n', "\r\n"));
    assert_eq!(fixed, expected);
    let again = constable_in(&dir, &["check", "--fix", "--unsafe-fixes", "--quiet", "."]);
    assert_eq!(read(&dir, PLAN_PATH), fixed, "{}", again.stderr);
}

#[test]
fn fix_creates_the_complexity_tracking_section_when_missing() {
    let plan = PLAN.split("## Complexity Tracking").next().unwrap().to_string();
    let dir = repo("fix-cpx-section", &plan);
    assert!(codes(&dir, &[]).contains(&"CPX001".to_string()));
    constable_in(&dir, &["check", "--fix", "--unsafe-fixes", "--quiet", "."]);
    let fixed = read(&dir, PLAN_PATH);
    assert!(
        fixed.ends_with("\n## Complexity Tracking\n\n| Violation | Why Needed | Simpler Alternative Rejected Because |\n|-----------|------------|-------------------------------------|\n| II. Documentation & Runbooks | [TODO] | [TODO] |\n"),
        "{fixed}"
    );
    assert!(!codes(&dir, &[]).contains(&"CPX001".to_string()));
}

#[test]
fn gate001_adds_a_bullet_when_the_check_is_a_list() {
    let plan = PLAN.replace(
        "| Principle | Status | Notes |\n|---|---|---|\n| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/` |\n| II. Documentation & Runbooks | ⚠️ PARTIAL | runbook drafted later |\n",
        "- **I. GitOps Source of Truth**: ✅ PASS — Argo CD syncs `cluster/apps/grafana/`\n- **II. Documentation & Runbooks**: ✅ PASS — runbook in `docs/runbooks/grafana.md`\n",
    );
    let dir = repo("fix-bullets", &plan);
    assert!(codes(&dir, &[]).contains(&"GATE001".to_string()));
    constable_in(&dir, &["check", "--fix", "--unsafe-fixes", "--quiet", "."]);
    let fixed = read(&dir, PLAN_PATH);
    assert!(
        fixed.contains(
            "runbook in `docs/runbooks/grafana.md`\n- **III. Least-Privilege & Secrets**: [TODO]\n"
        ),
        "{fixed}"
    );
    let left = codes(&dir, &[]);
    assert!(!left.contains(&"GATE001".to_string()), "{left:?}");
    assert!(left.contains(&"GATE002".to_string()), "{left:?}");
}

#[test]
fn diff_prints_what_fix_would_do_and_writes_nothing() {
    let dir = repo("fix-diff", PLAN);
    let run = constable_in(&dir, &["check", "--diff", "."]);
    assert_eq!(run.code, 1, "changes pending: {}", run.stderr);
    assert_eq!(read(&dir, PLAN_PATH), PLAN, "--diff writes nothing");
    insta::assert_snapshot!("diff_safe", run.stdout);
    let unsafe_run = constable_in(&dir, &["check", "--diff", "--unsafe-fixes", "."]);
    assert_eq!(unsafe_run.code, 1);
    insta::assert_snapshot!("diff_unsafe", unsafe_run.stdout);
    assert_eq!(read(&dir, PLAN_PATH), PLAN);
}

#[test]
fn add_suppressions_silences_every_finding_once() {
    let dir = repo("fix-suppress", PLAN);
    std::fs::create_dir_all(dir.join("cluster/apps/grafana")).unwrap();
    let yaml = "apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: grafana\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: grafana\r\n          image: grafana/grafana:11.0.0\r\n";
    std::fs::write(dir.join("cluster/apps/grafana/deployment.yaml"), yaml).unwrap();
    let args = ["--iac-root", "cluster"];
    let before = codes(&dir, &args);
    assert!(before.contains(&"PRV005".to_string()), "{before:?}");
    let run = constable_in(
        &dir,
        &[
            "check",
            "--iac-root",
            "cluster",
            "--add-suppressions",
            "accepted for the lab",
            "--format",
            "concise",
            ".",
        ],
    );
    // Only the unused suppression is left: a suppression is never suppressed.
    let left: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| finding_line(l))
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert_eq!(left, ["SUP001"], "{}{}", run.stdout, run.stderr);
    let y = read(&dir, "cluster/apps/grafana/deployment.yaml");
    assert!(
        y.contains(
            "    spec:\r\n      # constable: ignore PRV005 -- accepted for the lab\r\n      containers:\r\n"
        ),
        "{y:?}"
    );
    let plan = read(&dir, PLAN_PATH);
    // Blocks (a comment, a table) are wrapped in a disable/enable pair:
    // a comment line inside one would split it.
    for (code, before) in [
        ("TPL004", "<!--\n  ACTION REQUIRED"),
        ("CPX001", "| Principle | Status"),
        ("TPL005", "| Violation | Why Needed"),
    ] {
        let want = format!("<!-- constable-disable {code} -- accepted for the lab -->\n{before}");
        assert!(plan.contains(&want), "{want}\n{plan}");
    }
    assert!(
        plan.contains(
            "<!-- constable-disable-next-line GATE001 -- accepted for the lab -->\n## Constitution Check\n"
        ),
        "{plan}"
    );
    // Never twice.
    let y1 = y.clone();
    let p1 = plan.clone();
    constable_in(
        &dir,
        &[
            "check",
            "--iac-root",
            "cluster",
            "--add-suppressions",
            "accepted for the lab",
            ".",
        ],
    );
    assert_eq!(read(&dir, "cluster/apps/grafana/deployment.yaml"), y1);
    assert_eq!(read(&dir, PLAN_PATH), p1);
}

#[test]
fn add_suppressions_keeps_a_bom() {
    let plan = format!("\u{feff}{}", PLAN.replace('\n', "\r\n"));
    let dir = repo("fix-suppress-bom", &plan);
    constable_in(&dir, &["check", "--add-suppressions", "lab", "--quiet", "."]);
    let out = read(&dir, PLAN_PATH);
    assert!(out.starts_with('\u{feff}'));
    assert_eq!(out.matches('\n').count(), out.matches("\r\n").count(), "{out:?}");
    assert!(
        out.contains("<!-- constable-disable TPL004 -- lab -->\r\n<!--\r\n"),
        "{out:?}"
    );
    let left = codes(&dir, &[]);
    assert_eq!(left, ["SUP001"], "{left:?}");
}
