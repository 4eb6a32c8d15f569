//! Helm charts in the repository, read as text: the workload templates of
//! each chart (Deployment, StatefulSet, DaemonSet) and whether any of the
//! chart's templates (`_helpers.tpl` included) mentions a word. Shared by
//! OBS001 and OBS002, which report a chart that cannot render a field.

use super::tree004_skipped_template::{chart_dir, chart_of};
use super::IacContext;
use crate::finding::FileId;
use std::ops::Range;

/// A workload template of a chart, with the span of its `containers:` key.
pub struct ChartWorkload {
    pub file: FileId,
    pub kind: &'static str,
    pub containers: Range<usize>,
}

/// The workload kind a template declares at the start of a line.
fn workload_kind(text: &str) -> Option<&'static str> {
    text.lines().find_map(|l| {
        let v = l.strip_prefix("kind:")?.trim();
        ["Deployment", "StatefulSet", "DaemonSet"]
            .into_iter()
            .find(|k| v == *k || v.trim_matches(['"', '\'']) == *k)
    })
}

/// The span of the first `containers:` key of a template.
fn containers_key(text: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("containers:") {
            let at = offset + line.len() - trimmed.len();
            return Some(at..at + "containers".len());
        }
        offset += line.len();
    }
    None
}

/// Workload templates of charts none of whose templates mentions any of
/// `words` (the chart is known by its Chart.yaml).
pub fn workloads_without(cx: &IacContext<'_>, words: &[&str]) -> Vec<ChartWorkload> {
    let mut out = Vec::new();
    // Whether each chart folder's files mention a word: one pass over the files.
    let mut mentions: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    for (_, g) in cx.files() {
        if let Some(dir) = chart_dir(&g.file.path) {
            let m = mentions.entry(dir).or_insert(false);
            *m = *m || words.iter().any(|w| g.file.text.contains(w));
        }
    }
    for (fi, f) in cx.files() {
        if !f.template || f.file.path.ends_with(".tpl") {
            continue;
        }
        let Some(kind) = workload_kind(&f.file.text) else {
            continue;
        };
        let Some(containers) = containers_key(&f.file.text) else {
            continue;
        };
        let Some(dir) = chart_dir(&f.file.path) else {
            continue;
        };
        if chart_of(cx, &f.file.path).is_none() {
            continue;
        }
        let mentioned = mentions.get(dir).copied().unwrap_or(false);
        if !mentioned {
            out.push(ChartWorkload {
                file: fi,
                kind,
                containers,
            });
        }
    }
    out
}
