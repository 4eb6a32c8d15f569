//! Every rule's doc example runs: `[rule.doc.test]` in `rules/*.toml` gives a
//! bad file (with its reported lines marked) and the fixed file. For each
//! rule of every built-in pack, the bad file is written into a fresh
//! repository and the real binary must report exactly this rule at exactly
//! the marked lines; with `--ignore CODE` it must not report it at all; and
//! the good file must give no finding of the rule.

mod common;
use common::*;
use constable::rules::{Rule, RuleExample};
use std::collections::BTreeSet;
use std::path::Path;

/// The rules of every built-in pack.
fn builtin_rules() -> Vec<Rule> {
    let settings = constable::load::builtin_settings(&constable::checks::registered_codes())
        .expect("the built-in packs load");
    settings
        .all_rules
        .into_iter()
        .filter(|r| r.source.starts_with("builtin:"))
        .collect()
}

/// Write a small repository: the context files, `file` holding `text`, and
/// the symlinks. `.git/` marks the root so the checked tree stops there.
fn write_repo(dir: &Path, ex: &RuleExample, text: &str, good: bool) {
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let extra = if good {
        &ex.good_context
    } else {
        &Default::default()
    };
    let files = ex
        .context
        .iter()
        .chain(extra)
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .chain([(ex.file.as_str(), text)]);
    for (path, body) in files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, body).unwrap();
    }
    let links = if good {
        &Default::default()
    } else {
        &ex.bad_symlinks
    };
    for (link, to) in links {
        let target = dir.join(link);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(to, &target).unwrap();
    }
}

/// True when the example repository holds a plan; without one, the IaC
/// rules are run with `--iac-only`.
fn has_plan(ex: &RuleExample) -> bool {
    std::iter::once(&ex.file)
        .chain(ex.context.keys())
        .chain(ex.good_context.keys())
        .any(|p| p.ends_with("/plan.md"))
}

/// (code, path, line) of every finding, or an error naming what went wrong.
fn run(dir: &Path, ex: &RuleExample, extra: &[&str]) -> Result<Vec<(String, String, u64)>, String> {
    let mut args = vec!["check", ".", "--format", "json", "--fail-on", "info"];
    if !has_plan(ex) {
        args.push("--iac-only");
    }
    args.extend_from_slice(extra);
    let out = constable_in(dir, &args);
    if out.code != 0 && out.code != 1 {
        return Err(format!("exit code {} (stderr: {})", out.code, out.stderr.trim()));
    }
    let json: serde_json::Value =
        serde_json::from_str(&out.stdout).map_err(|e| format!("output is not JSON ({e}): {}", out.stdout))?;
    Ok(json["findings"]
        .as_array()
        .ok_or("no findings array")?
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect())
}

/// Everything wrong with one rule's example; empty when it holds.
fn check_example(rule: &Rule, ex: &RuleExample) -> Vec<String> {
    let code = &*rule.code;
    let mut problems = Vec::new();
    let (bad, lines) = ex.bad_file();
    if lines.is_empty() {
        problems.push("the bad file marks no reported line (`<- reported` or `line = N`)".into());
    }
    let path = ex.reported_in.as_deref().unwrap_or(&ex.file);
    let want: BTreeSet<(&str, u64)> = lines.iter().map(|&l| (path, l as u64)).collect();
    let select = std::iter::once(code)
        .chain(ex.with.iter().map(|s| s.as_str()))
        .collect::<Vec<_>>()
        .join(",");

    let dir = temp_dir(&format!("example-{code}-bad"));
    write_repo(&dir, ex, &bad, false);
    match run(&dir, ex, &["--select", &select]) {
        Err(e) => problems.push(format!("bad file: {e}")),
        Ok(found) => {
            let others: Vec<_> = found.iter().filter(|(c, ..)| c != code).collect();
            if !others.is_empty() {
                problems.push(format!("bad file: other codes reported {others:?}"));
            }
            let got: BTreeSet<(&str, u64)> = found
                .iter()
                .filter(|(c, ..)| c == code)
                .map(|(_, p, l)| (p.as_str(), *l))
                .collect();
            if got != want {
                problems.push(format!("bad file: reported at {got:?}, marked {want:?}"));
            }
        }
    }
    match run(&dir, ex, &["--ignore", code]) {
        Err(e) => problems.push(format!("bad file with --ignore: {e}")),
        Ok(found) => {
            if found.iter().any(|(c, ..)| c == code) {
                problems.push(format!("bad file with --ignore {code}: still reported"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);

    let dir = temp_dir(&format!("example-{code}-good"));
    write_repo(&dir, ex, &ex.good_file(), true);
    match run(&dir, ex, &["--select", &select]) {
        Err(e) => problems.push(format!("good file: {e}")),
        Ok(found) => {
            let hits: Vec<_> = found.iter().filter(|(c, ..)| c == code).collect();
            if !hits.is_empty() {
                problems.push(format!("good file: still reported: {hits:?}"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    problems
}

#[test]
fn every_rule_example_reports_exactly_its_rule() {
    let only = std::env::var("CONSTABLE_EXAMPLE").ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in builtin_rules() {
        if only.as_deref().is_some_and(|o| o != &*rule.code) {
            continue;
        }
        let Some(ex) = &rule.doc.test else { continue };
        ran += 1;
        for p in check_example(&rule, ex) {
            failures.push(format!("{} ({}): {p}", rule.code, ex.file));
        }
    }
    assert!(ran > 0, "no example ran");
    assert!(
        failures.is_empty(),
        "{} problem(s) in rule examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_builtin_rule_has_an_example() {
    let rules = builtin_rules();
    assert!(rules.len() >= 49, "only {} built-in rules", rules.len());
    // TREE006 is about bytes that are not UTF-8, which a TOML string
    // cannot hold; `tests/scope.rs` runs it on `fixtures/scope/not-utf8`.
    const NO_TOML_EXAMPLE: &[&str] = &["TREE006"];
    let missing: Vec<&str> = rules
        .iter()
        .filter(|r| r.doc.test.is_none() && !NO_TOML_EXAMPLE.contains(&&*r.code))
        .map(|r| &*r.code)
        .collect();
    assert!(missing.is_empty(), "rules without `[rule.doc.test]`: {missing:?}");
}

#[test]
fn markers_are_stripped_and_counted() {
    let (text, lines) = RuleExample::strip_markers(
        "a: 1\nimage: nginx   # <- reported\n| x | y |  <- reported\n<b> <!-- <- reported -->\nend",
    );
    assert_eq!(text, "a: 1\nimage: nginx\n| x | y |\n<b>\nend");
    assert_eq!(lines, vec![2, 3, 4]);
    let ex = RuleExample {
        line: Some(7),
        bad: "x <- reported".into(),
        ..Default::default()
    };
    assert_eq!(ex.bad_file(), ("x <- reported".to_string(), vec![7]));
}
