//! The language server driven as an editor drives it: spawn `constable
//! server`, speak JSON-RPC over stdio (initialize, didOpen, codeAction,
//! hover, definition, didChange, shutdown, exit), in the position encoding
//! the server negotiated (UTF-8 here, so characters are bytes).

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const CONSTITUTION: &str = "# Harbor Lab Constitution

## Core Principles

### I. GitOps Source of Truth

Argo CD applies everything from the `main` branch.

### II. Documentation & Runbooks

Every application ships with a runbook under `docs/runbooks/`.

### III. Least-Privilege & Secrets

No workload runs as root; secrets live in SOPS.

## Governance

**Version**: 1.3.0 | **Ratified**: 2026-01-10 | **Last Amended**: 2026-03-02
";

const PLAN: &str = "# Implementation Plan: Grafana

**Branch**: `001-grafana` | **Date**: 2026-03-04 | **Spec**: [spec.md](spec.md)

## Summary

Deploy Grafana (監視) through Argo CD with a runbook.

## Technical Context

**Language/Version**: Helm 3

## Project Structure

```text
cluster/
└── apps/
    └── grafana/
```

## Constitution Check

| Principle | Status | Notes |
|---|---|---|
| I. GitOps Source of Truth | ✅ PASS | Argo CD syncs `cluster/apps/grafana/` |
| II. Documentation & Runbooks | ✅ PASS | runbook in `docs/runbooks/grafana.md` |

## Complexity Tracking

| Violation | Why Needed | Simpler Alternative Rejected Because |
|-----------|------------|-------------------------------------|
| None | | |

*Based on Constitution v1.0.0*
";

struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
    next_id: i64,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_constable"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Server {
            child,
            stdin,
            stdout,
            next_id: 1,
        }
    }

    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut buf = vec![0; len];
        self.stdout.read_exact(&mut buf).unwrap();
        serde_json::from_slice(&buf).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and return its result (notifications in between are dropped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.receive();
            if m["id"] == id {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_of(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let m = self.receive();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn diagnostics(&mut self) -> Vec<Value> {
        loop {
            let m = self.receive();
            if m["method"] == "textDocument/publishDiagnostics" {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn stop(mut self) {
        let bye = self.request("shutdown", Value::Null);
        assert!(bye.is_null());
        self.notify("exit", Value::Null);
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
    }
}

/// Line and UTF-8 column (0-based) of the `nth` occurrence of `needle`.
fn pos(text: &str, needle: &str, nth: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap().0;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": at - start})
}

/// Apply LSP text edits (UTF-8 positions) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let off =
        |p: &Value| starts[p["line"].as_u64().unwrap() as usize] + p["character"].as_u64().unwrap() as usize;
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                off(&e["range"]["start"]),
                off(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}

fn repo(name: &str) -> (std::path::PathBuf, String) {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join(".specify/memory")).unwrap();
    std::fs::create_dir_all(dir.join("specs/001-grafana")).unwrap();
    std::fs::create_dir_all(dir.join("cluster/apps/grafana")).unwrap();
    std::fs::write(dir.join(".specify/memory/constitution.md"), CONSTITUTION).unwrap();
    std::fs::write(dir.join("specs/001-grafana/plan.md"), PLAN).unwrap();
    let dir = std::fs::canonicalize(&dir).unwrap();
    let uri = format!("file://{}/specs/001-grafana/plan.md", dir.display());
    (dir, uri)
}

#[test]
fn code_actions_hover_and_definition() {
    let (dir, uri) = repo("lsp-actions");
    let mut s = Server::start(&dir);
    let init = s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["codeActionProvider"]["codeActionKinds"], json!(["quickfix"]));
    s.notify("initialized", json!({}));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": PLAN}}),
    );
    let diags = s.diagnostics();
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(
        codes.contains(&"GATE007") && codes.contains(&"GATE001"),
        "{codes:?}"
    );

    // A safe fix: GATE007's version, as a preferred quickfix.
    let gate007 = diags.iter().find(|d| d["code"] == "GATE007").unwrap();
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": gate007["range"], "context": {"diagnostics": [gate007]}}),
    );
    let actions = actions.as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Update the cited constitution version")
        })
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let edits = fix["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply(PLAN, edits);
    assert!(fixed.contains("*Based on Constitution v1.3.0*"), "{fixed}");
    // And "suppress on this line", with a reason left for the author.
    let sup = actions
        .iter()
        .find(|a| a["title"] == "Suppress GATE007 on this line")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let suppressed = apply(PLAN, sup["edit"]["changes"][&uri].as_array().unwrap());
    assert!(
        suppressed.contains(
            "<!-- constable-disable-next-line GATE007 -- TODO: reason -->\n*Based on Constitution v1.0.0*"
        ),
        "{suppressed}"
    );

    // An unsafe fix says so and is not preferred: GATE001 adds a row for III.
    let gate001 = diags.iter().find(|d| d["code"] == "GATE001").unwrap();
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": gate001["range"], "context": {"diagnostics": []}}),
    );
    let unsafe_fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("unsafe"))
        .unwrap_or_else(|| panic!("{actions:#}"));
    assert_eq!(unsafe_fix["isPreferred"], false);
    let with_row = apply(PLAN, unsafe_fix["edit"]["changes"][&uri].as_array().unwrap());
    assert!(
        with_row.contains("`docs/runbooks/grafana.md` |\n| III. Least-Privilege & Secrets | [TODO] | |\n"),
        "{with_row}"
    );

    // Hover on a principle citation: that principle's section of constitution.md.
    let hover = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(PLAN, "Documentation & Runbooks |", 0)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("### II. Documentation & Runbooks\n\nEvery application ships with a runbook under `docs/runbooks/`."),
        "{text}"
    );
    assert!(!text.contains("III."), "only that principle's section: {text}");
    // Hover on a finding: the rule's documentation.
    let hover = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": pos(PLAN, "1.0.0", 0)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("GATE007") && text.contains("stale-constitution-version"),
        "{text}"
    );

    // Definition: a gate entry to its principle's heading ...
    let def = s.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": pos(PLAN, "GitOps Source of Truth |", 0)}),
    );
    assert!(
        def["uri"]
            .as_str()
            .unwrap()
            .ends_with("/.specify/memory/constitution.md"),
        "{def}"
    );
    assert_eq!(def["range"]["start"], pos(CONSTITUTION, "### I. GitOps", 0));
    // ... and a structure-tree path to the folder.
    let def = s.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": pos(PLAN, "grafana/\n```", 0)}),
    );
    assert_eq!(
        def["uri"].as_str().unwrap(),
        format!("file://{}/cluster/apps/grafana", dir.display()),
        "{def}"
    );

    // Applying the safe fix clears its diagnostic.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = s.diagnostics();
    assert!(!after.iter().any(|d| d["code"] == "GATE007"), "{after:#?}");
    s.stop();
}

#[test]
fn utf16_is_the_default_encoding_for_code_actions() {
    // Without a UTF-8 offer, positions count UTF-16 units: the Japanese
    // text before the example row's line does not shift the edit.
    let (dir, uri) = repo("lsp-utf16");
    let plan = PLAN.replace("| None | | |", "| [e.g., 4th project] | [current need] | [why] |");
    let plan = plan.replace("Deploy Grafana (監視)", "Deploy Grafana (監視) 🚀");
    let mut s = Server::start(&dir);
    let init = s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    s.notify("initialized", json!({}));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": plan}}),
    );
    let diags = s.diagnostics();
    let gate007 = diags
        .iter()
        .find(|d| d["code"] == "GATE007")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    // The footer line is ASCII, so its UTF-16 column equals its byte column.
    assert_eq!(gate007["range"]["start"], pos(&plan, "1.0.0", 0));
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": gate007["range"], "context": {"diagnostics": []}}),
    );
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"].as_str().unwrap().contains("1.3.0")),
        "{actions:#}"
    );
    s.stop();
}

/// The Neovim 0.7 snippet of docs/editors.md, run for real in headless
/// Neovim: open a plan, wait for the server's diagnostics, print them.
#[test]
fn neovim_07_snippet_shows_diagnostics() {
    let nvim = Command::new("nvim").arg("--version").output();
    if missing_tool(
        nvim.as_ref().is_ok_and(|o| o.status.success()),
        "nvim (apt-get install neovim)",
    ) {
        return;
    }
    let doc = std::fs::read_to_string(root().join("docs/editors.md")).unwrap();
    let after = doc
        .split("<!-- editors:nvim-0.7 -->")
        .nth(1)
        .expect("docs/editors.md marks the Neovim 0.7 snippet");
    let snippet = after
        .split("```lua\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("a lua block after the marker");
    let (dir, _) = repo("lsp-nvim");
    let out = dir.join("diagnostics.txt");
    // The snippet, then a harness: wait for diagnostics, write them, quit.
    let harness = format!(
        r#"{snippet}
vim.api.nvim_create_autocmd("VimEnter", {{
  callback = function()
    vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
    local lines = {{}}
    for _, d in ipairs(vim.diagnostic.get(0)) do
      table.insert(lines, string.format("%d:%d %s %s", d.lnum + 1, d.col + 1, d.source or "", d.message:gsub("\n.*", "")))
    end
    table.sort(lines)
    vim.fn.writefile(lines, "{out}")
    vim.cmd("qa!")
  end,
}})
"#,
        out = out.display()
    );
    std::fs::write(dir.join("snippet.lua"), harness).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_constable")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Command::new("timeout")
        .args([
            "60",
            "nvim",
            "--headless",
            "-n",
            "-i",
            "NONE",
            "-u",
            "snippet.lua",
            "specs/001-grafana/plan.md",
        ])
        .current_dir(&dir)
        .env("PATH", path)
        .env("XDG_STATE_HOME", dir.join(".nvim-state"))
        .env("XDG_DATA_HOME", dir.join(".nvim-data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "nvim exited with {status}");
    let got = std::fs::read_to_string(&out).expect("the harness wrote the diagnostics");
    let lines: Vec<&str> = got.lines().collect();
    // GATE007 on the footer (last line of the plan), from constable.
    let footer = PLAN.lines().count();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{footer}:25 constable plan cites constitution v1.0.0"))),
        "{got}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("never addresses principle `III. Least-Privilege & Secrets`")),
        "{got}"
    );
}

