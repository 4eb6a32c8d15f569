//! The plan model: one pass of pulldown-cmark's offset iterator turns a
//! plan.md into sections, tables, code blocks, comments, list items, fields
//! and template slots with byte spans. Checks query this; none re-parse.

use super::placeholder::{self, SlotKind};
use super::tree::{self, TreeLine};
use crate::source::SourceFile;
use pulldown_cmark::{BrokenLink, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// A heading and the part of the document it governs.
#[derive(Debug, Clone)]
pub struct Section {
    pub level: u8,
    /// Plain text of the heading, inline markup removed.
    pub title: String,
    pub heading: Range<usize>,
    /// From the heading's start to the next heading of the same or a higher level.
    pub span: Range<usize>,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Cell {
    /// Trimmed span of the cell's content.
    pub span: Range<usize>,
    /// Plain text, inline markup removed.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub span: Range<usize>,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub span: Range<usize>,
    pub header: Row,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct CodeBlock {
    /// The whole block, fences included.
    pub span: Range<usize>,
    pub info: String,
    pub content: Range<usize>,
    /// True when the block draws a folder tree (by heading or by glyphs).
    pub is_tree: bool,
}

#[derive(Debug, Clone)]
pub struct ListItem {
    pub span: Range<usize>,
    /// `Some(checked)` for task list items.
    pub checked: Option<bool>,
}

/// A `**Name**: value` line (also `**Name:** value`).
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub name_span: Range<usize>,
    /// The value, up to the next field or the end of the paragraph, trimmed.
    pub value: Range<usize>,
}

/// Bracketed text that is a template slot.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The slot including its brackets.
    pub span: Range<usize>,
    pub kind: SlotKind,
    pub context: SlotContext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotContext {
    Prose,
    InlineCode,
    CodeBlock,
    Tree,
}

/// A parsed implementation plan.
#[derive(Debug)]
pub struct Plan {
    pub file: SourceFile,
    pub sections: Vec<Section>,
    pub tables: Vec<Table>,
    pub code_blocks: Vec<CodeBlock>,
    pub comments: Vec<Range<usize>>,
    pub list_items: Vec<ListItem>,
    pub paragraphs: Vec<Range<usize>>,
    pub fields: Vec<Field>,
    /// Prose text runs: text outside code, HTML and link destinations.
    pub texts: Vec<Range<usize>>,
    pub inline_code: Vec<Range<usize>>,
    pub slots: Vec<Slot>,
    /// Parsed lines of every tree code block, by block index.
    pub trees: Vec<(usize, Vec<TreeLine>)>,
    /// Opening fences (the fence line) of code blocks that never close.
    pub unclosed_fences: Vec<Range<usize>>,
}

/// Parse `text[part]` into `plan`, with offsets into the whole text.
fn parse_part(text: &str, part: Range<usize>, plan: &mut Plan, broken: &mut Vec<Range<usize>>) {
    let base = part.start;
    let slice = &text[part];
    let callback = |link: BrokenLink<'_>| {
        broken.push(base + link.span.start..base + link.span.end);
        None
    };
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH;
    let parser = Parser::new_with_broken_link_callback(slice, opts, Some(callback));
    walk(
        text,
        parser
            .into_offset_iter()
            .map(|(e, r)| (e, base + r.start..base + r.end)),
        plan,
    );
}

/// A fenced code block that runs to the end of the file.
struct UnclosedFence {
    /// The opening fence line.
    open: Range<usize>,
    /// Where Markdown resumes: the first heading (level 2 or deeper) or
    /// bold lead-in after a blank line, if any.
    resume: Option<usize>,
}

fn unclosed_fence(text: &str, block: &CodeBlock) -> Option<UnclosedFence> {
    if !text[block.span.end..].trim().is_empty() {
        return None;
    }
    let start = block.span.start;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let first_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let opening = text[line_start..first_end].trim_start();
    let ch = opening.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = opening.chars().take_while(|c| *c == ch).count();
    if n < 3 || text[line_start..start].len() > 3 {
        return None;
    }
    // Closed when the last non-blank line of the block is a closing fence.
    let body = &text[first_end.min(block.span.end)..block.span.end];
    let closed = body
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| {
            let t = l.trim();
            t.chars().all(|c| c == ch) && t.len() >= n
        });
    if closed {
        return None;
    }
    let mut resume = None;
    let mut at = first_end + 1;
    let mut prev_blank = false;
    for line in text.get(at..).unwrap_or("").split_inclusive('\n') {
        let t = line.trim_end();
        let hashes = t.chars().take_while(|c| *c == '#').count();
        let heading = (2..=6).contains(&hashes)
            && t[hashes..].starts_with(' ')
            && t[hashes..]
                .trim_start()
                .starts_with(|c: char| c.is_alphanumeric());
        let bold = prev_blank && t.starts_with("**") && t[2..].starts_with(|c: char| c.is_alphabetic());
        if heading || bold {
            resume = Some(at);
            break;
        }
        prev_blank = t.trim().is_empty();
        at += line.len();
    }
    Some(UnclosedFence {
        open: trim_span(text, line_start..first_end),
        resume,
    })
}

