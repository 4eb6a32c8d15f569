//! Parse a YAML document, run every JSONPath query of the built-in rule
//! packs (`rules/*.toml`, as loaded by the library) and map each match to a
//! span with `Located::span_of` / `value_span_of`: spans inside the text.
#![no_main]

use constable::parse::yaml::parse_yaml;
use constable::rules::RuleKind;
use constable::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use serde_json_path::JsonPath;
use std::sync::LazyLock;

/// Every query, `at` and `unless` path of the built-in packs.
static QUERIES: LazyLock<Vec<JsonPath>> = LazyLock::new(|| {
    let settings = constable::pipeline::builtin_settings().expect("built-in packs load");
    let mut out = Vec::new();
    for r in &settings.all_rules {
        let (queries, at) = match &r.kind {
            RuleKind::QueryForbid { queries } | RuleKind::PathExists { queries, .. } => (queries, None),
            RuleKind::QueryRequire { queries, at } => (queries, at.as_ref()),
            _ => continue,
        };
        for q in queries {
            out.push(q.path.clone());
            out.extend(q.select.unless.clone());
        }
        out.extend(at.cloned());
    }
    assert!(
        out.len() >= 10,
        "the built-in packs have their queries ({} found)",
        out.len()
    );
    out
});

fuzz_target!(|data: &[u8]| {
    let text = constable_fuzz::text_of(data);
    let file = SourceFile::new("k8s/fuzz.yaml", &text);
    let Ok(docs) = parse_yaml(&file.text) else { return };
    for d in &docs {
        for q in QUERIES.iter() {
            for node in q.query_located(&d.value).iter() {
                let path = constable_fuzz::segs(node.location());
                for span in [d.span_of(&path), d.value_span_of(&path)] {
                    constable_fuzz::assert_located(&file, &span, "query match");
                    constable_fuzz::assert_within(&span, &d.span, "query match in its document");
                }
            }
        }
    }
});
