//! GIT003 imperative-deploy: a shell command in a script or a CI step that
//! changes the cluster outside GitOps. Commands come from the shell parser,
//! so text that is only echoed, quoted, commented or written by a heredoc
//! is not a command, and dry runs are not deploys. Installing Argo CD or
//! Flux themselves is bootstrapping: reported as info.

use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::finding::Severity;
use crate::parse::shell::deploy;

pub struct ImperativeDeploy;

impl IacCheck for ImperativeDeploy {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f) in cx.files() {
            for d in f
                .commands
                .iter()
                .filter_map(deploy)
                .filter(|d| d.changes_cluster())
            {
                let shown = f.file.text.get(d.span.clone()).unwrap_or_default().to_string();
                if d.bootstrap {
                    sink.report_in_with(
                        fi,
                        d.span.clone(),
                        Severity::Info,
                        format!("`{shown}` bootstraps the GitOps controller itself; the rest should come from Git"),
                    );
                } else {
                    sink.report_in(
                        fi,
                        d.span.clone(),
                        format!("`{shown}` changes the cluster outside GitOps"),
                    );
                }
            }
        }
    }
}
