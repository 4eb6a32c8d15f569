//! The compliance matrix renderers (`constable report`): JSON contract,
//! Markdown summary and HTML page, on hand-built matrices.

mod common;
mod sample;

use common::table_text;
use constable::report::matrix::*;
use std::collections::BTreeSet;

#[test]
fn sample_has_every_state() {
    let m = sample::small();
    let seen: BTreeSet<CellState> = m
        .plans
        .iter()
        .flat_map(|p| p.cells.iter().map(|c| c.state))
        .collect();
    assert_eq!(seen.len(), CellState::ALL.len(), "{seen:?}");
    assert!(m.plans.iter().all(|p| p.cells.len() == m.principles.len()));
}

#[test]
fn json_snapshot_and_round_trip() {
    let m = sample::small();
    let json = to_json(&m);
    insta::assert_snapshot!("json", json);
    assert_eq!(
        from_json(&json).unwrap(),
        m,
        "the JSON reads back to the same matrix"
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["report_version"], 1);
    assert_eq!(v["plans"][0]["cells"][1]["state"], "justified");
    assert_eq!(v["summary"][0]["counts"]["pass-evidence"], 2);
}

#[test]
fn unknown_state_is_rejected() {
    let json = to_json(&sample::small()).replacen("\"justified\"", "\"maybe\"", 1);
    assert!(from_json(&json).is_err());
}

#[test]
fn counts_per_column() {
    let m = sample::small();
    let get = |i: usize, s: CellState| m.summary[i].counts[&s];
    // Column I: 014 pass with evidence, 012 slot, 009 pass with evidence.
    assert_eq!(get(0, CellState::PassEvidence), 2);
    assert_eq!(get(0, CellState::Slot), 1);
    assert_eq!(get(0, CellState::Unjustified), 0);
    // Column III: unjustified twice, pass without evidence once.
    assert_eq!(get(2, CellState::Unjustified), 2);
    assert_eq!(get(2, CellState::PassNoEvidence), 1);
    for c in &m.summary {
        assert_eq!(c.counts.len(), CellState::ALL.len(), "every state, zero included");
        assert_eq!(c.counts.values().sum::<usize>(), m.plans.len());
    }
    assert_eq!(
        m.summary.iter().map(|c| c.principle.as_str()).collect::<Vec<_>>(),
        [
            "declarative",
            "gitops",
            "least-privilege",
            "observability",
            "reversible"
        ]
    );
}

#[test]
fn markdown_snapshot() {
    let md = to_markdown(&sample::small(), DEFAULT_SUMMARY_LIMIT);
    assert!(!md.contains("truncated"));
    insta::assert_snapshot!("markdown", md);
}

#[test]
fn html_table_snapshot() {
    let html = to_html(&sample::small());
    insta::assert_snapshot!("html-table", table_text(&html));
}

#[test]
fn html_structure() {
    let m = sample::small();
    let html = to_html(&m);
    // Self-contained: nothing loaded from anywhere.
    for banned in ["<link", "src=", "@import", "url(", "http://", "https://"] {
        assert!(!html.contains(banned), "{banned} in the page");
    }
    // Table semantics: a column header per principle, a row header per plan.
    assert_eq!(html.matches("<th scope=\"col\" class=\"pcol\"").count(), 5);
    assert_eq!(html.matches("<th scope=\"row\" class=\"plan\"").count(), 3 + 1);
    assert_eq!(html.matches("aria-sort=\"none\"").count(), 3 + 5 + 1);
    // Every state: a legend entry, a symbol and a colour class.
    for st in CellState::ALL {
        assert!(html.contains(&format!(
            "<span class=\"chip st-{}\" aria-hidden=\"true\">{}</span> {}",
            st.as_str(),
            st.symbol(),
            st.label()
        )));
        assert!(html.contains(&format!("data-state=\"{}\"", st.as_str())));
    }
    // Every plan line and finding behind a cell is linked as path:line:col.
    assert!(html.contains(
        "<a class=\"loc\" href=\"specs/012-node-pools/plan.md#L42\">specs/012-node-pools/plan.md:42:1</a>"
    ));
    // Controls are labelled and hidden until the script shows them.
    assert!(html.contains("<form class=\"controls\" id=\"controls\" hidden"));
    for (label, id) in [
        ("Principle", "<select id=\"f-principle\""),
        ("Plan", "<input id=\"f-plan\""),
        ("State", "<select id=\"f-state\""),
        ("Search", "<input id=\"f-search\""),
    ] {
        assert!(html.contains(&format!("<label>{label} {id}")), "{label}");
    }
    assert!(html.contains("@media print") && html.contains("prefers-color-scheme: dark"));
    // Trend, per-principle and per-plan sections.
    assert!(html.contains("<h2 id=\"trend-h\">Since <code>.constable-baseline.json</code></h2>"));
    assert!(html.contains("<code>PRV001</code></th><td>rbac-wildcard"));
    assert!(html.contains("<h4>Tree (1)</h4>"));
    let without_trend = Matrix { trend: None, ..m };
    assert!(!to_html(&without_trend).contains("id=\"trend\""));
}

