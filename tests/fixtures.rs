//! The fixtures, through the real binary: every check fires on a leftover
//! fixture and stays silent on the clean ones; output is snapshotted.

mod common;
use common::*;
use std::collections::BTreeSet;

const FLAVOURS: &[&str] = &[
    "k3s",
    "specops-stack",
    "helm-gitops",
    "multi-tenant",
    "generic-iac",
];

fn codes(json: &str) -> BTreeSet<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn clean_fixtures_are_silent() {
    for f in FLAVOURS {
        let dir = format!("fixtures/{f}-clean");
        // Info findings say what was not checked (a Helm chart a
        // kustomization inflates is not rendered): they are not defects.
        let r = constable(&[
            "check",
            &dir,
            "--format",
            "json",
            "--fail-on",
            "info",
            "--ignore",
            "KUS002",
        ]);
        assert_eq!(r.code, 0, "{dir}: {}", r.stdout);
        assert!(
            codes(&r.stdout).is_empty(),
            "{dir} should be silent:\n{}",
            r.stdout
        );
    }
}

#[test]
fn leftover_fixtures_fail_with_findings() {
    for f in FLAVOURS {
        let dir = format!("fixtures/{f}-leftovers");
        let r = constable(&["check", &dir, "--format", "concise"]);
        assert_eq!(r.code, 1, "{dir}: {}{}", r.stdout, r.stderr);
        insta::assert_snapshot!(format!("concise-{f}-leftovers"), r.stdout);
    }
}

#[test]
fn every_plan_check_fires_somewhere() {
    let mut fired = BTreeSet::new();
    for f in FLAVOURS {
        let r = constable(&["check", &format!("fixtures/{f}-leftovers"), "--format", "json"]);
        fired.extend(codes(&r.stdout));
    }
    for extra in [
        "fixtures/gates",
        "fixtures/gates-unfilled",
        "fixtures/gates-version",
        "fixtures/iac-all",
        "fixtures/suppressions",
        "fixtures/precision/no-constitution",
        "fixtures/artifacts-leftovers/repo",
        "fixtures/artifacts-draft/repo",
        // TPL008 (the unclosed fence of IBM's template); tests/families.rs
        // checks every family fixture.
        "fixtures/families/iac-spec-kit/leftovers",
    ] {
        let r = constable(&["check", extra, "--format", "json"]);
        fired.extend(codes(&r.stdout));
    }
    // Repositories without plans: their IaC only (TREE006, PRV009, and
    // TREE007 for a file over `[limits] max-file-size`).
    for dir in [
        "fixtures/scope/not-utf8",
        "fixtures/vendored",
        "fixtures/scope/too-large",
    ] {
        let r = constable(&["check", dir, "--iac-only", "--format", "json"]);
        fired.extend(codes(&r.stdout));
    }
    let rules = constable(&["rules", "--format", "json"]);
    let all: Vec<serde_json::Value> = serde_json::from_str(&rules.stdout).unwrap();
    let missing: Vec<&str> = all
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .filter(|c| !fired.contains(*c))
        .collect();
    assert!(missing.is_empty(), "no fixture makes these fire: {missing:?}");
}

#[test]
fn json_contract_on_the_example() {
    let r = constable(&["check", "fixtures/example", "--format", "json"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("json-example", r.stdout);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["version"], 1);
    for f in v["findings"].as_array().unwrap() {
        for key in [
            "code",
            "name",
            "severity",
            "principle",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "help",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
        assert!(!f["path"].as_str().unwrap().contains('\\'));
    }
}

#[test]
fn human_report_on_the_example() {
    let r = constable(&["check", "fixtures/example"]);
    assert_eq!(r.code, 1);
    assert!(
        !r.stdout.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    insta::assert_snapshot!("human-example", r.stdout);
}

#[test]
fn carets_sit_under_wide_characters_and_crlf_lines() {
    let r = constable(&["check", "fixtures/edge/specs/001-crlf/plan.md"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("human-edge-crlf", r.stdout);
    let j = constable(&[
        "check",
        "fixtures/edge/specs/001-crlf/plan.md",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!("json-edge-crlf", j.stdout);
}

#[test]
fn prose_traps_stay_silent() {
    let r = constable(&[
        "check",
        "fixtures/edge/specs/002-prose/plan.md",
        "--format",
        "concise",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.starts_with("0 errors, 0 warnings"), "{}", r.stdout);
}

#[test]
fn a_bad_file_does_not_stop_the_others() {
    let r = constable(&["check", "fixtures/edge", "--format", "concise"]);
    assert_eq!(r.code, 2, "unreadable input means exit 2");
    assert!(r.stderr.contains("specs/003-binary/plan.md"), "{}", r.stderr);
    assert!(r.stderr.contains("not valid UTF-8"), "{}", r.stderr);
    assert!(
        r.stdout.contains("specs/001-crlf/plan.md:"),
        "other plans still checked: {}",
        r.stdout
    );
}

#[test]
fn a_panic_is_exit_3_naming_the_file() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_constable"))
        .args(["check", "fixtures/example", "--format", "concise"])
        .current_dir(root())
        .env("CONSTABLE_TEST_PANIC", "002-alert-routing/plan.md")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("internal error: specs/002-alert-routing/plan.md"),
        "{err}"
    );
    assert!(!err.contains("panicked at"), "raw panic text leaked: {err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("specs/001-longhorn-storage/plan.md:"),
        "other plans still checked"
    );
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let run = |threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_constable"))
            .args(["check", "fixtures", "--format", "json"])
            .current_dir(root())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("4"));
    assert_eq!(one, run("2"));
}

#[test]
fn findings_are_sorted() {
    let r = constable(&["check", "fixtures/generic-iac-leftovers", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let keys: Vec<(String, u64, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn explain_prints_the_doc() {
    let r = constable(&["explain", "TPL002"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("explain-tpl002", r.stdout);
    let by_name = constable(&["explain", "template-placeholder"]);
    assert_eq!(by_name.stdout, r.stdout);
    let bad = constable(&["explain", "TPL02"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("did you mean"), "{}", bad.stderr);
}

#[test]
fn rules_lists_every_rule_with_its_pack() {
    let r = constable(&["rules"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("rules", r.stdout);
}

#[test]
fn missing_path_is_a_usage_error() {
    let r = constable(&["check", "fixtures/does-not-exist"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does-not-exist"));
}

#[test]
fn gate_fixtures() {
    for dir in ["gates", "gates-unfilled", "gates-version", "suppressions"] {
        let r = constable(&["check", &format!("fixtures/{dir}"), "--format", "concise"]);
        insta::assert_snapshot!(format!("concise-{dir}"), r.stdout);
    }
}
