//! XREF001 orphan-requirement: a requirement or success criterion that
//! spec.md defines and that no task and no part of the plan cites. Also the
//! citation scanner XREF002 shares.

use super::Hit;
use crate::parse::plan::Plan;
use crate::parse::spec::Spec;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// `FR-001`, `SC-002a`, alone or as a range: `FR-001 through FR-016`,
/// `FR-001..016`, `SC-001–SC-005`.
static CITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(FR|SC)-(\d{3})([a-z]?)\b(?:(?:\s*(?:\.\.\.?|–|—|-)\s*(?:(FR|SC)-)?|\s+(?:through|thru|to)\s+(FR|SC)-)(\d{3})([a-z]?)\b)?",
    )
    .expect("valid regex")
});
/// A heading that defines an id: `### FR-001: Retention`.
static HEADING_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\*\*)?((FR|SC)-\d{3}[a-z]?)\b").expect("valid regex"));

/// One id named in tasks.md or plan.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// `FR` or `SC`.
    pub prefix: String,
    /// The id as written, e.g. `FR-002a` (a range end without its prefix,
    /// `FR-001..016`, gets it back: `FR-016`).
    pub id: String,
    pub number: u32,
    pub span: Range<usize>,
}

/// Every citation in one document: the ids written out, and the ranges
/// (prefix, first number, last number) that cover the ids between them.
#[derive(Debug, Default)]
pub struct Citations {
    pub ids: Vec<Cited>,
    pub ranges: Vec<(String, u32, u32)>,
}

impl Citations {
    /// True when `id` (prefix, number, as written) is cited by name or
    /// falls inside a cited range.
    pub fn covers(&self, prefix: &str, number: Option<u32>, id: &str) -> bool {
        self.ids.iter().any(|c| c.id == id)
            || number.is_some_and(|n| {
                self.ranges
                    .iter()
                    .any(|(p, lo, hi)| p == prefix && *lo <= n && n <= *hi)
            })
    }
}

/// The FR/SC ids cited in a document's prose, tables and inline code (not
/// in code blocks or HTML comments).
pub fn citations(doc: &Plan) -> Citations {
    let text = doc.text();
    let readable = |at: usize| {
        doc.texts
            .iter()
            .chain(&doc.inline_code)
            .any(|r| r.start <= at && at < r.end)
    };
    let mut out = Citations::default();
    for c in CITE.captures_iter(text) {
        let whole = c.get(0).expect("match");
        if !readable(whole.start()) {
            continue;
        }
        let prefix = c[1].to_string();
        let first: u32 = c[2].parse().unwrap_or(0);
        let head_end = c.get(3).map_or(whole.end(), |m| m.end());
        out.ids.push(Cited {
            prefix: prefix.clone(),
            id: format!("{}-{}{}", &c[1], &c[2], &c[3]),
            number: first,
            span: whole.start()..head_end,
        });
        let Some(last) = c.get(6) else { continue };
        let named = c.get(4).or_else(|| c.get(5));
        if named.is_some_and(|m| m.as_str() != prefix) {
            continue;
        }
        let n: u32 = last.as_str().parse().unwrap_or(0);
        let start = named.map_or(last.start(), |m| m.start());
        out.ids.push(Cited {
            prefix: prefix.clone(),
            id: format!("{prefix}-{}{}", last.as_str(), &c[7]),
            number: n,
            span: start..whole.end(),
        });
        if first < n {
            out.ranges.push((prefix, first, n));
        }
    }
    out
}

/// One id spec.md defines.
#[derive(Debug, Clone)]
pub struct Defined {
    pub prefix: String,
    pub id: String,
    pub number: Option<u32>,
    pub span: Range<usize>,
}

/// The ids spec.md defines: at the start of a list item or in the first cell
/// of a table row (see [`Spec`]), or at the start of a heading.
pub fn definitions(spec: &Spec) -> Vec<Defined> {
    let mut out: Vec<Defined> = spec
        .requirements
        .iter()
        .map(|r| Defined {
            prefix: r.prefix.clone(),
            id: r.text.clone(),
            number: r.number,
            span: r.span.clone(),
        })
        .collect();
    let text = spec.text();
    for s in &spec.plan.sections {
        if let Some(c) = HEADING_ID.captures(s.title.trim()) {
            let id = c[1].to_string();
            let Some(at) = text[s.heading.clone()].find(&id) else {
                continue;
            };
            let start = s.heading.start + at;
            out.push(Defined {
                prefix: c[2].to_string(),
                number: id[3..6].parse().ok(),
                span: start..start + id.len(),
                id,
            });
        }
    }
    out.sort_by_key(|d| d.span.start);
    out
}

