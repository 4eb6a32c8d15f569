//! The feature specification model (`specs/NNN-feature/spec.md`): the plan
//! model plus user stories, FR-/SC- requirement definitions, acceptance
//! scenarios and the `**Status**` field. No checks live here.

use super::plan::{Field, Plan};
use crate::source::SourceFile;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// A `### User Story N - Title (Priority: Pn)` heading.
#[derive(Debug, Clone)]
pub struct UserStory {
    pub number: u32,
    /// Index into `plan.sections`.
    pub section: usize,
    pub heading: Range<usize>,
}

/// A requirement id at the start of a list item or a table row: a
/// definition, not a mention (`- **FR-001**: System MUST ...`).
#[derive(Debug, Clone)]
pub struct RequirementId {
    /// `FR` or `SC`.
    pub prefix: String,
    /// The id as written, e.g. `FR-002a`.
    pub text: String,
    pub span: Range<usize>,
    /// The number, when the part after the dash starts with digits.
    pub number: Option<u32>,
    /// True for the template's convention: three digits, then an optional
    /// lower-case letter for a requirement inserted later (`FR-002a`).
    pub well_formed: bool,
}

/// One acceptance scenario: a top-level list item under an
/// `**Acceptance Scenarios**:` field or heading.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The item's first line, list marker excluded.
    pub span: Range<usize>,
    /// The item's text up to any nested list, list marker excluded.
    pub body: Range<usize>,
}

#[derive(Debug)]
pub struct Spec {
    pub plan: Plan,
    pub stories: Vec<UserStory>,
    pub requirements: Vec<RequirementId>,
    pub scenarios: Vec<Scenario>,
}

static STORY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*user\s+story\s+(\d+)\b").expect("valid regex"));
/// `- **FR-001**: ...`, `- FR-001: ...`, `1. **SC-002** ...` at the start of an item.
static REQ_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(?:\*\*|__)?((FR|SC)-([A-Za-z0-9]+))\b")
        .expect("valid regex")
});
static REQ_CELL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\*\*)?((FR|SC)-([A-Za-z0-9]+))(?:\*\*)?$").expect("valid regex"));
static WELL_FORMED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{3}[a-z]?$").expect("valid regex"));
static ITEM_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*+]|\d+[.)])\s+").expect("valid regex"));

impl Spec {
    pub fn parse(file: SourceFile) -> Spec {
        Spec::from_plan(Plan::parse(file))
    }

    pub fn from_plan(plan: Plan) -> Spec {
        let text = plan.text();
        let stories = plan
            .sections
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let c = STORY.captures(&s.title)?;
                Some(UserStory {
                    number: c[1].parse().ok()?,
                    section: i,
                    heading: s.heading.clone(),
                })
            })
            .collect();
        let mut requirements = Vec::new();
        for item in &plan.list_items {
            let line = first_line(text, item.span.clone());
            if let Some(c) = REQ_ITEM.captures(&text[line.clone()]) {
                let m = c.get(1).expect("group 1");
                requirements.push(requirement(
                    &c[2],
                    m.as_str(),
                    line.start + m.start()..line.start + m.end(),
                    &c[3],
                ));
            }
        }
        for row in plan.tables.iter().flat_map(|t| t.rows.iter()) {
            if let Some(cell) = row.cells.first() {
                let raw = &text[cell.span.clone()];
                if let Some(c) = REQ_CELL.captures(raw) {
                    let m = c.get(1).expect("group 1");
                    let span = cell.span.start + m.start()..cell.span.start + m.end();
                    requirements.push(requirement(&c[2], m.as_str(), span, &c[3]));
                }
            }
        }
        requirements.sort_by_key(|r| r.span.start);
        let scenarios = find_scenarios(&plan);
        Spec {
            plan,
            stories,
            requirements,
            scenarios,
        }
    }

    pub fn text(&self) -> &str {
        self.plan.text()
    }

    pub fn story_numbers(&self) -> impl Iterator<Item = u32> + '_ {
        self.stories.iter().map(|s| s.number)
    }
}

