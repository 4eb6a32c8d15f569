//! Distribution: the Python wheel maturin builds from pyproject.toml installs a
//! working `constable`, and the release workflow, the GitHub Action, the
//! pre-commit hooks (this repository's and the mirror's) and cargo-binstall's
//! metadata agree with each other and with Cargo.toml.

mod common;
#[path = "common/wheel.rs"]
mod wheel_build;

use common::*;
use saphyr::{LoadableYamlNode, Yaml};
use std::process::Command;
use wheel_build::{python, venv_bin, wheelhouse};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("the command runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn yaml(rel: &str) -> Yaml<'static> {
    let text: &'static str = Box::leak(read(rel).into_boxed_str());
    let mut docs = Yaml::load_from_str(text).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: one document");
    docs.remove(0)
}

fn get<'a>(node: &'a Yaml<'static>, key: &str) -> &'a Yaml<'static> {
    node.as_mapping_get(key)
        .unwrap_or_else(|| panic!("missing key `{key}`"))
}

fn str_of<'a>(node: &'a Yaml<'static>, key: &str) -> &'a str {
    get(node, key)
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string"))
}

fn toml_file(rel: &str) -> toml::Table {
    toml::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_wheel_installs_a_working_constable() {
    let Some(house) = wheelhouse() else { return };
    let py = python();
    if missing_tool(py.is_some(), "python3 with venv and ensurepip") {
        return;
    }
    let venv = temp_dir("wheel-venv");
    let made = run(Command::new(py.unwrap()).args(["-m", "venv"]).arg(&venv));
    assert_eq!(made.code, 0, "venv: {}", made.stderr);
    let bin = venv_bin(&venv);
    // --no-index: everything comes from the wheel; nothing is compiled.
    let pip = run(Command::new(bin.join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(&house.wheel));
    assert_eq!(pip.code, 0, "pip install: {}{}", pip.stdout, pip.stderr);
    let exe = bin.join(if cfg!(windows) {
        "constable.exe"
    } else {
        "constable"
    });
    assert!(exe.is_file(), "the wheel puts constable in {}", bin.display());

    let version = run(Command::new(&exe).arg("--version"));
    assert_eq!(version.code, 0, "{}", version.stderr);
    assert_eq!(version.stdout.trim(), format!("constable {VERSION}"));

    let check = run(Command::new(&exe)
        .args(["check", ".", "--format", "concise", "--quiet"])
        .current_dir(fixture("example")));
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    for expected in [
        "specs/001-longhorn-storage/plan.md:26:24: error TPL001",
        "cluster/monitoring/ntfy-bridge.yaml:22:11: error OBS001",
    ] {
        assert!(check.stdout.contains(expected), "{expected}:\n{}", check.stdout);
    }
    // The installed binary gives the same answer as the one cargo built.
    let cargo_built = constable_in(
        &fixture("example"),
        &["check", ".", "--format", "concise", "--quiet"],
    );
    assert_eq!(check.stdout, cargo_built.stdout);
}

#[test]
fn pyproject_builds_the_binary_with_the_cargo_version() {
    let py = toml_file("pyproject.toml");
    assert_eq!(py["build-system"]["build-backend"].as_str(), Some("maturin"));
    assert_eq!(py["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    let project = py["project"].as_table().unwrap();
    assert_eq!(project["name"].as_str(), Some(env!("CARGO_PKG_NAME")));
    assert!(project.get("version").is_none(), "version comes from Cargo.toml");
    let dynamic: Vec<&str> = project["dynamic"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(dynamic, ["version"]);
}

#[test]
fn the_pre_commit_mirror_pins_this_version_and_matches_the_hooks() {
    let mirror = toml_file("pre-commit-mirror/pyproject.toml");
    let project = mirror["project"].as_table().unwrap();
    assert_eq!(project["version"].as_str(), Some(VERSION));
    let deps: Vec<&str> = project["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(deps, [format!("constable=={VERSION}")]);
    // No build tool to download: the in-tree backend has no requirements.
    let build = mirror["build-system"].as_table().unwrap();
    assert_eq!(build["requires"].as_array().map(Vec::len), Some(0));
    assert!(root()
        .join("pre-commit-mirror")
        .join(format!("{}.py", build["build-backend"].as_str().unwrap()))
        .is_file());

    let mirror_hooks = yaml("pre-commit-mirror/.pre-commit-hooks.yaml");
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = |list: &Yaml<'static>, id: &str| {
        list.as_sequence()
            .unwrap()
            .iter()
            .find(|h| h.as_mapping_get("id").and_then(|v| v.as_str()) == Some(id))
            .unwrap_or_else(|| panic!("hook {id}"))
            .clone()
    };
    let mirrored = hook(&mirror_hooks, "constable");
    assert_eq!(str_of(&mirrored, "language"), "python");
    assert_eq!(get(&mirrored, "require_serial").as_bool(), Some(true));
    for (id, language) in [("constable", "python"), ("constable-system", "system")] {
        let local = hook(&hooks, id);
        assert_eq!(str_of(&local, "language"), language, "{id}");
        for key in ["entry", "files"] {
            assert_eq!(
                str_of(&local, key),
                str_of(&mirrored, key),
                "{id}: `{key}` differs from the mirror's"
            );
        }
    }
    // The files pattern selects what constable checks, and nothing else.
    let files = regex::Regex::new(str_of(&mirrored, "files")).unwrap();
    for path in [
        "specs/001-x/plan.md",
        // Checked with their feature, through the plan beside them.
        "specs/001-x/spec.md",
        "specs/001-x/tasks.md",
        "specs/001-x/checklists/security.md",
        ".specify/memory/constitution.md",
        ".specify/memory/principles.md",
        "constable.toml",
        "rules/team.toml",
        "k8s/app.yaml",
        "main.tf",
        "scripts/deploy.sh",
    ] {
        assert!(files.is_match(path), "{path}");
    }
    for path in [
        "README.md",
        "src/main.rs",
        "Cargo.toml",
        "specs/001-x/research.md",
    ] {
        assert!(!files.is_match(path), "{path}");
    }
}

/// The targets release.yml builds archives for, as (target, extension).
fn release_archives() -> Vec<(String, String)> {
    let wf = yaml(".github/workflows/release.yml");
    let build = get(get(&wf, "jobs"), "build");
    get(get(build, "strategy"), "matrix")
        .as_mapping_get("include")
        .unwrap()
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|m| {
            let ext = m.as_mapping_get("archive")?.as_str()?;
            Some((str_of(m, "target").to_string(), ext.to_string()))
        })
        .collect()
}

#[test]
fn the_release_workflow_builds_every_platform_and_publishes_to_pypi() {
    let wf = yaml(".github/workflows/release.yml");
    let tags: Vec<&str> = get(get(get(&wf, "on"), "push"), "tags")
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(tags, ["v*"]);
    let jobs = get(&wf, "jobs");
    let build = get(jobs, "build");
    let matrix: Vec<(String, String)> = get(get(build, "strategy"), "matrix")
        .as_mapping_get("include")
        .unwrap()
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| {
            let tag = m
                .as_mapping_get("manylinux")
                .and_then(|v| v.as_str())
                .unwrap_or("-");
            (str_of(m, "target").to_string(), tag.to_string())
        })
        .collect();
    for (target, tag) in [
        ("x86_64-unknown-linux-gnu", "auto"),
        ("aarch64-unknown-linux-gnu", "auto"),
        ("x86_64-unknown-linux-musl", "musllinux_1_2"),
        ("aarch64-unknown-linux-musl", "musllinux_1_2"),
        ("x86_64-apple-darwin", "-"),
        ("aarch64-apple-darwin", "-"),
        ("x86_64-pc-windows-msvc", "-"),
    ] {
        assert!(
            matrix.contains(&(target.to_string(), tag.to_string())),
            "{target} ({tag}) in {matrix:?}"
        );
    }
    let uses = |job: &Yaml<'static>| -> Vec<String> {
        get(job, "steps")
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|s| s.as_mapping_get("uses")?.as_str().map(str::to_string))
            .collect()
    };
    assert!(uses(build).iter().any(|u| u == "PyO3/maturin-action@v1"));
    let sdist = get(jobs, "sdist");
    let sdist_step = get(sdist, "steps")
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s.as_mapping_get("uses").and_then(|u| u.as_str()) == Some("PyO3/maturin-action@v1"))
        .unwrap();
    assert_eq!(str_of(get(sdist_step, "with"), "command"), "sdist");

    let pypi = get(jobs, "pypi");
    assert_eq!(str_of(get(pypi, "permissions"), "id-token"), "write");
    assert!(uses(pypi)
        .iter()
        .any(|u| u.starts_with("pypa/gh-action-pypi-publish@")));
    let release = get(jobs, "github-release");
    assert_eq!(str_of(get(release, "permissions"), "contents"), "write");
    // Least privilege by default.
    assert_eq!(str_of(get(&wf, "permissions"), "contents"), "read");

    // Archives for every platform the action installs on.
    let archives = release_archives();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(archives.iter().any(|(t, _)| t == target), "archive for {target}");
        let action = read("action.yml");
        assert!(
            action.contains(&format!("target={target}")),
            "action.yml installs {target}"
        );
    }
}

