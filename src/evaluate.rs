//! Evaluate stage: run the enabled rules over parsed models and the disk
//! facts collected before evaluation. Pure: no file I/O, no disk stats, no
//! filtering and no output. Each function evaluates one kind of model and
//! returns findings; a panic inside a check is contained to its file.

use crate::checks::{self, Check, ConstitutionContext, ConstitutionView, PlanContext, RepoContext, Sink};
use crate::discover::DiskFacts;
use crate::finding::{FileId, Finding};
use crate::parse::constitution::{
    cite, resolve_explained, Citation, ConstitutionDoc, MappingNote, Principle, Resolution,
};
use crate::parse::gates::GateModel;
use crate::parse::plan::Plan;
use crate::parse::suppress::Suppression;
use crate::parse::tree::TreeEntry;
use crate::rules::{Rule, RuleKind, RuleSet};
use crate::source::SourceFile;
use rayon::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A file that could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    /// True for a bug in constable (exit 3), false for bad input (exit 2).
    pub internal: bool,
}

/// Structure-tree paths TREE001 did not check, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeCounts {
    /// Marked new, optional or to be created.
    pub planned: usize,
    /// Ignored by `.gitignore`.
    pub gitignored: usize,
}

/// What a run produced. Files are indexed by the id they were given when
/// they were discovered; a finding's `file` is that id.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<SourceFile>,
    /// For each file, its inline suppressions.
    pub suppressions: Vec<Vec<Suppression>>,
    /// For each file, the index of its repository.
    pub repo_of: Vec<usize>,
    /// For each file, whether it is reported on (read, and not read only as
    /// context for files named on the command line).
    pub reported: Vec<bool>,
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    pub tree: TreeCounts,
    /// Each checked plan's template family, by file id.
    pub families: Vec<(FileId, crate::parse::family::Family)>,
    /// Test files and local-cluster configs under the IaC roots, not checked.
    pub tests_skipped: usize,
}

/// The parsed constitution of one repository, shared by its plans.
#[derive(Debug)]
pub struct Constitution {
    pub doc: Option<ConstitutionDoc>,
    pub path: Option<String>,
    pub principles: Vec<Principle>,
    pub label: String,
    /// How each constitution.md principle was mapped, and why (empty when
    /// the TOML constitution is used).
    pub mapping: Vec<MappingNote>,
}

impl Constitution {
    pub fn new(doc: Option<ConstitutionDoc>, path: Option<String>, rules: &RuleSet) -> Constitution {
        let Resolution { principles, mapping } = resolve_explained(doc.as_ref(), &rules.constitution);
        let label = match (&path, &rules.constitution.name) {
            (Some(p), _) => format!("`{p}`"),
            (None, Some(n)) => format!("the constitution `{n}` (no constitution.md in the repository)"),
            (None, None) => "the constitution".to_string(),
        };
        Constitution {
            doc,
            path,
            principles,
            label,
            mapping,
        }
    }

    pub fn view(&self) -> ConstitutionView<'_> {
        ConstitutionView {
            doc: self.doc.as_ref(),
            path: self.path.as_deref(),
            principles: &self.principles,
            label: &self.label,
        }
    }
}

/// True when a rule runs for this repository: rules tied to a principle run
/// only when the constitution has that principle, or when selected by name.
pub fn active(rule: &Rule, principles: &[Principle], explicit: &[String]) -> bool {
    match &rule.principle {
        None => true,
        Some(p) => {
            principles.iter().any(|q| &q.id == p)
                || explicit
                    .iter()
                    .any(|s| !s.eq_ignore_ascii_case("ALL") && crate::load::selector_matches(s, rule))
        }
    }
}

thread_local! {
    /// Where the last panic on this thread happened, recorded by the hook.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Replace the default panic output (a backtrace note on stderr) with a
/// record of where the panic happened, which `guarded` adds to the problem
/// it reports: a crash is reported once, with the file being checked.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        LAST_PANIC.with(|l| *l.borrow_mut() = at);
    }));
}

