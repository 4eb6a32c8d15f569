//! Nothing outside the root is read: not through a symlink, not from a
//! parent folder.

use super::*;

const SECRET: &str = "root:x:0:0:SECRET-LINE-ONE\ndaemon:x:1:1:SECRET-LINE-TWO\n";

fn assert_secret_not_shown(run: &Run) {
    assert!(
        !run.all().contains("SECRET-LINE"),
        "a line of the symlink's target was printed:\n{}",
        run.all()
    );
}

#[test]
fn symlinked_config_is_refused_without_printing_its_target() {
    for name in ["constable.toml", ".constable.toml"] {
        let s = scratch("example");
        std::fs::write(s.outside.join("passwd"), SECRET).unwrap();
        symlink(&s.outside.join("passwd"), &s.repo.join(name));
        let run = run_in(&s.repo, &["check", ".", "--format", "concise"], 30);
        assert_eq!(run.code, 2, "{name}: {}", run.all());
        assert!(
            run.stderr.contains(name) && run.stderr.contains("symlink"),
            "{}",
            run.stderr
        );
        assert_secret_not_shown(&run);
    }
}

#[test]
fn symlinked_rule_file_is_refused_and_outside_rule_file_too() {
    let s = scratch("example");
    std::fs::write(s.outside.join("team.toml"), SECRET).unwrap();
    std::fs::create_dir_all(s.repo.join("rules")).unwrap();
    symlink(&s.outside.join("team.toml"), &s.repo.join("rules/team.toml"));
    std::fs::write(s.repo.join("constable.toml"), "extends = [\"rules/team.toml\"]\n").unwrap();
    let run = run_in(&s.repo, &["check", "."], 30);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("rules/team.toml") && run.stderr.contains("symlink"),
        "{}",
        run.stderr
    );
    assert_secret_not_shown(&run);

    // A symlinked folder on the way is refused the same way.
    std::fs::remove_dir_all(s.repo.join("rules")).unwrap();
    symlink(&s.outside, &s.repo.join("rules"));
    let run = run_in(&s.repo, &["check", "."], 30);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("lies under `rules`"), "{}", run.stderr);
    assert_secret_not_shown(&run);

    // `..` out of the root.
    std::fs::write(
        s.repo.join("constable.toml"),
        "extends = [\"../outside/team.toml\"]\n",
    )
    .unwrap();
    let run = run_in(&s.repo, &["check", "."], 30);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("outside the repository root"),
        "{}",
        run.stderr
    );
    assert_secret_not_shown(&run);
}

#[test]
fn symlinked_constitution_is_an_error_not_the_defaults() {
    let s = scratch("example");
    let c = s.repo.join(".specify/memory/constitution.md");
    std::fs::rename(&c, s.outside.join("constitution.md")).unwrap();
    symlink(&s.outside.join("constitution.md"), &c);
    let run = run_in(&s.repo, &["check", ".", "--format", "concise"], 30);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains(".specify/memory/constitution.md: is a symlink"),
        "{}",
        run.stderr
    );

    // The folder above it a symlink: refused too, never followed.
    let s = scratch("example");
    std::fs::rename(s.repo.join(".specify/memory"), s.outside.join("memory")).unwrap();
    symlink(&s.outside.join("memory"), &s.repo.join(".specify/memory"));
    let run = run_in(&s.repo, &["check", ".", "--format", "concise"], 30);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("`.specify/memory`, which is a symlink"),
        "{}",
        run.stderr
    );
}

/// The findings of the example, with every IaC finding it has.
fn baseline_codes() -> Vec<String> {
    let s = scratch("example");
    let run = run_in(&s.repo, &["check", ".", "--format", "concise"], 30);
    assert_eq!(run.code, 1, "{}", run.all());
    let codes = codes(&run);
    assert!(codes.iter().any(|c| c.ends_with(".yaml:OBS001")), "{codes:?}");
    codes
}

#[test]
fn gitignore_above_the_root_does_not_apply() {
    let want = baseline_codes();
    let s = scratch("example");
    // The scratch folder holding the repository.
    std::fs::write(s.repo.parent().unwrap().join(".gitignore"), "*.yaml\n*.md\n").unwrap();
    std::fs::write(s.repo.parent().unwrap().join(".ignore"), "*.yaml\n").unwrap();
    let run = run_in(&s.repo, &["check", ".", "--format", "concise"], 30);
    assert_eq!(codes(&run), want, "{}", run.all());
}

