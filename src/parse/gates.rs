//! The Constitution Check and Complexity Tracking of a plan, read into gate
//! entries and justification rows. Reads every shape real plans use: status
//! tables (status column anywhere), bullets, bold lines, checkboxes and one
//! heading per principle, plus the post-design re-check.

use super::constitution::is_dash;
use super::placeholder::SlotKind;
use super::plan::{title_matches, Plan, Table};
use crate::rules::{StatusMatcher, Verdict};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateStatus {
    Pass,
    Fail,
    /// No status and no answer: the template's instruction, or nothing.
    Missing,
    /// No status word, but the author wrote an answer.
    Answered,
    /// An answer but no status, while the other entries of the same
    /// Constitution Check give one (or its table has an empty status cell).
    Unmarked,
}

/// One gate: a principle and what the plan says about it.
#[derive(Debug, Clone)]
pub struct GateEntry {
    /// The principle as the plan names it.
    pub label: String,
    pub label_span: Range<usize>,
    /// The whole entry.
    pub span: Range<usize>,
    pub status: GateStatus,
    /// The status word, when there is one.
    pub status_span: Option<Range<usize>>,
    pub status_word: Option<String>,
    /// The entry's source text, for evidence.
    pub text: Range<usize>,
    /// What the author wrote besides the label and the status word.
    pub answer: String,
    /// From the post-design re-check.
    pub post_design: bool,
    /// A table row whose cells besides the label and the status are all
    /// empty: the table has a place for evidence and it was left blank.
    pub evidence_blank: bool,
}

/// A Complexity Tracking row.
#[derive(Debug, Clone)]
pub struct ComplexityRow {
    pub span: Range<usize>,
    pub cells: Vec<(String, Range<usize>)>,
    /// The row is the template's example (TPL005's business).
    pub example: bool,
}

impl ComplexityRow {
    /// The row says there is nothing to justify ("None", "N/A", "No violations").
    pub fn says_none(&self) -> bool {
        let first = self
            .cells
            .first()
            .map(|(t, _)| super::constitution::normalise_name(t))
            .unwrap_or_default();
        first.is_empty()
            || ["none", "n a", "no violations", "not applicable", "no violation"]
                .iter()
                .any(|w| first == *w)
            || first.starts_with("none ")
            || first.starts_with("no violation")
    }
}

/// A Complexity Tracking table and its header.
#[derive(Debug, Clone)]
pub struct ComplexityTable {
    pub header: Vec<String>,
    pub rows: Vec<ComplexityRow>,
}

impl ComplexityTable {
    /// The template's shape: a first column about the violation and at
    /// least two more. Other tables are CPX004's only.
    pub fn is_template_shaped(&self) -> bool {
        self.header.len() >= 3 && self.header[0].to_lowercase().contains("violation")
    }
}

/// Everything the GATE and CPX checks read.
#[derive(Debug, Default)]
pub struct GateModel {
    /// Constitution Check sections (heading spans), first one first.
    pub sections: Vec<usize>,
    pub entries: Vec<GateEntry>,
    /// Summary lines such as `**Gate Result**: ✅ ALL PASS`.
    pub verdicts: Vec<(Verdict, Range<usize>)>,
    pub complexity: Vec<ComplexityTable>,
}

/// The gate sections: spec-kit's Constitution Check and IBM iac-spec-kit's
/// Principles Check.
pub const CHECK: &[&str] = &["constitution check", "principles check"];

/// What the plan calls its gate section, for messages: `Principles Check`
/// (IBM iac-spec-kit) or `Constitution Check`.
pub fn check_name(title: &str) -> &'static str {
    if title_matches(title, &["principles check"]) {
        "Principles Check"
    } else {
        "Constitution Check"
    }
}
const COMPLEXITY: &[&str] = &["complexity tracking"];

