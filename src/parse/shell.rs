//! Shell scripts as the simple commands they run, with byte spans, and what
//! each command deploys (`kubectl apply`, `helm upgrade`, `flux bootstrap`).
//!
//! brush-parser turns the script into a bash AST; this module walks it. What
//! counts as a command: every simple command as bash would execute it, in
//! pipelines, `&&`/`||` lists, `if`/`for`/`while`/`until`/`case` bodies,
//! functions, subshells, brace groups, `$(...)`, backticks, `<(...)` and
//! `$(...)` inside an unquoted heredoc, plus the body of `bash -c '...'` /
//! `sh -c` (parsed again, its offsets mapped back). Never a command: the
//! arguments of another command (`echo "kubectl apply"`), a quoted heredoc
//! body, a comment.
//!
//! - Spans are byte ranges into the script given to [`commands`], on char
//!   boundaries. brush-parser counts characters and its start positions drift
//!   after a `\` line continuation, so each word is located again in the
//!   script by its end and raw text.
//! - [`deploy`] classifies one command; it knows no rules. [`embedded_offsets`]
//!   maps a script that is a YAML scalar's value (a workflow `run: |` block)
//!   back to offsets in the YAML file.

use std::ops::Range;

use brush_parser::ast;
use brush_parser::word::{WordPiece, WordPieceWithSource};
use brush_parser::{ParseError, Parser, ParserOptions, SourcePosition};

/// How deep `$(...)`, backticks and `bash -c` bodies are followed.
const MAX_NESTING: usize = 16;

/// A word of a simple command, with its byte span in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes and escapes removed; expansions (`$VAR`,
    /// `$(...)`, `${A[@]}`, `~`) kept as written.
    pub text: String,
    /// Byte range of the word as written (quotes included).
    pub span: Range<usize>,
    /// True when the word has no expansion: no `$`, command substitution,
    /// tilde, or unquoted glob character (`*`, `?`, `[`).
    pub literal: bool,
}

/// One simple command as executed: its argv words, without the leading
/// assignments (`A=1 cmd`) and the redirections (`>out`, `<<EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// argv, in order; a process substitution (`<(...)`) is one non-literal word.
    pub words: Vec<Word>,
    /// From the start of the first word to the end of the last.
    pub span: Range<usize>,
}

impl Command {
    /// The argv texts, for matching and messages.
    pub fn argv(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }
}

/// A script bash would refuse, at the byte where the parser stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("shell syntax error: {message}")]
pub struct ShellError {
    /// Byte offset into the script (its length for "unexpected end of input").
    pub offset: usize,
    pub message: String,
}

/// Every simple command in `script`, in source order (by start offset).
/// A command with no argv (only assignments or redirections) is not listed,
/// but the commands in its `$(...)` are.
pub fn commands(script: &str) -> Result<Vec<Command>, ShellError> {
    let identity: Vec<usize> = (0..=script.len()).collect();
    let program = parse_program(script).map_err(|e| {
        let index = Chars::new(script);
        let offset = match &e {
            ParseError::ParsingNear(pos) => index.byte(pos),
            ParseError::Tokenizing {
                position: Some(pos), ..
            } => index.byte(pos),
            _ => script.len(),
        };
        ShellError {
            offset,
            message: e.to_string(),
        }
    })?;
    let mut walker = Walker {
        out: Vec::new(),
        depth: 0,
    };
    walker.program(script, &identity, &program);
    let mut out = walker.out;
    out.sort_by_key(|c| (c.span.start, c.span.end));
    Ok(out)
}

fn parse_program(script: &str) -> Result<ast::Program, ParseError> {
    Parser::new(std::io::Cursor::new(script), &ParserOptions::default()).parse_program()
}

/// Character index (brush-parser's positions) to byte offset.
struct Chars {
    /// Byte offset of each char, plus the length; empty for ASCII text.
    bytes: Vec<usize>,
    len: usize,
}

impl Chars {
    fn new(text: &str) -> Self {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).chain([text.len()]).collect()
        };
        Self {
            bytes,
            len: text.len(),
        }
    }

    fn at(&self, index: usize) -> usize {
        if self.bytes.is_empty() {
            index.min(self.len)
        } else {
            self.bytes.get(index).copied().unwrap_or(self.len)
        }
    }

    fn byte(&self, pos: &SourcePosition) -> usize {
        self.at(pos.index)
    }
}

/// One text being walked (the script, a `$(...)` body, a `bash -c` body):
/// its source and the map from its byte offsets to the script's.
struct Source<'a> {
    text: &'a str,
    map: &'a [usize],
    chars: Chars,
}

impl Source<'_> {
    fn global(&self, local: usize) -> usize {
        let last = self.map.len().saturating_sub(1);
        self.map.get(local.min(last)).copied().unwrap_or(0)
    }

    fn global_span(&self, local: Range<usize>) -> Range<usize> {
        let start = self.global(local.start);
        if local.end <= local.start {
            return start..start;
        }
        // The end of the last byte, so an escaped region does not stretch it.
        let end = self.global(local.end - 1) + 1;
        let end = end.max(start);
        start..end
    }

    /// Byte range of `word` in this text. brush-parser's start drifts after
    /// a line continuation; its end and the raw text are reliable, so look
    /// for the raw text there first.
    fn locate(&self, word: &ast::Word) -> Option<Range<usize>> {
        let loc = word.loc.as_ref()?;
        let start = self.chars.byte(&loc.start);
        let end = self.chars.byte(&loc.end).max(start);
        let raw = word.value.as_str();
        if self.text.get(start..end) == Some(raw) {
            return Some(start..end);
        }
        if let Some(s) = end.checked_sub(raw.len()) {
            if self.text.get(s..end) == Some(raw) {
                return Some(s..end);
            }
        }
        if !raw.is_empty() {
            // Near the reported start only, so a miss stays cheap.
            let window = (end + raw.len() + 256).min(self.text.len());
            let window = (window..=self.text.len())
                .find(|&i| self.text.is_char_boundary(i))
                .unwrap_or(self.text.len());
            if let Some(found) = self.text.get(start..window).and_then(|t| t.find(raw)) {
                return Some(start + found..start + found + raw.len());
            }
        }
        Some(start..end)
    }
}

/// A word's parts: its text, where each of the text's bytes comes from (local
/// offsets, one more entry for the end), and the command substitutions in it.
struct WordParts {
    text: String,
    map: Vec<usize>,
    literal: bool,
    /// (body text, local offset of each body byte plus its end)
    substitutions: Vec<(String, Vec<usize>)>,
}

/// Split the raw word at local offset `at` into its text and substitutions.
fn word_parts(raw: &str, at: usize, heredoc: bool) -> WordParts {
    let mut parts = WordParts {
        text: String::new(),
        map: Vec::new(),
        literal: true,
        substitutions: Vec::new(),
    };
    if !raw.contains(['\'', '"', '\\', '$', '`', '*', '?', '[', '~']) {
        // Nothing to unquote or expand: the common case, without a word parse.
        push_mapped(&mut parts, raw, at);
        parts.map.push(at + raw.len());
        return parts;
    }
    let options = ParserOptions::default();
    let pieces = if heredoc {
        brush_parser::word::parse_heredoc(raw, &options)
    } else {
        brush_parser::word::parse(raw, &options)
    };
    match pieces {
        Ok(pieces) => pieces_into(&pieces, raw, at, false, heredoc, &mut parts),
        Err(_) => {
            parts.literal = !raw.contains(['$', '`', '*', '?', '[']);
            push_mapped(&mut parts, raw, at);
        }
    }
    parts.map.push(at + raw.len());
    parts
}

