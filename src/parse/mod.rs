//! Parse stage: each file read once into a model with spans: plans, their
//! gates and trees, the constitution, spec.md, tasks.md and checklists, the
//! IaC documents, and inline suppressions. No rule knowledge lives here.

pub mod checklist;
pub mod commands;
pub mod constitution;
pub mod family;
pub mod gates;
pub mod hcl;
pub mod iac;
pub mod located;
pub mod placeholder;
pub mod plan;
pub mod shell;
pub mod spec;
pub mod suppress;
pub mod tasks;
pub mod tree;
pub mod yaml;
