//! The binary: parse arguments, run the library, map panics to exit 3.

use clap::Parser;
use constable::cli::{self, exit, Cli};
use std::panic;

fn main() {
    // Panics are reported by the pipeline with the file being checked and
    // where the panic happened.
    constable::evaluate::install_panic_hook();
    cli::install_error_renderer();
    let cli = Cli::parse();
    let code = panic::catch_unwind(|| cli::run(cli)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("internal error: constable crashed: {msg} (please report this)");
        exit::INTERNAL
    });
    std::process::exit(code);
}
