//! The redesigned core, from the outside: typed rule kinds refuse what they
//! cannot run, rules are independent, and the bugs found in the old
//! sequencer stay fixed (each test names the bug).

mod common;
use common::*;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

/// A repository with a `.git` marker, a plan, and an optional constable.toml.
fn repo(name: &str, plan: &str, config: Option<&str>) -> std::path::PathBuf {
    let d = temp_dir(name);
    std::fs::create_dir_all(d.join(".git")).unwrap();
    std::fs::create_dir_all(d.join("specs/001-x")).unwrap();
    std::fs::write(d.join("specs/001-x/plan.md"), plan).unwrap();
    if let Some(c) = config {
        std::fs::write(d.join("constable.toml"), c).unwrap();
    }
    d
}

const EMPTY_CHECK: &str = "# Implementation Plan: X\n\n## Summary\n\nA thing.\n\n## Technical Context\n\n**Language**: YAML\n\n## Constitution Check\n\n*GATE: Must pass before Phase 0 research.*\n\n[Gates determined based on constitution file]\n\n## Project Structure\n\nNone.\n";

const RULE_HEAD: &str = "[[rule]]\ncode = \"TEAM001\"\nname = \"team-rule\"\nseverity = \"warning\"\nhelp = \"h\"\n[rule.doc]\nwhat = \"w\"\nwhy = \"y\"\nfix = \"f\"\nexample = \"e\"\n";

fn team_rule(kind_and_params: &str, message: &str) -> String {
    // The common keys first, then the kind's own, before `[rule.doc]`.
    RULE_HEAD.replacen(
        "help = \"h\"\n",
        &format!("help = \"h\"\nmessage = \"{message}\"\n{kind_and_params}\n"),
        1,
    )
}

