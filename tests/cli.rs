//! The command line's own options, run through the real binary: exit codes,
//! selection, files, settings, timings, colour, width, CI formats, --watch,
//! new unsaved plans on stdin, man pages and JUnit against its schema.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary in `dir` with extra environment variables.
fn constable_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_constable"));
    cmd.args(args).current_dir(dir);
    for v in [
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
        "GITHUB_ACTIONS",
        "GITLAB_CI",
        "CONSTABLE_TEST_PANIC",
    ] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the constable binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Codes of the concise findings in a run's stdout.
fn codes(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.split(' ').nth(2))
        .filter(|c| c.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .map(str::to_string)
        .collect()
}

/// A copy of the bundled example, as its own repository.
fn example_repo(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    copy_tree(&fixture("example"), &dir);
    dir
}

#[test]
fn exit_zero_keeps_findings_but_not_input_errors() {
    let with = constable(&["check", "fixtures/example", "--format", "concise"]);
    assert_eq!(with.code, 1, "{}", with.stderr);
    let zero = constable(&["check", "fixtures/example", "--format", "concise", "--exit-zero"]);
    assert_eq!(zero.code, 0, "{}", zero.stderr);
    assert_eq!(zero.stdout, with.stdout, "the same findings are reported");
    let missing = constable(&["check", "fixtures/no-such-folder", "--exit-zero"]);
    assert_eq!(
        missing.code, 2,
        "an input error still exits 2: {}",
        missing.stderr
    );
}

