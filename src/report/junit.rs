//! JUnit XML: one test suite per checked file, one failing test case per
//! finding (a file without findings has one passing case), for CI dashboards.
//! Valid against the junit-10 schema (Jenkins' JUnit plugin): every suite
//! has `tests`, `failures`, `errors` and `time`; no timestamp or host name,
//! so the same findings give the same bytes.

use super::Report;
use quick_xml::escape::escape;
use std::io::{self, Write};

pub fn write(r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    let mut by_file: Vec<Vec<&crate::finding::Finding>> = vec![Vec::new(); r.files.len()];
    for f in r.findings {
        by_file[f.file].push(f);
    }
    let listed = |i: usize| r.reported.get(i).copied().unwrap_or(true) || !by_file[i].is_empty();
    let cases: usize = (0..r.files.len())
        .filter(|i| listed(*i))
        .map(|i| by_file[i].len().max(1))
        .sum();
    writeln!(
        out,
        r#"<testsuites name="constable" tests="{}" failures="{}" errors="0" time="0">"#,
        cases,
        r.findings.len()
    )?;
    // Files in path order, as the findings are.
    let mut order: Vec<usize> = (0..r.files.len()).filter(|i| listed(*i)).collect();
    order.sort_by(|a, b| r.files[*a].path.cmp(&r.files[*b].path));
    for i in order {
        let file = &r.files[i];
        let findings = &by_file[i];
        let path = escape(&*file.path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0" skipped="0" time="0">"#,
            findings.len().max(1),
            findings.len()
        )?;
        if findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="no findings" classname="{path}" time="0"/>"#
            )?;
        }
        for f in findings.iter() {
            let (l, c) = file.line_col(f.span.start);
            let name = r.rule(f).map(|x| x.name.to_string()).unwrap_or_default();
            writeln!(
                out,
                r#"    <testcase name="{} {} at {l}:{c}" classname="{path}" time="0">"#,
                f.code,
                escape(name.as_str())
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}:{l}:{c}: {} {} {}&#10;{}</failure>"#,
                escape(f.message.as_str()),
                f.code,
                path,
                f.severity,
                f.code,
                escape(f.message.as_str()),
                escape(r.help(f))
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
