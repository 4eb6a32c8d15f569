//! Errors in rule and config files: miette diagnostics that point at the line
//! and column of the bad key or value, with a suggestion when one fits.

use miette::{Diagnostic, LabeledSpan, NamedSource};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;
use thiserror::Error;

/// A rule or config file that cannot be used.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(constable::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub src: Option<NamedSource<String>>,
    #[label(collection)]
    pub labels: Vec<LabeledSpan>,
    #[help]
    pub help: Option<String>,
}

pub type LoadResult<T> = Result<T, Box<ConfigError>>;

/// A file's name and text, for positioned errors.
#[derive(Clone, Copy)]
pub struct FileText<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl FileText<'_> {
    pub fn error(&self, span: Range<usize>, message: impl Into<String>, label: &str) -> Box<ConfigError> {
        let span = crate::source::clamp_span(self.text, span);
        let (text, span) = clip_long_lines(self.text, span);
        Box::new(ConfigError {
            message: format!("{}: {}", self.name, message.into()),
            src: Some(NamedSource::new(self.name, text)),
            labels: vec![LabeledSpan::new_with_span(Some(label.to_string()), span)],
            help: None,
        })
    }

    /// Turn a TOML deserialisation error into a positioned diagnostic, with a
    /// "did you mean" for unknown keys and variants.
    pub fn toml_error(&self, e: &toml::de::Error) -> Box<ConfigError> {
        let msg = e.message().trim().to_string();
        let (label, help) = suggest(&msg);
        let mut err = match e.span() {
            Some(span) => self.error(span, msg, &label),
            None => plain(format!("{}: {msg}", self.name)),
        };
        err.help = help;
        err
    }
}

/// Lines longer than this are shown by their start in a diagnostic.
const MAX_SHOWN_LINE: usize = 240;

/// The text with every line over `MAX_SHOWN_LINE` bytes cut to its start
/// and a note of its length, and `span` moved to match: a 100 KB regex is
/// not echoed whole under the error.
fn clip_long_lines(text: &str, span: Range<usize>) -> (String, Range<usize>) {
    if !text.lines().any(|l| l.len() > MAX_SHOWN_LINE) {
        return (text.to_string(), span);
    }
    let mut out = String::new();
    let (mut start, mut end) = (0, 0);
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        // Bytes of the line kept as they are; an offset past them maps to
        // the end of the kept part.
        let keep = if body.len() > MAX_SHOWN_LINE {
            let mut cut = 200;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            cut
        } else {
            line.len()
        };
        let map = |o: usize| out.len() + (o - at).min(keep);
        if (at..at + line.len()).contains(&span.start) {
            start = map(span.start);
        }
        if (at..=at + line.len()).contains(&span.end) {
            end = map(span.end);
        }
        if keep < line.len() {
            out.push_str(&body[..keep]);
            out.push_str(&format!("… ({} bytes)", body.len()));
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
        at += line.len();
    }
    let end = end.max(start).min(out.len());
    (out, start.min(end)..end)
}

pub fn plain(message: impl Into<String>) -> Box<ConfigError> {
    Box::new(ConfigError {
        message: message.into(),
        src: None,
        labels: Vec::new(),
        help: None,
    })
}

static UNKNOWN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"unknown (field|variant) `([^`]*)`, expected (?:one of )?(.*)").expect("valid regex")
});

/// For "unknown field `sevrity`, expected one of `code`, `severity`" find the
/// closest expected name.
fn suggest(msg: &str) -> (String, Option<String>) {
    let Some(c) = UNKNOWN.captures(msg) else {
        return ("here".to_string(), None);
    };
    let what = if &c[1] == "field" { "key" } else { "value" };
    let got = &c[2];
    let expected: Vec<&str> = c[3].split('`').skip(1).step_by(2).collect();
    let label = format!("unknown {what}");
    match closest(got, &expected) {
        Some(best) => (label, Some(format!("did you mean `{best}`?"))),
        None => (label, Some(format!("expected one of: {}", expected.join(", ")))),
    }
}

/// The candidate most like `got`, if any is close enough to be a typo.
pub fn closest<'a>(got: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let g = got.to_lowercase();
    candidates
        .iter()
        .map(|c| {
            let l = c.to_lowercase();
            // Transpositions and one-letter slips (`TLP`, `sevrity`) count as
            // one edit; longer names may drift a little more.
            let edits = strsim::osa_distance(&g, &l);
            let close =
                edits <= (g.chars().count().max(3) / 3).max(1) || strsim::jaro_winkler(&g, &l) >= 0.85;
            (close, edits, *c)
        })
        .filter(|(close, _, _)| *close)
        .min_by_key(|(_, edits, c)| (*edits, c.len()))
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_clipped_with_the_span_kept_inside() {
        let text = format!("a = 1\npattern = \"{}\"\nb = 2\n", "x".repeat(100_000));
        let start = text.find("pattern").unwrap() + 11;
        let (shown, span) = clip_long_lines(&text, start..start + 100_000);
        assert!(shown.len() < 400, "{}", shown.len());
        assert!(
            shown.contains("(100012 bytes)") && shown.ends_with("b = 2\n"),
            "{shown}"
        );
        assert!(span.start < span.end && span.end <= shown.len());
        assert_eq!(&shown[span.start..span.start + 3], "xxx");
        let (same, s) = clip_long_lines("a = 1\n", 0..1);
        assert_eq!((same.as_str(), s), ("a = 1\n", 0..1));
    }

    #[test]
    fn suggests_close_keys() {
        let (label, help) = suggest("unknown field `sevrity`, expected one of `code`, `name`, `severity`");
        assert_eq!(label, "unknown key");
        assert_eq!(help.as_deref(), Some("did you mean `severity`?"));
        let (_, help) = suggest("unknown field `zzz`, expected `code` or `name`");
        assert_eq!(help.as_deref(), Some("expected one of: code, name"));
        assert_eq!(closest("TLP", &["TPL001", "TPL", "GATE"]), Some("TPL"));
        assert_eq!(closest("zzzz", &["TPL", "GATE"]), None);
    }
}
