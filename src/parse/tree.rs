//! Folder-tree diagrams from structure code blocks: each line split into its
//! entry (a path segment) and its comment, with the full path built from the
//! indentation. Knows nothing of the disk.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeLine {
    /// The whole line, without its line ending.
    pub line: Range<usize>,
    /// The entry's own text (`main.tf`, `roles/`, `[app-name]/`); empty for
    /// comment-only and blank lines.
    pub path: Range<usize>,
    /// Text after `#` or `←`, when present.
    pub comment: Option<Range<usize>>,
    /// Column, in characters, where the entry starts.
    pub column: usize,
    /// Full path from the block's root, joined with `/`.
    pub full_path: String,
    /// How many entries enclose this one (0 for a root of the block).
    pub depth: usize,
}

fn is_glyph(c: char) -> bool {
    matches!(
        c,
        '│' | '├' | '└' | '─' | '┬' | '┼' | '┴' | '|' | '`' | '+' | ' ' | '\t' | '\u{a0}'
    )
}

/// Where a trailing comment starts: `←`, or `#` outside brackets (so that
/// `[###-feature]/` stays an entry), with or without a space before it.
fn comment_start(rest: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '←' => return Some(i),
            '#' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Split every line of a tree block.
pub fn parse_lines(text: &str, content: Range<usize>) -> Vec<TreeLine> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut at = content.start;
    for raw in text[content.clone()].split_inclusive('\n') {
        let line_start = at;
        at += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let line_end = line_start + line.len();
        // Skip the drawing: glyphs, spaces and `--` runs used by ASCII trees.
        let mut entry_off = 0;
        let mut column = 0;
        let mut chars = line.char_indices().peekable();
        while let Some(&(i, c)) = chars.peek() {
            let dashes = c == '-' && line[i..].starts_with("--");
            if is_glyph(c) || dashes {
                chars.next();
                column += 1;
                entry_off = i + c.len_utf8();
            } else {
                entry_off = i;
                break;
            }
        }
        if chars.peek().is_none() {
            entry_off = line.len();
        }
        let rest = &line[entry_off..];
        let comment_at = comment_start(rest);
        let (entry, comment) = match comment_at {
            Some(c) => (&rest[..c], Some(line_start + entry_off + c..line_end)),
            None => (rest, None),
        };
        let entry_trimmed = entry.trim_end();
        let path = line_start + entry_off..line_start + entry_off + entry_trimmed.len();
        let mut full_path = String::new();
        let mut depth = 0;
        if !entry_trimmed.is_empty() {
            while stack.last().is_some_and(|(col, _)| *col >= column) {
                stack.pop();
            }
            for (_, seg) in &stack {
                full_path.push_str(seg.trim_end_matches('/'));
                full_path.push('/');
            }
            full_path.push_str(entry_trimmed);
            depth = stack.len();
            stack.push((column, entry_trimmed.to_string()));
        } else if comment.is_none() && line.trim().is_empty() {
            // A blank line ends the current root.
            stack.clear();
        }
        out.push(TreeLine {
            line: line_start..line_end,
            path,
            comment,
            column,
            full_path,
            depth,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_entries_and_comments() {
        let t = "infra/\n├── terraform/   # state\n│   └── main.tf#no space\n└── ansible/ ← config\n# header only\n\nspecs/[###-feature]/\n\ndocs/\n    runbooks/\n";
        let lines = parse_lines(t, 0..t.len());
        let got: Vec<_> = lines
            .iter()
            .map(|l| {
                (
                    &t[l.path.clone()],
                    l.comment.clone().map(|c| &t[c]),
                    l.full_path.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("infra/", None, "infra/"),
                ("terraform/", Some("# state"), "infra/terraform/"),
                ("main.tf", Some("#no space"), "infra/terraform/main.tf"),
                ("ansible/", Some("← config"), "infra/ansible/"),
                ("", Some("# header only"), ""),
                ("", None, ""),
                ("specs/[###-feature]/", None, "specs/[###-feature]/"),
                ("", None, ""),
                ("docs/", None, "docs/"),
                ("runbooks/", None, "docs/runbooks/"),
            ]
        );
    }
}

/// True for the feature's own documentation tree (`specs/NNN-feature/`),
/// which is not a promise about the repository's infrastructure.
pub fn is_docs_tree(lines: &[TreeLine]) -> bool {
    lines
        .iter()
        .find(|l| !l.full_path.is_empty())
        .is_some_and(|l| is_docs_path(&l.full_path))
}

/// A path inside the spec-driven documentation folders (`specs/`,
/// `.specify/`, `.specops/`): documentation, not infrastructure.
pub fn is_docs_path(p: &str) -> bool {
    ["specs", ".specify", ".specops"].iter().any(|d| {
        p.strip_prefix(d)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// A path a structure tree promises, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// Relative path without a trailing `/`.
    pub path: String,
    pub is_dir: bool,
    /// The entry's text in the plan.
    pub span: Range<usize>,
    /// Marked new, optional or to be created (by its comment or its group's header).
    pub marked: bool,
    /// Holds a placeholder segment, a glob, or an ellipsis: not a real path.
    pub skip: bool,
    /// A root of its tree (after stripping a root named after the repository).
    pub top: bool,
    /// Listed for deletion (under a `# Files to DELETE` header, or marked
    /// `delete`, `remove` or `deprecated` on its line): expected to be gone.
    pub deleted: bool,
    /// The template option block (`# Option 2: ...`) the entry sits in.
    pub option: Option<u32>,
}

pub use crate::text::name_pattern;

/// A comment that says the entry is not there yet, or never committed: new
/// (in any case, as the comment's first word, or `(new)`), optional,
/// planned, to be created, or generated at runtime and gitignored.
fn is_marker(comment: &str) -> bool {
    static MARK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"\bNEW\b|(?i:^[\s#←:*-]*(?:new|generated)\b|\bgitignored\b|\bgenerated at runtime\b|\(generated\)|\(new\)|\bnew (?:file|folder|directory|module|role)\b|\bto be (?:created|added)\b|\bwill be (?:created|added)\b|\boptional\b|\bplanned\b)|新規",
        )
        .expect("valid regex")
    });
    MARK.is_match(comment)
}

/// A comment that lists what is to go: it starts with the word (`# DELETE:
/// old image`, `# Files to DELETE`, `# To be removed`, `(deprecated)`).
/// A comment that only mentions removing something (`# Update: remove the
/// manual steps`) describes a change to an entry that stays.
fn is_deletion(comment: &str) -> bool {
    static DEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)^[\s#←(*:-]*(?:(?:old\s+)?(?:files?|folders?|directories|paths?|entries)\s+)?(?:to\s+(?:be\s+)?)?(?:delete[sd]?|remove[sd]?|deprecated|obsolete)\b",
        )
        .expect("valid regex")
    });
    // The template's `[REMOVE IF UNUSED]` option label is not a deletion.
    let comment = comment.replace("[REMOVE IF UNUSED]", "");
    DEL.is_match(&comment)
}