#[test]
fn binstall_metadata_names_the_release_archives() {
    let cargo = toml_file("Cargo.toml");
    let binstall = cargo["package"]["metadata"]["binstall"].as_table().unwrap();
    let name = env!("CARGO_PKG_NAME");
    let repo = cargo["package"]["repository"].as_str().unwrap();
    let expand = |template: &str, target: &str| {
        template
            .replace("{ repo }", repo)
            .replace("{ version }", VERSION)
            .replace("{ name }", name)
            .replace("{ target }", target)
    };
    for (target, ext) in release_archives() {
        let table = binstall
            .get("overrides")
            .and_then(|o| o.get(&target))
            .and_then(|t| t.as_table());
        let field = |key: &str| {
            table
                .and_then(|t| t.get(key))
                .or_else(|| binstall.get(key))
                .and_then(|v| v.as_str())
                .unwrap()
                .to_string()
        };
        let url = expand(&field("pkg-url"), &target);
        assert_eq!(
            url,
            format!("{repo}/releases/download/v{VERSION}/constable-{target}.{ext}")
        );
        let fmt = field("pkg-fmt");
        assert_eq!(fmt, if ext == "zip" { "zip" } else { "tgz" }, "{target}");
        // The workflow packs the bare binary at the archive's top level.
        assert_eq!(field("bin-dir"), "{ bin }{ binary-ext }");
    }
}

