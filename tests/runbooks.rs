//! DOC001 looks for runbooks where teams keep them (issue 9): the fixture
//! `fixtures/runbooks/` holds one application per convention, a folder that
//! only groups applications, and a team configuration with its own list.

mod common;
use common::*;

/// The concise findings (without the summary line).
fn findings(args: &[&str]) -> Vec<String> {
    iac_only_findings("fixtures/runbooks", args)
}

/// DOC001's concise findings on a copy of the fixture, one per line.
fn doc001(dir: &std::path::Path) -> String {
    iac_only_findings(dir.to_str().unwrap(), &["--select", "DOC001"]).join("\n")
}

#[test]
fn runbooks_are_found_in_docs_and_in_operational_readmes() {
    assert_eq!(
        findings(&["--select", "DOC001"]),
        [
            // apps/media only groups applications: sonarr is the app (jellyfin
            // has a RUNBOOK.md with a setext "Restore from backup" heading).
            "cluster/apps/media/sonarr/kustomization.yaml:1:1: error DOC001 application folder `cluster/apps/media/sonarr` has no runbook (such as `docs/runbooks/sonarr.md`)",
            // base/ and overlays/ lay out one application: shop, not its parts.
            "cluster/apps/shop/base/kustomization.yaml:1:1: error DOC001 application folder `cluster/apps/shop` has no runbook (such as `docs/runbooks/shop.md`)",
            // The README's only "Operations" heading is inside a code block.
            "cluster/apps/tide/kustomization.yaml:1:1: error DOC001 application folder `cluster/apps/tide` has no runbook (such as `docs/runbooks/tide.md`)",
        ]
    );
}

#[test]
fn a_readme_without_an_operational_section_is_not_a_runbook() {
    let dir = temp_dir("runbooks-readme");
    copy_tree(&fixture("runbooks"), &dir);
    let readme = dir.join("cluster/apps/ledger/README.md");
    edit(&readme, |t| t.replace("## Operations", "## Notes"));
    let r = doc001(&dir);
    assert!(
        r.contains("DOC001 application folder `cluster/apps/ledger` has no runbook"),
        "{r}"
    );
    // A central docs/ledger.md is enough again.
    std::fs::write(dir.join("docs/ledger.md"), "# Ledger\n\nBack up the volume.\n").unwrap();
    let r = doc001(&dir);
    assert!(!r.contains("`cluster/apps/ledger`"), "{r}");
}

#[test]
fn a_team_replaces_the_list_with_its_own_rule() {
    let found = findings(&[
        "--config",
        "fixtures/runbooks/wiki.toml",
        "--select",
        "DOC001,TEAM001",
    ]);
    assert!(found.iter().all(|l| l.contains(" TEAM001 ")), "{found:#?}");
    let folders: Vec<&str> = found.iter().map(|l| l.split('`').nth(1).unwrap()).collect();
    // tide has wiki/runbooks/tide.md; every other application has none.
    assert_eq!(
        folders,
        [
            "cluster/apps/beacon",
            "cluster/apps/ledger",
            "cluster/apps/media/jellyfin",
            "cluster/apps/media/sonarr",
            "cluster/apps/shop",
        ]
    );
}
