//! Synthetic monorepo generator for the benchmark harness (issue 11).
//!
//! `cargo run --release --example gen -- OUT_DIR --plans N --iac M [--seed S]`
//!
//! Writes a spec-kit repository: a constitution with five principles, N
//! feature folders under `specs/` and exactly M IaC files (Kubernetes,
//! Kustomize, Argo CD, Helm, Ansible, Terraform), with defects at a fixed
//! rate. The same arguments always give a byte-identical tree. Documented
//! sizes: small = 100 plans / 1,500 IaC files, large = 1,000 / 15,000.
//! Not a test fixture: the text is generated, never checked in.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// SplitMix64: tiny, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NOUNS: &[&str] = &[
    "ledger", "relay", "beacon", "harbor", "quarry", "orchard", "lantern", "meadow", "signal", "cobalt",
    "willow", "atlas", "falcon", "granite", "juniper", "kestrel", "mosaic", "nimbus", "prairie", "tundra",
];
const VERBS: &[&str] = &[
    "ingest", "archive", "routing", "backup", "metrics", "gateway", "cache", "search", "queue", "billing",
    "auth", "storage", "logging", "tracing", "dns", "mail",
];
const IMAGES: &[&str] = &[
    "registry.example.org/platform/api",
    "registry.example.org/platform/worker",
    "ghcr.io/example-team/collector",
    "docker.io/library/nginx",
    "quay.io/example/exporter",
];
const PLATFORMS: &[&str] = &[
    "k3s 1.30 on three arm64 nodes",
    "EKS 1.29 in eu-west-1",
    "GKE Autopilot, regular channel",
    "RKE2 1.28 on bare metal",
];

/// One folder of IaC owned by a plan.
struct Unit {
    plan: usize,
    /// Folders to name in the plan's structure tree.
    dirs: Vec<String>,
    what: &'static str,
}

struct Gen {
    rng: Rng,
    files: BTreeMap<String, String>,
    iac_written: usize,
    iac_limit: usize,
    workloads: usize,
}

impl Gen {
    /// Records an IaC file; false once the limit is reached.
    fn iac(&mut self, path: String, text: String) -> bool {
        if self.iac_written >= self.iac_limit {
            return false;
        }
        self.iac_written += 1;
        self.files.insert(path, text);
        true
    }

    fn doc(&mut self, path: String, text: String) {
        self.files.insert(path, text);
    }

    /// The next workload's container: every tenth lacks probes or uses `:latest`.
    fn container(&mut self, name: &str, indent: &str) -> String {
        let w = self.workloads;
        self.workloads += 1;
        let defect = w % 10 == 4;
        let latest = defect && (w / 10) % 2 == 1;
        let no_probes = defect && !latest;
        let image = self.rng.pick(IMAGES);
        let tag = if latest {
            "latest".to_string()
        } else {
            format!(
                "{}.{}.{}",
                1 + self.rng.below(3),
                self.rng.below(20),
                self.rng.below(10)
            )
        };
        let port = 8000 + self.rng.below(100);
        let mem = 64 << self.rng.below(4);
        let mut s = String::new();
        let i = indent;
        let _ = writeln!(s, "{i}- name: {name}");
        let _ = writeln!(s, "{i}  image: {image}:{tag}");
        let _ = writeln!(s, "{i}  ports:");
        let _ = writeln!(s, "{i}    - name: http");
        let _ = writeln!(s, "{i}      containerPort: {port}");
        let _ = writeln!(s, "{i}  env:");
        let _ = writeln!(s, "{i}    - name: LOG_FORMAT");
        let _ = writeln!(s, "{i}      value: json");
        let _ = writeln!(s, "{i}    - name: LISTEN_PORT");
        let _ = writeln!(s, "{i}      value: \"{port}\"");
        let _ = writeln!(s, "{i}  resources:");
        let _ = writeln!(s, "{i}    requests:");
        let _ = writeln!(s, "{i}      cpu: {}m", 50 + 50 * self.rng.below(4));
        let _ = writeln!(s, "{i}      memory: {mem}Mi");
        let _ = writeln!(s, "{i}    limits:");
        let _ = writeln!(s, "{i}      memory: {}Mi", mem * 2);
        if !no_probes {
            let _ = writeln!(s, "{i}  readinessProbe:");
            let _ = writeln!(s, "{i}    httpGet:");
            let _ = writeln!(s, "{i}      path: /ready");
            let _ = writeln!(s, "{i}      port: http");
            let _ = writeln!(s, "{i}    periodSeconds: 10");
            let _ = writeln!(s, "{i}  livenessProbe:");
            let _ = writeln!(s, "{i}    httpGet:");
            let _ = writeln!(s, "{i}      path: /healthz");
            let _ = writeln!(s, "{i}      port: http");
            let _ = writeln!(s, "{i}    initialDelaySeconds: 5");
        }
        let _ = writeln!(s, "{i}  securityContext:");
        let _ = writeln!(s, "{i}    runAsNonRoot: true");
        let _ = writeln!(s, "{i}    allowPrivilegeEscalation: false");
        let _ = writeln!(s, "{i}    readOnlyRootFilesystem: true");
        let _ = writeln!(s, "{i}    capabilities:");
        let _ = writeln!(s, "{i}      drop: [\"ALL\"]");
        s
    }

