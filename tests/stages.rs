//! The pipeline runs one way: a stage module may import earlier stages and
//! the foundation modules, never a later stage. This test reads every
//! `src/**/*.rs`, collects `use crate::...` items and `crate::module::` paths
//! (test code, from the first `#[cfg(test)]` on, is not scanned) and prints
//! every import that runs backwards.
//!
//! Order: discover < load < parse < render < evaluate = checks = artifacts
//! < filter < report. `source`, `finding`, `rules`, `lazy_regex` and `text` are the
//! foundation: anyone may import them, and they import only each other.
//! `main`, `lib`, `cli`, `lsp`, `pipeline` and `init` are front ends and may
//! import anything; no stage may import them.

mod common;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Foundation,
    Stage(u8),
    FrontEnd,
}

fn layer(module: &str) -> Option<Layer> {
    Some(match module {
        "source" | "finding" | "fingerprint" | "fix" | "rules" | "text" | "lazy_regex" => Layer::Foundation,
        "discover" => Layer::Stage(0),
        "load" => Layer::Stage(1),
        "parse" => Layer::Stage(2),
        "render" => Layer::Stage(3),
        "evaluate" | "checks" | "artifacts" => Layer::Stage(4),
        "filter" => Layer::Stage(5),
        "report" => Layer::Stage(6),
        "main" | "lib" | "cli" | "lsp" | "pipeline" | "init" | "autofix" | "compliance" => Layer::FrontEnd,
        _ => return None,
    })
}

/// Why `from` may not import `to`, or None when it may.
fn forbidden(from: &str, to: &str) -> Option<String> {
    let (Some(a), Some(b)) = (layer(from), layer(to)) else {
        return Some(format!(
            "module `{}` has no place in the stage order (add it to tests/stages.rs)",
            if layer(from).is_none() { from } else { to }
        ));
    };
    match (a, b) {
        (Layer::FrontEnd, _) | (_, Layer::Foundation) => None,
        (Layer::Foundation, _) => Some("a foundation module imports only foundation modules".into()),
        (Layer::Stage(_), Layer::FrontEnd) => Some("a stage never imports a front end".into()),
        (Layer::Stage(x), Layer::Stage(y)) if y > x => Some("a stage imports a later stage".into()),
        (Layer::Stage(_), Layer::Stage(_)) => None,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/parse/plan.rs` -> `parse`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code a file's stage test looks at: everything before its first
/// `#[cfg(test)]`, without `//` comments.
fn non_test_code(text: &str) -> String {
    let body = text.split("#[cfg(test)]").next().unwrap_or("");
    body.lines()
        .map(|l| match l.find("//") {
            // Keep `://` in strings (URLs); drop real comments.
            Some(i) if !l[..i].ends_with(':') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// (line, module) of every crate-level module the code names.
fn imports(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut rest = 0;
    while let Some(i) = code[rest..].find("crate::") {
        let at = rest + i;
        rest = at + "crate::".len();
        // `$crate::` in macros and `other_crate::` are not this crate.
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let tail = &code[rest..];
        if let Some(group) = tail.strip_prefix('{') {
            // `use crate::{a::X, b, c::{d, e}}`: the top-level names.
            let mut depth = 0;
            let mut item = String::new();
            let mut names = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => names.push(std::mem::take(&mut item)),
                    _ => item.push(c),
                }
            }
            names.push(item);
            for n in names {
                let name: String = n
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    out.push((line_of(at), name));
                }
            }
        } else {
            let name: String = tail
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((line_of(at), name));
            }
        }
    }
    out
}

/// Every backwards import under `src`, as `path:line: from -> to: why`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let from = module_of(src, &file);
        let code = non_test_code(&std::fs::read_to_string(&file).unwrap());
        for (line, to) in imports(&code) {
            if to == from {
                continue;
            }
            if let Some(why) = forbidden(&from, &to) {
                let rel = file.strip_prefix(src.parent().unwrap()).unwrap();
                out.push(format!(
                    "{}:{line}: `{from}` imports `{to}`: {why}",
                    rel.display()
                ));
            }
        }
    }
    out
}

/// Backwards imports known today, by `path: from -> to`, each with the
/// reason it stands. They are printed on every run; when one is fixed, the
/// test fails until it is removed here.
const KNOWN: &[(&str, &str)] = &[(
    "src/load/mod.rs: `load` imports `parse`",
    "`[principles]` keys are checked against constitution.md's headings when the configuration loads; the check belongs in the pipeline after parsing",
), (
    "src/load/mod.rs: `load` imports `evaluate`",
    "same: the constitution is parsed for the `[principles]` check",
)];

#[test]
fn no_stage_imports_a_later_stage() {
    let all = violations(&common::root().join("src"));
    let key = |v: &str| {
        let (path, rest) = v.split_once(':').unwrap();
        let (_, what) = rest.split_once(": ").unwrap();
        format!("{path}: {}", what.split(':').next().unwrap())
    };
    for v in &all {
        eprintln!("{v}");
    }
    for (k, why) in KNOWN {
        assert!(
            all.iter().any(|v| key(v) == *k),
            "known violation `{k}` is gone: remove it from KNOWN"
        );
        eprintln!("known: {k} ({why})");
    }
    let found: Vec<&String> = all
        .iter()
        .filter(|v| !KNOWN.iter().any(|(k, _)| key(v) == *k))
        .collect();
    assert!(
        found.is_empty(),
        "{} backwards import(s):\n{}",
        found.len(),
        found.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_scanner_sees_every_import_form() {
    let code = non_test_code(
        "use crate::parse::plan::Plan;\nuse crate::{finding::Finding, report, load::{a, b}};\n\
         fn f() { crate::filter::run(); other_crate::x(); $crate::y(); }\n\
         // crate::report:: in a comment\n#[cfg(test)]\nmod tests { use crate::cli; }\n",
    );
    let names: Vec<(usize, String)> = imports(&code);
    let want = [
        (1, "parse"),
        (2, "finding"),
        (2, "report"),
        (2, "load"),
        (3, "filter"),
    ];
    let want: Vec<(usize, String)> = want.iter().map(|(l, n)| (*l, n.to_string())).collect();
    assert_eq!(names, want);
}

#[test]
fn the_order_is_enforced() {
    assert!(forbidden("parse", "load").is_none());
    assert!(forbidden("parse", "evaluate").is_some());
    assert!(forbidden("checks", "evaluate").is_none());
    assert!(forbidden("evaluate", "filter").is_some());
    assert!(forbidden("report", "filter").is_none());
    assert!(forbidden("finding", "parse").is_some());
    assert!(forbidden("rules", "finding").is_none());
    assert!(forbidden("filter", "pipeline").is_some());
    assert!(forbidden("cli", "report").is_none());
    assert!(forbidden("parse", "nowhere").is_some());
}
