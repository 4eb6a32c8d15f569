//! Messages that say what is wrong: UTF-16 is named, an `extends` cycle is
//! named with its chain, and a huge expression is not echoed whole.

use super::*;

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    out.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    out
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    out.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    out
}

/// A plan with nothing wrong but its configuration.
const CACHE_PLAN: &str = "# Implementation Plan: Cache\n\n## Summary\n\nA cache.\n";

/// The documentation every team rule needs.
const DOC: &str = "doc = { what = \"w\", why = \"y\", fix = \"f\", example = \"e\" }\n";

#[test]
fn utf16_plan_config_and_yaml_say_utf16() {
    let plan = CACHE_PLAN;
    for (bytes, how) in [
        (utf16le(plan, true), "FF FE"),
        (utf16be(plan), "FE FF"),
        (utf16le(plan, false), "no byte-order mark"),
    ] {
        let (_d, repo) = one_plan("");
        std::fs::write(repo.join("specs/001-x/plan.md"), bytes).unwrap();
        let run = run_in(&repo, &["check", "."], 20);
        assert_eq!(run.code, 2, "{}", run.all());
        assert!(
            run.stderr.contains("UTF-16") && run.stderr.contains(how),
            "{}",
            run.stderr
        );
    }
    let (_d, repo) = one_plan(plan);
    std::fs::write(repo.join("constable.toml"), utf16le("select = [\"TPL\"]\n", true)).unwrap();
    let run = run_in(&repo, &["check", "."], 20);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("UTF-16"), "{}", run.stderr);

    let (_d, repo) = one_plan(plan);
    std::fs::write(repo.join("app.yaml"), utf16le("kind: ConfigMap\n", true)).unwrap();
    let run = run_in(&repo, &["check", "--iac-only", "."], 20);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("app.yaml") && run.stderr.contains("UTF-16"),
        "{}",
        run.stderr
    );
}

#[test]
fn config_that_extends_itself_says_cycle() {
    let plan = CACHE_PLAN;
    let (_d, repo) = one_plan(plan);
    std::fs::write(
        repo.join("constable.toml"),
        "extends = [\"builtin:spec-kit\", \"constable.toml\"]\n",
    )
    .unwrap();
    let run = run_in(&repo, &["check", "."], 20);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("cycle: constable.toml → constable.toml"),
        "{}",
        run.stderr
    );

    // Through a chain.
    std::fs::create_dir_all(repo.join("team")).unwrap();
    std::fs::write(repo.join("constable.toml"), "extends = [\"team/base.toml\"]\n").unwrap();
    std::fs::write(repo.join("team/base.toml"), "extends = [\"more.toml\"]\n").unwrap();
    std::fs::write(repo.join("team/more.toml"), "extends = [\"../constable.toml\"]\n").unwrap();
    let run = run_in(&repo, &["check", ".", "--format", "json"], 20);
    assert_eq!(run.code, 2, "{}", run.all());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let msg = v["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("cycle: constable.toml → team/base.toml → team/more.toml → constable.toml"),
        "{}",
        run.all()
    );
}

#[test]
fn huge_regex_or_jsonpath_is_not_echoed_whole() {
    let plan = CACHE_PLAN;
    let huge_regex = format!("({}", "a".repeat(100_000));
    let huge_path = format!("$.{}", "b".repeat(100_000));
    let rules = [
        format!("[[rule]]\ncode = \"TEAM001\"\nname = \"team-a\"\nseverity = \"error\"\nkind = \"forbid\"\nmessage = \"m\"\nhelp = \"h\"\n{DOC}pattern = \"{huge_regex}\"\n"),
        format!("[[rule]]\ncode = \"TEAM002\"\nname = \"team-b\"\nseverity = \"error\"\nkind = \"query-forbid\"\nmessage = \"m\"\nhelp = \"h\"\n{DOC}select = {{ class = [\"kubernetes\"] }}\nquery = [\"{huge_path}\"]\n"),
    ];
    for rule in rules {
        let (_d, repo) = one_plan(plan);
        std::fs::write(repo.join("team.toml"), &rule).unwrap();
        std::fs::write(
            repo.join("constable.toml"),
            "extends = [\"builtin:spec-kit\", \"team.toml\"]\n",
        )
        .unwrap();
        for format in ["human", "json"] {
            let run = run_in(&repo, &["check", ".", "--format", format], 20);
            assert_eq!(run.code, 2, "{}", &run.all()[..run.all().len().min(2000)]);
            assert!(
                run.all().len() < 10_000,
                "{format}: {} bytes of output",
                run.all().len()
            );
            assert!(
                run.all().contains("100001") || run.all().contains("100002"),
                "{}",
                run.all()
            );
        }
    }
}

#[test]
fn deeply_nested_jsonpath_is_refused_at_load_with_its_position() {
    let plan = CACHE_PLAN;
    // 10,000 nested filters overflowed the stack; 100 hung.
    for depth in [100, 10_000] {
        let path = format!("${}", "[?@".repeat(depth)) + &"]".repeat(depth);
        let rule = format!(
            "[[rule]]\ncode = \"TEAM003\"\nname = \"team-c\"\nseverity = \"error\"\nkind = \"query-forbid\"\nmessage = \"m\"\nhelp = \"h\"\n{DOC}select = {{ class = [\"kubernetes\"] }}\nquery = [\"{path}\"]\n"
        );
        let (_d, repo) = one_plan(plan);
        std::fs::write(repo.join("team.toml"), &rule).unwrap();
        std::fs::write(
            repo.join("constable.toml"),
            "extends = [\"builtin:spec-kit\", \"team.toml\"]\n",
        )
        .unwrap();
        let run = run_in(&repo, &["check", "."], 20);
        assert_eq!(
            run.code,
            2,
            "depth {depth}: {}",
            &run.all()[..run.all().len().min(2000)]
        );
        assert!(
            run.stderr.contains("team.toml:10:"),
            "depth {depth}: no position: {}",
            run.stderr
        );
        assert!(
            run.all().len() < 10_000,
            "depth {depth}: {} bytes of output",
            run.all().len()
        );
    }
}