/// Run `f`, turning a panic into an internal problem that names `path`.
pub fn guarded<T>(path: &str, f: impl FnOnce() -> T) -> Result<T, Problem> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| Problem {
        path: path.to_string(),
        message: format!(
            "internal error while checking this file: {}",
            panic_message(&panic)
        ),
        internal: true,
    })
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    let what = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string());
    match LAST_PANIC.with(|l| l.borrow_mut().take()) {
        Some(at) => format!("{what} (at {at})"),
        None => what,
    }
}

/// Run the constitution checks over constitution.md.
pub fn constitution(file: FileId, doc: &ConstitutionDoc, rules: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    let cx = ConstitutionContext { doc };
    for rule in &rules.rules {
        if let Some(Check::Constitution(check)) = checks::builtin(rule) {
            check.check(
                &cx,
                &mut Sink {
                    file,
                    rule,
                    out: &mut out,
                },
            );
        }
    }
    clamp(&doc.doc.file, &mut out);
    out
}

/// A plan with everything its checks read, except disk facts.
#[derive(Debug)]
pub struct PlanModel {
    pub plan: Plan,
    pub gates: GateModel,
    /// For each gate entry, what its label cites.
    pub citations: Vec<Citation>,
    pub tree_entries: Vec<TreeEntry>,
    /// The template family the plan was written from, detected once here.
    pub family: crate::parse::family::Family,
}

impl PlanModel {
    /// Read a parsed plan's gates and trees against the constitution.
    pub fn new(plan: Plan, rules: &RuleSet, constitution: &Constitution, repo_name: &str) -> PlanModel {
        let gates = GateModel::read(&plan, &rules.status);
        let headings = constitution.doc.as_ref().map_or(&[][..], |d| &d.headings[..]);
        let citations = gates
            .entries
            .iter()
            .map(|e| cite(&e.label, &constitution.principles, headings))
            .collect();
        let tree_entries = plan.tree_entries(repo_name);
        let family = crate::parse::family::detect(&plan.file.path, &plan);
        PlanModel {
            family,
            plan,
            gates,
            citations,
            tree_entries,
        }
    }

    /// A SpecOps plan in a repository without a constitution is not gated:
    /// its Constitution Check is optional (the SpecOps templates make it so).
    fn ungated(&self, constitution: &Constitution) -> bool {
        self.family == crate::parse::family::Family::SpecOps && constitution.path.is_none()
    }

    fn context<'a>(
        &'a self,
        rules: &'a RuleSet,
        view: &'a ConstitutionView<'a>,
        facts: &'a DiskFacts,
    ) -> PlanContext<'a> {
        PlanContext {
            plan: &self.plan,
            gates: &self.gates,
            citations: &self.citations,
            constitution: view,
            rules,
            tree_entries: &self.tree_entries,
            facts,
        }
    }
}

/// The rules that run over plans in this repository.
fn plan_rules<'r>(
    rules: &'r RuleSet,
    constitution: &'r Constitution,
    explicit: &'r [String],
) -> impl Iterator<Item = &'r Rule> + 'r {
    rules
        .rules
        .iter()
        .filter(move |r| !r.kind.is_iac() && active(r, &constitution.principles, explicit))
}

/// The repository paths the plan's checks will ask about.
pub fn plan_paths(
    model: &PlanModel,
    rules: &RuleSet,
    constitution: &Constitution,
    explicit: &[String],
    out: &mut Vec<String>,
) {
    let view = constitution.view();
    let none = DiskFacts::default();
    let cx = model.context(rules, &view, &none);
    for rule in plan_rules(rules, constitution, explicit) {
        if let Some(Check::Plan(check)) = checks::builtin(rule) {
            check.paths(&cx, out);
        }
    }
}

/// Check one plan.
pub fn plan(
    file: FileId,
    model: &PlanModel,
    rules: &RuleSet,
    constitution: &Constitution,
    facts: &DiskFacts,
    explicit: &[String],
) -> Vec<Finding> {
    let view = constitution.view();
    let cx = model.context(rules, &view, facts);
    let mut out = Vec::new();
    for rule in plan_rules(rules, constitution, explicit) {
        let mut sink = Sink {
            file,
            rule,
            out: &mut out,
        };
        match (&rule.kind, checks::builtin(rule)) {
            (_, Some(Check::Plan(check))) => check.check(&cx, &mut sink),
            (RuleKind::Builtin(_), _) => {}
            _ => {
                checks::declarative::evaluate_with(rule, &model.plan, model.ungated(constitution), &mut sink)
            }
        }
    }
    clamp(&model.plan.file, &mut out);
    out
}

