//! The README's rule table is generated from the rule docs; keep it current.

mod common;
use common::*;

#[test]
fn readme_rule_table_is_generated() {
    let table = constable(&["rules", "--format", "markdown"]).stdout;
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("README has the rules:start marker") + start.len();
    let b = readme.find(end).expect("README has the rules:end marker");
    if std::env::var_os("CONSTABLE_UPDATE_README").is_some() {
        let updated = format!("{}{}{}", &readme[..a], table, &readme[b..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[a..b],
        table,
        "run `CONSTABLE_UPDATE_README=1 cargo test --test readme`"
    );
}

#[test]
fn readme_names_the_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- check fixtures/example"));
    assert!(readme.contains("\ncargo test "));
    assert!(fixture("example").is_dir());
}
