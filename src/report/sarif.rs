//! SARIF 2.1.0 for GitHub code scanning: rules from the rule docs, results
//! with regions in code points, and partial fingerprints.

use super::Report;
use serde_json::{json, Value};
use std::io::{self, Write};

pub const INFORMATION_URI: &str = "https://github.com/constable-rs/constable";

/// Where a rule's documentation lives.
pub fn rule_uri(code: &str) -> String {
    format!("{INFORMATION_URI}/blob/main/docs/rules/{code}.md")
}

fn clip(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn level(sev: crate::finding::Severity) -> &'static str {
    match sev {
        crate::finding::Severity::Error => "error",
        crate::finding::Severity::Warning => "warning",
        crate::finding::Severity::Info => "note",
    }
}

pub fn build(r: &Report<'_>) -> Value {
    let mut rules: Vec<&crate::rules::Rule> = r.rules.iter().flat_map(|s| s.rules.iter()).collect();
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    rules.dedup_by(|a, b| a.code == b.code);
    let index = |code: &str| rules.iter().position(|x| &*x.code == code);
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|rule| {
            let mut tags = vec![rule
                .code
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .to_string()];
            if let Some(p) = &rule.principle {
                tags.push(p.to_string());
            }
            json!({
                "id": &*rule.code,
                "name": &*rule.name,
                "shortDescription": { "text": clip(&rule.summary(), 1000) },
                "fullDescription": { "text": clip(&rule.doc.what, 1000) },
                "help": {
                    "text": format!("{}\n\n{}", rule.help.trim(), rule.doc.fix.trim()),
                    "markdown": rule.doc_markdown(),
                },
                "helpUri": rule_uri(&rule.code),
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": { "tags": tags },
            })
        })
        .collect();
    let prints = super::fingerprints(r);
    let results: Vec<Value> = r
        .findings
        .iter()
        .zip(prints)
        .map(|(f, print)| {
            let file = &r.files[f.file];
            let (sl, sc) = file.line_col(f.span.start);
            let (el, ec) = file.line_col(f.span.end);
            let mut result = json!({
                "ruleId": &*f.code,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": &*file.path, "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec.max(if el == sl { sc } else { 1 }) }
                    }
                }],
                "partialFingerprints": { "primaryLocationLineHash": print },
            });
            if let Some(i) = index(&f.code) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(p) = &f.principle {
                result["properties"] = json!({ "principle": &**p });
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "constable",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

pub fn write(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &build(r))?;
    writeln!(out)
}
