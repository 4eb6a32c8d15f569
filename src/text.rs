//! Text helpers shared by every stage: heading titles normalised for
//! matching. Foundation code: it knows strings, not files or rules.

/// Lower-case a heading title and drop numbering, emphasis and trailing
/// parenthesised or starred notes: "2. Constitution Check (Post-Design)" ->
/// "constitution check (post-design)"; the prefix test does the rest.
pub fn normalise_title(title: &str) -> String {
    let t = title.trim();
    let t = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')' || c.is_whitespace());
    t.trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
        .to_lowercase()
}

/// True when the title, normalised, starts with one of `names` (lower-case)
/// followed by the end, a space or punctuation.
pub fn title_matches(title: &str, names: &[&str]) -> bool {
    let t = normalise_title(title);
    names.iter().any(|n| {
        t.strip_prefix(&n.to_lowercase())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| !c.is_alphanumeric()))
    })
}