    fn deployment(&mut self, name: &str, ns: &str) -> String {
        let replicas = 1 + self.rng.below(3);
        let c = self.container(name, "        ");
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: {name}\n    app.kubernetes.io/part-of: {ns}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {name}\n    spec:\n      serviceAccountName: {name}\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        seccompProfile:\n          type: RuntimeDefault\n      containers:\n{c}"
        )
    }

    fn service(name: &str, ns: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  selector:\n    app.kubernetes.io/name: {name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n"
        )
    }

    /// Plain manifests: a multi-document workload file and its RBAC.
    fn unit_manifests(&mut self, name: &str, plan: usize) -> Option<Unit> {
        let dir = format!("cluster/apps/{name}");
        let ns = format!("team-{}", plan % 17);
        let dep = self.deployment(name, &ns);
        let svc = Self::service(name, &ns);
        let cm = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-settings\n  namespace: {ns}\ndata:\n  retention: \"{}d\"\n  upstream: http://{name}.{ns}.svc.cluster.local\n",
            7 + self.rng.below(30)
        );
        if !self.iac(
            format!("{dir}/workload.yaml"),
            format!("---\n{dep}---\n{svc}---\n{cm}"),
        ) {
            return None;
        }
        let rbac = format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: {ns}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}-reader\n  namespace: {ns}\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"configmaps\"]\n    verbs: [\"get\", \"list\", \"watch\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {name}-reader\n  namespace: {ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: {name}-reader\nsubjects:\n  - kind: ServiceAccount\n    name: {name}\n    namespace: {ns}\n"
        );
        self.iac(format!("{dir}/rbac.yaml"), rbac);
        self.doc(
            format!("docs/runbooks/{name}.md"),
            format!(
                "# Runbook: {name}\n\n## Health\n\n`kubectl -n {ns} rollout status deploy/{name}` must report success.\n\n## Restore\n\nRevert the last commit under `{dir}/` and let Argo CD sync.\n"
            ),
        );
        Some(Unit {
            plan,
            dirs: vec![dir],
            what: "Kubernetes manifests",
        })
    }

    /// Kustomize base plus a production overlay with a strategic-merge patch.
    fn unit_kustomize(&mut self, name: &str, plan: usize) -> Option<Unit> {
        let dir = format!("cluster/kustomize/{name}");
        let ns = format!("team-{}", plan % 17);
        let base = format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: {ns}\nresources:\n  - deployment.yaml\n  - service.yaml\n  - settings.yaml\nlabels:\n  - pairs:\n      app.kubernetes.io/managed-by: argocd\n"
        );
        if !self.iac(format!("{dir}/base/kustomization.yaml"), base) {
            return None;
        }
        let dep = self.deployment(name, &ns);
        self.iac(format!("{dir}/base/deployment.yaml"), dep);
        self.iac(format!("{dir}/base/service.yaml"), Self::service(name, &ns));
        let settings = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-settings\n  namespace: {ns}\ndata:\n  log_level: info\n  pool_size: \"{}\"\n",
            4 + self.rng.below(12)
        );
        self.iac(format!("{dir}/base/settings.yaml"), settings);
        // A JSON 6902 patch inline (replicas) and a strategic-merge patch file (settings).
        let overlay = format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\npatches:\n  - path: settings-patch.yaml\n  - target:\n      kind: Deployment\n      name: {name}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: {}\nimages:\n  - name: {}\n    newTag: {}.{}.0\n",
            3 + self.rng.below(3),
            self.rng.pick(IMAGES),
            2 + self.rng.below(2),
            self.rng.below(9)
        );
        self.iac(format!("{dir}/overlays/prod/kustomization.yaml"), overlay);
        let patch = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-settings\n  namespace: {ns}\ndata:\n  log_level: warn\n  pool_size: \"{}\"\n",
            16 + self.rng.below(16)
        );
        self.iac(format!("{dir}/overlays/prod/settings-patch.yaml"), patch);
        Some(Unit {
            plan,
            dirs: vec![dir],
            what: "Kustomize base and prod overlay",
        })
    }

    /// An Argo CD Application pointing at a folder generated earlier.
    fn unit_argocd(&mut self, name: &str, plan: usize, target: &str) -> Option<Unit> {
        let path = format!("cluster/argocd/{name}.yaml");
        let app = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: platform\n  source:\n    repoURL: https://git.example.org/platform/monorepo.git\n    targetRevision: main\n    path: {target}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: team-{}\n  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n    syncOptions:\n      - CreateNamespace=false\n",
            plan % 17
        );
        if !self.iac(path, app) {
            return None;
        }
        Some(Unit {
            plan,
            dirs: vec!["cluster/argocd".into()],
            what: "Argo CD Applications",
        })
    }

    fn unit_helm(&mut self, name: &str, plan: usize) -> Option<Unit> {
        let dir = format!("charts/{name}");
        let chart = format!(
            "apiVersion: v2\nname: {name}\ndescription: Chart for the {name} service\ntype: application\nversion: 0.{}.{}\nappVersion: \"1.{}.0\"\n",
            1 + self.rng.below(9),
            self.rng.below(9),
            self.rng.below(20)
        );
        if !self.iac(format!("{dir}/Chart.yaml"), chart) {
            return None;
        }
        let values = format!(
            "replicaCount: {}\nimage:\n  repository: {}\n  tag: \"1.{}.0\"\n  pullPolicy: IfNotPresent\nservice:\n  type: ClusterIP\n  port: 80\nresources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    memory: 256Mi\npodSecurityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\nmetrics:\n  serviceMonitor:\n    enabled: true\n    interval: 30s\n",
            1 + self.rng.below(3),
            self.rng.pick(IMAGES),
            self.rng.below(20)
        );
        self.iac(format!("{dir}/values.yaml"), values);
        let tpl = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"chart.fullname\" . }}\n  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n";
        self.iac(format!("{dir}/templates/deployment.yaml"), tpl.to_string());
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include \"chart.fullname\" . }}\nspec:\n  type: {{ .Values.service.type }}\n  ports:\n    - port: {{ .Values.service.port }}\n      targetPort: http\n";
        self.iac(format!("{dir}/templates/service.yaml"), svc.to_string());
        Some(Unit {
            plan,
            dirs: vec![dir],
            what: "Helm chart",
        })
    }

    fn unit_ansible(&mut self, name: &str, plan: usize) -> Option<Unit> {
        let dir = format!("ansible/roles/{name}");
        let pkg = self
            .rng
            .pick(&["chrony", "open-iscsi", "nfs-common", "auditd", "fail2ban"]);
        let tasks = format!(
            "---\n- name: Install {pkg}\n  ansible.builtin.apt:\n    name: {pkg}\n    state: present\n    update_cache: true\n    cache_valid_time: 3600\n\n- name: Write the {name} settings\n  ansible.builtin.template:\n    src: {name}.conf.j2\n    dest: /etc/{name}.conf\n    owner: root\n    group: root\n    mode: \"0644\"\n  notify: Restart {pkg}\n\n- name: Check whether {name} is initialised\n  ansible.builtin.stat:\n    path: /var/lib/{name}/.initialised\n  register: {}_state\n\n- name: Initialise {name} once\n  ansible.builtin.command: /usr/local/bin/{name}-init\n  args:\n    creates: /var/lib/{name}/.initialised\n  when: not {}_state.stat.exists\n",
            name.replace('-', "_"),
            name.replace('-', "_")
        );
        if !self.iac(format!("{dir}/tasks/main.yml"), tasks) {
            return None;
        }
        let handlers = format!(
            "---\n- name: Restart {pkg}\n  ansible.builtin.systemd:\n    name: {pkg}\n    state: restarted\n    daemon_reload: true\n"
        );
        self.iac(format!("{dir}/handlers/main.yml"), handlers);
        let defaults = format!(
            "---\n{}_enabled: true\n{}_port: {}\n{}_log_level: info\n",
            name.replace('-', "_"),
            name.replace('-', "_"),
            9000 + self.rng.below(900),
            name.replace('-', "_")
        );
        self.iac(format!("{dir}/defaults/main.yml"), defaults);
        let book = format!(
            "---\n- name: Apply the {name} role\n  hosts: {}\n  become: true\n  gather_facts: true\n  roles:\n    - role: {name}\n",
            self.rng.pick(&["storage_nodes", "control_plane", "workers", "edge"])
        );
        self.iac(format!("ansible/playbooks/{name}.yml"), book);
        Some(Unit {
            plan,
            dirs: vec![dir, "ansible/playbooks".into()],
            what: "Ansible role and playbook",
        })
    }

    fn unit_terraform(&mut self, name: &str, plan: usize) -> Option<Unit> {
        let dir = format!("terraform/modules/{name}");
        let main = format!(
            "resource \"aws_s3_bucket\" \"this\" {{\n  bucket = \"${{var.prefix}}-{name}\"\n\n  tags = {{\n    Team    = var.team\n    Feature = \"{name}\"\n  }}\n}}\n\nresource \"aws_s3_bucket_versioning\" \"this\" {{\n  bucket = aws_s3_bucket.this.id\n\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}\n\nresource \"aws_s3_bucket_server_side_encryption_configuration\" \"this\" {{\n  bucket = aws_s3_bucket.this.id\n\n  rule {{\n    apply_server_side_encryption_by_default {{\n      sse_algorithm = \"aws:kms\"\n    }}\n  }}\n}}\n\ndata \"aws_iam_policy_document\" \"read\" {{\n  statement {{\n    actions   = [\"s3:GetObject\", \"s3:ListBucket\"]\n    resources = [aws_s3_bucket.this.arn, \"${{aws_s3_bucket.this.arn}}/*\"]\n  }}\n}}\n"
        );
        if !self.iac(format!("{dir}/main.tf"), main) {
            return None;
        }
        let vars = format!(
            "variable \"prefix\" {{\n  type        = string\n  description = \"Name prefix for every resource\"\n}}\n\nvariable \"team\" {{\n  type    = string\n  default = \"team-{}\"\n}}\n",
            plan % 17
        );
        self.iac(format!("{dir}/variables.tf"), vars);
        let outputs = "output \"bucket_arn\" {\n  value = aws_s3_bucket.this.arn\n}\n\noutput \"read_policy\" {\n  value = data.aws_iam_policy_document.read.json\n}\n";
        self.iac(format!("{dir}/outputs.tf"), outputs.to_string());
        let versions = format!(
            "terraform {{\n  required_version = \">= 1.6\"\n\n  required_providers {{\n    aws = {{\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.{}\"\n    }}\n  }}\n}}\n",
            30 + self.rng.below(40)
        );
        self.iac(format!("{dir}/versions.tf"), versions);
        Some(Unit {
            plan,
            dirs: vec![dir],
            what: "Terraform module",
        })
    }
}