/// The rules that run over IaC files in this repository.
pub fn iac_rules<'r>(
    rules: &'r RuleSet,
    principles: &'r [Principle],
    explicit: &'r [String],
) -> Vec<&'r Rule> {
    rules
        .rules
        .iter()
        .filter(|r| active(r, principles, explicit))
        .filter(|r| r.kind.is_iac() || matches!(checks::builtin(r), Some(Check::Iac(_))))
        .collect()
}

/// True for an IaC rule that reads the whole repository (see
/// `IacCheck::global`): it runs once, after every batch was streamed.
pub fn iac_global(rule: &Rule) -> bool {
    match checks::builtin(rule) {
        Some(Check::Iac(check)) => check.global(),
        _ => matches!(rule.kind, RuleKind::CompanionFile { .. }),
    }
}

/// True for a repository-wide IaC rule that reads the files' paths and the
/// disk, never their documents (an application folder's runbook).
pub fn iac_reads_paths_only(rule: &Rule) -> bool {
    checks::builtin(rule).is_none() && matches!(rule.kind, RuleKind::CompanionFile { .. })
}

/// True when one of the repository-wide `rules` reads `doc`: a streamed
/// file keeps it.
pub fn iac_retains(rules: &[&Rule], doc: &crate::parse::iac::IacDoc) -> bool {
    rules
        .iter()
        .any(|r| matches!(checks::builtin(r), Some(Check::Iac(check)) if check.retains(doc)))
}

/// The unit a batch never splits: a chart (its `Chart.yaml`, values and
/// templates), else a folder's own files.
pub fn iac_group(path: &str) -> &str {
    checks::iac::chart_dir(path).unwrap_or_else(|| path.rsplit_once('/').map_or("", |(d, _)| d))
}

