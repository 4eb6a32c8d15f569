//! The spec.md / tasks.md / checklist checks (src/artifacts) over their own
//! fixtures, with exact lines, and over the real feature folders of the
//! corpus in ../shared (skipped, visibly, when it is absent).

mod common;
use common::*;
use constable::artifacts::{self, *};
use constable::parse::checklist::Checklist;
use constable::parse::family::{detect, Family};
use constable::parse::plan::Plan;
use constable::parse::spec::Spec;
use constable::parse::tasks::Tasks;
use constable::source::SourceFile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `../shared/<sub>` next to the main checkout, or next to the worktrees'
/// folder (`/work/wt/NAME` -> `/work/shared`).
fn shared_dir(sub: &str) -> Option<PathBuf> {
    shared(sub).or_else(|| {
        let p = root().join("..").join("..").join("shared").join(sub);
        p.is_dir().then_some(p)
    })
}

fn read(repo: &Path, rel: &str) -> Option<SourceFile> {
    let text = std::fs::read_to_string(repo.join(rel)).ok()?;
    Some(SourceFile::new(rel, &text))
}

/// Every artifact of the feature folder `dir` (relative to `repo`).
fn load(repo: &Path, dir: &str) -> Feature {
    let mut checklists = Vec::new();
    if let Ok(entries) = std::fs::read_dir(repo.join(dir).join("checklists")) {
        let mut names: Vec<String> = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        names.sort();
        for n in names {
            checklists.extend(read(repo, &format!("{dir}/checklists/{n}")).map(Checklist::parse));
        }
    }
    Feature {
        dir: dir.to_string(),
        spec: read(repo, &format!("{dir}/spec.md")).map(Spec::parse),
        plan: read(repo, &format!("{dir}/plan.md")).map(Plan::parse),
        tasks: read(repo, &format!("{dir}/tasks.md")).map(Tasks::parse),
        checklists,
    }
}

/// The caller's existence policy: a path with a slash is looked up from the
/// repository root; a bare file name could live anywhere, and a path the
/// root `.gitignore` ignores (generated files) is not committed by design,
/// so both are unknown.
fn on_disk(repo: &Path) -> impl Fn(&str) -> Existence + '_ {
    let (ignored, _) = ignore::gitignore::Gitignore::new(repo.join(".gitignore"));
    move |p: &str| {
        if repo.join(p).exists() {
            Existence::Exists
        } else if !p.contains('/')
            || ignored
                .matched_path_or_any_parents(p.trim_end_matches('/'), p.ends_with('/'))
                .is_ignore()
        {
            Existence::Unknown
        } else {
            Existence::Missing
        }
    }
}

fn file<'a>(f: &'a Feature, path: &str) -> &'a SourceFile {
    let mut all: Vec<&SourceFile> = Vec::new();
    all.extend(f.spec.as_ref().map(|s| &s.plan.file));
    all.extend(f.plan.as_ref().map(|p| &p.file));
    all.extend(f.tasks.as_ref().map(|t| &t.plan.file));
    all.extend(f.checklists.iter().map(|c| &c.plan.file));
    all.into_iter()
        .find(|s| &*s.path == path)
        .expect("a hit names a file of the feature")
}

/// `file:line` for every hit, the file name without its folder.
fn at(f: &Feature, hits: &[Hit]) -> Vec<String> {
    hits.iter()
        .map(|h| {
            let (line, _) = file(f, &h.path).line_col(h.span.start);
            format!(
                "{}:{line}",
                h.path
                    .rsplit_once(&format!("{}/", f.dir))
                    .map_or(&*h.path, |x| x.1)
            )
        })
        .collect()
}

struct Fixtures {
    dirty: Feature,
    clean: Feature,
    draft: Feature,
}

fn fixtures() -> Fixtures {
    Fixtures {
        dirty: load(&fixture("artifacts-leftovers/repo"), "specs/002-log-shipping"),
        clean: load(&fixture("artifacts-clean/repo"), "specs/001-web-cache"),
        draft: load(&fixture("artifacts-draft/repo"), "specs/003-dns-failover"),
    }
}

fn spec_hits(f: &Feature, check: fn(&Spec, &mut Vec<Hit>)) -> Vec<String> {
    let mut out = Vec::new();
    check(f.spec.as_ref().unwrap(), &mut out);
    at(f, &out)
}