fn requirement(prefix: &str, text: &str, span: Range<usize>, rest: &str) -> RequirementId {
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    RequirementId {
        prefix: prefix.to_string(),
        text: text.to_string(),
        span,
        number: digits.parse().ok(),
        well_formed: WELL_FORMED.is_match(rest),
    }
}

/// The first line of a span.
pub fn first_line(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let end = s.find('\n').map_or(span.end, |n| span.start + n);
    let end = if text[..end].ends_with('\r') { end - 1 } else { end };
    span.start..end
}

/// The document-level `**Status**` field: before the first `##` heading.
pub fn status_field(plan: &Plan) -> Option<&Field> {
    let limit = plan
        .sections
        .iter()
        .find(|s| s.level >= 2)
        .map_or(plan.text().len(), |s| s.heading.start);
    plan.fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case("status") && f.name_span.start < limit)
}

fn find_scenarios(plan: &Plan) -> Vec<Scenario> {
    let text = plan.text();
    // Regions: from an `Acceptance Scenarios` field to the next field, heading
    // or thematic break; or the body of an `Acceptance Scenarios` section.
    let mut regions: Vec<Range<usize>> = Vec::new();
    let next_heading = |at: usize| {
        plan.sections
            .iter()
            .map(|s| s.heading.start)
            .find(|&h| h > at)
            .unwrap_or(text.len())
    };
    for (i, f) in plan.fields.iter().enumerate() {
        if f.name.to_ascii_lowercase().starts_with("acceptance scenario") {
            let next_field = plan.fields.get(i + 1).map_or(text.len(), |n| n.name_span.start);
            regions.push(f.value.start..next_field.min(next_heading(f.value.start)));
        }
    }
    for s in &plan.sections {
        if super::plan::title_matches(&s.title, &["acceptance scenarios", "acceptance scenario"]) {
            regions.push(s.heading.end..next_heading(s.heading.end));
        }
    }
    let mut out: Vec<Scenario> = Vec::new();
    let mut taken: Vec<Range<usize>> = Vec::new();
    for item in &plan.list_items {
        if !regions.iter().any(|r| r.contains(&item.span.start)) || item.checked.is_some() {
            continue;
        }
        // Top-level items only: a nested item lies inside one already taken.
        if taken
            .iter()
            .any(|t| t.start < item.span.start && item.span.start < t.end)
        {
            continue;
        }
        taken.push(item.span.clone());
        let line = first_line(text, item.span.clone());
        let skip = ITEM_MARKER.find(&text[line.clone()]).map_or(0, |m| m.end());
        let nested = plan
            .list_items
            .iter()
            .map(|o| o.span.start)
            .filter(|&o| o > item.span.start && o < item.span.end)
            .min()
            .unwrap_or(item.span.end);
        out.push(Scenario {
            span: line.start + skip..line.end,
            body: super::plan::trim_span(text, line.start + skip..nested.max(line.end)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> Spec {
        Spec::parse(SourceFile::new("spec.md", s))
    }

    #[test]
    fn stories_requirements_scenarios() {
        let s = spec(
            "# Feature Specification: X\n\n**Status**: Draft\n\n## User Scenarios & Testing\n\n### User Story 2 - Backups (Priority: P1)\n\n**Acceptance Scenarios**:\n\n1. **Given** a, **When** b, **Then** c\n   - detail\n2. Given d then e\n\n**Why**: because\n\n- not a scenario\n\n## Requirements\n\n- **FR-001**: one, see FR-009\n- **FR-002a**: two\n- FR-7: three\n\n| Id | What |\n|---|---|\n| SC-001 | fast |\n",
        );
        assert_eq!(s.story_numbers().collect::<Vec<_>>(), vec![2]);
        let ids: Vec<_> = s
            .requirements
            .iter()
            .map(|r| (r.text.as_str(), r.well_formed))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("FR-001", true),
                ("FR-002a", true),
                ("FR-7", false),
                ("SC-001", true)
            ]
        );
        let sc: Vec<_> = s.scenarios.iter().map(|x| &s.text()[x.span.clone()]).collect();
        assert_eq!(sc, vec!["**Given** a, **When** b, **Then** c", "Given d then e"]);
        let st = status_field(&s.plan).unwrap();
        assert_eq!(&s.text()[st.value.clone()], "Draft");
    }
}
