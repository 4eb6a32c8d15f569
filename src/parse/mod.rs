//! Parse stage: each file read once into a model with spans: plans, their
//! gates, the constitution. No rule knowledge lives here.

pub mod constitution;
pub mod gates;
pub mod hcl;
pub mod iac;
pub mod located;
pub mod placeholder;
pub mod plan;
pub mod shell;
pub mod tree;
pub mod yaml;
