//! `parse::hcl::parse_hcl` of arbitrary text: every block, attribute, key
//! and value span inside the text; errors positioned inside the text.
#![no_main]

use constable::parse::hcl::parse_hcl;
use constable::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = constable_fuzz::text_of(data);
    let file = SourceFile::new("infra/main.tf", &text);
    match parse_hcl(&file.text) {
        Ok(doc) => constable_fuzz::check_located(&file, &doc, "hcl file"),
        Err(e) => constable_fuzz::assert_located(&file, &e.span, "hcl error"),
    }
});
