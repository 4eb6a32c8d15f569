//! Parse stage: each file read once into a model with spans (plans now; the
//! constitution and IaC documents later). No rule knowledge lives here.

pub mod placeholder;
pub mod plan;
pub mod tree;
