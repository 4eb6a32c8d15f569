//! TREE007 file-too-large: a plan, feature artifact or IaC file over
//! `[limits] max-file-size`, skipped unread (never opened).

use super::{RepoCheck, RepoContext, Sink};

pub struct FileTooLarge;

impl RepoCheck for FileTooLarge {
    fn check(&self, cx: &RepoContext<'_>, sink: &mut Sink<'_>) {
        for (file, size, cap) in cx.too_large {
            sink.report_in(
                *file,
                0..0,
                format!(
                    "file is {size} bytes, over the {cap}-byte cap (`[limits] max-file-size`): not checked"
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
    fn reports_each_skipped_file_in_its_own_file() {
        let rules = rules_for("TREE007");
        let skipped = [(2, 5_000_000, 4_194_304), (7, 10, 5)];
        let found = crate::evaluate::repo(
            &RepoContext {
                escapes: &[],
                too_large: &skipped,
            },
            &rules,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!((found[0].file, found[1].file), (2, 7));
        assert!(found[0]
            .message
            .contains("5000000 bytes, over the 4194304-byte cap"));
    }
}
