//! TREE004 skipped-template: a Helm template (`{{ }}`) that is not YAML
//! until rendered, so its contents are not checked.

use super::{IacCheck, IacContext};
use crate::checks::Sink;

pub struct SkippedTemplate;

impl IacCheck for SkippedTemplate {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f) in cx.files() {
            if f.template {
                let at = f.file.text.find("{{").unwrap_or(0);
                sink.report_in(
                    fi,
                    at..at + 2,
                    "Helm template skipped: it is not YAML until rendered",
                );
            }
        }
    }
}
