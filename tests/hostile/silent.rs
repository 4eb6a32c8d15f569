//! No silent passes: a plan or constitution that is there but cannot be
//! read is an error, never "no plans found" or the default constitution.

use super::*;

const PLAN: &str = "# Implementation Plan: Cache\n\n## Summary\n\nA cache.\n";

fn refused(repo: &Path, what: &str, expect: &str) {
    let run = run_in(repo, &["check", ".", "--format", "concise"], 20);
    assert_eq!(run.code, 2, "{what}: {}", run.all());
    assert!(!run.stderr.contains("no plans found"), "{what}: {}", run.stderr);
    assert!(
        run.stderr.contains(expect),
        "{what}: want `{expect}` in\n{}",
        run.stderr
    );
}

#[test]
fn plan_that_is_a_symlink_fifo_or_folder_is_an_error() {
    let (_d, repo) = one_plan(PLAN);
    let plan = repo.join("specs/001-x/plan.md");
    std::fs::rename(&plan, repo.join("real-plan.md")).unwrap();
    // Inside the root or not, a symlink is not followed.
    symlink(&repo.join("real-plan.md"), &plan);
    refused(&repo, "symlink", "specs/001-x/plan.md: is a symlink");

    std::fs::remove_file(&plan).unwrap();
    mkfifo(&plan);
    refused(&repo, "FIFO", "specs/001-x/plan.md: is a FIFO");

    std::fs::remove_file(&plan).unwrap();
    std::fs::create_dir(&plan).unwrap();
    refused(&repo, "folder", "specs/001-x/plan.md: is a folder");
}

#[test]
fn feature_folder_symlinked_outside_is_an_error() {
    let (_d, repo) = one_plan(PLAN);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("plan.md"), PLAN).unwrap();
    symlink(outside.path(), &repo.join("specs/002-elsewhere"));
    refused(&repo, "feature folder", "lies under `specs/002-elsewhere`");
}

#[test]
fn constitution_that_is_a_fifo_or_folder_is_an_error() {
    let s = scratch("example");
    let c = s.repo.join(".specify/memory/constitution.md");
    std::fs::remove_file(&c).unwrap();
    mkfifo(&c);
    refused(&s.repo, "FIFO", ".specify/memory/constitution.md: is a FIFO");
    std::fs::remove_file(&c).unwrap();
    std::fs::create_dir(&c).unwrap();
    refused(&s.repo, "folder", ".specify/memory/constitution.md: is a folder");
}

#[test]
fn artifact_that_is_a_fifo_is_an_error() {
    let s = scratch("example");
    let spec = s.repo.join("specs/001-longhorn-storage/spec.md");
    std::fs::remove_file(&spec).unwrap();
    mkfifo(&spec);
    refused(&s.repo, "spec.md FIFO", "spec.md: is a FIFO");
}