static LABEL_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)principle|gate|article|requirement|check|rule|name|area").expect("valid regex")
});
static STATUS_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)status|result|verdict|complian|pass|outcome|state").expect("valid regex")
});
static SUMMARY_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:initial |post[- ]design |overall |final )?(?:gate|constitution(?:al)?(?: check)?)?\s*(?:result|compliance|summary|verdict|status|gate)s?\b")
        .expect("valid regex")
});
/// A whole label (the part before a colon or dash) that names a summary, not
/// a principle: "Summary", "Gate Summary", "Constitution Compliance
/// Summary", "Overall Status", "Gate Results", "Constitution Check result".
static SUMMARY_WHOLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:initial |post[- ]design |overall |final )?(?:gate|constitution(?:al)?(?: check)?)?\s*(?:result|compliance|summary|verdict|status|gate|evaluation)s?(?: summary| status)?$")
        .expect("valid regex")
});
/// The lead-in of a simplicity or complexity checklist: its checkbox items
/// are the checklist's questions, not gates.
static CHECKLIST_LEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:simplicity|complexity)\b").expect("valid regex"));
static ROMAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[IVXLC]+\.?$").expect("valid regex"));
static BOLD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*\*([^*\n]+?)\*\*").expect("valid regex"));
static INSTRUCTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Link|Provide|Declare|Note|Identify|Describe|Document|List|Explain|Confirm|Show|State|Add|Include|Specify|Reference|Record|Justify|Summari[sz]e)\b")
        .expect("valid regex")
});
/// Bold lead-ins that introduce prose, not a gate.
static NOTE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:justification|rationale|note|notes|reason|context|summary|assumptions?|caveats?|see also)$",
    )
    .expect("valid regex")
});
static POST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)post[- ]?design|re-?check|re-?evaluat|after phase 1").expect("valid regex")
});

/// True when a label names a summary of the check rather than a principle.
pub fn is_summary(label: &str) -> bool {
    let head = label
        .split([':', '\u{2014}', '\u{2013}', '|', '('])
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches(|c: char| c == '*' || c.is_whitespace());
    !head.is_empty() && SUMMARY_WHOLE.is_match(head)
}

impl GateModel {
    pub fn read(plan: &Plan, status: &StatusMatcher) -> GateModel {
        let mut model = GateModel::default();
        let checks: Vec<usize> = plan
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| title_matches(&s.title, CHECK))
            .filter(|(_, s)| !plan.ancestry(s.parent).any(|a| title_matches(&a.title, CHECK)))
            .map(|(i, _)| i)
            .collect();
        model.sections = checks.clone();
        for &ci in &checks {
            let sec = &plan.sections[ci];
            let text = plan.text();
            let base_post = POST.is_match(&sec.title);
            // Sub-sections: containers (post-design re-check) or one per principle.
            // IBM's Cloud Architecture / IaC Code sub-sections are scopes:
            // their own sub-headings are the per-principle entries.
            let is_scope = |j: usize| super::constitution::principle_scope(&plan.sections[j].title).is_some();
            let subs: Vec<usize> = (ci + 1..plan.sections.len())
                .take_while(|&j| plan.sections[j].span.start < sec.span.end)
                .filter(|&j| {
                    let parent = plan.sections[j].parent;
                    parent == Some(ci)
                        || parent.is_some_and(|p| plan.sections[p].parent == Some(ci) && is_scope(p))
                })
                .filter(|&j| !title_matches(&plan.sections[j].title, COMPLEXITY))
                .collect();
            let mut covered: Vec<Range<usize>> = Vec::new();
            for &j in &subs {
                let s = &plan.sections[j];
                // A simplicity or complexity checklist is the check's own
                // questionnaire, not a principle: its items are skipped below.
                let checklist = CHECKLIST_LEAD.is_match(&s.title)
                    && plan.list_items.iter().any(|i| {
                        s.span.start <= i.span.start
                            && i.span.start < s.span.end
                            && checklist_item(plan, i.span.start)
                    });
                let container = checklist
                    || is_scope(j)
                    || POST.is_match(&s.title)
                    || plan
                        .tables
                        .iter()
                        .any(|t| s.span.start <= t.span.start && t.span.end <= s.span.end);
                if container {
                    continue;
                }
                if is_summary(&s.title) {
                    // The verdict word in the heading as written.
                    if let Some((v, r)) = status.judge(&text[s.heading.clone()], false) {
                        model
                            .verdicts
                            .push((v, s.heading.start + r.start..s.heading.start + r.end));
                    }
                    continue;
                }
                covered.push(s.span.clone());
                model.entries.push(heading_entry(plan, j, status, base_post));
            }
            let in_check = |at: usize| {
                sec.span.start <= at
                    && at < sec.span.end
                    && !covered.iter().any(|c| c.start <= at && at < c.end)
                    && !plan
                        .ancestry(plan.section_at(at))
                        .any(|a| title_matches(&a.title, COMPLEXITY))
            };
            let post_at = |at: usize| {
                base_post
                    || plan
                        .ancestry(plan.section_at(at))
                        .take_while(|a| a.heading.start > sec.heading.start)
                        .any(|a| POST.is_match(&a.title))
            };
            for t in plan.tables.iter().filter(|t| in_check(t.span.start)) {
                table_entries(
                    plan,
                    t,
                    status,
                    post_at(t.span.start),
                    &mut model.entries,
                    &mut model.verdicts,
                );
            }
            // Bullets and bold lines outside tables.
            let lines = line_blocks(plan, &in_check);
            for (line, whole, is_item) in lines {
                if is_item && checklist_item(plan, line.start) {
                    continue;
                }
                if let Some(e) = line_entry(plan, line.clone(), whole, is_item, status, post_at(line.start)) {
                    match e {
                        LineEntry::Gate(g) => model.entries.push(g),
                        LineEntry::Verdict(v, span) => model.verdicts.push((v, span)),
                    }
                }
            }
        }
        model.entries.sort_by_key(|e| e.span.start);
        // An entry ends with its Constitution Check: a list item whose
        // continuation line is an indented heading (`  # Title`) runs on in
        // Markdown past the heading that ends the section.
        for e in &mut model.entries {
            if let Some(sec) = checks
                .iter()
                .map(|&ci| &plan.sections[ci].span)
                .find(|c| c.start <= e.span.start && e.span.start < c.end)
            {
                e.span.end = e.span.end.min(sec.end).max(e.span.start);
                e.text.end = e.text.end.min(sec.end).max(e.text.start);
            }
        }
        for &ci in &checks {
            scope_labels(plan, &plan.sections[ci], &mut model.entries);
        }
        // An entry with an answer but no status word, in a Constitution
        // Check whose other entries give one, left its status out.
        for &ci in &checks {
            let span = plan.sections[ci].span.clone();
            let inside = |e: &GateEntry| span.start <= e.span.start && e.span.start < span.end;
            let marked = model
                .entries
                .iter()
                .filter(|e| inside(e))
                .any(|e| e.status_span.is_some());
            if marked {
                // Bullets and headings only: a table row with a status cell
                // holding a word of its own (`NOTED`) gave a status.
                for e in model.entries.iter_mut().filter(|e| inside(e)) {
                    if e.status == GateStatus::Answered && plan.row_at(e.span.start).is_none() {
                        e.status = GateStatus::Unmarked;
                    }
                }
            }
        }
        model.complexity = complexity_tables(plan);
        model
    }

    pub fn first_section<'p>(&self, plan: &'p Plan) -> Option<&'p super::plan::Section> {
        self.sections.first().map(|&i| &plan.sections[i])
    }
}