fn task_hits(f: &Feature, check: fn(&Tasks, &mut Vec<Hit>)) -> Vec<String> {
    let mut out = Vec::new();
    check(f.tasks.as_ref().unwrap(), &mut out);
    at(f, &out)
}

#[test]
fn spec001_leftovers() {
    let fx = fixtures();
    let mut out = Vec::new();
    spec001::check(fx.dirty.spec.as_ref().unwrap(), &mut out);
    assert_eq!(
        at(&fx.dirty, &out),
        [
            "spec.md:1",
            "spec.md:6",
            "spec.md:21",
            "spec.md:30",
            "spec.md:32",
            "spec.md:34"
        ]
    );
    let text = fx.dirty.spec.as_ref().unwrap().text();
    assert_eq!(&text[out[0].span.clone()], "[FEATURE NAME]");
    assert_eq!(&text[out[1].span.clone()], "$ARGUMENTS");
    assert_eq!(out[0].severity, None);
    assert!(out[2..]
        .iter()
        .all(|h| h.severity == Some(constable::finding::Severity::Warning)));
    // The draft's three markers are reported; its mention of the marker is not.
    assert_eq!(
        spec_hits(&fx.draft, spec001::check),
        ["spec.md:24", "spec.md:25", "spec.md:26"]
    );
    assert!(spec_hits(&fx.clean, spec001::check).is_empty());
}

#[test]
fn spec002_fourth_marker() {
    let fx = fixtures();
    assert_eq!(spec_hits(&fx.dirty, spec002::check), ["spec.md:34"]);
    assert!(
        spec_hits(&fx.draft, spec002::check).is_empty(),
        "three markers are allowed"
    );
    assert!(spec_hits(&fx.clean, spec002::check).is_empty());
}

#[test]
fn spec003_mandatory_sections() {
    let fx = fixtures();
    let mut out = Vec::new();
    spec003::check(fx.dirty.spec.as_ref().unwrap(), &mut out);
    assert_eq!(at(&fx.dirty, &out), ["spec.md:1"]);
    assert!(out[0].message.contains("Success Criteria"), "{}", out[0].message);
    assert!(
        spec_hits(&fx.draft, spec003::check).is_empty(),
        "legacy specs have no Success Criteria"
    );
    assert!(spec_hits(&fx.clean, spec003::check).is_empty());
}

#[test]
fn spec004_requirement_ids() {
    let fx = fixtures();
    let mut out = Vec::new();
    spec004::check(fx.dirty.spec.as_ref().unwrap(), &mut out);
    assert_eq!(at(&fx.dirty, &out), ["spec.md:32", "spec.md:33", "spec.md:34"]);
    let msgs: Vec<_> = out.iter().map(|h| h.message.as_str()).collect();
    assert!(msgs[0].contains("out of sequence"), "{msgs:?}");
    assert!(msgs[1].contains("already defined on line 32"), "{msgs:?}");
    assert!(msgs[2].contains("`FR-5` is malformed"), "{msgs:?}");
    assert!(spec_hits(&fx.clean, spec004::check).is_empty());
    assert!(spec_hits(&fx.draft, spec004::check).is_empty());
}

#[test]
fn spec005_given_when_then() {
    let fx = fixtures();
    assert_eq!(spec_hits(&fx.dirty, spec005::check), ["spec.md:17"]);
    assert!(
        spec_hits(&fx.clean, spec005::check).is_empty(),
        "wrapped and lower-case forms pass"
    );
    assert!(
        spec_hits(&fx.draft, spec005::check).is_empty(),
        "a `### Acceptance Scenarios` heading works too"
    );
}

#[test]
fn task001_format() {
    let fx = fixtures();
    assert_eq!(task_hits(&fx.dirty, task001::check), ["tasks.md:7", "tasks.md:8"]);
    assert!(task_hits(&fx.clean, task001::check).is_empty());
}

#[test]
fn task002_duplicates() {
    let fx = fixtures();
    assert_eq!(task_hits(&fx.dirty, task002::check), ["tasks.md:14"]);
    assert!(
        task_hits(&fx.clean, task002::check).is_empty(),
        "ids in code blocks do not count"
    );
}

#[test]
fn task003_unknown_story() {
    let fx = fixtures();
    let run = |f: &Feature| {
        let mut out = Vec::new();
        task003::check(f.tasks.as_ref().unwrap(), f.spec.as_ref().unwrap(), &mut out);
        at(f, &out)
    };
    assert_eq!(run(&fx.dirty), ["tasks.md:14"]);
    assert!(run(&fx.clean).is_empty());
}