/// The server reads a repository's constitution and configuration once and
/// keeps them: a change that keeps constitution.md's size and modification
/// time is not seen until the file is saved in the editor (didSave) or
/// reported by the client's watcher; a change of size or time is seen on
/// the next check, as is a new constable.toml.
#[test]
fn constitution_and_config_are_cached_per_root() {
    let (dir, uri) = repo("lsp-cache");
    let cons_path = dir.join(".specify/memory/constitution.md");
    let cons_uri = format!("file://{}", cons_path.display());
    let mut s = Server::start(&dir);
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    s.notify("initialized", json!({}));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": PLAN}}),
    );
    let codes = |d: &[Value]| -> Vec<String> {
        d.iter()
            .filter_map(|d| d["code"].as_str().map(str::to_string))
            .collect()
    };
    let first = codes(&s.diagnostics());
    assert!(first.iter().any(|c| c == "GATE007"), "{first:?}");
    let mut version = 1;
    let mut recheck = |s: &mut Server| {
        version += 1;
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": PLAN}]}),
        );
        codes(&s.diagnostics())
    };
    // The constitution now says 1.0.0, the version the plan cites; same
    // size, and the old modification time.
    let when = std::fs::metadata(&cons_path).unwrap().modified().unwrap();
    let write = |text: &str, time: std::time::SystemTime| {
        std::fs::write(&cons_path, text).unwrap();
        let f = std::fs::File::options().write(true).open(&cons_path).unwrap();
        f.set_modified(time).unwrap();
    };
    write(&CONSTITUTION.replace("1.3.0", "1.0.0"), when);
    assert_eq!(recheck(&mut s), first, "the cached constitution is used");
    // Saved in the editor: read again.
    s.notify("textDocument/didSave", json!({"textDocument": {"uri": cons_uri}}));
    let saved = recheck(&mut s);
    assert!(!saved.iter().any(|c| c == "GATE007"), "{saved:?}");
    // Back to 1.3.0 with a later time and no notification: seen by the
    // modification-time check.
    write(CONSTITUTION, when + std::time::Duration::from_secs(10));
    let touched = recheck(&mut s);
    assert!(touched.iter().any(|c| c == "GATE007"), "{touched:?}");
    // A new configuration file is seen too.
    std::fs::write(dir.join("constable.toml"), "ignore = [\"GATE007\"]\n").unwrap();
    let configured = recheck(&mut s);
    assert!(!configured.iter().any(|c| c == "GATE007"), "{configured:?}");
    assert!(configured.iter().any(|c| c == "GATE001"), "{configured:?}");
    // A watched-file event forgets the root as well.
    write(
        &CONSTITUTION.replace("1.3.0", "1.0.0"),
        when + std::time::Duration::from_secs(10),
    );
    std::fs::remove_file(dir.join("constable.toml")).unwrap();
    let _ = recheck(&mut s);
    write(CONSTITUTION, when + std::time::Duration::from_secs(10));
    assert!(!recheck(&mut s).iter().any(|c| c == "GATE007"), "still cached");
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cons_uri, "type": 2}]}),
    );
    assert!(recheck(&mut s).iter().any(|c| c == "GATE007"));
    s.stop();
}

