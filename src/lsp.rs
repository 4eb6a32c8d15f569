//! `constable server`: a Language Server over stdio (lsp-server). It
//! publishes diagnostics for plans, constitution.md, rule files and IaC files
//! on open, change and save, in the position encoding the client negotiates
//! (UTF-16 unless the client offers UTF-8).

use crate::finding::{Finding, Severity};
use crate::load::{self, Overrides, Settings};
use crate::pipeline;
use crate::source::SourceFile;
use lsp_server::{Connection, Message, Notification, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{Request as _, Shutdown};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticSeverity, InitializeParams, NumberOrString, Position,
    PositionEncodingKind, PublishDiagnosticsParams, Range, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How LSP positions count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A byte offset as an LSP position in `enc`.
pub fn position(file: &SourceFile, offset: usize, enc: Encoding) -> Position {
    let text: &str = &file.text;
    let offset = crate::source::floor_char_boundary(text, offset);
    let line0 = file.index.line_of(offset);
    let start = file.index.line_start(line0);
    let before = &text[start..offset];
    let character = match enc {
        Encoding::Utf8 => before.len(),
        Encoding::Utf16 => before.encode_utf16().count(),
    };
    Position {
        line: line0 as u32,
        character: character as u32,
    }
}

fn diagnostic(file: &SourceFile, f: &Finding, settings: &Settings, enc: Encoding) -> Diagnostic {
    let rule = settings.rules.get(&f.code);
    let href = Uri::from_str(&crate::report::sarif::rule_uri(&f.code)).ok();
    let mut message = f.message.clone();
    if let Some(help) = f.help.as_deref().or(rule.map(|r| r.help.as_str())) {
        if !help.is_empty() {
            message.push_str(&format!("\nhelp: {help}"));
        }
    }
    Diagnostic {
        range: Range {
            start: position(file, f.span.start, enc),
            end: position(file, f.span.end, enc),
        },
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(f.code.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("constable".to_string()),
        message,
        ..Diagnostic::default()
    }
}

/// `file:///a/b%20c` -> `/a/b c`.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&rest[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// What one repository root gives every buffer checked in it: its settings
/// and its constitution, read and parsed once, and kept until one of the
/// files they come from changes.
pub struct RootState {
    /// The settings, or the configuration error.
    pub settings: Result<Settings, Box<load::error::ConfigError>>,
    /// constitution.md's absolute path and text, when the repository has one.
    pub constitution_text: Option<(PathBuf, SourceFile)>,
    /// The constitution, parsed against the settings' rules (None when the
    /// settings could not be loaded).
    pub constitution: Option<crate::evaluate::Constitution>,
    /// Size and modification time of each file the state was read from.
    stamp: Vec<Option<(std::time::SystemTime, u64)>>,
}

/// The files a root's state is read from and checked for changes before
/// each use: the configuration files and every constitution.md place.
/// (Rule files named by `extends` are caught by didSave and
/// didChangeWatchedFiles.)
fn stamped_files(root: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    load::CONFIG_NAMES
        .iter()
        .chain(crate::discover::CONSTITUTION_PATHS)
        .map(|n| root.join(n))
}

fn stamp(root: &Path) -> Vec<Option<(std::time::SystemTime, u64)>> {
    stamped_files(root)
        .map(|p| {
            let m = std::fs::metadata(p).ok()?;
            Some((m.modified().ok()?, m.len()))
        })
        .collect()
}

/// Each repository root's state, by root.
#[derive(Default)]
pub struct Roots {
    by_root: HashMap<PathBuf, std::rc::Rc<RootState>>,
    /// How many times a root's state was read (for `--verbose`-style logs and tests).
    pub loads: usize,
}

impl Roots {
    /// The state of the repository holding `path`: cached, unless one of
    /// its files changed size or modification time since it was read.
    pub fn get(&mut self, path: &Path) -> std::rc::Rc<RootState> {
        let dir = path.parent().unwrap_or(path);
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let root = crate::discover::find_root(&dir);
        let now = stamp(&root);
        if let Some(s) = self.by_root.get(&root).filter(|s| s.stamp == now) {
            return s.clone();
        }
        self.loads += 1;
        let settings = pipeline::settings(&root, &Overrides::default());
        let (constitution_text, constitution) = match &settings {
            Ok(s) => {
                let (text, c) = pipeline::repo_constitution(&root, s);
                (text, Some(c))
            }
            Err(_) => (None, None),
        };
        let state = std::rc::Rc::new(RootState {
            settings,
            constitution_text,
            constitution,
            stamp: now,
        });
        self.by_root.insert(root, state.clone());
        state
    }

    /// A file changed on disk (saved, or reported by the client's file
    /// watcher): forget every root whose state may come from it (a
    /// configuration or rule file, or a constitution.md).
    pub fn changed(&mut self, path: &Path) {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase());
        let relevant = name
            .as_deref()
            .is_some_and(|n| n.ends_with(".toml") || n == "constitution.md");
        if !relevant {
            return;
        }
        let real = path
            .parent()
            .and_then(|d| std::fs::canonicalize(d).ok())
            .unwrap_or_else(|| path.to_path_buf());
        self.by_root
            .retain(|root, _| !real.starts_with(root) && !path.starts_with(root));
    }
}

/// Diagnostics for one open document.
fn diagnose(path: &Path, text: &str, enc: Encoding, roots: &mut Roots) -> Vec<Diagnostic> {
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let state = roots.get(path);
    let settings = match &state.settings {
        Ok(s) => s,
        Err(e) => {
            // A broken rule or config file: point at the error in it.
            let file = SourceFile::new("", text);
            let span = e
                .labels
                .first()
                .map(|l| l.offset()..l.offset() + l.len())
                .unwrap_or(0..0);
            let here = e.src.as_ref().is_some_and(|s| {
                let name = miette::SourceCode::read_span(s, &(0, 0).into(), 0, 0)
                    .ok()
                    .and_then(|c| c.name().map(str::to_string));
                name.is_some_and(|n| path.ends_with(&n))
            });
            let range = if here {
                Range {
                    start: position(&file, span.start, enc),
                    end: position(&file, span.end, enc),
                }
            } else {
                Range::default()
            };
            return vec![Diagnostic {
                range,
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("constable".to_string()),
                message: e
                    .help
                    .as_ref()
                    .map_or_else(|| e.message.clone(), |h| format!("{}\nhelp: {h}", e.message)),
                ..Diagnostic::default()
            }];
        }
    };
    if is_toml {
        return Vec::new();
    }
    match pipeline::check_buffer_with(path, text, settings, state.constitution.as_ref()) {
        Ok((file, findings)) => findings
            .iter()
            .map(|f| diagnostic(&file, f, settings, enc))
            .collect(),
        Err(p) => vec![failure(&p.message)],
    }
}

/// A diagnostic that says constable could not check the file, so that a
/// failure never looks like "no problems".
fn failure(message: &str) -> Diagnostic {
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("constable".to_string()),
        message: format!("constable could not check this file: {message}"),
        ..Diagnostic::default()
    }
}

