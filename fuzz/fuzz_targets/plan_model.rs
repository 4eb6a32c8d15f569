//! `Plan::parse` of arbitrary text: every span of the model inside the text,
//! on character boundaries, round-tripping through line and column; sections
//! nested; tree lines and entries inside their code blocks.
#![no_main]

use constable::parse::plan::Plan;
use constable::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = constable_fuzz::text_of(data);
    let plan = Plan::parse(SourceFile::new("specs/001-fuzz/plan.md", &text));
    constable_fuzz::check_plan(&plan);
});
