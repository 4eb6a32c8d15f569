//! Constitution principles mapped to rule-pack principles by meaning
//! (issue 9): the mapping `check` reports, the `[principles]` override,
//! `init`'s table, `rules`' reasons, and the corpus constitutions.

mod common;

use common::*;
use std::path::Path;

/// The `→` lines `check` prints on stderr, as (principle, id or "nothing").
fn mapping(dir: &Path) -> Vec<(String, String)> {
    let r = constable_in(dir, &["check", ".", "--iac-only", "--format", "concise"]);
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    r.stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| l.split_once(" → "))
        .map(|(p, rest)| {
            let id = rest.split(' ').next().unwrap_or("").to_string();
            (p.to_string(), id)
        })
        .collect()
}

fn id_of<'a>(map: &'a [(String, String)], principle: &str) -> &'a str {
    map.iter()
        .find(|(p, _)| p == principle)
        .map(|(_, id)| id.as_str())
        .unwrap_or_else(|| panic!("no principle `{principle}` in {map:?}"))
}

fn takes(map: &[(String, String)], id: &str) -> Vec<String> {
    map.iter()
        .filter(|(_, i)| i == id)
        .map(|(p, _)| p.clone())
        .collect()
}

#[test]
fn harbor_names_map_by_heading_terms() {
    let m = mapping(&fixture("principles/harbor"));
    assert_eq!(id_of(&m, "I. GitOps Workflow"), "gitops");
    assert_eq!(id_of(&m, "II. Idempotent Node Setup"), "idempotence");
    assert_eq!(id_of(&m, "III. Security Hardening"), "least-privilege");
    assert_eq!(
        id_of(&m, "IV. Observability & Monitoring - Prometheus + Grafana Stack"),
        "observability"
    );
    assert_eq!(id_of(&m, "V. Documentation-First"), "runbooks");
}

#[test]
fn quarry_names_map_and_an_unrelated_principle_maps_to_nothing() {
    let m = mapping(&fixture("principles/quarry"));
    assert_eq!(id_of(&m, "I. GitOps Evidence & Traceability"), "gitops");
    assert_eq!(id_of(&m, "II. Secrets Hygiene"), "least-privilege");
    assert_eq!(id_of(&m, "III. Runbooks & Manual Change Control"), "runbooks");
    assert_eq!(id_of(&m, "IV. Rebuildable Hosts"), "idempotence");
    assert_eq!(id_of(&m, "V. Cost Awareness"), "nothing");
}

#[test]
fn lantern_maps_by_body_when_the_heading_says_nothing() {
    let m = mapping(&fixture("principles/lantern"));
    assert_eq!(
        id_of(&m, "I. Least-Privilege Secrets & Access Governance"),
        "least-privilege"
    );
    assert_eq!(id_of(&m, "II. Declarative Delivery"), "gitops");
    // "Signals Before Scale": only its body names dashboards, alerting, logs.
    assert_eq!(id_of(&m, "III. Signals Before Scale"), "observability");
    assert_eq!(id_of(&m, "IV. Plain Language"), "nothing");
}

#[test]
fn one_pack_principle_per_constitution_principle_and_ties_map_to_nothing() {
    let m = mapping(&fixture("principles/orchard"));
    // Both headings name GitOps; the title beats the one-word alias.
    assert_eq!(id_of(&m, "II. GitOps Source of Truth"), "gitops");
    assert_eq!(id_of(&m, "I. GitOps"), "nothing");
    assert_eq!(takes(&m, "gitops").len(), 1);
    // "Monitoring & Runbooks" matches observability and runbooks equally.
    assert_eq!(id_of(&m, "III. Monitoring & Runbooks"), "nothing");
    assert_eq!(id_of(&m, "IV. Patience"), "nothing");
}

