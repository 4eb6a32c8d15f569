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

/// The folders directly inside `dir`, sorted.
pub fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// The repositories in `../shared/corpus`, sorted; None, with a visible
/// skip message, when the shared folder is absent.
pub fn corpus_repos() -> Option<Vec<PathBuf>> {
    let Some(corpus) = shared("corpus") else {
        eprintln!("skipped: ../shared/corpus is absent");
        return None;
    };
    Some(subdirs(&corpus))
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

/// The text of the page's `<table id="matrix">`: one line per row, cells
/// separated by ` ┃ `, and under a row one indented line per cell that opens,
/// naming its column, with what is behind it (tags stripped, entities
/// decoded, spaces collapsed).
pub fn table_text(html: &str) -> String {
    let start = html.find("<table id=\"matrix\">").expect("the matrix table");
    let end = start + html[start..].find("</table>").unwrap();
    let table = &html[start..end];
    let mut out = String::new();
    let mut heads: Vec<String> = Vec::new();
    for row in table.split("<tr").skip(1) {
        let row = &row[row.find('>').unwrap() + 1..];
        let mut faces = Vec::new();
        let mut behind = Vec::new();
        for (i, cell) in row.split("<th").flat_map(|c| c.split("<td")).skip(1).enumerate() {
            let cell = format!("<x{cell}");
            match cell.split_once("<div class=\"behind\">") {
                Some((face, more)) => {
                    faces.push(strip(face));
                    let column = heads.get(i).cloned().unwrap_or_default();
                    behind.push(format!("    {column}: {}", strip(more)));
                }
                None => faces.push(strip(&cell)),
            }
        }
        if heads.is_empty() {
            heads = faces.clone();
        }
        out.push_str(&faces.join(" ┃ "));
        out.push('\n');
        for b in behind {
            out.push_str(&b);
            out.push('\n');
        }
    }
    out
}

pub fn strip(s: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
