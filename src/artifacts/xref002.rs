//! XREF002 unknown-requirement: tasks.md or plan.md cites an FR/SC id that
//! spec.md does not define.

use super::xref001::{citations, definitions};
use super::Hit;
use crate::parse::plan::Plan;
use crate::parse::spec::Spec;

/// Each citation (in prose, tables and inline code; range ends included)
/// whose id spec.md does not define, reported at the citation. A spec that
/// defines no id of a prefix is not checked for that prefix: its
/// requirements are written some other way.
pub fn check(spec: &Spec, tasks: Option<&Plan>, plan: Option<&Plan>, out: &mut Vec<Hit>) {
    let defined = definitions(spec);
    for doc in tasks.into_iter().chain(plan) {
        for c in citations(doc).ids {
            if !defined.iter().any(|d| d.prefix == c.prefix) || defined.iter().any(|d| d.id == c.id) {
                continue;
            }
            let mut known: Vec<&str> = defined
                .iter()
                .filter(|d| d.prefix == c.prefix)
                .map(|d| d.id.as_str())
                .collect();
            known.sort_unstable();
            known.dedup();
            let known = known.len();
            out.push(Hit::new(
                &doc.file.path,
                c.span.clone(),
                format!(
                    "{} is cited, but {} does not define it (it defines {known} {} id{})",
                    c.id,
                    spec.plan.file.path,
                    c.prefix,
                    if known == 1 { "" } else { "s" }
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn reports_undefined_citations() {
        let s = Spec::parse(SourceFile::new(
            "specs/001-x/spec.md",
            "# Feature Specification: X\n\n- **FR-001**: a\n- **FR-002**: b\n",
        ));
        let t = Plan::parse(SourceFile::new(
            "specs/001-x/tasks.md",
            "- [ ] T001 FR-001, FR-003\n- [ ] T002 FR-001..004 and SC-009\n",
        ));
        let mut hits = Vec::new();
        check(&s, Some(&t), None, &mut hits);
        let got: Vec<_> = hits.iter().map(|h| &t.text()[h.span.clone()]).collect();
        // SC is not checked: the spec defines no SC ids.
        assert_eq!(got, ["FR-003", "004"]);
    }
}
