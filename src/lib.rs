//! constable: gate spec-driven infrastructure plans against a constitution.
//!
//! A one-way pipeline, one module per stage, sequenced by `pipeline` only:
//! `discover` -> `load` -> `parse` -> `evaluate` (with `checks`) -> `filter` -> `report`.
//! `source`, `finding`, `fingerprint`, `rules`, `lazy_regex` and `text` are foundation types every stage
//! may use; `cli`, `lsp` and `init` are front ends that call the pipeline.

pub mod artifacts;
pub mod autofix;
pub mod checks;
pub mod cli;
pub mod compliance;
pub mod discover;
pub mod evaluate;
pub mod filter;
pub mod finding;
pub mod fingerprint;
pub mod fix;
pub mod init;
pub mod lazy_regex;
pub mod load;
pub mod lsp;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod rules;
pub mod source;
pub mod text;
