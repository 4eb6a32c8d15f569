//! PRV007 wildcard-iam-action: an IAM policy statement that allows every
//! action (`*`), in an `aws_iam_policy_document` or an inline JSON policy.

use super::{children, terraform_blocks, IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::DocClass;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

pub struct WildcardIamAction;

/// `"Action": "*"`, `Action = ["*"]` in inline policies (jsonencode or heredoc).
static INLINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""?Action"?\s*[:=]\s*\[?\s*"\*""#).expect("valid regex"));

impl IacCheck for WildcardIamAction {
    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (fi, f, d) in cx.docs().filter(|(_, _, d)| d.class == DocClass::Terraform) {
            for (_, name, base, body) in terraform_blocks(d, "data")
                .into_iter()
                .filter(|b| b.0 == "aws_iam_policy_document")
            {
                for (sp, st) in children(body, &base, "statement") {
                    if st.get("effect").and_then(Value::as_str) == Some("Deny") {
                        continue;
                    }
                    let Some((ap, _)) = children(st, &sp, "actions")
                        .into_iter()
                        .find(|(_, x)| x.as_str() == Some("*"))
                    else {
                        continue;
                    };
                    sink.report_in(
                        fi,
                        d.located.span_of(&ap),
                        format!("policy document `{name}` allows every action (`*`)"),
                    );
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

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn reports_the_rule_example() {
        let hits = iac_hits(
            "PRV007",
            &[(
                "infra/iam.tf",
                r##"data "aws_iam_policy_document" "backup" {
  statement {
    actions   = ["*"]
    resources = ["arn:aws:s3:::harbor-backups/*"]
  }
}
"##,
            )],
            &[],
        );
        assert_eq!(lines(&hits), [3], "{hits:#?}");
        assert!(hits.iter().all(|h| h.path == "infra/iam.tf"));
    }

    #[test]
    fn silent_on_the_fixed_example() {
        let hits = iac_hits(
            "PRV007",
            &[(
                "infra/iam.tf",
                r##"data "aws_iam_policy_document" "backup" {
  statement {
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["arn:aws:s3:::harbor-backups/*"]
  }
}
"##,
            )],
            &[],
        );
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn deny_statements_are_fine_and_inline_json_is_read() {
        let tf = r#"
data "aws_iam_policy_document" "guard" {
  statement {
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "admin" {
  name = "admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
"#;
        let hits = iac_hits("PRV007", &[("infra/iam.tf", tf)], &[]);
        assert_eq!(lines(&hits), [14], "{hits:#?}");
    }
}