fn codes(stdout: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_require_rule_with_stray_keys_is_refused_at_the_key() {
    let cfg = team_rule("kind = \"require\"\npattern = 'x'\nrepo_key = \"repoURL\"", "m");
    let d = repo("stray-key", EMPTY_CHECK, Some(&cfg));
    let r = constable_in(&d, &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("a rule of kind `require` takes no key `repo_key`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_builtin_rule_without_a_registered_check_is_refused() {
    let cfg = team_rule("kind = \"builtin\"", "m");
    let d = repo("unregistered", EMPTY_CHECK, Some(&cfg));
    let r = constable_in(&d, &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no procedural check is registered"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_placeholder_the_kind_cannot_fill_is_refused() {
    let cfg = team_rule("kind = \"require\"\npattern = 'x'", "missing {match}");
    let d = repo("placeholder", EMPTY_CHECK, Some(&cfg));
    let r = constable_in(&d, &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot fill `{match}`"), "{}", r.stderr);
}

#[test]
fn old_kinds_say_what_to_change() {
    let cfg = team_rule("kind = \"forbid\"\nquery = \"$.spec\"", "m");
    let d = repo("migration", EMPTY_CHECK, Some(&cfg));
    let r = constable_in(&d, &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is now `query-forbid`"), "{}", r.stderr);
    let cfg = team_rule("kind = \"line-forbid\"\nselect = {}\npattern = 'x'", "m");
    let d = repo("line-forbid-empty-select", EMPTY_CHECK, Some(&cfg));
    let r = constable_in(&d, &["check", "."]);
    assert_eq!(
        r.code, 2,
        "a line rule that selects no file never fires: {}",
        r.stderr
    );
}

#[test]
fn rules_are_independent_gate001_without_gate008() {
    // The Constitution Check is empty: GATE008 reports it, and GATE001's
    // findings (every principle uncovered) are superseded within the file.
    let d = repo("independent", EMPTY_CHECK, None);
    std::fs::create_dir_all(d.join(".specify/memory")).unwrap();
    std::fs::write(
        d.join(".specify/memory/constitution.md"),
        "# C\n\n## Core Principles\n\n### I. Tested Backups\n\nEvery volume has a restore drill.\n\n## Governance\n\n**Version**: 1.0.0 | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-01\n",
    )
    .unwrap();
    let all = constable_in(&d, &["check", ".", "--format", "json"]);
    let c = codes(&all.stdout);
    assert!(c.contains(&"GATE008".to_string()), "{}", all.stdout);
    assert!(!c.contains(&"GATE001".to_string()), "{}", all.stdout);
    // Ignoring GATE008 no longer silences the gate: GATE001 reports.
    let ignored = constable_in(&d, &["check", ".", "--format", "json", "--ignore", "GATE008"]);
    assert_eq!(ignored.code, 1, "{}", ignored.stdout);
    assert!(
        codes(&ignored.stdout).contains(&"GATE001".to_string()),
        "{}",
        ignored.stdout
    );
    let selected = constable_in(&d, &["check", ".", "--format", "json", "--select", "GATE001"]);
    assert!(
        codes(&selected.stdout).iter().all(|c| c == "GATE001"),
        "{}",
        selected.stdout
    );
    assert!(!codes(&selected.stdout).is_empty(), "{}", selected.stdout);
    // explain shows the precedence.
    let e = constable_in(&d, &["explain", "GATE001"]);
    assert!(e.stdout.contains("Superseded"), "{}", e.stdout);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // Bug: `constable rules | head -1` printed "internal error ... Broken pipe" and exited 3.
    let mut child = Command::new(env!("CARGO_BIN_EXE_constable"))
        .arg("rules")
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("internal error"), "{err}");
}

#[test]
fn json_output_is_json_even_for_a_configuration_error() {
    // Bug: `--format json` printed nothing on stdout for a broken config.
    let r = constable(&["check", "fixtures/config/unknown-key", "--format", "json"]);
    assert_eq!(r.code, 2);
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    assert_eq!(v["version"], 1);
    assert!(
        v["errors"][0]["message"].as_str().unwrap().contains("sevrity"),
        "{}",
        r.stdout
    );
}

#[test]
fn json_summary_counts_infos() {
    // Bug: info findings were left out of the summary.
    let r = constable(&["check", "fixtures/k3s-leftovers", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let infos = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "info")
        .count();
    assert_eq!(v["summary"]["infos"].as_u64().unwrap() as usize, infos);
}

#[test]
fn sarif_rule_descriptions_hold_no_raw_placeholders() {
    // Bug: shortDescription showed `{match}` and `{folder}` for 9 rules.
    let out = temp_dir("sarif-placeholders").join("x.sarif");
    let r = constable(&[
        "check",
        "fixtures/iac-all",
        "--format",
        "sarif",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(r.code <= 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    for rule in v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap() {
        let text = rule["shortDescription"]["text"].as_str().unwrap();
        assert!(
            !text.contains("{match}") && !text.contains("{folder}"),
            "{}: {text}",
            rule["id"]
        );
    }
}

#[test]
fn rules_says_whether_each_rule_runs_here_and_why_not() {
    // Bug: `constable rules` did not say whether a rule runs in this repository.
    let d = repo("rules-runs", EMPTY_CHECK, Some("ignore = [\"TPL004\"]\n"));
    std::fs::create_dir_all(d.join(".specify/memory")).unwrap();
    std::fs::write(
        d.join(".specify/memory/constitution.md"),
        "# C\n\n## Core Principles\n\n### I. Tested Backups\n\nEvery volume has a restore drill.\n\n## Governance\n\n**Version**: 1.0.0 | **Ratified**: 2026-01-01 | **Last Amended**: 2026-01-01\n",
    )
    .unwrap();
    let r = constable_in(&d, &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let get = |code: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(get("TPL001")["runs"], true);
    assert_eq!(get("TPL004")["runs"], false);
    assert!(get("TPL004")["why_not"].as_str().unwrap().contains("ignored"));
    let gitops = get("GIT001");
    assert_eq!(gitops["runs"], false, "no gitops principle in this constitution");
    assert!(gitops["why_not"].as_str().unwrap().contains("gitops"), "{gitops}");
}

#[test]
fn init_writes_the_default_packs() {
    // Bug: init wrote two packs while the default was seven, silently
    // turning every IaC rule off.
    let d = repo("init-packs", EMPTY_CHECK, None);
    let r = constable_in(&d, &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(d.join("constable.toml")).unwrap();
    for pack in constable::load::DEFAULT_EXTENDS {
        assert!(written.contains(pack), "{pack} missing from {written}");
    }
    let before = constable_in(&d, &["rules", "--format", "json"]);
    assert!(Path::new(&d.join("constable.toml")).is_file());
    let n: usize = serde_json::from_str::<serde_json::Value>(&before.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len();
    std::fs::remove_file(d.join("constable.toml")).unwrap();
    let default = constable_in(&d, &["rules", "--format", "json"]);
    let m: usize = serde_json::from_str::<serde_json::Value>(&default.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        n, m,
        "init's configuration loads the same rules as no configuration"
    );
}
