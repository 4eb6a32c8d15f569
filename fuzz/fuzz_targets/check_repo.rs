//! The whole pipeline over a small repository written from the input: the
//! input split at `0xFF` bytes (never part of UTF-8) into a plan, a YAML
//! manifest, a constitution.md and a Terraform file (missing parts are
//! absent files). `constable::pipeline::check` must not panic, must report
//! no internal problem, and every finding's span lies inside its file.
#![no_main]

use constable::pipeline::{check, CheckRequest, IacScope};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::LazyLock;

/// One folder per fuzzing process, rewritten for every input.
static DIR: LazyLock<PathBuf> =
    LazyLock::new(|| std::env::temp_dir().join(format!("constable-fuzz-{}", std::process::id())));

const FILES: [&str; 4] = [
    "specs/001-fuzz/plan.md",
    "k8s/app.yaml",
    ".specify/memory/constitution.md",
    "infra/main.tf",
];

fuzz_target!(|data: &[u8]| {
    let root = DIR.join("repo");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join(".specify/memory")).expect("temp repo");
    for (part, rel) in data.split(|b| *b == 0xFF).zip(FILES) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("temp folder");
        std::fs::write(&path, constable_fuzz::text_of(part)).expect("temp file");
    }
    let req = CheckRequest {
        paths: vec![root.clone()],
        iac: IacScope::Roots(vec!["k8s".into(), "infra".into()]),
        ..CheckRequest::default()
    };
    let run = check(&req).unwrap_or_else(|e| panic!("check failed to start: {e}"));
    let out = &run.outcome;
    for p in &out.problems {
        assert!(!p.internal, "internal problem in {}: {}", p.path, p.message);
    }
    for f in &out.findings {
        let file = out.files.get(f.file).expect("finding names a known file");
        constable_fuzz::assert_located(file, &f.span, &format!("finding {} in {}", f.code, file.path));
    }
});
