//! Streaming the IaC (issue 11): files are parsed and checked a batch at a
//! time, and what a check reports never depends on how the files were
//! batched (`CONSTABLE_BATCH_FILES`, 1 puts every folder, chart and
//! Kustomize graph in a batch of its own).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(dir: &Path, args: &[&str], batch: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_constable"));
    clean_env(&mut cmd).env_remove("CONSTABLE_BATCH_FILES");
    if let Some(b) = batch {
        cmd.env("CONSTABLE_BATCH_FILES", b);
    }
    let out = cmd
        .arg("check")
        .arg(dir)
        .args(args)
        .output()
        .expect("constable runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The fixture repositories: every folder with its own `constable.toml` or
/// `.specify`, and the Kustomize fixtures.
fn fixture_repos() -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        if dir.join("constable.toml").is_file() || dir.join(".specify").is_dir() {
            out.push(dir.to_path_buf());
        }
        if depth == 0 {
            return;
        }
        for c in subdirs(dir).into_iter().filter(|p| !p.is_symlink()) {
            walk(&c, depth - 1, out);
        }
    }
    let mut out = Vec::new();
    walk(&root().join("fixtures"), 3, &mut out);
    out.extend(subdirs(&fixture("kustomize")));
    out
}

fn same_for_every_batch_size(dir: &Path, args: &[&str]) {
    let whole = run(dir, args, Some("1000000"));
    for batch in ["1", "2"] {
        let batched = run(dir, args, Some(batch));
        assert_eq!(
            whole,
            batched,
            "{} {args:?}: one batch and batches of {batch} differ",
            dir.display()
        );
    }
}

#[test]
fn fixture_findings_do_not_depend_on_the_batch_size() {
    let repos = fixture_repos();
    assert!(repos.len() > 40, "{repos:?}");
    for dir in &repos {
        same_for_every_batch_size(dir, &["--format", "json"]);
        same_for_every_batch_size(dir, &["--format", "json", "--iac-only"]);
    }
}

#[test]
fn corpus_findings_do_not_depend_on_the_batch_size() {
    let Some(repos) = corpus_repos() else {
        return;
    };
    assert!(!repos.is_empty());
    for dir in &repos {
        same_for_every_batch_size(dir, &["--format", "json"]);
        same_for_every_batch_size(dir, &["--format", "json", "--iac-only"]);
    }
}

/// Every check that reads more than one file, across batches of one
/// folder each: an Application inside one Kustomize graph makes another
/// graph's base a leaf (its `latest` image is reported as rendered by the
/// base, not hidden by the overlay's pin); a quota in a kustomize base
/// covers a namespace in a plain folder; a Terraform module's backend in
/// its second file.
#[test]
fn checks_that_read_other_files_see_them_across_batches() {
    let dir = fixture("stream");
    let (code, stdout, stderr) = run(&dir, &["--iac-only", "--format", "concise"], Some("1"));
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("stream-fixture", stdout);
}

#[test]
fn a_batch_size_that_is_not_a_number_is_the_default() {
    let dir = fixture("stream");
    let default = run(&dir, &["--iac-only", "--format", "json"], None);
    for bad in ["0", "lots", ""] {
        assert_eq!(
            run(&dir, &["--iac-only", "--format", "json"], Some(bad)),
            default,
            "{bad:?}"
        );
    }
}
