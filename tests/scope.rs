//! Only what ships (issue 9): each fixture under fixtures/scope/ is a small
//! repository holding one shape that drew false IaC findings on real
//! repositories; each test asserts the exact findings of the IaC rules
//! (`--iac-only`, concise output) and the summary line.

mod common;
use common::*;

const RULES: &str = "IDM,OBS,PRV,GIT,TREE";

/// The concise findings (without the summary) and the summary line.
fn check(case: &str, extra: &[&str]) -> (Vec<String>, String) {
    let dir = format!("fixtures/scope/{case}");
    let mut args = vec![
        "check",
        &dir,
        "--iac-only",
        "--select",
        RULES,
        "--format",
        "concise",
    ];
    args.extend_from_slice(extra);
    let r = constable(&args);
    assert!(
        r.code == 0 || r.code == 1,
        "{dir}: exit {}\n{}{}",
        r.code,
        r.stdout,
        r.stderr
    );
    let mut lines: Vec<String> = r.stdout.lines().map(str::to_string).collect();
    let summary = lines.pop().unwrap_or_default();
    (lines, summary)
}

#[test]
fn specs_folders_are_never_iac() {
    let (found, summary) = check("specs-docs", &[]);
    // The contract sketch under specs/ (a `latest` image) draws nothing.
    assert_eq!(
        found,
        [
            "deploy/web.yaml:8:7: warning PRV005 Deployment `web` does not set `runAsNonRoot: true`",
            "deploy/web.yaml:9:11: error OBS001 container `web` lacks a readiness or liveness probe",
            "deploy/web.yaml:9:11: error OBS002 container `web` has no resource requests and limits",
            "deploy/web.yaml:10:11: error IDM002 image `example.org/web` is not pinned to a version",
        ],
        "{summary}"
    );
    assert!(summary.ends_with("in 1 file"), "{summary}");
}

#[test]
fn test_paths_and_local_clusters_are_skipped_and_counted() {
    let (found, summary) = check("test-paths", &[]);
    assert_eq!(
        found,
        [
            "deploy/api.yaml:8:7: warning PRV005 Deployment `api` does not set `runAsNonRoot: true`",
            "deploy/api.yaml:9:11: error OBS001 container `api` lacks a readiness or liveness probe",
            "deploy/api.yaml:9:11: error OBS002 container `api` has no resource requests and limits",
            "deploy/api.yaml:10:11: error IDM002 image `example.org/api:latest` is not pinned to a version",
        ]
    );
    // tests/, e2e/, kind-config.yaml, minikube*.yaml by path; local/dev-cluster.yaml by content.
    assert!(summary.contains("5 test files not checked"), "{summary}");
}

#[test]
fn an_empty_exclude_tests_checks_them_all() {
    let (found, summary) = check(
        "test-paths",
        &["--config", "fixtures/scope/test-paths/check-tests.toml"],
    );
    let idm: Vec<&str> = found
        .iter()
        .filter(|l| l.contains("IDM002"))
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        idm,
        [
            "deploy/api.yaml:10:11",
            "e2e/runner.yaml:8:7",
            "local/minikube-profile.yaml:8:7",
            "tests/smoke/probe.yaml:10:11"
        ],
        "{found:#?}"
    );
    // local/dev-cluster.yaml (a kind Cluster) is checked too: it draws nothing.
    assert!(summary.ends_with("in 6 files"), "{summary}");
}

#[test]
fn templates_charts_and_chart_values() {
    let (found, summary) = check("templates", &[]);
    assert_eq!(
        found,
        [
            "charts/ops/Chart.yaml:2:1: info TREE004 Helm chart `ops`: 1 template file not checked (not YAML until rendered)",
            "charts/ops/templates/daemonset.yaml:8:7: error OBS001 DaemonSet template cannot render a readiness or liveness probe: no template of its chart mentions one",
            "charts/web/Chart.yaml:2:1: info TREE004 Helm chart `web`: 3 template files not checked (not YAML until rendered)",
            "charts/web/templates/deployment.yaml:9:7: error OBS002 Deployment template cannot render resource requests and limits: no template of its chart mentions `resources`",
            "charts/web/values.yaml:4:3: error IDM002 chart value image `example.org/shop/web:latest` is not pinned to a version",
            "charts/web/values.yaml:8:5: error IDM002 chart value image `example.org/shop/worker` has no tag, and the chart's `appVersion` (Helm's default tag) is not pinned",
            "deploy/settings.yaml:7:13: info TREE004 template not checked: it is not YAML until rendered",
            "deploy/worker.yaml:8:7: warning PRV005 Deployment `worker` does not set `runAsNonRoot: true`",
            "deploy/worker.yaml:27:11: error IDM002 image `example.org/wait:latest` is not pinned to a version",
        ],
        "{summary}"
    );
}

#[test]
fn duplicate_hcl_object_keys_are_a_warning_other_errors_stay_errors() {
    let (found, _) = check("hcl", &[]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("infra/broken.tf:3:1: error TREE003 file does not parse"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with(
            "infra/tags.tf:5:5: warning TREE003 key defined twice in an object: Terraform accepts this"
        ),
        "{found:#?}"
    );
}

#[test]
fn a_script_that_is_not_utf8_is_scanned_with_an_info() {
    let dir = "fixtures/scope/not-utf8";
    let r = constable(&[
        "check",
        dir,
        "--iac-only",
        "--select",
        RULES,
        "--format",
        "concise",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let found: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        &found[..2],
        [
            "scripts/deploy.sh:1:1: info TREE006 file is not valid UTF-8: read with invalid bytes replaced by U+FFFD",
            "scripts/deploy.sh:4:1: warning GIT003 `kubectl apply` changes the cluster outside GitOps",
        ],
        "{}",
        r.stdout
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn handlers_and_state_guarded_commands_are_not_unguarded() {
    let (found, _) = check("ansible", &[]);
    assert_eq!(
        found,
        [
            "roles/node/tasks/main.yml:15:3: error IDM001 task `Rebuild the cache every run` runs `ansible.builtin.command` with no `creates`, `removes` or `changed_when`",
            "site.yml:12:7: error IDM001 task `Flush the firewall` runs `ansible.builtin.command` with no `creates`, `removes` or `changed_when`",
        ]
    );
}

#[test]
fn a_policy_over_every_pod_with_an_allowlist_is_a_default_deny() {
    let (found, _) = check("netpol", &[]);
    let obs004: Vec<&String> = found.iter().filter(|l| l.contains("OBS004")).collect();
    assert_eq!(
        obs004,
        ["cluster/blog/namespace.yaml:4:3: warning OBS004 namespace `blog` has no default-deny network policy"]
    );
}
