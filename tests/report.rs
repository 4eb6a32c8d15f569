//! `constable report` and `check --format markdown` on real fixtures: the
//! matrix is filled from the gate model the checks use.

mod common;

use common::{constable, fixture, table_text, temp_dir};
use constable::report::matrix::{from_json, CellState, Matrix};
use std::collections::BTreeSet;

fn report_json(name: &str) -> Matrix {
    let dir = fixture(name);
    let r = constable(&["report", dir.to_str().unwrap(), "--format", "json", "-o", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    from_json(&r.stdout).expect("report JSON parses")
}

fn report_html(name: &str) -> String {
    let dir = fixture(name);
    let r = constable(&["report", dir.to_str().unwrap(), "-o", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// The JSON with the tool's version left out (it changes with every release).
fn stable_json(name: &str) -> String {
    let mut m = report_json(name);
    m.tool = "constable".into();
    constable::report::matrix::to_json(&m)
}

#[test]
fn json_gates() {
    insta::assert_snapshot!("json-gates", stable_json("gates"));
}

#[test]
fn json_example() {
    insta::assert_snapshot!("json-example", stable_json("example"));
}

#[test]
fn json_k3s_clean() {
    insta::assert_snapshot!("json-k3s-clean", stable_json("k3s-clean"));
}

#[test]
fn json_k3s_leftovers() {
    insta::assert_snapshot!("json-k3s-leftovers", stable_json("k3s-leftovers"));
}

#[test]
fn json_report_fixture() {
    insta::assert_snapshot!("json-report", stable_json("report"));
}

#[test]
fn html_table_of_the_report_fixture() {
    insta::assert_snapshot!("html-table-report", table_text(&report_html("report")));
}

#[test]
fn html_table_of_gates() {
    insta::assert_snapshot!("html-table-gates", table_text(&report_html("gates")));
}

/// `fixtures/report` is written to show every state once at least.
#[test]
fn every_state_appears_in_the_report_fixture() {
    let m = report_json("report");
    let seen: BTreeSet<CellState> = m
        .plans
        .iter()
        .flat_map(|p| p.cells.iter().map(|c| c.state))
        .collect();
    let all: BTreeSet<CellState> = CellState::ALL.into_iter().collect();
    assert_eq!(seen, all);
}

/// Cells read the gate rows: spot checks by plan and principle.
#[test]
fn report_fixture_cells() {
    let m = report_json("report");
    let feats: Vec<&str> = m.plans.iter().map(|p| p.feature.as_str()).collect();
    assert_eq!(
        feats,
        ["015-edge-proxy", "012-log-shipping", "007-backup-jobs"],
        "newest first"
    );
    let ids: Vec<&str> = m.principles.iter().map(|p| p.id.as_str()).collect();
    let cell = |feat: &str, id: &str| {
        let p = m.plans.iter().find(|p| p.feature == feat).unwrap();
        let i = ids.iter().position(|x| *x == id).unwrap();
        p.cells[i].clone()
    };
    let justified = cell("007-backup-jobs", "least-privilege");
    assert_eq!(justified.state, CellState::Justified);
    let lines: Vec<usize> = justified.entries.iter().map(|e| e.line).collect();
    assert_eq!(
        lines.len(),
        2,
        "the gate row and its Complexity Tracking row: {justified:#?}"
    );
    assert!(
        justified.entries[1].text.starts_with("| Principle III"),
        "{justified:#?}"
    );
    let unjustified = cell("012-log-shipping", "gitops");
    assert_eq!(unjustified.state, CellState::Unjustified);
    assert!(
        unjustified.findings.iter().any(|f| f.code == "CPX001"),
        "the CPX001 finding is behind the cell: {unjustified:#?}"
    );
    assert_eq!(
        cell("012-log-shipping", "idempotence").state,
        CellState::NotAddressed
    );
    assert_eq!(
        cell("007-backup-jobs", "idempotence").state,
        CellState::PassNoEvidence
    );
    assert_eq!(
        cell("007-backup-jobs", "observability").state,
        CellState::NotApplicable
    );
    assert_eq!(cell("015-edge-proxy", "idempotence").state, CellState::Slot);
    let old = m.plans.iter().find(|p| p.feature == "007-backup-jobs").unwrap();
    assert_eq!(
        old.constitution_version.as_deref(),
        Some("2.0.0"),
        "the plan's footer"
    );
    let new = m.plans.iter().find(|p| p.feature == "015-edge-proxy").unwrap();
    assert_eq!(
        new.constitution_version.as_deref(),
        Some("2.1.0"),
        "the constitution's"
    );
    assert!(new.leftovers.iter().all(|f| f.code.starts_with("TPL")));
    assert!(!new.leftovers.is_empty(), "the NEEDS CLARIFICATION marker");
    assert!(
        new.tree.iter().any(|f| f.code.starts_with("TREE")),
        "cluster/edge/ is missing"
    );
    // Summary counts cover every plan.
    for c in &m.summary {
        assert_eq!(c.counts.values().sum::<usize>(), m.plans.len());
    }
}

#[test]
fn iac_findings_are_counted_under_their_principle() {
    let m = report_json("report");
    let total: usize = m
        .principles
        .iter()
        .flat_map(|p| p.iac.iter())
        .map(|r| r.count)
        .sum();
    assert!(
        total > 0,
        "the fixture's manifests break IaC rules: {:#?}",
        m.principles
    );
    for p in &m.principles {
        for r in &p.iac {
            assert_eq!(r.count, r.findings.len());
            assert!(
                r.findings.iter().all(|f| f.path.starts_with("cluster/")),
                "{r:#?}"
            );
        }
    }
}

#[test]
fn baseline_gives_a_trend() {
    let dir = temp_dir("report-baseline");
    common::copy_tree(&fixture("report"), &dir);
    let base = dir.join("baseline.json");
    let r = constable(&[
        "check",
        dir.to_str().unwrap(),
        "--write-baseline",
        base.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Fix one plan's leftover, add a new failing gate to another.
    let edge = dir.join("specs/015-edge-proxy/plan.md");
    let text = std::fs::read_to_string(&edge).unwrap();
    std::fs::write(
        &edge,
        text.replace(
            "[NEEDS CLARIFICATION: who owns the certificate runbook?]",
            "`docs/runbooks/edge.md`",
        ),
    )
    .unwrap();
    let logs = dir.join("specs/012-log-shipping/plan.md");
    let text = std::fs::read_to_string(&logs).unwrap();
    std::fs::write(
        &logs,
        text.replace(
            "| IV. Observability | ✅ PASS |",
            "| IV. Observability | ❌ FAIL |",
        ),
    )
    .unwrap();
    let r = constable(&[
        "report",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        "-",
        "--baseline",
        base.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = from_json(&r.stdout).unwrap();
    let trend = m.trend.expect("a trend with --baseline");
    assert!(trend.fixed.iter().any(|f| f.code == "TPL001"), "{trend:#?}");
    assert!(
        trend
            .new
            .iter()
            .any(|f| f.code == "CPX001" && f.path.ends_with("012-log-shipping/plan.md")),
        "{trend:#?}"
    );
}

#[test]
fn report_writes_the_default_file() {
    let dir = temp_dir("report-default");
    common::copy_tree(&fixture("report"), &dir);
    let r = common::constable_in(&dir, &["report"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(dir.join("constable-report.html")).unwrap();
    assert!(html.contains("<table id=\"matrix\">"));
    assert!(html.contains("015-edge-proxy"));
}

#[test]
fn check_markdown_summary() {
    let dir = fixture("report");
    let r = constable(&["check", dir.to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(r.code, 1, "the fixture has errors: {}", r.stderr);
    let md = r.stdout.replace(env!("CARGO_PKG_VERSION"), "VERSION");
    insta::assert_snapshot!("markdown-report", md);
}

#[test]
fn check_markdown_to_a_file_with_another_format() {
    let dir = temp_dir("report-markdown-out");
    let out = dir.join("summary.md");
    let fx = fixture("report");
    let r = constable(&[
        "check",
        fx.to_str().unwrap(),
        "--format",
        "concise",
        "--format",
        "markdown",
        "-o",
        "/dev/stdout",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("015-edge-proxy") && md.contains("⚖"), "{md}");
    assert!(r.stdout.contains("CPX001"), "{}", r.stdout);
}