static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    // `**Name**: value` or `**Name:** value`; several may share a line, split by `|`.
    Regex::new(r"\*\*([^*\n]{1,80}?)(?::\*\*|\*\*\s*:)[ \t]*").expect("valid regex")
});
/// A tree branch: `├── name` or `└── name`, not a box corner `└────┘`.
static TREE_GLYPH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[├└]──\s*[^─\s┘┐]").expect("valid regex"));
/// A line that is nothing but a bracketed instruction: `[ASCII diagram of ...]`.
static SENTENCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\[([A-Z][A-Za-z]*(?: [^\],:=\x22'\[ ]+){4,})\]\s*$").expect("valid regex")
});
static STRUCTURE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:project structure|file structure|source code|infrastructure code|documentation \(this feature\))")
        .expect("valid regex")
});

impl Plan {
    pub fn parse(file: SourceFile) -> Plan {
        let text: &str = &file.text;
        let mut broken: Vec<Range<usize>> = Vec::new();
        let mut plan = Plan::empty();
        parse_part(text, 0..text.len(), &mut plan, &mut broken);
        // A fence that never closes swallows the rest of the file. Recover:
        // end the block before the first heading (or bold lead-in) after it
        // and read the rest as Markdown again.
        if let Some(fence) = plan.code_blocks.last().and_then(|b| unclosed_fence(text, b)) {
            plan.unclosed_fences.push(fence.open.clone());
            if let Some(cut) = fence.resume {
                let mut again = Plan::empty();
                let mut broken_again = Vec::new();
                parse_part(text, 0..cut, &mut again, &mut broken_again);
                parse_part(text, cut..text.len(), &mut again, &mut broken_again);
                again.unclosed_fences = std::mem::take(&mut plan.unclosed_fences);
                plan = again;
                broken = broken_again;
            }
        }
        plan.file = file;
        plan.finish_sections();
        plan.find_fields();
        plan.mark_trees();
        plan.collect_slots(broken);
        plan
    }

    fn empty() -> Plan {
        Plan {
            sections: Vec::new(),
            tables: Vec::new(),
            code_blocks: Vec::new(),
            comments: Vec::new(),
            list_items: Vec::new(),
            paragraphs: Vec::new(),
            fields: Vec::new(),
            texts: Vec::new(),
            inline_code: Vec::new(),
            slots: Vec::new(),
            trees: Vec::new(),
            unclosed_fences: Vec::new(),
            file: SourceFile::new("", ""),
        }
    }

    pub fn text(&self) -> &str {
        &self.file.text
    }

    /// Index of the innermost section holding `offset`.
    pub fn section_at(&self, offset: usize) -> Option<usize> {
        let i = self.sections.partition_point(|s| s.heading.start <= offset);
        i.checked_sub(1)
    }

