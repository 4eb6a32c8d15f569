//! Where constable runs: pre-commit (the real framework), editors (stdin and
//! the language server), pull requests (--changed-since) and suppressions.

mod common;
#[path = "common/wheel.rs"]
mod wheel_build;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A copy of the example fixture as a git repository with one commit.
fn committed_example(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    copy_tree(&fixture("example"), &dir);
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    dir
}

/// `check . --changed-since HEAD --format concise --quiet` in `dir`.
fn changed_since_head(dir: &Path) -> Run {
    constable_in(
        dir,
        &[
            "check",
            ".",
            "--changed-since",
            "HEAD",
            "--format",
            "concise",
            "--quiet",
        ],
    )
}

fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn markdown_suppressions_and_their_findings() {
    let dir = temp_dir("suppress");
    copy_tree(&fixture("example"), &dir);
    let plan = dir.join("specs/001-longhorn-storage/plan.md");
    let text = std::fs::read_to_string(&plan).unwrap();
    let text = text.replacen(
        "**Performance Goals**",
        "<!-- constable-disable-next-line TPL001 -- target agreed after the pilot -->\n**Performance Goals**",
        1,
    );
    let text = format!(
        "{text}\n<!-- constable-disable-file TPL005 -->\n<!-- constable-disable-next-line TPL002 -- nothing here -->\nplain line\n<!-- constable-disable-next-line TPL999 -- typo -->\n"
    );
    std::fs::write(&plan, text).unwrap();
    let r = constable_in(&dir, &["check", ".", "--format", "concise", "--quiet"]);
    let codes: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split(": ").nth(1)?.split_whitespace().nth(1))
        .collect();
    assert!(!codes.contains(&"TPL001"), "suppressed: {}", r.stdout);
    assert!(
        !codes.contains(&"TPL005"),
        "suppressed for the file: {}",
        r.stdout
    );
    assert!(
        codes.contains(&"SUP002"),
        "file suppression without reason: {}",
        r.stdout
    );
    assert!(codes.contains(&"SUP001"), "unused suppression: {}", r.stdout);
    assert!(codes.contains(&"SUP003"), "unknown code: {}", r.stdout);
}

#[test]
fn stdin_is_checked_as_the_named_file() {
    let path = "fixtures/example/specs/002-alert-routing/plan.md";
    let clean = std::fs::read_to_string(root().join(path)).unwrap();
    let dirty = with_leftover(&clean);
    let mut child = Command::new(env!("CARGO_BIN_EXE_constable"))
        .args([
            "check",
            "--stdin-filename",
            path,
            "-",
            "--format",
            "concise",
            "--quiet",
        ])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(dirty.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("specs/002-alert-routing/plan.md:") && stdout.contains("TPL002"),
        "{stdout}"
    );
}

#[test]
fn changed_since_checks_only_what_changed() {
    let dir = committed_example("changed");
    let unchanged = constable_in(
        &dir,
        &["check", ".", "--changed-since", "HEAD", "--format", "concise"],
    );
    assert_eq!(unchanged.code, 0, "{}{}", unchanged.stdout, unchanged.stderr);
    edit(&dir.join("specs/002-alert-routing/plan.md"), |t| {
        with_leftover(&t)
    });
    let r = changed_since_head(&dir);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("specs/002-alert-routing/plan.md"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("specs/001-longhorn-storage/plan.md"),
        "unchanged plan not checked: {}",
        r.stdout
    );
}

#[test]
fn pre_commit_refuses_a_bad_plan_and_accepts_a_clean_one() {
    if missing_tool(have("pre-commit"), "pre-commit") {
        return;
    }
    // The hook is the pre-commit mirror's `language: python` hook, installed
    // by pip from the locally built wheel: no index, nothing compiled.
    let Some(house) = wheel_build::wheelhouse() else {
        return;
    };
    let version = env!("CARGO_PKG_VERSION");
    let mirror = temp_dir("precommit-mirror");
    copy_tree(&root().join("pre-commit-mirror"), &mirror);
    git(&mirror, &["init", "-q", "-b", "main"]);
    git(&mirror, &["add", "-A"]);
    git(&mirror, &["commit", "-q", "-m", "mirror"]);
    git(&mirror, &["tag", &format!("v{version}")]);

    let dir = temp_dir("precommit");
    copy_tree(&fixture("k3s-clean"), &dir);
    let config = format!(
        "repos:\n  - repo: {}\n    rev: v{version}\n    hooks:\n      - id: constable\n",
        mirror.display()
    );
    std::fs::write(dir.join(".pre-commit-config.yaml"), config).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    // A clean repository: the commit goes through.
    git(&dir, &["add", "-A"]);
    let env_home = dir.join(".pre-commit-home");
    let commit = |msg: &str| {
        Command::new("git")
            .args(["commit", "-q", "-m", msg])
            .current_dir(&dir)
            .env("PRE_COMMIT_HOME", &env_home)
            .env("PIP_FIND_LINKS", &house.dir)
            .env("PIP_NO_INDEX", "1")
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap()
    };
    let install = Command::new("pre-commit")
        .arg("install")
        .current_dir(&dir)
        .env("PRE_COMMIT_HOME", &env_home)
        .output()
        .unwrap();
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    let ok = commit("clean plan");
    assert!(
        ok.status.success(),
        "clean commit refused: {}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    let ok_out = format!(
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        ok_out
            .lines()
            .any(|l| l.starts_with("constable") && l.ends_with("Passed")),
        "the hook ran and passed: {ok_out}"
    );
    // pre-commit's environment holds the wheel's constable.
    let installed = std::fs::read_dir(&env_home)
        .unwrap()
        .filter_map(|e| e.ok())
        .flat_map(|repo| std::fs::read_dir(repo.path()).into_iter().flatten())
        .filter_map(|e| e.ok())
        .map(|env| env.path().join("bin").join("constable"))
        .find(|exe| exe.is_file())
        .expect("constable installed in a pre-commit python environment");
    let v = Command::new(&installed).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("constable {version}")
    );
    // A plan with leftovers: refused, with the findings shown.
    let bad_plan = dir.join("specs/013-media-ingress");
    std::fs::create_dir_all(&bad_plan).unwrap();
    std::fs::copy(
        fixture("k3s-leftovers").join("specs/013-media-ingress/plan.md"),
        bad_plan.join("plan.md"),
    )
    .unwrap();
    git(&dir, &["add", "specs/013-media-ingress/plan.md"]);
    let bad = commit("plan with leftovers");
    assert!(!bad.status.success(), "bad commit went through");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(
        out.contains("specs/013-media-ingress/plan.md:") && out.contains("TPL001"),
        "{out}"
    );
}

