//! Load stage: configuration and rule packs (shipped and the team's own) into
//! the settings one repository is checked with; `builtin` rules are resolved
//! against the registered check codes here. Reads only TOML files inside
//! the repository root; evaluates nothing.

pub mod config;
pub mod error;
pub mod pack;

use crate::finding::Severity;
use crate::rules::{GateVocabulary, Rule, RuleSet, TomlConstitution};
use config::Config;
use error::{closest, plain, FileText, LoadResult};
use globset::{Glob, GlobMatcher};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// True when `text` is one of the packs shipped inside the binary (the
/// static text itself, not a copy), whose regexes the tests compile
/// (`builtin_pack_regexes_compile`), so loading them skips the check.
pub fn is_builtin_text(text: &str) -> bool {
    BUILTIN_PACKS
        .iter()
        .any(|(_, t)| std::ptr::eq(t.as_ptr(), text.as_ptr()) && t.len() == text.len())
}

/// Packs shipped inside the binary, by `builtin:` name.
pub static BUILTIN_PACKS: &[(&str, &str)] = &[
    ("spec-kit", include_str!("../../rules/spec-kit.toml")),
    ("artifacts", include_str!("../../rules/artifacts.toml")),
    ("k3s-gitops", include_str!("../../rules/k3s-gitops.toml")),
    ("gitops", include_str!("../../rules/gitops.toml")),
    ("idempotence", include_str!("../../rules/idempotence.toml")),
    (
        "least-privilege",
        include_str!("../../rules/least-privilege.toml"),
    ),
    ("observability", include_str!("../../rules/observability.toml")),
    ("runbooks", include_str!("../../rules/runbooks.toml")),
];

/// Packs used when the configuration names none: the plan rules, the
/// default constitution, and one IaC pack per principle. `constable init`
/// writes this same list.
pub const DEFAULT_EXTENDS: &[&str] = &[
    "builtin:spec-kit",
    "builtin:artifacts",
    "builtin:k3s-gitops",
    "builtin:gitops",
    "builtin:idempotence",
    "builtin:least-privilege",
    "builtin:observability",
    "builtin:runbooks",
];

/// Script and workflow folders read whenever any IaC root is (`[iac] scripts`).
pub const DEFAULT_SCRIPT_ROOTS: &[&str] = &[".github/workflows", "scripts"];

/// Test files and local-cluster configs, out of scope by default
/// (`[iac] exclude-tests`).
pub const DEFAULT_TEST_GLOBS: &[&str] = &[
    "**/test/**",
    "**/tests/**",
    "**/e2e/**",
    "**/testdata/**",
    "**/fixtures/**",
    "**/kind-config.yaml",
    "**/kind-config.yml",
    "**/kind.yaml",
    "**/kind.yml",
    "**/minikube*.yaml",
    "**/minikube*.yml",
];

/// Names of configuration files, in the order they are looked for.
pub const CONFIG_NAMES: &[&str] = &["constable.toml", ".constable.toml"];

/// Selections given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    /// Replaces the configuration's `select`.
    pub select: Option<Vec<String>>,
    /// Added to the configuration's `ignore`.
    pub ignore: Vec<String>,
    /// Added to the configuration's (or `--select`'s) `select`, like ruff's
    /// `--extend-select`.
    pub extend_select: Vec<String>,
    /// `exclude` globs added to the configuration's.
    pub exclude: Vec<String>,
    /// Ignore every configuration file: defaults only (`--isolated`).
    pub isolated: bool,
}

/// Where a setting's value came from, for `--show-settings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Built into constable.
    Default,
    /// The configuration file (`Settings::config_path`).
    Config,
    /// A command-line option.
    CommandLine,
}

/// The resolved selection with the origin of each value (`--show-settings`).
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// Packs loaded, in order.
    pub extends: Vec<(String, Origin)>,
    /// `select`, or None when every rule is selected.
    pub select: Option<Vec<(String, Origin)>>,
    /// `--extend-select` (also in `select` when that is set).
    pub extend_select: Vec<String>,
    pub ignore: Vec<(String, Origin)>,
    pub severity: Vec<(String, Severity, Origin)>,
    pub per_file_ignores: Vec<(String, Vec<String>, Origin)>,
    pub exclude: Vec<(String, Origin)>,
    pub iac_roots: Vec<(String, Origin)>,
    pub script_roots: Vec<(String, Origin)>,
}

