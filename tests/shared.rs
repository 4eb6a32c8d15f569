//! The seeds and the real-world corpus in ../shared. Skipped when absent.

mod common;
use common::*;

#[test]
fn every_seed_is_flagged() {
    let Some(names) = seed_files() else {
        return;
    };
    assert_eq!(names.len(), 5);
    let mut summary = String::new();
    for seed in names {
        let r = constable(&["check", seed.to_str().unwrap(), "--format", "json"]);
        assert_eq!(r.code, 1, "{}: {}", seed.display(), r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let mut codes: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        codes.sort();
        codes.dedup();
        summary.push_str(&format!(
            "{}: {}\n",
            seed.file_name().unwrap().to_string_lossy(),
            codes.join(" ")
        ));
    }
    insta::assert_snapshot!("seed-codes", summary);
}

#[test]
fn corpus_never_crashes_and_findings_are_stable() {
    let Some(repos) = corpus_repos() else {
        return;
    };
    let mut out = String::new();
    for repo in repos {
        // Repositories without plans are checked as IaC only.
        let mut args = vec!["check", repo.to_str().unwrap(), "--format", "concise", "--quiet"];
        if !repo.join("specs").is_dir() {
            args.push("--iac-only");
        }
        let r = constable(&args);
        assert!(
            r.code == 0 || r.code == 1,
            "{}: exit {} {}",
            repo.display(),
            r.code,
            r.stderr
        );
        out.push_str(&format!(
            "## {}\n{}",
            repo.file_name().unwrap().to_string_lossy(),
            r.stdout
        ));
    }
    insta::assert_snapshot!("corpus-concise", out);
}
