//! PRV007 wildcard-iam-action: an IAM policy statement that allows every
//! action (`*`), in an `aws_iam_policy_document` or an inline JSON policy.

use super::{IacCheck, IacContext};
use crate::finding::Sink;
use crate::parse::iac::DocClass;
use crate::parse::located::Seg;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

pub struct WildcardIamAction;

/// `"Action": "*"`, `Action = ["*"]` in inline policies (jsonencode or heredoc).
static INLINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""?Action"?\s*[:=]\s*\[?\s*"\*""#).expect("valid regex"));

impl IacCheck for WildcardIamAction {
    fn code(&self) -> &'static str {
        "PRV007"
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let key = |s: &str| Seg::Key(s.to_string());
        for (fi, f, d) in cx.docs().filter(|(_, _, d)| d.class == DocClass::Terraform) {
            let docs = d
                .located
                .value
                .pointer("/data/aws_iam_policy_document")
                .and_then(Value::as_object);
            for (name, bodies) in docs.into_iter().flatten() {
                for (bi, body) in bodies.as_array().into_iter().flatten().enumerate() {
                    for (si, st) in body
                        .get("statement")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        if st.get("effect").and_then(Value::as_str) == Some("Deny") {
                            continue;
                        }
                        let Some(ai) = st
                            .get("actions")
                            .and_then(Value::as_array)
                            .and_then(|a| a.iter().position(|x| x.as_str() == Some("*")))
                        else {
                            continue;
                        };
                        let p = vec![
                            key("data"),
                            key("aws_iam_policy_document"),
                            key(name),
                            Seg::Index(bi),
                            key("statement"),
                            Seg::Index(si),
                            key("actions"),
                            Seg::Index(ai),
                        ];
                        sink.report_in(
                            fi,
                            d.located.span_of(&p),
                            format!("policy document `{name}` allows every action (`*`)"),
                        );
                    }
                }
            }
            let text: &str = &f.file.text;
            for m in INLINE.find_iter(text) {
                let line_start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
                if text[line_start..m.start()].trim_start().starts_with(['#', '/']) {
                    continue;
                }
                sink.report_in(
                    fi,
                    m.start()..m.end(),
                    "inline IAM policy allows every action (`\"Action\": \"*\"`)",
                );
            }
        }
    }
}
