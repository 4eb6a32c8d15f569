//! Fingerprints that survive unrelated edits: a hash of the rule code, the
//! path and the whitespace-normalised text of the finding's line (not its
//! number), plus an occurrence count for identical lines. Used by SARIF,
//! GitLab and baselines. Foundation code: it knows files and findings, no
//! stage.

use crate::finding::Finding;
use crate::source::SourceFile;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The fingerprint of every finding, in order.
pub fn of(files: &[SourceFile], findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let file = &files[f.file];
            let (line, _) = file.line_col(f.span.start);
            let text = file
                .line_text(line)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let mut h = Sha256::new();
            for part in [&*f.code, &*file.path, text.as_str()] {
                h.update(part.as_bytes());
                h.update([0u8]);
            }
            let digest = h.finalize();
            let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
            let n = seen.entry(hex.clone()).or_insert(0);
            *n += 1;
            format!("{hex}:{n}")
        })
        .collect()
}
