//! Helpers shared by the integration tests: run the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// `../shared/<sub>`, or None when the shared folder is absent (tests skip).
pub fn shared(sub: &str) -> Option<PathBuf> {
    let p = root().join("..").join("shared").join(sub);
    p.is_dir().then_some(p)
}

/// Remove the environment that changes constable's output: colour and
/// width settings, the CI variables (in GitHub Actions or GitLab CI
/// constable picks that CI's format), the test panic hook and the thread
/// count.
pub fn clean_env(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("CONSTABLE_TEST_PANIC")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("RAYON_NUM_THREADS")
}

/// The seed templates in `../shared/seeds` (`*.txt`), sorted; None, with a
/// visible skip message, when the shared folder is absent.
pub fn seed_files() -> Option<Vec<PathBuf>> {
    let Some(seeds) = shared("seeds") else {
        eprintln!("skipped: ../shared/seeds is absent");
        return None;
    };
    let mut names: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    Some(names)
}

pub fn constable_in(dir: &Path, args: &[&str]) -> Run {
    let out = clean_env(
        Command::new(env!("CARGO_BIN_EXE_constable"))
            .args(args)
            .current_dir(dir),
    )
    .output()
    .expect("the constable binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn constable(args: &[&str]) -> Run {
    constable_in(&root(), args)
}

/// Copy a folder tree (for tests that write).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh temporary folder under the target dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = root()
        .join("target")
        .join("test-tmp")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A plan's text with one new template leftover (`**Owner**: [DATE]`) under its Summary.
pub fn with_leftover(text: &str) -> String {
    text.replacen("## Summary\n", "## Summary\n\n**Owner**: [DATE]\n", 1)
}

/// Rewrite a file in place.
pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// True when a tool the test needs is missing: the test then skips, except
/// in CI, which must install it (see .ci/run).
pub fn missing_tool(available: bool, what: &str) -> bool {
    if available {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install {what} (see .ci/run)"
    );
    eprintln!("skipped: {what} is not installed");
    true
}

/// The concise findings (without the summary line) of `check DIR --iac-only
/// --format concise ARGS`; the run must exit 0 or 1.
pub fn iac_only_findings(dir: &str, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", dir, "--iac-only", "--format", "concise"];
    all.extend_from_slice(args);
    let r = constable(&all);
    assert!(
        r.code == 0 || r.code == 1,
        "exit {}\n{}{}",
        r.code,
        r.stdout,
        r.stderr
    );
    let mut lines: Vec<String> = r.stdout.lines().map(str::to_string).collect();
    lines.pop();
    lines
}
