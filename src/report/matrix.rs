//! The compliance matrix (`constable report`): plans × principles.
//!
//! For every plan and every constitution principle, one [`Cell`] says whether
//! the plan keeps the principle (with or without evidence), breaks it on
//! purpose with a Complexity Tracking justification, breaks it silently, or
//! never addresses it. [`Matrix`] is the `report_version: 1` JSON contract
//! (documented in `docs/report.md`); this module only renders it, as JSON
//! ([`to_json`]), as one self-contained HTML page ([`to_html`]) and as a
//! Markdown summary for pull-request comments and `$GITHUB_STEP_SUMMARY`
//! ([`to_markdown`]). Filling it from the gate model is the caller's job: the
//! renderers keep rows and columns in the order they are given.

mod html;
mod markdown;

pub use html::to_html;
pub use markdown::{to_markdown, DEFAULT_SUMMARY_LIMIT};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the JSON contract this module writes.
pub const REPORT_VERSION: u32 = 1;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    /// Always [`REPORT_VERSION`] (1) for this layout.
    pub report_version: u32,
    /// `constable 0.x.y`.
    pub tool: String,
    /// The repository's name, folder or URL (an `http(s)://` URL makes file
    /// links in the HTML point at `URL/blob/HEAD/path#Lline`).
    pub repository: String,
    pub constitution: Option<ConstitutionInfo>,
    /// The columns, in constitution order.
    pub principles: Vec<PrincipleColumn>,
    /// The rows, newest feature first (the caller sorts).
    pub plans: Vec<PlanRow>,
    /// Cell counts per principle column, same order as `principles`.
    pub summary: Vec<ColumnCounts>,
    /// Findings new and fixed since a baseline, when one was given.
    pub trend: Option<Trend>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstitutionInfo {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// The constitution's own version line (`**Version**: 1.2.0`).
    pub version: Option<String>,
    /// The template family it was written from (`spec-kit`, `specops`, ...).
    pub family: Option<String>,
}

/// One principle of the constitution: a column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipleColumn {
    /// The principle's id (`gitops`), as used by selectors.
    pub id: String,
    /// Its Roman numeral in the constitution (`III`), when it has one.
    pub numeral: Option<String>,
    pub title: String,
    /// IaC findings of the rules that belong to this principle, by rule.
    pub iac: Vec<RuleCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCount {
    pub code: String,
    pub name: String,
    /// Number of findings (may exceed `findings.len()` if the caller caps the list).
    pub count: usize,
    pub findings: Vec<FindingRef>,
}

/// One plan: a row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRow {
    /// The plan file, relative to the repository root.
    pub path: String,
    /// The feature folder, e.g. `012-node-pools`.
    pub feature: String,
    pub title: String,
    /// The template family the plan was written from.
    pub family: Option<String>,
    /// The constitution version the plan says it was checked against.
    pub constitution_version: Option<String>,
    /// One per principle column, same order as [`Matrix::principles`].
    pub cells: Vec<Cell>,
    /// Template leftovers (TPL findings) in the plan.
    pub leftovers: Vec<FindingRef>,
    /// Broken promises about the repository tree (TREE findings).
    pub tree: Vec<FindingRef>,
}

/// One plan against one principle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub state: CellState,
    /// The plan lines behind the state: gate rows, Complexity Tracking rows.
    pub entries: Vec<SourceRef>,
    /// Findings that decided or accompany the state (GATE findings, ...).
    pub findings: Vec<FindingRef>,
}

/// What a plan does about a principle. Declaration order is the order of
/// the legend, the counts and the JSON maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellState {
    /// The gate passes and the plan shows evidence for it.
    PassEvidence,
    /// The gate is marked as passing, with no evidence in the plan.
    PassNoEvidence,
    /// The gate is violated on purpose, with a Complexity Tracking justification.
    Justified,
    /// The gate is violated and nothing justifies it.
    Unjustified,
    /// The plan's Constitution Check never mentions the principle.
    NotAddressed,
    /// The plan says the principle does not apply to it.
    NotApplicable,
    /// The gate is still the template's unfilled slot.
    Slot,
}

impl CellState {
    /// Every state, in legend order.
    pub const ALL: [CellState; 7] = [
        CellState::PassEvidence,
        CellState::PassNoEvidence,
        CellState::Justified,
        CellState::Unjustified,
        CellState::NotAddressed,
        CellState::NotApplicable,
        CellState::Slot,
    ];