/// IBM iac-spec-kit numbers its Cloud Architecture and IaC Code principles
/// from I in each section, and its Principles Check lists them under
/// headings (or bold lead-ins) of the same names, often as `**1. Name** ✅`.
/// An entry with a numeral under such a heading is relabelled with its
/// scoped id (`Cloud I. Name`, `IaC I. Name`) so it cites the right one.
fn scope_labels(plan: &Plan, check: &super::plan::Section, entries: &mut [GateEntry]) {
    let text = plan.text();
    for e in entries
        .iter_mut()
        .filter(|e| check.span.start <= e.span.start && e.span.start < check.span.end)
    {
        let mut scope = None;
        let mut at = check.heading.end;
        for line in text[check.heading.end..e.span.start].split_inclusive('\n') {
            let start = at;
            at += line.len();
            let t = line.trim();
            let heading = plan.sections.iter().any(|s| s.heading.start == start);
            let bold_only = t.starts_with("**") && t.trim_end_matches(':').ends_with("**");
            if !heading && !bold_only {
                continue;
            }
            let title = t.trim_matches(|c: char| c == '#' || c == '*' || c == ':' || c.is_whitespace());
            match super::constitution::principle_scope(title) {
                Some(s) => scope = s,
                None if heading => scope = None,
                None => {}
            }
        }
        let Some(scope) = scope else {
            continue;
        };
        let (numeral, name) = super::constitution::scoped_numeral(&e.label, Some(scope));
        if let Some(n) = numeral {
            e.label = format!("{n}. {name}");
        }
    }
}

enum LineEntry {
    Gate(GateEntry),
    Verdict(Verdict, Range<usize>),
}

