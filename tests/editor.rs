//! The editor path: `check - --stdin-filename PATH`. A buffer must get
//! exactly the findings a full check reports for that file, and a plan
//! buffer must be checked without walking or parsing the IaC tree.

mod common;
use common::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Run constable in `cwd` with `text` on standard input.
fn with_stdin(cwd: &Path, args: &[&str], text: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_constable"))
        .args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("CONSTABLE_TEST_PANIC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn findings(run: &Run) -> Vec<Value> {
    let v: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    v["findings"].as_array().unwrap().clone()
}

/// The path a file is reported under: relative to its repository root.
fn shown(file: &Path) -> String {
    let abs = std::fs::canonicalize(file).unwrap();
    let root = constable::discover::find_root(abs.parent().unwrap());
    abs.strip_prefix(&root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The folder a full check runs on for the file's repository: its root, or
/// the fixture's own folder when the root is this repository (fixtures
/// without a marker of their own).
fn repo_of(file: &Path, fixture: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(file).unwrap();
    let root = constable::discover::find_root(abs.parent().unwrap());
    if root == std::fs::canonicalize(common::root()).unwrap() {
        // The folder holding the plan's `specs/`.
        abs.ancestors()
            .find(|a| a.file_name().is_some_and(|n| n == "specs"))
            .and_then(Path::parent)
            .map_or_else(|| std::fs::canonicalize(fixture).unwrap(), Path::to_path_buf)
    } else {
        root
    }
}

/// Check `file` both ways (a full check of its repository, and its text on
/// standard input) and assert the findings for that file are the same.
/// Returns how many findings the file has.
fn same_both_ways(file: &Path, fixture: &Path, extra: &[&str]) -> usize {
    let repo = repo_of(file, fixture);
    let path = shown(file);
    let mut args = vec!["check", repo.to_str().unwrap(), "--format", "json"];
    args.extend(extra);
    let full = constable_in(&common::root(), &args);
    // 2: a file the full check could not read (another plan, say).
    assert!((0..=2).contains(&full.code), "{}{}", full.stdout, full.stderr);
    let full: Vec<Value> = findings(&full)
        .into_iter()
        .filter(|f| f["path"] == path.as_str())
        .collect();
    let text = std::fs::read_to_string(file).unwrap();
    let file_arg = file.to_str().unwrap();
    let mut args = vec!["check", "-", "--stdin-filename", file_arg, "--format", "json"];
    args.extend(extra);
    let buffer = with_stdin(&common::root(), &args, &text);
    assert!(
        buffer.code == 0 || buffer.code == 1,
        "{}: {}{}",
        path,
        buffer.stdout,
        buffer.stderr
    );
    let buffer = findings(&buffer);
    assert!(
        buffer.iter().all(|f| f["path"] == path.as_str()),
        "a buffer reports only its own file: {buffer:?}"
    );
    assert_eq!(
        full, buffer,
        "{path}: full check (left) and buffer (right) differ"
    );
    full.len()
}

fn files_named(dir: &Path, name: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            files_named(&p, name, out);
        } else if e.file_name() == name {
            out.push(p);
        }
    }
}

/// Every plan among the fixtures (each rule family has fixtures: templates,
/// gates, trees, cross-references, suppressions, team rules), on disk.
#[test]
fn a_plan_buffer_gets_what_a_full_check_reports_for_it() {
    let fixtures = fixture("");
    let mut plans = Vec::new();
    files_named(&fixtures, "plan.md", &mut plans);
    assert!(plans.len() > 30, "{plans:?}");
    let mut total = 0;
    let mut checked = 0;
    for plan in &plans {
        if std::fs::read_to_string(plan).is_err() {
            // Standard input must be UTF-8: a binary plan cannot be a buffer.
            eprintln!("skipped: {} is not UTF-8", plan.display());
            continue;
        }
        // The fixture folder: fixtures/<name>, or fixtures/precision/<name>.
        let rel = plan.strip_prefix(&fixtures).unwrap();
        let mut parts = rel.components();
        let mut fixture = fixtures.join(parts.next().unwrap());
        if fixture.ends_with("precision") {
            fixture.push(parts.next().unwrap());
        }
        total += same_both_ways(plan, &fixture, &[]);
        checked += 1;
    }
    assert!(checked + 1 >= plans.len(), "only {checked} plans checked");
    assert!(
        total > 50,
        "the fixtures' plans have findings to compare: {total}"
    );
}

/// A plan buffer with edits the disk does not have yet (a new leftover) is
/// checked as that text, and equals a full check once the text is saved.
#[test]
fn an_edited_plan_buffer_equals_the_saved_file() {
    let dir = temp_dir("editor-edited");
    copy_tree(&fixture("example"), &dir);
    let plan = dir.join("specs/002-alert-routing/plan.md");
    let edited = with_leftover(&std::fs::read_to_string(&plan).unwrap());
    let args = [
        "check",
        "-",
        "--stdin-filename",
        "specs/002-alert-routing/plan.md",
        "--format",
        "json",
    ];
    let before = findings(&with_stdin(&dir, &args, &edited));
    assert!(before.iter().any(|f| f["code"] == "TPL002"), "{before:?}");
    std::fs::write(&plan, &edited).unwrap();
    let n = same_both_ways(&plan, &dir, &[]);
    assert_eq!(n, before.len());
    let after = findings(&with_stdin(&dir, &args, &edited));
    assert_eq!(before, after);
}

/// IaC files with findings in each IaC family: Kubernetes, Kustomize
/// (patches and rendered bases), Argo CD, Helm, Ansible, Terraform, shell.
#[test]
fn an_iac_buffer_gets_what_a_full_check_reports_for_it() {
    let mut compared = 0;
    let mut with_findings = 0;
    let mut repos = Vec::new();
    for name in [
        "example",
        "iac-all",
        "multi-tenant-leftovers",
        "helm-gitops-leftovers",
    ] {
        repos.push((fixture(name), &[][..]));
    }
    repos.push((fixture("iac-only"), &["--iac-only"][..]));
    // The Kustomize cases are folders without a root of their own: each is
    // copied into a repository of its own.
    for case in ["probes-in-overlays", "no-limits", "latest-tag", "json6902"] {
        let dir = temp_dir(&format!("editor-kustomize-{case}"));
        copy_tree(&fixture("kustomize").join(case), &dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        repos.push((dir, &["--iac-only"][..]));
    }
    for (repo, extra) in repos {
        let name = repo.display().to_string();
        let mut args = vec!["check", repo.to_str().unwrap(), "--format", "json"];
        args.extend(extra);
        let full = findings(&constable(&args));
        let mut paths: Vec<String> = full
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .filter(|p| constable::discover::classify_named(Path::new(p)) == constable::discover::Named::Iac)
            .collect();
        paths.sort();
        paths.dedup();
        assert!(!paths.is_empty(), "{name} has IaC findings");
        let root = constable::discover::find_root(&std::fs::canonicalize(&repo).unwrap());
        for p in paths {
            with_findings += usize::from(same_both_ways(&root.join(&p), &repo, extra) > 0);
            compared += 1;
        }
    }
    assert!(
        compared >= 10 && with_findings == compared,
        "{compared} {with_findings}"
    );
}

/// A plan buffer does not walk or parse the IaC tree: an IaC file that
/// cannot be read (not UTF-8) under the folder the plan points to is a
/// problem for a full check, and unseen for the buffer, whose findings are
/// still the full check's.
#[test]
fn a_plan_buffer_does_not_read_the_iac_tree() {
    let dir = temp_dir("editor-no-iac");
    copy_tree(&fixture("example"), &dir);
    let bad = dir.join("cluster/infrastructure/broken.yaml");
    std::fs::write(&bad, b"kind: ConfigMap\nname: \xff\xfe\n").unwrap();
    let full = constable_in(&dir, &["check", ".", "--format", "concise"]);
    assert_eq!(full.code, 2, "{}{}", full.stdout, full.stderr);
    assert!(
        full.stderr.contains("cluster/infrastructure/broken.yaml"),
        "the full check reads the IaC tree: {}",
        full.stderr
    );
    for plan in [
        "specs/001-longhorn-storage/plan.md",
        "specs/002-alert-routing/plan.md",
    ] {
        let text = std::fs::read_to_string(dir.join(plan)).unwrap();
        let run = with_stdin(
            &dir,
            &[
                "check",
                "-",
                "--stdin-filename",
                plan,
                "--format",
                "concise",
                "-v",
            ],
            &text,
        );
        assert!(run.code == 0 || run.code == 1, "{}{}", run.stdout, run.stderr);
        assert!(
            !run.stderr.contains("broken.yaml") && !run.stdout.contains("broken.yaml"),
            "the IaC tree was read: {}{}",
            run.stdout,
            run.stderr
        );
        let mine: Vec<&str> = full
            .stdout
            .lines()
            .filter(|l| l.starts_with(&format!("{plan}:")))
            .collect();
        let got: Vec<&str> = run.stdout.lines().filter(|l| l.contains(": ")).collect();
        assert_eq!(mine, got, "{plan}");
    }
    // A plan named as a file (not a buffer) still checks its IaC.
    let named = constable_in(&dir, &["check", "specs/001-longhorn-storage/plan.md"]);
    assert_eq!(named.code, 2, "{}{}", named.stdout, named.stderr);
}
