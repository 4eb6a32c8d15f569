//! `parse::yaml::parse_yaml` of arbitrary text: every node, key and tag span
//! inside the text and inside its document; errors positioned inside the text.
#![no_main]

use constable::parse::yaml::parse_yaml;
use constable::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = constable_fuzz::text_of(data);
    let file = SourceFile::new("k8s/fuzz.yaml", &text);
    // The pipeline parses the BOM-stripped text; so does this target.
    match parse_yaml(&file.text) {
        Ok(docs) => {
            for d in &docs {
                constable_fuzz::check_located(&file, d, "yaml document");
            }
        }
        Err(e) => constable_fuzz::assert_located(&file, &e.span, "yaml error"),
    }
});