/// First lines of top-level list items and bold-led paragraph lines, with
/// the whole item (or the lines up to the next bold-led line).
fn line_blocks(plan: &Plan, keep: &dyn Fn(usize) -> bool) -> Vec<(Range<usize>, Range<usize>, bool)> {
    let text = plan.text();
    let mut out = Vec::new();
    for item in &plan.list_items {
        if !keep(item.span.start) || plan.row_at(item.span.start).is_some() {
            continue;
        }
        let line_start = text[..item.span.start].rfind('\n').map_or(0, |i| i + 1);
        // Top-level only: nothing but spaces (fewer than two) before the marker.
        if item.span.start - line_start > 1 {
            continue;
        }
        let end = text[item.span.start..item.span.end]
            .find('\n')
            .map_or(item.span.end, |i| item.span.start + i);
        out.push((item.span.start..end, item.span.clone(), true));
    }
    for p in &plan.paragraphs {
        if !keep(p.start)
            || plan
                .list_items
                .iter()
                .any(|i| i.span.start <= p.start && p.start < i.span.end)
        {
            continue;
        }
        let mut at = p.start;
        let mut starts: Vec<Range<usize>> = Vec::new();
        for line in text[p.clone()].split_inclusive('\n') {
            let l = at..at + line.trim_end().len();
            at += line.len();
            if line.trim_start().starts_with("**") {
                starts.push(l);
            }
        }
        for (i, l) in starts.iter().enumerate() {
            let until = starts.get(i + 1).map_or(p.end, |n| n.start);
            out.push((l.clone(), l.start..until, false));
        }
    }
    out.sort_by_key(|(r, _, _)| r.start);
    out
}

