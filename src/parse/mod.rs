//! Parse stage: each file read once into a model with spans: plans, their
//! gates, the constitution. No rule knowledge lives here.

pub mod checklist;
pub mod constitution;
pub mod family;
pub mod gates;
pub mod hcl;
pub mod iac;
pub mod located;
pub mod placeholder;
pub mod plan;
pub mod spec;
pub mod tasks;
pub mod tree;
pub mod yaml;