    /// The kebab-case name used in JSON, CSS classes and `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::PassEvidence => "pass-evidence",
            CellState::PassNoEvidence => "pass-no-evidence",
            CellState::Justified => "justified",
            CellState::Unjustified => "unjustified",
            CellState::NotAddressed => "not-addressed",
            CellState::NotApplicable => "not-applicable",
            CellState::Slot => "slot",
        }
    }

    /// The symbol shown in every rendering (readable without colour).
    pub fn symbol(self) -> &'static str {
        match self {
            CellState::PassEvidence => "✔",
            CellState::PassNoEvidence => "✓",
            CellState::Justified => "⚖",
            CellState::Unjustified => "✖",
            CellState::NotAddressed => "○",
            CellState::NotApplicable => "–",
            CellState::Slot => "⬚",
        }
    }

    /// Words for the legend and for screen readers.
    pub fn label(self) -> &'static str {
        match self {
            CellState::PassEvidence => "pass with evidence",
            CellState::PassNoEvidence => "pass without evidence",
            CellState::Justified => "justified violation",
            CellState::Unjustified => "unjustified violation",
            CellState::NotAddressed => "not addressed",
            CellState::NotApplicable => "not applicable",
            CellState::Slot => "template slot",
        }
    }

    /// Sort rank: worst first when a column is sorted ascending.
    pub fn rank(self) -> u8 {
        match self {
            CellState::Unjustified => 0,
            CellState::Slot => 1,
            CellState::NotAddressed => 2,
            CellState::Justified => 3,
            CellState::PassNoEvidence => 4,
            CellState::PassEvidence => 5,
            CellState::NotApplicable => 6,
        }
    }
}

/// A line of a plan (a gate row, a Complexity Tracking row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The line's text, trimmed.
    pub text: String,
}

/// A finding, as the matrix shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRef {
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Cell counts of one principle column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnCounts {
    /// The principle's id.
    pub principle: String,
    /// Every state, zero included.
    pub counts: BTreeMap<CellState, usize>,
}

/// Findings new and fixed since a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    /// The baseline file or git ref compared against.
    pub baseline: String,
    pub new: Vec<FindingRef>,
    pub fixed: Vec<FixedRef>,
}

/// A baseline finding that no longer occurs (it has no position any more).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedRef {
    pub code: String,
    pub path: String,
    pub message: String,
}

impl Matrix {
    /// An empty matrix for this build of constable.
    pub fn new(repository: impl Into<String>) -> Matrix {
        Matrix {
            report_version: REPORT_VERSION,
            tool: format!("constable {}", env!("CARGO_PKG_VERSION")),
            repository: repository.into(),
            constitution: None,
            principles: Vec::new(),
            plans: Vec::new(),
            summary: Vec::new(),
            trend: None,
        }
    }

    /// Count the cells of every principle column (every state, zero
    /// included), in column order. A row with fewer cells than columns
    /// counts nothing for the missing ones.
    pub fn count_columns(&self) -> Vec<ColumnCounts> {
        self.principles
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut counts: BTreeMap<CellState, usize> = CellState::ALL.iter().map(|s| (*s, 0)).collect();
                for plan in &self.plans {
                    if let Some(cell) = plan.cells.get(i) {
                        *counts.entry(cell.state).or_default() += 1;
                    }
                }
                ColumnCounts {
                    principle: p.id.clone(),
                    counts,
                }
            })
            .collect()
    }

    /// Set `summary` from the cells.
    pub fn recount(&mut self) {
        self.summary = self.count_columns();
    }

    /// The counts of column `i`: from `summary` when it names that principle,
    /// else counted from the cells.
    fn column_counts(&self, i: usize) -> BTreeMap<CellState, usize> {
        let id = &self.principles[i].id;
        match self.summary.iter().find(|c| &c.principle == id) {
            Some(c) => c.counts.clone(),
            None => self.count_columns().swap_remove(i).counts,
        }
    }

    /// Totals over all columns, every state.
    fn totals(&self) -> BTreeMap<CellState, usize> {
        let mut all: BTreeMap<CellState, usize> = CellState::ALL.iter().map(|s| (*s, 0)).collect();
        for i in 0..self.principles.len() {
            for (s, n) in self.column_counts(i) {
                *all.entry(s).or_default() += n;
            }
        }
        all
    }
}

impl PrincipleColumn {
    /// `III. Least-Privilege` or the title alone.
    pub fn heading(&self) -> String {
        match &self.numeral {
            Some(n) => format!("{n}. {}", self.title),
            None => self.title.clone(),
        }
    }

    /// The short column label: the numeral, else the id.
    pub fn short(&self) -> &str {
        self.numeral.as_deref().unwrap_or(&self.id)
    }
}

/// The pretty, stable JSON of the matrix (fields in declaration order, maps
/// sorted), with a final newline.
pub fn to_json(m: &Matrix) -> String {
    let mut s = serde_json::to_string_pretty(m).expect("a matrix always serialises");
    s.push('\n');
    s
}

/// Read a matrix back from its JSON.
pub fn from_json(text: &str) -> serde_json::Result<Matrix> {
    serde_json::from_str(text)
}