/// Everything one repository is checked with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Enabled rules with severities applied, principles and vocabulary.
    pub rules: RuleSet,
    /// Every loaded rule, enabled or not, for `explain` and docs.
    pub all_rules: Vec<Rule>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    pub config_path: Option<PathBuf>,
    /// The repository root these settings were loaded for.
    pub root: PathBuf,
    pub iac_roots: Vec<String>,
    /// Script and workflow folders (`[iac] scripts`).
    pub script_roots: Vec<String>,
    /// Selectors named in `select` (configuration or command line): they
    /// enable rules whose principle the constitution lacks.
    pub explicit_select: Vec<String>,
    /// `exclude` globs.
    pub exclude: Option<globset::GlobSet>,
    /// `family` from the configuration: overrides detection for every plan.
    pub family: Option<crate::rules::Family>,
    /// `[iac] exclude-tests` globs; `None` when the list is empty (test
    /// files and kind/KWOK cluster configs are then checked).
    pub exclude_tests: Option<globset::GlobSet>,
    /// Rules turned off by `select` or `ignore`, with the reason.
    pub off: std::collections::BTreeMap<std::sync::Arc<str>, String>,
    /// Where each selection value came from.
    pub origins: Origins,
    /// `[limits] max-file-size`: the largest plan, artifact, constitution
    /// or IaC file read, in bytes.
    pub max_file_size: u64,
}

#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub glob: GlobMatcher,
    pub selectors: Vec<String>,
}

impl Settings {
    /// True when `path` (relative, `/`-separated) matches an `exclude` glob.
    pub fn excluded(&self, path: &str) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.is_match(path))
    }

    /// True when `path` is a test file or local-cluster config (`[iac] exclude-tests`).
    pub fn is_test_path(&self, path: &str) -> bool {
        self.exclude_tests.as_ref().is_some_and(|g| g.is_match(path))
    }

    /// True when `code` is ignored for the file at `path` (relative, `/`-separated).
    pub fn ignored_for(&self, path: &str, rule: &Rule) -> bool {
        self.per_file_ignores
            .iter()
            .any(|p| p.glob.is_match(path) && p.selectors.iter().any(|s| selector_matches(s, rule)))
    }
}

/// The configuration file for `root`: `--config`, else the first of
/// `CONFIG_NAMES` in the root.
pub fn config_path(root: &Path, overrides: &Overrides) -> Option<PathBuf> {
    if overrides.isolated {
        return None;
    }
    if let Some(c) = &overrides.config {
        return Some(c.clone());
    }
    // Found whatever it is (a symlink or FIFO is refused when read, not
    // passed over for the defaults), and never followed to find out.
    CONFIG_NAMES
        .iter()
        .map(|n| root.join(n))
        .find(|p| std::fs::symlink_metadata(p).is_ok())
}

/// Read a configuration or rule file: at most `safe::CONFIG_CAP` bytes, a
/// regular file, and inside the root with no symlink on the way, unless it
/// was named on the command line outside the root (`--config`), which must
/// still be a regular file. The message names the file, never its contents.
pub fn read_config_file(root: &Path, path: &Path, what: &str) -> Result<String, String> {
    use crate::discover::safe;
    let shown = path.display();
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let abs = normalise_abs(&abs);
    let text = if abs.starts_with(&real_root) {
        safe::inside(&real_root, &abs).and_then(|()| safe::read_text(&abs, safe::CONFIG_CAP))
    } else {
        // Named on the command line, outside the repository: the user's
        // choice of file, but still only a regular file of bounded size.
        match std::fs::metadata(&abs) {
            Ok(m) if !m.is_file() => Err(safe::ReadError::NotRegular(
                safe::describe(&m).unwrap_or("is not a regular file").to_string(),
            )),
            Ok(_) => std::fs::canonicalize(&abs)
                .map_err(safe::ReadError::Io)
                .and_then(|real| safe::read_text(&real, safe::CONFIG_CAP)),
            Err(e) => Err(safe::ReadError::Io(e)),
        }
    };
    text.map_err(|e| format!("{shown}: cannot read {what}: {e}"))
}

