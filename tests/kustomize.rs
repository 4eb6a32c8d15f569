//! The native Kustomize renderer (`constable::render`): fixtures under
//! `fixtures/kustomize/` and small in-memory repositories.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use constable::parse::located::{Located, Seg};
use constable::parse::yaml::parse_yaml;
use constable::render::{render, InputFile, Origin, ProblemKind, RenderedObject, Rendering};
use serde_json::{json, Value};

/// A repository as the caller would hand it over: every YAML file, parsed.
struct Repo {
    root: Option<PathBuf>,
    paths: Vec<String>,
    texts: Vec<String>,
    docs: Vec<Vec<Located>>,
    values: Vec<Vec<Value>>,
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if e.file_type().unwrap().is_dir() {
            walk(&e.path(), &r, out);
        } else if name.ends_with(".yaml") || name.ends_with(".yml") || name == "Kustomization" {
            out.push((r, std::fs::read_to_string(e.path()).unwrap()));
        }
    }
}

impl Repo {
    fn new(root: Option<PathBuf>, files: Vec<(String, String)>) -> Repo {
        let (paths, texts): (Vec<_>, Vec<_>) = files.into_iter().unzip();
        let docs: Vec<Vec<Located>> = texts
            .iter()
            .zip(&paths)
            .map(|(t, p)| parse_yaml(t).unwrap_or_else(|e| panic!("{p}: {}", e.message)))
            .collect();
        let values = docs
            .iter()
            .map(|d| d.iter().map(|l| l.value.clone()).collect())
            .collect();
        Repo {
            root,
            paths,
            texts,
            docs,
            values,
        }
    }

    fn fixture(name: &str) -> Repo {
        let root = common::fixture("kustomize").join(name);
        let mut files = Vec::new();
        walk(&root, "", &mut files);
        Repo::new(Some(root), files)
    }

    fn mem(files: &[(&str, &str)]) -> Repo {
        Repo::new(
            None,
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        )
    }

    fn render(&self, deployed: &[&str]) -> Rendering {
        let refs: Vec<Vec<&Value>> = self.values.iter().map(|v| v.iter().collect()).collect();
        let inputs: Vec<InputFile<'_>> = self
            .paths
            .iter()
            .zip(&refs)
            .map(|(p, v)| InputFile { path: p, docs: v })
            .collect();
        let is_dir = |rel: &str| match &self.root {
            Some(root) => root.join(rel).is_dir(),
            None => self.paths.iter().any(|p| p.starts_with(&format!("{rel}/"))),
        };
        let deployed: BTreeSet<String> = deployed.iter().map(|d| d.to_string()).collect();
        render(&inputs, &is_dir, &deployed)
    }

    fn file(&self, path: &str) -> usize {
        self.paths
            .iter()
            .position(|p| p == path)
            .unwrap_or_else(|| panic!("no {path}"))
    }

    /// "path:line" of an origin, through the parser's positions.
    fn at(&self, o: &Origin) -> String {
        let span = self.docs[o.file][o.doc].span_of(&o.path);
        let line = self.texts[o.file][..span.start].matches('\n').count() + 1;
        format!("{}:{line}", self.paths[o.file])
    }

    /// "path:line" of the line holding `needle` in a file (for assertions).
    fn line_of(&self, path: &str, needle: &str) -> String {
        let text = &self.texts[self.file(path)];
        let line = text
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle}"))
            + 1;
        format!("{path}:{line}")
    }

    fn leaf<'r>(&self, r: &'r Rendering, dir: &str) -> &'r [RenderedObject] {
        let (_, objs) = r
            .leaves
            .iter()
            .find(|(k, _)| r.kustomizations[*k].dir == dir)
            .unwrap_or_else(|| panic!("no leaf {dir}"));
        objs
    }

    /// A stable text form of a rendering, for snapshots.
    fn report(&self, r: &Rendering) -> String {
        let mut s = String::new();
        for (k, objs) in &r.leaves {
            s += &format!("leaf {}\n", self.paths[r.kustomizations[*k].file]);
            for o in objs {
                s += &serde_json::to_string_pretty(&o.value).unwrap();
                s += "\n";
            }
        }
        for p in &r.problems {
            let o = Origin {
                file: p.file,
                doc: p.doc,
                path: p.path.clone(),
            };
            s += &format!("problem {} {:?}: {}\n", self.at(&o), p.kind, p.message);
        }
        for (f, d) in &r.consumed {
            s += &format!("consumed {}#{d}\n", self.paths[*f]);
        }
        for f in &r.patch_files {
            s += &format!("patch file {}\n", self.paths[*f]);
        }
        s
    }
}

