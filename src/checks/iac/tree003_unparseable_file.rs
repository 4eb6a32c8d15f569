//! TREE003 unparseable-file: an IaC file the YAML or HCL parser rejects.

use super::{IacCheck, IacContext};
use crate::finding::Sink;

pub struct UnparseableFile;

impl IacCheck for UnparseableFile {
    fn code(&self) -> &'static str {
        "TREE003"
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f) in cx.files.iter().enumerate() {
            if let Some(e) = &f.error {
                sink.report_in(fi, e.span.clone(), format!("file does not parse: {}", e.message));
            }
        }
    }
}