#[test]
fn check_summary_explains_the_mapping() {
    let dir = fixture("principles/orchard");
    let r = constable_in(&dir, &["check", ".", "--iac-only", "--format", "concise"]);
    let notes: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("principles of") || l.starts_with("  "))
        .collect();
    insta::assert_snapshot!("orchard-mapping", notes.join("\n"));
    // Machine formats and --quiet say nothing about it.
    for args in [
        &["check", ".", "--iac-only", "--format", "json"][..],
        &["check", ".", "--iac-only", "--format", "sarif"][..],
        &["check", ".", "--iac-only", "--format", "concise", "-q"][..],
    ] {
        let r = constable_in(&dir, args);
        assert!(!r.stderr.contains("→"), "{args:?}: {}", r.stderr);
        assert!(!r.stdout.contains("→"), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn mapped_principles_turn_their_iac_rules_on() {
    let dir = fixture("principles/harbor");
    let r = constable_in(
        &dir,
        &[
            "check",
            ".",
            "--iac-only",
            "--iac-root",
            "clusters",
            "--format",
            "concise",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // "Observability & Monitoring - Prometheus + Grafana Stack" turns OBS on,
    // "Security Hardening" least-privilege's PRV rules.
    assert!(r.stdout.contains("OBS001"), "{}", r.stdout);
    assert!(r.stdout.contains("PRV005"), "{}", r.stdout);
    // Quarry has no observability principle: the same manifest, no OBS.
    let tmp = temp_dir("principles-quarry-iac");
    copy_tree(&fixture("principles/quarry"), &tmp);
    copy_tree(&dir.join("clusters"), &tmp.join("clusters"));
    let q = constable_in(
        &tmp,
        &[
            "check",
            ".",
            "--iac-only",
            "--iac-root",
            "clusters",
            "--format",
            "concise",
        ],
    );
    assert!(!q.stdout.contains("OBS0"), "{}", q.stdout);
    assert!(q.stdout.contains("PRV005"), "{}", q.stdout);
}

#[test]
fn rules_shows_why_a_rule_runs_or_not() {
    let r = constable_in(&fixture("principles/quarry"), &["rules"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |code: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(code))
            .unwrap_or_else(|| panic!("no {code} in {}", r.stdout))
            .to_string()
    };
    let prv = line("PRV005");
    assert!(
        prv.contains("runs: II. Secrets Hygiene (heading: \"secrets\")"),
        "{prv}"
    );
    let obs = line("OBS001");
    assert!(
        obs.contains("off: no constitution.md principle maps to `observability`"),
        "{obs}"
    );
}

#[test]
fn explicit_mapping_wins_and_none_unmaps() {
    let dir = temp_dir("principles-explicit");
    copy_tree(&fixture("principles/orchard"), &dir);
    std::fs::write(
        dir.join("constable.toml"),
        "[principles]\n\"III\" = \"observability\"\n\"GitOps Source of Truth\" = \"none\"\n\"I. GitOps\" = \"gitops\"\n",
    )
    .unwrap();
    let m = mapping(&dir);
    assert_eq!(id_of(&m, "III. Monitoring & Runbooks"), "observability");
    assert_eq!(id_of(&m, "II. GitOps Source of Truth"), "nothing");
    assert_eq!(id_of(&m, "I. GitOps"), "gitops");
}

#[test]
fn unknown_keys_and_ids_are_positioned_errors_with_suggestions() {
    let dir = temp_dir("principles-bad-key");
    copy_tree(&fixture("principles/orchard"), &dir);
    std::fs::write(
        dir.join("constable.toml"),
        "[principles]\n\"Patiense\" = \"none\"\n",
    )
    .unwrap();
    let r = constable_in(&dir, &["check", ".", "--iac-only"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("constable.toml:2:1"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `Patience`?"), "{}", r.stderr);

    std::fs::write(
        dir.join("constable.toml"),
        "[principles]\n\"IV\" = \"observabilty\"\n",
    )
    .unwrap();
    let r = constable_in(&dir, &["check", ".", "--iac-only"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("constable.toml:2:8"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `observability`?"), "{}", r.stderr);

    std::fs::write(
        dir.join("constable.toml"),
        "[principles]\n\"I\" = \"gitops\"\n\"II\" = \"gitops\"\n",
    )
    .unwrap();
    let r = constable_in(&dir, &["check", ".", "--iac-only"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("both map to `gitops`"), "{}", r.stderr);
}

#[test]
fn init_writes_the_inferred_mapping_and_it_loads() {
    let dir = temp_dir("principles-init");
    copy_tree(&fixture("principles/lantern"), &dir);
    let r = constable_in(&dir, &["init"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let written = std::fs::read_to_string(dir.join("constable.toml")).unwrap();
    let table: String = written
        .lines()
        .skip_while(|l| *l != "[principles]")
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("init-lantern-principles", table);
    // Loading it gives the same mapping, now explicit.
    let m = mapping(&dir);
    assert_eq!(id_of(&m, "III. Signals Before Scale"), "observability");
    assert_eq!(id_of(&m, "IV. Plain Language"), "plain-language");
}

/// The corpus constitutions (`../shared/corpus`), mapped as a person would.
#[test]
fn corpus_constitutions_map_as_a_person_would() {
    let Some(corpus) = shared("corpus") else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    let homelab = mapping(&corpus.join("aoshimash__homelab-k8s"));
    assert_eq!(id_of(&homelab, "I. GitOps-First"), "gitops");
    assert_eq!(id_of(&homelab, "III. Secrets Management"), "least-privilege");
    assert_eq!(id_of(&homelab, "IV. Immutable Infrastructure"), "idempotence");
    assert_eq!(id_of(&homelab, "V. Documentation as Code"), "runbooks");
    assert!(takes(&homelab, "observability").is_empty(), "{homelab:?}");

    let ansible = mapping(&corpus.join("wonderbird__ansible-all-my-things"));
    assert_eq!(id_of(&ansible, "I. Idempotency"), "idempotence");
    assert!(takes(&ansible, "gitops").is_empty(), "{ansible:?}");
    assert!(takes(&ansible, "observability").is_empty(), "{ansible:?}");

    let tacos = mapping(&corpus.join("traffic-tacos__deployment-repo"));
    assert_eq!(id_of(&tacos, "I. GitOps-First Deployment"), "gitops");
}