fn p(path: &str) -> Vec<Seg> {
    path.split('.')
        .map(|s| match s.parse::<usize>() {
            Ok(i) => Seg::Index(i),
            Err(_) => Seg::Key(s.to_string()),
        })
        .collect()
}

fn find<'o>(objs: &'o [RenderedObject], kind: &str) -> &'o RenderedObject {
    objs.iter()
        .find(|o| o.kind() == Some(kind))
        .unwrap_or_else(|| panic!("no {kind}"))
}

#[test]
fn fixtures_render_as_snapshotted() {
    for name in [
        "probes-in-overlays",
        "no-limits",
        "latest-tag",
        "secret-generator",
        "remote",
        "cycle",
        "outside-root",
        "json6902",
    ] {
        let repo = Repo::fixture(name);
        let r = repo.render(&[]);
        insta::assert_snapshot!(format!("kustomize-{name}"), repo.report(&r));
    }
}

#[test]
fn a_base_without_probes_gets_them_from_each_overlay() {
    let repo = Repo::fixture("probes-in-overlays");
    let r = repo.render(&[]);
    let leaves: Vec<&str> = r
        .leaves
        .iter()
        .map(|(k, _)| r.kustomizations[*k].dir.as_str())
        .collect();
    assert_eq!(
        leaves,
        ["overlays/prod", "overlays/staging"],
        "the base is not a leaf"
    );
    let base = &r.kustomizations[r.kustomizations.iter().position(|k| k.dir == "base").unwrap()];
    assert!(!base.leaf);
    assert_eq!(base.included_by.len(), 2);

    let staging = find(repo.leaf(&r, "overlays/staging"), "Deployment");
    let c0 = "spec.template.spec.containers.0";
    assert_eq!(
        staging
            .value
            .pointer("/spec/template/spec/containers/0/readinessProbe/httpGet/path"),
        Some(&json!("/ready"))
    );
    assert_eq!(staging.namespace(), Some("ledger-staging"));
    // The probe points into the patch file, the image into the base.
    assert_eq!(
        repo.at(&staging.origin(&p(&format!("{c0}.readinessProbe")))),
        repo.line_of("overlays/staging/probes.yaml", "readinessProbe")
    );
    assert_eq!(
        repo.at(&staging.origin(&p(&format!("{c0}.image")))),
        repo.line_of("base/deployment.yaml", "ledger:2.4.1")
    );
    // The namespace was written by the overlay's `namespace:`.
    assert_eq!(
        repo.at(&staging.origin(&p("metadata.namespace"))),
        repo.line_of("overlays/staging/kustomization.yaml", "namespace:")
    );

    let prod = find(repo.leaf(&r, "overlays/prod"), "Deployment");
    assert_eq!(
        prod.name(),
        Some("prod-ledger"),
        "namePrefix, and the target kept the name"
    );
    assert_eq!(prod.value["spec"]["replicas"], json!(3));
    let cs = prod.value["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert!(cs.iter().all(|c| c.get("readinessProbe").is_some()));
    assert_eq!(cs[0]["image"], "registry.example.org/ledger:2.4.2");
    // An inline patch: the origin is the `patch` key itself.
    let o = prod.origin(&p(&format!("{c0}.readinessProbe.httpGet")));
    assert_eq!(o.path, p("patches.0.patch"));
    assert_eq!(
        repo.at(&o),
        repo.line_of("overlays/prod/kustomization.yaml", "patch: |-")
    );
    assert_eq!(
        repo.at(&prod.origin(&p(&format!("{c0}.image")))),
        repo.line_of("overlays/prod/kustomization.yaml", "newTag: 2.4.2")
    );
    assert_eq!(
        repo.at(&prod.origin(&p("spec.replicas"))),
        repo.line_of("overlays/prod/kustomization.yaml", "count: 3")
    );
    // Limits untouched by any patch: still the base's lines.
    assert_eq!(
        repo.at(&prod.origin(&p(&format!("{c0}.resources.limits")))),
        repo.line_of("base/deployment.yaml", "limits:")
    );

    let dep = repo.file("base/deployment.yaml");
    assert!(r.consumed.contains(&(dep, 0)));
    // Which files wrote each Deployment (for --changed-since).
    let names =
        |o: &RenderedObject| -> Vec<String> { o.sources().iter().map(|f| repo.paths[*f].clone()).collect() };
    assert_eq!(
        names(staging),
        [
            "base/deployment.yaml",
            "overlays/staging/kustomization.yaml",
            "overlays/staging/probes.yaml"
        ]
    );
    assert_eq!(
        names(prod),
        ["base/deployment.yaml", "overlays/prod/kustomization.yaml"]
    );
    assert!(r.patch_files.contains(&repo.file("overlays/staging/probes.yaml")));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn missing_limits_point_at_the_base_in_every_overlay() {
    let repo = Repo::fixture("no-limits");
    let r = repo.render(&[]);
    assert_eq!(r.leaves.len(), 2);
    for (_, objs) in &r.leaves {
        let d = find(objs, "Deployment");
        let c = &d.value["spec"]["template"]["spec"]["containers"][0];
        assert!(c.get("resources").is_none());
        assert_eq!(
            repo.at(&d.origin(&p("spec.template.spec.containers.0"))),
            repo.line_of("base/worker.yaml", "- name: worker")
        );
    }
    let dev = find(repo.leaf(&r, "overlays/dev"), "Deployment");
    let env = dev.value.pointer("/spec/template/spec/containers/0/env").unwrap();
    assert_eq!(
        env,
        &json!([{"name": "QUEUE", "value": "jobs"}, {"name": "LOG_LEVEL", "value": "debug"}])
    );
    assert_eq!(
        repo.at(&dev.origin(&p("spec.template.spec.containers.0.env.1"))),
        repo.line_of("overlays/dev/env.yaml", "LOG_LEVEL")
    );
    let prod = find(repo.leaf(&r, "overlays/prod"), "Deployment");
    assert_eq!(
        prod.value.pointer("/spec/selector/matchLabels/env"),
        Some(&json!("prod"))
    );
    assert_eq!(
        prod.value.pointer("/spec/template/metadata/labels/env"),
        Some(&json!("prod"))
    );
    assert_eq!(prod.value["spec"]["replicas"], json!(4));
}

#[test]
fn a_patch_that_sets_latest_points_at_the_patch() {
    let repo = Repo::fixture("latest-tag");
    let r = repo.render(&[]);
    let cron = find(repo.leaf(&r, "app"), "CronJob");
    let image = "spec.jobTemplate.spec.template.spec.containers.0.image";
    assert_eq!(
        cron.value
            .pointer("/spec/jobTemplate/spec/template/spec/containers/0/image"),
        Some(&json!("registry.example.org/report:latest"))
    );
    assert_eq!(
        repo.at(&cron.origin(&p(image))),
        repo.line_of("app/use-latest.yaml", "report:latest")
    );
    assert_eq!(
        cron.value["spec"]["schedule"], "0 2 * * *",
        "untouched fields stay"
    );
    assert!(r.patch_files.contains(&repo.file("app/use-latest.yaml")));
    assert!(!r.consumed.contains(&(repo.file("app/use-latest.yaml"), 0)));
}

#[test]
fn secret_generator_literals_keep_their_lines() {
    let repo = Repo::fixture("secret-generator");
    let r = repo.render(&[]);
    let objs = repo.leaf(&r, "app");
    let secret = find(objs, "Secret");
    assert_eq!(secret.name(), Some("billing-db"));
    assert_eq!(secret.namespace(), Some("billing"));
    assert_eq!(secret.value["type"], "Opaque");
    assert_eq!(
        secret.value["data"]["DB_PASSWORD"],
        "Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5"
    );
    assert_eq!(
        repo.at(&secret.origin(&p("data.DB_PASSWORD"))),
        repo.line_of("app/kustomization.yaml", "DB_PASSWORD=")
    );
    assert_eq!(
        repo.at(&secret.origin(&[])),
        repo.line_of("app/kustomization.yaml", "- name: billing-db")
    );
    let cm = find(objs, "ConfigMap");
    assert_eq!(
        cm.value["data"],
        json!({"CURRENCY": "EUR"}),
        "files are referenced, not read"
    );
    // The generator's data file is not a manifest.
    assert!(r.consumed.contains(&(repo.file("app/settings.yaml"), 0)));
}

#[test]
fn remote_resources_are_reported_not_fetched() {
    let repo = Repo::fixture("remote");
    let r = repo.render(&[]);
    let remote: Vec<String> = r
        .problems
        .iter()
        .filter(|x| x.kind == ProblemKind::Remote)
        .map(|x| {
            repo.at(&Origin {
                file: x.file,
                doc: x.doc,
                path: x.path.clone(),
            })
        })
        .collect();
    assert_eq!(
        remote,
        ["cluster/kustomization.yaml:2", "cluster/kustomization.yaml:3"]
    );
    assert_eq!(
        repo.leaf(&r, "cluster").len(),
        1,
        "the local namespace still renders"
    );
}

#[test]
fn a_cycle_is_reported_once_and_terminates() {
    let repo = Repo::fixture("cycle");
    let r = repo.render(&[]);
    let cycles: Vec<_> = r
        .problems
        .iter()
        .filter(|x| x.kind == ProblemKind::Cycle)
        .collect();
    assert_eq!(cycles.len(), 1, "{:?}", r.problems);
    assert_eq!(cycles[0].message, "kustomization cycle: left -> right -> left");
    assert_eq!(
        repo.at(&Origin {
            file: cycles[0].file,
            doc: 0,
            path: cycles[0].path.clone()
        }),
        repo.line_of("right/kustomization.yaml", "../left")
    );
    let names: Vec<_> = repo.leaf(&r, "top").iter().map(|o| o.name().unwrap()).collect();
    assert_eq!(names, ["left-config", "right-config"]);
}

#[test]
fn outside_root_missing_and_folder_without_kustomization() {
    let repo = Repo::fixture("outside-root");
    let r = repo.render(&[]);
    let got: Vec<(ProblemKind, String)> = r.problems.iter().map(|x| (x.kind, x.message.clone())).collect();
    assert_eq!(
        got,
        [
            (
                ProblemKind::OutsideRoot,
                "`../../x` is outside the repository".to_string()
            ),
            (
                ProblemKind::Missing,
                "folder `../shared` has no kustomization.yaml".to_string()
            ),
            (ProblemKind::Missing, "`missing.yaml` does not exist".to_string()),
        ]
    );
    assert_eq!(repo.leaf(&r, "app").len(), 1);
}

#[test]
fn json6902_patches_from_files_and_inline() {
    let repo = Repo::fixture("json6902");
    let r = repo.render(&[]);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let sts = find(repo.leaf(&r, "app"), "StatefulSet");
    let c = &sts.value["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "registry.example.org/cache:7.2.5");
    assert_eq!(c["securityContext"], json!({"runAsNonRoot": true}));
    assert_eq!(c["livenessProbe"]["tcpSocket"]["port"], 6379);
    let c0 = "spec.template.spec.containers.0";
    assert_eq!(
        repo.at(&sts.origin(&p(&format!("{c0}.livenessProbe.tcpSocket")))),
        repo.line_of("app/add-probe.yaml", "tcpSocket:")
    );
    assert_eq!(
        repo.at(&sts.origin(&p("spec.template.spec.initContainers.0.image"))),
        repo.line_of("app/add-probe.yaml", "busybox")
    );
    assert_eq!(sts.origin(&p(&format!("{c0}.image"))).path, p("patches.0.patch"));
    assert_eq!(
        repo.at(&sts.origin(&p(&format!("{c0}.securityContext.runAsNonRoot")))),
        repo.line_of("app/statefulset.yaml", "runAsNonRoot")
    );
}

// ---- in-memory repositories: one semantic each ----

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.25
        - name: helper
          image: docker.io/library/busybox
";

fn only(r: &Rendering) -> &[RenderedObject] {
    assert_eq!(
        r.leaves.len(),
        1,
        "{:?}",
        r.leaves.iter().map(|l| l.0).collect::<Vec<_>>()
    );
    &r.leaves[0].1
}

#[test]
fn images_transformer_new_name_tag_and_digest() {
    let repo = Repo::mem(&[
        ("d.yaml", DEPLOY),
        (
            "kustomization.yaml",
            "resources: [d.yaml]\nimages:\n  - name: nginx\n    newName: mirror.example.org/nginx\n    newTag: \"1.27\"\n  - name: docker.io/library/busybox\n    digest: sha256:abc\n",
        ),
    ]);
    let r = repo.render(&[]);
    let d = &only(&r)[0];
    let cs = &d.value["spec"]["template"]["spec"]["containers"];
    assert_eq!(cs[0]["image"], "mirror.example.org/nginx:1.27");
    assert_eq!(cs[1]["image"], "docker.io/library/busybox@sha256:abc");
    assert_eq!(
        d.origin(&p("spec.template.spec.containers.0.image")).path,
        p("images.0.newTag")
    );
    assert_eq!(
        d.origin(&p("spec.template.spec.containers.1.image")).path,
        p("images.1.digest")
    );
}

#[test]
fn patch_without_target_must_match_its_header() {
    let repo = Repo::mem(&[
        ("d.yaml", DEPLOY),
        (
            "kustomization.yaml",
            "resources: [d.yaml]\npatches:\n  - patch: |\n      kind: Deployment\n      metadata:\n        name: other\n      spec:\n        replicas: 2\n  - patch: |\n      kind: Deployment\n      metadata:\n        name: web\n        namespace: elsewhere\n      spec:\n        replicas: 3\n  - patch: |\n      kind: Deployment\n      metadata:\n        name: web\n      spec:\n        replicas: 4\n",
        ),
    ]);
    let r = repo.render(&[]);
    assert_eq!(only(&r)[0].value["spec"]["replicas"], 4);
    let bad: Vec<_> = r
        .problems
        .iter()
        .filter(|x| x.kind == ProblemKind::BadPatch)
        .map(|x| x.path.clone())
        .collect();
    assert_eq!(bad, [p("patches.0.patch"), p("patches.1.patch")]);
}

#[test]
fn selectors_by_regex_label_and_annotation() {
    let objs = "kind: ConfigMap
metadata: {name: app-a, labels: {team: x}, annotations: {owner: ops}}
---
kind: ConfigMap
metadata: {name: app-b, labels: {team: y}}
---
kind: ConfigMap
metadata: {name: other, labels: {team: x}}
";
    let k = "resources: [o.yaml]
patches:
  - target: {kind: ConfigMap, name: app-.*}
    patch: '[{op: add, path: /data, value: {a: \"1\"}}]'
  - target: {labelSelector: team=x}
    patch: '[{op: add, path: /metadata/labels/seen, value: \"yes\"}]'
  - target:
      annotationSelector: owner in (ops,dev)
    patch: |
      kind: ConfigMap
      metadata: {name: ignored}
      data: {b: \"2\"}
";
    let repo = Repo::mem(&[("o.yaml", objs), ("kustomization.yaml", k)]);
    let r = repo.render(&[]);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let got: Vec<Value> = only(&r).iter().map(|o| o.value.clone()).collect();
    assert_eq!(got[0]["data"], json!({"a": "1", "b": "2"}));
    assert_eq!(got[0]["metadata"]["name"], "app-a");
    assert_eq!(got[1]["data"], json!({"a": "1"}));
    assert_eq!(got[2].get("data"), None);
    assert_eq!(got[2]["metadata"]["labels"]["seen"], "yes");
    assert_eq!(got[1]["metadata"]["labels"].get("seen"), None);
}

#[test]
fn patch_can_delete_a_whole_object_and_bad_patches_are_reported() {
    let repo = Repo::mem(&[
        ("d.yaml", DEPLOY),
        ("s.yaml", "kind: Service\nmetadata: {name: web}\n"),
        (
            "kustomization.yaml",
            "resources: [d.yaml, s.yaml]\npatchesStrategicMerge:\n  - |\n    kind: Service\n    metadata: {name: web}\n    $patch: delete\npatchesJson6902:\n  - target: {kind: Deployment, name: web}\n    patch: '[{op: remove, path: /spec/nope}]'\n  - patch: '[]'\npatches:\n  - target: {kind: Deployment}\n",
        ),
    ]);
    let r = repo.render(&[]);
    let kinds: Vec<_> = only(&r).iter().map(|o| o.kind().unwrap()).collect();
    assert_eq!(kinds, ["Deployment"]);
    let bad: Vec<_> = r.problems.iter().map(|x| (x.kind, x.path.clone())).collect();
    assert_eq!(
        bad,
        [
            (ProblemKind::BadPatch, p("patches.0")),
            (ProblemKind::BadPatch, p("patchesJson6902.0")),
            (ProblemKind::BadPatch, p("patchesJson6902.1"))
        ]
    );
    assert!(
        r.problems[1].message.contains("Deployment web"),
        "{}",
        r.problems[1].message
    );
}

#[test]
fn components_transform_what_the_parent_accumulated() {
    let repo = Repo::mem(&[
        ("base/d.yaml", DEPLOY),
        ("base/kustomization.yaml", "resources: [d.yaml]\n"),
        (
            "components/probes/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: p.yaml\n",
        ),
        (
            "components/probes/p.yaml",
            "kind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          livenessProbe: {tcpSocket: {port: 80}}\n",
        ),
        ("app/kustomization.yaml", "resources: [../base]\ncomponents: [../components/probes]\nnamePrefix: a-\n"),
    ]);
    let r = repo.render(&[]);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let comp = r
        .kustomizations
        .iter()
        .find(|k| k.dir == "components/probes")
        .unwrap();
    assert!(comp.component && !comp.leaf);
    let d = &only(&r)[0];
    assert_eq!(d.name(), Some("a-web"));
    assert!(d
        .value
        .pointer("/spec/template/spec/containers/0/livenessProbe")
        .is_some());
    let o = d.origin(&p("spec.template.spec.containers.0.livenessProbe"));
    assert_eq!(repo.paths[o.file], "components/probes/p.yaml");
}

#[test]
fn deployed_folders_are_leaves_even_when_included() {
    let repo = Repo::mem(&[
        ("base/d.yaml", DEPLOY),
        ("base/kustomization.yaml", "resources: [d.yaml]\n"),
        ("prod/kustomization.yaml", "bases: [../base]\n"),
    ]);
    let r = repo.render(&[]);
    assert_eq!(r.leaves.len(), 1);
    let r = repo.render(&["./base/"]);
    let dirs: Vec<_> = r
        .leaves
        .iter()
        .map(|(k, _)| r.kustomizations[*k].dir.as_str())
        .collect();
    assert_eq!(dirs, ["base", "prod"]);
    assert!(r.kustomizations[r.leaves[0].0].deployed);
}

#[test]
fn generator_behaviour_merge_and_labels_selectors() {
    let repo = Repo::mem(&[
        ("base/kustomization.yaml", "configMapGenerator:\n  - name: cfg\n    literals: [A=1, B=2]\n"),
        (
            "app/kustomization.yaml",
            "resources: [../base]\nconfigMapGenerator:\n  - name: cfg\n    behavior: merge\n    literals: ['B=\"3\"']\nlabels:\n  - pairs: {team: core}\ncommonAnnotations: {note: x}\n",
        ),
    ]);
    let r = repo.render(&[]);
    let cm = &only(&r)[0];
    assert_eq!(cm.value["data"], json!({"A": "1", "B": "3"}));
    assert_eq!(cm.value["metadata"]["labels"], json!({"team": "core"}));
    assert_eq!(cm.value["metadata"]["annotations"], json!({"note": "x"}));
    assert_eq!(
        repo.paths[cm.origin(&p("data.A")).file],
        "base/kustomization.yaml"
    );
    assert_eq!(cm.origin(&p("data.B")).path, p("configMapGenerator.0.literals.0"));
    assert_eq!(repo.paths[cm.origin(&p("data.B")).file], "app/kustomization.yaml");
}

#[test]
fn rendering_is_deterministic() {
    let repo = Repo::fixture("probes-in-overlays");
    let a = repo.report(&repo.render(&[]));
    for _ in 0..3 {
        assert_eq!(a, repo.report(&repo.render(&[])));
    }
}

#[test]
fn a_thousand_kustomizations_render_quickly() {
    // 500 bases, each with two overlays, plus a 300-deep chain: every
    // kustomization is rendered once.
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..334 {
        files.push((
            format!("b{i}/d.yaml"),
            DEPLOY.replace("name: web", &format!("name: web{i}")),
        ));
        files.push((format!("b{i}/kustomization.yaml"), "resources: [d.yaml]\n".into()));
        for o in ["dev", "prod"] {
            files.push((
                format!("o{i}/{o}/kustomization.yaml"),
                format!(
                    "resources: [../../b{i}]\nnamespace: {o}\nimages: [{{name: nginx, newTag: \"1.27\"}}]\n"
                ),
            ));
        }
    }
    files.push((
        "chain/0/kustomization.yaml".into(),
        "resources: [../../b0]\n".into(),
    ));
    for i in 1..300 {
        files.push((
            format!("chain/{i}/kustomization.yaml"),
            format!("resources: [../{}]\nnameSuffix: -x\n", i - 1),
        ));
    }
    let repo = Repo::new(None, files);
    let start = Instant::now();
    let r = repo.render(&[]);
    let took = start.elapsed();
    assert_eq!(r.kustomizations.len(), 334 * 3 + 300);
    assert_eq!(r.leaves.len(), 334 * 2 + 1);
    assert!(r.problems.is_empty());
    let last = &r.leaves.last().unwrap().1[0];
    assert!(last.name().unwrap().ends_with("-x-x"));
    assert!(took.as_secs_f64() < 5.0, "took {took:?}");
}

#[test]
fn plugin_configs_are_consumed_and_unread_files_not_reported() {
    let repo = Repo::mem(&[
        ("d.yaml", DEPLOY),
        ("label-config.yaml", "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: l}\n"),
        (
            "kustomization.yaml",
            "resources: [d.yaml, extra.json, gone.yaml]\ntransformers: [label-config.yaml]\npatches:\n  - path: ops.json\n    target: {kind: Deployment}\n",
        ),
        (
            "flux/kustomization.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec: {path: ./apps}\n",
        ),
    ]);
    let r = repo.render(&[]);
    let dirs: Vec<_> = r.kustomizations.iter().map(|k| k.dir.as_str()).collect();
    assert_eq!(
        dirs,
        [""],
        "a Flux Kustomization object is not a kustomization file"
    );
    assert!(r.consumed.contains(&(repo.file("label-config.yaml"), 0)));
    let got: Vec<_> = r.problems.iter().map(|x| (x.kind, x.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (ProblemKind::Missing, "`gone.yaml` does not exist"),
            (
                ProblemKind::Unsupported,
                "`transformers` is not applied; objects rendered from this kustomization may differ from kustomize's"
            ),
        ]
    );
    assert_eq!(only(&r).len(), 1);
}

/// Every YAML file of a folder tree that parses (the others are the
/// caller's TREE003 problem, not the renderer's).
fn parsable_tree(root: &Path) -> Repo {
    let mut files = Vec::new();
    walk_lenient(root, "", &mut files);
    let files = files.into_iter().filter(|(_, t)| parse_yaml(t).is_ok()).collect();
    Repo::new(Some(root.to_path_buf()), files)
}

fn walk_lenient(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(kind) = e.file_type() else { continue };
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if kind.is_dir() && !name.starts_with('.') {
            walk_lenient(&e.path(), &r, out);
        } else if kind.is_file() && (name.ends_with(".yaml") || name.ends_with(".yml")) {
            if let Ok(t) = std::fs::read_to_string(e.path()) {
                out.push((r, t));
            }
        }
    }
}

#[test]
fn corpus_repositories_render_deterministically() {
    let Some(corpus) = common::shared("corpus") else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    let mut dirs: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut kustomizations = 0;
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let repo = parsable_tree(dir);
        let r = repo.render(&[]);
        kustomizations += r.kustomizations.len();
        // Every origin resolves to a real document of the input.
        for (_, objs) in &r.leaves {
            for o in objs {
                let origin = o.origin(&[]);
                assert!(origin.doc < repo.docs[origin.file].len(), "{}", dir.display());
            }
        }
        assert_eq!(
            repo.report(&r),
            repo.report(&repo.render(&[])),
            "{}",
            dir.display()
        );
    }
    assert!(kustomizations > 0, "the corpus has kustomizations");
}
