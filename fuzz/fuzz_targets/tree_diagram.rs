//! `parse::tree::parse_lines` and `entries` over arbitrary text, for the
//! whole text and for a sub-range on character boundaries chosen by the
//! first two bytes: lines inside the range, entries and comments inside
//! their lines, columns counted in characters.
#![no_main]

use constable::parse::tree::{entries, is_docs_tree, parse_lines};
use constable::source::floor_char_boundary;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (a, b) = match data {
        [a, b, ..] => (*a as usize, *b as usize),
        _ => (0, 0),
    };
    let text = constable_fuzz::text_of(data.get(2..).unwrap_or_default());
    let start = floor_char_boundary(&text, a.min(text.len()));
    let end = floor_char_boundary(&text, text.len().saturating_sub(b)).max(start);
    for content in [0..text.len(), start..end] {
        let lines = parse_lines(&text, content.clone());
        constable_fuzz::check_tree_lines(&text, &lines, &content);
        let _ = is_docs_tree(&lines);
        for repo in ["", "repo", "homelab"] {
            let es = entries(&text, &lines, repo);
            constable_fuzz::check_tree_entries(&text, &lines, &es, &content);
        }
    }
});