fn line_entry(
    plan: &Plan,
    line: Range<usize>,
    whole: Range<usize>,
    is_item: bool,
    status: &StatusMatcher,
    post: bool,
) -> Option<LineEntry> {
    let text = plan.text();
    let raw = &text[line.clone()];
    // Strip the bullet and a checkbox.
    let mut off = 0;
    let trimmed = raw.trim_start();
    off += raw.len() - trimmed.len();
    let mut rest = trimmed;
    if is_item {
        if let Some(r) = rest.strip_prefix(['-', '*', '+']) {
            off += 1;
            rest = r;
        } else if let Some(i) = rest
            .find(['.', ')'])
            .filter(|&i| i > 0 && rest[..i].chars().all(|c| c.is_ascii_digit()))
        {
            off += i + 1;
            rest = &rest[i + 1..];
        }
        let t = rest.trim_start();
        off += rest.len() - t.len();
        rest = t;
    }
    let mut checkbox = None;
    for (mark, state) in [("[x]", true), ("[X]", true), ("[ ]", false)] {
        if let Some(r) = rest.strip_prefix(mark) {
            checkbox = Some(state);
            let t = r.trim_start();
            off += rest.len() - t.len();
            rest = t;
        }
    }
    let base = line.start + off;
    // Label: the first bold span that is not a bare status.
    let bolds: Vec<_> = BOLD.captures_iter(rest).collect();
    let (label, label_span) = {
        let mut found = None;
        for c in &bolds {
            let m = c.get(1).expect("group");
            let inner = m.as_str().trim().trim_end_matches(':').trim();
            let stripped = strip_status(inner, status);
            if !stripped.is_empty() {
                found = Some((stripped.to_string(), base + m.start()..base + m.end()));
                break;
            }
        }
        match found {
            Some(f) => f,
            None => {
                // `**Pass**: GitOps-First — text` or no bold: the words up to a separator.
                let after_bold = bolds.first().map_or(0, |c| c.get(0).expect("whole").end());
                let tail = &rest[after_bold..];
                let tail_trim = tail.trim_start_matches([':', ' ']);
                let start = after_bold + (tail.len() - tail_trim.len());
                let mut end = separator(tail_trim).unwrap_or(tail_trim.len());
                // `III - Self-Healing: ...`: a numeral alone is not the label.
                if ROMAN.is_match(tail_trim[..end].trim()) && end < tail_trim.len() {
                    let rest = &tail_trim[end..];
                    let from = end + rest.len()
                        - rest
                            .trim_start_matches(|c: char| c == ' ' || c == ':' || c == '-' || is_dash(c))
                            .len();
                    end = separator(&tail_trim[from..]).map_or(tail_trim.len(), |n| from + n);
                }
                let label = strip_status(tail_trim[..end].trim(), status).to_string();
                if label.is_empty() || (bolds.is_empty() && checkbox.is_none()) {
                    return None;
                }
                (label, base + start..base + start + end)
            }
        }
    };
    let body = &text[line.clone()];
    if NOTE_LABEL.is_match(&label) {
        return None;
    }
    if SUMMARY_LABEL.is_match(&label) || is_summary(&label) || POST.is_match(&label) {
        return status
            .judge(body, false)
            .map(|(v, r)| LineEntry::Verdict(v, line.start + r.start..line.start + r.end));
    }
    // Status: bold-only status or `(Pass)` anywhere in loose form; loud words elsewhere.
    let mut verdict = None;
    for c in &bolds {
        let m = c.get(1).expect("group");
        if strip_status(m.as_str().trim().trim_end_matches(':'), status).is_empty() {
            if let Some((v, r)) = status.judge(m.as_str(), false) {
                verdict = Some((v, base + m.start() + r.start..base + m.start() + r.end));
                break;
            }
        }
    }
    if verdict.is_none() {
        if let Some(p) = rest.rfind('(') {
            let par = &rest[p..];
            if par.trim_end().ends_with(')') && par.len() < 40 {
                if let Some((v, r)) = status.judge(par, false) {
                    verdict = Some((v, base + p + r.start..base + p + r.end));
                }
            }
        }
    }
    if verdict.is_none() {
        // Text after the label: `— PASS: ...` or `: Pass`.
        let after = label_span.end - base;
        let tail = &rest[after.min(rest.len())..];
        let lead = tail.trim_start_matches(|c: char| {
            c == '*' || c == ':' || c.is_whitespace() || c == '-' || is_dash(c)
        });
        let lead_off = after + (tail.len() - lead.len());
        let first_word_end = lead.find([':', ' ', ',', '.', ';']).unwrap_or(lead.len());
        if let Some((v, r)) = status.judge(&lead[..first_word_end], false) {
            verdict = Some((v, base + lead_off + r.start..base + lead_off + r.end));
        }
    }
    if verdict.is_none() {
        if let Some((v, r)) = status.judge(body, true) {
            verdict = Some((v, line.start + r.start..line.start + r.end));
        }
    }
    let answer_text = match &verdict {
        Some((_, r)) if r.start >= label_span.end => {
            format!(
                "{} {}",
                &text[label_span.end.min(r.start)..r.start],
                &text[r.end..whole.end]
            )
        }
        _ => text[label_span.end.min(whole.end)..whole.end].to_string(),
    };
    let answer = answer_text.trim_matches(|c: char| "*:—–-().".contains(c) || c.is_whitespace());
    // A bold line in a paragraph is a gate only when it carries a status;
    // otherwise it is prose such as "**Scope**: ...".
    if !is_item && verdict.is_none() && checkbox.is_none() {
        return None;
    }
    let (st, span, word) = match verdict {
        Some((Verdict::Pass, r)) => (GateStatus::Pass, Some(r.clone()), Some(text[r].to_string())),
        Some((Verdict::Fail, r)) => (GateStatus::Fail, Some(r.clone()), Some(text[r].to_string())),
        None => match checkbox {
            Some(true) => (GateStatus::Pass, None, Some("[x]".to_string())),
            _ if answer.is_empty() || INSTRUCTION.is_match(answer) || answer_is_slot(plan, &line) => {
                (GateStatus::Missing, None, None)
            }
            Some(false) => (GateStatus::Missing, None, None),
            None => (GateStatus::Answered, None, None),
        },
    };
    Some(LineEntry::Gate(GateEntry {
        label,
        label_span,
        span: line.clone(),
        status: st,
        status_span: span,
        status_word: word,
        answer: answer.to_string(),
        text: whole,
        post_design: post,
        evidence_blank: false,
    }))
}

/// Where a gate's label ends: a colon, or a dash (ASCII or Unicode) between
/// spaces.
fn separator(s: &str) -> Option<usize> {
    let mut prev = ' ';
    let mut prev_at = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == ':' {
            return Some(i);
        }
        let next = iter.peek().map(|(_, n)| *n);
        if (c == '-' || is_dash(c)) && prev == ' ' && next == Some(' ') && i > 0 {
            return Some(prev_at);
        }
        prev = c;
        prev_at = i;
    }
    None
}

