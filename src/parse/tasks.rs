//! The task list model (`specs/NNN-feature/tasks.md`): phases and task lines
//! `- [ ] T001 [P] [US1] Description with exact file paths`, with the id,
//! labels and the paths each description names. No checks live here.

use super::plan::{Plan, Section};
use super::spec::first_line;
use crate::source::SourceFile;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// A `## Phase N: ...` section (also `Phase 3.1`, the template's `Phase N`).
#[derive(Debug, Clone)]
pub struct Phase {
    /// Index into `plan.sections`.
    pub section: usize,
    pub span: Range<usize>,
}

/// The token where a task id stands, well formed or not.
#[derive(Debug, Clone)]
pub struct TaskId {
    pub text: String,
    pub span: Range<usize>,
    /// `T` and three digits, then an optional lower-case letter for a task
    /// inserted later (`T013a`), as the template and real lists write them.
    pub well_formed: bool,
}

/// A bracketed label after the id: `[P]`, `[US1]`, `[US1/US2]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Parallel,
    /// Story numbers: `[US1]` gives one, `[US1/US2]` two.
    Stories(Vec<u32>),
}

/// A checkbox list item.
#[derive(Debug, Clone)]
pub struct TaskItem {
    /// The whole list item.
    pub span: Range<usize>,
    /// The item's first line.
    pub line: Range<usize>,
    pub checked: bool,
    /// Index into `phases` of the phase holding the item.
    pub phase: Option<usize>,
    /// True when the item sits inside another checkbox item.
    pub nested: bool,
    pub id: Option<TaskId>,
    pub labels: Vec<(Label, Range<usize>)>,
    /// The description: after the id and labels, up to any nested list.
    pub description: Range<usize>,
    /// Repository paths the description names (see [`path_candidates`]).
    pub paths: Vec<(Range<usize>, String)>,
}

impl TaskItem {
    pub fn parallel(&self) -> bool {
        self.labels.iter().any(|(l, _)| *l == Label::Parallel)
    }
}

#[derive(Debug)]
pub struct Tasks {
    pub plan: Plan,
    pub phases: Vec<Phase>,
    /// Every checkbox item outside code blocks and HTML comments.
    pub items: Vec<TaskItem>,
}

static PHASE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^phase\s+(?:\d+(?:\.\d+)*|n)\b").expect("valid regex"));
static CHECKBOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s*").expect("valid regex"));
/// Something standing where the id goes: `T001`, `**T001**`, `T1`, `TXXX`, `T011+T012`.
static ID_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\*\*)?(T[0-9X][0-9A-Za-z+/,.-]*?)(\*\*)?(?:[:.]?\s|[:.]?$)").expect("valid regex")
});
static ID_OK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^T\d{3}[a-z]?$").expect("valid regex"));
static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[([^\]\n]{1,24})\]\s*").expect("valid regex"));
static STORY_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^US(\d+)(?:\s*[/,]\s*US(\d+))*$").expect("valid regex"));
static STORY_NUM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"US(\d+)").expect("valid regex"));

impl Tasks {
    pub fn parse(file: SourceFile) -> Tasks {
        Tasks::from_plan(Plan::parse(file))
    }