const PRINCIPLES: &[(&str, &str)] = &[
    ("I", "GitOps Source of Truth"),
    ("II", "Idempotent Automation"),
    ("III", "Least-Privilege & Secrets"),
    ("IV", "Observability & Self-Healing"),
    ("V", "Documentation & Runbooks"),
];

fn constitution() -> String {
    let bodies = [
        "Git holds the desired state of every cluster and machine. Argo CD applies what is merged; manual changes are drift.\n\n- Every change arrives as a reviewed pull request with its rendered diff.\n- Hotfixes applied by hand are committed back within a day.\n",
        "Automation converges: a second run of any playbook, module or manifest changes nothing.\n\n- Playbooks pass `--check --diff` before merge.\n- Images and providers are pinned to exact versions.\n",
        "Every identity gets only the access it needs, and secrets never reach Git in plain text.\n\n- Secrets are SOPS-encrypted or External Secrets references.\n- Workloads run as non-root with capabilities dropped.\n",
        "Each component exposes health probes, metrics and at least one actionable alert.\n\n- Long-running pods declare liveness and readiness probes and resource requests.\n- Recovery is automatic where safe and written down where not.\n",
        "The person on call can operate a component from its runbook alone.\n\n- Each application has `docs/runbooks/<name>.md`.\n- Quickstarts are tried by someone other than the author.\n",
    ];
    let mut s = String::from("# Synthetic Platform Constitution\n\n## Core Principles\n\n");
    for ((num, title), body) in PRINCIPLES.iter().zip(bodies) {
        let _ = write!(s, "### {num}. {title}\n\n{body}\n");
    }
    s.push_str("## Governance\n\nAmendments need two approvals and a migration note.\n\n**Version**: 1.2.0 | **Ratified**: 2026-01-05 | **Last Amended**: 2026-03-18\n");
    s
}

