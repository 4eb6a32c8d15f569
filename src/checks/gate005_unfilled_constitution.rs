//! GATE005 unfilled-constitution: constitution.md still holds template
//! tokens, or its version line is malformed or inconsistent.

use super::{ConstitutionCheck, ConstitutionContext};
use crate::checks::Sink;
use regex::Regex;
use std::sync::LazyLock;

pub struct UnfilledConstitution;

static SEMVER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^v?\d+\.\d+\.\d+$").expect("valid regex"));
static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").expect("valid regex"));
static TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\[[A-Z0-9_]+\]$").expect("valid regex"));

impl ConstitutionCheck for UnfilledConstitution {
    fn check(&self, cx: &ConstitutionContext<'_>, sink: &mut Sink<'_>) {
        let d = cx.doc;
        let text = d.doc.text();
        for t in &d.tokens {
            sink.report(
                t.clone(),
                format!("constitution still holds template token `{}`", &text[t.clone()]),
            );
        }
        let value = |v: &Option<(String, std::ops::Range<usize>)>| {
            v.as_ref()
                .filter(|(s, _)| !TOKEN.is_match(s.trim()))
                .map(|(s, r)| (s.trim().trim_matches('`').to_string(), r.clone()))
        };
        let version = value(&d.version);
        if let Some((v, r)) = &version {
            if !SEMVER.is_match(v) {
                sink.report(
                    r.clone(),
                    format!("constitution version `{v}` is not semantic (MAJOR.MINOR.PATCH)"),
                );
            }
        }
        let ratified = value(&d.ratified);
        let amended = value(&d.amended);
        for (name, v) in [("Ratified", &ratified), ("Last Amended", &amended)] {
            if let Some((s, r)) = v {
                if !DATE.is_match(s) {
                    sink.report(
                        r.clone(),
                        format!("**{name}** `{s}` is not an ISO date (YYYY-MM-DD)"),
                    );
                }
            }
        }
        if let (Some((r, _)), Some((a, aspan))) = (&ratified, &amended) {
            if DATE.is_match(r) && DATE.is_match(a) && a < r {
                sink.report(
                    aspan.clone(),
                    format!("**Last Amended** {a} is before **Ratified** {r}"),
                );
            }
        }
        if let (Some((v, _)), Some((sv, sspan))) = (&version, &d.sync_version) {
            if SEMVER.is_match(v) && v.trim_start_matches('v') != sv {
                sink.report(
                    sspan.clone(),
                    format!("Sync Impact Report announces version {sv}, but the version line says {v}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = constitution_hits(
            "GATE005",
            r##"# Harbor Lab Constitution

## Core Principles

### I. GitOps Source of Truth

Argo CD applies everything from the `main` branch.

### II. Documentation & Runbooks

Every application ships with a runbook.

## Governance

**Version**: 1.3.0 | **Ratified**: 2026-01-10 | **Last Amended**: 2025-12-01
"##,
        );
        assert_eq!(lines(&hits), [15], "{hits:#?}");
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = constitution_hits(
            "GATE005",
            r##"# Harbor Lab Constitution

## Core Principles

### I. GitOps Source of Truth

Argo CD applies everything from the `main` branch.

### II. Documentation & Runbooks

Every application ships with a runbook.

## Governance

**Version**: 1.3.0 | **Ratified**: 2026-01-10 | **Last Amended**: 2026-03-02
"##,
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
