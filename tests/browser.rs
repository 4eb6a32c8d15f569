//! The compliance matrix page in a real browser: Debian's headless Chromium,
//! driven over the DevTools protocol by headless_chrome, plus axe-core for
//! accessibility. Locally, a missing `chromium` or axe-core (see .ci/run)
//! skips visibly; in CI (`CI` set) it fails.

mod common;
mod sample;

use common::*;
use constable::report::matrix::{to_html, CellState, Matrix};
use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, Tab};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The browser tests take turns: the timing test should not share the two
/// cores with another Chromium.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `$CHROMIUM` (when it names a file), else `chromium` or `chromium-browser` on PATH.
fn chromium_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|n| dir.join(n)))
        .find(|p| p.is_file())
}

/// axe-core as .ci/run installs it.
fn axe_path() -> PathBuf {
    root().join("target/npm/node_modules/axe-core/axe.min.js")
}

fn out_dir() -> PathBuf {
    let d = root().join("target").join("browser");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A Chromium this test started, with a fresh profile; killed on drop.
struct Chromium {
    child: Child,
    profile: PathBuf,
    browser: Browser,
}

impl Chromium {
    fn start(exe: &Path, name: &str) -> Chromium {
        let profile = temp_dir(&format!("chromium-{name}"));
        let mut child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--window-size=1440,1000",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        // Chromium writes its port and browser target to DevToolsActivePort.
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(60);
        let ws = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    break format!("ws://127.0.0.1:{port}{path}");
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("chromium exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "chromium did not open its DevTools port"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let browser =
            Browser::connect_with_timeout(ws, Duration::from_secs(300)).expect("connect to chromium");
        Chromium {
            child,
            profile,
            browser,
        }
    }

    fn tab(&self) -> Arc<Tab> {
        let tab = self.browser.new_tab().expect("a tab");
        tab.set_default_timeout(Duration::from_secs(60));
        tab
    }

    fn open(&self, file: &Path) -> Arc<Tab> {
        let tab = self.tab();
        load(&tab, file);
        tab
    }
}

fn load(tab: &Tab, file: &Path) {
    {
        tab.navigate_to(&format!("file://{}", file.display()))
            .and_then(|t| t.wait_until_navigated())
            .expect("the page loads");
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Evaluate `expr` (a value or a promise) in the page; its result as JSON.
fn js(tab: &Tab, expr: &str) -> Value {
    let wrapped = format!(
        "Promise.resolve().then(() => ({expr})).then(v => JSON.stringify({{ ok: v === undefined ? null : v }}), e => JSON.stringify({{ err: String(e && e.stack || e) }}))"
    );
    let obj = tab.evaluate(&wrapped, true).expect("evaluate");
    let text = obj
        .value
        .and_then(|v| v.as_str().map(String::from))
        .expect("a JSON string");
    let v: Value = serde_json::from_str(&text).unwrap();
    if let Some(err) = v.get("err") {
        panic!("script failed: {err}\n{expr}");
    }
    v["ok"].clone()
}

fn write_page(m: &Matrix, name: &str) -> PathBuf {
    let path = out_dir().join(name);
    std::fs::write(&path, to_html(m)).unwrap();
    path
}

/// Features of the visible rows, in order.
const VISIBLE_ROWS: &str = "Array.from(document.querySelectorAll('#matrix tbody tr')).filter(r => r.getClientRects().length > 0).map(r => r.querySelector('.feat').textContent)";

fn select(tab: &Tab, id: &str, value: &str) {
    js(
        tab,
        &format!(
            "(() => {{ const e = document.getElementById('{id}'); e.value = {v}; e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input')); }})()",
            v = Value::from(value)
        ),
    );
}

fn strings(v: Value) -> Vec<String> {
    serde_json::from_value(v).unwrap()
}

/// axe-core's serious and critical violations on the page as it is now
/// (printing the lesser ones); None when axe-core is not installed.
fn axe(tab: &Tab, axe_js: Option<&str>) -> Option<Vec<String>> {
    let src = axe_js?;
    tab.evaluate(src, false).expect("inject axe-core");
    let v = js(
        tab,
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })))",
    );
    println!("axe-core: {} violations", v.as_array().unwrap().len());
    let mut bad = Vec::new();
    for violation in v.as_array().unwrap() {
        let line = format!(
            "{} ({}): {} at {}",
            violation["id"], violation["impact"], violation["help"], violation["targets"]
        );
        println!("axe: {line}");
        if matches!(violation["impact"].as_str(), Some("serious" | "critical")) {
            bad.push(line);
        }
    }
    Some(bad)
}

