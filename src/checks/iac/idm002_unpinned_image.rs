//! IDM002 unpinned-image: a Kubernetes container or init container image
//! with no tag or the `latest` tag; and a Helm chart's `values.yaml` image
//! (`image: repo:tag`, or `image.repository` with `image.tag`, under any
//! key) that is `latest`, or that has no tag while the chart's
//! `appVersion` (Helm's usual default tag) is not pinned either. A templated
//! image (`{{IMAGE}}`, `${IMAGE}`, `$(IMAGE)`) is neither pinned nor
//! unpinned: it is skipped.

use super::tree004_skipped_template::chart_of;
use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::iac::{DocClass, IacDoc};
use crate::parse::located::Seg;
use serde_json::Value;

pub struct UnpinnedImage;

/// An image reference filled in by a template or substitution.
pub fn templated(image: &str) -> bool {
    image.contains("{{") || image.contains("${") || image.contains("$(")
}

/// The tag of an image reference: `Some("")` for `repo:`, `None` for none.
fn tag(image: &str) -> Option<&str> {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.rfind(':').map(|i| &last[i + 1..])
}

/// True when `image` names neither a digest nor a version tag.
pub fn unpinned(image: &str) -> bool {
    if image.contains("@sha256:") {
        return false;
    }
    tag(image).is_none_or(|t| t.is_empty() || t == "latest")
}