fn push_mapped(parts: &mut WordParts, s: &str, from: usize) {
    parts.text.push_str(s);
    parts.map.extend((0..s.len()).map(|i| from + i));
}

/// `s` came from `raw[start..end]` but may not be a plain copy of it (an
/// escape was removed): map it byte for byte when it is, else to `start`.
fn push_piece(parts: &mut WordParts, s: &str, raw: &str, start: usize, end: usize, at: usize) {
    if raw.get(start..end) == Some(s) || raw.get(start..start + s.len()) == Some(s) {
        push_mapped(parts, s, at + start);
    } else {
        parts.text.push_str(s);
        parts.map.extend((0..s.len()).map(|i| at + (start + i).min(end)));
    }
}

fn pieces_into(
    pieces: &[WordPieceWithSource],
    raw: &str,
    at: usize,
    quoted: bool,
    heredoc: bool,
    parts: &mut WordParts,
) {
    for p in pieces {
        let (s, e) = (p.start_index.min(raw.len()), p.end_index.min(raw.len()));
        let as_written = raw.get(s..e).unwrap_or("");
        match &p.piece {
            WordPiece::Text(t) => {
                if !quoted && !heredoc && t.contains(['*', '?', '[']) {
                    parts.literal = false;
                }
                push_piece(parts, t, raw, s, e, at);
            }
            WordPiece::SingleQuotedText(t) => push_piece(parts, t, raw, s + 1, e, at),
            WordPiece::AnsiCQuotedText(t) => push_piece(parts, t, raw, s + 2, e, at),
            WordPiece::DoubleQuotedSequence(inner) | WordPiece::GettextDoubleQuotedSequence(inner) => {
                pieces_into(inner, raw, at, true, heredoc, parts);
            }
            WordPiece::EscapeSequence(t) => {
                let escaped = t.strip_prefix('\\').unwrap_or(t);
                // `\` newline is a line continuation: nothing.
                if escaped != "\n" {
                    push_piece(parts, escaped, raw, s + 1, e, at);
                }
            }
            WordPiece::CommandSubstitution(body) => {
                parts.literal = false;
                push_mapped(parts, as_written, at + s);
                let body_at = s + 2;
                let map = body_map(body, raw, body_at, e.saturating_sub(1), at);
                parts.substitutions.push((body.clone(), map));
            }
            WordPiece::BackquotedCommandSubstitution(body) => {
                parts.literal = false;
                push_mapped(parts, as_written, at + s);
                let map = body_map(body, raw, s + 1, e.saturating_sub(1), at);
                parts.substitutions.push((body.clone(), map));
            }
            WordPiece::TildeExpansion(_)
            | WordPiece::ParameterExpansion(_)
            | WordPiece::ArithmeticExpression(_) => {
                parts.literal = false;
                push_mapped(parts, as_written, at + s);
            }
        }
    }
}

/// Local offsets of a substitution body found at `raw[start..end]`: exact
/// when the body is written as is, else by walking over the backslashes
/// that backticks remove (`\``, `\\`, `\$`).
fn body_map(body: &str, raw: &str, start: usize, end: usize, at: usize) -> Vec<usize> {
    let written = raw.get(start..end.max(start)).unwrap_or("");
    let mut map = Vec::with_capacity(body.len() + 1);
    if written == body {
        map.extend((0..=body.len()).map(|i| at + start + i));
        return map;
    }
    let wb = written.as_bytes();
    let mut j = 0;
    for &b in body.as_bytes() {
        if j < wb.len() && wb[j] != b && wb[j] == b'\\' {
            j += 1;
        }
        map.push(at + start + j.min(wb.len()));
        if j < wb.len() {
            j += 1;
        }
    }
    map.push(at + start + j.min(wb.len()));
    map
}

struct Walker {
    out: Vec<Command>,
    depth: usize,
}

impl Walker {
    fn program(&mut self, text: &str, map: &[usize], program: &ast::Program) {
        let src = Source {
            text,
            map,
            chars: Chars::new(text),
        };
        for list in &program.complete_commands {
            self.list(&src, list);
        }
    }

    /// Parse `body` (a substitution or `bash -c` script) and walk it; a body
    /// that does not parse is skipped (bash would fail on it too).
    fn nested(&mut self, body: &str, map: &[usize]) {
        if self.depth >= MAX_NESTING || body.trim().is_empty() {
            return;
        }
        if let Ok(program) = parse_program(body) {
            self.depth += 1;
            self.program(body, map, &program);
            self.depth -= 1;
        }
    }

    fn list(&mut self, src: &Source, list: &ast::CompoundList) {
        for item in &list.0 {
            for (_, pipeline) in item.0.iter() {
                for cmd in &pipeline.seq {
                    self.command(src, cmd);
                }
            }
        }
    }

    fn command(&mut self, src: &Source, cmd: &ast::Command) {
        match cmd {
            ast::Command::Simple(simple) => self.simple(src, simple),
            ast::Command::Compound(compound, redirects) => {
                self.compound(src, compound);
                if let Some(r) = redirects {
                    for redirect in &r.0 {
                        self.redirect(src, redirect);
                    }
                }
            }
            ast::Command::Function(f) => {
                self.compound(src, &f.body.0);
                if let Some(r) = &f.body.1 {
                    for redirect in &r.0 {
                        self.redirect(src, redirect);
                    }
                }
            }
            ast::Command::ExtendedTest(test, redirects) => {
                self.test_expr(src, &test.expr);
                if let Some(r) = redirects {
                    for redirect in &r.0 {
                        self.redirect(src, redirect);
                    }
                }
            }
        }
    }

    fn test_expr(&mut self, src: &Source, expr: &ast::ExtendedTestExpr) {
        match expr {
            ast::ExtendedTestExpr::And(a, b) | ast::ExtendedTestExpr::Or(a, b) => {
                self.test_expr(src, a);
                self.test_expr(src, b);
            }
            ast::ExtendedTestExpr::Not(a) | ast::ExtendedTestExpr::Parenthesized(a) => {
                self.test_expr(src, a);
            }
            ast::ExtendedTestExpr::UnaryTest(_, w) => {
                self.word(src, w, false);
            }
            ast::ExtendedTestExpr::BinaryTest(_, a, b) => {
                self.word(src, a, false);
                self.word(src, b, false);
            }
        }
    }

