//! Hand-built compliance matrices for the report tests (tests/matrix.rs and
//! tests/browser.rs): a small one with every cell state, and a generated one
//! of any size.

#![allow(dead_code)]

use constable::report::matrix::*;

fn src(path: &str, line: usize, column: usize, text: &str) -> SourceRef {
    SourceRef {
        path: path.into(),
        line,
        column,
        text: text.into(),
    }
}

fn finding(code: &str, severity: &str, path: &str, line: usize, column: usize, message: &str) -> FindingRef {
    FindingRef {
        code: code.into(),
        severity: severity.into(),
        path: path.into(),
        line,
        column,
        message: message.into(),
    }
}

fn cell(state: CellState, entries: Vec<SourceRef>, findings: Vec<FindingRef>) -> Cell {
    Cell {
        state,
        entries,
        findings,
    }
}

fn principle(id: &str, numeral: &str, title: &str, iac: Vec<RuleCount>) -> PrincipleColumn {
    PrincipleColumn {
        id: id.into(),
        numeral: Some(numeral.into()),
        title: title.into(),
        iac,
    }
}

/// The five principles of the sample constitution.
fn principles() -> Vec<PrincipleColumn> {
    vec![
        principle("declarative", "I", "Everything Declared in Git", vec![]),
        principle(
            "gitops",
            "II",
            "Pull-Based Delivery",
            vec![RuleCount {
                code: "GIT002".into(),
                name: "argocd-manual-sync".into(),
                count: 1,
                findings: vec![finding(
                    "GIT002",
                    "warning",
                    "deploy/apps/batch.yaml",
                    14,
                    5,
                    "Application `batch` has no automated sync policy",
                )],
            }],
        ),
        principle(
            "least-privilege",
            "III",
            "Least Privilege & Secrets",
            vec![
                RuleCount {
                    code: "PRV001".into(),
                    name: "rbac-wildcard".into(),
                    count: 2,
                    findings: vec![
                        finding(
                            "PRV001",
                            "error",
                            "k8s/waf/role.yaml",
                            9,
                            7,
                            "Role `waf-sync` grants `*` on `verbs`",
                        ),
                        finding(
                            "PRV001",
                            "error",
                            "k8s/batch/role.yaml",
                            11,
                            7,
                            "ClusterRole `batch-runner` grants `*` on `resources`",
                        ),
                    ],
                },
                RuleCount {
                    code: "PRV003".into(),
                    name: "plaintext-secret".into(),
                    count: 1,
                    findings: vec![finding(
                        "PRV003",
                        "error",
                        "k8s/waf/secret.yaml",
                        8,
                        3,
                        "Secret `waf-license` carries a plaintext value under `stringData`",
                    )],
                },
            ],
        ),
        principle(
            "observability",
            "IV",
            "Observable by Default",
            vec![RuleCount {
                code: "OBS001".into(),
                name: "missing-probes".into(),
                count: 1,
                findings: vec![finding(
                    "OBS001",
                    "warning",
                    "k8s/batch/deployment.yaml",
                    21,
                    9,
                    "container `runner` has no readinessProbe or livenessProbe",
                )],
            }],
        ),
        principle("reversible", "V", "Every Change Reversible", vec![]),
    ]
}