fn dark(tab: &Tab, on: bool) {
    tab.call_method(Emulation::SetEmulatedMedia {
        media: None,
        features: Some(vec![Emulation::MediaFeature {
            name: "prefers-color-scheme".into(),
            value: if on { "dark" } else { "light" }.into(),
        }]),
    })
    .expect("emulate colour scheme");
}

fn screenshot(tab: &Tab, name: &str) {
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
    let path = out_dir().join(name);
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());
}

#[test]
fn matrix_page_in_chromium() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(exe) = chromium_path() else {
        if missing_tool(false, "chromium") {
            return;
        }
        unreachable!()
    };
    let axe_js = std::fs::read_to_string(axe_path()).ok();
    if axe_js.is_none() {
        missing_tool(false, "axe-core (npm, in target/npm; see .ci/run)");
    }
    let m = sample::small();
    let page = write_page(&m, "matrix.html");
    let chromium = Chromium::start(&exe, "small");
    let tab = chromium.open(&page);

    // The script ran: the controls are shown.
    assert_eq!(js(&tab, "document.getElementById('controls').hidden"), false);
    assert_eq!(
        js(&tab, "document.getElementById('f-count').textContent"),
        "3 plans"
    );

    // Every cell renders its state: symbol, words for screen readers, and a
    // background colour of its own.
    let cells = js(
        &tab,
        "Array.from(document.querySelectorAll('#matrix tbody tr')).map(r => Array.from(r.querySelectorAll('td[data-state]')).map(td => [td.dataset.state, td.querySelector('.sym').textContent, td.querySelector('.sr').textContent, getComputedStyle(td).backgroundColor, td.getClientRects().length > 0]))",
    );
    let mut colours = std::collections::BTreeMap::new();
    for (plan, row) in m.plans.iter().zip(cells.as_array().unwrap()) {
        let row = row.as_array().unwrap();
        assert_eq!(row.len(), plan.cells.len(), "{}", plan.feature);
        for (cell, got) in plan.cells.iter().zip(row) {
            assert_eq!(got[0], cell.state.as_str());
            assert_eq!(got[1], cell.state.symbol());
            assert_eq!(got[2], cell.state.label());
            assert_eq!(got[4], true, "visible");
            let colour = got[3].as_str().unwrap().to_string();
            let previous = colours.insert(cell.state, colour.clone());
            assert!(
                previous.is_none() || previous == Some(colour),
                "one colour per state"
            );
        }
    }
    let distinct: std::collections::BTreeSet<_> = colours.values().collect();
    assert_eq!(distinct.len(), CellState::ALL.len(), "{colours:?}");

    // Cells expand to the plan lines behind them (a <details>, no script).
    assert_eq!(
        js(&tab, "(() => { const d = document.querySelector('tr[data-i=\"1\"] td[data-p=\"least-privilege\"] details'); d.querySelector('summary').click(); return d.open && d.querySelector('.behind').innerText; })()"),
        "specs/012-node-pools/plan.md:42:1 | III | FAIL | the runner binds cluster-admin for now |\nspecs/012-node-pools/plan.md:42:1 ERROR CPX001 III. Least Privilege & Secrets is violated and Complexity Tracking has no row for it"
    );

    // Filter by principle: only that principle's column stays (head, cells, counts).
    select(&tab, "f-principle", "gitops");
    let shown = js(&tab, "Array.from(document.querySelectorAll('#matrix [data-p]')).map(e => [e.dataset.p, e.getClientRects().length > 0])");
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), 5 * (1 + 3 + 1), "head, three rows and the counts");
    for e in shown {
        assert_eq!(e[1] == true, e[0] == "gitops", "{e}");
    }
    assert_eq!(strings(js(&tab, VISIBLE_ROWS)).len(), 3, "all plans still shown");
    // ... with a state: no plan has a slot under gitops; two have one anywhere.
    select(&tab, "f-state", "slot");
    assert!(strings(js(&tab, VISIBLE_ROWS)).is_empty());
    select(&tab, "f-principle", "");
    assert_eq!(
        strings(js(&tab, VISIBLE_ROWS)),
        ["012-node-pools", "009-backup-restore"]
    );
    assert_eq!(
        js(&tab, "document.getElementById('f-count').textContent"),
        "Showing 2 of 3 plans"
    );
    select(&tab, "f-state", "");
    select(&tab, "f-plan", "NODE");
    assert_eq!(strings(js(&tab, VISIBLE_ROWS)), ["012-node-pools"]);
    select(&tab, "f-plan", "");
    select(&tab, "f-search", "velero");
    assert_eq!(strings(js(&tab, VISIBLE_ROWS)), ["009-backup-restore"]);
    select(&tab, "f-search", "");
    assert_eq!(strings(js(&tab, VISIBLE_ROWS)).len(), 3);

    // Sorting: column I ascending puts the worst state first (ties keep the
    // given order); again for descending; aria-sort follows.
    let sort = |col: &str| {
        js(
            &tab,
            &format!("document.querySelector('#matrix thead th{col} button').click()"),
        );
        let order = strings(js(&tab, VISIBLE_ROWS));
        let aria = js(
            &tab,
            &format!("document.querySelector('#matrix thead th{col}').getAttribute('aria-sort')"),
        );
        (order, aria)
    };
    let (order, aria) = sort("[data-p=\"declarative\"]");
    assert_eq!(order, ["012-node-pools", "014-ingress-waf", "009-backup-restore"]);
    assert_eq!(aria, "ascending");
    let (order, aria) = sort("[data-p=\"declarative\"]");
    assert_eq!(order, ["014-ingress-waf", "009-backup-restore", "012-node-pools"]);
    assert_eq!(aria, "descending");
    let (order, aria) = sort(".plan");
    assert_eq!(order, ["009-backup-restore", "012-node-pools", "014-ingress-waf"]);
    assert_eq!(aria, "ascending");
    assert_eq!(
        js(
            &tab,
            "document.querySelector('#matrix thead th[data-p=\"declarative\"]').getAttribute('aria-sort')"
        ),
        "none"
    );
    let (order, _) = sort(".plan");
    assert_eq!(order, ["014-ingress-waf", "012-node-pools", "009-backup-restore"]);

    // Open two more cells for people looking at the screenshot.
    js(&tab, "['tr[data-i=\"0\"] td[data-p=\"gitops\"] details', 'tr[data-i=\"2\"] td[data-p=\"reversible\"] details'].forEach(s => document.querySelector(s).open = true)");
    screenshot(&tab, "matrix.png");
    let light = axe(&tab, axe_js.as_deref());
    js(
        &tab,
        "window.scrollTo(0, document.getElementById('principles').offsetTop - 10)",
    );
    screenshot(&tab, "matrix-sections.png");
    js(&tab, "window.scrollTo(0, 0)");
    dark(&tab, true);
    screenshot(&tab, "matrix-dark.png");
    let dark_result = axe(&tab, axe_js.as_deref());
    match (light, dark_result) {
        (Some(light), Some(dark)) => {
            assert!(
                light.is_empty(),
                "serious or critical axe violations (light): {light:#?}"
            );
            assert!(
                dark.is_empty(),
                "serious or critical axe violations (dark): {dark:#?}"
            );
        }
        _ => eprintln!("skipped: the axe-core check (axe-core is not installed in target/npm)"),
    }

    // Print: no controls, every cell open.
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".into()),
        features: None,
    })
    .unwrap();
    assert_eq!(
        js(
            &tab,
            "getComputedStyle(document.getElementById('controls')).display"
        ),
        "none"
    );
    assert_eq!(
        js(&tab, "Array.from(document.querySelectorAll('#matrix details .behind')).every(b => b.getClientRects().length > 0)"),
        true,
        "print shows what is behind every cell"
    );
}

