//! constable: gate spec-driven infrastructure plans against a constitution.
//!
//! A one-way pipeline, one module per stage:
//! `discover` -> `load` -> `parse` -> `evaluate` (with `checks`) -> `filter` -> `report`.

pub mod checks;
pub mod cli;
pub mod discover;
pub mod evaluate;
pub mod filter;
pub mod finding;
pub mod init;
pub mod load;
pub mod lsp;
pub mod parse;
pub mod render;
pub mod repo;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