/// Tell the user, not only the log, that something went wrong.
fn show_error(conn: &Connection, message: &str) {
    let params = lsp_types::ShowMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: format!("constable: {message}"),
    };
    let _ = conn.sender.send(Message::Notification(Notification::new(
        lsp_types::notification::ShowMessage::METHOD.to_string(),
        params,
    )));
}

fn publish(conn: &Connection, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    let _ = conn.sender.send(Message::Notification(Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        params,
    )));
}

/// Run the server on stdin/stdout until the client says `exit`.
pub fn serve() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (conn, threads) = Connection::stdio();
    let (id, params) = conn.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params)?;
    let offered = init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.clone())
        .unwrap_or_default();
    let enc = if offered.contains(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let caps = ServerCapabilities {
        position_encoding: Some(if enc == Encoding::Utf8 {
            PositionEncodingKind::UTF8
        } else {
            PositionEncodingKind::UTF16
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..TextDocumentSyncOptions::default()
        })),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
            lsp_types::CodeActionOptions {
                code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                ..lsp_types::CodeActionOptions::default()
            },
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "constable", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)?;
    // Ask the client to report changes of the files each root's cached
    // state is read from (configuration, rule files, constitution.md).
    let watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if watch {
        let watchers: Vec<lsp_types::FileSystemWatcher> = ["**/*.toml", "**/constitution.md"]
            .iter()
            .map(|g| lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect();
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "constable-watch".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(lsp_types::DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            }],
        };
        conn.sender.send(Message::Request(lsp_server::Request::new(
            lsp_server::RequestId::from("constable-watch".to_string()),
            lsp_types::request::RegisterCapability::METHOD.to_string(),
            params,
        )))?;
    }
    let mut docs: HashMap<String, String> = HashMap::new();
    let mut roots = Roots::default();
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if req.method == Shutdown::METHOD {
                    conn.sender
                        .send(Message::Response(Response::new_ok(req.id, ())))?;
                    continue;
                }
                let path = req.method.clone();
                let answered = crate::evaluate::guarded(&path, || request(&req, &docs, &mut roots, enc));
                let resp = match answered {
                    Ok(Some(Ok(value))) => Response::new_ok(req.id, value),
                    Ok(Some(Err(message))) => {
                        Response::new_err(req.id, lsp_server::ErrorCode::InvalidParams as i32, message)
                    }
                    Ok(None) => Response::new_err(
                        req.id,
                        lsp_server::ErrorCode::MethodNotFound as i32,
                        format!("unsupported request {}", req.method),
                    ),
                    Err(p) => {
                        show_error(&conn, &p.message);
                        Response::new_err(req.id, lsp_server::ErrorCode::InternalError as i32, p.message)
                    }
                };
                conn.sender.send(Message::Response(resp))?;
            }
            Message::Response(_) => {}
            Message::Notification(n) => {
                let (uri, version, text) = match n.method.as_str() {
                    "exit" => break,
                    m if m == DidOpenTextDocument::METHOD => {
                        let p: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
                        (
                            p.text_document.uri,
                            Some(p.text_document.version),
                            Some(p.text_document.text),
                        )
                    }
                    m if m == DidChangeTextDocument::METHOD => {
                        let p: lsp_types::DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
                        let text = p.content_changes.into_iter().last().map(|c| c.text);
                        (p.text_document.uri, Some(p.text_document.version), text)
                    }
                    m if m == DidSaveTextDocument::METHOD => {
                        let p: lsp_types::DidSaveTextDocumentParams = serde_json::from_value(n.params)?;
                        if let Some(path) = uri_to_path(&p.text_document.uri) {
                            roots.changed(&path);
                        }
                        (p.text_document.uri, None, p.text)
                    }
                    m if m == DidChangeWatchedFiles::METHOD => {
                        let p: lsp_types::DidChangeWatchedFilesParams = serde_json::from_value(n.params)?;
                        for change in &p.changes {
                            if let Some(path) = uri_to_path(&change.uri) {
                                roots.changed(&path);
                            }
                        }
                        continue;
                    }
                    m if m == DidCloseTextDocument::METHOD => {
                        let p: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                        docs.remove(p.text_document.uri.as_str());
                        publish(&conn, p.text_document.uri, Vec::new(), None);
                        continue;
                    }
                    _ => continue,
                };
                let key = uri.as_str().to_string();
                if let Some(t) = text {
                    docs.insert(key.clone(), t);
                }
                let (Some(text), Some(path)) = (docs.get(&key), uri_to_path(&uri)) else {
                    continue;
                };
                let diagnostics = match crate::evaluate::guarded(&path.display().to_string(), || {
                    diagnose(&path, text, enc, &mut roots)
                }) {
                    Ok(d) => {
                        if let Some(f) = d
                            .iter()
                            .find(|d| d.message.starts_with("constable could not check"))
                        {
                            show_error(&conn, &f.message);
                        }
                        d
                    }
                    Err(p) => {
                        show_error(&conn, &p.message);
                        vec![failure(&p.message)]
                    }
                };
                publish(&conn, uri, diagnostics, version);
            }
        }
    }
    drop(conn);
    threads.join()?;
    Ok(())
}

