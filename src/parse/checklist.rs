//! The checklist model (`specs/NNN-feature/checklists/*.md`): checkbox items
//! with their optional `CHK001` ids. No checks live here.

use super::plan::Plan;
use super::spec::first_line;
use crate::source::SourceFile;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, Clone)]
pub struct ChecklistItem {
    pub span: Range<usize>,
    /// The item's first line.
    pub line: Range<usize>,
    pub checked: bool,
    /// The token where a `CHK` id stands, if the item starts with one.
    pub id: Option<(Range<usize>, String)>,
}

#[derive(Debug)]
pub struct Checklist {
    pub plan: Plan,
    /// Checkbox items outside code blocks and HTML comments.
    pub items: Vec<ChecklistItem>,
}

static CHECKBOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s*").expect("valid regex"));
static CHK_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\*\*)?(CHK[-_]?[0-9A-Z]*)(?:\*\*)?(?:[:.]?\s|[:.]?$)").expect("valid regex")
});
static CHK_OK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^CHK\d{3}$").expect("valid regex"));

/// True for the template's id convention: `CHK` and three digits.
pub fn well_formed_id(id: &str) -> bool {
    CHK_OK.is_match(id)
}

impl Checklist {
    pub fn parse(file: SourceFile) -> Checklist {
        let plan = Plan::parse(file);
        let text = plan.text();
        let items = plan
            .list_items
            .iter()
            .filter(|i| i.checked.is_some())
            .filter_map(|item| {
                let line = first_line(text, item.span.clone());
                let m = CHECKBOX.find(&text[line.clone()])?;
                let at = line.start + m.end();
                let id = CHK_TOKEN.captures(&text[at..line.end]).map(|c| {
                    let g = c.get(1).expect("group 1");
                    (at + g.start()..at + g.end(), g.as_str().to_string())
                });
                Some(ChecklistItem {
                    span: item.span.clone(),
                    line,
                    checked: item.checked == Some(true),
                    id,
                })
            })
            .collect();
        Checklist { plan, items }
    }

    pub fn text(&self) -> &str {
        self.plan.text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_and_ids() {
        let c = Checklist::parse(SourceFile::new(
            "c.md",
            "## A\n\n- [ ] CHK001 one\n- [x] **CHK2** two\n- [ ] Check the thing\n\n```\n- [ ] CHK009\n```\n",
        ));
        let ids: Vec<_> = c
            .items
            .iter()
            .map(|i| i.id.as_ref().map(|x| x.1.as_str()))
            .collect();
        assert_eq!(ids, vec![Some("CHK001"), Some("CHK2"), None]);
        assert!(c.items[1].checked);
        assert!(well_formed_id("CHK001") && !well_formed_id("CHK2"));
    }
}