#[test]
fn extend_select_adds_to_select() {
    let run = |args: &[&str]| {
        let mut a = vec!["check", "fixtures/example", "--format", "concise"];
        a.extend_from_slice(args);
        codes(&constable(&a).stdout)
    };
    let tpl = run(&["--select", "TPL"]);
    let obs = run(&["--select", "OBS"]);
    assert!(!tpl.is_empty() && !obs.is_empty(), "{tpl:?} {obs:?}");
    let both = run(&["--select", "TPL", "--extend-select", "OBS"]);
    assert_eq!(both.len(), tpl.len() + obs.len(), "{both:?}");
    assert!(both.iter().all(|c| c.starts_with("TPL") || c.starts_with("OBS")));
    // Without a select, every rule already runs: nothing is lost.
    let all = run(&[]);
    assert_eq!(run(&["--extend-select", "OBS"]), all);
    // An unknown selector is a usage error, as in --select.
    let bad = constable(&["check", "fixtures/example", "--extend-select", "NOPE999"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn exclude_adds_globs_to_the_configuration() {
    let dir = example_repo("cli-exclude");
    std::fs::write(dir.join("constable.toml"), "exclude = [\"specs/002-*/**\"]\n").unwrap();
    let base = constable_in(&dir, &["check", ".", "--format", "concise"]);
    assert!(base.stdout.contains("specs/001-"), "{}", base.stdout);
    assert!(!base.stdout.contains("specs/002-"), "{}", base.stdout);
    let more = constable_in(
        &dir,
        &["check", ".", "--format", "concise", "--exclude", "specs/001-*/**"],
    );
    assert!(!more.stdout.contains("specs/001-"), "{}", more.stdout);
    assert!(
        !more.stdout.contains("specs/002-"),
        "the configuration's glob stays: {}",
        more.stdout
    );
}

#[test]
fn isolated_ignores_the_configuration_file() {
    let dir = example_repo("cli-isolated");
    std::fs::write(dir.join("constable.toml"), "ignore = [\"ALL\"]\n").unwrap();
    let configured = constable_in(&dir, &["check", ".", "--format", "concise"]);
    assert_eq!(configured.code, 0, "{}{}", configured.stdout, configured.stderr);
    assert!(codes(&configured.stdout).is_empty());
    let isolated = constable_in(&dir, &["check", ".", "--format", "concise", "--isolated"]);
    assert_eq!(isolated.code, 1, "{}", isolated.stderr);
    assert!(!codes(&isolated.stdout).is_empty());
    let both = constable_in(&dir, &["check", ".", "--isolated", "--config", "constable.toml"]);
    assert_eq!(both.code, 2, "--isolated and --config conflict: {}", both.stderr);
}

#[test]
fn show_settings_names_each_value_and_its_origin() {
    let dir = example_repo("cli-show-settings");
    std::fs::write(
        dir.join("constable.toml"),
        "select = [\"TPL\", \"SPEC\"]\nignore = [\"TPL005\"]\nexclude = [\"docs/**\"]\n\n\
         [severity]\nSPEC003 = \"info\"\n\n[per-file-ignores]\n\"specs/002-*/**\" = [\"TPL001\"]\n\n\
         [iac]\nroots = [\"cluster\"]\n",
    )
    .unwrap();
    let r = constable_in(
        &dir,
        &[
            "check",
            ".",
            "--show-settings",
            "--extend-select",
            "OBS",
            "--ignore",
            "TPL004",
            "--exclude",
            "automation/**",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let head = r.stdout.split("\nrules:").next().unwrap();
    let root = std::fs::canonicalize(&dir).unwrap();
    insta::assert_snapshot!(
        "show-settings",
        head.replace(&root.display().to_string(), "<root>")
    );
    // Rules: each with its effective severity and whether it runs.
    let rules = r.stdout.split("\nrules:").nth(1).expect("a rules section");
    let rule = |code: &str| {
        rules
            .lines()
            .find(|l| l.trim_start().starts_with(code))
            .unwrap_or_else(|| panic!("{code} listed: {}", r.stdout))
            .to_string()
    };
    assert!(rule("SPEC003").contains(" info "), "{}", rule("SPEC003"));
    assert!(
        rule("TPL005").contains("off: ignored by `TPL005`"),
        "{}",
        rule("TPL005")
    );
    assert!(rule("OBS001").ends_with("selected"), "{}", rule("OBS001"));
    assert!(
        rule("GATE001").contains("off: not selected"),
        "{}",
        rule("GATE001")
    );

    let isolated = constable_in(&dir, &["check", ".", "--show-settings", "--isolated"]);
    assert!(
        isolated
            .stdout
            .contains("configuration: none (--isolated: built-in defaults)"),
        "{}",
        isolated.stdout
    );
    assert!(isolated.stdout.contains("every rule"), "{}", isolated.stdout);
}

#[test]
fn show_files_lists_checked_files_and_why_the_rest_are_not() {
    let dir = example_repo("cli-show-files");
    std::fs::create_dir_all(dir.join("build")).unwrap();
    std::fs::write(dir.join("build/rendered.yaml"), "kind: ConfigMap\n").unwrap();
    std::fs::write(dir.join(".gitignore"), "build/\n").unwrap();
    std::fs::create_dir_all(dir.join("sandbox")).unwrap();
    std::fs::write(dir.join("sandbox/try.yaml"), "kind: ConfigMap\n").unwrap();
    std::fs::write(dir.join("cluster/monitoring/old.yaml"), "kind: ConfigMap\n").unwrap();
    std::fs::write(
        dir.join("constable.toml"),
        "exclude = [\"cluster/monitoring/old.yaml\"]\n",
    )
    .unwrap();
    let r = constable_in(&dir, &["check", ".", "--show-files"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |needle: &str| {
        r.stdout
            .lines()
            .find(|l| l.trim_end().ends_with(needle))
            .unwrap_or_else(|| panic!("{needle} listed: {}", r.stdout))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Plans also show the template family they were read as.
    assert_eq!(
        line("specs/001-longhorn-storage/plan.md  (spec-kit)"),
        "plan specs/001-longhorn-storage/plan.md (spec-kit)"
    );
    assert_eq!(
        line("specs/001-longhorn-storage/spec.md"),
        "artifact specs/001-longhorn-storage/spec.md"
    );
    assert_eq!(
        line(".specify/memory/constitution.md"),
        "constitution .specify/memory/constitution.md"
    );
    assert_eq!(
        line("cluster/monitoring/ntfy-bridge.yaml"),
        "iac cluster/monitoring/ntfy-bridge.yaml"
    );
    assert_eq!(line("build/rendered.yaml"), "gitignored build/rendered.yaml");
    assert_eq!(
        line("cluster/monitoring/old.yaml"),
        "excluded cluster/monitoring/old.yaml"
    );
    assert_eq!(line("sandbox/try.yaml"), "not under an IaC root sandbox/try.yaml");
    let checked = r.stdout.split("not checked").next().unwrap();
    assert!(!checked.contains("sandbox/"), "{}", r.stdout);
}

#[test]
fn verbose_prints_stage_timings_on_stderr() {
    let r = constable(&["check", "fixtures/example", "--format", "concise", "-v"]);
    assert_eq!(r.code, 1);
    for stage in [
        "discover",
        "load",
        "parse and evaluate",
        "filter",
        "report",
        "total",
    ] {
        let line = r
            .stderr
            .lines()
            .find(|l| l.starts_with(&format!("constable: {stage} ")))
            .unwrap_or_else(|| panic!("{stage} timed: {}", r.stderr));
        assert!(line.ends_with(" ms"), "{line}");
    }
    assert!(!r.stdout.contains(" ms\n"), "timings stay off stdout");
}

#[test]
fn colour_follows_flag_then_no_color_then_force_color_then_tty() {
    let root = root();
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut a = vec!["check", "fixtures/example"];
        a.extend_from_slice(extra);
        constable_env(&root, &a, env).stdout.contains("\u{1b}[")
    };
    assert!(!run(&[], &[]), "no colour off a terminal");
    assert!(run(&["--color", "always"], &[]));
    assert!(
        run(&["--color", "always"], &[("NO_COLOR", "1")]),
        "--color wins over NO_COLOR"
    );
    assert!(!run(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(run(&[], &[("FORCE_COLOR", "1")]));
    assert!(run(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[], &[("FORCE_COLOR", "0")]), "FORCE_COLOR=0 forces nothing");
    assert!(
        !run(&[], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]),
        "NO_COLOR wins over FORCE_COLOR"
    );
}

#[test]
fn width_comes_from_columns_off_a_terminal() {
    let root = root();
    let wide = constable_env(&root, &["check", "fixtures/example"], &[]);
    let narrow = constable_env(&root, &["check", "fixtures/example"], &[("COLUMNS", "50")]);
    assert!(
        narrow.stdout.lines().count() > wide.stdout.lines().count(),
        "help text wraps at 50 columns"
    );
    let wrapped_max = |s: &str| {
        s.lines()
            .filter(|l| l.contains("help:"))
            .map(unicode_width::UnicodeWidthStr::width)
            .max()
            .unwrap_or(0)
    };
    assert!(wrapped_max(&narrow.stdout) <= 50, "{}", narrow.stdout);
    assert!(wrapped_max(&wide.stdout) > 50, "{}", wide.stdout);
}

#[test]
fn ci_environments_choose_their_format() {
    let root = root();
    let gh = constable_env(
        &root,
        &["check", "fixtures/example"],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(gh.code, 1);
    assert!(gh.stdout.lines().all(|l| l.starts_with("::")), "{}", gh.stdout);
    assert_eq!(
        gh.stderr.lines().filter(|l| l.contains("GITHUB_ACTIONS")).count(),
        1,
        "{}",
        gh.stderr
    );
    let gl = constable_env(&root, &["check", "fixtures/example"], &[("GITLAB_CI", "true")]);
    let concise = constable_env(&root, &["check", "fixtures/example", "--format", "concise"], &[]);
    assert_eq!(gl.stdout, concise.stdout);
    assert!(gl.stderr.contains("GITLAB_CI is set"), "{}", gl.stderr);
    // An explicit --format always wins, silently.
    let json = constable_env(
        &root,
        &["check", "fixtures/example", "--format", "json"],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert!(json.stdout.trim_start().starts_with('{'));
    assert!(!json.stderr.contains("GITHUB_ACTIONS"));
}

#[test]
fn stdin_filename_can_name_a_plan_not_yet_saved() {
    let dir = example_repo("cli-stdin-new");
    let text =
        with_leftover(&std::fs::read_to_string(dir.join("specs/001-longhorn-storage/plan.md")).unwrap());
    let check = |cwd: &Path, name: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_constable"))
            .args(["check", "-", "--stdin-filename", name, "--format", "json"])
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), v)
    };
    let (code, v) = check(&dir, "specs/009-new-feature/plan.md");
    assert_eq!(code, Some(1), "{v}");
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    // The new plan is checked as a plan named alone: with the IaC files
    // its structure tree points to, and without the other plans.
    assert!(
        findings.iter().all(|f| {
            let p = f["path"].as_str().unwrap();
            !p.starts_with("specs/001-") && !p.starts_with("specs/002-")
        }),
        "the other plans are not reported: {v}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["path"] == "specs/009-new-feature/plan.md"),
        "{v}"
    );
    assert!(findings.iter().any(|f| f["code"] == "TPL001"), "{v}");
    // From inside the repository, with a relative path to a new folder.
    let (code, v) = check(&dir.join("specs"), "010-other/plan.md");
    assert_eq!(code, Some(1), "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "specs/010-other/plan.md"),
        "{v}"
    );
}

#[test]
fn man_dir_writes_a_page_per_subcommand_with_every_option() {
    use clap::CommandFactory;
    let dir = temp_dir("cli-man");
    let r = constable(&["man", "--dir", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let main = std::fs::read_to_string(dir.join("constable.1")).unwrap();
    let cmd = constable::cli::Cli::command();
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        assert!(main.contains(name), "constable.1 names {name}");
        let page = dir.join(format!("constable-{name}.1"));
        let text = std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("{} written", page.display()));
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(text.contains(&roff), "constable-{name}.1 documents --{long}");
            }
        }
    }
    let printed = constable(&["man"]);
    assert_eq!(printed.stdout, main, "`constable man` prints the main page");
}

#[test]
fn junit_is_valid_against_the_junit_10_schema() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let has = Command::new(&python)
        .args(["-c", "import xmlschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if missing_tool(has, "the Python package xmlschema") {
        return;
    }
    let dir = temp_dir("cli-junit");
    // The junit-10 schema of Jenkins' JUnit plugin, written here from its
    // documented structure: suites of test cases, each with optional
    // skipped/error/failure and system-out/err.
    std::fs::write(dir.join("junit-10.xsd"), JUNIT_10_XSD).unwrap();
    for fixture in [
        "fixtures/example",
        "fixtures/example/specs/001-longhorn-storage/plan.md",
    ] {
        let r = constable(&["check", fixture, "--format", "junit"]);
        assert_eq!(r.code, 1);
        std::fs::write(dir.join("report.xml"), &r.stdout).unwrap();
        let again = constable(&["check", fixture, "--format", "junit"]);
        assert_eq!(again.stdout, r.stdout, "JUnit output is deterministic");
        let out = Command::new(&python)
            .args([
                "-c",
                "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2]); print('valid')",
            ])
            .arg(dir.join("junit-10.xsd"))
            .arg(dir.join("report.xml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{fixture}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            r.stdout
        );
    }
    // The schema is strict enough to fail: a suite without a name.
    std::fs::write(
        dir.join("bad.xml"),
        "<testsuites><testsuite tests=\"1\"/></testsuites>",
    )
    .unwrap();
    let out = Command::new(&python)
        .args([
            "-c",
            "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
        ])
        .arg(dir.join("junit-10.xsd"))
        .arg(dir.join("bad.xml"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "the schema rejects a nameless suite");
}

const JUNIT_10_XSD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:element name="failure">
    <xs:complexType mixed="true">
      <xs:attribute name="type" type="xs:string"/>
      <xs:attribute name="message" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="error">
    <xs:complexType mixed="true">
      <xs:attribute name="type" type="xs:string"/>
      <xs:attribute name="message" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="skipped">
    <xs:complexType mixed="true">
      <xs:attribute name="message" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="properties">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="property" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="property">
    <xs:complexType>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="value" type="xs:string" use="required"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="system-err" type="xs:string"/>
  <xs:element name="system-out" type="xs:string"/>
  <xs:element name="testcase">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="skipped" minOccurs="0" maxOccurs="1"/>
        <xs:element ref="error" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element ref="failure" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element ref="system-out" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element ref="system-err" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="assertions" type="xs:string"/>
      <xs:attribute name="time" type="xs:string"/>
      <xs:attribute name="classname" type="xs:string"/>
      <xs:attribute name="status" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="properties" minOccurs="0" maxOccurs="1"/>
        <xs:element ref="testcase" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element ref="system-out" minOccurs="0" maxOccurs="1"/>
        <xs:element ref="system-err" minOccurs="0" maxOccurs="1"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:string" use="required"/>
      <xs:attribute name="failures" type="xs:string"/>
      <xs:attribute name="errors" type="xs:string"/>
      <xs:attribute name="time" type="xs:string"/>
      <xs:attribute name="disabled" type="xs:string"/>
      <xs:attribute name="skipped" type="xs:string"/>
      <xs:attribute name="timestamp" type="xs:string"/>
      <xs:attribute name="hostname" type="xs:string"/>
      <xs:attribute name="id" type="xs:string"/>
      <xs:attribute name="package" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="time" type="xs:string"/>
      <xs:attribute name="tests" type="xs:string"/>
      <xs:attribute name="failures" type="xs:string"/>
      <xs:attribute name="disabled" type="xs:string"/>
      <xs:attribute name="errors" type="xs:string"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"#;

#[test]
fn watch_checks_again_when_a_plan_changes() {
    let dir = example_repo("cli-watch");
    let mut child = Command::new(env!("CARGO_BIN_EXE_constable"))
        .args(["check", ".", "--watch", "--format", "concise"])
        .current_dir(&dir)
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Each report ends with its summary line.
    let summary = |deadline: Instant| -> Option<String> {
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(l) if l.contains(" error") && l.contains(" in ") && l.contains(" file") => return Some(l),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    };
    let first = summary(Instant::now() + Duration::from_secs(60));
    let second = first.as_ref().and_then(|_| {
        // Let the watcher settle before the edit.
        std::thread::sleep(Duration::from_millis(500));
        edit(&dir.join("specs/001-longhorn-storage/plan.md"), |t| {
            with_leftover(&t)
        });
        summary(Instant::now() + Duration::from_secs(60))
    });
    let _ = child.kill();
    let _ = child.wait();
    let first = first.expect("a first report within 60 s");
    let second = second.expect("a second report after the edit within 60 s");
    let errors = |s: &str| -> usize { s.split(' ').next().unwrap().parse().unwrap() };
    assert_eq!(errors(&second), errors(&first) + 1, "{first} / {second}");
}
