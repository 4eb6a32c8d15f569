//! The native Kustomize renderer over a small repository written from the
//! input: the input split at `0xFF` bytes into a base kustomization, a base
//! manifest, an overlay kustomization and an overlay patch, each parsed with
//! the YAML loader (a part that does not parse is an empty file). Rendering
//! must not panic, must terminate, must be deterministic, and every origin
//! and problem must name an input file and document that exists.
#![no_main]

use constable::parse::yaml::parse_yaml;
use constable::render::{render, InputFile};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

const FILES: [&str; 4] = [
    "base/kustomization.yaml",
    "base/deploy.yaml",
    "overlay/kustomization.yaml",
    "overlay/patch.yaml",
];

fuzz_target!(|data: &[u8]| {
    let values: Vec<Vec<serde_json::Value>> = data
        .split(|b| *b == 0xFF)
        .zip(FILES)
        .map(|(part, _)| {
            let text = constable_fuzz::text_of(part);
            parse_yaml(&text)
                .map(|docs| docs.into_iter().map(|d| d.value).collect())
                .unwrap_or_default()
        })
        .collect();
    let refs: Vec<Vec<&serde_json::Value>> = values.iter().map(|docs| docs.iter().collect()).collect();
    let inputs: Vec<InputFile<'_>> = refs
        .iter()
        .zip(FILES)
        .map(|(docs, path)| InputFile { path, docs })
        .collect();
    let is_dir = |p: &str| matches!(p.trim_end_matches('/'), "base" | "overlay" | "");
    let deployed = BTreeSet::from(["overlay".to_string()]);
    let first = render(&inputs, &is_dir, &deployed);
    let again = render(&inputs, &is_dir, &deployed);
    assert_eq!(
        format!("{first:?}"),
        format!("{again:?}"),
        "rendering is not deterministic"
    );
    let doc_exists = |file: usize, doc: usize| values.get(file).is_some_and(|d| doc < d.len());
    for k in &first.kustomizations {
        assert!(k.file < inputs.len(), "kustomization names file {}", k.file);
        for &i in &k.included_by {
            assert!(i < first.kustomizations.len(), "included_by {i} out of range");
        }
    }
    for (leaf, objects) in &first.leaves {
        assert!(*leaf < first.kustomizations.len(), "leaf {leaf} out of range");
        for o in objects {
            for f in o.sources() {
                assert!(f < inputs.len(), "object source file {f} out of range");
            }
            let origin = o.origin(&[]);
            assert!(
                doc_exists(origin.file, origin.doc),
                "object origin {origin:?} names no input document"
            );
        }
    }
    for p in &first.problems {
        assert!(p.file < inputs.len(), "problem names file {}", p.file);
    }
});