    fn compound(&mut self, src: &Source, compound: &ast::CompoundCommand) {
        match compound {
            ast::CompoundCommand::Arithmetic(_) | ast::CompoundCommand::ArithmeticForClause(_) => {
                if let ast::CompoundCommand::ArithmeticForClause(f) = compound {
                    self.list(src, &f.body.list);
                }
            }
            ast::CompoundCommand::BraceGroup(b) => self.list(src, &b.list),
            ast::CompoundCommand::Subshell(s) => self.list(src, &s.list),
            ast::CompoundCommand::ForClause(f) => {
                for w in f.values.iter().flatten() {
                    self.word(src, w, false);
                }
                self.list(src, &f.body.list);
            }
            ast::CompoundCommand::CaseClause(c) => {
                self.word(src, &c.value, false);
                for item in &c.cases {
                    if let Some(cmd) = &item.cmd {
                        self.list(src, cmd);
                    }
                }
            }
            ast::CompoundCommand::IfClause(i) => {
                self.list(src, &i.condition);
                self.list(src, &i.then);
                for e in i.elses.iter().flatten() {
                    if let Some(c) = &e.condition {
                        self.list(src, c);
                    }
                    self.list(src, &e.body);
                }
            }
            ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
                self.list(src, &w.0);
                self.list(src, &w.1.list);
            }
            ast::CompoundCommand::Coprocess(c) => self.command(src, &c.body),
        }
    }

    fn redirect(&mut self, src: &Source, redirect: &ast::IoRedirect) {
        match redirect {
            ast::IoRedirect::File(_, _, target) => match target {
                ast::IoFileRedirectTarget::Filename(w) | ast::IoFileRedirectTarget::Duplicate(w) => {
                    self.word(src, w, false);
                }
                ast::IoFileRedirectTarget::ProcessSubstitution(_, sub) => self.list(src, &sub.list),
                ast::IoFileRedirectTarget::Fd(_) => {}
            },
            ast::IoRedirect::HereDocument(_, doc) => {
                // Only an unquoted heredoc (`<<EOF`, not `<<'EOF'`) runs the
                // `$(...)` in its body; its text is never a command.
                if doc.requires_expansion {
                    self.word(src, &doc.doc, true);
                }
            }
            ast::IoRedirect::HereString(_, w) | ast::IoRedirect::OutputAndError(w, _) => {
                self.word(src, w, false);
            }
        }
    }

    /// The word as an argv entry, after walking the substitutions in it.
    fn word(&mut self, src: &Source, word: &ast::Word, heredoc: bool) -> Option<(Word, Vec<usize>)> {
        let local = src.locate(word)?;
        let raw = src.text.get(local.clone()).unwrap_or(word.value.as_str());
        let raw = if heredoc { word.value.as_str() } else { raw };
        let parts = word_parts(raw, local.start, heredoc);
        for (body, body_map) in &parts.substitutions {
            let global: Vec<usize> = body_map.iter().map(|&l| src.global(l)).collect();
            self.nested(body, &global);
        }
        let global_map: Vec<usize> = parts.map.iter().map(|&l| src.global(l)).collect();
        let w = Word {
            text: parts.text,
            span: src.global_span(local),
            literal: parts.literal,
        };
        Some((w, global_map))
    }

    fn simple(&mut self, src: &Source, simple: &ast::SimpleCommand) {
        let mut words: Vec<(Word, Vec<usize>)> = Vec::new();
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            self.item(src, item, true, &mut words);
        }
        if let Some(name) = &simple.word_or_name {
            words.extend(self.word(src, name, false));
        }
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            self.item(src, item, false, &mut words);
        }
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            return;
        };
        let span = first.0.span.start..last.0.span.end;
        if let Some((body, map)) = shell_c_body(&words) {
            let body = body.to_string();
            let map = map.to_vec();
            self.nested(&body, &map);
        }
        self.out.push(Command {
            words: words.into_iter().map(|(w, _)| w).collect(),
            span,
        });
    }

    fn item(
        &mut self,
        src: &Source,
        item: &ast::CommandPrefixOrSuffixItem,
        in_prefix: bool,
        words: &mut Vec<(Word, Vec<usize>)>,
    ) {
        match item {
            ast::CommandPrefixOrSuffixItem::IoRedirect(r) => self.redirect(src, r),
            ast::CommandPrefixOrSuffixItem::Word(w) => words.extend(self.word(src, w, false)),
            ast::CommandPrefixOrSuffixItem::AssignmentWord(_, w) => {
                let word = self.word(src, w, false);
                // `A=1 cmd` is the environment; `export A=1` an argument.
                if !in_prefix {
                    words.extend(word);
                }
            }
            ast::CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                self.list(src, &sub.list);
                let local = loc_range(&src.chars, &sub.loc);
                let span = src.global_span(local.clone());
                let text = src.text.get(local.clone()).unwrap_or("").to_string();
                let map = local.map(|l| src.global(l)).chain([span.end]).collect();
                let word = Word {
                    text,
                    span,
                    literal: false,
                };
                words.push((word, map));
            }
        }
    }
}

fn loc_range(chars: &Chars, loc: &brush_parser::SourceSpan) -> Range<usize> {
    let start = chars.byte(&loc.start);
    start..chars.byte(&loc.end).max(start)
}

/// The script of `bash -c SCRIPT` / `sh -c` (after wrappers such as `sudo`),
/// with the map from its bytes to the script's offsets.
fn shell_c_body(words: &[(Word, Vec<usize>)]) -> Option<(&str, &[usize])> {
    let plain: Vec<Word> = words.iter().map(|(w, _)| w.clone()).collect();
    let start = strip_wrappers(&plain);
    let name = plain.get(start)?;
    if !name.literal || !matches!(basename(&name.text), "bash" | "sh" | "dash" | "zsh" | "ksh") {
        return None;
    }
    let mut saw_c = false;
    let mut i = start + 1;
    while let Some(w) = plain.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        if t == "-o" || t == "+o" || t == "-O" || t == "+O" {
            i += 2;
            continue;
        }
        if t.len() > 1 && (t.starts_with('-') || t.starts_with('+')) && !t.starts_with("--") {
            saw_c |= t.contains('c');
            i += 1;
            continue;
        }
        if t.starts_with("--") {
            i += 1;
            continue;
        }
        break;
    }
    if !saw_c {
        return None;
    }
    let (w, map) = words.get(i)?;
    Some((w.text.as_str(), map.as_slice()))
}

fn basename(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Index of the first word after the wrapper commands that run the rest of
/// argv as a command: `sudo`, `env A=B`, `command`, `exec`, `time`, `nohup`,
/// `nice`, `xargs`, `timeout 30`, and `k3s`/`microk8s` before `kubectl`.
pub fn strip_wrappers(words: &[Word]) -> usize {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        if !w.literal {
            return i;
        }
        // Options of each wrapper that take a value.
        let with_value: &[&str] = match basename(&w.text) {
            "sudo" => &["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R"],
            "env" => &["-u", "-C", "-S", "--unset", "--chdir", "--split-string"],
            "command" | "nohup" | "time" | "builtin" => &["-f", "-o"],
            "exec" => &["-a"],
            "nice" => &["-n", "--adjustment"],
            "xargs" => &[
                "-I",
                "-i",
                "-n",
                "-P",
                "-L",
                "-l",
                "-s",
                "-E",
                "-e",
                "-d",
                "-a",
                "--max-args",
                "--max-procs",
                "--delimiter",
                "--arg-file",
                "--replace",
                "--max-lines",
            ],
            "timeout" => &["-s", "-k", "--signal", "--kill-after"],
            "k3s" | "microk8s" => {
                if words
                    .get(i + 1)
                    .is_some_and(|n| n.text == "kubectl" || n.text == "helm")
                {
                    i += 1;
                    continue;
                }
                return i;
            }
            _ => return i,
        };
        let wrapper = basename(&w.text).to_string();
        i += 1;
        while let Some(o) = words.get(i) {
            let t = o.text.as_str();
            if t == "--" {
                i += 1;
                break;
            }
            if wrapper == "env" && !t.starts_with('-') && t.contains('=') {
                i += 1;
                continue;
            }
            if t.starts_with('-') && t.len() > 1 {
                i += if with_value.contains(&t) { 2 } else { 1 };
                continue;
            }
            break;
        }
        if wrapper == "timeout" && words.get(i).is_some() {
            i += 1; // the duration
        }
    }
    i
}