/// A position in `enc` as a byte offset into the file's text (clamped to
/// the line and to character boundaries).
pub fn offset(file: &SourceFile, pos: Position, enc: Encoding) -> usize {
    let text: &str = &file.text;
    let line0 = (pos.line as usize).min(file.index.line_count() - 1);
    let start = file.index.line_start(line0);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0usize;
    for (i, c) in text[start..end].char_indices() {
        if units >= pos.character as usize {
            return start + i;
        }
        units += match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
    }
    end
}

fn range_of(file: &SourceFile, span: &std::ops::Range<usize>, enc: Encoding) -> Range {
    Range {
        start: position(file, span.start, enc),
        end: position(file, span.end, enc),
    }
}

/// Answer a request, or `None` when the method is not supported.
fn request(
    req: &lsp_server::Request,
    docs: &HashMap<String, String>,
    roots: &mut Roots,
    enc: Encoding,
) -> Option<Result<serde_json::Value, String>> {
    use lsp_types::request::{CodeActionRequest, GotoDefinition, HoverRequest};
    let params = req.params.clone();
    let json = |v: Result<serde_json::Value, String>| Some(v);
    match req.method.as_str() {
        m if m == CodeActionRequest::METHOD => json(
            serde_json::from_value::<lsp_types::CodeActionParams>(params)
                .map_err(|e| e.to_string())
                .map(|p| serde_json::to_value(code_actions(&p, docs, roots, enc)).unwrap_or_default()),
        ),
        m if m == HoverRequest::METHOD => json(
            serde_json::from_value::<lsp_types::HoverParams>(params)
                .map_err(|e| e.to_string())
                .map(|p| serde_json::to_value(hover(&p, docs, roots, enc)).unwrap_or_default()),
        ),
        m if m == GotoDefinition::METHOD => json(
            serde_json::from_value::<lsp_types::GotoDefinitionParams>(params)
                .map_err(|e| e.to_string())
                .map(|p| serde_json::to_value(definition(&p, docs, roots, enc)).unwrap_or_default()),
        ),
        _ => None,
    }
}