/// Renders paths (folders end with `/`) as a `├──` tree.
fn tree(paths: &[(String, String)]) -> String {
    #[derive(Default)]
    struct Node {
        kids: BTreeMap<String, Node>,
        note: String,
    }
    let mut root = Node::default();
    for (p, note) in paths {
        let parts: Vec<&str> = p.trim_end_matches('/').split('/').collect();
        let mut n = &mut root;
        for part in parts {
            n = n.kids.entry(format!("{part}/")).or_default();
        }
        if n.note.is_empty() {
            n.note = note.clone();
        }
    }
    fn walk(n: &Node, prefix: &str, out: &mut String) {
        let count = n.kids.len();
        for (i, (name, kid)) in n.kids.iter().enumerate() {
            let last = i + 1 == count;
            let line = format!("{prefix}{}{name}", if last { "└── " } else { "├── " });
            if kid.note.is_empty() {
                let _ = writeln!(out, "{line}");
            } else {
                let _ = writeln!(out, "{line:<48} # {}", kid.note);
            }
            walk(
                kid,
                &format!("{prefix}{}", if last { "    " } else { "│   " }),
                out,
            );
        }
    }
    let mut out = String::new();
    for (name, kid) in &root.kids {
        let _ = writeln!(out, "{name}");
        walk(kid, "", &mut out);
        out.push('\n');
    }
    out.trim_end().to_string() + "\n"
}