/// The option number of a template option header: `# Option 2: ...`,
/// `# [REMOVE IF UNUSED] Option 1: ...`.
pub fn option_number(comment: &str) -> Option<u32> {
    static OPT: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?i)\boption\s+(\d+)\b").expect("valid regex"));
    OPT.captures(comment).and_then(|c| c[1].parse().ok())
}

/// The entries of one tree block. `repo_name` is the repository folder's
/// name: a single root named after it is stripped.
pub fn entries(text: &str, lines: &[TreeLine], repo_name: &str) -> Vec<TreeEntry> {
    let mut out = Vec::new();
    // A root named after the repository ("homelab/") is the repository itself.
    let strip = lines
        .iter()
        .find(|l| !l.path.is_empty())
        .map(|l| text[l.path.clone()].trim_end_matches('/'))
        .filter(|first| !repo_name.is_empty() && *first == repo_name)
        .map(|first| format!("{first}/"));
    let mut group_marked = false;
    let mut group_deleted = false;
    let mut option: Option<u32> = None;
    let mut last_comment_col: Option<usize> = None;
    for l in lines {
        let entry = &text[l.path.clone()];
        if entry.is_empty() {
            if let Some(c) = l.comment.as_ref().filter(|_| l.column == 0) {
                // A header comment governs the group below it; an option
                // header opens an option block that lasts until the next
                // header comment.
                let c = &text[c.clone()];
                group_marked = is_marker(c);
                group_deleted = is_deletion(c);
                option = option_number(c);
            } else if l.comment.is_none() {
                group_marked = false;
                group_deleted = false;
            }
            continue;
        }
        // A line starting in the comment column continues the comment above.
        if last_comment_col.is_some_and(|c| l.column >= c) {
            continue;
        }
        last_comment_col = l
            .comment
            .as_ref()
            .map(|c| text[l.line.start..c.start].chars().count());
        let mut full = l.full_path.trim().to_string();
        if let Some(s) = &strip {
            if full == *s || full == s.trim_end_matches('/') {
                continue;
            }
            if let Some(rest) = full.strip_prefix(s.as_str()) {
                full = rest.to_string();
            }
        }
        let full = full.trim_start_matches("./").to_string();
        let marked = group_marked
            || l.comment.as_ref().is_some_and(|c| is_marker(&text[c.clone()]))
            || is_marker(entry);
        let deleted = group_deleted || l.comment.as_ref().is_some_and(|c| is_deletion(&text[c.clone()]));
        let first_word = full.split_whitespace().next().unwrap_or("").to_string();
        let skip = full.contains(['[', '<', '{', '*', '?'])
            || full.contains("...")
            || full.contains('…')
            || first_word != full
            // Host paths (`/etc/…`, `~/.config/…`, `$HOME/…`) say where
            // something lives on a machine, not in the repository.
            || full.starts_with(['/', '~', '$'])
            || full.is_empty();
        let is_dir = first_word.ends_with('/');
        let top = l.depth == 0 || (strip.is_some() && l.depth == 1);
        out.push(TreeEntry {
            top,
            path: first_word.trim_end_matches('/').to_string(),
            is_dir,
            span: l.path.clone(),
            marked,
            skip,
            deleted,
            option,
        });
    }
    // Entries under a folder listed for deletion go with it.
    let gone: Vec<String> = out
        .iter()
        .filter(|e| e.deleted)
        .map(|e| format!("{}/", e.path))
        .collect();
    for e in &mut out {
        if !e.deleted && gone.iter().any(|g| e.path.starts_with(g.as_str())) {
            e.deleted = true;
        }
    }
    out
}