/// The open document's text and path, and the findings of checking it.
struct Checked {
    path: PathBuf,
    file: SourceFile,
    findings: Vec<Finding>,
    state: std::rc::Rc<RootState>,
}

impl Checked {
    fn settings(&self) -> &Settings {
        match &self.state.settings {
            Ok(s) => s,
            Err(_) => unreachable!("checked only with settings"),
        }
    }
}

fn checked(uri: &Uri, docs: &HashMap<String, String>, roots: &mut Roots) -> Option<Checked> {
    let text = docs.get(uri.as_str())?;
    let path = uri_to_path(uri)?;
    if path.extension().is_some_and(|e| e == "toml") {
        return None;
    }
    let state = roots.get(&path);
    let settings = state.settings.as_ref().ok()?;
    let (file, findings) =
        pipeline::check_buffer_with(&path, text, settings, state.constitution.as_ref()).ok()?;
    Some(Checked {
        path,
        file,
        findings,
        state,
    })
}

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Code actions over the requested range: every finding's fix (quickfix;
/// unsafe fixes say so in their title and are never preferred), then
/// "suppress on this line" with a reason for the author to write.
#[allow(clippy::mutable_key_type)] // lsp-types keys WorkspaceEdit changes by Uri
fn code_actions(
    p: &lsp_types::CodeActionParams,
    docs: &HashMap<String, String>,
    roots: &mut Roots,
    enc: Encoding,
) -> Vec<lsp_types::CodeAction> {
    use lsp_types::{CodeAction, CodeActionKind, TextEdit, WorkspaceEdit};
    let Some(c) = checked(&p.text_document.uri, docs, roots) else {
        return Vec::new();
    };
    let file = &c.file;
    let want = offset(file, p.range.start, enc)..offset(file, p.range.end, enc);
    let edit_of = |edits: &[crate::fix::Edit]| {
        let mut changes = HashMap::new();
        changes.insert(
            p.text_document.uri.clone(),
            edits
                .iter()
                .map(|e| TextEdit {
                    range: range_of(file, &e.span, enc),
                    new_text: e.replacement.clone(),
                })
                .collect::<Vec<_>>(),
        );
        WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }
    };
    let mut fixes = Vec::new();
    let mut suppressions = Vec::new();
    for f in c.findings.iter().filter(|f| overlaps(&f.span, &want)) {
        let diag = diagnostic(file, f, c.settings(), enc);
        if let Some(fix) = &f.fix {
            let title = if fix.is_safe() {
                format!("{} ({})", fix.title, f.code)
            } else {
                format!("{} ({}, unsafe: review the result)", fix.title, f.code)
            };
            fixes.push(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag.clone()]),
                edit: Some(edit_of(&fix.edits)),
                is_preferred: Some(fix.is_safe()),
                ..CodeAction::default()
            });
        }
        if f.code.starts_with("SUP") {
            continue;
        }
        let style = crate::fix::CommentStyle::of_path(&file.path);
        let text: &str = &file.text;
        let edits = crate::fix::suppression_edits(text, style, f.span.start, &[&f.code], "TODO: reason");
        suppressions.push(CodeAction {
            title: format!("Suppress {} on this line", f.code),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diag]),
            edit: Some(edit_of(&edits)),
            is_preferred: Some(false),
            ..CodeAction::default()
        });
    }
    fixes.extend(suppressions);
    fixes
}

