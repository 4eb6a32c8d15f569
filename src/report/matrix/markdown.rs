//! The Markdown summary: plans × principles with the state symbols, then
//! the counts, sized for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

use super::{CellState, Matrix};
use std::fmt::Write;

/// GitHub's limit for one step summary: 1 MiB.
pub const DEFAULT_SUMMARY_LIMIT: usize = 1 << 20;

/// The summary, at most `limit_bytes` long. When the whole table does not
/// fit, rows are dropped from the end (the oldest plans, as rows come newest
/// first) and a note says how many are shown; the counts, which cover every
/// plan, are kept when they fit.
pub fn to_markdown(m: &Matrix, limit_bytes: usize) -> String {
    let head = head(m);
    let rows: Vec<String> = m.plans.iter().map(|p| row(m, p)).collect();
    let tail = tail(m);
    let full = head.len() + rows.iter().map(String::len).sum::<usize>() + tail.len();
    if full <= limit_bytes {
        return [head, rows.concat(), tail].concat();
    }
    let note = |shown: usize| {
        format!(
            "\n> **Note:** this summary was truncated to fit {limit_bytes} bytes: it shows {shown} of {} plans. \
             The full matrix is in the HTML and JSON reports (`constable report --format html`).\n",
            m.plans.len()
        )
    };
    // The longest note (the shown count has at most as many digits as the total).
    let note_len = note(m.plans.len()).len();
    for with_tail in [true, false] {
        let fixed = head.len() + note_len + if with_tail { tail.len() } else { 0 };
        if fixed > limit_bytes {
            continue;
        }
        let mut out = head.clone();
        let mut shown = 0;
        for r in &rows {
            if out.len() + r.len() + (fixed - head.len()) > limit_bytes {
                break;
            }
            out.push_str(r);
            shown += 1;
        }
        out.push_str(&note(shown));
        if with_tail {
            out.push_str(&tail);
        }
        return out;
    }
    // Not even the table head fits: the note alone, cut at a character boundary.
    let mut s = note(0);
    let mut end = limit_bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

fn head(m: &Matrix) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Compliance matrix: {}\n", text(&m.repository));
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let _ = write!(
        s,
        "{} × {}",
        plural(m.plans.len(), "plan"),
        plural(m.principles.len(), "principle")
    );
    if let Some(c) = &m.constitution {
        let _ = write!(s, " · constitution {}", code(&c.path));
        if let Some(v) = &c.version {
            let _ = write!(s, " v{}", text(v));
        }
        if let Some(f) = &c.family {
            let _ = write!(s, " ({})", text(f));
        }
    }
    let _ = writeln!(s, " · {}\n", text(&m.tool));
    let legend: Vec<String> = CellState::ALL
        .iter()
        .map(|st| format!("{} {}", st.symbol(), st.label()))
        .collect();
    let _ = writeln!(s, "**Legend:** {}\n", legend.join(" · "));
    s.push_str("| Plan |");
    for p in &m.principles {
        let _ = write!(s, " {} |", text(p.short()));
    }
    s.push_str(" Leftovers | Tree |\n|:--|");
    for _ in &m.principles {
        s.push_str(":-:|");
    }
    s.push_str("--:|--:|\n");
    s
}

fn row(m: &Matrix, p: &super::PlanRow) -> String {
    let mut s = format!("| {} {} |", code(&p.feature), text(&p.title));
    for i in 0..m.principles.len() {
        match p.cells.get(i) {
            Some(c) => {
                let _ = write!(s, " {} |", c.state.symbol());
            }
            None => s.push_str("   |"),
        }
    }
    let _ = writeln!(s, " {} | {} |", p.leftovers.len(), p.tree.len());
    s
}

fn tail(m: &Matrix) -> String {
    let mut s = String::new();
    if !m.principles.is_empty() {
        let names: Vec<String> = m
            .principles
            .iter()
            .map(|p| format!("**{}** {}", text(p.short()), text(&p.title)))
            .collect();
        let _ = writeln!(s, "\nPrinciples: {}", names.join(" · "));
        s.push_str("\n### Counts\n\n| State |");
        for p in &m.principles {
            let _ = write!(s, " {} |", text(p.short()));
        }
        s.push_str(" All |\n|:--|");
        for _ in 0..=m.principles.len() {
            s.push_str("--:|");
        }
        s.push('\n');
        let cols: Vec<_> = (0..m.principles.len()).map(|i| m.column_counts(i)).collect();
        let totals = m.totals();
        for st in CellState::ALL {
            let _ = write!(s, "| {} {} |", st.symbol(), st.label());
            for c in &cols {
                let _ = write!(s, " {} |", c.get(&st).copied().unwrap_or(0));
            }
            let _ = writeln!(s, " {} |", totals.get(&st).copied().unwrap_or(0));
        }
        let iac: Vec<String> = m
            .principles
            .iter()
            .filter_map(|p| {
                let n: usize = p.iac.iter().map(|r| r.count).sum();
                (n > 0).then(|| format!("{} {n}", text(p.short())))
            })
            .collect();
        if !iac.is_empty() {
            let _ = writeln!(s, "\nIaC findings by principle: {}", iac.join(" · "));
        }
    }
    if let Some(t) = &m.trend {
        let _ = writeln!(
            s,
            "\n### Since {}\n\n{} new, {} fixed.\n",
            code(&t.baseline),
            t.new.len(),
            t.fixed.len()
        );
        for f in &t.new {
            let _ = writeln!(
                s,
                "- new {} {} {}",
                code(&f.code),
                code(&format!("{}:{}:{}", f.path, f.line, f.column)),
                text(&f.message)
            );
        }
        for f in &t.fixed {
            let _ = writeln!(
                s,
                "- fixed {} {} {}",
                code(&f.code),
                code(&f.path),
                text(&f.message)
            );
        }
    }
    s
}

/// User text in a Markdown table cell or line: no table breaks, no HTML.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// User text as a code span (falls back to escaped text when it holds a backtick).
fn code(s: &str) -> String {
    if s.contains('`') || s.contains('\n') {
        return text(s);
    }
    // Inside a code span only the pipe needs escaping (GitHub tables).
    format!("`{}`", s.replace('|', "\\|"))
}
