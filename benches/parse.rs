//! `cargo bench --bench parse`: criterion benches of the two hot parsers, on
//! inputs built here: the plan model (`Plan::parse` of a large plan) and the
//! YAML load with positions (`parse_yaml` of a large multi-document manifest).
//! Speed is measured here, never asserted.

use constable::parse::plan::Plan;
use constable::parse::yaml::parse_yaml;
use constable::source::SourceFile;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::fmt::Write as _;
use std::hint::black_box;

/// A plan in spec-kit's shape with `units` entries in every growing part:
/// Technical Context fields, gate rows, tree lines and complexity rows.
fn large_plan(units: usize) -> String {
    let mut s = String::from(
        "# Implementation Plan: Bench Feature\n\n**Branch**: `0001-bench` | **Date**: 2026-02-03 | **Spec**: [spec.md](spec.md)\n\n## Summary\n\n",
    );
    for i in 0..units {
        let _ = writeln!(
            s,
            "Paragraph {i} explains why service {i} moves to the platform, with `inline code` and a [link](https://example.org/{i})."
        );
    }
    s.push_str("\n## Technical Context\n\n");
    for i in 0..units {
        let _ = writeln!(s, "**Field {i}**: value {i} for the benchmark  ");
    }
    s.push_str("**Performance Goals**: NEEDS CLARIFICATION\n\n## Constitution Check\n\n| Principle | Status | Evidence |\n|---|---|---|\n");
    for i in 0..units {
        let status = if i % 7 == 3 { "❌ FAIL" } else { "✅ PASS" };
        let _ = writeln!(
            s,
            "| {i}. Principle number {i} | {status} | Evidence for gate {i} in `cluster/apps/svc-{i}/` |"
        );
    }
    s.push_str("\n## Project Structure\n\n```text\ncluster/\n└── apps/\n");
    for i in 0..units {
        let glyph = if i + 1 == units { "└──" } else { "├──" };
        let _ = writeln!(s, "    {glyph} svc-{i}/                # service {i}");
    }
    s.push_str("```\n\n**Structure Decision**: Everything under `cluster/apps/`.\n\n## Complexity Tracking\n\n| Violation | Why Needed | Simpler Alternative Rejected Because |\n|---|---|---|\n");
    for i in (0..units).filter(|i| i % 7 == 3) {
        let _ = writeln!(
            s,
            "| Principle number {i} | Reason {i} | [why the simpler way fails] |"
        );
    }
    s
}

/// `docs` Deployments separated by `---`, each about 45 lines.
fn large_manifest(docs: usize) -> String {
    let mut s = String::new();
    for i in 0..docs {
        let _ = write!(
            s,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{i}\n  namespace: team-{}\n  labels:\n    app.kubernetes.io/name: svc-{i}\n  annotations:\n    note: &note \"shared {i}\"\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: svc-{i}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: svc-{i}\n      annotations:\n        copy: *note\n    spec:\n      containers:\n        - name: app\n          image: registry.example.org/svc-{i}:1.{}.0\n          ports:\n            - containerPort: {}\n          env:\n            - name: MODE\n              value: \"production\"\n            - name: MULTILINE\n              value: |\n                line one of {i}\n                line two\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            limits: {{memory: 256Mi}}\n          readinessProbe:\n            httpGet: {{path: /ready, port: {}}}\n          securityContext:\n            runAsNonRoot: true\n            capabilities:\n              drop: [\"ALL\"]\n",
            i % 13,
            1 + i % 3,
            i % 20,
            8000 + i % 100,
            8000 + i % 100
        );
    }
    s
}

fn bench_plan(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan_parse");
    for units in [50, 500] {
        let text = large_plan(units);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(units), &text, |b, text| {
            b.iter(|| Plan::parse(SourceFile::new("specs/0001-bench/plan.md", black_box(text))))
        });
    }
    group.finish();
}

fn bench_yaml(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_yaml");
    for docs in [20, 400] {
        let text = large_manifest(docs);
        // The input must load: a bench of the error path would measure nothing useful.
        let parsed = parse_yaml(&text).expect("the generated manifest parses");
        assert_eq!(parsed.len(), docs);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(docs), &text, |b, text| {
            b.iter(|| parse_yaml(black_box(text)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_plan, bench_yaml);
criterion_main!(benches);
