//! The IaC rules against their oracle: fixtures/iac-all/EXPECTED.md lists
//! every finding (each rule exactly once) by path, line, column and code.

mod common;
use common::*;

fn found(args: &[&str]) -> Vec<String> {
    let r = constable(args);
    let mut v: Vec<String> = r
        .stdout
        .lines()
        .filter_map(|l| {
            let (loc, rest) = l.split_once(": ")?;
            let code = rest.split_whitespace().nth(1)?;
            Some(format!("{loc} {code}"))
        })
        .collect();
    v.sort();
    v
}

fn expected(fixture_name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture(fixture_name).join("EXPECTED.md")).unwrap();
    let re = regex::Regex::new(r"^\S+:\d+:\d+ [A-Z]+\d+$").unwrap();
    let mut v: Vec<String> = text
        .lines()
        .filter(|l| re.is_match(l))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

#[test]
fn every_iac_rule_fires_once_where_expected() {
    let got = found(&["check", "fixtures/iac-all", "--format", "concise", "--quiet"]);
    assert_eq!(got, expected("iac-all"));
    let codes: std::collections::BTreeSet<&str> = got.iter().filter_map(|l| l.rsplit(' ').next()).collect();
    for code in [
        "TREE001", "TREE002", "TREE003", "TREE004", "GIT001", "GIT002", "GIT003", "IDM001", "IDM002",
        "IDM003", "IDM004", "IDM005", "PRV001", "PRV002", "PRV003", "PRV004", "PRV005", "PRV006", "PRV007",
        "PRV008", "OBS001", "OBS002", "OBS003", "OBS004", "DOC001", "DOC002", "SUP002",
    ] {
        assert_eq!(
            got.iter().filter(|l| l.ends_with(&format!(" {code}"))).count(),
            1,
            "{code} should fire exactly once"
        );
        assert!(codes.contains(code));
    }
}

#[test]
fn iac_only_checks_a_repository_without_plans() {
    let got = found(&[
        "check",
        "--iac-only",
        "fixtures/iac-only",
        "--format",
        "concise",
        "--quiet",
    ]);
    assert_eq!(got, expected("iac-only"));
}

#[test]
fn a_named_iac_file_is_checked_alone_with_its_repository_as_context() {
    let r = constable(&[
        "check",
        "fixtures/iac-all/cluster/tenants/sailing/rbac.yaml",
        "--format",
        "concise",
        "--quiet",
    ]);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(
        r.stdout
            .starts_with("cluster/tenants/sailing/rbac.yaml:9:3: error PRV002"),
        "{}",
        r.stdout
    );
}

#[test]
fn iac_findings_per_rule_on_the_fixtures() {
    // The record of how many findings each rule raises on the fixtures.
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for dir in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.join("specs").is_dir() && !dir.ends_with("iac-only") {
            continue;
        }
        let mut args = vec!["check", dir.to_str().unwrap(), "--format", "json"];
        if dir.ends_with("iac-only") {
            args.push("--iac-only");
        }
        let r = constable(&args);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        for f in v["findings"].as_array().unwrap() {
            *counts.entry(f["code"].as_str().unwrap().to_string()).or_default() += 1;
        }
    }
    let table: String = counts.iter().map(|(c, n)| format!("{c} {n}\n")).collect();
    insta::assert_snapshot!("findings-per-rule", table);
}

#[test]
fn a_path_outside_the_root_is_reported_not_followed() {
    let dir = temp_dir("outside-root");
    copy_tree(&fixture("iac-all"), &dir);
    let app = dir.join("cluster/argocd/applications/ledger.yaml");
    let text = std::fs::read_to_string(&app).unwrap();
    std::fs::write(
        &app,
        text.replace("cluster/apps/ledger/overlays/prod", "../../etc"),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", dir.join("cluster/apps/escape")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("cluster"), dir.join("cluster/apps/loop")).unwrap();
    let r = constable_in(&dir, &["check", ".", "--format", "concise", "--quiet"]);
    assert!(r.code == 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("`../../etc` points outside the repository"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("passwd"), "never reads outside the root");
}
