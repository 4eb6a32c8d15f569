//! Render Kustomize natively: from the YAML files already parsed, build what
//! `kustomize build` would output for each leaf kustomization, and remember
//! where every rendered node came from, so that findings on the rendered
//! objects point at real lines.
//!
//! Not here: reading the disk (the caller passes parsed files and an
//! `is_dir` callback), fetching remote bases, Helm inflation, plugins, name
//! reference rewriting and generator name hashes. Knows no rules and no
//! positions: an [`Origin`] is a (file, document, path) the caller maps to a
//! span however it stores positions.

mod json6902;
pub mod kustomize;
mod origin;
mod smp;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::parse::located::Seg;

pub use kustomize::render;

/// One YAML file under the IaC roots, already parsed (one value per YAML
/// document, in order).
#[derive(Debug, Clone, Copy)]
pub struct InputFile<'a> {
    /// Repository-relative, `/` separators, no leading `./`.
    pub path: &'a str,
    /// Borrowed, never cloned: rendering reads the caller's parsed values.
    pub docs: &'a [&'a Value],
}

/// Where a rendered node came from: a file (index into the input), a
/// document in it, and the path of the node in that document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: usize,
    pub doc: usize,
    pub path: Vec<Seg>,
}

/// One object of a rendered kustomization.
#[derive(Debug, Clone)]
pub struct RenderedObject {
    pub value: Value,
    origins: origin::Node,
}

impl RenderedObject {
    /// Where the node at `path` (a path in `value`) came from: the deepest
    /// recorded origin at or above it, extended by the rest of the path when
    /// that origin is a node of a real document. An origin inside an inline
    /// patch string or a transformer entry (`images[0]`) is not extended: it
    /// names the kustomization key that wrote the node.
    pub fn origin(&self, path: &[Seg]) -> Origin {
        self.origins.resolve(path)
    }

    /// Every input file that wrote some part of this object (its resource
    /// file, patches, the kustomizations whose transformers or generators
    /// touched it): a change to any of them changes the object.
    pub fn sources(&self) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        self.origins.files(&mut out);
        out
    }

    pub fn kind(&self) -> Option<&str> {
        self.value.get("kind").and_then(Value::as_str)
    }

    pub fn name(&self) -> Option<&str> {
        self.value.pointer("/metadata/name").and_then(Value::as_str)
    }

    pub fn namespace(&self) -> Option<&str> {
        self.value.pointer("/metadata/namespace").and_then(Value::as_str)
    }
}

/// A `kustomization.yaml` / `kustomization.yml` / `Kustomization` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kustomization {
    /// Index of the file in the input.
    pub file: usize,
    /// Its folder, repository-relative (`""` for the root).
    pub dir: String,
    /// `kind: Component` (applied inside the kustomizations that list it).
    pub component: bool,
    /// No other kustomization includes it, or it is deployed directly.
    pub leaf: bool,
    /// Its folder is in the `deployed` set passed to [`render`].
    pub deployed: bool,
    /// The kustomizations that list it under `resources`, `bases` or
    /// `components` (indexes into [`Rendering::kustomizations`]).
    pub included_by: Vec<usize>,
}

/// What a [`RenderProblem`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// A kustomization includes itself through its resources or components.
    Cycle,
    /// A resource, patch or generator file, or a folder, that does not exist
    /// (or a folder without a kustomization).
    Missing,
    /// A path whose `..` climbs out of the repository.
    OutsideRoot,
    /// A URL or git reference: never fetched (informational).
    Remote,
    /// A patch that does not parse, does not apply, or matches nothing.
    BadPatch,
    /// A kustomization feature the renderer does not run (`helmCharts`,
    /// plugin `generators`/`transformers`, `replacements`, `vars`): the
    /// rendering may differ from kustomize's there (informational).
    Unsupported,
}

/// A problem found while rendering, at a node of an input document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RenderProblem {
    pub file: usize,
    pub doc: usize,
    pub path: Vec<Seg>,
    pub message: String,
    pub kind: ProblemKind,
}

/// The result of [`render`].
#[derive(Debug, Clone, Default)]
pub struct Rendering {
    /// Every kustomization among the input, in input order.
    pub kustomizations: Vec<Kustomization>,
    /// For each leaf kustomization, in order, its rendered objects.
    pub leaves: Vec<(usize, Vec<RenderedObject>)>,
    /// (file, doc) pairs listed as resources (or read by generators) of some
    /// kustomization: never check them as stand-alone manifests.
    pub consumed: BTreeSet<(usize, usize)>,
    /// Files used as patches: never manifests.
    pub patch_files: BTreeSet<usize>,
    /// Sorted, without duplicates.
    pub problems: Vec<RenderProblem>,
    /// The leaves' objects as IaC documents, built on first use.
    docs: std::sync::OnceLock<Vec<crate::parse::iac::IacDoc>>,
}

impl Rendering {
    /// Only render problems (what is left of the renders once their
    /// objects were checked and dropped).
    pub fn of_problems(problems: Vec<RenderProblem>) -> Rendering {
        Rendering {
            problems,
            ..Rendering::default()
        }
    }

    /// Every leaf's rendered objects, in [`Rendering::leaves`] order, as
    /// Kubernetes documents without positions (rules read them like parsed
    /// files). Built once per rendering, however many rules read them.
    pub fn docs(&self) -> &[crate::parse::iac::IacDoc] {
        self.docs.get_or_init(|| {
            let s =
                |o: &RenderedObject, key: &str| o.value.get(key).and_then(Value::as_str).map(str::to_string);
            self.leaves
                .iter()
                .flat_map(|(_, objects)| objects)
                .map(|o| crate::parse::iac::IacDoc {
                    class: crate::parse::iac::DocClass::Kubernetes,
                    kind: s(o, "kind"),
                    api_version: s(o, "apiVersion"),
                    located: crate::parse::located::Located::unplaced(o.value.clone()),
                })
                .collect()
        })
    }
}