/// Reported at each definition no task and no plan line cites, when tasks.md
/// or plan.md cite at least one FR/SC id (a feature that never cites ids
/// does not trace requirements this way). Each id is reported once, at its
/// first definition.
pub fn check(spec: &Spec, tasks: Option<&Plan>, plan: Option<&Plan>, out: &mut Vec<Hit>) {
    let cites: Vec<(Citations, &Plan)> = tasks.into_iter().chain(plan).map(|d| (citations(d), d)).collect();
    if cites.iter().all(|(c, _)| c.ids.is_empty()) {
        return;
    }
    let names = cites
        .iter()
        .map(|(_, d)| file_name(&d.file.path))
        .collect::<Vec<_>>()
        .join(" and ");
    // The team traces by the kinds of id it cites: a feature whose tasks
    // cite success criteria but no functional requirement is not asked to
    // cite every FR.
    let traced = |prefix: &str| {
        cites
            .iter()
            .any(|(c, _)| c.ids.iter().any(|x| x.prefix == prefix) || c.ranges.iter().any(|r| r.0 == prefix))
    };
    let mut seen: Vec<&str> = Vec::new();
    for d in &definitions(spec) {
        if seen.contains(&d.id.as_str())
            || !traced(&d.prefix)
            || cites.iter().any(|(c, _)| c.covers(&d.prefix, d.number, &d.id))
        {
            continue;
        }
        out.push(Hit::new(
            &spec.plan.file.path,
            d.span.clone(),
            format!(
                "{} is cited nowhere in {names}, which cite other requirement ids",
                d.id
            ),
        ));
        seen.push(d.id.as_str());
    }
}

/// The last component of a path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn doc(s: &str) -> Plan {
        Plan::parse(SourceFile::new("specs/001-x/tasks.md", s))
    }

    #[test]
    fn singles_ranges_and_code() {
        let d = doc("- [ ] T001 Build FR-001 and SC-002a\n- [ ] T002 Cover FR-003 through FR-006, FR-010..012\n- [ ] T003 NFR-001 is not ours\n\n```\nFR-099\n```\n<!-- FR-098 -->\n");
        let c = citations(&d);
        let ids: Vec<_> = c
            .ids
            .iter()
            .map(|i| (i.id.as_str(), &d.text()[i.span.clone()]))
            .collect();
        assert_eq!(
            ids,
            [
                ("FR-001", "FR-001"),
                ("SC-002a", "SC-002a"),
                ("FR-003", "FR-003"),
                ("FR-006", "FR-006"),
                ("FR-010", "FR-010"),
                ("FR-012", "012"),
            ]
        );
        assert_eq!(c.ranges, [("FR".to_string(), 3, 6), ("FR".to_string(), 10, 12)]);
        assert!(c.covers("FR", Some(5), "FR-005"));
        assert!(c.covers("FR", Some(4), "FR-004a"));
        assert!(!c.covers("SC", Some(5), "SC-005"));
        assert!(!c.covers("FR", Some(7), "FR-007"));
    }

    #[test]
    fn a_number_after_to_is_not_a_range() {
        let c = citations(&doc("FR-001 to 100 nodes; SC-001 - fast\n"));
        assert!(c.ranges.is_empty(), "{:?}", c.ranges);
        assert_eq!(c.ids.len(), 2);
    }

    fn spec(s: &str) -> Spec {
        Spec::parse(SourceFile::new("specs/001-x/spec.md", s))
    }

    #[test]
    fn orphans_only_when_ids_are_cited() {
        let s = spec("# Feature Specification: X\n\n## Requirements\n\n- **FR-001**: a\n- **FR-002**: b\n\n### SC-001: fast\n");
        let t = doc("- [ ] T001 Do FR-001\n");
        let mut hits = Vec::new();
        check(&s, Some(&t), None, &mut hits);
        let got: Vec<_> = hits.iter().map(|h| &s.text()[h.span.clone()]).collect();
        assert_eq!(got, ["FR-002"]);
        let mut hits = Vec::new();
        check(&s, Some(&doc("- [ ] T001 Do it\n")), None, &mut hits);
        assert!(hits.is_empty(), "{hits:?}");
    }
}