/// `.` and `..` removed without touching the disk.
fn normalise_abs(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Load settings for the repository at `root`. `registered` lists the codes
/// of the procedural checks (`checks::registered_codes()`): a `builtin` rule
/// resolves to its index there.
pub fn load(root: &Path, overrides: &Overrides, registered: &[&str]) -> LoadResult<Settings> {
    load_from(root, config_path(root, overrides), overrides, registered)
}

/// Load settings with an explicit configuration file (or none).
pub fn load_from(
    root: &Path,
    path: Option<PathBuf>,
    overrides: &Overrides,
    registered: &[&str],
) -> LoadResult<Settings> {
    let (config_text, config_name) = match &path {
        Some(p) => {
            let text = read_config_file(root, p, "configuration").map_err(plain)?;
            (text, shown(root, p))
        }
        None => (String::new(), String::new()),
    };
    let cfile = FileText {
        name: &config_name,
        text: &config_text,
    };
    let (mut config, config_rules) = match &path {
        Some(_) => config::parse_config(cfile)?,
        None => (Config::default(), Vec::new()),
    };
    let base = path
        .as_ref()
        .and_then(|p| p.parent())
        .unwrap_or(root)
        .to_path_buf();

    let extends: Vec<(String, Option<std::ops::Range<usize>>)> = match &config.extends {
        Some(list) => list
            .iter()
            .map(|s| (s.get_ref().clone(), Some(s.span())))
            .collect(),
        None => DEFAULT_EXTENDS.iter().map(|s| (s.to_string(), None)).collect(),
    };
    let mut rules: Vec<Rule> = Vec::new();
    let mut constitution = TomlConstitution::default();
    let mut vocabulary = GateVocabulary::default();
    let mut seen_codes: Vec<(String, String)> = Vec::new();
    let own = config.take_rules();
    let mut packs: Vec<(String, Cow<'static, str>)> = Vec::new();
    for (name, span) in &extends {
        if let Some(p) = &path {
            if let Some(chain) = extends_cycle(root, p, &base, name) {
                let msg = format!("`extends` makes a cycle: {}", chain.join(" → "));
                return Err(match span {
                    Some(s) => cfile.error(s.clone(), msg, "extends a file already in the chain"),
                    None => plain(msg),
                });
            }
        }
        let (source, text) = read_pack(root, &base, name).map_err(|msg| match span {
            Some(s) => cfile.error(s.clone(), msg, "this pack"),
            None => plain(msg),
        })?;
        packs.push((source, text));
    }
    let mut compiled = Vec::new();
    for (source, text) in &packs {
        let file = FileText { name: source, text };
        compiled.push((file, pack::parse_pack(file, source, registered)?));
    }
    if path.is_some() {
        compiled.push((
            cfile,
            pack::compile_pack(cfile, own, config_rules, &config_name, registered)?,
        ));
    }
    for (file, pack) in compiled {
        let source = file.name.to_string();
        for (rule, span) in pack.rules {
            if let Some((_, first)) = seen_codes.iter().find(|(c, _)| **c == *rule.code) {
                let mut e = file.error(
                    span,
                    format!("duplicate rule code `{}`", rule.code),
                    "defined again here",
                );
                e.help = Some(format!(
                    "`{}` is already defined by {first}; pick a new code",
                    rule.code
                ));
                e.labels.truncate(1);
                return Err(e);
            }
            seen_codes.push((rule.code.to_string(), source.clone()));
            rules.push(rule);
        }
        for (p, span) in pack.principles {
            if constitution.principles.iter().any(|q| q.id == p.id) {
                return Err(file.error(
                    span,
                    format!("duplicate principle id `{}`", p.id),
                    "defined again here",
                ));
            }
            constitution.principles.push(p);
        }
        if let Some((n, v)) = pack.constitution {
            constitution.name = Some(n);
            constitution.version = v;
        }
        if let Some(g) = pack.gate {
            g.apply(&mut vocabulary);
        }
    }
    if let Some(g) = &config.gate {
        g.apply(&mut vocabulary);
    }
    // A superseding rule must exist (a built-in check whose pack is not
    // loaded never reports, and supersedes nothing).
    for r in &rules {
        for s in &r.superseded_by {
            if !rules.iter().any(|x| x.code == s.code) && !registered.contains(&&*s.code) {
                return Err(plain(format!(
                    "{}: rule {} is superseded by `{}`, which no loaded pack defines",
                    r.source, r.code, s.code
                )));
            }
        }
    }
    // A rule's principle must exist.
    for r in &rules {
        if let Some(p) = &r.principle {
            if !constitution.principles.iter().any(|q| &q.id == p) {
                return Err(plain(format!(
                    "{}: rule {} names principle `{p}`, which no loaded pack defines",
                    r.source, r.code
                )));
            }
        }
    }
    constitution.mapping = principle_mapping(root, cfile, &config.principles, &constitution)?;
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    let all_rules = rules.clone();

    // Selection: config, then command line.
    let check = |sel: &str, span: Option<std::ops::Range<usize>>| -> LoadResult<()> {
        if all_rules.iter().any(|r| selector_matches(sel, r)) {
            return Ok(());
        }
        let mut names: Vec<&str> = all_rules.iter().flat_map(|r| [&*r.code, &*r.name]).collect();
        // Families: the letters of each code.
        names.extend(
            all_rules
                .iter()
                .map(|r| r.code.trim_end_matches(|c: char| c.is_ascii_digit())),
        );
        names.extend(constitution.principles.iter().map(|p| &*p.id));
        let msg = format!("`{sel}` matches no rule code, code prefix, rule name or principle");
        let mut e = match span {
            Some(s) => cfile.error(s, msg, "unknown selector"),
            None => plain(msg),
        };
        e.help = closest(sel, &names).map(|c| format!("did you mean `{c}`?"));
        Err(e)
    };
    let mut origins = Origins {
        extends: extends
            .iter()
            .map(|(n, span)| {
                (
                    n.clone(),
                    if span.is_some() {
                        Origin::Config
                    } else {
                        Origin::Default
                    },
                )
            })
            .collect(),
        ..Origins::default()
    };
    let mut select: Option<Vec<String>> = None;
    if let Some(list) = &config.select {
        for s in list {
            check(s.get_ref(), Some(s.span()))?;
        }
        select = Some(list.iter().map(|s| s.get_ref().clone()).collect());
        origins.select = Some(
            list.iter()
                .map(|s| (s.get_ref().clone(), Origin::Config))
                .collect(),
        );
    }
    if let Some(list) = &overrides.select {
        for s in list {
            check(s, None)?;
        }
        select = Some(list.clone());
        origins.select = Some(list.iter().map(|s| (s.clone(), Origin::CommandLine)).collect());
    }
    // `--extend-select` adds to whatever `select` is; with no `select` every
    // rule already runs, and the selectors still count as explicit.
    for s in &overrides.extend_select {
        check(s, None)?;
        origins.extend_select.push(s.clone());
        if let Some(list) = &mut select {
            list.push(s.clone());
        }
        if let Some(list) = &mut origins.select {
            list.push((s.clone(), Origin::CommandLine));
        }
    }
    let mut ignore: Vec<String> = Vec::new();
    for s in &config.ignore {
        check(s.get_ref(), Some(s.span()))?;
        ignore.push(s.get_ref().clone());
        origins.ignore.push((s.get_ref().clone(), Origin::Config));
    }
    for s in &overrides.ignore {
        check(s, None)?;
        ignore.push(s.clone());
        origins.ignore.push((s.clone(), Origin::CommandLine));
    }
    let mut severities: Vec<(&str, Severity)> = Vec::new();
    for (k, v) in &config.severity {
        check(k.get_ref(), Some(k.span()))?;
        severities.push((k.get_ref(), *v));
        origins.severity.push((k.get_ref().clone(), *v, Origin::Config));
    }
    // More specific selectors (longer) win.
    severities.sort_by_key(|(k, _)| k.len());
    let mut per_file_ignores = Vec::new();
    for (glob, sels) in &config.per_file_ignores {
        let matcher = Glob::new(glob.get_ref())
            .map_err(|e| cfile.error(glob.span(), format!("invalid glob: {e}"), "this glob"))?
            .compile_matcher();
        for s in sels {
            check(s.get_ref(), Some(s.span()))?;
        }
        origins.per_file_ignores.push((
            glob.get_ref().clone(),
            sels.iter().map(|s| s.get_ref().clone()).collect(),
            Origin::Config,
        ));
        per_file_ignores.push(PerFileIgnore {
            glob: matcher,
            selectors: sels.iter().map(|s| s.get_ref().clone()).collect(),
        });
    }

    let mut off = std::collections::BTreeMap::new();
    for r in &all_rules {
        if select
            .as_ref()
            .is_some_and(|s| !s.iter().any(|x| selector_matches(x, r)))
        {
            off.insert(r.code.clone(), "not selected by `select`".to_string());
        } else if let Some(x) = ignore.iter().find(|x| selector_matches(x, r)) {
            off.insert(r.code.clone(), format!("ignored by `{x}`"));
        }
    }
    let enabled: Vec<Rule> = all_rules
        .iter()
        .filter(|r| {
            select
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| selector_matches(x, r)))
        })
        .filter(|r| !ignore.iter().any(|x| selector_matches(x, r)))
        .cloned()
        .map(|mut r| {
            for (sel, sev) in &severities {
                if selector_matches(sel, &r) {
                    r.severity = *sev;
                }
            }
            r
        })
        .collect();

    let mut explicit_select = select.clone().unwrap_or_default();
    if select.is_none() {
        explicit_select.extend(overrides.extend_select.iter().cloned());
    }
    origins.exclude = config
        .exclude
        .iter()
        .map(|g| (g.clone(), Origin::Config))
        .chain(overrides.exclude.iter().map(|g| (g.clone(), Origin::CommandLine)))
        .collect();
    let exclude = if origins.exclude.is_empty() {
        None
    } else {
        let mut b = globset::GlobSetBuilder::new();
        for (g, origin) in &origins.exclude {
            let from = match origin {
                Origin::CommandLine => "--exclude",
                _ => config_name.as_str(),
            };
            b.add(Glob::new(g).map_err(|e| plain(format!("{from}: invalid exclude glob `{g}`: {e}")))?);
        }
        Some(b.build().map_err(|e| plain(format!("{config_name}: {e}")))?)
    };
    origins.iac_roots = config
        .iac
        .as_ref()
        .map(|i| i.roots.iter().map(|r| (r.clone(), Origin::Config)).collect())
        .unwrap_or_default();
    origins.script_roots = match config.iac.as_ref().and_then(|i| i.scripts.as_ref()) {
        Some(list) => list.iter().map(|r| (r.clone(), Origin::Config)).collect(),
        None => DEFAULT_SCRIPT_ROOTS
            .iter()
            .map(|r| (r.to_string(), Origin::Default))
            .collect(),
    };
    let test_globs: Vec<String> = config
        .iac
        .as_ref()
        .and_then(|i| i.exclude_tests.clone())
        .unwrap_or_else(|| DEFAULT_TEST_GLOBS.iter().map(|s| s.to_string()).collect());
    let exclude_tests = if test_globs.is_empty() {
        None
    } else {
        let mut b = globset::GlobSetBuilder::new();
        for g in &test_globs {
            b.add(Glob::new(g).map_err(|e| {
                plain(format!(
                    "{config_name}: invalid `[iac] exclude-tests` glob `{g}`: {e}"
                ))
            })?);
        }
        Some(b.build().map_err(|e| plain(format!("{config_name}: {e}")))?)
    };
    let max_file_size = config
        .limits
        .as_ref()
        .and_then(|l| l.max_file_size)
        .unwrap_or(crate::discover::safe::DEFAULT_MAX_FILE_SIZE);
    Ok(Settings {
        max_file_size,
        origins,
        family: config.family,
        off,
        exclude,
        exclude_tests,
        explicit_select,
        rules: RuleSet {
            status: crate::rules::StatusMatcher::new(&vocabulary),
            rules: enabled,
            constitution,
            vocabulary,
        },
        all_rules,
        per_file_ignores,
        config_path: path,
        root: root.to_path_buf(),
        iac_roots: config.iac.as_ref().map(|i| i.roots.clone()).unwrap_or_default(),
        script_roots: config
            .iac
            .and_then(|i| i.scripts)
            .unwrap_or_else(|| DEFAULT_SCRIPT_ROOTS.iter().map(|s| s.to_string()).collect()),
    })
}

