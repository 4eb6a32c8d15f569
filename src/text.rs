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

/// A timestamp-pattern file name (`YYYYMMDDHHMMSS_add_hosts.up.sql`,
/// `YYYY-MM-DD-notes.md`) as a regex over real names: each run of the
/// letters Y, M, D, H and S that holds `YYYY` stands for as many digits.
/// None for an ordinary name. `rel` may be a path; its last segment counts.
pub fn name_pattern(rel: &str) -> Option<regex::Regex> {
    let name = rel.trim_end_matches('/').rsplit('/').next()?;
    if !name.contains("YYYY") {
        return None;
    }
    let mut re = String::from("^");
    let mut run = String::new();
    let mut year = false;
    let mut flush = |run: &mut String, re: &mut String| {
        let date_part = run.len() == 2 && year && run.chars().all(|c| run.starts_with(c));
        if run.contains("YYYY") || date_part {
            year = true;
            re.push_str(&format!("[0-9]{{{}}}", run.len()));
        } else {
            re.push_str(&regex::escape(run));
        }
        run.clear();
    };
    for c in name.chars() {
        if "YMDHS".contains(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut re);
            re.push_str(&regex::escape(&c.to_string()));
        }
    }
    flush(&mut run, &mut re);
    re.push('$');
    regex::Regex::new(&re).ok()
}