    /// The section and its ancestors, innermost first.
    pub fn ancestry(&self, section: Option<usize>) -> impl Iterator<Item = &Section> + '_ {
        std::iter::successors(section, move |&i| self.sections[i].parent).map(move |i| &self.sections[i])
    }

    /// Sections whose normalised title starts with one of `names`.
    pub fn sections_named<'a>(
        &'a self,
        names: &'a [&str],
    ) -> impl Iterator<Item = (usize, &'a Section)> + 'a {
        self.sections
            .iter()
            .enumerate()
            .filter(move |(_, s)| title_matches(&s.title, names))
    }

    /// True when `offset` lies inside a section whose title starts with one of `names`.
    pub fn in_section(&self, offset: usize, names: &[&str]) -> bool {
        self.ancestry(self.section_at(offset))
            .any(|s| title_matches(&s.title, names))
    }

    fn finish_sections(&mut self) {
        let len = self.file.text.len();
        let n = self.sections.len();
        for i in 0..n {
            let level = self.sections[i].level;
            let end = self.sections[i + 1..]
                .iter()
                .find(|s| s.level <= level)
                .map_or(len, |s| s.heading.start);
            self.sections[i].span = self.sections[i].heading.start..end;
            self.sections[i].parent = (0..i).rev().find(|&j| self.sections[j].level < level);
        }
    }

    fn find_fields(&mut self) {
        let text: &str = &self.file.text;
        let mut fields: Vec<Field> = Vec::new();
        // Paragraphs, and the first lines of list items (tight lists have no
        // paragraph events): `- **Tool**: Terraform`.
        let item_lines = self.list_items.iter().map(|i| {
            let end = text[i.span.clone()]
                .find('\n')
                .map_or(i.span.end, |n| i.span.start + n);
            i.span.start..end
        });
        let mut blocks: Vec<Range<usize>> = self.paragraphs.iter().cloned().chain(item_lines).collect();
        blocks.sort_by_key(|b| (b.start, b.end));
        for block in blocks {
            let body = &text[block.clone()];
            let starts: Vec<_> = FIELD
                .captures_iter(body)
                .filter_map(|c| {
                    let whole = c.get(0)?;
                    let name = c.get(1)?;
                    Some((
                        block.start + whole.start(),
                        block.start + name.start()..block.start + name.end(),
                        block.start + whole.end(),
                    ))
                })
                .collect();
            for (i, (_, name_span, value_start)) in starts.iter().enumerate() {
                let end = starts.get(i + 1).map_or(block.end, |n| n.0);
                // Fields on the header line are separated by `|`.
                let raw = text[*value_start..end].trim_end();
                let end = *value_start + raw.strip_suffix('|').unwrap_or(raw).len();
                let value = trim_span(text, *value_start..end);
                let name = text[name_span.clone()].trim().to_string();
                fields.push(Field {
                    name,
                    name_span: name_span.clone(),
                    value,
                });
            }
        }
        fields.sort_by_key(|f| f.name_span.start);
        self.fields = fields;
    }

    fn mark_trees(&mut self) {
        let text: &str = &self.file.text;
        let mut trees = Vec::new();
        for (i, block) in self.code_blocks.iter().enumerate() {
            let content = &text[block.content.clone()];
            let glyphs = TREE_GLYPH.is_match(content);
            let lang_ok = matches!(
                block.info.split_whitespace().next().unwrap_or(""),
                "" | "text" | "txt" | "plain" | "plaintext" | "tree" | "sh" | "bash" | "console" | "shell"
            );
            let by_heading = lang_ok && {
                let sec = self.section_at(block.span.start);
                self.ancestry(sec)
                    .any(|s| STRUCTURE_TITLE.is_match(normalise_title(&s.title).as_str()))
            };
            if glyphs || by_heading {
                trees.push((i, tree::parse_lines(text, block.content.clone())));
            }
        }
        for (i, _) in &trees {
            self.code_blocks[*i].is_tree = true;
        }
        self.trees = trees;
    }

    fn collect_slots(&mut self, mut broken: Vec<Range<usize>>) {
        let text: &str = &self.file.text;
        broken.sort_by_key(|r| (r.start, r.end));
        broken.dedup();
        let mut slots = Vec::new();
        for span in broken {
            let Some(inner) = text.get(span.clone()).and_then(bracket_inner) else {
                continue;
            };
            if let Some(kind) = placeholder::classify_prose(inner) {
                slots.push(Slot {
                    span,
                    kind,
                    context: SlotContext::Prose,
                });
            }
        }
        // Inline code counts only where the template puts slots in it: field
        // values, table cells and headings. In a sentence it is a mention.
        let valued = |at: usize| {
            self.fields
                .iter()
                .any(|f| f.value.start <= at && at < f.value.end)
                || self.tables.iter().any(|t| t.span.start <= at && at < t.span.end)
                || self
                    .sections
                    .iter()
                    .any(|s| s.heading.start <= at && at < s.heading.end)
        };
        for code in self.inline_code.iter().filter(|c| valued(c.start)) {
            for (span, inner) in brackets_in(text, code.clone()) {
                let glued = is_glued(text, span.start);
                let kind = placeholder::classify_code(inner).or_else(|| {
                    if glued {
                        placeholder::classify_glued(inner)
                    } else {
                        None
                    }
                });
                if let Some(kind) = kind {
                    slots.push(Slot {
                        span,
                        kind,
                        context: SlotContext::InlineCode,
                    });
                }
            }
        }
        for (_, lines) in &self.trees {
            for line in lines {
                for (span, inner) in brackets_in(text, line.path.clone()) {
                    if inner.chars().any(char::is_alphabetic) && !inner.contains('\'') && !inner.contains('"')
                    {
                        let kind = placeholder::classify_prose(inner).unwrap_or(SlotKind::Placeholder);
                        slots.push(Slot {
                            span,
                            kind,
                            context: SlotContext::Tree,
                        });
                    }
                }
                if let Some(comment) = &line.comment {
                    for (span, inner) in brackets_in(text, comment.clone()) {
                        if placeholder::classify_prose(inner) == Some(SlotKind::RemoveIfUnused) {
                            slots.push(Slot {
                                span,
                                kind: SlotKind::RemoveIfUnused,
                                context: SlotContext::Tree,
                            });
                        }
                    }
                }
            }
        }
        for block in self.code_blocks.iter().filter(|b| !b.is_tree) {
            for (span, inner) in brackets_in(text, block.content.clone()) {
                if in_template_expression(text, block.content.start, span.start) {
                    continue;
                }
                let t = inner.trim();
                let kind = if t.eq_ignore_ascii_case("REMOVE IF UNUSED") {
                    Some(SlotKind::RemoveIfUnused)
                } else if is_glued(text, span.start) {
                    placeholder::classify_glued(inner)
                } else if SENTENCE_LINE.is_match(line_of(text, span.start)) {
                    Some(SlotKind::Placeholder)
                } else {
                    placeholder::classify_code(inner)
                };
                if let Some(kind) = kind {
                    slots.push(Slot {
                        span,
                        kind,
                        context: SlotContext::CodeBlock,
                    });
                }
            }
        }
        slots.sort_by_key(|s| (s.span.start, s.span.end));
        slots.dedup_by_key(|s| s.span.clone());
        self.slots = slots;
    }

    /// The table row (table index, row index) holding `offset`, if any.
    pub fn row_at(&self, offset: usize) -> Option<(usize, usize)> {
        let t = self
            .tables
            .partition_point(|t| t.span.start <= offset)
            .checked_sub(1)?;
        let table = &self.tables[t];
        if offset >= table.span.end {
            return None;
        }
        let r = table
            .rows
            .iter()
            .position(|r| r.span.start <= offset && offset < r.span.end)?;
        Some((t, r))
    }

    /// The field whose value holds `offset`, if any.
    pub fn field_at(&self, offset: usize) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.value.start <= offset && offset <= f.value.end)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

