//! Hostile input (issue 10, part 2): files outside the root, oversized and
//! odd files, silent passes, misleading messages, quadratic work, and the
//! promises that already hold (thread-count determinism, a read-only run).
//! Every run is a child process with a time bound, so a hang fails.

#[path = "../common/mod.rs"]
mod common;

mod messages;
mod outside;
mod promises;
mod quadratic;
mod silent;
mod size;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// One run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Run `constable ARGS` in `dir`, killed (and the test failed) after `limit`
/// seconds. Output goes to files, so a large output cannot block the child.
pub fn run_in(dir: &Path, args: &[&str], limit: u64) -> Run {
    run_cmd(
        Command::new(env!("CARGO_BIN_EXE_constable"))
            .args(args)
            .current_dir(dir),
        limit,
    )
}

pub fn run_cmd(cmd: &mut Command, limit: u64) -> Run {
    let out_dir = tempfile::tempdir().unwrap();
    let (o, e) = (out_dir.path().join("out"), out_dir.path().join("err"));
    common::clean_env(cmd)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&o).unwrap())
        .stderr(std::fs::File::create(&e).unwrap());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("the constable binary runs");
    let status = match child.wait_timeout(Duration::from_secs(limit)).unwrap() {
        Some(s) => s,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit} s");
        }
    };
    let took = started.elapsed();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&o).unwrap_or_default(),
        stderr: std::fs::read_to_string(&e).unwrap_or_default(),
        took,
    }
}

/// A scratch folder holding `repo/` (a copy of a fixture, with `.git/` so it
/// is a root of its own) and `outside/` next to it.
pub struct Scratch {
    _dir: tempfile::TempDir,
    pub repo: PathBuf,
    pub outside: PathBuf,
}

pub fn scratch(fixture: &str) -> Scratch {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(dir.path()).unwrap();
    let repo = base.join("repo");
    let outside = base.join("outside");
    common::copy_tree(&common::fixture(fixture), &repo);
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    Scratch {
        _dir: dir,
        repo,
        outside,
    }
}

/// A minimal repository: `.git/` and one plan with the given text.
pub fn one_plan(plan: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("specs/001-x")).unwrap();
    std::fs::write(repo.join("specs/001-x/plan.md"), plan).unwrap();
    (dir, repo)
}

#[cfg(unix)]
pub fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {path:?}");
}

/// Findings of a `--format concise` run, as `path:CODE` strings.
pub fn codes(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .filter_map(|l| {
            let (path, rest) = l.split_once(':')?;
            let code = rest.split_whitespace().nth(2)?;
            Some(format!("{path}:{code}"))
        })
        .collect()
}
