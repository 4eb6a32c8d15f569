//! The locally built constable wheel, shared by the wheel and pre-commit
//! tests: `maturin build --release` once per test process (cargo's own
//! fingerprints make the second process's build a no-op), into one folder
//! under `target/`, guarded by a lock file so two test processes never
//! rewrite the wheel while the other installs it.
//!
//! Include with `#[path = "common/wheel.rs"] mod wheel_build;` next to
//! `mod common;`.

#![allow(dead_code)]

use crate::common::{missing_tool, root};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// The folder that holds the built wheel, and the wheel itself.
pub struct Wheelhouse {
    pub dir: PathBuf,
    pub wheel: PathBuf,
}

fn runs(cmd: &Path) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// maturin on PATH, or in the `.venv-ci` that `.ci/run` creates.
pub fn maturin() -> Option<PathBuf> {
    let on_path = PathBuf::from("maturin");
    if runs(&on_path) {
        return Some(on_path);
    }
    let venv = root().join(".venv-ci").join("bin").join("maturin");
    runs(&venv).then_some(venv)
}

/// A Python 3 that can create virtual environments.
pub fn python() -> Option<PathBuf> {
    let python = PathBuf::from("python3");
    let ok = Command::new(&python)
        .args(["-c", "import venv, ensurepip"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

/// The wheel, built on first use; None (after a visible skip) when maturin
/// is missing outside CI.
pub fn wheelhouse() -> Option<&'static Wheelhouse> {
    let maturin = maturin();
    if missing_tool(maturin.is_some(), "maturin") {
        return None;
    }
    static BUILT: OnceLock<Wheelhouse> = OnceLock::new();
    Some(BUILT.get_or_init(|| build(&maturin.unwrap())))
}

fn build(maturin: &Path) -> Wheelhouse {
    let base = root().join("target").join("wheel-test");
    let dir = base.join("wheels");
    std::fs::create_dir_all(&dir).unwrap();
    let _lock = Lock::acquire(&base.join("build.lock"));
    // Only this build's wheel in the folder: pip's find-links sees one candidate.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "whl") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let out = Command::new(maturin)
        .args(["build", "--release", "--quiet", "-o"])
        .arg(&dir)
        .current_dir(root())
        .output()
        .expect("maturin runs");
    assert!(
        out.status.success(),
        "maturin build failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let wheels: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel expected: {wheels:?}");
    let wheel = wheels.into_iter().next().unwrap();
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    let prefix = format!("constable-{}-py3-none-", env!("CARGO_PKG_VERSION"));
    assert!(
        name.starts_with(&prefix),
        "a binary wheel (py3-none-<platform>) with Cargo.toml's version: {name}"
    );
    Wheelhouse { dir, wheel }
}

/// A lock file created exclusively; a lock older than 30 minutes is taken
/// to be left over from a killed run.
struct Lock(PathBuf);

impl Lock {
    fn acquire(path: &Path) -> Lock {
        let stale = Duration::from_secs(30 * 60);
        loop {
            match std::fs::File::create_new(path) {
                Ok(_) => return Lock(path.to_path_buf()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|a| a > stale) {
                        let _ = std::fs::remove_file(path);
                    } else {
                        std::thread::sleep(Duration::from_millis(500));
                    }
                }
                Err(e) => panic!("lock {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The executables folder of a virtual environment.
pub fn venv_bin(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts")
    } else {
        venv.join("bin")
    }
}