/// Which tool a deploying command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    Kubectl,
    Helm,
    Flux,
    Argocd,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Self::Kubectl => "kubectl",
            Self::Helm => "helm",
            Self::Flux => "flux",
            Self::Argocd => "argocd",
        }
    }
}

/// What a command deploys: it changes a cluster (unless `dry_run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deploy {
    pub tool: Tool,
    /// The verb as written: `apply`, `upgrade`, `rollout restart`, `app create`.
    pub verb: String,
    /// From the tool word to the (last) verb word.
    pub span: Range<usize>,
    /// `--dry-run`, `--dry-run=client|server` (not `=none`) anywhere in the
    /// command: checks, changes nothing.
    pub dry_run: bool,
    /// Installs the GitOps controller itself (Argo CD, Flux).
    pub bootstrap: bool,
    /// `helm install|upgrade` with `--version`, a local chart path or a chart
    /// given by a variable; always true for other commands.
    pub pinned_version: bool,
}

impl Deploy {
    /// Whether running the command changes the cluster (not a dry run).
    pub fn changes_cluster(&self) -> bool {
        !self.dry_run
    }
}

/// kubectl options before the verb that take a separate value.
const KUBECTL_VALUE_OPTS: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "--cluster",
    "--user",
    "-s",
    "--server",
    "--token",
    "--as",
    "--as-group",
    "--as-uid",
    "--request-timeout",
    "--cache-dir",
    "--certificate-authority",
    "--client-certificate",
    "--client-key",
    "--tls-server-name",
    "-v",
    "--v",
    "--log-file",
    "--password",
    "--username",
    "--profile",
    "--profile-output",
    "--vmodule",
    "--log-dir",
];

/// helm options that take a separate value (global and install/upgrade).
const HELM_VALUE_OPTS: &[&str] = &[
    "-n",
    "--namespace",
    "--kube-context",
    "--kubeconfig",
    "--registry-config",
    "--repository-cache",
    "--repository-config",
    "--burst-limit",
    "--qps",
    "--kube-apiserver",
    "--kube-as-group",
    "--kube-as-user",
    "--kube-ca-file",
    "--kube-token",
    "--kube-tls-server-name",
    "-f",
    "--values",
    "--set",
    "--set-string",
    "--set-file",
    "--set-json",
    "--set-literal",
    "--version",
    "--repo",
    "--timeout",
    "--description",
    "--post-renderer",
    "--post-renderer-args",
    "--username",
    "--password",
    "--ca-file",
    "--cert-file",
    "--key-file",
    "--keyring",
    "--history-max",
    "-o",
    "--output",
    "--name-template",
    "-l",
    "--labels",
    "--max-history",
];

/// flux and argocd options before the verb that take a value.
const FLUX_VALUE_OPTS: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "--timeout",
    "--cache-dir",
    "--token",
    "--server",
    "--auth-token",
    "--config",
    "--grpc-web-root-path",
    "--header",
    "--port-forward-namespace",
];

