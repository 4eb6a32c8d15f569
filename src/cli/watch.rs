//! `check --watch`: check, then check again whenever a file under the
//! repositories changes (debounced), until Ctrl-C.

use super::{check_once, exit, CheckArgs};
use crate::pipeline::CheckRequest;
use crate::report::Format;
use notify::{EventKind, RecursiveMode, Watcher};
use std::io::{IsTerminal, Write};
use std::path::{Component, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Quiet time after the last change before checking again.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Whether an event should trigger a new check: a change (not a read) to a
/// file outside `.git` that is not one of the reports being written.
fn relevant(event: &notify::Event, outputs: &[PathBuf]) -> bool {
    if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
        return false;
    }
    event.paths.iter().any(|p| {
        !p.components().any(|c| c == Component::Normal(".git".as_ref())) && !outputs.iter().any(|o| o == p)
    })
}

pub fn watch(args: &CheckArgs, request: &CheckRequest, formats: &[Format]) -> i32 {
    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
        let _ = tx.send(e);
    }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch for changes: {e}");
            return exit::INPUT;
        }
    };
    let roots = super::show::roots(request);
    for root in &roots {
        if let Err(e) = watcher.watch(root, RecursiveMode::Recursive) {
            eprintln!("error: cannot watch {}: {e}", root.display());
            return exit::INPUT;
        }
    }
    // Reports written to files must not trigger the next check.
    let outputs: Vec<PathBuf> = args
        .outputs
        .iter()
        .map(|o| {
            let abs = std::env::current_dir().unwrap_or_default().join(o);
            match (
                abs.parent().and_then(|d| std::fs::canonicalize(d).ok()),
                abs.file_name(),
            ) {
                (Some(dir), Some(name)) => dir.join(name),
                _ => abs,
            }
        })
        .collect();
    let shown: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    let clear = std::io::stdout().is_terminal();
    loop {
        if clear {
            print!("\x1b[2J\x1b[H");
            let _ = std::io::stdout().flush();
        }
        let code = check_once(args, request, formats);
        if code == exit::INTERNAL {
            return code;
        }
        if !args.quiet {
            eprintln!(
                "constable: watching {} for changes (Ctrl-C to stop)",
                shown.join(", ")
            );
        }
        // Wait for a change, then for the changes to settle.
        loop {
            match rx.recv() {
                Ok(Ok(e)) if relevant(&e, &outputs) => break,
                Ok(Ok(_)) => {}
                Ok(Err(e)) => eprintln!("warning: watching: {e}"),
                Err(_) => return exit::INTERNAL,
            }
        }
        while rx.recv_timeout(DEBOUNCE).is_ok() {}
    }
}
