//! KUS001 broken-kustomization: a kustomization that cannot be rendered as
//! written: a cycle, a resource or patch that does not exist, a path that
//! climbs out of the repository, or a patch that does not apply. KUS002
//! kustomization-not-rendered: a remote resource (never fetched) or a
//! feature the native renderer does not run, so what is checked may differ
//! from what `kustomize build` deploys.

use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::render::ProblemKind;

pub struct BrokenKustomization;
pub struct NotRendered;

fn report(cx: &IacContext<'_>, sink: &mut Sink<'_>, wanted: &[ProblemKind]) {
    let Some(r) = cx.rendering else {
        return;
    };
    for p in r.problems.iter().filter(|p| wanted.contains(&p.kind)) {
        let Some(file) = cx.files.get(p.file) else {
            continue;
        };
        let span = file.docs.get(p.doc).map_or(0..0, |d| d.located.span_of(&p.path));
        sink.report_in(cx.ids[p.file], span, p.message.clone());
    }
}

impl IacCheck for BrokenKustomization {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        report(
            cx,
            sink,
            &[
                ProblemKind::Cycle,
                ProblemKind::Missing,
                ProblemKind::OutsideRoot,
                ProblemKind::BadPatch,
            ],
        );
    }
}

impl IacCheck for NotRendered {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        report(cx, sink, &[ProblemKind::Remote, ProblemKind::Unsupported]);
    }
}