/// The Kustomize graph each of `paths` belongs to, if any: the
/// kustomizations (`named`: each kustomization file's index in `paths`,
/// with every path its documents could name), the files they name, the
/// kustomizations in the folders they name, and the rest of each such
/// file's folder or chart, joined transitively.
pub fn kustomize_graphs(paths: &[String], named: &[(usize, Vec<String>)]) -> Vec<Option<usize>> {
    use std::collections::HashMap;
    let mut group_ids: HashMap<&str, usize> = HashMap::new();
    let group: Vec<usize> = paths
        .iter()
        .map(|p| {
            let next = group_ids.len();
            *group_ids.entry(iac_group(p)).or_insert(next)
        })
        .collect();
    let mut parent: Vec<usize> = (0..group_ids.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let index: HashMap<&str, usize> = paths.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
    let by_dir: HashMap<&str, usize> = named
        .iter()
        .map(|(k, _)| (paths[*k].rsplit_once('/').map_or("", |(d, _)| d), *k))
        .collect();
    for (k, names) in named {
        for p in names {
            let other = index.get(p.as_str()).or_else(|| by_dir.get(p.as_str()));
            if let Some(&j) = other {
                let (a, b) = (find(&mut parent, group[*k]), find(&mut parent, group[j]));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut rendered = vec![false; parent.len()];
    for (k, _) in named {
        let root = find(&mut parent, group[*k]);
        rendered[root] = true;
    }
    group
        .iter()
        .map(|&g| {
            let root = find(&mut parent, g);
            rendered[root].then_some(root)
        })
        .collect()
}

/// The files as batches of about `size` files (indices into `paths`,
/// ascending): first those outside every Kustomize graph, by whole folders
/// and charts, then the graphs' (`graphs`, from [`kustomize_graphs`]), by
/// whole graphs.
pub fn iac_batches(
    paths: &[String],
    graphs: &[Option<usize>],
    size: usize,
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    use std::collections::BTreeMap;
    let mut plain: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut rendered: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, p) in paths.iter().enumerate() {
        match graphs.get(i).copied().flatten() {
            Some(g) => rendered.entry(g).or_default().push(i),
            None => plain.entry(iac_group(p)).or_default().push(i),
        }
    }
    fn pack(units: impl Iterator<Item = Vec<usize>>, size: usize) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        let mut batch: Vec<usize> = Vec::new();
        for files in units {
            batch.extend(files);
            if batch.len() >= size {
                batch.sort_unstable();
                out.push(std::mem::take(&mut batch));
            }
        }
        if !batch.is_empty() {
            batch.sort_unstable();
            out.push(batch);
        }
        out
    }
    (
        pack(plain.into_values(), size),
        pack(rendered.into_values(), size),
    )
}

/// The repository paths the IaC rules will ask about.
pub fn iac_paths(cx: &checks::iac::IacContext<'_>, rules: &[&Rule], out: &mut Vec<String>) {
    for rule in rules {
        match checks::builtin(rule) {
            Some(Check::Iac(check)) => check.paths(cx, out),
            _ => checks::iac::declarative::paths(rule, cx, out),
        }
    }
}

/// Run the IaC rules over a repository's IaC files, one rule per task, in
/// parallel. `alone` skips rules that need other files (an editor buffer).
/// Returns the findings and the rules that panicked.
pub fn iac(cx: &checks::iac::IacContext<'_>, rules: &[&Rule], alone: bool) -> (Vec<Finding>, Vec<Problem>) {
    let results: Vec<Result<Vec<Finding>, Problem>> = rules
        .par_iter()
        .map(|rule| {
            guarded(&format!("rule {}", rule.code), || {
                let mut out = Vec::new();
                let mut sink = Sink {
                    file: 0,
                    rule,
                    out: &mut out,
                };
                match checks::builtin(rule) {
                    Some(Check::Iac(check)) => {
                        if !(alone && check.cross_file()) {
                            check.check(cx, &mut sink);
                        }
                    }
                    _ => {
                        if !(alone && matches!(rule.kind, RuleKind::CompanionFile { .. })) {
                            checks::iac::declarative::evaluate(rule, cx, &mut sink);
                        }
                    }
                }
                out
            })
        })
        .collect();
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(list) => findings.extend(list),
            Err(p) => problems.push(p),
        }
    }
    let index: std::collections::HashMap<FileId, usize> =
        cx.ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    for f in &mut findings {
        if let Some(i) = index.get(&f.file) {
            f.span = cx.files[*i].file.clamp(f.span.clone());
        }
    }
    (findings, problems)
}

/// The feature checks that run in this repository.
fn feature_rules<'r>(
    rules: &'r RuleSet,
) -> impl Iterator<Item = (&'r Rule, crate::artifacts::FeatureFn)> + 'r {
    rules.rules.iter().filter_map(|r| match checks::builtin(r) {
        Some(Check::Feature(f)) => Some((r, f)),
        _ => None,
    })
}

/// The repository paths the feature checks will ask about: the checks run
/// once with every answer unknown, and the questions are recorded.
pub fn feature_paths(feature: &crate::artifacts::Feature, rules: &RuleSet, out: &mut Vec<String>) {
    let asked = std::sync::Mutex::new(Vec::new());
    let record = |p: &str| {
        if let Ok(mut a) = asked.lock() {
            a.push(p.to_string());
        }
        crate::artifacts::Existence::Unknown
    };
    for (_, f) in feature_rules(rules) {
        f(feature, &record, &mut Vec::new());
    }
    out.extend(asked.into_inner().unwrap_or_default());
}

/// Run the feature checks over one feature folder. `ids` maps each
/// artifact's path to its file id.
pub fn feature(
    feature: &crate::artifacts::Feature,
    ids: &[(String, FileId)],
    rules: &RuleSet,
    facts: &DiskFacts,
) -> Vec<Finding> {
    use crate::artifacts::Existence as E;
    // A bare file name (`gotk-sync.yaml`) could live anywhere: unknown.
    let exists = |p: &str| {
        if !p.trim_end_matches('/').contains('/') || !facts.knows(p) {
            return E::Unknown;
        }
        match facts.exists(p) {
            crate::discover::Existence::Exists => E::Exists,
            crate::discover::Existence::Missing => E::Missing,
            _ => E::Unknown,
        }
    };
    let mut out = Vec::new();
    for (rule, f) in feature_rules(rules) {
        let mut hits = Vec::new();
        f(feature, &exists, &mut hits);
        for h in hits {
            let Some((_, id)) = ids.iter().find(|(p, _)| **p == *h.path) else {
                continue;
            };
            let sev = h.severity.unwrap_or(rule.severity);
            Sink {
                file: *id,
                rule,
                out: &mut out,
            }
            .report_with(h.span, sev, h.message);
        }
    }
    out
}

/// Run the repository-wide checks (TREE005).
pub fn repo(cx: &RepoContext<'_>, rules: &RuleSet) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in &rules.rules {
        if let Some(Check::Repo(check)) = checks::builtin(rule) {
            check.check(
                cx,
                &mut Sink {
                    file: 0,
                    rule,
                    out: &mut out,
                },
            );
        }
    }
    out
}