/// A client that can watch files for the server is asked to watch the
/// files each root's cached state comes from.
#[test]
fn the_server_asks_to_watch_config_and_constitution_files() {
    let (dir, _) = repo("lsp-watch");
    let mut s = Server::start(&dir);
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}),
    );
    // lsp-server finishes the handshake on `initialized`; the request follows.
    s.notify("initialized", json!({}));
    let m = s.receive();
    assert_eq!(m["method"], "client/registerCapability", "{m}");
    let reg = &m["params"]["registrations"][0];
    assert_eq!(reg["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = reg["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/*.toml", "**/constitution.md"]);
    s.send(&json!({"jsonrpc": "2.0", "id": m["id"], "result": null}));
    s.stop();
}

/// An IaC file gets what `check - --stdin-filename` gives it: the checks
/// that read the rest of the repository (a namespace's quota elsewhere) and
/// the rendered overlays it is part of, which a file checked alone lacks.
#[test]
fn an_iac_file_gets_what_the_command_line_gives_it() {
    let dir = temp_dir("lsp-iac");
    copy_tree(&fixture("stream"), &dir);
    // No plan points at the IaC here: the configuration names the roots.
    std::fs::write(
        dir.join("constable.toml"),
        "[iac]\nroots = [\"apps\", \"argocd\", \"infra\", \"tenants\"]\n",
    )
    .unwrap();
    let dir = std::fs::canonicalize(&dir).unwrap();
    let mut s = Server::start(&dir);
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    s.notify("initialized", json!({}));
    for (file, want) in [
        ("tenants/green/namespace.yaml", &["OBS003", "OBS004"][..]),
        ("tenants/blue/namespace.yaml", &["OBS004"][..]),
        ("apps/shop/base/cart.yaml", &["IDM002", "OBS002"][..]),
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let uri = format!("file://{}", path.display());
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        let mut codes: Vec<String> = s
            .diagnostics_of(&uri)
            .iter()
            .filter_map(|d| d["code"].as_str().map(str::to_string))
            .collect();
        codes.sort();
        assert_eq!(codes, want, "{file}");
        // The command line's buffer: the same codes.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_constable"))
            .args([
                "check",
                "-",
                "--stdin-filename",
                path.to_str().unwrap(),
                "--format",
                "json",
            ])
            .stdin(std::fs::File::open(&path).unwrap())
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut cli: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        cli.sort();
        assert_eq!(codes, cli, "{file}");
    }
    s.stop();
}

/// Markdown that is not a plan (a runbook, a README) gets no diagnostics,
/// and a spec.md only what its feature's checks say about it: neither is
/// checked as a plan.
#[test]
fn markdown_that_is_not_a_plan_is_not_checked_as_one() {
    let (dir, _) = repo("lsp-markdown");
    std::fs::create_dir_all(dir.join("docs/runbooks")).unwrap();
    let runbook = dir.join("docs/runbooks/grafana.md");
    std::fs::write(&runbook, "# Grafana\n\nRestart it with [the usual command].\n").unwrap();
    let spec = dir.join("specs/001-grafana/spec.md");
    std::fs::write(
        &spec,
        "# Feature: Grafana\n\n## Requirements\n\n- **FR-001**: Dashboards load in under a second.\n",
    )
    .unwrap();
    let mut s = Server::start(&dir);
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    s.notify("initialized", json!({}));
    for path in [&runbook, &spec] {
        let uri = format!("file://{}", path.display());
        let text = std::fs::read_to_string(path).unwrap();
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        let codes: Vec<String> = s
            .diagnostics_of(&uri)
            .iter()
            .filter_map(|d| d["code"].as_str().map(str::to_string))
            .collect();
        assert!(
            !codes
                .iter()
                .any(|c| c.starts_with("TPL") || c.starts_with("GATE")),
            "{}: {codes:?}",
            path.display()
        );
        if path == &runbook {
            assert!(codes.is_empty(), "{codes:?}");
        }
    }
    s.stop();
}