/// Three plans, five principles, every cell state, a trend.
pub fn small() -> Matrix {
    let waf = "specs/014-ingress-waf/plan.md";
    let pools = "specs/012-node-pools/plan.md";
    let backup = "specs/009-backup-restore/plan.md";
    let mut m = Matrix::new("platform-config");
    m.tool = "constable 0.1.0".into();
    m.constitution = Some(ConstitutionInfo {
        path: ".specify/memory/constitution.md".into(),
        version: Some("2.1.0".into()),
        family: Some("spec-kit".into()),
    });
    m.principles = principles();
    m.plans = vec![
        PlanRow {
            path: waf.into(),
            feature: "014-ingress-waf".into(),
            title: "Web application firewall in front of the public ingress".into(),
            family: Some("spec-kit".into()),
            constitution_version: Some("2.1.0".into()),
            cells: vec![
                cell(
                    CellState::PassEvidence,
                    vec![src(waf, 31, 1, "| I. Everything Declared in Git | PASS | rules live in k8s/waf/, applied by Argo CD |")],
                    vec![],
                ),
                cell(
                    CellState::Justified,
                    vec![
                        src(waf, 32, 1, "| II. Pull-Based Delivery | VIOLATION | licence key rotated by a CronJob |"),
                        src(waf, 78, 1, "| Out-of-band licence rotation | vendor API only accepts pushes | a sealed secret would expire weekly |"),
                    ],
                    vec![],
                ),
                cell(
                    CellState::Unjustified,
                    vec![src(waf, 33, 1, "| III. Least Privilege & Secrets | VIOLATION | sync job needs broad access |")],
                    vec![finding("CPX001", "error", waf, 33, 1, "III. Least Privilege & Secrets is violated and Complexity Tracking has no row for it")],
                ),
                cell(
                    CellState::PassNoEvidence,
                    vec![src(waf, 34, 1, "| IV. Observable by Default | PASS | |")],
                    vec![finding("GATE003", "warning", waf, 34, 30, "IV. Observable by Default passes with no evidence")],
                ),
                cell(
                    CellState::NotApplicable,
                    vec![src(waf, 35, 1, "| V. Every Change Reversible | N/A | no state is migrated |")],
                    vec![],
                ),
            ],
            leftovers: vec![],
            tree: vec![],
        },
        PlanRow {
            path: pools.into(),
            feature: "012-node-pools".into(),
            title: "Dedicated node pools for batch jobs".into(),
            family: Some("specops".into()),
            constitution_version: Some("2.0.0".into()),
            cells: vec![
                cell(
                    CellState::Slot,
                    vec![src(pools, 40, 1, "[Gates determined based on constitution file]")],
                    vec![finding("TPL002", "error", pools, 40, 1, "`[Gates determined based on constitution file]` is a template placeholder")],
                ),
                cell(
                    CellState::NotAddressed,
                    vec![],
                    vec![finding("GATE001", "error", pools, 38, 1, "no row for II. Pull-Based Delivery")],
                ),
                cell(
                    CellState::Unjustified,
                    vec![src(pools, 42, 1, "| III | FAIL | the runner binds cluster-admin for now |")],
                    vec![finding("CPX001", "error", pools, 42, 1, "III. Least Privilege & Secrets is violated and Complexity Tracking has no row for it")],
                ),
                cell(
                    CellState::Justified,
                    vec![
                        src(pools, 43, 1, "| IV | VIOLATION | batch pods are not scraped |"),
                        src(pools, 90, 1, "| No scraping of batch pods | jobs live under a minute | push gateway planned in 015 |"),
                    ],
                    vec![],
                ),
                cell(
                    CellState::PassEvidence,
                    vec![src(pools, 44, 1, "| V | PASS | pools are Terraform resources, `terraform destroy` reverts |")],
                    vec![],
                ),
            ],
            leftovers: vec![
                finding("TPL001", "error", pools, 19, 24, "**Storage** is still `NEEDS CLARIFICATION`"),
                finding("TPL002", "error", pools, 40, 1, "`[Gates determined based on constitution file]` is a template placeholder"),
            ],
            tree: vec![finding("TREE001", "error", pools, 61, 5, "planned path `terraform/node-pools/` does not exist")],
        },
        PlanRow {
            path: backup.into(),
            feature: "009-backup-restore".into(),
            title: "Nightly etcd and volume backups".into(),
            family: None,
            constitution_version: None,
            cells: vec![
                cell(
                    CellState::PassEvidence,
                    vec![src(backup, 28, 1, "- [x] Declared: Velero schedules in `deploy/backup/`")],
                    vec![],
                ),
                cell(
                    CellState::PassEvidence,
                    vec![src(backup, 29, 1, "- [x] Delivered by the `backup` Application")],
                    vec![],
                ),
                cell(CellState::PassNoEvidence, vec![src(backup, 30, 1, "- [x] Least privilege")], vec![]),
                cell(
                    CellState::NotAddressed,
                    vec![],
                    vec![finding("GATE001", "error", backup, 27, 1, "no row for IV. Observable by Default")],
                ),
                cell(
                    CellState::Slot,
                    vec![src(backup, 31, 1, "- [ ] [PRINCIPLE_5_NAME]")],
                    vec![finding("TPL002", "error", backup, 31, 7, "`[PRINCIPLE_5_NAME]` is a template placeholder")],
                ),
            ],
            leftovers: vec![finding("TPL002", "error", backup, 31, 7, "`[PRINCIPLE_5_NAME]` is a template placeholder")],
            tree: vec![],
        },
    ];
    m.trend = Some(Trend {
        baseline: ".constable-baseline.json".into(),
        new: vec![finding(
            "CPX001",
            "error",
            waf,
            33,
            1,
            "III. Least Privilege & Secrets is violated and Complexity Tracking has no row for it",
        )],
        fixed: vec![FixedRef {
            code: "TPL001".into(),
            path: backup.into(),
            message: "**Retention** is still `NEEDS CLARIFICATION`".into(),
        }],
    });
    m.recount();
    m
}

/// `n` generated plans over the sample's five principles, newest first;
/// cell states cycle so that every column holds every state.
pub fn large(n: usize) -> Matrix {
    let mut m = small();
    m.trend = None;
    let width = m.principles.len();
    m.plans = (0..n)
        .map(|k| {
            let number = n - k;
            let feature = format!("{number:04}-change-{number}");
            let path = format!("specs/{feature}/plan.md");
            let cells = (0..width)
                .map(|j| {
                    let state = CellState::ALL[(k * 3 + j * 2) % CellState::ALL.len()];
                    let mut entries = vec![src(
                        &path,
                        30 + j,
                        1,
                        &format!("| {} | gate row {j} of plan {number} |", m.principles[j].short()),
                    )];
                    let mut findings = vec![];
                    match state {
                        CellState::Justified => entries.push(src(
                            &path,
                            80 + j,
                            1,
                            "| a justified exception | why | simpler option rejected |",
                        )),
                        CellState::Unjustified => findings.push(finding(
                            "CPX001",
                            "error",
                            &path,
                            30 + j,
                            1,
                            "violated with no justification",
                        )),
                        CellState::NotAddressed => entries.clear(),
                        _ => {}
                    }
                    cell(state, entries, findings)
                })
                .collect();
            PlanRow {
                path: path.clone(),
                feature,
                title: format!("Generated change number {number}"),
                family: Some(if k % 2 == 0 { "spec-kit" } else { "specops" }.into()),
                constitution_version: Some(format!("2.{}.0", k % 3)),
                cells,
                leftovers: if k % 5 == 0 {
                    vec![finding(
                        "TPL002",
                        "error",
                        &path,
                        12,
                        3,
                        "`[FEATURE]` is a template placeholder",
                    )]
                } else {
                    vec![]
                },
                tree: vec![],
            }
        })
        .collect();
    m.recount();
    m
}