    pub fn from_plan(plan: Plan) -> Tasks {
        let phases: Vec<Phase> = plan
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| is_phase(s))
            .map(|(i, s)| Phase {
                section: i,
                span: s.span.clone(),
            })
            .collect();
        let text = plan.text();
        let mut items: Vec<TaskItem> = Vec::new();
        let boxes: Vec<_> = plan.list_items.iter().filter(|i| i.checked.is_some()).collect();
        for item in &boxes {
            let line = first_line(text, item.span.clone());
            let Some(m) = CHECKBOX.find(&text[line.clone()]) else {
                continue;
            };
            let mut at = line.start + m.end();
            let id = ID_TOKEN.captures(&text[at..line.end]).map(|c| {
                let g = c.get(2).expect("group 2");
                let whole = c.get(0).expect("group 0");
                let id = TaskId {
                    text: g.as_str().to_string(),
                    span: at + g.start()..at + g.end(),
                    well_formed: ID_OK.is_match(g.as_str()),
                };
                at += whole.end();
                id
            });
            let mut labels = Vec::new();
            while let Some(c) = LABEL.captures(&text[at..line.end]) {
                let inner = c[1].trim();
                let label = if inner.eq_ignore_ascii_case("P") {
                    Label::Parallel
                } else if STORY_LABEL.is_match(inner) {
                    Label::Stories(
                        STORY_NUM
                            .captures_iter(inner)
                            .filter_map(|n| n[1].parse().ok())
                            .collect(),
                    )
                } else {
                    break;
                };
                let whole = c.get(0).expect("group 0");
                labels.push((label, at..at + inner.len() + 2));
                at += whole.end();
            }
            // The description runs to the first nested list item.
            let nested_start = boxes
                .iter()
                .map(|o| o.span.start)
                .chain(plan.list_items.iter().map(|o| o.span.start))
                .filter(|&s| s > item.span.start && s < item.span.end)
                .min()
                .unwrap_or(item.span.end);
            let description = super::plan::trim_span(text, at.min(nested_start)..nested_start);
            let phase = phases.iter().rposition(|p| p.span.contains(&item.span.start));
            let nested = boxes
                .iter()
                .any(|o| o.span.start < item.span.start && item.span.end <= o.span.end);
            let paths = path_candidates(text, description.clone());
            items.push(TaskItem {
                span: item.span.clone(),
                line,
                checked: item.checked == Some(true),
                phase,
                nested,
                id,
                labels,
                description,
                paths,
            });
        }
        Tasks { plan, phases, items }
    }

    pub fn text(&self) -> &str {
        self.plan.text()
    }

    /// The tasks: items that carry a task id (well formed or not), and
    /// top-level checkbox items inside a phase (tasks whose id is missing).
    pub fn tasks(&self) -> impl Iterator<Item = &TaskItem> + '_ {
        self.items
            .iter()
            .filter(|i| i.id.is_some() || (i.phase.is_some() && !i.nested))
    }
}

fn is_phase(s: &Section) -> bool {
    PHASE.is_match(&super::plan::normalise_title(&s.title))
        && !super::plan::title_matches(&s.title, &["phase dependencies"])
}

/// File extensions that make a bare name look like a path.
const EXTENSIONS: &[&str] = &[
    "md",
    "yaml",
    "yml",
    "tf",
    "tfvars",
    "hcl",
    "json",
    "toml",
    "sh",
    "bash",
    "py",
    "j2",
    "jinja2",
    "cfg",
    "conf",
    "ini",
    "txt",
    "rs",
    "go",
    "ts",
    "js",
    "service",
    "env",
    "tpl",
    "rego",
    "xml",
    "ps1",
    "nix",
    "lock",
    "sql",
    "cue",
    "jsonnet",
    "libsonnet",
];

