//! Inline suppressions, one grammar in two comment styles. In Markdown:
//! `<!-- constable-disable CODE[, CODE] -- reason -->` ... `<!-- constable-enable -->`,
//! `<!-- constable-disable-next-line CODE -- reason -->` and
//! `<!-- constable-disable-file CODE -- reason -->`. In YAML, HCL and shell
//! the same directives after `#` (or `//`), plus the short form
//! `# constable: ignore CODE -- reason` for its own line (or, alone on a
//! line, the next). Parsing only; the filter stage applies them.

use crate::source::SourceFile;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Which lines a suppression covers (1-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Lines(usize, usize),
    File,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub codes: Vec<String>,
    pub reason: Option<String>,
    pub reach: Reach,
    /// The directive itself, for SUP findings.
    pub span: Range<usize>,
}

impl Suppression {
    pub fn covers(&self, code: &str, line: usize) -> bool {
        let in_reach = match self.reach {
            Reach::File => true,
            Reach::Lines(a, b) => a <= line && line <= b,
        };
        in_reach && self.codes.iter().any(|c| c.eq_ignore_ascii_case(code))
    }
}

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"constable(?:-(disable-next-line|disable-file|disable|enable)|:\s*(ignore))\b[ \t]*([A-Za-z]+[0-9]+(?:[ \t]*,[ \t]*[A-Za-z]+[0-9]+)*)?[ \t]*(?:--[ \t]*(.*?))?[ \t]*(?:-->)?[ \t]*$",
    )
    .expect("valid regex")
});

struct Directive {
    verb: &'static str,
    codes: Vec<String>,
    reason: Option<String>,
    span: Range<usize>,
    line: usize,
    alone: bool,
}

fn directive(file: &SourceFile, line: usize, body: Range<usize>) -> Option<Directive> {
    let text: &str = &file.text;
    let l = &text[body.clone()];
    let c = DIRECTIVE.captures(l)?;
    let verb = match (c.get(1).map(|m| m.as_str()), c.get(2)) {
        (Some("disable-next-line"), _) => "next-line",
        (Some("disable-file"), _) => "file",
        (Some("disable"), _) => "disable",
        (Some("enable"), _) => "enable",
        (None, Some(_)) => "ignore",
        _ => return None,
    };
    let whole = c.get(0)?;
    let marker = l[..whole.start()].rfind(['#', '/', '<']).unwrap_or(whole.start());
    let alone = l[..marker].trim().is_empty();
    Some(Directive {
        verb,
        codes: c.get(3).map_or_else(Vec::new, |m| {
            m.as_str().split(',').map(|s| s.trim().to_uppercase()).collect()
        }),
        reason: c
            .get(4)
            .map(|m| m.as_str().trim().trim_end_matches("-->").trim().to_string())
            .filter(|r| !r.is_empty()),
        span: body.start + marker..body.start + whole.end(),
        line,
        alone,
    })
}

fn resolve(directives: Vec<Directive>, last_line: usize) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut open: Vec<(Directive, usize)> = Vec::new();
    for d in directives {
        match d.verb {
            "ignore" => {
                let line = if d.alone { d.line + 1 } else { d.line };
                out.push(Suppression {
                    codes: d.codes,
                    reason: d.reason,
                    reach: Reach::Lines(line, line),
                    span: d.span,
                });
            }
            "next-line" => {
                let line = d.line + 1;
                out.push(Suppression {
                    codes: d.codes,
                    reason: d.reason,
                    reach: Reach::Lines(line, line),
                    span: d.span,
                });
            }
            "file" => out.push(Suppression {
                codes: d.codes,
                reason: d.reason,
                reach: Reach::File,
                span: d.span,
            }),
            "disable" => {
                let start = d.line;
                open.push((d, start));
            }
            _ => {
                // `enable` closes the matching codes, or everything.
                let end = d.line;
                let (closing, keep): (Vec<_>, Vec<_>) = open
                    .into_iter()
                    .partition(|(o, _)| d.codes.is_empty() || o.codes.iter().any(|c| d.codes.contains(c)));
                open = keep;
                for (o, start) in closing {
                    out.push(Suppression {
                        codes: o.codes,
                        reason: o.reason,
                        reach: Reach::Lines(start, end),
                        span: o.span,
                    });
                }
            }
        }
    }
    for (o, start) in open {
        out.push(Suppression {
            codes: o.codes,
            reason: o.reason,
            reach: Reach::Lines(start, last_line),
            span: o.span,
        });
    }
    out
}

