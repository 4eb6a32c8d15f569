//! Real plans draw no false errors: each fixture under fixtures/precision/
//! is a minimal repository holding one shape real plans use, and each test
//! asserts which findings the shape draws and which it must not.

mod common;
use common::*;

/// (code, path, line, message) of every finding in a fixture.
fn findings(case: &str) -> Vec<(String, String, u64, String)> {
    let dir = format!("fixtures/precision/{case}");
    let r = constable(&[
        "check",
        &dir,
        "--format",
        "json",
        "--ignore",
        "XREF,SPEC,TASK,CHK",
    ]);
    assert!(r.code == 0 || r.code == 1, "{dir}: exit {}\n{}", r.code, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn lines_of(all: &[(String, String, u64, String)], code: &str, path: &str) -> Vec<u64> {
    all.iter()
        .filter(|(c, p, _, _)| c == code && p.ends_with(path))
        .map(|(_, _, l, _)| *l)
        .collect()
}

fn none_of(all: &[(String, String, u64, String)], code: &str) {
    let hits: Vec<_> = all.iter().filter(|(c, ..)| c == code).collect();
    assert!(hits.is_empty(), "unexpected {code}: {hits:#?}");
}

#[test]
fn summaries_checklists_and_known_sections_are_not_principles() {
    let all = findings("summaries");
    // Summary headings and labels, the simplicity checklist, and a gate on
    // the constitution's `## Security Requirements` section.
    none_of(&all, "GATE004");
    none_of(&all, "GATE002");
    none_of(&all, "GATE001");
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn complexity_rows_pair_with_gates_by_subject() {
    let all = findings("complexity");
    let plan = "001-registry/plan.md";
    // `Single replica (no HA)` justifies the High Availability gate.
    assert!(
        !all.iter().any(|(c, _, l, _)| c == "CPX001" && *l == 18),
        "{all:#?}"
    );
    assert!(
        !all.iter().any(|(c, _, l, _)| c == "CPX003" && *l == 36),
        "{all:#?}"
    );
    // The backups gate has no row; the privileged init container row
    // matches no failing gate.
    assert_eq!(lines_of(&all, "CPX001", plan), vec![19]);
    assert_eq!(lines_of(&all, "CPX003", plan), vec![37]);
    // `| Summary | PARTIAL |` is not a gate.
    none_of(&all, "GATE004");
}

#[test]
fn old_memory_constitution_is_used_and_named() {
    for case in ["old-memory", "old-memory-template"] {
        let all = findings(case);
        let gate001: Vec<_> = all.iter().filter(|(c, ..)| c == "GATE001").collect();
        assert_eq!(gate001.len(), 1, "{case}: {all:#?}");
        assert!(
            gate001[0]
                .3
                .contains("`II. Inventory in Git` of `memory/constitution.md`"),
            "{case}: {}",
            gate001[0].3
        );
        none_of(&all, "GATE006");
        none_of(&all, "GATE009");
    }
}

#[test]
fn no_constitution_is_one_finding() {
    let all = findings("no-constitution");
    assert_eq!(all.len(), 1, "{all:#?}");
    let (code, path, line, message) = &all[0];
    assert_eq!(code, "GATE009");
    assert_eq!(path, "specs/001-firewall/plan.md");
    assert_eq!(*line, 13);
    assert!(message.contains("k3s GitOps (built-in)"), "{message}");
}

#[test]
fn unicode_dashes_in_names_and_labels() {
    let all = findings("dashes");
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn research_format_prose_is_not_a_slot() {
    let all = findings("research");
    let plan = "001-research/plan.md";
    // The Decision/Rationale/Alternatives lines describe research.md; the
    // `Decision: [which ingress class]` under Open items is a real slot.
    assert_eq!(lines_of(&all, "TPL002", plan), vec![29]);
}

#[test]
fn structure_trees_options_markers_deletions_patterns() {
    let all = findings("trees");
    let plan = "001-layout/plan.md";
    // Option 1 is not chosen: its paths are not promises. TPL003 still
    // reports both labels.
    assert_eq!(lines_of(&all, "TPL003", plan), vec![22, 27]);
    let tree001: Vec<_> = all
        .iter()
        .filter(|(c, p, ..)| c == "TREE001" && p.ends_with(plan))
        .collect();
    // Only the folder listed for deletion that still exists, as info.
    assert_eq!(tree001.len(), 1, "{tree001:#?}");
    assert_eq!(tree001[0].2, 45);
    assert!(tree001[0].3.contains("for deletion, but it still exists"));
    // `roles/base/tasks/` resolves under the tree's `infra/ansible/`;
    // `ansible/playbooks/` is nowhere.
    let tree002: Vec<_> = all.iter().filter(|(c, ..)| c == "TREE002").collect();
    assert_eq!(tree002.len(), 1, "{tree002:#?}");
    assert!(tree002[0].3.contains("ansible/playbooks/"));
}

#[test]
fn structure_decision_written_as_a_block() {
    let all = findings("trees");
    none_of(&all, "TPL007");
}

#[test]
fn deletion_info_severity() {
    let dir = "fixtures/precision/trees";
    let r = constable(&["check", dir, "--format", "json", "--ignore", "XREF,SPEC,TASK,CHK"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "TREE001")
        .expect("the deletion finding");
    assert_eq!(f["severity"], "info");
}

#[test]
fn gate_status_and_evidence_shapes() {
    let all = findings("gate-status");
    // Empty Status cell beside an answer; a bullet without a status word
    // among bullets that have one.
    assert_eq!(lines_of(&all, "GATE002", "001-table/plan.md"), vec![18]);
    assert_eq!(lines_of(&all, "GATE002", "002-bullets/plan.md"), vec![16]);
    // No entry has a status word: none is singled out.
    assert_eq!(
        lines_of(&all, "GATE002", "003-answered/plan.md"),
        Vec::<u64>::new()
    );
    // A passing row with an empty evidence cell.
    assert_eq!(lines_of(&all, "GATE003", "001-table/plan.md"), vec![19]);
    // `- ✅ **III. Runbooks First**: ...` reads as a pass.
    assert_eq!(lines_of(&all, "GATE002", "002-bullets/plan.md").len(), 1);
}

#[test]
fn open_question_in_a_gate() {
    let all = findings("gate-status");
    let plan = "004-open-question/plan.md";
    assert_eq!(lines_of(&all, "TPL001", plan), vec![17]);
}

#[test]
fn bold_label_after_emoji_claims_a_pass() {
    let all = findings("unfilled-bold");
    assert_eq!(lines_of(&all, "GATE006", "001-claims/plan.md"), vec![15]);
}
