//! `load::pack::parse_pack` of arbitrary TOML text. Errors are fine; the
//! spans of their labels must lie inside the text on character boundaries,
//! and a pack that loads has its principle spans inside the text.
#![no_main]

use constable::load::error::FileText;
use constable::load::pack::parse_pack;
use constable::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static REGISTERED: LazyLock<Vec<&'static str>> = LazyLock::new(constable::checks::registered_codes);

fuzz_target!(|data: &[u8]| {
    let text = constable_fuzz::text_of(data);
    let file = FileText {
        name: "rules/fuzz.toml",
        text: &text,
    };
    let source = SourceFile::new("rules/fuzz.toml", &text);
    match parse_pack(file, "rules/fuzz.toml", &REGISTERED) {
        Ok(pack) => {
            for (_, span) in &pack.principles {
                constable_fuzz::assert_located(&source, span, "principle id");
            }
        }
        Err(e) => {
            for l in &e.labels {
                let span = l.offset()..l.offset() + l.len();
                constable_fuzz::assert_span(&text, &span, "error label");
            }
            assert!(!e.message.is_empty(), "an error without a message");
        }
    }
});
