//! The floor for the benchmark harness (issue 11): walk a repository the way
//! constable does (the `ignore` crate, in parallel, honouring `.gitignore`,
//! no symlinks), read every Markdown file under `specs/` and `.specify/` and
//! every `.yaml`/`.yml`/`.tf`/`.sh` file, parse each with constable's own
//! parsers on rayon, and do nothing else. `constable check` can only be
//! slower than this; the gap is what evaluation, filtering and reporting cost.
//!
//! `cargo run --release --example floor -- ROOT` prints the number of files
//! read (and, on stderr, how many parsed and how many failed).

use constable::parse::hcl::parse_hcl;
use constable::parse::plan::Plan;
use constable::parse::yaml::parse_yaml;
use constable::source::SourceFile;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[derive(Clone, Copy)]
enum Kind {
    Markdown,
    Yaml,
    Hcl,
    Shell,
}

fn kind(rel: &str) -> Option<Kind> {
    let ext = Path::new(rel).extension()?.to_str()?;
    match ext {
        "md" if rel.starts_with("specs/") || rel.starts_with(".specify/") => Some(Kind::Markdown),
        "yaml" | "yml" => Some(Kind::Yaml),
        "tf" => Some(Kind::Hcl),
        "sh" => Some(Kind::Shell),
        _ => None,
    }
}

fn walk(root: &Path) -> Vec<(PathBuf, String)> {
    let found = Mutex::new(Vec::new());
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git");
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            if let Ok(e) = entry {
                if e.file_type().is_some_and(|t| t.is_file()) {
                    if let Ok(rel) = e.path().strip_prefix(root) {
                        let rel = rel
                            .components()
                            .map(|c| c.as_os_str().to_string_lossy())
                            .collect::<Vec<_>>()
                            .join("/");
                        if kind(&rel).is_some() {
                            if let Ok(mut f) = found.lock() {
                                f.push((e.path().to_path_buf(), rel));
                            }
                        }
                    }
                }
            }
            ignore::WalkState::Continue
        })
    });
    let mut files = found.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.1.cmp(&b.1));
    files
}

fn main() -> ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: floor ROOT");
        return ExitCode::from(2);
    };
    if !root.is_dir() {
        eprintln!("error: {} is not a folder", root.display());
        return ExitCode::from(2);
    }
    let files = walk(&root);
    let failed = AtomicUsize::new(0);
    let unreadable = AtomicUsize::new(0);
    files.par_iter().for_each(|(abs, rel)| {
        let Ok(text) = std::fs::read_to_string(abs) else {
            unreadable.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let ok = match kind(rel) {
            Some(Kind::Markdown) => {
                let plan = Plan::parse(SourceFile::new(rel.as_str(), &text));
                std::hint::black_box(&plan);
                true
            }
            // Helm templates are not YAML until rendered; constable skips them too.
            Some(Kind::Yaml) if rel.contains("/templates/") => {
                std::hint::black_box(SourceFile::new(rel.as_str(), &text));
                true
            }
            Some(Kind::Yaml) => {
                let file = SourceFile::new(rel.as_str(), &text);
                std::hint::black_box(parse_yaml(&file.text)).is_ok()
            }
            Some(Kind::Hcl) => {
                let file = SourceFile::new(rel.as_str(), &text);
                std::hint::black_box(parse_hcl(&file.text)).is_ok()
            }
            // No shell parser in the library yet: reading and indexing is the floor.
            Some(Kind::Shell) => {
                std::hint::black_box(SourceFile::new(rel.as_str(), &text));
                true
            }
            None => true,
        };
        if !ok {
            failed.fetch_add(1, Ordering::Relaxed);
        }
    });
    println!("{}", files.len());
    eprintln!(
        "floor: {} files read, {} did not parse, {} unreadable",
        files.len(),
        failed.load(Ordering::Relaxed),
        unreadable.load(Ordering::Relaxed)
    );
    ExitCode::SUCCESS
}