/// Every `image` string under a `containers` or `initContainers` list.
fn container_images<'v>(v: &'v Value, path: &mut Vec<Seg>, out: &mut Vec<(Vec<Seg>, &'v str)>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                path.push(Seg::Key(k.clone()));
                if k == "containers" || k == "initContainers" {
                    for (i, c) in child.as_array().into_iter().flatten().enumerate() {
                        if let Some(img) = c.get("image").and_then(Value::as_str) {
                            let mut p = path.clone();
                            p.extend([Seg::Index(i), Seg::Key("image".into())]);
                            out.push((p, img));
                        }
                    }
                }
                container_images(child, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                container_images(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A scalar as text (`1.27` as a YAML number is a tag too).
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What is wrong with one image in a chart's values, if anything, and where.
struct ValuesImage {
    path: Vec<Seg>,
    shown: String,
    /// `latest` (always unpinned) rather than no tag (defaults to appVersion).
    latest: bool,
}

fn is_image_key(k: &str) -> bool {
    k == "image" || k.ends_with("Image") || k.ends_with("_image")
}

/// Unpinned images of a values document.
fn values_images(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<ValuesImage>) {
    let Value::Object(o) = v else {
        if let Value::Array(a) = v {
            for (i, child) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                values_images(child, path, out);
                path.pop();
            }
        }
        return;
    };
    let sibling_tag = o.keys().any(|k| k.to_ascii_lowercase().contains("tag"));
    for (k, child) in o {
        path.push(Seg::Key(k.clone()));
        if is_image_key(k) {
            match child {
                Value::String(s) if !s.is_empty() && !templated(s) && unpinned(s) => {
                    let latest = tag(s) == Some("latest");
                    if latest || !sibling_tag {
                        out.push(ValuesImage {
                            path: path.clone(),
                            shown: s.clone(),
                            latest,
                        });
                    }
                }
                Value::Object(m) if m.contains_key("repository") || m.contains_key("tag") => {
                    let repo = text(m.get("repository")).unwrap_or_default();
                    let t = text(m.get("tag")).unwrap_or_default();
                    let digest = text(m.get("digest")).is_some_and(|d| !d.is_empty());
                    let skip = digest
                        || repo.contains("@sha256:")
                        || templated(&repo)
                        || templated(&t)
                        || (t.is_empty() && tag(&repo).is_some_and(|x| !x.is_empty() && x != "latest"));
                    if !skip && (t.is_empty() || t == "latest") {
                        let at = if m.contains_key("tag") {
                            "tag"
                        } else {
                            "repository"
                        };
                        let mut p = path.clone();
                        p.push(Seg::Key(at.into()));
                        out.push(ValuesImage {
                            path: p,
                            shown: if t.is_empty() { repo } else { format!("{repo}:{t}") },
                            latest: t == "latest",
                        });
                    }
                }
                _ => values_images(child, path, out),
            }
        } else {
            values_images(child, path, out);
        }
        path.pop();
    }
}

/// The chart's `appVersion`, when it pins a version.
fn pinned_app_version(chart: &IacDoc) -> bool {
    text(chart.located.value.get("appVersion"))
        .is_some_and(|v| !v.trim().is_empty() && v != "latest" && !templated(&v))
}

impl IacCheck for UnpinnedImage {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        for (i, j, fi, _, d) in cx.docs_at() {
            if d.class != DocClass::Kubernetes || cx.hidden(i, j, true) {
                continue;
            }
            let mut found = Vec::new();
            container_images(&d.located.value, &mut Vec::new(), &mut found);
            for (path, image) in found {
                if !templated(image) && unpinned(image) {
                    sink.report_in(
                        fi,
                        d.located.span_of(&path),
                        format!("image `{image}` is not pinned to a version"),
                    );
                }
            }
        }
        // Kustomize: the images each leaf overlay deploys (after `images`).
        let mut rendered = super::RenderedFindings::default();
        for r in cx.rendered() {
            let mut found = Vec::new();
            container_images(&r.doc.located.value, &mut Vec::new(), &mut found);
            for (path, image) in found {
                if !templated(image) && unpinned(image) {
                    if let Some((fi, span)) = cx.origin_span(r.object, &path) {
                        rendered.add(
                            fi,
                            span,
                            format!("image `{image}` is not pinned to a version"),
                            r.leaf,
                        );
                    }
                }
            }
        }
        rendered.report(sink);
        // A chart's values.yaml, with its Chart.yaml.
        for (fi, f) in cx.files() {
            let name = f.file.path.rsplit('/').next().unwrap_or(&f.file.path);
            if name != "values.yaml" && name != "values.yml" {
                continue;
            }
            let sibling = f.file.path.replacen(name, "templates/x", 1);
            let Some((_, chart)) = chart_of(cx, &sibling) else {
                continue;
            };
            let app_pinned = chart.docs.first().is_some_and(pinned_app_version);
            for d in &f.docs {
                let mut found = Vec::new();
                values_images(&d.located.value, &mut Vec::new(), &mut found);
                for img in found {
                    if !img.latest && app_pinned {
                        continue;
                    }
                    let message = if img.latest {
                        format!("chart value image `{}` is not pinned to a version", img.shown)
                    } else {
                        format!(
                            "chart value image `{}` has no tag, and the chart's `appVersion` (Helm's default tag) is not pinned",
                            img.shown
                        )
                    };
                    sink.report_in(fi, d.located.span_of(&img.path), message);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::*;

    #[test]
    fn templated_images_are_skipped() {
        let d = "apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec:\n  containers:\n    - { name: a, image: \"{{IMAGE}}\" }\n    - { name: b, image: \"${IMAGE}\" }\n    - { name: c, image: \"$(IMAGE)\" }\n    - { name: d, image: nginx }\n  initContainers:\n    - { name: e, image: \"busybox:latest\" }\n";
        let hits = iac_hits("IDM002", &[("k8s/pod.yaml", d)], &[]);
        assert_eq!(lines(&hits), [9, 11], "{hits:#?}");
    }

    #[test]
    fn chart_values_latest_or_empty_without_app_version() {
        let values = "image:\n  repository: ghcr.io/acme/web\n  tag: latest\nworker:\n  image:\n    repository: ghcr.io/acme/worker\n    tag: \"\"\nsidecar:\n  image: busybox\ncache:\n  image: redis:7.2.4\n";
        let chart = "apiVersion: v2\nname: web\nversion: 0.1.0\n";
        let files = [
            ("charts/web/Chart.yaml", chart),
            ("charts/web/values.yaml", values),
        ];
        let hits = iac_hits("IDM002", &files, &[]);
        assert_eq!(lines(&hits), [3, 7, 9], "{hits:#?}");
        let pinned = "apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: \"2.3.1\"\n";
        let files = [
            ("charts/web/Chart.yaml", pinned),
            ("charts/web/values.yaml", values),
        ];
        assert_eq!(lines(&iac_hits("IDM002", &files, &[])), [3]);
    }
}