/// What `cmd` deploys, or `None` when it does not touch a cluster: not
/// kubectl/helm/flux/argocd, a read-only verb (`get`, `diff`, `template`,
/// `lint`, `kustomize`), or `--help`/`-h`.
///
/// Deploy verbs: kubectl `apply` (not `view-last-applied`), `create`,
/// `replace`, `edit`, `patch`, `scale`, `set`, `delete`, `label`, `annotate`,
/// `run`, `expose`, `autoscale`, `rollout restart|undo|pause|resume`; helm
/// `install`, `upgrade`, `rollback`, `uninstall`/`delete`; flux `bootstrap`,
/// `install`, `create`, `delete`; argocd `app create|set|unset|patch|delete`.
/// Not node maintenance (`kubectl delete|label|annotate|patch|edit node`).
pub fn deploy(cmd: &Command) -> Option<Deploy> {
    let words = &cmd.words;
    let start = strip_wrappers(words);
    let name = words.get(start)?;
    let tool = tool_of(name)?;
    let rest = &words[start + 1..];
    if rest
        .iter()
        .any(|w| w.literal && matches!(w.text.as_str(), "--help" | "-h"))
    {
        return None;
    }
    let value_opts = match tool {
        Tool::Kubectl => KUBECTL_VALUE_OPTS,
        Tool::Helm => HELM_VALUE_OPTS,
        Tool::Flux | Tool::Argocd => FLUX_VALUE_OPTS,
    };
    let all = positionals(rest, value_opts);
    // Dynamic words before the verb (`"${ARGS[@]}"`) may be options: skip them.
    let positional = &all[all.iter().position(|w| w.literal)?..];
    let verb_word = positional[0];
    let verb = verb_word.text.as_str();
    let next = positional.get(1).map(|w| w.text.as_str());
    let mut verb_end = verb_word.span.end;
    let mut verb_text = verb.to_string();
    let deploys = match tool {
        Tool::Kubectl => match verb {
            "apply" => next != Some("view-last-applied"),
            // Nodes are machines, not manifests in Git: deleting, labelling
            // or annotating one is cluster maintenance.
            "delete" | "label" | "annotate" | "patch" | "edit" if next.is_some_and(names_node) => false,
            "create" | "replace" | "edit" | "patch" | "scale" | "set" | "delete" | "label" | "annotate"
            | "run" | "expose" | "autoscale" => true,
            "rollout" => {
                let sub = positional.get(1);
                match sub {
                    Some(s) if matches!(s.text.as_str(), "restart" | "undo" | "pause" | "resume") => {
                        verb_end = s.span.end;
                        verb_text = format!("rollout {}", s.text);
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        },
        Tool::Helm => matches!(verb, "install" | "upgrade" | "rollback" | "uninstall" | "delete"),
        Tool::Flux => matches!(verb, "bootstrap" | "install" | "create" | "delete"),
        Tool::Argocd => {
            let sub = positional.get(1);
            match sub {
                Some(s)
                    if verb == "app"
                        && matches!(s.text.as_str(), "create" | "set" | "unset" | "patch" | "delete") =>
                {
                    verb_end = s.span.end;
                    verb_text = format!("app {}", s.text);
                    true
                }
                _ => false,
            }
        }
    };
    if !deploys {
        return None;
    }
    let dry_run = rest
        .iter()
        .any(|w| w.text == "--dry-run" || w.text.strip_prefix("--dry-run=").is_some_and(|v| v != "none"));
    // Argo CD's and Flux's own manifests and charts, by URL, path or chart name.
    let names_controller = |w: &&Word| {
        let t = w.text.to_ascii_lowercase();
        t.contains("argo-cd") || t.contains("flux2") || t.contains("fluxcd/flux/")
    };
    let bootstrap = match tool {
        Tool::Flux => matches!(verb, "bootstrap" | "install"),
        Tool::Kubectl => {
            let creates_ns = verb == "create"
                && matches!(next, Some("namespace" | "ns"))
                && positional
                    .get(2)
                    .is_some_and(|w| matches!(w.text.as_str(), "argocd" | "argo-cd" | "flux-system"));
            creates_ns || (verb == "apply" && positional[1..].iter().any(names_controller))
        }
        Tool::Helm => {
            // The release and the chart (`helm install argocd argo/argo-cd`).
            matches!(verb, "install" | "upgrade")
                && positional[1..positional.len().min(3)]
                    .iter()
                    .any(names_controller)
        }
        Tool::Argocd => false,
    };
    let pinned_version = if tool == Tool::Helm && matches!(verb, "install" | "upgrade") {
        let has_version = rest
            .iter()
            .any(|w| w.text == "--version" || w.text.starts_with("--version="));
        // `helm install NAME CHART`, `helm install CHART --generate-name`.
        let generate = rest.iter().any(|w| w.text == "--generate-name" || w.text == "-g");
        let chart = if generate {
            positional.get(1)
        } else {
            positional.get(2)
        };
        has_version || chart.is_none_or(|c| local_chart(c))
    } else {
        true
    };
    Some(Deploy {
        tool,
        verb: verb_text,
        span: name.span.start..verb_end,
        dry_run,
        bootstrap,
        pinned_version,
    })
}

/// `node`, `nodes`, `no`, `node/NAME`, `nodes/NAME` (kubectl's resource
/// names for a node).
fn names_node(resource: &str) -> bool {
    let kind = resource.split_once('/').map_or(resource, |(k, _)| k);
    matches!(kind.to_ascii_lowercase().as_str(), "node" | "nodes" | "no")
}

fn tool_of(name: &Word) -> Option<Tool> {
    if name.literal {
        return match basename(&name.text) {
            "kubectl" | "kubectl.exe" | "oc" => Some(Tool::Kubectl),
            "helm" | "helm3" | "helm.exe" => Some(Tool::Helm),
            "flux" => Some(Tool::Flux),
            "argocd" => Some(Tool::Argocd),
            _ => None,
        };
    }
    // `$KUBECTL apply`, `${HELM_BIN} upgrade`: only a variable named after the tool.
    let upper = name.text.to_ascii_uppercase();
    if !name.text.starts_with('$') || name.text.contains("$(") || name.text.contains('`') {
        return None;
    }
    if upper.contains("KUBECTL") {
        Some(Tool::Kubectl)
    } else if upper.contains("HELM") {
        Some(Tool::Helm)
    } else if upper.contains("FLUX") {
        Some(Tool::Flux)
    } else if upper.contains("ARGOCD") {
        Some(Tool::Argocd)
    } else {
        None
    }
}

/// The words that are not options or option values (dynamic words included).
fn positionals<'a>(words: &'a [Word], value_opts: &[&str]) -> Vec<&'a Word> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut options_done = false;
    while let Some(w) = words.get(i) {
        i += 1;
        let t = w.text.as_str();
        if !options_done && t == "--" {
            options_done = true;
            continue;
        }
        if w.literal && !options_done && t.starts_with('-') && t.len() > 1 {
            if value_opts.contains(&t) {
                i += 1;
            }
            continue;
        }
        out.push(w);
    }
    out
}

/// A chart reference that names a folder or archive in the repository:
/// `./charts/x`, `../x`, `/abs`, `x.tgz`, or a path of two or more slashes
/// or under a `charts`/`chart`/`helm` folder (a repository chart is
/// `repo/name`, an OCI one `oci://...`). A variable is given the benefit of
/// the doubt.
fn local_chart(chart: &Word) -> bool {
    let c = chart.text.as_str();
    if !chart.literal {
        return true;
    }
    if c.contains("://") {
        return false;
    }
    if c.starts_with('.') || c.starts_with('/') || c.ends_with(".tgz") || c.ends_with('/') {
        return true;
    }
    let first = c.split('/').next().unwrap_or("");
    c.matches('/').count() >= 2
        || (c.contains('/') && matches!(first, "charts" | "chart" | "helm" | "deploy" | "k8s"))
}

/// Where each byte of a YAML scalar's value is in the YAML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetMap {
    /// File offset of each byte of the value, plus one for the value's end.
    pub offsets: Vec<usize>,
}

impl OffsetMap {
    /// The file offset of a value offset (past the end: the value's end).
    pub fn map(&self, offset: usize) -> usize {
        let last = self.offsets.len().saturating_sub(1);
        self.offsets.get(offset.min(last)).copied().unwrap_or(0)
    }

    /// The file range of a value range: from its first byte to just past its last.
    pub fn map_span(&self, span: Range<usize>) -> Range<usize> {
        let start = self.map(span.start);
        if span.end <= span.start {
            return start..start;
        }
        start..(self.map(span.end - 1) + 1).max(start)
    }
}

/// Map offsets in a YAML scalar's `value` back to `file_text`, given the
/// scalar's span there (as [`crate::parse::yaml`] records it: a block
/// scalar's span starts at its first content character, after the `|`
/// header; a quoted one at its quote).
///
/// Literal (`|`) and folded (`>`) blocks lose their indentation, quoted
/// scalars their quotes and escapes, multi-line flow scalars fold line breaks;
/// the map walks the value and the file side by side. Where the two cannot be
/// matched (an escape such as `\u00e9`), the byte maps to where the file's
/// text for it starts.
pub fn embedded_offsets(file_text: &str, value_span: Range<usize>, value: &str) -> OffsetMap {
    let file = file_text.as_bytes();
    let end = value_span.end.min(file.len());
    let mut p = value_span.start.min(end);
    // A block's content may start with a quote; a flow scalar that starts
    // with one is quoted (a plain scalar cannot).
    let block = is_block(file_text, p);
    let quote = match file.get(p) {
        Some(&q @ (b'"' | b'\'')) if !block => Some(q),
        _ => None,
    };
    if quote.is_some() {
        p += 1;
    }
    let line_start = file_text[..p].rfind('\n').map_or(0, |i| i + 1);
    let indent = p - line_start;
    let mut offsets = Vec::with_capacity(value.len() + 1);
    let v = value.as_bytes();
    let mut i = 0;
    while i < v.len() {
        let c = v[i];
        let here = file.get(p).copied();
        match here {
            Some(f) if f == c => {
                offsets.push(p);
                p += 1;
                i += 1;
                if c == b'\n' {
                    p = skip_indent(file, p, end, block.then_some(indent));
                }
            }
            Some(b'\r') if c == b'\n' && file.get(p + 1) == Some(&b'\n') => {
                offsets.push(p);
                p += 2;
                i += 1;
                p = skip_indent(file, p, end, block.then_some(indent));
            }
            Some(b'\'') if quote == Some(b'\'') && c == b'\'' && file.get(p + 1) == Some(&b'\'') => {
                offsets.push(p);
                p += 2;
                i += 1;
            }
            Some(b'\\') if quote == Some(b'"') => {
                offsets.push(p);
                let len = escape_len(file, p);
                // An escape gives one char, possibly several bytes.
                let char_len = value[i..].chars().next().map_or(1, char::len_utf8);
                offsets.extend(std::iter::repeat_n(p, char_len - 1));
                p += len;
                i += char_len;
            }
            Some(b'\n' | b'\r') if c == b' ' => {
                // A folded line break.
                offsets.push(p);
                p += if here == Some(b'\r') { 2 } else { 1 };
                i += 1;
                p = skip_indent(file, p, end, block.then_some(indent));
            }
            Some(b' ' | b'\t' | b'\n' | b'\r') if p < end => {
                // Indentation or a break the value folded away.
                p += 1;
            }
            _ => {
                offsets.push(p.min(end));
                i += 1;
            }
        }
    }
    offsets.push(p.min(end));
    OffsetMap { offsets }
}

