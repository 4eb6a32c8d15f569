//! TREE003 unparseable-file: an IaC file the YAML or HCL parser rejects.

use super::{IacCheck, IacContext};
use crate::checks::Sink;

pub struct UnparseableFile;

impl IacCheck for UnparseableFile {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f) in cx.files() {
            if let Some(e) = &f.error {
                sink.report_in(fi, e.span.clone(), format!("file does not parse: {}", e.message));
            }
        }
    }
}
