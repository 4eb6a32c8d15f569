//! docs/rules/CODE.md, one page per rule, generated from the rule docs (the
//! pages SARIF's helpUri and the language server's code links point to).

mod common;
use common::*;

#[test]
fn rule_pages_are_generated_and_current() {
    let rules: Vec<serde_json::Value> =
        serde_json::from_str(&constable(&["rules", "--format", "json"]).stdout).unwrap();
    let dir = root().join("docs").join("rules");
    let update = std::env::var_os("CONSTABLE_UPDATE_DOCS").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    for r in &rules {
        let code = r["code"].as_str().unwrap();
        let page = constable(&["explain", code]).stdout;
        let path = dir.join(format!("{code}.md"));
        if update {
            std::fs::write(&path, &page).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            stale.push(code.to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule pages {stale:?}: run `CONSTABLE_UPDATE_DOCS=1 cargo test --test docs`"
    );
    let pages = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        pages,
        rules.len(),
        "a page for every rule and no page for a rule that is gone"
    );
}