/// Keep every span inside its file and on character boundaries.
fn clamp(file: &SourceFile, findings: &mut [Finding]) {
    for f in findings {
        f.span = file.clamp(f.span.clone());
    }
}

/// Parse and check constitution.md.
pub fn constitution_doc(file: &SourceFile) -> ConstitutionDoc {
    ConstitutionDoc::parse(Plan::parse(file.clone()))
}

/// Count the tree paths TREE001 does not check, for the summary line.
pub fn tree_counts(model: &PlanModel, facts: &DiskFacts) -> TreeCounts {
    let mut counts = TreeCounts::default();
    for e in model.tree_entries.iter().filter(|e| !e.skip) {
        let probe = checks::tree_probe(e);
        if e.marked {
            counts.planned += 1;
        } else if facts.knows(&probe) && facts.exists(&probe) == crate::discover::Existence::Ignored {
            counts.gitignored += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_chart_is_one_group_and_a_folder_another() {
        assert_eq!(iac_group("charts/web/templates/deploy.yaml"), "charts/web");
        assert_eq!(iac_group("charts/web/templates/sub/x.yaml"), "charts/web");
        assert_eq!(iac_group("charts/web/values.yaml"), "charts/web");
        assert_eq!(iac_group("charts/web/Chart.yaml"), "charts/web");
        assert_eq!(iac_group("infra/dns/main.tf"), "infra/dns");
        assert_eq!(iac_group("top.yaml"), "");
    }

    #[test]
    fn a_graph_joins_kustomizations_the_files_they_name_and_their_folders() {
        let p = paths(&[
            "apps/a/base/deploy.yaml",
            "apps/a/base/kustomization.yaml",
            "apps/a/base/unnamed.yaml",
            "apps/a/overlays/live/kustomization.yaml",
            "apps/b/kustomization.yaml",
            "lib/shared.yaml",
            "plain/namespace.yaml",
        ]);
        let named = vec![
            (1, paths(&["apps/a/base/deploy.yaml"])),
            // A folder with a kustomization, and a file elsewhere.
            (3, paths(&["apps/a/base", "lib/shared.yaml"])),
            (4, paths(&["apps/b/missing.yaml"])),
        ];
        let g = kustomize_graphs(&p, &named);
        let a = g[1].expect("a kustomization is in a graph");
        assert_eq!(g[0], Some(a));
        assert_eq!(g[2], Some(a), "the rest of a named file's folder");
        assert_eq!(g[3], Some(a));
        assert_eq!(g[5], Some(a), "a file named from another folder");
        let b = g[4].expect("a kustomization is in a graph");
        assert_ne!(a, b);
        assert_eq!(g[6], None);
    }

    #[test]
    fn batches_hold_whole_units_plain_files_first() {
        let p = paths(&[
            "a/1.yaml",
            "a/2.yaml",
            "a/3.yaml",
            "b/1.yaml",
            "k/kustomization.yaml",
            "k/x.yaml",
        ]);
        let graphs = vec![None, None, None, None, Some(7), Some(7)];
        let (plain, rendered) = iac_batches(&p, &graphs, 2);
        assert_eq!(plain, vec![vec![0, 1, 2], vec![3]]);
        assert_eq!(rendered, vec![vec![4, 5]]);
        let (plain, _) = iac_batches(&p, &graphs, 100);
        assert_eq!(plain, vec![vec![0, 1, 2, 3]]);
    }
}
