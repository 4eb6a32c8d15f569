//! `cargo bench`: wall time of a full check (discover, load, parse, evaluate,
//! filter, report) over the fixtures and, when present, ../shared/corpus.
//! Speed is measured here, never asserted by tests.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join("target").join("release").join("constable");
    if !bin.is_file() {
        let ok = Command::new("cargo")
            .args(["build", "--release", "--quiet"])
            .current_dir(&root)
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "cargo build --release failed");
    }
    let mut targets: Vec<(String, Vec<String>)> =
        vec![("fixtures".into(), vec!["check".into(), "fixtures".into()])];
    let corpus = root.join("..").join("shared").join("corpus");
    if let Ok(entries) = std::fs::read_dir(&corpus) {
        let mut repos: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        repos.sort();
        for r in repos {
            let name = r.file_name().unwrap().to_string_lossy().to_string();
            let mut args = vec!["check".to_string(), r.to_string_lossy().to_string()];
            if !r.join("specs").is_dir() {
                args.push("--iac-only".into());
            }
            targets.push((name, args));
        }
    }
    println!("{:<40} {:>10} {:>10}", "target", "median", "min");
    for (name, mut args) in targets {
        args.extend(["--format".into(), "json".into()]);
        let mut times: Vec<Duration> = (0..7)
            .map(|_| {
                let start = Instant::now();
                let out = Command::new(&bin)
                    .args(&args)
                    .current_dir(&root)
                    .output()
                    .expect("constable runs");
                assert!(
                    out.status.code().is_some_and(|c| c <= 2),
                    "{name}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                start.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{:<40} {:>8.1}ms {:>8.1}ms",
            name,
            times[3].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3
        );
    }
}
