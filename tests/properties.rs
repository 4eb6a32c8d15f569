//! Property tests through the library (`constable::pipeline::check`):
//! generated clean repositories (a constitution.md, a plan whose gates cite
//! its principles, a structure tree whose paths exist) give no error
//! finding; one known defect put at a random place gives its finding at the
//! right line. Also regression tests for inputs the fuzz targets found.

use constable::finding::Severity;
use constable::pipeline::{check, CheckRequest};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const PLAN: &str = "specs/001-feature/plan.md";
/// The feature's spec.md, complete, so the plan's header points at a file.
const SPEC: &str = r#"# Feature Specification: Rollout

**Feature Branch**: `001-feature`
**Status**: Draft

## User Scenarios & Testing

### User Story 1 - Operators roll out the change (Priority: P1)

The operator merges the change and the automation applies it.

**Acceptance Scenarios**:

1. **Given** the change is merged, **When** the automation runs, **Then** the service is running.

## Requirements

### Functional Requirements

- **FR-001**: The change is applied from Git.

## Success Criteria

- **SC-001**: A second run changes nothing.
"#;

/// Principle names that no built-in principle title or alias matches, so
/// the generated constitution brings no IaC rules with it.
const PRINCIPLES: &[&str] = &[
    "Tested Backups",
    "Capacity Budgets",
    "Change Windows",
    "Audit Trails",
    "Cost Awareness",
    "Vendor Neutrality",
    "Blameless Reviews",
    "Quiet Paging",
];
const NUMERALS: &[&str] = &["I", "II", "III", "IV", "V", "VI", "VII", "VIII"];
const FIELDS: &[&str] = &[
    "Language/Version",
    "Primary Dependencies",
    "Storage",
    "Testing",
    "Target Platform",
    "Project Type",
    "Performance Goals",
    "Constraints",
    "Scale/Scope",
];
const WORDS: &[&str] = &[
    "harbor", "ledger", "quartz", "meadow", "signal", "copper", "lantern", "orchard", "granite", "willow",
    "beacon", "cinder", "falcon", "juniper", "marble", "nectar",
];
const ROOTS: &[&str] = &["deploy", "infra", "ops", "platform", "tooling"];
const CHILDREN: &[&str] = &[
    "base/",
    "overlays/",
    "modules/",
    "notes.md",
    "inventory.ini",
    "checklist.txt",
    "hosts.txt",
];

/// A clean repository, as parameters.
#[derive(Debug, Clone)]
struct Model {
    /// Indexes into PRINCIPLES, in constitution order.
    principles: Vec<usize>,
    /// For each principle: the gate fails (and is justified) or passes.
    fails: Vec<bool>,
    /// Gates in plan order: a permutation of the principles.
    gate_order: Vec<usize>,
    /// (field index, value words).
    fields: Vec<(usize, Vec<usize>)>,
    /// Roots and their children (indexes into ROOTS and CHILDREN).
    tree: Vec<(usize, Vec<usize>)>,
    summary: Vec<usize>,
}

/// One defect and where it goes.
#[derive(Debug, Clone)]
enum Defect {
    /// Field `n` (mod the field count) becomes `NEEDS CLARIFICATION`.
    Clarification(usize),
    /// `[DATE]` in the header's Date (0) or in field `n - 1`.
    DateSlot(usize),
    /// Gate `n` fails and its justification row is left out.
    FailingGate(usize),
    /// A path that does not exist, under root `r` at child position `p`.
    MissingPath(usize, usize),
}