fn plan_text(rng: &mut Rng, i: usize, slug: &str, units: &[&Unit], companions: (bool, bool)) -> String {
    // One plan in ten carries a defect, of one of three kinds.
    let defect = if i % 10 == 7 { Some((i / 10) % 3) } else { None };
    let (noun, verb) = slug.split_once('-').unwrap_or((slug, ""));
    let title = format!("{}{} {}", noun[..1].to_uppercase(), &noun[1..], verb);
    let date = if defect == Some(1) {
        "[DATE]".to_string()
    } else {
        format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28)
    };
    let mut s = String::new();
    let _ = writeln!(s, "# Implementation Plan: {title}\n");
    let _ = writeln!(
        s,
        "**Branch**: `{slug}` | **Date**: {date} | **Spec**: [spec.md](spec.md)\n**Input**: Feature specification from `/specs/{slug}/spec.md`\n"
    );
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(
        s,
        "The {noun} {verb} service moves onto the shared platform. This plan covers {} folders of\ninfrastructure code: {}. Each change is applied by Argo CD or by the\nnightly Ansible run, never by hand.\n",
        units.len(),
        units.iter().map(|u| u.what).collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(s, "## Technical Context\n");
    let perf = if defect == Some(0) {
        "NEEDS CLARIFICATION".to_string()
    } else {
        format!(
            "p99 below {} ms at {} requests per second",
            50 + rng.below(200),
            100 * (1 + rng.below(20))
        )
    };
    let fields = [
        (
            "Language/Version",
            format!(
                "Terraform 1.{}, Ansible 2.1{}, Kubernetes 1.{}",
                6 + rng.below(3),
                5 + rng.below(3),
                28 + rng.below(3)
            ),
        ),
        (
            "Primary Dependencies",
            format!(
                "Argo CD 2.1{}, Kustomize 5.{}, Helm 3.1{}",
                rng.below(4),
                rng.below(5),
                3 + rng.below(4)
            ),
        ),
        (
            "Storage",
            rng.pick(&[
                "S3 bucket with versioning",
                "Longhorn volumes, two replicas",
                "None",
            ])
            .to_string(),
        ),
        (
            "Testing",
            "`terraform validate`, `ansible-playbook --check --diff`, `kubectl diff -k`".to_string(),
        ),
        ("Target Platform", rng.pick(PLATFORMS).to_string()),
        ("Project Type", "IaC monorepo".to_string()),
        ("Performance Goals", perf),
        (
            "Constraints",
            format!(
                "No downtime during rollout; at most {} pods per node",
                20 + rng.below(60)
            ),
        ),
        (
            "Scale/Scope",
            format!(
                "{} services, about {} requests per day",
                1 + rng.below(9),
                1000 * (1 + rng.below(500))
            ),
        ),
    ];
    for (k, v) in fields {
        let _ = writeln!(s, "**{k}**: {v}  ");
    }
    s.push('\n');
    let _ = writeln!(s, "## Constitution Check\n");
    let _ = writeln!(
        s,
        "*GATE: must pass before Phase 0 research and again after Phase 1 design.*\n"
    );
    // One plan in five records a justified violation; the failing-gate defect has none.
    let fail = if defect == Some(2) || i % 5 == 2 {
        Some(2)
    } else {
        None
    };
    let evidence = [
        "Argo CD applies every folder listed below; the PR shows `kubectl diff`.",
        "Playbooks run twice in CI and the second run reports no changes.",
        "Workloads use namespaced Roles; secrets are SOPS-encrypted.",
        "Every Deployment declares probes and requests; alerts live beside it.",
        "Each application gets `docs/runbooks/<name>.md` in this change.",
    ];
    let table = i.is_multiple_of(2);
    if table {
        let _ = writeln!(
            s,
            "| Principle | Status | Evidence |\n|-----------|--------|----------|"
        );
    }
    for (k, ((num, title), ev)) in PRINCIPLES.iter().zip(evidence).enumerate() {
        let (status, ev) = if fail == Some(k) {
            (
                "❌ FAIL",
                "The migration job needs a cluster-wide read role for one release.",
            )
        } else {
            ("✅ PASS", ev)
        };
        if table {
            let _ = writeln!(s, "| {num}. {title} | {status} | {ev} |");
        } else {
            let _ = writeln!(s, "- **{title}**: {status}. {ev}");
        }
    }
    s.push('\n');
    let _ = writeln!(
        s,
        "## Project Structure\n\n### Documentation (this feature)\n\n```text\nspecs/{slug}/"
    );
    let mut docs = vec![("plan.md", "This file")];
    if companions.0 {
        docs.push(("spec.md", "Feature specification"));
    }
    if companions.1 {
        docs.push(("tasks.md", "Task list"));
    }
    for (k, (f, note)) in docs.iter().enumerate() {
        let glyph = if k + 1 == docs.len() {
            "└──"
        } else {
            "├──"
        };
        let _ = writeln!(s, "{glyph} {f:<20} # {note}");
    }
    let _ = writeln!(s, "```\n\n### Source Code (repository root)\n\n```text");
    let mut paths: Vec<(String, String)> = Vec::new();
    for u in units {
        for d in &u.dirs {
            paths.push((d.clone(), u.what.to_string()));
        }
    }
    s.push_str(&tree(&paths));
    let _ = writeln!(s, "```\n");
    let tops: Vec<&str> = {
        let mut t: Vec<&str> = paths
            .iter()
            .map(|(p, _)| p.split('/').next().unwrap_or(""))
            .collect();
        t.sort();
        t.dedup();
        t
    };
    let _ = writeln!(
        s,
        "**Structure Decision**: The change lives in {}, next to the code of the other teams.\n",
        tops.iter()
            .map(|t| format!("`{t}/`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(s, "## Complexity Tracking\n");
    let _ = writeln!(s, "| Violation | Why Needed | Simpler Alternative Rejected Because |\n|-----------|------------|-------------------------------------|");
    if i % 5 == 2 && defect != Some(2) {
        let _ = writeln!(
            s,
            "| Least-Privilege & Secrets: cluster-wide read role | The schema migration lists objects in every namespace | Per-namespace Roles would need {} bindings created before the job runs |",
            10 + rng.below(40)
        );
    }
    s
}

fn spec_text(slug: &str) -> String {
    format!(
        "# Feature Specification: {slug}\n\n**Feature Branch**: `{slug}`\n**Status**: Approved\n\n## User Scenarios & Testing\n\n### User Story 1 - Operate the service (Priority: P1)\n\nAn operator deploys the service from Git and sees it healthy within ten minutes.\n\n**Acceptance Scenarios**:\n\n1. **Given** a merged change, **When** Argo CD syncs, **Then** the rollout completes without manual steps.\n\n## Requirements\n\n- **FR-001**: The service MUST be deployed from the monorepo only.\n- **FR-002**: The service MUST expose health endpoints.\n"
    )
}

fn tasks_text(slug: &str) -> String {
    format!(
        "# Tasks: {slug}\n\n## Phase 1: Setup\n\n- [x] T001 Create the folders named in plan.md\n- [x] T002 [P] Add the Argo CD Application\n\n## Phase 2: Core\n\n- [ ] T003 Write the manifests and the role\n- [ ] T004 [P] Add alerts and the runbook\n"
    )
}

struct Args {
    out: PathBuf,
    plans: usize,
    iac: usize,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let (mut plans, mut iac, mut seed) = (100usize, 1500usize, 11u64);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            it.next()
                .and_then(|v| v.replace('_', "").parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match a.as_str() {
            "--plans" => plans = num("--plans")? as usize,
            "--iac" => iac = num("--iac")? as usize,
            "--seed" => seed = num("--seed")?,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => out = Some(PathBuf::from(s)),
        }
    }
    let out = out.ok_or("OUT_DIR is required")?;
    if plans == 0 {
        return Err("--plans must be at least 1".into());
    }
    Ok(Args {
        out,
        plans,
        iac,
        seed,
    })
}

/// The whole tree, path → text: `plans` plans and exactly `iac` IaC files.
fn generate(plans: usize, iac: usize, seed: u64) -> BTreeMap<String, String> {
    let mut g = Gen {
        rng: Rng(seed),
        files: BTreeMap::new(),
        iac_written: 0,
        iac_limit: iac,
        workloads: 0,
    };
    // Plan slugs first, so unit names follow them.
    let mut slugs = Vec::with_capacity(plans);
    for i in 0..plans {
        let noun = NOUNS[g.rng.below(NOUNS.len())];
        let verb = VERBS[g.rng.below(VERBS.len())];
        slugs.push(format!("{:04}-{noun}-{verb}", i + 1));
    }
    // IaC units, round-robin over the plans, until exactly M files exist.
    let mut units: Vec<Unit> = Vec::new();
    let mut last_target = String::new();
    let mut u = 0usize;
    while g.iac_written < g.iac_limit {
        let plan = u % plans;
        let name = format!("{}-u{u}", &slugs[plan][5..]);
        let unit = match u % 6 {
            0 => g.unit_manifests(&name, plan),
            1 => g.unit_kustomize(&name, plan),
            2 => {
                let target = if last_target.is_empty() {
                    format!("cluster/kustomize/{name}")
                } else {
                    last_target.clone()
                };
                g.unit_argocd(&name, plan, &target)
            }
            3 => g.unit_helm(&name, plan),
            4 => g.unit_ansible(&name, plan),
            _ => g.unit_terraform(&name, plan),
        };
        if let Some(unit) = unit {
            if u % 6 == 1 {
                last_target = format!("{}/overlays/prod", unit.dirs[0]);
            }
            units.push(unit);
        }
        u += 1;
    }
    g.doc(".specify/memory/constitution.md".into(), constitution());
    g.doc(
        "README.md".into(),
        format!(
            "# Synthetic monorepo\n\nGenerated by constable's `bench/gen.rs`: {} plans, {} IaC files, seed {}.\n",
            plans, iac, seed
        ),
    );
    for (i, slug) in slugs.iter().enumerate() {
        let mine: Vec<&Unit> = units.iter().filter(|u| u.plan == i).collect();
        let companions = (i % 3 != 1, i % 4 == 0);
        let text = plan_text(&mut g.rng, i, slug, &mine, companions);
        g.doc(format!("specs/{slug}/plan.md"), text);
        if companions.0 {
            g.doc(format!("specs/{slug}/spec.md"), spec_text(slug));
        }
        if companions.1 {
            g.doc(format!("specs/{slug}/tasks.md"), tasks_text(slug));
        }
    }
    g.files
}

/// An IaC file as the generator counts them (runbooks and plans are not).
fn is_iac(path: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml") || path.ends_with(".tf")
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("usage: gen OUT_DIR --plans N --iac M [--seed S]\n  small: --plans 100 --iac 1500\n  large: --plans 1000 --iac 15000");
            return ExitCode::from(2);
        }
    };
    let files = generate(args.plans, args.iac, args.seed);
    if let Err(e) = write_tree(&args.out, &files) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    println!(
        "{}: {} plans, {} IaC files, {} files in all",
        args.out.display(),
        args.plans,
        files.keys().filter(|p| is_iac(p)).count(),
        files.len()
    );
    ExitCode::SUCCESS
}

fn write_tree(out: &Path, files: &BTreeMap<String, String>) -> std::io::Result<()> {
    if out.exists() {
        fs::remove_dir_all(out)?;
    }
    // `.specify/` marks the repository root for constable.
    for (rel, text) in files {
        let p = out.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(p, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Run with `cargo test --example gen` (and by `cargo test`: the example has `test = true`).
    use super::*;
    use constable::parse::hcl::parse_hcl;
    use constable::parse::plan::Plan;
    use constable::parse::yaml::parse_yaml;
    use constable::source::SourceFile;

    #[test]
    fn same_seed_same_tree_other_seed_other_tree() {
        let a = generate(30, 300, 7);
        assert_eq!(a, generate(30, 300, 7));
        assert_ne!(a, generate(30, 300, 8));
    }

    #[test]
    fn exactly_m_iac_files_and_n_plans() {
        for (plans, iac) in [(10, 1), (10, 97), (40, 600)] {
            let t = generate(plans, iac, 3);
            assert_eq!(
                t.keys().filter(|p| is_iac(p)).count(),
                iac,
                "{plans} plans, {iac} IaC files"
            );
            assert_eq!(t.keys().filter(|p| p.ends_with("/plan.md")).count(), plans);
            assert!(t.contains_key(".specify/memory/constitution.md"));
        }
    }

    #[test]
    fn one_plan_in_ten_has_a_defect_of_each_kind_in_turn() {
        let t = generate(100, 300, 5);
        let plans: Vec<(&String, &String)> = t.iter().filter(|(p, _)| p.ends_with("/plan.md")).collect();
        let clarify = plans
            .iter()
            .filter(|(_, s)| s.contains("NEEDS CLARIFICATION"))
            .count();
        let date = plans.iter().filter(|(_, s)| s.contains("[DATE]")).count();
        let fails = plans.iter().filter(|(_, s)| s.contains("❌ FAIL")).count();
        let justified = plans
            .iter()
            .filter(|(_, s)| s.contains("| Least-Privilege & Secrets: "))
            .count();
        assert_eq!((clarify, date), (4, 3));
        // One plan in five fails a gate (20); the three with the unjustified-failure
        // defect are among them (i % 10 == 7) and lack the Complexity Tracking row.
        assert_eq!((fails, justified), (20, 17));
    }

    #[test]
    fn one_workload_in_ten_lacks_probes_or_uses_latest() {
        let t = generate(20, 1300, 9);
        let deployments: Vec<&String> = t
            .iter()
            .filter(|(p, _)| p.ends_with("workload.yaml") || p.ends_with("base/deployment.yaml"))
            .map(|(_, s)| s)
            .collect();
        let latest = deployments.iter().filter(|s| s.contains(":latest")).count();
        let no_probes = deployments
            .iter()
            .filter(|s| !s.contains("readinessProbe"))
            .count();
        let n = deployments.len();
        assert!(n >= 100, "{n} workloads");
        // Workload w is defective when w % 10 == 4 (a workload numbered but cut
        // off by the file limit is always the last, so this holds for the written ones).
        assert_eq!(latest + no_probes, (n + 5) / 10, "{n} workloads");
        assert!(latest > 0 && no_probes > 0);
    }

    #[test]
    fn structure_trees_name_folders_that_exist() {
        let t = generate(12, 200, 1);
        for (path, text) in t.iter().filter(|(p, _)| p.ends_with("/plan.md")) {
            let parsed = Plan::parse(SourceFile::new(path.as_str(), text));
            let entries = parsed.tree_entries("repo");
            assert!(!entries.is_empty(), "{path} has tree entries");
            for e in entries {
                let p = e.path.as_str();
                let exists = t.keys().any(|k| k == p || k.starts_with(&format!("{p}/")));
                assert!(exists, "{path}: tree entry {p} does not exist");
            }
        }
    }

    #[test]
    fn every_iac_file_parses_except_helm_templates() {
        let t = generate(10, 400, 2);
        for (path, text) in t.iter().filter(|(p, _)| is_iac(p)) {
            if path.contains("/templates/") {
                continue;
            }
            let ok = if path.ends_with(".tf") {
                parse_hcl(text).is_ok()
            } else {
                parse_yaml(text).is_ok()
            };
            assert!(ok, "{path} does not parse");
        }
    }
}