/// A checkbox item of a simplicity or complexity checklist: the nearest
/// line above its list that is not a list item (a heading, a bold lead-in,
/// a sentence ending in a colon) names simplicity or complexity.
fn checklist_item(plan: &Plan, at: usize) -> bool {
    let text = plan.text();
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let first = text[at..line_end]
        .trim_start()
        .trim_start_matches(['-', '*', '+'])
        .trim_start();
    if !(first.starts_with("[x]") || first.starts_with("[X]") || first.starts_with("[ ]")) {
        return false;
    }
    let before = &text[..text[..at].rfind('\n').unwrap_or(0)];
    for line in before.lines().rev() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let item = t.starts_with(['-', '*', '+']) && !t.starts_with("**")
            || t.split_once(['.', ')'])
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if item || line.starts_with("  ") {
            continue;
        }
        let lead = t.starts_with('#') || t.starts_with("**") || t.ends_with(':');
        return lead && CHECKLIST_LEAD.is_match(t);
    }
    false
}

fn answer_is_slot(plan: &Plan, line: &Range<usize>) -> bool {
    plan.slots
        .iter()
        .any(|s| s.kind == SlotKind::Placeholder && line.start <= s.span.start && s.span.end <= line.end)
}

/// Remove status words and emoji from a label: "✅ GitOps-First" -> "GitOps-First".
fn strip_status<'a>(label: &'a str, status: &StatusMatcher) -> &'a str {
    let mut l = label.trim();
    loop {
        let before = l;
        if let Some((_, r)) = status.judge(l, false) {
            if r.start == 0 || l[..r.start].trim().is_empty() {
                l = l[r.end..]
                    .trim_start_matches(|c: char| c.is_whitespace() || "():-".contains(c) || is_dash(c))
                    .trim();
            } else if r.end == l.len()
                || l[r.end..]
                    .trim_matches(|c: char| c.is_whitespace() || "()*".contains(c))
                    .is_empty()
            {
                l = l[..r.start]
                    .trim_end_matches(|c: char| c.is_whitespace() || "(:-".contains(c) || is_dash(c))
                    .trim();
            }
        }
        l = l.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '§' && c != '[');
        if l == before {
            return l;
        }
    }
}

fn heading_entry(plan: &Plan, j: usize, status: &StatusMatcher, post: bool) -> GateEntry {
    let s = &plan.sections[j];
    let text = plan.text();
    let body = s.heading.end..s.span.end;
    let field = plan.fields.iter().find(|f| {
        body.start <= f.name_span.start
            && f.name_span.start < body.end
            && f.name.eq_ignore_ascii_case("status")
    });
    let judged = match field {
        Some(f) => status
            .judge(&text[f.value.clone()], false)
            .map(|(v, r)| (v, f.value.start + r.start..f.value.start + r.end)),
        // The status word in the heading as written (its plain title may
        // differ from the text when it has inline markup).
        None => status
            .judge(&text[s.heading.clone()], false)
            .map(|(v, r)| (v, s.heading.start + r.start..s.heading.start + r.end))
            .or_else(|| {
                status
                    .judge(&text[body.clone()], true)
                    .map(|(v, r)| (v, body.start + r.start..body.start + r.end))
            }),
    };
    let answer = text[body.clone()].trim();
    let (st, span) = match judged {
        Some((Verdict::Pass, r)) => (GateStatus::Pass, Some(r)),
        Some((Verdict::Fail, r)) => (GateStatus::Fail, Some(r)),
        None if answer.is_empty() || INSTRUCTION.is_match(answer) => (GateStatus::Missing, None),
        None => (GateStatus::Answered, None),
    };
    // The title as written in the heading; when inline markup makes the
    // plain title differ from the text (`**Name**`), the heading's text
    // after its `#` marks, ending on a character boundary.
    let heading = &text[s.heading.clone()];
    let label_span = match heading.find(&s.title) {
        Some(o) => s.heading.start + o..s.heading.start + o + s.title.len(),
        None => {
            let lead = heading.len() - heading.trim_start_matches(['#', ' ', '\t']).len();
            let start = s.heading.start + lead;
            let end = crate::source::floor_char_boundary(text, (start + s.title.len()).min(s.heading.end));
            start..end.max(start)
        }
    };
    GateEntry {
        label: strip_status(&s.title, status).to_string(),
        label_span,
        span: s.heading.clone(),
        status_word: span.clone().map(|r| text[r].to_string()),
        status: st,
        status_span: span,
        answer: answer.to_string(),
        text: s.span.clone(),
        post_design: post || POST.is_match(&s.title),
        evidence_blank: false,
    }
}

