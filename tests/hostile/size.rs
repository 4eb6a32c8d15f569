//! Size caps: every file constable reads is bounded, and a file that is not
//! a regular file is refused without being opened (a FIFO would block).

use super::*;

const PLAN: &str = "# Implementation Plan: Cache\n\n## Summary\n\nA cache.\n";

#[test]
fn dev_zero_as_config_or_baseline_is_refused_at_once() {
    let (_d, repo) = one_plan(PLAN);
    for args in [
        ["check", ".", "--config", "/dev/zero"],
        ["check", ".", "--baseline", "/dev/zero"],
    ] {
        let run = run_in(&repo, &args, 10);
        assert_eq!(run.code, 2, "{args:?}: {}", run.all());
        assert!(
            run.all().contains("/dev/zero") && run.all().contains("character device"),
            "{}",
            run.all()
        );
        assert!(run.took < Duration::from_secs(3), "{args:?} took {:?}", run.took);
    }
}

#[test]
fn fifo_as_config_or_baseline_is_refused_without_blocking() {
    let (_d, repo) = one_plan(PLAN);
    mkfifo(&repo.join("pipe"));
    for args in [
        &["check", ".", "--config", "pipe"][..],
        &["check", ".", "--baseline", "pipe"],
    ] {
        let run = run_in(&repo, args, 10);
        assert_eq!(run.code, 2, "{args:?}: {}", run.all());
        assert!(run.all().contains("FIFO"), "{}", run.all());
    }
    // Found at the root: the same.
    mkfifo(&repo.join("constable.toml"));
    let run = run_in(&repo, &["check", "."], 10);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("constable.toml") && run.stderr.contains("FIFO"),
        "{}",
        run.stderr
    );
}

#[test]
fn oversized_config_rule_and_baseline_files_are_input_errors() {
    let (_d, repo) = one_plan(PLAN);
    let big = "# padding\n".repeat(120_000); // 1.2 MB, over the 1 MiB cap
    std::fs::write(repo.join("big.toml"), format!("{big}select = [\"TPL\"]\n")).unwrap();
    let run = run_in(&repo, &["check", ".", "--config", "big.toml"], 10);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.all().contains("over the 1048576-byte cap"), "{}", run.all());

    std::fs::write(repo.join("constable.toml"), "extends = [\"big.toml\"]\n").unwrap();
    let run = run_in(&repo, &["check", "."], 10);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.all().contains("big.toml") && run.all().contains("cap"),
        "{}",
        run.all()
    );
    std::fs::remove_file(repo.join("constable.toml")).unwrap();

    let pad = " ".repeat(9 * 1024 * 1024);
    std::fs::write(repo.join("baseline.json"), format!("{{\"version\": 1,{pad}}}")).unwrap();
    let run = run_in(&repo, &["check", ".", "--baseline", "baseline.json"], 10);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.all().contains("cap"), "{}", run.all());
}

/// (code, path) of every finding in a JSON run.
fn json_findings(run: &Run) -> Vec<(String, String)> {
    let v: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.all()));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn oversized_plan_artifact_and_iac_files_are_skipped_with_tree007() {
    let s = scratch("example");
    // Over the default cap (4 MiB): a plan, padded with prose.
    let plan = s.repo.join("specs/002-alert-routing/plan.md");
    let mut text = std::fs::read_to_string(&plan).unwrap();
    text.push_str(&"More words about routing. NEEDS CLARIFICATION\n".repeat(100_000));
    std::fs::write(&plan, text).unwrap();
    let run = run_in(&s.repo, &["check", ".", "--format", "json"], 60);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = json_findings(&run);
    let in_plan: Vec<&(String, String)> = found.iter().filter(|(_, p)| p.starts_with("specs/002")).collect();
    assert_eq!(
        in_plan,
        [&(
            "TREE007".to_string(),
            "specs/002-alert-routing/plan.md".to_string()
        )],
        "the big plan is reported once and not read"
    );
    // The rest of the repository is still checked.
    assert!(found.iter().any(|(c, _)| c == "OBS001"), "{found:?}");

    // A configured cap: an artifact and an IaC file over 3000 bytes.
    let s = scratch("example");
    let cap = 12_000;
    std::fs::write(
        s.repo.join("constable.toml"),
        format!("[limits]\nmax-file-size = {cap}\n"),
    )
    .unwrap();
    let spec = s.repo.join("specs/001-longhorn-storage/spec.md");
    std::fs::write(&spec, "# Spec\n".repeat(cap / 4)).unwrap();
    let yaml = s.repo.join("cluster/monitoring/ntfy-bridge.yaml");
    let mut y = std::fs::read_to_string(&yaml).unwrap();
    y.push_str(&"# padding\n".repeat(cap / 8));
    std::fs::write(&yaml, y).unwrap();
    let run = run_in(&s.repo, &["check", ".", "--format", "json"], 60);
    let found = json_findings(&run);
    for path in [
        "specs/001-longhorn-storage/spec.md",
        "cluster/monitoring/ntfy-bridge.yaml",
    ] {
        let codes: Vec<&str> = found
            .iter()
            .filter(|(_, p)| p == path)
            .map(|(c, _)| c.as_str())
            .collect();
        assert_eq!(codes, ["TREE007"], "{path}: {found:?}\n{}", run.stderr);
    }
    // Plans under the cap are still checked.
    assert!(
        found
            .iter()
            .any(|(c, p)| c == "TPL001" && p.starts_with("specs/001")),
        "{found:?}"
    );
}

#[test]
fn oversized_constitution_is_an_input_error() {
    let s = scratch("example");
    std::fs::write(s.repo.join("constable.toml"), "[limits]\nmax-file-size = 500\n").unwrap();
    let run = run_in(&s.repo, &["check", ".", "--format", "concise"], 30);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains(".specify/memory/constitution.md: file is")
            && run.stderr.contains("500-byte cap"),
        "{}",
        run.stderr
    );
}
