//! SPEC004 requirement-id: FR-### and SC-### ids duplicated, out of
//! sequence, or malformed.

use super::Hit;
use crate::parse::spec::{RequirementId, Spec};
use std::collections::HashMap;

/// Only definitions count (an id at the start of a list item or in the first
/// cell of a table row); mentions elsewhere are references. Well formed is
/// the template's convention: three digits, optionally a lower-case letter
/// for a requirement inserted later (`FR-002a`). Out of sequence: the fewest
/// ids whose removal leaves each prefix in increasing order (so one misplaced
/// `FR-009` is reported once, not every id after it); gaps are fine
/// (requirements get removed).
pub fn check(spec: &Spec, out: &mut Vec<Hit>) {
    let path = &spec.plan.file.path;
    let line = |at: usize| spec.plan.file.line_col(at).0;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    // Well-formed, first-seen ids per prefix, in document order.
    let mut by_prefix: HashMap<&str, Vec<&RequirementId>> = HashMap::new();
    for r in &spec.requirements {
        if !r.well_formed {
            out.push(Hit::new(
                path,
                r.span.clone(),
                format!(
                    "requirement id `{}` is malformed: write `{}-` and three digits, like `{}-001`",
                    r.text, r.prefix, r.prefix
                ),
            ));
        } else if let Some(&first) = seen.get(r.text.as_str()) {
            out.push(Hit::new(
                path,
                r.span.clone(),
                format!(
                    "requirement id `{}` is already defined on line {}",
                    r.text,
                    line(first)
                ),
            ));
        } else {
            seen.insert(&r.text, r.span.start);
            by_prefix.entry(&r.prefix).or_default().push(r);
        }
    }
    for ids in by_prefix.values() {
        let keys: Vec<(u32, &str)> = ids
            .iter()
            .map(|r| (r.number.unwrap_or(0), r.text.as_str()))
            .collect();
        let keep = increasing_subsequence(&keys);
        for (i, r) in ids.iter().enumerate().filter(|(i, _)| !keep[*i]) {
            let before = (0..i).rev().find(|&j| keep[j]).map(|j| ids[j].text.as_str());
            let after = (i + 1..ids.len())
                .find(|&j| keep[j])
                .map(|j| ids[j].text.as_str());
            let place = match (before, after) {
                (Some(b), Some(a)) => format!("it stands between `{b}` and `{a}`"),
                (Some(b), None) => format!("it comes after `{b}`"),
                (None, Some(a)) => format!("it comes before `{a}`"),
                (None, None) => String::new(),
            };
            out.push(Hit::new(
                path,
                r.span.clone(),
                format!("requirement id `{}` is out of sequence: {place}", r.text),
            ));
        }
    }
    out.sort_by_key(|h| h.span.start);
}

/// Marks a longest strictly increasing subsequence (O(n^2); specs are short).
fn increasing_subsequence<T: Ord>(keys: &[T]) -> Vec<bool> {
    let n = keys.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if keys[j] < keys[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = j;
            }
        }
    }
    let mut keep = vec![false; n];
    let mut at = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i)));
    while let Some(i) = at {
        keep[i] = true;
        at = (prev[i] != usize::MAX).then_some(prev[i]);
    }
    keep
}