#[test]
fn thousand_plans_open_and_filter_fast() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(exe) = chromium_path() else {
        if missing_tool(false, "chromium") {
            return;
        }
        unreachable!()
    };
    let m = sample::large(1000);
    let page = write_page(&m, "matrix-1000.html");
    let expected = m
        .plans
        .iter()
        .filter(|p| p.cells[1].state == CellState::Unjustified)
        .count();
    assert!(expected > 0);
    let chromium = Chromium::start(&exe, "large");
    let tab = chromium.tab();
    // The timer covers loading the file, the page's script, both filters and
    // reading back which rows show.
    let started = Instant::now();
    load(&tab, &page);
    let opened = started.elapsed();
    select(&tab, "f-principle", "gitops");
    select(&tab, "f-state", "unjustified");
    let visible = strings(js(&tab, VISIBLE_ROWS));
    let elapsed = started.elapsed();
    let in_page = js(
        &tab,
        "(() => { const t = performance.getEntriesByType('navigation')[0]; const f = document.getElementById('f-plan'); const s = performance.now(); f.value = 'change-9'; f.dispatchEvent(new Event('input')); document.body.getBoundingClientRect(); const d = performance.now() - s; f.value = ''; f.dispatchEvent(new Event('input')); return 'load event at ' + Math.round(t.loadEventEnd) + ' ms, one filter ' + Math.round(d) + ' ms'; })()",
    );
    println!(
        "1000 plans: opened and filtered in {} ms (opened in {} ms; in the page: {}; {} bytes of HTML)",
        elapsed.as_millis(),
        opened.as_millis(),
        in_page.as_str().unwrap(),
        std::fs::metadata(&page).unwrap().len()
    );
    assert_eq!(visible.len(), expected);
    assert_eq!(
        js(&tab, "document.querySelectorAll('#matrix tbody td[data-p]:not([data-p=\"gitops\"])').length > 0 && Array.from(document.querySelectorAll('#matrix tbody td[data-p]:not([data-p=\"gitops\"])')).every(td => td.getClientRects().length === 0)"),
        true
    );
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

