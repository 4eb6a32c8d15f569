//! PRV008 unencrypted-state: a Terraform root module with no remote backend,
//! or an `s3` backend with `encrypt = false`.

use super::{IacCheck, IacContext};
use crate::finding::Sink;
use crate::parse::iac::DocClass;
use crate::parse::located::Seg;
use serde_json::Value;
use std::collections::BTreeMap;

pub struct TerraformStateBackend;

impl IacCheck for TerraformStateBackend {
    fn code(&self) -> &'static str {
        "PRV008"
    }

    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let key = |s: &str| Seg::Key(s.to_string());
        // Group Terraform files by folder: a folder is one module.
        let mut modules: BTreeMap<&str, Vec<(usize, &crate::parse::iac::IacDoc)>> = BTreeMap::new();
        for (fi, f, d) in cx.docs().filter(|(_, _, d)| d.class == DocClass::Terraform) {
            let dir = f.file.path.rsplit_once('/').map_or("", |(d, _)| d);
            modules.entry(dir).or_default().push((fi, d));
        }
        for (dir, docs) in modules {
            // Child modules (under a `modules/` folder) inherit their caller's state.
            if dir.split('/').any(|s| s == "modules") {
                continue;
            }
            let is_root = docs.iter().any(|(_, d)| {
                d.located.value.get("provider").is_some() || d.located.value.get("terraform").is_some()
            });
            if !is_root {
                continue;
            }
            let mut backend = None;
            for (fi, d) in &docs {
                for (ti, t) in d
                    .located
                    .value
                    .get("terraform")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if let Some(b) = t.get("backend").and_then(Value::as_object) {
                        for (btype, bodies) in b {
                            backend = Some(btype.clone());
                            for (bi, body) in bodies.as_array().into_iter().flatten().enumerate() {
                                let off = body
                                    .get("encrypt")
                                    .is_some_and(|e| e == &Value::Bool(false) || e.as_str() == Some("false"));
                                if btype == "s3" && off {
                                    let p = vec![
                                        key("terraform"),
                                        Seg::Index(ti),
                                        key("backend"),
                                        key(btype),
                                        Seg::Index(bi),
                                        key("encrypt"),
                                    ];
                                    sink.report_in(
                                        *fi,
                                        d.located.span_of(&p),
                                        "the s3 state backend has `encrypt = false`",
                                    );
                                }
                            }
                        }
                    }
                }
            }
            if backend.is_none() || backend.as_deref() == Some("local") {
                let (fi, d) = docs
                    .iter()
                    .find(|(_, d)| d.located.value.get("terraform").is_some())
                    .or(docs.first())
                    .copied()
                    .expect("a module has a file");
                let at = if d.located.value.get("terraform").is_some() {
                    vec![key("terraform"), Seg::Index(0)]
                } else {
                    vec![key("provider")]
                };
                let where_ = if dir.is_empty() {
                    "the repository root".to_string()
                } else {
                    format!("`{dir}/`")
                };
                sink.report_in(
                    fi,
                    d.located.span_of(&at),
                    format!("Terraform root module {where_} keeps its state locally (no remote backend)"),
                );
            }
        }
    }
}