/// Check `[principles]`: every key names a principle of the repository's
/// constitution.md (by numeral or title), every value a loaded principle id
/// or `"none"`, and no principle or id is mapped twice.
fn principle_mapping(
    root: &Path,
    cfile: FileText<'_>,
    table: &std::collections::BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    constitution: &TomlConstitution,
) -> LoadResult<Vec<crate::rules::PrincipleMapping>> {
    use crate::parse::constitution::key_matches;
    if table.is_empty() {
        return Ok(Vec::new());
    }
    let doc = crate::discover::constitution(root).and_then(|(abs, rel)| {
        if crate::discover::safe::inside(root, &abs).is_err() {
            return None;
        }
        let text =
            crate::discover::safe::read_text(&abs, crate::discover::safe::DEFAULT_MAX_FILE_SIZE).ok()?;
        let d = crate::evaluate::constitution_doc(&crate::source::SourceFile::new(rel.as_str(), &text));
        Some((rel, d))
    });
    let ids: Vec<&str> = constitution.principles.iter().map(|p| &*p.id).collect();
    let mut out = Vec::new();
    let mut seen: Vec<(usize, &str)> = Vec::new();
    let mut seen_ids: Vec<(&str, &str)> = Vec::new();
    for (key, value) in table {
        let (k, v) = (key.get_ref().as_str(), value.get_ref().as_str());
        let index = match &doc {
            Some((rel, d)) if !d.principles.is_empty() && !d.is_unfilled() => {
                let Some(i) = d.principles.iter().position(|dp| key_matches(k, dp)) else {
                    let names: Vec<String> = d
                        .principles
                        .iter()
                        .flat_map(|dp| dp.numeral.iter().cloned().chain([dp.name.clone()]))
                        .collect();
                    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                    let mut e = cfile.error(
                        key.span(),
                        format!("`{k}` names no principle of {rel}"),
                        "unknown principle",
                    );
                    e.help = Some(match closest(k, &refs) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("keys are numerals or titles: {}", refs.join(", ")),
                    });
                    return Err(e);
                };
                i
            }
            Some((rel, _)) => {
                return Err(cfile.error(
                    key.span(),
                    format!("{rel} has no filled-in principles to map"),
                    "nothing to map",
                ))
            }
            None => {
                return Err(cfile.error(
                    key.span(),
                    "`[principles]` maps the principles of constitution.md, and the repository has none",
                    "nothing to map",
                ))
            }
        };
        if let Some((_, first)) = seen.iter().find(|(i, _)| *i == index) {
            return Err(cfile.error(
                key.span(),
                format!("`{k}` and `{first}` name the same principle"),
                "mapped twice",
            ));
        }
        seen.push((index, k));
        let id = if v == "none" {
            None
        } else if let Some(p) = constitution.principles.iter().find(|p| &*p.id == v) {
            if let Some((_, first)) = seen_ids.iter().find(|(i, _)| *i == v) {
                let mut e = cfile.error(
                    value.span(),
                    format!("`{k}` and `{first}` both map to `{v}`"),
                    "taken twice",
                );
                e.help = Some(
                    "a principle id goes to one constitution.md principle; map the other to `\"none\"`"
                        .into(),
                );
                return Err(e);
            }
            seen_ids.push((v, k));
            Some(p.id.clone())
        } else {
            let mut choices = ids.clone();
            choices.push("none");
            let mut e = cfile.error(
                value.span(),
                format!("`{v}` is not a principle id"),
                "unknown principle id",
            );
            e.help = Some(match closest(v, &choices) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("principle ids: {}", choices.join(", ")),
            });
            return Err(e);
        };
        out.push(crate::rules::PrincipleMapping {
            key: k.to_string(),
            id,
        });
    }
    Ok(out)
}

