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
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _,
    PublishDiagnostics,
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

/// Settings for the repository holding `path`, or the configuration error
/// as a diagnostic-ready message.
fn settings_for(path: &Path) -> Result<Settings, Box<load::error::ConfigError>> {
    let dir = path.parent().unwrap_or(path);
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let root = crate::discover::find_root(&dir);
    pipeline::settings(&root, &Overrides::default())
}

/// Diagnostics for one open document.
fn diagnose(path: &Path, text: &str, enc: Encoding) -> Vec<Diagnostic> {
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let settings = match settings_for(path) {
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
    match pipeline::check_buffer(path, text, &settings) {
        Ok((file, findings)) => findings
            .iter()
            .map(|f| diagnostic(&file, f, &settings, enc))
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
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "constable", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)?;
    let mut docs: HashMap<String, String> = HashMap::new();
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if req.method == Shutdown::METHOD {
                    conn.sender
                        .send(Message::Response(Response::new_ok(req.id, ())))?;
                    continue;
                }
                let resp = Response::new_err(
                    req.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("unsupported request {}", req.method),
                );
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
                        (p.text_document.uri, None, p.text)
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
                    diagnose(&path, text, enc)
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
    fn file_uris_become_paths() {
        let u = Uri::from_str("file:///tmp/a%20b/plan.md").unwrap();
        assert_eq!(uri_to_path(&u), Some(PathBuf::from("/tmp/a b/plan.md")));
    }
}