#[cfg(test)]
mod entry_tests {
    use super::*;

    #[test]
    fn timestamp_patterns() {
        let re = name_pattern("db/YYYYMMDDHHMMSS_add_hosts.up.sql").unwrap();
        assert!(re.is_match("20260101120000_add_hosts.up.sql"));
        assert!(!re.is_match("2026010112_add_hosts.up.sql"));
        assert!(!re.is_match("20260101120000_add_web.up.sql"));
        let re = name_pattern("YYYY-MM-DD-notes.md").unwrap();
        assert!(re.is_match("2026-02-03-notes.md"));
        assert!(name_pattern("COMMON.md").is_none());
    }

    #[test]
    fn deletion_comments() {
        for c in [
            "# Files to DELETE",
            "# DELETE: old image",
            "# to be removed",
            "(deprecated)",
            "# Removed",
        ] {
            assert!(is_deletion(c), "{c}");
        }
        for c in [
            "# Update: remove manual Helm install steps",
            "# MODIFY: remove host from group",
            "# [REMOVE IF UNUSED] Option 1: Single project",
        ] {
            assert!(!is_deletion(c), "{c}");
        }
    }

    #[test]
    fn markers_roots_and_continuations() {
        let t = "homelab/\n├── k8s/\n│   └── app.yaml   # NEW: the app\n│                  continues the comment\n└── docs/\n\n# New files to be created\nTaskfile.yaml\n\nroles/[name]/\nplaybooks/site.yml  # (optional)\n";
        let lines = parse_lines(t, 0..t.len());
        let got: Vec<_> = entries(t, &lines, "homelab")
            .into_iter()
            .map(|e| (e.path, e.marked, e.skip))
            .collect();
        assert!(is_marker("# new Runbook") && is_marker("# New role") && is_marker("(New)"));
        assert!(is_marker("# GENERATED at runtime (gitignored)"));
        assert!(!is_marker("# renew the certificates") && !is_marker("# the news feed"));
        assert_eq!(
            got,
            vec![
                ("k8s".to_string(), false, false),
                ("k8s/app.yaml".to_string(), true, false),
                ("docs".to_string(), false, false),
                ("Taskfile.yaml".to_string(), true, false),
                ("roles/[name]".to_string(), false, true),
                ("playbooks/site.yml".to_string(), true, false),
            ]
        );
    }

    #[test]
    fn host_paths_are_not_repository_paths() {
        let t = "playbooks/\n└── site.yml\n\n~/.local/share/vms/\n└── <name>/\n\n/etc/systemd/system/\n└── agent.service\n\n$HOME/.kube/\n└── config\n\n../outside.yml\n";
        let lines = parse_lines(t, 0..t.len());
        let got: Vec<_> = entries(t, &lines, "repo")
            .into_iter()
            .map(|e| (e.path, e.skip))
            .collect();
        assert_eq!(
            got,
            vec![
                ("playbooks".to_string(), false),
                ("playbooks/site.yml".to_string(), false),
                ("~/.local/share/vms".to_string(), true),
                ("~/.local/share/vms/<name>".to_string(), true),
                ("/etc/systemd/system".to_string(), true),
                ("/etc/systemd/system/agent.service".to_string(), true),
                ("$HOME/.kube".to_string(), true),
                ("$HOME/.kube/config".to_string(), true),
                ("../outside.yml".to_string(), false),
            ]
        );
    }
}
