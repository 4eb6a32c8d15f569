//! `check --watch`: check, then check again whenever a file under the
//! repositories changes (debounced), until Ctrl-C.

use super::{check_once, exit, CheckArgs};
use crate::pipeline::CheckRequest;
use crate::report::Format;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use notify::{EventKind, RecursiveMode, Watcher};
use std::io::{IsTerminal, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Quiet time after the last change before checking again.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// The root's own `.gitignore` (a regular file, never a symlink), so that
/// build output such as `target/` does not trigger checks. Nested ignore
/// files are not read: a change there costs one extra check, never a missed
/// one.
fn ignores(root: &Path) -> Gitignore {
    let file = root.join(".gitignore");
    let mut builder = GitignoreBuilder::new(root);
    if std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()) {
        let _ = builder.add(&file);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// Whether an event should trigger a new check: a change (not a read) to a
/// file outside `.git`, not ignored by its root's `.gitignore`, that is not
/// one of the reports being written.
fn relevant(event: &notify::Event, outputs: &[PathBuf], ignored: &[(PathBuf, Gitignore)]) -> bool {
    if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
        return false;
    }
    event.paths.iter().any(|p| {
        !p.components().any(|c| c == Component::Normal(".git".as_ref()))
            && !outputs.iter().any(|o| o == p)
            && !ignored.iter().any(|(root, gi)| {
                p.strip_prefix(root)
                    .is_ok_and(|rel| gi.matched_path_or_any_parents(rel, p.is_dir()).is_ignore())
            })
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
    let ignored: Vec<(PathBuf, Gitignore)> = roots.iter().map(|r| (r.clone(), ignores(r))).collect();
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
                Ok(Ok(e)) if relevant(&e, &outputs, &ignored) => break,
                Ok(Ok(_)) => {}
                Ok(Err(e)) => eprintln!("warning: watching: {e}"),
                Err(_) => return exit::INTERNAL,
            }
        }
        while rx.recv_timeout(DEBOUNCE).is_ok() {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system temp dir, removed first.
    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("constable-watch-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn event(path: PathBuf) -> notify::Event {
        notify::Event::new(EventKind::Modify(notify::event::ModifyKind::Any)).add_path(path)
    }

    #[test]
    fn ignored_build_output_does_not_trigger_a_check() {
        let root = temp("ignored");
        std::fs::write(root.join(".gitignore"), "target/\n*.log\n").expect("write");
        std::fs::create_dir_all(root.join("target/debug")).expect("mkdir");
        let ignored = vec![(root.clone(), ignores(&root))];
        assert!(!relevant(&event(root.join("target/debug/x.o")), &[], &ignored));
        assert!(!relevant(&event(root.join("build.log")), &[], &ignored));
        assert!(!relevant(&event(root.join(".git/index")), &[], &ignored));
        assert!(relevant(&event(root.join("specs/001-a/plan.md")), &[], &ignored));
        let out = root.join("report.json");
        assert!(!relevant(
            &event(out.clone()),
            std::slice::from_ref(&out),
            &ignored
        ));
    }

    #[test]
    fn a_symlinked_gitignore_is_not_read() {
        let dir = temp("symlinked");
        let root = dir.join("repo");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(dir.join("outside"), "*.md\n").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join("outside"), root.join(".gitignore")).expect("symlink");
        let ignored = vec![(root.clone(), ignores(&root))];
        assert!(relevant(&event(root.join("specs/001-a/plan.md")), &[], &ignored));
    }
}
