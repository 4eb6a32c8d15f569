//! The shell commands a file runs: every command of a script, and of the
//! `run:` steps of GitHub workflows and the `script:` lists of GitLab CI,
//! parsed once with the shell parser and placed at their file offsets.
//! Text that is only printed, quoted or commented is not a command.

use super::located::{Located, Seg};
use super::shell::{self, Command};
use serde_json::Value;

/// Commands of one IaC file (empty for files that run none, or whose shell
/// does not parse: a syntax error is no evidence of a deploy).
pub fn of(rel: &str, text: &str, docs: &[&Located]) -> Vec<Command> {
    let lower = rel.to_ascii_lowercase();
    if lower.ends_with(".sh") {
        return shell::commands(text).unwrap_or_default();
    }
    let github = lower.starts_with(".github/workflows/");
    let gitlab = lower.rsplit('/').next() == Some(".gitlab-ci.yml");
    if !github && !gitlab {
        return Vec::new();
    }
    let mut out = Vec::new();
    for doc in docs {
        for (path, script) in scripts(&doc.value, github) {
            let span = doc.value_span_of(&path);
            out.extend(embedded(text, span, script));
        }
    }
    out.sort_by_key(|c| c.span.start);
    out
}

/// Commands of a script embedded in a YAML scalar, moved to file offsets.
pub fn embedded(text: &str, value_span: std::ops::Range<usize>, script: &str) -> Vec<Command> {
    let Ok(cmds) = shell::commands(script) else {
        return Vec::new();
    };
    let map = shell::embedded_offsets(text, value_span, script);
    cmds.into_iter()
        .map(|mut c| {
            c.span = map.map_span(c.span);
            for w in &mut c.words {
                w.span = map.map_span(w.span.clone());
            }
            c
        })
        .collect()
}

/// The script scalars of a CI file with their paths.
fn scripts(v: &Value, github: bool) -> Vec<(Vec<Seg>, &str)> {
    let mut out = Vec::new();
    let Some(jobs) = (if github { v.get("jobs") } else { Some(v) }).and_then(Value::as_object) else {
        return out;
    };
    let base: Vec<Seg> = if github {
        vec![Seg::Key("jobs".into())]
    } else {
        Vec::new()
    };
    for (name, job) in jobs {
        let mut at = base.clone();
        at.push(Seg::Key(name.clone()));
        if github {
            for (i, step) in job
                .get("steps")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(run) = step.get("run").and_then(Value::as_str) {
                    let mut p = at.clone();
                    p.extend([Seg::Key("steps".into()), Seg::Index(i), Seg::Key("run".into())]);
                    out.push((p, run));
                }
            }
        } else {
            for key in ["before_script", "script", "after_script"] {
                match job.get(key) {
                    Some(Value::String(s)) => {
                        let mut p = at.clone();
                        p.push(Seg::Key(key.into()));
                        out.push((p, s.as_str()));
                    }
                    Some(Value::Array(items)) => {
                        for (i, item) in items.iter().enumerate() {
                            if let Some(s) = item.as_str() {
                                let mut p = at.clone();
                                p.extend([Seg::Key(key.into()), Seg::Index(i)]);
                                out.push((p, s));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}