fn send(stdin: &mut impl Write, msg: &serde_json::Value) {
    let body = msg.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
    stdin.flush().unwrap();
}

fn receive(out: &mut impl BufRead) -> serde_json::Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().unwrap();
        }
    }
    let mut buf = vec![0; len];
    out.read_exact(&mut buf).unwrap();
    serde_json::from_slice(&buf).unwrap()
}

fn next_diagnostics(out: &mut impl BufRead) -> serde_json::Value {
    loop {
        let m = receive(out);
        if m["method"] == "textDocument/publishDiagnostics" {
            return m["params"].clone();
        }
    }
}

#[test]
fn language_server_publishes_and_clears_diagnostics() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_constable"))
        .arg("server")
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "processId": null, "rootUri": null}}),
    );
    let init = receive(&mut stdout);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let path = root().join("fixtures/example/specs/002-alert-routing/plan.md");
    let uri = format!("file://{}", path.display());
    let clean = std::fs::read_to_string(&path).unwrap();
    let dirty = clean.replacen("## Summary\n", "## Summary\n\n**Owner**: 運用 [DATE]\n", 1);
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": dirty}}}),
    );
    let d = next_diagnostics(&mut stdout);
    let diags = d["diagnostics"].as_array().unwrap();
    let tpl = diags
        .iter()
        .find(|x| x["code"] == "TPL002")
        .unwrap_or_else(|| panic!("no TPL002 in {d}"));
    assert_eq!(tpl["severity"], 1);
    assert_eq!(tpl["source"], "constable");
    assert!(tpl["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("TPL002.md"));
    // `**Owner**: 運用 ` is 14 UTF-16 units before the bracket.
    assert_eq!(tpl["range"]["start"]["character"], 14);
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": clean}]}}),
    );
    let d = next_diagnostics(&mut stdout);
    assert_eq!(
        d["diagnostics"].as_array().unwrap().len(),
        0,
        "fixed text clears diagnostics: {d}"
    );
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    let bye = receive(&mut stdout);
    assert_eq!(bye["id"], 2);
    send(
        &mut stdin,
        &serde_json::json!({"jsonrpc": "2.0", "method": "exit"}),
    );
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success());
}

/// What changed besides plans, IaC and rules (a README, a runbook, source
/// code) is not checked as a plan; a changed spec.md or tasks.md is checked
/// with its feature, through the plan beside it.
#[test]
fn changed_since_skips_what_is_not_a_plan_and_checks_artifacts_with_their_plan() {
    let dir = committed_example("changed-other");
    // Prose with a bracketed example, and a file that is no plan at all.
    std::fs::write(
        dir.join("README.md"),
        "# Ops notes\n\nSet the flag to [your value] before you deploy.\n",
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "Remember [the thing].\n").unwrap();
    let r = changed_since_head(&dir);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("README.md"), "{}", r.stdout);
    // A changed spec.md: its feature is checked (the plan beside it).
    let spec = std::fs::read_dir(dir.join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path().join("spec.md"))
        .find(|p| p.is_file())
        .expect("a feature with a spec.md");
    edit(&spec, |t| {
        format!("{t}\n- **FR-900**: [NEEDS CLARIFICATION: which region?]\n")
    });
    let r = changed_since_head(&dir);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("spec.md:"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("TPL006"),
        "a spec.md is not a plan: {}",
        r.stdout
    );
}

/// An editor's spec.md buffer is checked with its feature, never as a plan.
#[test]
fn a_spec_buffer_is_not_checked_as_a_plan() {
    let spec = std::fs::read_dir(fixture("example").join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path().join("spec.md"))
        .find(|p| p.is_file())
        .expect("a feature with a spec.md");
    let text = std::fs::read_to_string(&spec).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_constable"))
        .args([
            "check",
            "-",
            "--stdin-filename",
            spec.to_str().unwrap(),
            "--format",
            "concise",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stdout}");
    assert!(!stdout.contains("TPL006"), "{stdout}");
}