fn table_entries(
    plan: &Plan,
    t: &Table,
    status: &StatusMatcher,
    post: bool,
    out: &mut Vec<GateEntry>,
    verdicts: &mut Vec<(Verdict, Range<usize>)>,
) {
    let header: Vec<&str> = t.header.cells.iter().map(|c| c.text.as_str()).collect();
    let label_col = header.iter().position(|h| LABEL_HEADER.is_match(h));
    let status_col = header
        .iter()
        .position(|h| STATUS_HEADER.is_match(h) && !LABEL_HEADER.is_match(h))
        .or_else(|| header.iter().position(|h| STATUS_HEADER.is_match(h)));
    let (Some(label_col), status_col) = (label_col.or(Some(0)), status_col) else {
        return;
    };
    if status_col == Some(label_col) {
        return;
    }
    let text = plan.text();
    for row in &t.rows {
        let Some(label_cell) = row.cells.get(label_col) else {
            continue;
        };
        if label_cell.text.trim().is_empty() {
            // A continuation row: extend the previous entry.
            if let Some(prev) = out.last_mut().filter(|p| p.span.end <= row.span.start) {
                prev.text.end = row.span.end;
                prev.span.end = row.span.end;
            }
            continue;
        }
        if is_summary(&label_cell.text) {
            // `| Summary | PARTIAL |`: the check's verdict, not a gate.
            let rest = label_cell.span.end..row.span.end;
            if let Some((v, r)) = status.judge(&text[rest.clone()], false) {
                verdicts.push((v, rest.start + r.start..rest.start + r.end));
            }
            continue;
        }
        let status_cell = status_col.and_then(|c| row.cells.get(c));
        let judged = match status_cell {
            Some(cell) => status
                .judge(&text[cell.span.clone()], false)
                .map(|(v, r)| (v, cell.span.start + r.start..cell.span.start + r.end)),
            None => {
                let rest = label_cell.span.end..row.span.end;
                status
                    .judge(&text[rest.clone()], false)
                    .map(|(v, r)| (v, rest.start + r.start..rest.start + r.end))
            }
        };
        let answer: String = row
            .cells
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != label_col && Some(*i) != status_col)
            .map(|(_, c)| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let others: Vec<_> = row
            .cells
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != label_col && Some(*i) != status_col)
            .collect();
        let evidence_blank = !others.is_empty() && others.iter().all(|(_, c)| c.text.trim().is_empty());
        let (st, span) = match judged {
            Some((Verdict::Pass, r)) => (GateStatus::Pass, Some(r)),
            Some((Verdict::Fail, r)) => (GateStatus::Fail, Some(r)),
            None if answer.trim().is_empty() || INSTRUCTION.is_match(answer.trim()) => {
                (GateStatus::Missing, None)
            }
            // An empty status cell beside an answer: the status was left out.
            None if status_cell.is_some_and(|c| c.text.trim().is_empty()) => (GateStatus::Unmarked, None),
            None => (GateStatus::Answered, None),
        };
        let label = strip_status(&label_cell.text, status).to_string();
        if label.is_empty() {
            continue;
        }
        out.push(GateEntry {
            label,
            label_span: label_cell.span.clone(),
            span: row.span.clone(),
            status_word: span.clone().map(|r| text[r].to_string()),
            status: st,
            status_span: span,
            answer,
            text: row.span.clone(),
            post_design: post,
            evidence_blank,
        });
    }
}

