//! Configuration and rule files: selection, severities, per-file ignores,
//! a team's own rules, and compiler-quality errors for broken files.

mod common;
use common::*;

#[test]
fn team_rules_add_a_principle_and_a_forbid_rule() {
    let r = constable(&["check", "fixtures/config/team-rules", "--format", "json"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "TEAM001");
    assert_eq!(f["principle"], "gitops");
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        1,
        "the backups gate passes with evidence: {}",
        r.stdout
    );
    let rules = constable_in(&fixture("config/team-rules"), &["rules"]);
    assert!(rules.stdout.contains("TEAM001"), "{}", rules.stdout);
    assert!(rules.stdout.contains("rules/team.toml"), "{}", rules.stdout);
}

#[test]
fn broken_rule_files_get_positioned_errors() {
    for case in [
        "unknown-key",
        "wrong-type",
        "bad-regex",
        "duplicate-code",
        "unknown-selector",
    ] {
        let r = constable(&["check", &format!("fixtures/config/{case}")]);
        assert_eq!(r.code, 2, "{case}: {}", r.stderr);
        insta::assert_snapshot!(format!("config-error-{case}"), r.stderr);
    }
}

#[test]
fn select_and_ignore_by_code_prefix_name_and_principle() {
    let count = |args: &[&str]| {
        let mut a = vec!["check", "fixtures/helm-gitops-leftovers", "--format", "json"];
        a.extend_from_slice(args);
        let r = constable(&a);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let all = count(&[]);
    assert!(all.iter().any(|c| c == "TPL001") && all.iter().any(|c| c == "CPX001"));
    let tpl = count(&["--select", "TPL"]);
    assert!(
        !tpl.is_empty() && tpl.iter().all(|c| c.starts_with("TPL")),
        "{tpl:?}"
    );
    let named = count(&["--select", "needs-clarification"]);
    assert!(
        !named.is_empty() && named.iter().all(|c| c == "TPL001"),
        "{named:?}"
    );
    let ignored = count(&["--ignore", "TPL001,CPX"]);
    assert!(
        !ignored.iter().any(|c| c == "TPL001" || c.starts_with("CPX")),
        "{ignored:?}"
    );
    let bad = constable(&["check", "fixtures/helm-gitops-leftovers", "--select", "TLP"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("did you mean `TPL"), "{}", bad.stderr);
}

#[test]
fn severity_overrides_and_per_file_ignores() {
    let dir = temp_dir("severity");
    copy_tree(&fixture("example"), &dir);
    std::fs::write(
        dir.join("constable.toml"),
        "[severity]\nTPL = \"warning\"\n\n[per-file-ignores]\n\"specs/001-*/plan.md\" = [\"TPL005\"]\n",
    )
    .unwrap();
    let r = constable_in(&dir, &["check", ".", "--format", "json", "--select", "TPL"]);
    assert_eq!(r.code, 0, "all TPL findings are warnings now: {}", r.stdout);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["severity"] != "error"));
    assert!(
        findings.iter().all(|f| f["code"] != "TPL005"),
        "per-file ignore drops TPL005"
    );
}

#[test]
fn config_flag_points_at_another_file() {
    let dir = temp_dir("config-flag");
    copy_tree(&fixture("example"), &dir);
    std::fs::write(dir.join("strict.toml"), "select = [\"TPL001\"]\n").unwrap();
    let r = constable_in(
        &dir,
        &["check", ".", "--config", "strict.toml", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] == "TPL001"),
        "{}",
        r.stdout
    );
}

#[test]
fn extends_outside_the_root_is_refused() {
    let dir = temp_dir("outside");
    copy_tree(&fixture("example"), &dir);
    std::fs::write(
        dir.join("constable.toml"),
        "extends = [\"builtin:spec-kit\", \"../../etc/rules.toml\"]\n",
    )
    .unwrap();
    let r = constable_in(&dir, &["check", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("does not exist") || r.stderr.contains("outside the repository root"),
        "{}",
        r.stderr
    );
}

#[test]
fn init_writes_principles_from_constitution_md_and_never_overwrites() {
    let dir = temp_dir("init");
    copy_tree(&fixture("config/team-rules"), &dir);
    std::fs::remove_file(dir.join("constable.toml")).unwrap();
    let r = constable_in(&dir, &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(dir.join("constable.toml")).unwrap();
    insta::assert_snapshot!("init-team-rules", written);
    let again = constable_in(&dir, &["init"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"));
    // The written file loads.
    let check = constable_in(&dir, &["check", ".", "--format", "concise"]);
    assert_ne!(check.code, 2, "{}", check.stderr);
}

#[test]
fn committed_json_schema_is_current() {
    let r = constable(&["schema"]);
    assert_eq!(r.code, 0);
    let path = root().join("schema").join("constable.schema.json");
    if std::env::var_os("CONSTABLE_UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &r.stdout).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("schema/constable.schema.json is committed");
    assert_eq!(
        committed, r.stdout,
        "run `CONSTABLE_UPDATE_SCHEMA=1 cargo test --test config` and commit the schema"
    );
}