#[test]
fn task004_parallel_same_file() {
    let fx = fixtures();
    let mut out = Vec::new();
    task004::check(fx.dirty.tasks.as_ref().unwrap(), &mut out);
    assert_eq!(at(&fx.dirty, &out), ["tasks.md:13"]);
    assert_eq!(
        &fx.dirty.tasks.as_ref().unwrap().text()[out[0].span.clone()],
        "deploy/agent/config.yaml"
    );
    assert!(task_hits(&fx.clean, task004::check).is_empty());
}

#[test]
fn task005_phantom_completion() {
    let fx = fixtures();
    let run = |f: &Feature, repo: &str| {
        let repo = fixture(repo);
        let exists = on_disk(&repo);
        let mut out = Vec::new();
        task005::check(f.tasks.as_ref().unwrap(), &f.dir, &exists, &mut out);
        out
    };
    let out = run(&fx.dirty, "artifacts-leftovers/repo");
    assert_eq!(at(&fx.dirty, &out), ["tasks.md:5"]);
    assert_eq!(
        &fx.dirty.tasks.as_ref().unwrap().text()[out[0].span.clone()],
        "deploy/agent/values.yaml"
    );
    assert!(run(&fx.clean, "artifacts-clean/repo").is_empty());
    // The answers come from the caller: with every path missing, the clean
    // fixture's ticked repository paths fire, its specs and host paths do not.
    let mut out = Vec::new();
    let clean = fx.clean.tasks.as_ref().unwrap();
    task005::check(clean, &fx.clean.dir, &|_| Existence::Missing, &mut out);
    let named: Vec<_> = out.iter().map(|h| &clean.text()[h.span.clone()]).collect();
    assert_eq!(
        named,
        [
            "infra/cache/",
            "infra/cache/README.md",
            "scripts/warm-cache.sh",
            "infra/cache/README.md",
            "scripts/warm-cache.sh",
            "infra/cache/README.md"
        ]
    );
}

#[test]
fn task006_complete_with_open_tasks() {
    let fx = fixtures();
    let run = |f: &Feature| {
        let mut out = Vec::new();
        task006::check(f.tasks.as_ref(), f.spec.as_ref(), f.plan.as_ref(), &mut out);
        out
    };
    let out = run(&fx.dirty);
    assert_eq!(at(&fx.dirty, &out), ["spec.md:5", "plan.md:4"]);
    assert!(out[0].message.contains("5 of 7 tasks"), "{}", out[0].message);
    assert!(run(&fx.clean).is_empty());
}

#[test]
fn chk001_open_items_when_complete() {
    let fx = fixtures();
    let run = |f: &Feature| {
        let mut out = Vec::new();
        chk001::check(
            &f.checklists,
            f.tasks.as_ref(),
            f.spec.as_ref(),
            f.plan.as_ref(),
            &mut out,
        );
        at(f, &out)
    };
    assert_eq!(
        run(&fx.dirty),
        ["checklists/review.md:6", "checklists/review.md:7"]
    );
    assert!(run(&fx.clean).is_empty());
}

#[test]
fn chk002_ids() {
    let fx = fixtures();
    let run = |f: &Feature| {
        let mut out = Vec::new();
        for c in &f.checklists {
            chk002::check(c, &mut out);
        }
        at(f, &out)
    };
    assert_eq!(
        run(&fx.dirty),
        [
            "checklists/review.md:6",
            "checklists/review.md:7",
            "checklists/review.md:8"
        ]
    );
    assert!(run(&fx.clean).is_empty(), "a checklist without ids is fine");
}

#[test]
fn run_all_covers_every_code_and_the_clean_fixture_is_silent() {
    let fx = fixtures();
    let repo = fixture("artifacts-leftovers/repo");
    let mut codes: Vec<_> = artifacts::run_all(&fx.dirty, &on_disk(&repo))
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    codes.dedup();
    assert_eq!(codes, artifacts::CODES);
    let repo = fixture("artifacts-clean/repo");
    let hits = artifacts::run_all(&fx.clean, &on_disk(&repo));
    assert!(hits.is_empty(), "{hits:#?}");
}

