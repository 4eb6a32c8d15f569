//! TREE005 path-outside-root: a symlink under the IaC roots whose target
//! lies outside the repository root. The walk found it and did not follow it.

use super::{RepoCheck, RepoContext, Sink};

pub struct PathOutsideRoot;

impl RepoCheck for PathOutsideRoot {
    fn check(&self, cx: &RepoContext<'_>, sink: &mut Sink<'_>) {
        for (file, link) in cx.escapes {
            sink.report_in(
                *file,
                0..0,
                format!(
                    "`{link}` is a symlink that leads outside the repository; constable does not follow it"
                ),
            );
        }
    }
}