/// The page of a real fixture, as `constable report` writes it: every
/// state renders, the principle filter and sorting work on real rows.
#[test]
fn report_page_of_a_fixture_in_chromium() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(exe) = chromium_path() else {
        if missing_tool(false, "chromium") {
            return;
        }
        unreachable!()
    };
    let page = out_dir().join("report-fixture.html");
    let fx = fixture("report");
    let r = constable(&["report", fx.to_str().unwrap(), "-o", page.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = constable(&["report", fx.to_str().unwrap(), "--format", "json", "-o", "-"]);
    let m = constable::report::matrix::from_json(&j.stdout).unwrap();
    let chromium = Chromium::start(&exe, "report-fixture");
    let tab = chromium.open(&page);

    // The rendered states are the JSON's, row by row; all seven appear.
    let cells = js(
        &tab,
        "Array.from(document.querySelectorAll('#matrix tbody tr')).map(r => Array.from(r.querySelectorAll('td[data-state]')).map(td => td.dataset.state))",
    );
    let rendered: Vec<Vec<String>> = serde_json::from_value(cells).unwrap();
    let expected: Vec<Vec<String>> = m
        .plans
        .iter()
        .map(|p| p.cells.iter().map(|c| c.state.as_str().to_string()).collect())
        .collect();
    assert_eq!(rendered, expected);
    let seen: std::collections::BTreeSet<&str> = rendered.iter().flatten().map(String::as_str).collect();
    assert_eq!(seen.len(), CellState::ALL.len(), "{seen:?}");
    assert_eq!(
        strings(js(&tab, VISIBLE_ROWS)),
        ["015-edge-proxy", "012-log-shipping", "007-backup-jobs"]
    );

    // Filter by principle and state: the plans with an unjustified gitops gate.
    select(&tab, "f-principle", "gitops");
    let shown = js(&tab, "Array.from(document.querySelectorAll('#matrix tbody [data-p]')).filter(e => e.getClientRects().length > 0).map(e => e.dataset.p)");
    assert!(strings(shown).iter().all(|p| p == "gitops"));
    select(&tab, "f-state", "unjustified");
    assert_eq!(strings(js(&tab, VISIBLE_ROWS)), ["012-log-shipping"]);
    select(&tab, "f-state", "");
    select(&tab, "f-principle", "");

    // Sorting by Least Privilege: worst state first, ties in the given order.
    js(
        &tab,
        "document.querySelector('#matrix thead th[data-p=\"least-privilege\"] button').click()",
    );
    assert_eq!(
        strings(js(&tab, VISIBLE_ROWS)),
        ["007-backup-jobs", "015-edge-proxy", "012-log-shipping"],
        "justified first, then the passes in the given order"
    );
    screenshot(&tab, "report-fixture.png");
}