/// Tokens in `span` that look like repository paths: in backticks, or bare
/// words with a known extension, a trailing `/`, or two slashes. Host paths
/// (`/etc/...`, `~/...`), URLs, globs, variables and template slots are not
/// repository paths and are left out.
pub fn path_candidates(text: &str, span: Range<usize>) -> Vec<(Range<usize>, String)> {
    let s = &text[span.clone()];
    let mut out = Vec::new();
    let mut code_ranges: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while let Some(open) = s[i..].find('`') {
        let start = i + open + 1;
        let Some(len) = s[start..].find('`') else { break };
        let inner = &s[start..start + len];
        code_ranges.push(start - 1..start + len + 1);
        let t = inner.trim();
        if !t.contains(char::is_whitespace) && looks_like_path(t, true) {
            let lead = inner.len() - inner.trim_start().len();
            let a = span.start + start + lead;
            out.push((a..a + t.len(), t.to_string()));
        }
        i = start + len + 1;
    }
    let mut at = 0;
    for word in s.split(|c: char| c.is_whitespace()) {
        let w_start = at;
        at += word.len() + 1;
        if word.is_empty() || code_ranges.iter().any(|r| r.contains(&w_start)) || word.contains('`') {
            continue;
        }
        let t = word.trim_start_matches(['(', '"', '\'', '*']);
        let lead = word.len() - t.len();
        let t = t.trim_end_matches([')', ',', ';', ':', '.', '"', '\'', '*']);
        if looks_like_path(t, false) {
            let a = span.start + w_start + lead;
            out.push((a..a + t.len(), t.to_string()));
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

fn looks_like_path(t: &str, quoted: bool) -> bool {
    if t.is_empty()
        || t.starts_with(['/', '~', '$', '-', '.', '@'])
            && !(t.starts_with("./")
                || t.starts_with(".github/")
                || t.starts_with('.') && t[1..].contains('/'))
        || t.contains("://")
        || t.contains([
            ',', '*', '{', '}', '<', '>', '[', ']', '=', '?', '|', '\\', '(', ')', ':', '"', '\'',
        ])
        || !t.chars().any(char::is_alphabetic)
    {
        return false;
    }
    let last = t.trim_end_matches('/').rsplit('/').next().unwrap_or(t);
    let has_ext = last.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    });
    // Inner slashes: `a/b/` has one, `a/b/c.yaml` two.
    let inner = t.trim_end_matches('/').matches('/').count();
    if t.contains("//") || !t.chars().any(|c| c.is_ascii_lowercase()) {
        return false;
    }
    if has_ext {
        return true;
    }
    // Without an extension: a folder of at least two segments (`infra/cache/`),
    // or in backticks a path of at least three (`k8s/apps/web`); `n8nio/n8n`
    // (an image), `tasks/` (relative to something) and `read/write` are not.
    if t.ends_with('/') {
        inner >= 1
    } else {
        quoted && inner >= 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks(s: &str) -> Tasks {
        Tasks::parse(SourceFile::new("tasks.md", s))
    }

    #[test]
    fn task_lines() {
        let t = tasks(
            "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 [P] [US1] Create `infra/main.tf` and roles/web/tasks/main.yml\n- [x] **T002** [US1/US2] Write docs\n- [X] TXXX Polish\n- [ ] Missing id\n\n## Notes\n\n```\n- [ ] T009 in code\n```\n\n<!--\n- [ ] T010 in a comment\n-->\n",
        );
        assert_eq!(t.items.len(), 4);
        let i = &t.items[0];
        assert_eq!(i.id.as_ref().unwrap().text, "T001");
        assert!(i.parallel());
        assert_eq!(i.labels[1].0, Label::Stories(vec![1]));
        assert_eq!(&t.text()[i.labels[1].1.clone()], "[US1]");
        let paths: Vec<_> = i.paths.iter().map(|p| p.1.as_str()).collect();
        assert_eq!(paths, vec!["infra/main.tf", "roles/web/tasks/main.yml"]);
        assert_eq!(t.items[1].labels[0].0, Label::Stories(vec![1, 2]));
        assert!(t.items[1].checked && t.items[2].checked);
        assert!(!t.items[2].id.as_ref().unwrap().well_formed);
        assert!(t.items[3].id.is_none());
        assert_eq!(t.items[3].phase, Some(0));
    }

    #[test]
    fn path_shapes() {
        let text = "see SC-001/SC-002, FR-001/FR-002/SC-003, read/write, a/b/c, TCP/UDP, /etc/hosts, ~/.ssh/config, https://x.io/a/b, `kubectl get pods`, `apps/`, `n8nio/n8n`, `a/b,c/d`, `k8s/apps/web`, README.md, k8s/apps/web/, e.g.";
        let got: Vec<_> = path_candidates(text, 0..text.len())
            .into_iter()
            .map(|p| p.1)
            .collect();
        assert_eq!(got, vec!["k8s/apps/web", "README.md", "k8s/apps/web/"]);
    }
}
