//! SPEC004 requirement-id: FR-### and SC-### ids duplicated, out of
//! sequence, or malformed.

use super::Hit;
use crate::parse::spec::Spec;
use std::collections::HashMap;

/// Only definitions count (an id at the start of a list item or in the first
/// cell of a table row); mentions elsewhere are references. Well formed is
/// the template's convention: three digits, optionally a lower-case letter
/// for a requirement inserted later (`FR-002a`). Out of sequence means a
/// number lower than the one before it with the same prefix; gaps are fine
/// (requirements get removed).
pub fn check(spec: &Spec, out: &mut Vec<Hit>) {
    let path = &spec.plan.file.path;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut last: HashMap<&str, (u32, String)> = HashMap::new();
    for r in &spec.requirements {
        let line = |at: usize| spec.plan.file.line_col(at).0;
        if !r.well_formed {
            out.push(Hit::new(
                path,
                r.span.clone(),
                format!(
                    "requirement id `{}` is malformed: write `{}-` and three digits, like `{}-001`",
                    r.text, r.prefix, r.prefix
                ),
            ));
            continue;
        }
        if let Some(&first) = seen.get(r.text.as_str()) {
            out.push(Hit::new(
                path,
                r.span.clone(),
                format!(
                    "requirement id `{}` is already defined on line {}",
                    r.text,
                    line(first)
                ),
            ));
            continue;
        }
        seen.insert(&r.text, r.span.start);
        let n = r.number.unwrap_or(0);
        if let Some((prev, prev_text)) = last.get(r.prefix.as_str()) {
            if n < *prev {
                out.push(Hit::new(
                    path,
                    r.span.clone(),
                    format!(
                        "requirement id `{}` is out of sequence: it follows `{prev_text}`",
                        r.text
                    ),
                ));
            }
        }
        last.insert(&r.prefix, (n, r.text.clone()));
    }
}