/// Code (`TPL002`), code prefix (`TPL`, `GATE00`), name, principle id or `ALL`.
pub fn selector_matches(sel: &str, rule: &Rule) -> bool {
    sel.eq_ignore_ascii_case("ALL")
        || rule.code.eq_ignore_ascii_case(sel)
        || (!sel.is_empty()
            && sel.len() < rule.code.len()
            && rule
                .code
                .get(..sel.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(sel)))
        || *rule.name == *sel
        || rule.principle.as_deref() == Some(sel)
}

fn shown(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The text of a pack named in `extends`; team packs must lie inside the root.
fn read_pack(root: &Path, base: &Path, name: &str) -> Result<(String, Cow<'static, str>), String> {
    if let Some(b) = name.strip_prefix("builtin:") {
        return BUILTIN_PACKS
            .iter()
            .find(|(n, _)| *n == b)
            .map(|(n, t)| (format!("builtin:{n}"), Cow::Borrowed(*t)))
            .ok_or_else(|| {
                let names: Vec<&str> = BUILTIN_PACKS.iter().map(|(n, _)| *n).collect();
                let hint = closest(b, &names)
                    .map(|c| format!("; did you mean `builtin:{c}`?"))
                    .unwrap_or_default();
                format!(
                    "no built-in pack `{b}` (built-in packs: {}){hint}",
                    names.join(", ")
                )
            });
    }
    use crate::discover::safe;
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    // Resolved without the disk: `..` cannot climb out, and nothing on the
    // way is followed.
    let real = normalise_abs(&base.join(name));
    if !real.starts_with(&real_root) {
        return Err(format!(
            "rule file `{name}` is outside the repository root; constable reads nothing outside it"
        ));
    }
    if std::fs::symlink_metadata(&real).is_err() && safe::inside(&real_root, &real).is_ok() {
        return Err(format!("rule file `{name}` does not exist"));
    }
    let text = safe::inside(&real_root, &real)
        .and_then(|()| safe::read_text(&real, safe::CONFIG_CAP))
        .map_err(|e| format!("cannot read rule file `{name}`: {e}"))?;
    Ok((shown(&real_root, &real), Cow::Owned(text)))
}

/// The chain of files, from the configuration at `config`, that leads back
/// to a file already in it through `extends` (rule files have none, but a
/// configuration named as a pack does), or None. Only files `read_pack`
/// would read are followed.
fn extends_cycle(root: &Path, config: &Path, base: &Path, first: &str) -> Option<Vec<String>> {
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let start = normalise_abs(&std::env::current_dir().ok()?.join(config));
    let name_of = |p: &Path| shown(&real_root, p);
    let mut chain = vec![start.clone()];
    let mut next = vec![(base.to_path_buf(), first.to_string(), 1usize)];
    // Depth-first, with the chain cut back to each branch's depth.
    while let Some((dir, name, depth)) = next.pop() {
        if name.starts_with("builtin:") {
            continue;
        }
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        let file = normalise_abs(&dir.join(&name));
        chain.truncate(depth);
        if chain.contains(&file) {
            let mut names: Vec<String> = chain.iter().map(|p| name_of(p)).collect();
            names.push(name_of(&file));
            return Some(names);
        }
        let Ok((_, text)) = read_pack(root, &dir, &name) else {
            continue;
        };
        let Ok(table) = text.parse::<toml::Table>() else {
            continue;
        };
        chain.push(file.clone());
        let parent = file.parent().unwrap_or(&real_root).to_path_buf();
        for e in table
            .get("extends")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            next.push((parent.clone(), e.to_string(), depth + 1));
        }
    }
    None
}

