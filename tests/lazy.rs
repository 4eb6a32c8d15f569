//! Rule-pack regexes are checked at load and compiled on first use: a bad
//! or too-big regex in a team's pack is still an error at load, with the
//! message `Regex::new` gives, and a pattern finds the same matches whether
//! it is compiled lazily or, being heavy, at load.

mod common;
use common::*;
use std::path::PathBuf;

/// The team-rules fixture in a fresh folder, with `TEAM001`'s pattern or
/// the backups principle's evidence rewritten.
fn team_repo(name: &str, edit_pack: impl FnOnce(String) -> String) -> PathBuf {
    let dir = temp_dir(&format!("lazy-{name}"));
    copy_tree(&fixture("config/team-rules"), &dir);
    edit(&dir.join("rules/team.toml"), edit_pack);
    dir
}

const PATTERN: &str = r"pattern = '\bkubectl (?:edit|patch|scale)\b'";

fn with_pattern(re: &str) -> impl FnOnce(String) -> String + '_ {
    move |t: String| {
        assert!(t.contains(PATTERN), "the fixture's pattern moved");
        t.replace(PATTERN, &format!("pattern = '{re}'"))
    }
}

/// The last line of `Regex::new`'s error, as the load error quotes it.
fn regex_new_says(re: &str) -> String {
    let e = regex::Regex::new(re).expect_err("the pattern is refused");
    e.to_string()
        .lines()
        .last()
        .unwrap()
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

/// The error's headline on one line (miette wraps it at the width).
fn headline(stderr: &str) -> String {
    stderr.replace("\n  │ ", " ")
}

/// Check the repository: exit 2, and the error quotes `Regex::new`'s
/// message for `re`. Returns standard error.
fn fails_at_load(dir: PathBuf, re: &str) -> String {
    let r = constable_in(&dir, &["check", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        headline(&r.stderr).contains(&format!("invalid regex `{re}`: {}", regex_new_says(re))),
        "{}",
        r.stderr
    );
    r.stderr
}

#[test]
fn a_bad_regex_in_a_team_pack_fails_at_load() {
    let re = r"\bkubectl (?:edit";
    let stderr = fails_at_load(team_repo("bad", with_pattern(re)), re);
    insta::assert_snapshot!("lazy-bad-regex", stderr);
}

#[test]
fn a_too_big_regex_fails_at_load() {
    let re = r"\w{500}";
    assert!(regex_new_says(re).contains("exceeds size limit"));
    let stderr = fails_at_load(team_repo("too-big", with_pattern(re)), re);
    insta::assert_snapshot!("lazy-too-big-regex", stderr);
}

#[test]
fn a_too_big_evidence_regex_fails_at_load() {
    let re = r"[\p{L}\p{N}]{300}x";
    let dir = team_repo("too-big-evidence", |t| {
        let old = r"evidence = ['(?i)restore (?:test|drill)',";
        assert!(t.contains(old), "the fixture's evidence moved");
        t.replace(old, &format!("evidence = ['{re}',"))
    });
    fails_at_load(dir, re);
}

/// The same rule with its pattern light (compiled when the rule first
/// runs) and heavy (compiled at load: `\w{0,80}` weighs more than
/// `EAGER_WEIGHT`, and matches nothing more here, after `\b`): the same
/// findings.
#[test]
fn light_and_heavy_patterns_find_the_same() {
    let findings = |dir: PathBuf| {
        let r = constable_in(&dir, &["check", ".", "--format", "concise"]);
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        r.stdout
    };
    let light = findings(team_repo("light", |t| t));
    let heavy = findings(team_repo(
        "heavy",
        with_pattern(r"\bkubectl (?:edit|patch|scale)\b\w{0,80}"),
    ));
    assert!(light.contains("TEAM001"), "{light}");
    assert_eq!(light, heavy);
}