/// The plan model of an open plan, with its repository's state (settings
/// and constitution, cached per root).
struct PlanView {
    root: PathBuf,
    model: crate::evaluate::PlanModel,
    state: std::rc::Rc<RootState>,
}

impl PlanView {
    fn constitution(&self) -> &crate::evaluate::Constitution {
        self.state
            .constitution
            .as_ref()
            .expect("a plan view is made only with settings")
    }

    /// constitution.md's path and text, when the repository has one.
    fn constitution_text(&self) -> Option<&(PathBuf, SourceFile)> {
        self.state.constitution_text.as_ref()
    }
}

fn plan_view(path: &Path, text: &str, roots: &mut Roots) -> Option<PlanView> {
    let dir = std::fs::canonicalize(path.parent()?).ok()?;
    let root = crate::discover::find_root(&dir);
    let state = roots.get(path);
    let settings = state.settings.as_ref().ok()?;
    let constitution = state.constitution.as_ref()?;
    let name = crate::discover::RepoFs::new(&root).name();
    let plan = crate::parse::plan::Plan::parse(SourceFile::new("plan.md", text));
    let model = crate::evaluate::PlanModel::new(plan, &settings.rules, constitution, &name);
    Some(PlanView { root, model, state })
}

/// The gate entry whose label holds `at`, and the principle it cites.
fn cited_at(v: &PlanView, at: usize) -> Option<usize> {
    v.model
        .gates
        .entries
        .iter()
        .zip(&v.model.citations)
        .find(|(e, _)| e.label_span.start <= at && at <= e.label_span.end)
        .and_then(|(_, c)| match c {
            crate::parse::constitution::Citation::Principle(i) => Some(*i),
            _ => None,
        })
}

/// The heading span and the section span of a principle in constitution.md.
fn principle_section(v: &PlanView, i: usize) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let crate::parse::constitution::Origin::Document { heading } =
        &v.constitution().principles.get(i)?.origin
    else {
        return None;
    };
    let doc = v.constitution().doc.as_ref()?;
    let section = doc.doc.sections.iter().find(|s| s.heading == *heading)?;
    Some((heading.clone(), section.span.clone()))
}