fn words(ws: &[usize]) -> String {
    ws.iter()
        .map(|&w| WORDS[w % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn model() -> impl Strategy<Value = Model> {
    let principles = Just((0..PRINCIPLES.len()).collect::<Vec<_>>())
        .prop_shuffle()
        .prop_flat_map(|all| (2..=5usize).prop_map(move |n| all[..n].to_vec()));
    principles
        .prop_flat_map(|ps| {
            let n = ps.len();
            let order = Just((0..n).collect::<Vec<_>>()).prop_shuffle();
            let fields =
                proptest::sample::subsequence((0..FIELDS.len()).collect::<Vec<_>>(), 4..=FIELDS.len())
                    .prop_flat_map(|fs| {
                        let k = fs.len();
                        (
                            Just(fs),
                            proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 1..5), k),
                        )
                    })
                    .prop_map(|(fs, vals)| fs.into_iter().zip(vals).collect::<Vec<_>>());
            let tree = proptest::sample::subsequence((0..ROOTS.len()).collect::<Vec<_>>(), 1..=3)
                .prop_flat_map(|rs| {
                    let k = rs.len();
                    (
                        Just(rs),
                        proptest::collection::vec(
                            proptest::sample::subsequence((0..CHILDREN.len()).collect::<Vec<_>>(), 1..=4),
                            k,
                        ),
                    )
                });
            (
                Just(ps),
                proptest::collection::vec(any::<bool>(), n),
                order,
                fields,
                tree,
                proptest::collection::vec(0..WORDS.len(), 3..12),
            )
        })
        .prop_map(
            |(principles, fails, gate_order, fields, (roots, kids), summary)| Model {
                principles,
                fails,
                gate_order,
                fields,
                tree: roots.into_iter().zip(kids).collect(),
                summary,
            },
        )
}

fn defect() -> impl Strategy<Value = Defect> {
    prop_oneof![
        (0..16usize).prop_map(Defect::Clarification),
        (0..16usize).prop_map(Defect::DateSlot),
        (0..16usize).prop_map(Defect::FailingGate),
        (0..16usize, 0..8usize).prop_map(|(r, p)| Defect::MissingPath(r, p)),
    ]
}

/// The repository's files, and the defect's expected (code, 1-based line).
struct Rendered {
    files: Vec<(String, String)>,
    expect: Option<(&'static str, usize)>,
}

fn render(m: &Model, defect: Option<&Defect>) -> Rendered {
    let mut expect = None;
    let name = |i: usize| PRINCIPLES[m.principles[i]];

    // constitution.md
    let mut con = String::from("# Lighthouse Platform Constitution\n\n## Core Principles\n\n");
    for (i, _) in m.principles.iter().enumerate() {
        con.push_str(&format!(
            "### {}. {}\n\nEvery change honours {} and says how in its plan.\n\n",
            NUMERALS[i],
            name(i),
            name(i).to_lowercase()
        ));
    }
    con.push_str("## Governance\n\nAmendments need two reviewers.\n\n**Version**: 1.2.0 | **Ratified**: 2025-03-01 | **Last Amended**: 2025-06-12\n");

    // plan.md, line by line so that every line number is known.
    let mut l: Vec<String> = Vec::new();
    let date = match defect {
        Some(Defect::DateSlot(0)) => {
            expect = Some(("TPL002", 3));
            "[DATE]"
        }
        _ => "2026-01-15",
    };
    l.push("# Implementation Plan: Lighthouse rollout".into());
    l.push(String::new());
    l.push(format!(
        "**Branch**: `001-feature` | **Date**: {date} | **Spec**: [spec.md](spec.md)"
    ));
    l.push("**Input**: Feature specification from `/specs/001-feature/spec.md`".into());
    l.push(String::new());
    l.push("## Summary".into());
    l.push(String::new());
    l.push(format!(
        "This change moves the {} service onto the shared cluster.",
        words(&m.summary)
    ));
    l.push(String::new());
    l.push("## Technical Context".into());
    l.push(String::new());
    let nf = m.fields.len();
    for (k, (f, ws)) in m.fields.iter().enumerate() {
        let mut value = words(ws);
        match defect {
            Some(Defect::Clarification(n)) if n % nf == k => {
                value = "NEEDS CLARIFICATION".into();
                expect = Some(("TPL001", l.len() + 1));
            }
            Some(Defect::DateSlot(n)) if *n > 0 && (n - 1) % nf == k => {
                value = format!("{value} until [DATE]");
                expect = Some(("TPL002", l.len() + 1));
            }
            _ => {}
        }
        l.push(format!("**{}**: {value}  ", FIELDS[*f]));
    }
    l.push(String::new());
    l.push("## Constitution Check".into());
    l.push(String::new());
    l.push("*GATE: must pass before research starts.*".into());
    l.push(String::new());
    let ng = m.gate_order.len();
    let unjustified = match defect {
        Some(Defect::FailingGate(n)) => Some(m.gate_order[n % ng]),
        _ => None,
    };
    for &g in &m.gate_order {
        if m.fails[g] || unjustified == Some(g) {
            if unjustified == Some(g) {
                expect = Some(("CPX001", l.len() + 1));
            }
            l.push(format!(
                "- **{}**: ❌ FAIL. The {} job breaks it for one release.",
                name(g),
                WORDS[g % WORDS.len()]
            ));
        } else {
            l.push(format!(
                "- **{}**: ✅ PASS. The plan keeps {} as written in `docs/`.",
                name(g),
                name(g).to_lowercase()
            ));
        }
    }
    l.push(String::new());
    l.push("## Project Structure".into());
    l.push(String::new());
    l.push("### Source Code (repository root)".into());
    l.push(String::new());
    l.push("```text".into());
    let mut files = Vec::new();
    let nr = m.tree.len();
    for (ri, (r, kids)) in m.tree.iter().enumerate() {
        let root = ROOTS[*r];
        l.push(format!("{root}/"));
        let mut entries: Vec<(String, bool)> =
            kids.iter().map(|&c| (CHILDREN[c].to_string(), true)).collect();
        if let Some(Defect::MissingPath(rr, p)) = defect {
            if rr % nr == ri {
                let at = p % (entries.len() + 1);
                entries.insert(at, ("absent-notes.txt".into(), false));
            }
        }
        let n = entries.len();
        for (k, (e, exists)) in entries.iter().enumerate() {
            let glyph = if k + 1 == n { "└──" } else { "├──" };
            if !exists {
                expect = Some(("TREE001", l.len() + 1));
            } else if e.ends_with('/') {
                files.push((format!("{root}/{e}.keep"), String::new()));
            } else {
                files.push((format!("{root}/{e}"), "kept\n".into()));
            }
            l.push(format!("{glyph} {e}"));
        }
        if ri + 1 < nr {
            l.push(String::new());
        }
    }
    l.push("```".into());
    l.push(String::new());
    l.push(format!(
        "**Structure Decision**: Everything new lives under `{}/`, next to what is there.",
        ROOTS[m.tree[0].0]
    ));
    l.push(String::new());
    l.push("## Complexity Tracking".into());
    l.push(String::new());
    let justified: Vec<usize> = (0..m.principles.len())
        .filter(|&g| m.fails[g] && unjustified != Some(g))
        .collect();
    if justified.is_empty() {
        l.push("No gate is violated, so there is nothing to justify here.".into());
    } else {
        l.push("| Violation | Why Needed | Simpler Alternative Rejected Because |".into());
        l.push("|-----------|------------|--------------------------------------|".into());
        for g in justified {
            l.push(format!(
                "| {} | The {} migration needs one release of overlap | Cutting over at once loses data |",
                name(g),
                WORDS[g % WORDS.len()]
            ));
        }
    }
    let mut plan = l.join("\n");
    plan.push('\n');
    files.push((PLAN.into(), plan));
    files.push(("specs/001-feature/spec.md".into(), SPEC.into()));
    files.push((".specify/memory/constitution.md".into(), con));
    Rendered { files, expect }
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder for one generated repository, removed on drop.
struct TempRepo(PathBuf);

impl TempRepo {
    fn new(files: &[(String, String)]) -> TempRepo {
        let dir = std::env::temp_dir().join(format!(
            "constable-prop-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in files {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        TempRepo(dir)
    }
}

impl Drop for TempRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// (code, severity, path, line) of every finding of a check of `root`.
fn findings(root: &Path) -> Vec<(String, Severity, String, usize)> {
    let run = check(&CheckRequest {
        paths: vec![root.to_path_buf()],
        ..CheckRequest::default()
    })
    .expect("the check runs");
    assert!(
        run.outcome.problems.is_empty(),
        "problems: {:?}",
        run.outcome.problems
    );
    run.outcome
        .findings
        .iter()
        .map(|f| {
            let file = &run.outcome.files[f.file];
            (
                f.code.to_string(),
                f.severity,
                file.path.to_string(),
                file.line_col(f.span.start).0,
            )
        })
        .collect()
}

fn plan_text(r: &Rendered) -> &str {
    &r.files.iter().find(|(p, _)| p == PLAN).unwrap().1
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn clean_plans_pass_and_each_defect_is_found_at_its_line(m in model(), d in defect()) {
        let clean = render(&m, None);
        let repo = TempRepo::new(&clean.files);
        let got = findings(&repo.0);
        let errors: Vec<_> = got.iter().filter(|f| f.1 == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "clean plan has errors {errors:?}\n{}", plan_text(&clean));
        drop(repo);

        let bad = render(&m, Some(&d));
        let (code, line) = bad.expect.expect("every defect names its finding");
        let repo = TempRepo::new(&bad.files);
        let got = findings(&repo.0);
        prop_assert!(
            got.iter().any(|f| f.0 == code && f.2 == PLAN && f.3 == line),
            "expected {code} at {PLAN}:{line}, got {got:?}\n{}",
            plan_text(&bad)
        );
        // The defect adds its own finding, not others elsewhere.
        let new_errors: Vec<_> = got.iter().filter(|f| f.1 == Severity::Error && f.3 != line).collect();
        prop_assert!(new_errors.is_empty(), "{d:?} caused other errors {new_errors:?}\n{}", plan_text(&bad));
    }
}

/// The generator's own sanity: one rendering, its defect line, by hand.
#[test]
fn rendered_defect_line_points_at_the_marker() {
    let m = Model {
        principles: vec![0, 1],
        fails: vec![false, true],
        gate_order: vec![1, 0],
        fields: vec![(0, vec![1, 2]), (2, vec![3]), (4, vec![4]), (6, vec![5])],
        tree: vec![(0, vec![0, 3])],
        summary: vec![1, 2, 3],
    };
    let r = render(&m, Some(&Defect::Clarification(2)));
    let (code, line) = r.expect.unwrap();
    assert_eq!(code, "TPL001");
    assert_eq!(
        plan_text(&r).lines().nth(line - 1).unwrap(),
        "**Target Platform**: NEEDS CLARIFICATION  "
    );
}

// Regression tests for inputs the fuzz targets found (docs/fuzzing.md).

/// Every node and key span of every document inside the document.
fn yaml_spans_inside_documents(text: &str) {
    let docs = constable::parse::yaml::parse_yaml(text).expect("parses");
    for d in &docs {
        assert!(d.span.end <= text.len(), "document {:?} outside the text", d.span);
        for s in d.spans() {
            assert!(
                d.span.start <= s.start && s.end <= d.span.end,
                "a node at {s:?} lies outside its document {:?} in {text:?}",
                d.span
            );
        }
    }
}

/// fuzz `yaml`: an implicit null key at the start of the last line.
#[test]
fn yaml_empty_key_on_the_last_line_is_inside_the_document() {
    yaml_spans_inside_documents("s:\n:");
}

/// Every table cell inside its row and every row inside its table.
fn cells_inside_rows(text: &str) {
    use constable::parse::plan::Plan;
    use constable::source::SourceFile;
    let plan = Plan::parse(SourceFile::new("plan.md", text));
    assert!(!plan.tables.is_empty(), "a table in {text:?}");
    for t in &plan.tables {
        for r in std::iter::once(&t.header).chain(&t.rows) {
            assert!(
                t.span.start <= r.span.start && r.span.end <= t.span.end,
                "row {:?} outside {:?}",
                r.span,
                t.span
            );
            for c in &r.cells {
                assert!(
                    r.span.start <= c.span.start && c.span.end <= r.span.end,
                    "cell {:?} outside its row {:?} in {text:?}",
                    c.span,
                    r.span
                );
            }
        }
    }
}

/// fuzz `plan_model`: a body row with fewer cells than the header gets
/// padding cells, which pulldown-cmark places after the row's line break.
#[test]
fn padding_cells_of_a_short_row_stay_in_the_row() {
    cells_inside_rows("#|]\n-|-\nh\n");
    cells_inside_rows("| a | b | c |\n|---|---|---|\n| x |\n| y | z |\n");
}

/// fuzz `yaml`: an empty value after `key :` at the end of a nested
/// mapping kept the inner mapping's end past its parent's.
#[test]
fn yaml_nested_empty_value_after_a_blank_is_inside_every_ancestor() {
    yaml_spans_inside_documents(
        "---\n-\u{fffd} ~am\u{fffd}mmic\u{fffd}\u{fffd}\u{fffd}q:\n  \u{fffd}tence:\n  \u{fffd}e:e :   ",
    );
    yaml_spans_inside_documents("a:\n  b:\n    c :  \n");
}

/// fuzz `yaml`: the missing value of an explicit key (`? key` alone) was
/// placed at offset 0, before its document.
#[test]
fn yaml_missing_value_of_an_explicit_key_follows_its_key() {
    yaml_spans_inside_documents(" ?  a b ");
    for text in [" ?  a b ", "? a b\n", "x: 1\n? a b\n"] {
        let docs = constable::parse::yaml::parse_yaml(text).expect("parses");
        let path = vec![constable::parse::located::Seg::Key("a b".into())];
        let key = docs[0].key_span(&path).expect("the key has a span");
        let value = docs[0].value_span_of(&path);
        assert!(
            value.start >= key.end,
            "value {value:?} before its key {key:?} in {text:?}"
        );
    }
}

/// fuzz `yaml` (2026-11-29): an anchored empty key before the mapping's
/// first marker (`&a\t\t:`) lay before its document's start.
#[test]
fn yaml_anchored_empty_key_is_inside_the_document() {
    yaml_spans_inside_documents("&apiVersion\t\t:\t\t\t\t\t\t\t\t\t\t\t\t\t\t+\t\t\t:xl eunner\n");
    yaml_spans_inside_documents("&a : b\n");
}

/// fuzz `constitution_check` (2026-11-29): a heading gate whose title has
/// inline markup got a label span measured from the `#` marks with the
/// plain title's length, which could end inside a multi-byte character.
#[test]
fn heading_gate_label_with_markup_ends_on_a_character_boundary() {
    use constable::parse::gates::GateModel;
    use constable::parse::plan::Plan;
    use constable::source::SourceFile;
    let text =
        "# Plan\n\n## Constitution Check\n\n### III. **Self** Healing ‒‒‒‒‒‒‒‒‒‒ ✅\n\nRestarts itself.\n";
    let plan = Plan::parse(SourceFile::new("specs/001-a/plan.md", text));
    let model = GateModel::read(&plan, &constable::rules::StatusMatcher::default());
    assert!(!model.entries.is_empty(), "a gate entry");
    for e in &model.entries {
        let s = &e.label_span;
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "label span {s:?} of {:?} inside a character",
            e.label
        );
        assert!(text[s.clone()].contains("Healing"), "{:?}", &text[s.clone()]);
    }
}

/// fuzz `constitution_check` (2026-11-29): a gate bullet whose continuation
/// line is an indented heading ran on, as a list item, past the heading that
/// ends the Constitution Check.
#[test]
fn gate_bullet_text_ends_with_its_section() {
    use constable::parse::gates::GateModel;
    use constable::parse::plan::Plan;
    use constable::source::SourceFile;
    let text = "# Plan\n\n## Constitution Check\n\n- **Git Source**: ✅ PASS. Synced from\n  # Another Title\n\nMore text.\n\n## Project Structure\n\nNothing.\n";
    let plan = Plan::parse(SourceFile::new("specs/001-a/plan.md", text));
    let model = GateModel::read(&plan, &constable::rules::StatusMatcher::default());
    let sections: Vec<_> = model
        .sections
        .iter()
        .map(|&i| plan.sections[i].span.clone())
        .collect();
    assert!(!model.entries.is_empty(), "a gate entry");
    for e in &model.entries {
        for s in [&e.span, &e.text, &e.label_span] {
            assert!(
                sections.iter().any(|c| c.start <= s.start && s.end <= c.end),
                "{s:?} of {:?} outside its Constitution Check {sections:?}",
                e.label
            );
        }
    }
}
