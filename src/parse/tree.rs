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
        if !entry_trimmed.is_empty() {
            while stack.last().is_some_and(|(col, _)| *col >= column) {
                stack.pop();
            }
            for (_, seg) in &stack {
                full_path.push_str(seg.trim_end_matches('/'));
                full_path.push('/');
            }
            full_path.push_str(entry_trimmed);
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
