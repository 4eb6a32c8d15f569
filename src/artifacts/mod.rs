//! Checks over the other artifacts of a spec-kit feature folder: spec.md,
//! tasks.md and checklists/*.md. Each check is a plain function over the
//! parse models that pushes [`Hit`]s; a registry wraps them under their codes.
//! Checks never read the disk: path existence comes from the caller.

pub mod chk001;
pub mod chk002;
pub mod spec001;
pub mod spec002;
pub mod spec003;
pub mod spec004;
pub mod spec005;
pub mod task001;
pub mod task002;
pub mod task003;
pub mod task004;
pub mod task005;
pub mod task006;

use crate::finding::Severity;
use crate::parse::checklist::Checklist;
use crate::parse::plan::Plan;
use crate::parse::spec::{status_field, Spec};
use crate::parse::tasks::Tasks;
use std::ops::Range;
use std::sync::Arc;

/// One thing a check found: a byte span in the file at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub path: Arc<str>,
    pub span: Range<usize>,
    pub message: String,
    /// Set when this hit differs from the rule's documented severity.
    pub severity: Option<Severity>,
}

impl Hit {
    pub fn new(path: &Arc<str>, span: Range<usize>, message: impl Into<String>) -> Hit {
        Hit {
            path: path.clone(),
            span,
            message: message.into(),
            severity: None,
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Hit {
        self.severity = Some(severity);
        self
    }
}

/// The caller's answer to "does this repository path exist?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existence {
    Exists,
    Missing,
    /// The caller cannot tell (outside the root, ignored, not looked up).
    Unknown,
}

/// The artifacts of one feature folder, each parsed once.
#[derive(Debug, Default)]
pub struct Feature {
    /// The folder, relative to the repository root (`specs/001-x`).
    pub dir: String,
    pub spec: Option<Spec>,
    pub plan: Option<Plan>,
    pub tasks: Option<Tasks>,
    pub checklists: Vec<Checklist>,
}

/// One feature check with a uniform signature, as the registry holds it.
pub type FeatureFn = fn(&Feature, &dyn Fn(&str) -> Existence, &mut Vec<Hit>);

pub const SPEC001: FeatureFn = |f, _, o| {
    if let Some(s) = &f.spec {
        spec001::check(s, o)
    }
};
pub const SPEC002: FeatureFn = |f, _, o| {
    if let Some(s) = &f.spec {
        spec002::check(s, o)
    }
};
pub const SPEC003: FeatureFn = |f, _, o| {
    if let Some(s) = &f.spec {
        spec003::check(s, o)
    }
};
pub const SPEC004: FeatureFn = |f, _, o| {
    if let Some(s) = &f.spec {
        spec004::check(s, o)
    }
};
pub const SPEC005: FeatureFn = |f, _, o| {
    if let Some(s) = &f.spec {
        spec005::check(s, o)
    }
};
pub const TASK001: FeatureFn = |f, _, o| {
    if let Some(t) = &f.tasks {
        task001::check(t, o)
    }
};
pub const TASK002: FeatureFn = |f, _, o| {
    if let Some(t) = &f.tasks {
        task002::check(t, o)
    }
};
pub const TASK003: FeatureFn = |f, _, o| {
    if let (Some(t), Some(s)) = (&f.tasks, &f.spec) {
        task003::check(t, s, o)
    }
};
pub const TASK004: FeatureFn = |f, _, o| {
    if let Some(t) = &f.tasks {
        task004::check(t, o)
    }
};
pub const TASK005: FeatureFn = |f, exists, o| {
    if let Some(t) = &f.tasks {
        task005::check(t, &f.dir, exists, o)
    }
};
pub const TASK006: FeatureFn = |f, _, o| task006::check(f.tasks.as_ref(), f.spec.as_ref(), f.plan.as_ref(), o);
pub const CHK001: FeatureFn =
    |f, _, o| chk001::check(&f.checklists, f.tasks.as_ref(), f.spec.as_ref(), f.plan.as_ref(), o);
pub const CHK002: FeatureFn = |f, _, o| {
    for c in &f.checklists {
        chk002::check(c, o)
    }
};

/// The codes of the checks in this module, in `run_all` order.
pub const CODES: &[&str] = &[
    "SPEC001", "SPEC002", "SPEC003", "SPEC004", "SPEC005", "TASK001", "TASK002", "TASK003", "TASK004",
    "TASK005", "TASK006", "CHK001", "CHK002",
];

/// Every check in this module, run over one feature; hits by code.
pub fn run_all(feature: &Feature, exists: &dyn Fn(&str) -> Existence) -> Vec<(&'static str, Hit)> {
    let mut out: Vec<(&'static str, Hit)> = Vec::new();
    let mut run = |code: &'static str, f: &dyn Fn(&mut Vec<Hit>)| {
        let mut hits = Vec::new();
        f(&mut hits);
        out.extend(hits.into_iter().map(|h| (code, h)));
    };
    if let Some(spec) = &feature.spec {
        run("SPEC001", &|o| spec001::check(spec, o));
        run("SPEC002", &|o| spec002::check(spec, o));
        run("SPEC003", &|o| spec003::check(spec, o));
        run("SPEC004", &|o| spec004::check(spec, o));
        run("SPEC005", &|o| spec005::check(spec, o));
    }
    if let Some(tasks) = &feature.tasks {
        run("TASK001", &|o| task001::check(tasks, o));
        run("TASK002", &|o| task002::check(tasks, o));
        if let Some(spec) = &feature.spec {
            run("TASK003", &|o| task003::check(tasks, spec, o));
        }
        run("TASK004", &|o| task004::check(tasks, o));
        run("TASK005", &|o| task005::check(tasks, &feature.dir, exists, o));
    }
    run("TASK006", &|o| {
        task006::check(
            feature.tasks.as_ref(),
            feature.spec.as_ref(),
            feature.plan.as_ref(),
            o,
        )
    });
    run("CHK001", &|o| {
        chk001::check(
            &feature.checklists,
            feature.tasks.as_ref(),
            feature.spec.as_ref(),
            feature.plan.as_ref(),
            o,
        )
    });
    for c in &feature.checklists {
        run("CHK002", &|o| chk002::check(c, o));
    }
    out
}

/// Status values that claim the feature is finished.
const DONE_WORDS: &[&str] = &[
    "complete",
    "completed",
    "done",
    "implemented",
    "implementation complete",
    "finished",
    "shipped",
];

/// The span of a document-level `**Status**` value that claims the feature
/// is finished (`Complete`, `Done`, `Implemented`, `Implementation Complete`).
pub fn claims_complete(plan: &Plan) -> Option<Range<usize>> {
    let f = status_field(plan)?;
    let v = plan.text()[f.value.clone()]
        .trim()
        .trim_matches(['*', '_', '`'])
        .trim();
    let v = v.trim_start_matches(|c: char| !c.is_alphanumeric());
    let lower = v.to_lowercase();
    let head: String = lower
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == ' ')
        .collect::<String>()
        .trim()
        .to_string();
    DONE_WORDS.contains(&head.as_str()).then(|| f.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn claim(s: &str) -> Option<String> {
        let p = Plan::parse(SourceFile::new("spec.md", s));
        claims_complete(&p).map(|r| p.text()[r].to_string())
    }

    #[test]
    fn status_claims() {
        for (value, claimed) in [
            ("Complete", true),
            ("**Done**", true),
            ("Implemented", true),
            ("Implementation Complete  ", true),
            ("✅ Completed (2026-01-02)", true),
            ("Complete — see research.md", true),
            ("Draft", false),
            ("Clarified", false),
            ("Incomplete", false),
            ("In progress, done soon", false),
        ] {
            let doc = format!("# Feature Specification: X\n\n**Status**: {value}\n\n## Requirements\n");
            assert_eq!(claim(&doc).is_some(), claimed, "{value}");
        }
        // A status under a later section is a phase's status, not the feature's.
        assert!(claim("# Plan\n\n## Phase 0\n\n**Status**: Complete\n").is_none());
    }
}
