//! Promises that already hold, kept as tests: the output does not depend on
//! the number of threads, and a run writes nothing into the checked tree.

use super::*;
use std::collections::BTreeMap;

/// Fixtures with several plans and IaC (Kustomize, Argo CD, Ansible).
const REPOS: &[&str] = &[
    "example",
    "report",
    "multi-tenant-leftovers",
    "iac-all",
    "kustomize",
];

/// Every `check --format` value (`constable check --help`).
const FORMATS: &[&str] = &[
    "human",
    "concise",
    "json",
    "json-lines",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "markdown",
];

#[test]
fn output_is_byte_identical_at_1_2_and_8_threads() {
    for repo in REPOS {
        let dir = common::fixture(repo);
        for format in ["json", "human", "concise", "sarif"] {
            let mut first: Option<(usize, Run)> = None;
            for threads in [1, 2, 8] {
                let run = run_cmd(
                    Command::new(env!("CARGO_BIN_EXE_constable"))
                        .args(["check", ".", "--format", format])
                        .env("RAYON_NUM_THREADS", threads.to_string())
                        .current_dir(&dir),
                    60,
                );
                assert!(run.code == 0 || run.code == 1, "{repo} {format}: {}", run.stderr);
                assert!(!run.stdout.is_empty(), "{repo} {format}: no output");
                match &first {
                    None => first = Some((threads, run)),
                    Some((t, r)) => {
                        assert_eq!(
                            (r.code, &r.stdout, &r.stderr),
                            (run.code, &run.stdout, &run.stderr),
                            "{repo} --format {format}: {t} and {threads} threads differ"
                        );
                    }
                }
            }
        }
    }
}

/// Every file and folder under `root` (the `.git` folder included): its
/// bytes (files), its mtime, and its kind.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Option<Vec<u8>>, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            let bytes = if m.is_file() {
                Some(std::fs::read(e.path()).unwrap())
            } else {
                None
            };
            if m.is_dir() {
                stack.push(e.path());
            }
            out.insert(e.path(), (bytes, m.modified().unwrap()));
        }
    }
    out
}

#[test]
fn no_run_writes_to_the_checked_tree() {
    for repo in ["example", "report"] {
        let s = scratch(repo);
        let before = snapshot(&s.repo);
        assert!(before.len() > 10, "{repo}: {} entries", before.len());
        let mut runs: Vec<Vec<String>> = FORMATS
            .iter()
            .map(|f| vec!["check".into(), ".".into(), "--format".into(), f.to_string()])
            .collect();
        // All formats at once, each to standard output.
        runs.push(
            ["check", "."]
                .into_iter()
                .map(String::from)
                .chain(
                    FORMATS
                        .iter()
                        .flat_map(|f| ["--format".to_string(), f.to_string()]),
                )
                .collect(),
        );
        runs.push(vec!["check".into(), ".".into(), "--statistics".into()]);
        for f in ["html", "json"] {
            // `report` writes constable-report.html by default: to stdout here.
            runs.push(vec![
                "report".into(),
                ".".into(),
                "--format".into(),
                f.to_string(),
                "-o".into(),
                "-".into(),
            ]);
        }
        for args in &runs {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = run_in(&s.repo, &args, 60);
            assert!(run.code == 0 || run.code == 1, "{repo} {args:?}: {}", run.stderr);
            assert!(!run.stdout.is_empty(), "{repo} {args:?}: no output");
            let after = snapshot(&s.repo);
            assert!(
                before == after,
                "{repo}: `constable {}` changed the checked tree",
                args.join(" ")
            );
        }
    }
}
