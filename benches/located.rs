//! `cargo bench --bench located`: the YAML load with positions, and turning
//! JSONPath matches into byte spans (issue 11). Inputs are generated here.

use std::hint::black_box;

use constable::parse::located::{Located, Seg};
use constable::parse::yaml::parse_yaml;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json_path::{JsonPath, PathElement};

/// `n` Kubernetes-like documents: block and flow collections, lists of
/// mappings, quoted and block scalars, an anchor and its alias, a tag.
fn manifest(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!(
            "---\n\
apiVersion: apps/v1\n\
kind: Deployment\n\
metadata:\n\
\x20 name: svc-{i}\n\
\x20 namespace: team-{ns}\n\
\x20 labels: {{app: svc-{i}, tier: \"backend\", release: r{i}}}\n\
\x20 annotations:\n\
\x20   owner: &owner platform-{ns}\n\
\x20   reviewed-by: *owner\n\
spec:\n\
\x20 replicas: {r}\n\
\x20 selector:\n\
\x20   matchLabels:\n\
\x20     app: svc-{i}\n\
\x20 template:\n\
\x20   metadata:\n\
\x20     labels:\n\
\x20       app: svc-{i}\n\
\x20   spec:\n\
\x20     securityContext:\n\
\x20       runAsNonRoot: true\n\
\x20       runAsUser: 10001\n\
\x20     containers:\n\
\x20       - name: app\n\
\x20         image: registry.example/svc-{i}:1.{r}.0\n\
\x20         args: [\"--port\", \"8080\", --verbose]\n\
\x20         ports:\n\
\x20           - containerPort: 8080\n\
\x20             protocol: TCP\n\
\x20           - containerPort: 9090\n\
\x20             name: metrics\n\
\x20         env:\n\
\x20           - name: MODE\n\
\x20             value: 'production'\n\
\x20           - name: SECRET\n\
\x20             value: !vault |\n\
\x20               $ANSIBLE_VAULT;1.1;AES256\n\
\x20               3131323233\n\
\x20         resources:\n\
\x20           limits: {{cpu: 500m, memory: 256Mi}}\n\
\x20       - name: sidecar\n\
\x20         image: registry.example/proxy:2.{r}\n\
\x20         volumeMounts:\n\
\x20         - name: cache\n\
\x20           mountPath: /var/cache/app\n\
\x20     volumes:\n\
\x20       - name: cache\n\
\x20         emptyDir: {{}}\n",
            ns = i % 17,
            r = i % 5 + 1,
        ));
    }
    out
}

/// Every node of every document, as the path a rule's JSONPath match gives.
fn all_paths(docs: &[Located]) -> Vec<(usize, Vec<Seg>)> {
    let every = JsonPath::parse("$..*").expect("valid JSONPath");
    let mut out = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        for node in every.query_located(&doc.value).iter() {
            let path = node
                .location()
                .iter()
                .map(|e| match e {
                    PathElement::Name(k) => Seg::Key(k.to_string()),
                    PathElement::Index(i) => Seg::Index(*i),
                })
                .collect();
            out.push((d, path));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = manifest(400);
    let mut group = c.benchmark_group("located");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse_yaml/400-docs", |b| {
        b.iter(|| parse_yaml(black_box(&text)).expect("parses"))
    });

    let docs = parse_yaml(&text).expect("parses");
    let mut paths = all_paths(&docs);
    paths.truncate(10_000);
    assert_eq!(paths.len(), 10_000, "enough JSONPath matches");
    group.throughput(Throughput::Elements(paths.len() as u64));
    group.bench_function("span_of/10k-matches", |b| {
        b.iter(|| {
            let mut sum = 0usize;
            for (d, p) in &paths {
                sum = sum.wrapping_add(docs[*d].span_of(black_box(p)).start);
            }
            sum
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