fn complexity_tables(plan: &Plan) -> Vec<ComplexityTable> {
    let example: Vec<Range<usize>> = plan.example_rows().map(|r| r.span.clone()).collect();
    plan.tables
        .iter()
        .filter(|t| plan.in_section(t.span.start, COMPLEXITY))
        .map(|t| ComplexityTable {
            header: t.header.cells.iter().map(|c| c.text.clone()).collect(),
            rows: t
                .rows
                .iter()
                .map(|r| ComplexityRow {
                    span: r.span.clone(),
                    cells: r.cells.iter().map(|c| (c.text.clone(), c.span.clone())).collect(),
                    example: example.contains(&r.span),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn read(s: &str) -> (Plan, GateModel) {
        let plan = Plan::parse(SourceFile::new("p.md", s));
        let m = GateModel::read(&plan, &StatusMatcher::default());
        (plan, m)
    }

    #[test]
    fn principles_check_entries_take_their_section_scope() {
        let (_, m) = read(
            "# Plan\n\n## Principles Check\n\n### Cloud Architecture Principles\n\n**1. Private by Default** ✅ no public addresses in `iac/network.tf`.\n**2. Tagged Resources** ✅ default tags.\n\n### IaC Code Principles\n\n**1. Pinned Providers** ✅ `iac/versions.tf`.\n\n## Summary\n",
        );
        let labels: Vec<_> = m.entries.iter().map(|e| (e.label.as_str(), e.status)).collect();
        assert_eq!(
            labels,
            vec![
                ("Cloud I. Private by Default", GateStatus::Pass),
                ("Cloud II. Tagged Resources", GateStatus::Pass),
                ("IaC I. Pinned Providers", GateStatus::Pass),
            ]
        );
        assert_eq!(m.sections.len(), 1);
        // Outside a scope, a label keeps its own words.
        let (_, m) = read("# Plan\n\n## Constitution Check\n\n- **1. GitOps** ✅ PASS — via Flux.\n");
        assert_eq!(m.entries[0].label, "1. GitOps");
    }

    fn summary(s: &str) -> Vec<(String, GateStatus, bool)> {
        let (_, m) = read(s);
        m.entries
            .iter()
            .map(|e| (e.label.clone(), e.status, e.post_design))
            .collect()
    }

    #[test]
    fn table_with_status_anywhere() {
        let s = "## Constitution Check\n\n| Gate | Evidence | Status |\n|---|---|---|\n| I. GitOps | `kubectl diff` | ✅ PASS |\n| II. Secrets | none yet | ⚠️ PARTIAL |\n| | continued | |\n";
        assert_eq!(
            summary(s),
            vec![
                ("I. GitOps".into(), GateStatus::Pass, false),
                ("II. Secrets".into(), GateStatus::Fail, false)
            ]
        );
    }

    #[test]
    fn bullets_in_every_form() {
        let s = "## Constitution Check\n\n- **GitOps Source of Truth**: Link CI diff output proving it.\n- ✅ **Secrets**: SOPS everywhere.\n- **Pass**: Observability — alerts added.\n- **I. Simplicity**: one playbook. (Pass)\n- [x] **Runbooks** — PASS: docs/runbooks/a.md\n- [ ] **Idempotence**\n\n**Gate Result**: ✅ ALL PASS\n";
        assert_eq!(
            summary(s),
            vec![
                ("GitOps Source of Truth".into(), GateStatus::Missing, false),
                ("Secrets".into(), GateStatus::Pass, false),
                ("Observability".into(), GateStatus::Pass, false),
                ("I. Simplicity".into(), GateStatus::Pass, false),
                ("Runbooks".into(), GateStatus::Pass, false),
                ("Idempotence".into(), GateStatus::Missing, false),
            ]
        );
        let (_, m) = read(s);
        assert_eq!(m.verdicts.len(), 1);
    }

    #[test]
    fn headings_and_post_design() {
        let s = "## Constitution Check\n\n### I. GitOps\n\n**Status**: PASS\n\n### II. Secrets\n\nDEVIATION: shared token.\n\n### Post-Design Re-check\n\n| Principle | Status |\n|---|---|\n| I. GitOps | PASS |\n\n## Project Structure\n";
        assert_eq!(
            summary(s),
            vec![
                ("I. GitOps".into(), GateStatus::Pass, false),
                ("II. Secrets".into(), GateStatus::Fail, false),
                ("I. GitOps".into(), GateStatus::Pass, true),
            ]
        );
    }

    #[test]
    fn bold_lines_with_emoji() {
        let s = "## Constitution Check\n**✅ GitOps-First Deployment**: Argo CD owns it\n**✅ Observability**: metrics\n\n**Constitutional Compliance**: ✅ PASS - all\n";
        assert_eq!(
            summary(s),
            vec![
                ("GitOps-First Deployment".into(), GateStatus::Pass, false),
                ("Observability".into(), GateStatus::Pass, false)
            ]
        );
    }
}
