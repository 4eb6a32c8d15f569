//! The gate model (`GateModel::read`, through `Plan::parse`) and
//! `ConstitutionDoc::parse` of arbitrary text: gate entries and verdicts
//! inside a Constitution Check section, complexity cells inside their rows,
//! constitution fields, principles and tokens inside the text.
#![no_main]

use constable::parse::constitution::ConstitutionDoc;
use constable::parse::gates::GateModel;
use constable::parse::plan::Plan;
use constable::rules::StatusMatcher;
use constable::source::SourceFile;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static STATUS: LazyLock<StatusMatcher> = LazyLock::new(StatusMatcher::default);

fuzz_target!(|data: &[u8]| {
    let text = constable_fuzz::text_of(data);
    let plan = Plan::parse(SourceFile::new("specs/001-fuzz/plan.md", &text));
    let model = GateModel::read(&plan, &STATUS);
    constable_fuzz::check_gates(&plan, &model);
    let _ = model.first_section(&plan);

    let doc = ConstitutionDoc::parse(Plan::parse(SourceFile::new(
        ".specify/memory/constitution.md",
        &text,
    )));
    let file = &doc.doc.file;
    for p in &doc.principles {
        constable_fuzz::assert_located(file, &p.heading, "principle heading");
        assert!(
            doc.doc.sections.iter().any(|s| s.heading == p.heading),
            "principle heading {:?} is no section's heading",
            p.heading
        );
    }
    for (value, span) in [&doc.version, &doc.ratified, &doc.amended, &doc.sync_version]
        .into_iter()
        .flatten()
    {
        constable_fuzz::assert_located(file, span, "constitution field");
        assert!(
            file.text[span.clone()].contains(value.as_str()),
            "field value {value:?} not at {span:?}"
        );
    }
    for t in &doc.tokens {
        constable_fuzz::assert_located(file, t, "standing token");
    }
    let _ = doc.is_unfilled();
});
