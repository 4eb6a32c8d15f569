//! The human format: miette's graphical report for each finding, then a
//! summary line.

use super::source::IndexedSource;
use super::{Report, Style};
use crate::finding::{Finding, Severity};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use std::fmt;
use std::io::{self, Write};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A file's text as miette is shown it. miette measures a line character by
/// character, so a grapheme cluster drawn narrower than the sum of its
/// characters (a ZWJ emoji sequence, an emoji with a variation selector)
/// would push the caret right. Each such cluster is replaced by a
/// placeholder of the same byte length whose characters add up to the
/// cluster's display width; the rendered text gets the clusters back.
pub(crate) struct Masked {
    pub text: String,
    /// Placeholder and the cluster it stands for.
    pub restore: Vec<(String, String)>,
}

/// First placeholder character: one of the Private Use Area, unique per
/// distinct cluster; further columns are U+F8FF; the rest of the bytes are
/// U+0001, which has no width.
const PUA: u32 = 0xE000;
const PUA_LAST: u32 = 0xF8FE;

impl Masked {
    pub fn new(text: &str) -> Option<Masked> {
        let mut out = String::with_capacity(text.len());
        let mut restore: Vec<(String, String)> = Vec::new();
        for g in text.graphemes(true) {
            let naive: usize = g.chars().map(|c| c.width().unwrap_or(0)).sum();
            let wide = g.width();
            let plain = g.chars().count() < 2 || g.chars().any(|c| c.is_control() || c == '\t');
            if plain || naive == wide || wide == 0 || 3 * wide > g.len() {
                out.push_str(g);
                continue;
            }
            let placeholder = match restore.iter().find(|(_, orig)| orig == g) {
                Some((p, _)) => p.clone(),
                None => {
                    let Some(first) =
                        char::from_u32(PUA + restore.len() as u32).filter(|c| (*c as u32) <= PUA_LAST)
                    else {
                        out.push_str(g);
                        continue;
                    };
                    let mut p = String::new();
                    p.push(first);
                    for _ in 1..wide {
                        p.push('\u{F8FF}');
                    }
                    while p.len() < g.len() {
                        p.push('\u{1}');
                    }
                    restore.push((p.clone(), g.to_string()));
                    p
                }
            };
            out.push_str(&placeholder);
        }
        (!restore.is_empty()).then_some(Masked { text: out, restore })
    }

    /// The rendered text with the clusters put back.
    pub fn unmask(&self, rendered: &str) -> String {
        let mut s = rendered.to_string();
        for (p, orig) in &self.restore {
            s = s.replace(p.as_str(), orig);
        }
        s
    }
}

struct Rendered<'a> {
    finding: &'a Finding,
    code: String,
    help: &'a str,
    source: IndexedSource<'a>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.help.is_empty()).then(|| Box::new(self.help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = &self.finding.span;
        let label = LabeledSpan::new_with_span(None, (span.start, span.end - span.start));
        Some(Box::new(std::iter::once(label)))
    }
}

pub fn write(r: &Report<'_>, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut buf = String::new();
    // Masked texts, computed once per file that needs one.
    let mut masked: Vec<Option<Option<Masked>>> = (0..r.files.len()).map(|_| None).collect();
    for f in r.findings {
        let m = masked[f.file].get_or_insert_with(|| Masked::new(&r.files[f.file].text));
        let rule = r.rule(f);
        let d = Rendered {
            finding: f,
            code: match rule {
                Some(rule) => format!("{}({})", f.code, rule.name),
                None => f.code.to_string(),
            },
            help: r.help(f),
            source: IndexedSource {
                file: &r.files[f.file],
                text: m.as_ref().map_or(&*r.files[f.file].text, |m| m.text.as_str()),
            },
        };
        buf.clear();
        handler
            .render_report(&mut buf, &d)
            .map_err(|e| io::Error::other(e.to_string()))?;
        match m {
            Some(m) => out.write_all(m.unmask(&buf).as_bytes())?,
            None => out.write_all(buf.as_bytes())?,
        }
        writeln!(out)?;
    }
    if !style.quiet {
        writeln!(out, "{}", r.summary_line())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column of the first caret-line mark under the source line.
    fn caret_column(rendered: &str, source_line: &str) -> (usize, usize) {
        let lines: Vec<&str> = rendered.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.ends_with(source_line))
            .expect("source line shown");
        let text_col = UnicodeWidthStr::width(&lines[at][..lines[at].len() - source_line.len()]);
        let marks = lines[at + 1];
        let caret = marks
            .chars()
            .position(|c| matches!(c, '▲' | '┬' | '─' | '^'))
            .expect("a caret line");
        // The caret line is drawn in single-width box characters.
        (caret - text_col, text_col)
    }

    fn render(text: &str, needle: &str) -> String {
        let file = crate::source::SourceFile::new("plan.md", text);
        let start = text.find(needle).unwrap();
        let finding = Finding {
            code: "TPL001".into(),
            severity: Severity::Error,
            principle: None,
            file: 0,
            span: start..start + needle.len(),
            message: "leftover".into(),
            help: None,
            fix: None,
        };
        let r = Report {
            files: std::slice::from_ref(&file),
            findings: std::slice::from_ref(&finding),
            rules: &[],
            repo_of: &[0],
            reported: &[true],
            families: &[],
            matrix: None,
            checked: 1,
            notes: Vec::new(),
        };
        let mut out = Vec::new();
        write(
            &r,
            Style {
                color: false,
                width: 100,
                quiet: true,
            },
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn caret_after_a_zwj_family_sits_under_the_span() {
        // 👨‍👩‍👧 draws two columns wide; characters alone would count six.
        let line = "Owner: \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} [DATE]";
        let text = format!("# Plan\n\n{line}\n");
        let out = render(&text, "[DATE]");
        assert!(out.contains(line), "the cluster is shown as written:\n{out}");
        let (caret, _) = caret_column(&out, line);
        assert_eq!(
            caret,
            UnicodeWidthStr::width("Owner: \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} "),
            "{out}"
        );
        assert_eq!(caret, 10, "{out}");
    }

    #[test]
    fn caret_after_a_variation_selector_emoji() {
        // ❤️ (U+2764 U+FE0F) draws two columns; its characters count one.
        let line = "Status: \u{2764}\u{FE0F} TODO";
        let text = format!("{line}\n");
        let out = render(&text, "TODO");
        assert!(out.contains(line), "{out}");
        let (caret, _) = caret_column(&out, line);
        assert_eq!(caret, 11, "{out}");
    }

    #[test]
    fn plain_text_is_not_masked() {
        assert!(Masked::new("Owner: Zoë, café, [DATE]\r\n").is_none());
    }
}
