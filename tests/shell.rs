//! The shell fixtures: every deploy `constable::parse::shell` finds in
//! `fixtures/shell/` is the one `fixtures/shell/EXPECTED.md` lists.

mod common;

use std::collections::BTreeSet;

use common::fixture;
use constable::parse::located::Seg;
use constable::parse::shell::{commands, deploy, embedded_offsets, Deploy};
use constable::parse::yaml::parse_yaml;
use serde_json::Value;

/// One row of EXPECTED.md: (file, line, column, command, flags).
type Row = (String, usize, usize, String, String);

fn row(file: &str, text: &str, d: &Deploy, span: std::ops::Range<usize>) -> Row {
    let line = text[..span.start].matches('\n').count() + 1;
    let col = span.start - text[..span.start].rfind('\n').map_or(0, |i| i + 1) + 1;
    let command = text[span].split_whitespace().collect::<Vec<_>>().join(" ");
    let mut flags = Vec::new();
    if d.dry_run {
        flags.push("dry-run");
    }
    if d.bootstrap {
        flags.push("bootstrap");
    }
    if !d.pinned_version {
        flags.push("unpinned");
    }
    let flags = if flags.is_empty() {
        "-".to_string()
    } else {
        flags.join(", ")
    };
    (file.to_string(), line, col, command, flags)
}

fn script_rows(file: &str, text: &str) -> Vec<Row> {
    let cmds = commands(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    cmds.iter()
        .filter_map(deploy)
        .map(|d| row(file, text, &d, d.span.clone()))
        .collect()
}

/// Every `run` of every step of every job, through the YAML offsets.
fn workflow_rows(file: &str, text: &str) -> Vec<Row> {
    let docs = parse_yaml(text).expect("the workflow parses");
    let mut rows = Vec::new();
    for doc in &docs {
        let Some(jobs) = doc.value["jobs"].as_object() else {
            continue;
        };
        for (job, body) in jobs {
            for (i, step) in body["steps"].as_array().into_iter().flatten().enumerate() {
                let Some(run) = step.get("run").and_then(Value::as_str) else {
                    continue;
                };
                let path = [
                    Seg::Key("jobs".into()),
                    Seg::Key(job.clone()),
                    Seg::Key("steps".into()),
                    Seg::Index(i),
                    Seg::Key("run".into()),
                ];
                let map = embedded_offsets(text, doc.value_span(&path).expect("a value span"), run);
                let cmds = commands(run).unwrap_or_else(|e| panic!("{file} step {i}: {e}"));
                for d in cmds.iter().filter_map(deploy) {
                    rows.push(row(file, text, &d, map.map_span(d.span.clone())));
                }
            }
        }
    }
    rows
}

fn expected() -> BTreeSet<Row> {
    let text = std::fs::read_to_string(fixture("shell").join("EXPECTED.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| file"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let (line, col) = cells[1].split_once(':').expect("line:col");
            (
                cells[0].to_string(),
                line.parse().unwrap(),
                col.parse().unwrap(),
                cells[2].to_string(),
                cells[3].to_string(),
            )
        })
        .collect()
}

#[test]
fn fixtures_deploy_exactly_what_expected_md_lists() {
    let dir = fixture("shell");
    let mut found = BTreeSet::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let rows = if name.ends_with(".sh") {
            script_rows(&name, &text)
        } else if name.ends_with(".yml") {
            workflow_rows(&name, &text)
        } else {
            continue;
        };
        files += 1;
        found.extend(rows);
    }
    assert_eq!(files, 5, "four scripts and a workflow");
    let want = expected();
    assert!(want.len() > 20, "EXPECTED.md lists the deploys");
    let missing: Vec<_> = want.difference(&found).collect();
    let extra: Vec<_> = found.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
}

#[test]
fn help_script_has_commands_but_no_deploy() {
    let text = std::fs::read_to_string(fixture("shell").join("help.sh")).unwrap();
    let cmds = commands(&text).unwrap();
    let names: Vec<&str> = cmds.iter().map(|c| c.words[0].text.as_str()).collect();
    assert_eq!(
        names,
        ["echo", "echo", "printf", "cat", "cat", "kubectl", "echo", "usage"]
    );
    assert!(cmds.iter().all(|c| deploy(c).is_none()));
}
