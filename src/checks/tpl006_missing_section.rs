//! TPL006 missing-section: a section every plan needs is absent. Headings
//! nested in another required section do not count.

use super::{PlanCheck, PlanContext};
use crate::finding::Sink;
use crate::parse::plan::title_matches;

pub struct MissingSection;

/// Required sections and the names real plans give them.
pub const REQUIRED: &[(&str, &[&str])] = &[
    ("Summary", &["summary", "overview"]),
    ("Technical Context", &["technical context", "technology stack"]),
    ("Constitution Check", &["constitution check"]),
    (
        "Project Structure",
        &["project structure", "file structure", "infrastructure code"],
    ),
];

impl PlanCheck for MissingSection {
    fn code(&self) -> &'static str {
        "TPL006"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        let plan = cx.plan;
        let anchor = plan
            .sections
            .iter()
            .find(|s| s.level == 1)
            .map_or(0..0, |s| s.heading.clone());
        for (i, (label, names)) in REQUIRED.iter().enumerate() {
            let found = plan.sections_named(names).any(|(_, s)| {
                !plan.ancestry(s.parent).any(|a| {
                    REQUIRED
                        .iter()
                        .enumerate()
                        .any(|(j, (_, other))| j != i && title_matches(&a.title, other))
                })
            });
            if !found {
                let alts = names[1..]
                    .iter()
                    .map(|n| format!("`{}`", title_case(n)))
                    .collect::<Vec<_>>();
                let mut msg = format!("required section `{label}` is missing");
                if !alts.is_empty() {
                    msg.push_str(&format!(" (also accepted: {})", alts.join(", ")));
                }
                sink.report(anchor.clone(), msg);
            }
        }
    }
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}