#[test]
fn symlinked_root_gitignore_is_not_read() {
    let want = baseline_codes();
    let s = scratch("example");
    std::fs::write(s.outside.join("gitignore"), "*.yaml\ncluster/\n").unwrap();
    symlink(&s.outside.join("gitignore"), &s.repo.join(".gitignore"));
    symlink(&s.outside.join("gitignore"), &s.repo.join("cluster/.gitignore"));
    let run = run_in(&s.repo, &["check", ".", "--format", "concise"], 30);
    // The symlink under an IaC root is reported (TREE005), never read.
    let mut want = want;
    want.insert(0, "cluster/.gitignore:TREE005".to_string());
    assert_eq!(codes(&run), want, "{}", run.all());

    // A regular one is honoured (the test can fail).
    std::fs::remove_file(s.repo.join(".gitignore")).unwrap();
    std::fs::write(s.repo.join(".gitignore"), "*.yaml\n").unwrap();
    let run = run_in(&s.repo, &["check", ".", "--format", "concise"], 30);
    assert!(!codes(&run).iter().any(|c| c.contains(".yaml:")), "{}", run.all());
}

/// Under strace, no file-related system call names a path outside the root
/// (readlink may read a link's own text, which names its target), and no
/// symlink in the root is opened.
#[cfg(target_os = "linux")]
#[test]
fn no_system_call_reaches_outside_targets() {
    let have = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if common::missing_tool(have, "strace") {
        return;
    }
    let s = scratch("example");
    let out = &s.outside;
    std::fs::write(out.join("secret.toml"), SECRET).unwrap();
    std::fs::write(out.join("gitignore"), "*.yaml\n").unwrap();
    std::fs::create_dir_all(out.join("dir")).unwrap();
    std::fs::write(out.join("dir/a.yaml"), "kind: ConfigMap\n").unwrap();
    std::fs::write(out.join("dir/plan.md"), "# Plan\n").unwrap();
    let links = [
        ("secret.toml", ".constable.toml"),
        ("gitignore", ".gitignore"),
        ("gitignore", "cluster/.gitignore"),
        ("dir", "cluster/linked"),
        ("dir", "specs/003-linked"),
        ("dir/plan.md", "specs/002-alert-routing/tasks.md"),
    ];
    for (target, link) in links {
        symlink(&out.join(target), &s.repo.join(link));
    }
    let trace = s.repo.parent().unwrap().join("trace.txt");
    let checks: &[&[&str]] = &[
        &["check", "."],
        &["check", ".", "--isolated"],
        &["check", ".", "--isolated", "--iac-only"],
    ];
    for args in checks {
        let run = run_cmd(
            Command::new("strace")
                .args(["-f", "-qq", "-e", "trace=file,readlink,statx", "-o"])
                .arg(&trace)
                .arg(env!("CARGO_BIN_EXE_constable"))
                .args(*args)
                .current_dir(&s.repo),
            120,
        );
        assert!(run.code == 1 || run.code == 2, "{args:?}: {}", run.all());
        assert_secret_not_shown(&run);
        let text = std::fs::read_to_string(&trace).unwrap();
        assert!(text.contains("statx") || text.contains("stat"), "empty trace");
        let out_str = out.to_string_lossy().to_string();
        let mut bad = Vec::new();
        for line in text.lines() {
            // The first quoted string is the path the call is about (a
            // resumed call shows only its result: readlink's link text).
            if line.contains("resumed>") {
                continue;
            }
            let Some(path) = line.split('"').nth(1) else {
                continue;
            };
            // Through a symlinked folder the kernel reaches the target
            // while the path still names the root.
            let through = links.iter().any(|(_, l)| path.contains(&format!("repo/{l}/")));
            if path.starts_with(&out_str) || through {
                bad.push(line.to_string());
            }
            let opens =
                line.contains("open") && !line.contains("O_NOFOLLOW") && !line.contains("O_DIRECTORY");
            if opens && links.iter().any(|(_, l)| path.ends_with(&format!("repo/{l}"))) {
                bad.push(line.to_string());
            }
        }
        assert!(
            bad.is_empty(),
            "{args:?} reached outside the root:\n{}",
            bad.join("\n")
        );
    }
}