#[test]
fn repository_url_makes_absolute_links() {
    let mut m = sample::small();
    m.repository = "https://git.example.org/platform/config/".into();
    let html = to_html(&m);
    assert!(html.contains(
        "href=\"https://git.example.org/platform/config/blob/HEAD/specs/012-node-pools/plan.md#L42\""
    ));
}

#[test]
fn user_text_is_escaped() {
    let mut m = sample::small();
    let evil = "<script>alert(\"x\")</script> & 'q' | `tick`";
    m.repository = evil.into();
    m.plans[0].title = evil.into();
    m.plans[0].feature = evil.into();
    m.plans[0].family = Some(evil.into());
    m.principles[0].title = evil.into();
    m.principles[0].id = "a\"b<c".into();
    m.plans[1].cells[2].findings[0].message = evil.into();
    m.plans[1].cells[2].entries[0].text = evil.into();
    m.plans[1].path = "javascript:alert(1)".into();
    m.plans[2].path = "//evil.example/x".into();
    m.recount();
    let html = to_html(&m);
    assert_eq!(html.matches("<script").count(), 1, "only the page's own script");
    assert!(!html.contains("alert(\"x\")"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
    assert!(
        !html.contains("href=\"javascript:"),
        "a path never becomes a scheme"
    );
    assert!(html.contains("href=\"javascript%3Aalert%281%29\""));
    assert!(!html.contains("href=\"//"), "a path never becomes another host");
    assert!(html.contains("data-p=\"a&quot;b&lt;c\""));

    let md = to_markdown(&m, DEFAULT_SUMMARY_LIMIT);
    assert!(!md.contains("<script"));
    let row = md
        .lines()
        .find(|l| l.contains("&lt;script&gt;") && l.starts_with("| "))
        .unwrap();
    // The title's pipe is escaped: the row keeps its 1 + 5 + 2 cells.
    let cells = row.replace("\\|", "").matches('|').count() - 1;
    assert_eq!(cells, 1 + 5 + 2, "{row}");
}

#[test]
fn markdown_truncates_at_the_limit_with_a_note() {
    let m = sample::large(300);
    let full = to_markdown(&m, DEFAULT_SUMMARY_LIMIT);
    assert!(!full.contains("truncated"));
    let limit = 8 * 1024;
    assert!(full.len() > limit, "the test needs a summary over the limit");
    let cut = to_markdown(&m, limit);
    assert!(cut.len() <= limit, "{} > {limit}", cut.len());
    let shown = cut.lines().filter(|l| l.starts_with("| `")).count();
    assert!(shown > 10 && shown < 300, "{shown} rows");
    assert!(cut.contains(&format!("it shows {shown} of 300 plans")), "{cut}");
    // Newest plans kept, in the given order; the counts over all plans stay.
    assert!(cut.contains("| `0300-change-300`"));
    assert!(!cut.contains("| `0001-change-1`"));
    assert!(cut.contains("### Counts"));
    assert!(full.starts_with(&cut[..cut.find("\n> **Note:**").unwrap()]));
    // Tiny limits still hold.
    for limit in [0, 50, 400] {
        let s = to_markdown(&m, limit);
        assert!(s.len() <= limit, "{limit}: {}", s.len());
    }
}