#[test]
fn rule_docs_cover_every_code() {
    let text = std::fs::read_to_string(root().join("rules/artifacts.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let rules = doc["rule"].as_array().unwrap();
    let codes: Vec<_> = rules.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, artifacts::CODES);
    for r in rules {
        for key in ["name", "severity", "message", "help"] {
            assert!(
                r.get(key).and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty()),
                "{r:?} lacks {key}"
            );
        }
        assert_eq!(r["kind"].as_str(), Some("builtin"));
        assert!(["error", "warning", "info"].contains(&r["severity"].as_str().unwrap()));
        for key in ["what", "why", "fix", "example"] {
            assert!(r["doc"].get(key).is_some(), "{} doc lacks {key}", r["code"]);
        }
    }
}

#[test]
fn every_seed_has_one_family() {
    let Some(seeds) = shared_dir("seeds") else {
        eprintln!("skipped: ../shared/seeds is absent");
        return;
    };
    // The seeds README: 000-002 are SpecOps, 003-004 spec-kit.
    let expected = [
        ("000_", Family::SpecOps),
        ("001_", Family::SpecOps),
        ("002_", Family::SpecOps),
        ("003_", Family::SpecKit),
        ("004_", Family::SpecKit),
    ];
    let mut seen = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Some((_, want)) = expected.iter().find(|(pre, _)| name.starts_with(pre)) else {
            continue;
        };
        let plan = Plan::parse(SourceFile::new(
            "specs/001-x/plan.md",
            &std::fs::read_to_string(&p).unwrap(),
        ));
        assert_eq!(detect("specs/001-x/plan.md", &plan), *want, "{name}");
        seen += 1;
    }
    assert_eq!(seen, 5);
}

/// Feature folders of the corpus: `specs/*/` and `.specify/specs/*/`.
fn corpus_features(corpus: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut repos: Vec<_> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    for repo in repos {
        for base in ["specs", ".specify/specs", ".specops/specs"] {
            let Ok(entries) = std::fs::read_dir(repo.join(base)) else {
                continue;
            };
            let mut dirs: Vec<_> = entries
                .map(|e| e.unwrap())
                .filter(|e| e.path().is_dir())
                .map(|e| format!("{base}/{}", e.file_name().to_string_lossy()))
                .collect();
            dirs.sort();
            out.extend(dirs.into_iter().map(|d| (repo.clone(), d)));
        }
    }
    out
}

#[test]
fn corpus_findings() {
    let Some(corpus) = shared_dir("corpus") else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    let mut counts: BTreeMap<&str, usize> = artifacts::CODES.iter().map(|c| (*c, 0)).collect();
    let mut features = 0;
    for (repo, dir) in corpus_features(&corpus) {
        let f = load(&repo, &dir);
        if f.spec.is_none() && f.tasks.is_none() {
            continue;
        }
        features += 1;
        let name = repo.file_name().unwrap().to_string_lossy().into_owned();
        for (code, h) in artifacts::run_all(&f, &on_disk(&repo)) {
            let src = file(&f, &h.path);
            let (line, col) = src.line_col(h.span.start);
            println!("{name}/{}:{line}:{col}: {code} {}", h.path, h.message);
            *counts.get_mut(code).unwrap() += 1;
        }
    }
    assert!(features > 0, "the corpus has feature folders");
    let table: String = counts.iter().map(|(c, n)| format!("{c} {n}\n")).collect();
    println!("{features} feature folders\n{table}");
    insta::assert_snapshot!(
        "artifacts-corpus-counts",
        format!("{features} feature folders\n{table}")
    );
}

/// The feature-level checks as the registry runs them, with the fixture's
/// own disk answers.
fn feature_hits(f: &Feature, repo: &Path, check: FeatureFn) -> Vec<String> {
    let mut out = Vec::new();
    check(f, &on_disk(repo), &mut out);
    at(f, &out)
}

#[test]
fn xref001_orphan_requirements() {
    let fx = fixtures();
    let repo = fixture("artifacts-leftovers/repo");
    // Cited: FR-001 (and the undefined FR-009); FR-003 is reported once,
    // at its first definition.
    assert_eq!(
        feature_hits(&fx.dirty, &repo, artifacts::XREF001),
        ["spec.md:30", "spec.md:31", "spec.md:32", "spec.md:34"]
    );
    // The clean plan cites a range and single ids that cover every definition.
    assert!(feature_hits(&fx.clean, &fixture("artifacts-clean/repo"), artifacts::XREF001).is_empty());
    // The draft cites no ids at all: not checked.
    assert!(feature_hits(&fx.draft, &fixture("artifacts-draft/repo"), artifacts::XREF001).is_empty());
}