/// Hover: the rule's documentation over a finding; the principle's text
/// (its section of constitution.md) over a gate's principle citation.
fn hover(
    p: &lsp_types::HoverParams,
    docs: &HashMap<String, String>,
    roots: &mut Roots,
    enc: Encoding,
) -> Option<lsp_types::Hover> {
    let uri = &p.text_document_position_params.text_document.uri;
    let c = checked(uri, docs, roots)?;
    let at = offset(&c.file, p.text_document_position_params.position, enc);
    let mut parts = Vec::new();
    let mut range = None;
    let markdown = c.path.extension().is_some_and(|e| e == "md");
    if let Some(text) = docs.get(uri.as_str()).filter(|_| markdown) {
        if let Some(v) = plan_view(&c.path, text, roots) {
            if let Some(i) = cited_at(&v, at) {
                if let (Some((_, section)), Some((_, cf))) = (principle_section(&v, i), v.constitution_text())
                {
                    parts.push(cf.text[section].trim_end().to_string());
                    let e = v
                        .model
                        .gates
                        .entries
                        .iter()
                        .find(|e| e.label_span.start <= at && at <= e.label_span.end)?;
                    range = Some(range_of(&c.file, &e.label_span, enc));
                }
            }
        }
    }
    for f in c
        .findings
        .iter()
        .filter(|f| f.span.start <= at && at <= f.span.end)
    {
        if let Some(rule) = c.settings().all_rules.iter().find(|r| r.code == f.code) {
            let doc = rule.doc_markdown();
            if !parts.contains(&doc) {
                parts.push(doc);
            }
            range.get_or_insert_with(|| range_of(&c.file, &f.span, enc));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(lsp_types::Hover {
        contents: lsp_types::HoverContents::Markup(lsp_types::MarkupContent {
            kind: lsp_types::MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range,
    })
}

fn file_uri(path: &Path) -> Option<Uri> {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

/// Go to definition: from a gate's principle citation to the principle's
/// heading in constitution.md; from a structure-tree path to that file or
/// folder in the repository.
fn definition(
    p: &lsp_types::GotoDefinitionParams,
    docs: &HashMap<String, String>,
    roots: &mut Roots,
    enc: Encoding,
) -> Option<lsp_types::GotoDefinitionResponse> {
    let uri = &p.text_document_position_params.text_document.uri;
    let text = docs.get(uri.as_str())?;
    let path = uri_to_path(uri)?;
    let v = plan_view(&path, text, roots)?;
    let file = &v.model.plan.file;
    let at = offset(file, p.text_document_position_params.position, enc);
    if let Some(i) = cited_at(&v, at) {
        let (heading, _) = principle_section(&v, i)?;
        let (abs, cf) = v.constitution_text()?;
        return Some(lsp_types::GotoDefinitionResponse::Scalar(lsp_types::Location {
            uri: file_uri(abs)?,
            range: range_of(cf, &heading, enc),
        }));
    }
    let entry = v
        .model
        .tree_entries
        .iter()
        .find(|e| !e.skip && e.span.start <= at && at <= e.span.end)?;
    // Only inside the repository (TREE005 reports the rest).
    let target = std::fs::canonicalize(v.root.join(&entry.path)).ok()?;
    if !target.starts_with(std::fs::canonicalize(&v.root).ok()?) {
        return None;
    }
    Some(lsp_types::GotoDefinitionResponse::Scalar(lsp_types::Location {
        uri: file_uri(&target)?,
        range: Range::default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_count_surrogates() {
        let f = SourceFile::new("x", "a🚀b\nx");
        let b = f.text.find('b').unwrap();
        assert_eq!(
            position(&f, b, Encoding::Utf16),
            Position {
                line: 0,
                character: 3
            }
        );
        assert_eq!(
            position(&f, b, Encoding::Utf8),
            Position {
                line: 0,
                character: 5
            }
        );
    }

    #[test]
    fn offsets_invert_positions() {
        let f = SourceFile::new("x", "a🚀b\nxé z");
        for (i, _) in f.text.char_indices() {
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                if f.text.as_bytes()[i] == b'\n' {
                    continue;
                }
                assert_eq!(offset(&f, position(&f, i, enc), enc), i, "{i} {enc:?}");
            }
        }
    }

    #[test]
    fn file_uris_become_paths() {
        let u = Uri::from_str("file:///tmp/a%20b/plan.md").unwrap();
        assert_eq!(uri_to_path(&u), Some(PathBuf::from("/tmp/a b/plan.md")));
    }
}
