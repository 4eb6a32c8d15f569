//! Which bracketed texts are template slots. Pure string classification, no
//! positions: the plan parser decides where brackets are and asks here.

use regex::Regex;
use std::sync::LazyLock;

/// Why a bracketed text is a template slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// `[NEEDS CLARIFICATION: ...]` or a slot offering the marker as a value.
    Clarification,
    /// `[REMOVE IF UNUSED]`.
    RemoveIfUnused,
    /// Any other unfilled slot.
    Placeholder,
}

static ALL_CAPS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[A-Z]{3,}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)$").expect("valid regex"));
static EG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)(?:^|[\s,(])e\.g\.").expect("valid"));
static KEBAB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-z0-9]+(?:-[a-z0-9]{2,})+$").expect("valid"));
/// Single lowercase words the templates use as whole slots.
const SLOT_WORDS: &[&str] = &[
    "link",
    "date",
    "feature",
    "name",
    "url",
    "version",
    "todo",
    "tbd",
    "placeholder",
    "description",
];

/// Classify the text between `[` and `]` found in prose (paragraphs,
/// headings, table cells, list items): links and checkboxes never get here.
pub fn classify_prose(inner: &str) -> Option<SlotKind> {
    if let Some(k) = classify_strong(inner) {
        return Some(k);
    }
    let t = inner.trim();
    if t.is_empty() || !t.chars().any(char::is_alphabetic) {
        return None;
    }
    if SLOT_WORDS.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        return Some(SlotKind::Placeholder);
    }
    // Sentence-like slots: "[Brief description of ...]", "[current need]",
    // "[Feature Name]". Footnote-like and citation-like brackets are not.
    if t.starts_with('^') || t.starts_with('@') || t.starts_with('!') {
        return None;
    }
    if t.contains(' ') && t.chars().next().is_some_and(char::is_alphabetic) {
        return Some(SlotKind::Placeholder);
    }
    None
}

/// Classify bracketed text inside inline code, where YAML lists, indexes and
/// mentions of token names (`[PROJECT_NAME]`) are common: only the template's
/// `[###-...]` and `[e.g., ...]` slots count there.
pub fn classify_code(inner: &str) -> Option<SlotKind> {
    let t = inner.trim();
    (t.starts_with("###") || EG.is_match(t)).then_some(SlotKind::Placeholder)
}

/// Classify a bracket glued into a word or a path inside a code block
/// (`helm-repo-[NAME]`, `apps/[feature-name]/`).
pub fn classify_glued(inner: &str) -> Option<SlotKind> {
    let t = inner.trim();
    classify_strong(t).or_else(|| KEBAB.is_match(t).then_some(SlotKind::Placeholder))
}

/// Tokens that are template slots wherever they stand.
fn classify_strong(inner: &str) -> Option<SlotKind> {
    let t = inner.trim();
    if t.contains("NEEDS CLARIFICATION") {
        return Some(SlotKind::Clarification);
    }
    if t.eq_ignore_ascii_case("REMOVE IF UNUSED") {
        return Some(SlotKind::RemoveIfUnused);
    }
    if t.starts_with("###") || EG.is_match(t) || ALL_CAPS.is_match(t) {
        return Some(SlotKind::Placeholder);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_slots() {
        for s in [
            "FEATURE",
            "Feature Name",
            "DATE",
            "link",
            "###-feature-name",
            "e.g., 1.6.x",
            "if applicable, e.g., EKS or N/A",
            "Extract from feature spec: primary requirement",
            "Document compute resources here",
            "current need",
            "PRINCIPLE_1_NAME",
            "Question or research item 1",
        ] {
            assert_eq!(classify_prose(s), Some(SlotKind::Placeholder), "{s}");
        }
    }

    #[test]
    fn prose_non_slots() {
        for s in [
            "P",
            "x",
            " ",
            "1",
            "US1",
            "sic",
            "^note",
            "001-ansible-homelab",
            "T012",
        ] {
            assert_eq!(classify_prose(s), None, "{s}");
        }
    }

    #[test]
    fn clarification_wins() {
        assert_eq!(
            classify_prose("e.g., Vault or NEEDS CLARIFICATION"),
            Some(SlotKind::Clarification)
        );
        assert_eq!(
            classify_prose("NEEDS CLARIFICATION: auth?"),
            Some(SlotKind::Clarification)
        );
    }

    #[test]
    fn code_is_strict() {
        assert_eq!(classify_code("###-feature-name"), Some(SlotKind::Placeholder));
        assert_eq!(classify_code("REPO_URL"), None);
        assert_eq!(classify_code("ALL"), None);
        assert_eq!(classify_code("not-supported-on-vagrant-arm64"), None);
        assert_eq!(classify_code("'desktop', 'windows'"), None);
        assert_eq!(classify_glued("app-name"), Some(SlotKind::Placeholder));
        assert_eq!(classify_glued("inventory_hostname"), None);
        assert_eq!(classify_glued("0"), None);
        assert_eq!(classify_glued("a-z"), None);
        assert_eq!(classify_glued("a-f0-9"), None);
    }
}