#[test]
fn xref002_unknown_requirements() {
    let fx = fixtures();
    let repo = fixture("artifacts-leftovers/repo");
    let mut out = Vec::new();
    artifacts::XREF002(&fx.dirty, &on_disk(&repo), &mut out);
    assert_eq!(at(&fx.dirty, &out), ["plan.md:13"]);
    assert!(
        out[0].message.starts_with("FR-009 is cited"),
        "{}",
        out[0].message
    );
    assert!(feature_hits(&fx.clean, &fixture("artifacts-clean/repo"), artifacts::XREF002).is_empty());
}

#[test]
fn xref003_header_points_elsewhere() {
    let fx = fixtures();
    let repo = fixture("artifacts-leftovers/repo");
    let mut out = Vec::new();
    artifacts::XREF003(&fx.dirty, &on_disk(&repo), &mut out);
    assert_eq!(at(&fx.dirty, &out), ["plan.md:5"]);
    assert!(out[0].message.contains("`001-metrics`"), "{}", out[0].message);
    assert!(feature_hits(&fx.clean, &fixture("artifacts-clean/repo"), artifacts::XREF003).is_empty());
}

#[test]
fn xref004_missing_phase_outputs() {
    let fx = fixtures();
    let repo = fixture("artifacts-leftovers/repo");
    assert_eq!(feature_hits(&fx.dirty, &repo, artifacts::XREF004), ["plan.md:21"]);
    assert!(feature_hits(&fx.clean, &fixture("artifacts-clean/repo"), artifacts::XREF004).is_empty());
}

/// The family of every plan of the corpus, by repository and path.
#[test]
fn corpus_plan_families() {
    let Some(corpus) = shared_dir("corpus") else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    let mut lines = String::new();
    for (repo, dir) in corpus_features(&corpus) {
        let rel = format!("{dir}/plan.md");
        let Some(file) = read(&repo, &rel) else { continue };
        let name = repo.file_name().unwrap().to_string_lossy().into_owned();
        let plan = Plan::parse(file);
        lines.push_str(&format!("{name}/{rel}: {}\n", detect(&rel, &plan).as_str()));
    }
    assert!(!lines.is_empty(), "the corpus has plans");
    insta::assert_snapshot!("artifacts-corpus-families", lines);
}

/// `--format json` lists every checked file with its kind, and each plan
/// with its family; `family` in constable.toml overrides detection.
#[test]
fn json_lists_files_with_plan_families() {
    let dir = temp_dir("artifacts-json-families");
    copy_tree(&fixture("artifacts-leftovers/repo"), &dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let files = |dir: &Path| {
        let out = constable_in(dir, &["check", ".", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON output");
        json["files"]
            .as_array()
            .expect("a files array")
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}",
                    f["path"].as_str().unwrap(),
                    f["kind"].as_str().unwrap(),
                    f["family"].as_str().unwrap_or("-")
                )
            })
            .collect::<Vec<_>>()
    };
    let got = files(&dir);
    assert!(
        got.contains(&"specs/002-log-shipping/plan.md plan spec-kit".to_string()),
        "{got:#?}"
    );
    assert!(
        got.contains(&"specs/002-log-shipping/spec.md spec -".to_string()),
        "{got:#?}"
    );
    assert!(
        got.contains(&"specs/002-log-shipping/tasks.md tasks -".to_string()),
        "{got:#?}"
    );
    assert!(
        got.contains(&"specs/002-log-shipping/checklists/review.md checklist -".to_string()),
        "{got:#?}"
    );
    std::fs::write(dir.join("constable.toml"), "family = \"specops\"\n").unwrap();
    let got = files(&dir);
    assert!(
        got.contains(&"specs/002-log-shipping/plan.md plan specops".to_string()),
        "{got:#?}"
    );
    std::fs::write(dir.join("constable.toml"), "family = \"unknown\"\n").unwrap();
    let out = constable_in(&dir, &["check", ".", "--format", "json"]);
    assert_eq!(
        out.code, 2,
        "an unknown family is a configuration error: {}",
        out.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}
