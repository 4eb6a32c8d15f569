//! TREE006 not-utf8: a script or CI workflow that is not valid UTF-8, read
//! lossily (invalid bytes become U+FFFD) and still scanned.

use super::{IacCheck, IacContext};
use crate::checks::Sink;

pub struct NotUtf8;

impl IacCheck for NotUtf8 {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f) in cx.files() {
            if f.lossy {
                let text = &f.file.text;
                let end = text.find('\n').unwrap_or(text.len());
                let line = text[..end].trim_end_matches('\r');
                sink.report_in(
                    fi,
                    0..line.len(),
                    "file is not valid UTF-8: read with invalid bytes replaced by U+FFFD",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn silent_on_utf8_scripts() {
        let hits = iac_hits("TREE006", &[("scripts/deploy.sh", "#!/bin/sh\necho é\n")], &[]);
        assert!(hits.is_empty(), "{hits:#?}");
    }
}