/// Suppressions in a Markdown file's HTML comments.
pub fn markdown(file: &SourceFile, comments: &[Range<usize>]) -> Vec<Suppression> {
    let text: &str = &file.text;
    let mut found = Vec::new();
    for c in comments {
        let body = &text[c.clone()];
        if !body.contains("constable") {
            continue;
        }
        let inner_start = c.start + body.find("<!--").map_or(0, |i| i + 4);
        let inner_end = c.start + body.rfind("-->").unwrap_or(body.len());
        if inner_start > inner_end {
            continue;
        }
        let (line, _) = file.line_col(c.start);
        let (end_line, _) = file.line_col(c.end.saturating_sub(1).max(c.start));
        if let Some(mut d) = directive(file, line, inner_start..inner_end) {
            d.span = c.clone();
            // A next-line directive covers the line after the comment ends.
            d.line = if d.verb == "next-line" { end_line } else { line };
            d.alone = true;
            found.push(d);
        }
    }
    resolve(found, file.index.line_count())
}

/// Suppressions in `#` and `//` comments (YAML, HCL, shell).
pub fn hash_comments(file: &SourceFile) -> Vec<Suppression> {
    let text: &str = &file.text;
    let mut found = Vec::new();
    for line in 1..=file.index.line_count() {
        let r = file.index.line_range(text, line);
        let l = &text[r.clone()];
        if !l.contains("constable") {
            continue;
        }
        let Some(hash) = l.find('#').or_else(|| l.find("//")) else {
            continue;
        };
        if let Some(d) = directive(file, line, r.start + hash..r.end) {
            let alone = l[..hash].trim().is_empty();
            found.push(Directive { alone, ..d });
        }
    }
    resolve(found, file.index.line_count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> Vec<Suppression> {
        let plan = crate::parse::plan::Plan::parse(SourceFile::new("p.md", s));
        markdown(&plan.file, &plan.comments)
    }

    #[test]
    fn markdown_forms() {
        let s = "a\n<!-- constable-disable-next-line TPL002 -- kept on purpose -->\n[DATE]\n<!-- constable-disable TPL001, TPL002 -- draft -->\nx\ny\n<!-- constable-enable -->\n<!-- constable-disable-file GATE003 -->\n";
        let got = md(s);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].reach, Reach::Lines(3, 3));
        assert_eq!(got[0].reason.as_deref(), Some("kept on purpose"));
        assert_eq!(got[1].codes, vec!["TPL001", "TPL002"]);
        assert_eq!(got[1].reach, Reach::Lines(4, 7));
        assert_eq!(got[2].reach, Reach::File);
        assert_eq!(got[2].reason, None);
    }

    #[test]
    fn hash_forms() {
        let f = SourceFile::new(
            "a.yaml",
            "a: 1 # constable: ignore PRV004 -- host network needed\n# constable: ignore OBS002\nb: 2\n# constable-disable-file IDM002 -- vendored\n",
        );
        let got = hash_comments(&f);
        assert_eq!(got.len(), 3);
        assert!(got[0].covers("PRV004", 1));
        assert_eq!(got[0].reason.as_deref(), Some("host network needed"));
        assert!(got[1].covers("OBS002", 3) && got[1].reason.is_none());
        assert!(got[2].covers("IDM002", 99));
    }
}