#[test]
fn the_action_prints_what_its_problem_matcher_reads() {
    let action = yaml("action.yml");
    let steps = get(get(&action, "runs"), "steps").as_sequence().unwrap();
    let script = |name: &str| {
        steps
            .iter()
            .find(|s| s.as_mapping_get("name").and_then(|n| n.as_str()) == Some(name))
            .map(|s| str_of(s, "run").to_string())
            .unwrap_or_else(|| panic!("step {name}"))
    };
    assert!(script("Register the problem matcher").contains("constable-matcher.json"));
    let check = script("Check");
    let invocation = check
        .lines()
        .find(|l| l.trim_start().starts_with("constable check"))
        .unwrap();
    // The log gets concise lines (for the matcher), the SARIF goes to its file.
    assert!(invocation.contains("--format sarif --output \"$INPUT_SARIF\" --format concise"));
    assert!(!invocation.contains("--format github"));
    // Paths are passed as a quoted array, never word-split.
    assert!(invocation.contains("\"${paths[@]}\""), "{invocation}");
    assert!(!invocation.contains("$INPUT_PATHS"));
    let install = script("Install constable");
    assert!(install.contains("releases/download/$ACTION_REF/$archive"));
    assert!(install.contains(".sha256"));
    assert!(install.contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\""));

    // Every finding line of the concise format matches a matcher pattern,
    // with the right fields.
    let matcher: serde_json::Value = serde_json::from_str(&read(".github/constable-matcher.json")).unwrap();
    let patterns: Vec<(regex::Regex, serde_json::Value)> = matcher["problemMatcher"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let p = &m["pattern"][0];
            (
                regex::Regex::new(p["regexp"].as_str().unwrap()).unwrap(),
                p.clone(),
            )
        })
        .collect();
    let r = constable_in(
        &fixture("example"),
        &["check", ".", "--format", "concise", "--quiet"],
    );
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines.len() >= 5, "{}", r.stdout);
    for line in lines {
        let hits: Vec<_> = patterns
            .iter()
            .filter_map(|(re, p)| Some((re.captures(line)?, p)))
            .collect();
        assert_eq!(hits.len(), 1, "exactly one matcher reads `{line}`");
        let (caps, p) = &hits[0];
        let group = |key: &str| &caps[p[key].as_u64().unwrap() as usize];
        let (file, rest) = line.split_once(':').unwrap();
        assert_eq!(group("file"), file);
        assert!(rest.starts_with(&format!("{}:{}: ", group("line"), group("column"))));
        assert!(group("code").chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(!group("message").is_empty());
    }
}

#[test]
fn action_paths_with_spaces_stay_whole() {
    // Run the action's own Check script with a stub `constable` on PATH that
    // prints its arguments one per line.
    let action = yaml("action.yml");
    let steps = get(get(&action, "runs"), "steps").as_sequence().unwrap();
    let check = steps
        .iter()
        .find(|s| s.as_mapping_get("name").and_then(|n| n.as_str()) == Some("Check"))
        .unwrap();
    let script = str_of(check, "run");
    let dir = temp_dir("action-args");
    let stub = dir.join("constable");
    std::fs::write(&stub, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
    let r = run(Command::new("bash")
        .args(["-c", script])
        .env("PATH", path)
        .env("INPUT_PATHS", "infra/my plans\nspecs/001-x/plan.md\n")
        .env("INPUT_SARIF", "out dir/c.sarif")
        .env("INPUT_ARGS", "--fail-on warning")
        .current_dir(&dir));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let args: Vec<&str> = r.stdout.lines().filter(|l| !l.starts_with("::")).collect();
    assert_eq!(
        args,
        [
            "check",
            "infra/my plans",
            "specs/001-x/plan.md",
            "--fail-on",
            "warning",
            "--format",
            "sarif",
            "--output",
            "out dir/c.sarif",
            "--format",
            "concise",
        ]
    );
    // Default input: the current folder.
    let r = run(Command::new("bash")
        .args(["-c", script])
        .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .env("INPUT_PATHS", ".")
        .env("INPUT_SARIF", "c.sarif")
        .env("INPUT_ARGS", "")
        .current_dir(&dir));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("check\n.\n--format\n"), "{}", r.stdout);
    // constable's exit code is the step's, after the matcher is removed.
    std::fs::write(&stub, "#!/usr/bin/env bash\nexit 1\n").unwrap();
    let r = run(Command::new("bash")
        .args(["-c", script])
        .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .env("INPUT_PATHS", ".")
        .env("INPUT_SARIF", "c.sarif")
        .env("INPUT_ARGS", "")
        .current_dir(&dir));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("::remove-matcher owner=constable::"),
        "{}",
        r.stdout
    );
}