/// Whether the scalar starting at `start` is the content of a `|` or `>`
/// block: the last thing before it, comment aside, is a block header.
fn is_block(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end();
    let line = before.rsplit('\n').next().unwrap_or(before);
    let line = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    };
    let Some(token) = line.split_whitespace().last() else {
        return false;
    };
    let mut chars = token.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '-' | '+' | '0'..='9'))
}

/// Past the indentation at the start of a line: at most `indent` spaces in a
/// block scalar, all leading blanks in a flow scalar.
fn skip_indent(file: &[u8], mut p: usize, end: usize, indent: Option<usize>) -> usize {
    let mut n = 0;
    while p < end && matches!(file[p], b' ' | b'\t') && indent.is_none_or(|i| n < i) {
        p += 1;
        n += 1;
    }
    p
}

/// Length of the YAML double-quoted escape at `p` (a backslash).
fn escape_len(file: &[u8], p: usize) -> usize {
    match file.get(p + 1) {
        Some(b'x') => 4,
        Some(b'u') => 6,
        Some(b'U') => 10,
        Some(_) => 2,
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmds(script: &str) -> Vec<Command> {
        commands(script).unwrap_or_else(|e| panic!("{script:?}: {e}"))
    }

    fn argv0(script: &str) -> Vec<String> {
        cmds(script).iter().map(|c| c.words[0].text.clone()).collect()
    }

    fn deploys(script: &str) -> Vec<Deploy> {
        cmds(script).iter().filter_map(deploy).collect()
    }

    /// The deploys that change the cluster, as the script text of their spans.
    fn deploy_texts(script: &str) -> Vec<String> {
        deploys(script)
            .iter()
            .filter(|d| d.changes_cluster())
            .map(|d| script[d.span.clone()].to_string())
            .collect()
    }

    fn one(script: &str) -> Deploy {
        let d = deploys(script);
        assert_eq!(d.len(), 1, "{script:?}: {d:?}");
        d.into_iter().next().unwrap()
    }

    #[test]
    fn words_lose_quotes_and_keep_expansions() {
        let c = cmds("kubectl 'ap'\"ply\" -f\\ x \"$DIR/a b\" ~/k *.yaml\n");
        assert_eq!(c.len(), 1);
        let t: Vec<(&str, bool)> = c[0].words.iter().map(|w| (w.text.as_str(), w.literal)).collect();
        assert_eq!(
            t,
            [
                ("kubectl", true),
                ("apply", true),
                ("-f x", true),
                ("$DIR/a b", false),
                ("~/k", false),
                ("*.yaml", false)
            ]
        );
        assert_eq!(c[0].span, 0..45);
    }

    #[test]
    fn nested_commands_in_source_order() {
        let script = "\
set -e
a | b && c || d
if e; then f; elif g; then h; else i; fi
for x in 1 $(j); do k; done
while l; do m; done
until n; do o; done
case $p in q) r ;; *) s ;; esac
fn() { t; }
( u ) ; { v; }
w \"$(x `y`)\" <(z)
[[ -n $(aa) ]]
";
        assert_eq!(
            argv0(script),
            [
                "set", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "r", "s",
                "t", "u", "v", "w", "x", "y", "z", "aa"
            ]
        );
    }

    #[test]
    fn assignments_and_redirections_are_not_argv() {
        let c = cmds("A=1 B=$(kubectl apply -f x) helm >out 2>&1 lint ./c <in\n");
        let argv: Vec<Vec<&str>> = c.iter().map(Command::argv).collect();
        assert_eq!(
            argv,
            [vec!["kubectl", "apply", "-f", "x"], vec!["helm", "lint", "./c"]]
        );
    }

    #[test]
    fn pure_assignment_lists_only_its_substitution() {
        assert_eq!(argv0("OUT=$(helm upgrade r ./c)\n"), ["helm"]);
    }

    #[test]
    fn echo_of_a_deploy_is_not_a_command() {
        assert_eq!(argv0("echo \"kubectl apply -f x\"\n"), ["echo"]);
        assert!(deploys("echo \"kubectl apply -f x\"\n").is_empty());
    }

    #[test]
    fn printf_of_a_deploy_is_not_a_command() {
        assert!(deploys("printf 'run: kubectl apply -k %s\\n' overlays/prod\n").is_empty());
    }

    #[test]
    fn quoted_heredoc_body_is_not_commands() {
        let script = "cat <<'EOF' > deploy.sh\nkubectl apply -f x\nhelm install a b/c\nEOF\necho done\n";
        assert_eq!(argv0(script), ["cat", "echo"]);
    }

    #[test]
    fn unquoted_heredoc_body_is_not_commands() {
        let script = "cat <<EOF\nthen run: kubectl apply -f $FILE\nEOF\n";
        assert_eq!(argv0(script), ["cat"]);
    }

    #[test]
    fn substitution_in_an_unquoted_heredoc_runs() {
        let script = "cat <<EOF\nresult: $(kubectl apply -f x)\nEOF\n";
        assert_eq!(argv0(script), ["cat", "kubectl"]);
        assert_eq!(deploy_texts(script), ["kubectl apply"]);
    }

    #[test]
    fn substitution_in_a_quoted_heredoc_does_not_run() {
        let script = "cat <<'EOF'\nresult: $(kubectl apply -f x)\nEOF\n";
        assert_eq!(argv0(script), ["cat"]);
    }

    #[test]
    fn comments_are_not_commands() {
        assert_eq!(argv0("# kubectl apply -f x\nls # helm install a b\n"), ["ls"]);
    }

    #[test]
    fn help_function_that_only_echoes_has_no_deploy() {
        let script = "usage() {\n  echo \"Usage: $0\"\n  echo '  kubectl apply -f manifests/'\n  echo \"  helm upgrade --install app ./chart\"\n}\nusage\n";
        assert!(deploys(script).is_empty());
        assert_eq!(argv0(script), ["echo", "echo", "echo", "usage"]);
    }

    #[test]
    fn bash_c_body_is_parsed_with_offsets_mapped() {
        let script = "bash -c 'kubectl apply -f x'\n";
        assert_eq!(argv0(script), ["bash", "kubectl"]);
        assert_eq!(deploy_texts(script), ["kubectl apply"]);
    }

    #[test]
    fn sh_ec_body_in_double_quotes() {
        let script = "sudo sh -ec \"helm upgrade --install $REL ./chart && echo ok\"\n";
        assert_eq!(argv0(script), ["sudo", "helm", "echo"]);
        assert_eq!(deploy_texts(script), ["helm upgrade"]);
    }

    #[test]
    fn bash_script_file_is_not_a_body() {
        assert_eq!(argv0("bash deploy.sh 'kubectl apply'\n"), ["bash"]);
    }

    #[test]
    fn wrapper_sudo() {
        assert_eq!(
            deploy_texts("sudo -u ops kubectl apply -f x\n"),
            ["kubectl apply"]
        );
    }

    #[test]
    fn wrapper_env() {
        assert_eq!(
            deploy_texts("env -i KUBECONFIG=/k A=B kubectl apply -f x\n"),
            ["kubectl apply"]
        );
    }

    #[test]
    fn wrapper_command_exec_time_nohup() {
        for w in ["command", "exec", "time", "nohup", "nice -n 5"] {
            let script = format!("{w} helm upgrade r ./c\n");
            assert_eq!(deploy_texts(&script), ["helm upgrade"], "{w}");
        }
    }

    #[test]
    fn wrapper_xargs() {
        assert_eq!(
            deploy_texts("ls *.yaml | xargs -n 1 kubectl apply -f\n"),
            ["kubectl apply"]
        );
    }

    #[test]
    fn wrapper_timeout() {
        assert_eq!(deploy_texts("timeout 30 kubectl apply -f x\n"), ["kubectl apply"]);
        assert_eq!(
            deploy_texts("timeout -k 5 2m helm install a ./c\n"),
            ["helm install"]
        );
    }

    #[test]
    fn kubectl_options_before_the_verb() {
        assert_eq!(
            deploy_texts("kubectl --context prod apply -f x\n"),
            ["kubectl --context prod apply"]
        );
        assert_eq!(
            deploy_texts("kubectl -n apps apply -f x\n"),
            ["kubectl -n apps apply"]
        );
        assert_eq!(
            deploy_texts("kubectl --namespace=apps create -f x\n"),
            ["kubectl --namespace=apps create"]
        );
        assert_eq!(
            deploy_texts("kubectl --kubeconfig ~/.kube/c delete pod p\n"),
            ["kubectl --kubeconfig ~/.kube/c delete"]
        );
    }

    #[test]
    fn kubectl_dynamic_options_before_the_verb() {
        assert_eq!(
            deploy_texts("kubectl \"${ARGS[@]}\" apply -f x\n"),
            ["kubectl \"${ARGS[@]}\" apply"]
        );
    }

    #[test]
    fn option_value_that_looks_like_a_verb_is_skipped() {
        // `-n apply` is a namespace called apply; the verb is get.
        assert!(deploys("kubectl -n apply get pods\n").is_empty());
    }

    #[test]
    fn dynamic_command_name_named_after_the_tool() {
        assert_eq!(deploy_texts("$KUBECTL apply -f x\n"), ["$KUBECTL apply"]);
        assert_eq!(
            deploy_texts("\"${HELM_BIN}\" upgrade r ./c\n"),
            ["\"${HELM_BIN}\" upgrade"]
        );
        assert!(deploys("$CMD apply -f x\n").is_empty());
        assert!(deploys("$(which tool) apply -f x\n").is_empty());
    }

    #[test]
    fn kubectl_deploy_verbs() {
        for verb in [
            "apply",
            "create",
            "replace",
            "edit",
            "patch",
            "scale",
            "set",
            "delete",
            "label",
            "annotate",
            "run",
            "expose",
            "autoscale",
        ] {
            let script = format!("kubectl {verb} thing\n");
            assert_eq!(one(&script).verb, verb);
        }
        assert_eq!(one("kubectl rollout restart deploy/x\n").verb, "rollout restart");
    }

    #[test]
    fn kubectl_read_only_verbs() {
        for verb in [
            "diff -f x",
            "get pods",
            "describe pod p",
            "logs p",
            "kustomize .",
            "rollout status deploy/x",
            "apply view-last-applied deploy/x",
            "version",
            "config use-context c",
            "wait --for=condition=Ready pod/p",
        ] {
            let script = format!("kubectl {verb}\n");
            assert!(deploys(&script).is_empty(), "{script}");
        }
    }

    #[test]
    fn helm_verbs() {
        for verb in ["install", "upgrade", "rollback", "uninstall"] {
            assert_eq!(one(&format!("helm {verb} r ./c\n")).verb, verb);
        }
        for other in [
            "template r ./c",
            "diff upgrade r ./c",
            "lint ./c",
            "repo add a https://x",
            "dependency build ./c",
        ] {
            assert!(deploys(&format!("helm {other}\n")).is_empty(), "{other}");
        }
    }

    #[test]
    fn kustomize_piped_to_apply_is_a_deploy_at_the_apply() {
        let script = "kubectl kustomize overlays/prod | kubectl apply -f -\n";
        let d = deploys(script);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span, 34..47);
        assert_eq!(&script[d[0].span.clone()], "kubectl apply");
    }

    #[test]
    fn node_maintenance_is_not_a_deploy() {
        for script in [
            "kubectl delete node worker-2\n",
            "kubectl label nodes worker-1 disk=ssd --overwrite\n",
            "kubectl annotate node/worker-1 note=x\n",
            "kubectl --context lab patch no worker-1 -p '{}'\n",
        ] {
            assert!(deploy_texts(script).is_empty(), "{script:?}");
        }
        assert_eq!(
            deploy_texts("kubectl delete deployment web\n"),
            ["kubectl delete"]
        );
        assert_eq!(deploy_texts("kubectl label ns web team=a\n"), ["kubectl label"]);
    }

    #[test]
    fn dry_run_forms() {
        for flag in ["--dry-run", "--dry-run=client", "--dry-run=server"] {
            let d = one(&format!("kubectl apply {flag} -f x\n"));
            assert!(d.dry_run && !d.changes_cluster(), "{flag}");
        }
        assert!(one("helm upgrade --install r ./c --dry-run\n").dry_run);
        assert!(!one("kubectl apply --dry-run=none -f x\n").dry_run);
    }

    #[test]
    fn dry_run_on_a_continuation_line() {
        let script = "kubectl apply \\\n  -f manifests/ \\\n  --dry-run=server\n";
        let d = one(script);
        assert!(d.dry_run);
        assert_eq!(&script[d.span.clone()], "kubectl apply");
    }

    #[test]
    fn help_is_not_a_deploy() {
        assert!(deploys("kubectl apply --help\n").is_empty());
        assert!(deploys("helm install -h\n").is_empty());
    }

    #[test]
    fn bootstrap_argo_cd_manifest() {
        let d = one("kubectl apply -n argocd -f https://raw.githubusercontent.com/argoproj/argo-cd/v2.13.0/manifests/install.yaml\n");
        assert!(d.bootstrap);
    }

    #[test]
    fn bootstrap_argocd_namespace() {
        assert!(one("kubectl create namespace argocd\n").bootstrap);
        assert!(one("kubectl create ns flux-system\n").bootstrap);
        assert!(!one("kubectl create namespace shop\n").bootstrap);
    }

    #[test]
    fn bootstrap_argo_cd_chart() {
        assert!(one("helm upgrade --install argocd argo/argo-cd -n argocd --create-namespace\n").bootstrap);
        assert!(one("helm install flux fluxcd-community/flux2 --version 2.14.0\n").bootstrap);
    }

    #[test]
    fn bootstrap_flux() {
        let d = one("flux bootstrap github --owner=me --repository=fleet --path=clusters/prod\n");
        assert!(d.bootstrap);
        assert_eq!(d.tool, Tool::Flux);
        assert!(one("flux install --components-extra=image-reflector-controller\n").bootstrap);
    }

    #[test]
    fn app_in_the_argocd_namespace_is_not_bootstrap() {
        assert!(!one("kubectl apply -n argocd -f apps/shop.yaml\n").bootstrap);
    }

    #[test]
    fn helm_without_version_is_unpinned() {
        assert!(!one("helm install web bitnami/nginx\n").pinned_version);
        assert!(!one("helm upgrade --install -n web -f values.yaml web bitnami/nginx\n").pinned_version);
        assert!(!one("helm install web oci://registry.example.com/charts/nginx\n").pinned_version);
        assert!(!one("helm install bitnami/nginx --generate-name\n").pinned_version);
    }

    #[test]
    fn helm_dynamic_release_name_still_finds_the_chart() {
        assert!(!one("helm upgrade --install \"$RELEASE\" bitnami/nginx --wait\n").pinned_version);
        assert!(one("helm upgrade --install \"$RELEASE\" \"$CHART\"\n").pinned_version);
    }

    #[test]
    fn values_file_named_after_flux_is_not_bootstrap() {
        assert!(!one("helm upgrade --install web ./web -f flux2-values.yaml\n").bootstrap);
    }

    #[test]
    fn helm_with_version_is_pinned() {
        assert!(one("helm install web bitnami/nginx --version 18.1.0\n").pinned_version);
        assert!(one("helm upgrade web bitnami/nginx --version=18.1.0\n").pinned_version);
    }

    #[test]
    fn helm_local_chart_is_pinned() {
        for chart in [
            "./charts/web",
            "charts/web",
            "../web",
            "deploy/helm/web",
            "web-1.0.0.tgz",
        ] {
            assert!(
                one(&format!("helm upgrade --install web {chart}\n")).pinned_version,
                "{chart}"
            );
        }
    }

    #[test]
    fn spans_are_the_text_they_claim() {
        let script = "é=1; sudo env X=1 kubectl --context 'ü' apply \\\n  -f \"a b\" && echo «$(helm upgrade r ./c)»\nbash -c 'kubectl delete ns x'\n";
        let all = cmds(script);
        assert_eq!(all.len(), 6, "{all:?}");
        for c in &all {
            assert!(script.is_char_boundary(c.span.start) && script.is_char_boundary(c.span.end));
            for w in &c.words {
                let written = &script[w.span.clone()];
                // Strip quoting as the parser does, for words without expansions.
                let unquoted: String = written.chars().filter(|ch| !matches!(ch, '\'' | '"')).collect();
                if w.literal {
                    assert_eq!(unquoted, w.text, "{w:?}");
                } else {
                    assert!(written.contains('$'), "{w:?}");
                }
            }
        }
        let d: Vec<String> = deploy_texts(script);
        assert_eq!(
            d,
            ["kubectl --context 'ü' apply", "helm upgrade", "kubectl delete"]
        );
    }

    #[test]
    fn syntax_error_has_a_position() {
        let script = "echo ok\nif then; fi )\n";
        let err = commands(script).unwrap_err();
        assert!(err.offset > 0 && err.offset <= script.len(), "{err:?}");
        let err = commands("echo \"unterminated\n").unwrap_err();
        assert!(err.offset <= 20, "{err:?}");
    }

    #[test]
    fn large_script_parses() {
        let block = "if [ -n \"$X\" ]; then\n  kubectl apply -f \"dir/$X\" --dry-run=client\nfi\necho \"kubectl apply $X\"\n";
        let script = block.repeat(1_000_000 / block.len() + 1);
        let all = cmds(&script);
        let n = script.len() / block.len();
        assert_eq!(all.len(), 3 * n);
        assert!(deploys(&script).iter().all(|d| d.dry_run));
    }

    fn workflow() -> &'static str {
        "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - name: apply\n        run: |\n          echo \"kubectl apply is next\"\n          kubectl apply \\\n            -k overlays/prod\n      - run: helm upgrade --install web bitnami/nginx\n      - run: \"kubectl --context 'a b' apply -f \\\"x y\\\"\"\n      - run: >-\n          kubectl\n          delete ns old\n"
    }

    fn run_span(path: &[crate::parse::located::Seg]) -> (Range<usize>, String) {
        let docs = crate::parse::yaml::parse_yaml(workflow()).expect("the workflow parses");
        let doc = &docs[0];
        let mut v = &doc.value;
        for seg in path {
            v = match seg {
                crate::parse::located::Seg::Key(k) => &v[k.as_str()],
                crate::parse::located::Seg::Index(i) => &v[*i],
            };
        }
        (
            doc.value_span(path).expect("a value span"),
            v.as_str().expect("run is a string").to_string(),
        )
    }

    fn step(i: usize) -> Vec<crate::parse::located::Seg> {
        use crate::parse::located::Seg;
        vec![
            Seg::Key("jobs".into()),
            Seg::Key("deploy".into()),
            Seg::Key("steps".into()),
            Seg::Index(i),
            Seg::Key("run".into()),
        ]
    }

    /// (line, column) of each changing deploy, both 1-based, in the workflow file.
    fn deploys_in_step(i: usize) -> Vec<(usize, usize, String)> {
        let file = workflow();
        let (span, value) = run_span(&step(i));
        let map = embedded_offsets(file, span, &value);
        assert_eq!(map.offsets.len(), value.len() + 1);
        deploys(&value)
            .into_iter()
            .filter(|d| d.changes_cluster())
            .map(|d| {
                let at = map.map_span(d.span.clone());
                let line = file[..at.start].matches('\n').count() + 1;
                let col = at.start - file[..at.start].rfind('\n').map_or(0, |n| n + 1) + 1;
                (line, col, file[at].to_string())
            })
            .collect()
    }

    #[test]
    fn embedded_block_starting_with_a_quote() {
        let file = "steps:\n  - run: |\n      \"$HELM\" upgrade r ./c\n      echo 'done'\n";
        let docs = crate::parse::yaml::parse_yaml(file).expect("parses");
        use crate::parse::located::Seg;
        let path = [Seg::Key("steps".into()), Seg::Index(0), Seg::Key("run".into())];
        let value = docs[0].value["steps"][0]["run"].as_str().unwrap();
        let map = embedded_offsets(file, docs[0].value_span(&path).expect("a value span"), value);
        let d = one(value);
        assert_eq!(&file[map.map_span(d.span)], "\"$HELM\" upgrade");
        for (i, ch) in value.char_indices() {
            assert_eq!(file[map.map(i)..].chars().next(), Some(ch), "byte {i}");
        }
    }

    #[test]
    fn embedded_literal_block() {
        assert_eq!(deploys_in_step(0), [(10, 11, "kubectl apply".to_string())]);
    }

    #[test]
    fn embedded_literal_block_maps_every_byte() {
        let file = workflow();
        let (span, value) = run_span(&step(0));
        let map = embedded_offsets(file, span, &value);
        for (i, ch) in value.char_indices() {
            assert_eq!(file[map.map(i)..].chars().next(), Some(ch), "byte {i}");
        }
    }

    #[test]
    fn embedded_plain_scalar() {
        assert_eq!(deploys_in_step(1), [(12, 14, "helm upgrade".to_string())]);
    }

    #[test]
    fn embedded_double_quoted_scalar() {
        assert_eq!(
            deploys_in_step(2),
            [(13, 15, "kubectl --context 'a b' apply".to_string())]
        );
    }

    #[test]
    fn embedded_folded_block() {
        assert_eq!(
            deploys_in_step(3),
            [(15, 11, "kubectl\n          delete".to_string())]
        );
    }
}
