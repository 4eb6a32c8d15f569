//! TREE001 missing-path: a path the plan's structure tree lists that does not
//! exist. Entries marked new or optional, and gitignored paths, are counted
//! but not reported.

use super::{PlanCheck, PlanContext};
use crate::finding::Sink;
use crate::repo::Existence;

pub struct MissingPath;

impl PlanCheck for MissingPath {
    fn code(&self) -> &'static str {
        "TREE001"
    }

    fn check(&self, cx: &PlanContext<'_>, sink: &mut Sink<'_>) {
        if cx.tree_existence.len() != cx.tree_entries.len() {
            return;
        }
        // A missing folder is reported once, not once per entry under it.
        let mut missing: Vec<(&str, usize)> = Vec::new();
        let mut reported: Vec<usize> = Vec::new();
        for (e, existence) in cx
            .tree_entries
            .iter()
            .zip(cx.tree_existence)
            .filter(|(e, _)| !e.skip && !e.marked)
        {
            if let Some(m) = missing
                .iter_mut()
                .find(|(dir, _)| e.path.starts_with(&format!("{dir}/")))
            {
                m.1 += 1;
                continue;
            }
            if missing.iter().any(|(p, _)| *p == e.path) {
                continue;
            }
            match existence {
                Existence::Exists | Existence::Ignored => {}
                Existence::Missing => {
                    let what = if e.is_dir { "folder" } else { "file" };
                    missing.push((&e.path, 0));
                    reported.push(sink.out.len());
                    sink.report(
                        e.span.clone(),
                        format!("structure tree lists {what} `{}`, which does not exist", e.path),
                    );
                }
                Existence::Outside => {
                    sink.report(
                        e.span.clone(),
                        format!("structure tree path `{}` points outside the repository", e.path),
                    );
                }
            }
        }
        for ((_, under), at) in missing.iter().zip(reported) {
            if *under > 0 {
                let s = if *under == 1 { "y" } else { "ies" };
                sink.out[at]
                    .message
                    .push_str(&format!(" ({under} entr{s} under it not reported)"));
            }
        }
    }
}
