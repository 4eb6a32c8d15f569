//! Linear work: doubling the input roughly doubles the time. Each case runs
//! at N and 2N (the faster of two runs each, in the debug build) and must
//! hold time(2N) < 3 × time(N) + 0.5 s; a quadratic scan takes 4×.

use super::*;

const HEAD: &str = "# Implementation Plan: Load\n\n**Branch**: `001-x` | **Date**: 2026-01-01\n\n## Summary\n\nLoad test.\n\n";

/// The faster of two runs of `check` over `repo`, and its findings by code.
fn timed(repo: &Path) -> (Duration, Vec<String>) {
    let mut best: Option<(Duration, Vec<String>)> = None;
    for _ in 0..2 {
        let run = run_in(repo, &["check", ".", "--format", "json", "--quiet"], 120);
        assert!(
            run.code == 0 || run.code == 1,
            "{}",
            &run.stderr[..run.stderr.len().min(2000)]
        );
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let codes = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        if best.as_ref().is_none_or(|(t, _)| run.took < *t) {
            best = Some((run.took, codes));
        }
    }
    best.unwrap()
}

fn count(codes: &[String], code: &str) -> usize {
    codes.iter().filter(|c| *c == code).count()
}

/// Build the input at `n` and `2n`, time both, and check the ratio; `check`
/// looks at the findings of each size.
fn doubling(
    what: &str,
    n: usize,
    build: impl Fn(usize) -> (tempfile::TempDir, PathBuf),
    check: impl Fn(usize, &[String]),
) {
    // One timing at a time: the cases would otherwise share the cores.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (_a, small) = build(n);
    let (_b, large) = build(2 * n);
    let (t1, c1) = timed(&small);
    let (t2, c2) = timed(&large);
    check(n, &c1);
    check(2 * n, &c2);
    eprintln!("{what}: N={n} {t1:?}, 2N {t2:?}");
    assert!(
        t2 < t1 * 3 + Duration::from_millis(500),
        "{what}: N={n} took {t1:?}, 2N took {t2:?}: more than linear"
    );
}

#[test]
fn a_megabyte_line_of_needs_clarification() {
    // 50,000 markers: a 1 MB line (2 MB at 2N).
    doubling(
        "NEEDS CLARIFICATION line",
        50_000,
        |n| {
            let mut plan = String::from(HEAD);
            plan.push_str("## Technical Context\n\n**Performance Goals**: NEEDS CLARIFICATION\n\n");
            plan.push_str(&"NEEDS CLARIFICATION ".repeat(n));
            plan.push('\n');
            one_plan(&plan)
        },
        |_, codes| {
            assert_eq!(
                count(codes, "TPL001"),
                1,
                "only the field's marker stands as a value"
            )
        },
    );
}

#[test]
fn a_structure_tree_of_many_entries() {
    // N entries in N/100 folders that exist; every file is missing.
    doubling(
        "structure tree",
        10_000,
        |n| {
            let mut plan = String::from(HEAD);
            plan.push_str("## Project Structure\n\n```text\ninfra/\n");
            let (dir, repo) = one_plan("");
            for d in 0..n / 100 {
                std::fs::create_dir_all(repo.join(format!("infra/d{d}"))).unwrap();
                plan.push_str(&format!("├── d{d}/\n"));
                for i in 0..100 {
                    plan.push_str(&format!("│   ├── f{}.yaml\n", d * 100 + i));
                }
            }
            plan.push_str("```\n");
            std::fs::write(repo.join("specs/001-x/plan.md"), plan).unwrap();
            (dir, repo)
        },
        |n, codes| assert_eq!(count(codes, "TREE001"), n, "every missing file is reported"),
    );
}

/// Three letters, unique per `i` (no label is a prefix of another).
fn tag(i: usize) -> String {
    let l = |k: usize| (b'a' + (k % 26) as u8) as char;
    format!("{}{}{}", l(i / 676), l(i / 26), l(i))
}

#[test]
fn many_gates_against_many_complexity_rows() {
    // N failing gates; every row but each 100th's justifies its gate.
    doubling(
        "gates and Complexity Tracking rows",
        1_500,
        |n| {
            let mut plan = String::from(HEAD);
            plan.push_str("## Constitution Check\n\n");
            for i in 0..n {
                plan.push_str(&format!(
                    "- **Principle {}**: ❌ FAIL. Evidence {}.\n",
                    tag(i),
                    tag(i)
                ));
            }
            plan.push_str("\n## Complexity Tracking\n\n| Violation | Why Needed | Simpler Alternative Rejected Because |\n|---|---|---|\n");
            for i in (0..n).filter(|i| i % 100 != 7) {
                plan.push_str(&format!(
                    "| Principle {} violated | needed {} | simpler {} |\n",
                    tag(i),
                    tag(i),
                    tag(i)
                ));
            }
            one_plan(&plan)
        },
        |n, codes| {
            assert_eq!(count(codes, "CPX001"), n / 100, "the gates without a row");
            assert_eq!(count(codes, "CPX003"), 0, "every row names its gate");
        },
    );
}