pub use crate::text::{normalise_title, title_matches};

fn walk<'a>(text: &str, events: impl Iterator<Item = (Event<'a>, Range<usize>)>, plan: &mut Plan) {
    let mut heading: Option<(u8, Range<usize>, String)> = None;
    let mut table: Option<Table> = None;
    let mut row: Option<Row> = None;
    let mut cell: Option<Cell> = None;
    let mut code: Option<CodeBlock> = None;
    let mut in_html_block = false;
    let mut code_started = false;
    let mut link_depth = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level as u8, range, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, heading_span, title)) = heading.take() {
                    plan.sections.push(Section {
                        level,
                        title: title.trim().to_string(),
                        heading: trim_span(text, heading_span),
                        span: 0..0,
                        parent: None,
                    });
                }
            }
            Event::Start(Tag::Table(_)) => {
                table = Some(Table {
                    span: range,
                    header: Row {
                        span: 0..0,
                        cells: Vec::new(),
                    },
                    rows: Vec::new(),
                })
            }
            Event::End(TagEnd::Table) => plan.tables.extend(table.take()),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                row = Some(Row {
                    span: trim_span(text, range),
                    cells: Vec::new(),
                })
            }
            Event::End(TagEnd::TableHead) => {
                if let (Some(t), Some(r)) = (table.as_mut(), row.take()) {
                    t.header = r;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let (Some(t), Some(r)) = (table.as_mut(), row.take()) {
                    t.rows.push(r);
                }
            }
            Event::Start(Tag::TableCell) => {
                cell = Some(Cell {
                    span: trim_span(text, range),
                    text: String::new(),
                })
            }
            Event::End(TagEnd::TableCell) => {
                if let (Some(r), Some(mut c)) = (row.as_mut(), cell.take()) {
                    c.text = c.text.trim().to_string();
                    // pulldown-cmark pads a short row with empty cells placed
                    // past the row's line break: keep them at the row's end.
                    let end = r.span.end;
                    c.span = c.span.start.min(end)..c.span.end.min(end);
                    r.cells.push(c);
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let end = range.end;
                code = Some(CodeBlock {
                    span: range,
                    info,
                    content: end..end,
                    is_tree: false,
                });
                code_started = false;
            }
            Event::End(TagEnd::CodeBlock) => {
                plan.code_blocks.extend(code.take());
            }
            Event::Start(Tag::HtmlBlock) => {
                in_html_block = true;
                plan.comments.extend(comments_in(text, range));
            }
            Event::End(TagEnd::HtmlBlock) => in_html_block = false,
            Event::InlineHtml(_) => plan.comments.extend(comments_in(text, range)),
            Event::Start(Tag::Item) => plan.list_items.push(ListItem {
                span: range,
                checked: None,
            }),
            Event::TaskListMarker(checked) => {
                if let Some(item) = plan.list_items.last_mut() {
                    item.checked = Some(checked);
                }
            }
            Event::Start(Tag::Paragraph) => plan.paragraphs.push(range),
            Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }) => link_depth += 1,
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => link_depth = link_depth.saturating_sub(1),
            Event::Text(t) => {
                if let Some(c) = code.as_mut() {
                    if code_started {
                        c.content.end = range.end;
                    } else {
                        c.content = range.clone();
                        code_started = true;
                    }
                    continue;
                }
                if in_html_block {
                    continue;
                }
                if let Some((_, _, title)) = heading.as_mut() {
                    title.push_str(&t);
                }
                if let Some(c) = cell.as_mut() {
                    c.text.push_str(&t);
                }
                if link_depth == 0 {
                    push_run(&mut plan.texts, range);
                }
            }
            Event::Code(t) => {
                if let Some((_, _, title)) = heading.as_mut() {
                    title.push_str(&t);
                }
                if let Some(c) = cell.as_mut() {
                    c.text.push_str(&t);
                }
                plan.inline_code.push(range);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = cell.as_mut() {
                    c.text.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Merge a text event into the previous run when they touch.
fn push_run(runs: &mut Vec<Range<usize>>, range: Range<usize>) {
    if let Some(last) = runs.last_mut() {
        if last.end == range.start {
            last.end = range.end;
            return;
        }
    }
    runs.push(range);
}

fn comments_in(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = range.start;
    while let Some(open) = text[at..range.end].find("<!--") {
        let start = at + open;
        let end = text[start + 4..]
            .find("-->")
            .map_or(range.end.max(start + 4), |e| start + 4 + e + 3);
        out.push(start..end);
        at = end;
        if at >= range.end {
            break;
        }
    }
    out
}

/// Shrink a span past surrounding whitespace.
pub fn trim_span(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return span.start..span.start;
    }
    span.start + lead..span.end - trail
}

fn bracket_inner(s: &str) -> Option<&str> {
    s.strip_prefix('[')?.strip_suffix(']')
}

/// Innermost-free `[...]` pairs on single lines within `range`.
pub fn brackets_in(text: &str, range: Range<usize>) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let s = &text[range.clone()];
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'[' {
            if let Some(len) = s[i + 1..].find([']', '[', '\n']) {
                let close = i + 1 + len;
                if bytes[close] == b']' {
                    let start = range.start + i;
                    out.push((start..range.start + close + 1, &s[i + 1..close]));
                    i = close + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

fn line_of(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// A bracket glued to the word or path before it: `repo-[NAME]`, `apps/[app]`.
fn is_glued(text: &str, open: usize) -> bool {
    text[..open]
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '-' | '/' | '.' | '_'))
}

/// True when `at` lies inside a `{{ ... }}`, `{% ... %}` or `${ ... }` on its line.
fn in_template_expression(text: &str, floor: usize, at: usize) -> bool {
    let line_start = text[floor..at].rfind('\n').map_or(floor, |i| floor + i + 1);
    let before = &text[line_start..at];
    let opened = before
        .rfind("{{")
        .or_else(|| before.rfind("{%"))
        .or_else(|| before.rfind("${"));
    match opened {
        Some(o) => {
            let after_open = &before[o..];
            !(after_open.contains("}}") || after_open.contains("%}") || after_open.contains('}'))
        }
        None => false,
    }
}

impl Plan {
    /// Rows whose first cell is nothing but a template slot: the template's
    /// own example rows (`[e.g., 4th project]`, `[Custom Component]`).
    pub fn example_rows(&self) -> impl Iterator<Item = &Row> + '_ {
        self.tables.iter().flat_map(|t| t.rows.iter()).filter(move |r| {
            r.cells.first().is_some_and(|c| {
                !c.span.is_empty()
                    && self
                        .slots
                        .iter()
                        .any(|s| s.span == c.span && s.kind != SlotKind::RemoveIfUnused)
            })
        })
    }

    /// Paths the structure trees promise, documentation trees excluded.
    pub fn tree_entries(&self, repo_name: &str) -> Vec<super::tree::TreeEntry> {
        let text = self.text();
        let mut out = Vec::new();
        // Per entry, not per block: one block may draw the feature's docs
        // tree and the repository's tree one after the other.
        for (_, lines) in &self.trees {
            out.extend(
                super::tree::entries(text, lines, repo_name)
                    .into_iter()
                    .filter(|e| !super::tree::is_docs_path(&e.path)),
            );
        }
        out
    }

    /// The `**Structure Decision**` field, if the plan has one.
    pub fn structure_decision(&self) -> Option<&Field> {
        self.field("Structure Decision")
    }

    /// The field's value; for a field with nothing after its colon, the
    /// block that follows it in the same section (a list, a paragraph).
    pub fn field_body(&self, field: &Field) -> Range<usize> {
        if !field.value.is_empty() {
            return field.value.clone();
        }
        let limit = self
            .sections
            .get(self.section_at(field.value.start).map_or(usize::MAX, |i| i + 1))
            .map_or(self.text().len(), |s| s.heading.start);
        let next = self
            .paragraphs
            .iter()
            .chain(self.list_items.iter().map(|i| &i.span))
            .filter(|b| b.start >= field.value.end && b.start < limit)
            .min_by_key(|b| b.start);
        match next {
            Some(b)
                if !self
                    .fields
                    .iter()
                    .any(|f| b.start <= f.name_span.start && f.name_span.start < b.end) =>
            {
                trim_span(self.text(), b.clone())
            }
            _ => field.value.clone(),
        }
    }

    /// True when the field's whole value is one template slot (or empty).
    pub fn value_is_slot(&self, field: &Field) -> bool {
        let body = self.field_body(field);
        body.is_empty()
            || self
                .slots
                .iter()
                .any(|s| s.span.start == body.start && s.span.end >= body.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(s: &str) -> Plan {
        Plan::parse(SourceFile::new("p.md", s))
    }

    #[test]
    fn sections_nest() {
        let p = plan("# T\n## A\ntext\n### B\n## C\n");
        let titles: Vec<_> = p
            .sections
            .iter()
            .map(|s| (s.level, s.title.as_str(), s.parent))
            .collect();
        assert_eq!(
            titles,
            vec![
                (1, "T", None),
                (2, "A", Some(0)),
                (3, "B", Some(1)),
                (2, "C", Some(0))
            ]
        );
        let b = p.text().find("text").unwrap();
        assert_eq!(p.section_at(b), Some(1));
        assert!(p.in_section(b, &["a"]));
        assert_eq!(
            p.sections[1].span,
            p.text().find("## A").unwrap()..p.text().find("## C").unwrap()
        );
    }

    #[test]
    fn fields_and_header() {
        let p = plan("**Branch**: `001-x` | **Date**: 2026-01-02 | **Spec**: [spec](spec.md)\n\n**Storage**: NEEDS CLARIFICATION  \n**Testing:** pytest\n");
        let names: Vec<_> = p
            .fields
            .iter()
            .map(|f| (f.name.as_str(), &p.text()[f.value.clone()]))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Branch", "`001-x`"),
                ("Date", "2026-01-02"),
                ("Spec", "[spec](spec.md)"),
                ("Storage", "NEEDS CLARIFICATION"),
                ("Testing", "pytest")
            ]
        );
    }

    #[test]
    fn tables_have_cells() {
        let p = plan("| A | B |\n|---|---|\n| x | [e.g., y] |\n");
        let t = &p.tables[0];
        assert_eq!(
            t.header.cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
            vec!["A", "B"]
        );
        assert_eq!(t.rows[0].cells[1].text, "[e.g., y]");
        assert_eq!(&p.text()[t.rows[0].cells[1].span.clone()], "[e.g., y]");
        assert_eq!(p.slots.len(), 1);
    }

    #[test]
    fn links_and_checkboxes_are_not_slots() {
        let p = plan(
            "See [spec.md](spec.md) and [docs][d].\n\n- [ ] todo\n- [x] done\n\n[d]: https://x\n\nTask [P]\n",
        );
        assert!(p.slots.is_empty(), "{:?}", p.slots);
        assert_eq!(
            p.list_items.iter().map(|i| i.checked).collect::<Vec<_>>(),
            vec![Some(false), Some(true)]
        );
    }

    #[test]
    fn code_blocks_keep_lists_and_jinja() {
        let p = plan("```ini\n[all:vars]\n```\n\n```yaml\nclasses: [local-storage]\nx: \"{{ groups['k3s'][0] }}\"\nname: helm-repo-[NAME]\n```\n");
        let found: Vec<_> = p.slots.iter().map(|s| &p.text()[s.span.clone()]).collect();
        assert_eq!(found, vec!["[NAME]"]);
    }

    #[test]
    fn comments_are_collected() {
        let p = plan("<!--\n  ACTION REQUIRED: x\n-->\n\ntext <!-- inline --> more\n");
        assert_eq!(p.comments.len(), 2);
        assert!(p.text()[p.comments[0].clone()].ends_with("-->"));
    }
}
