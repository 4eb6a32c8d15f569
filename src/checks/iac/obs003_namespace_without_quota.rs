//! OBS003 namespace-without-quota: a tenant namespace (labelled `tenant`)
//! with no ResourceQuota in it.

use super::{IacCheck, IacContext};
use crate::checks::Sink;
use crate::parse::located::Seg;

pub struct NamespaceWithoutQuota;

impl IacCheck for NamespaceWithoutQuota {
    fn cross_file(&self) -> bool {
        true
    }

    fn check(&self, cx: &IacContext<'_>, sink: &mut Sink<'_>) {
        let quotas: Vec<&str> = cx
            .objects(&["ResourceQuota"])
            .filter_map(|(_, _, d)| d.namespace())
            .collect();
        for (fi, _, d) in cx.objects(&["Namespace"]) {
            if d.located.value.pointer("/metadata/labels/tenant").is_none() {
                continue;
            }
            let Some(name) = d.name() else { continue };
            if !quotas.contains(&name) {
                let p = [Seg::Key("metadata".into()), Seg::Key("name".into())];
                sink.report_in(
                    fi,
                    d.located.span_of(&p),
                    format!("tenant namespace `{name}` has no ResourceQuota"),
                );
            }
        }
    }
}
