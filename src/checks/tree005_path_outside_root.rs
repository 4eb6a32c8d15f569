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

#[cfg(test)]
mod tests {
    use crate::checks::testing::rules_for;
    use crate::checks::RepoContext;

    #[test]
    fn reports_each_escaping_symlink_in_its_own_file() {
        let rules = rules_for("TREE005");
        let escapes = [(3, "cluster/apps/shared".to_string())];
        let found = crate::evaluate::repo(
            &RepoContext {
                escapes: &escapes,
                too_large: &[],
            },
            &rules,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].file, 3);
        assert_eq!(found[0].span, 0..0);
        assert!(found[0].message.contains("`cluster/apps/shared`"));
    }

    #[test]
    fn silent_without_escapes() {
        let rules = rules_for("TREE005");
        let found = crate::evaluate::repo(
            &RepoContext {
                escapes: &[],
                too_large: &[],
            },
            &rules,
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