/// The built-in rules alone, as `constable rules` shows them without a repository.
pub fn builtin_settings(registered: &[&str]) -> LoadResult<Settings> {
    load_from(Path::new("."), None, &Overrides::default(), registered)
}

/// The JSON Schema of rule files and of `constable.toml`.
pub fn schema() -> serde_json::Value {
    serde_json::json!({
        "rule-file": schemars::schema_for!(pack::RuleFile),
        "config": schemars::schema_for!(Config),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built-in packs skip the regex check at load (`is_builtin_text`):
    /// this is that check, for every regex they hold, and the proof that
    /// loading compiled none of them.
    #[test]
    fn builtin_pack_regexes_compile() {
        let settings = builtin_settings(&crate::checks::registered_codes()).expect("built-in packs load");
        let mut regexes: Vec<&crate::rules::LazyRegex> =
            settings.all_rules.iter().flat_map(|r| r.kind.regexes()).collect();
        for p in &settings.rules.constitution.principles {
            regexes.extend(p.evidence.iter());
        }
        assert!(regexes.len() > 30, "only {} regexes found", regexes.len());
        assert!(
            regexes.iter().all(|re| !re.is_compiled()),
            "a built-in regex was compiled at load"
        );
        for re in regexes {
            if let Err(e) = crate::rules::LazyRegex::new(re.as_str()) {
                panic!("built-in regex `{}` does not load: {e}", re.as_str());
            }
            if let Err(e) = regex::Regex::new(re.as_str()) {
                panic!("built-in regex `{}` does not compile: {e}", re.as_str());
            }
            assert!(re.is_match("") || !re.is_match(""), "compiles on use");
            assert!(re.is_compiled());
        }
    }

    /// A team pack's regexes are checked at load, built-in or not by name.
    #[test]
    fn team_pack_text_is_not_builtin() {
        for (_, text) in BUILTIN_PACKS {
            assert!(is_builtin_text(text));
            let copy = String::from(*text);
            assert!(!is_builtin_text(&copy), "a copy is not the shipped text");
        }
    }
}
