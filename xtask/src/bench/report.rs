//! What a bench run found, as a Markdown table and as JSON.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// One bench run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub machine: Machine,
    /// Measured runs per figure (medians are of these), and per whole-API
    /// `cargo check`.
    pub runs: usize,
    pub check_runs: usize,
    /// The peer generator, as shown in its column header
    /// (`openapi-generator 7.26.0`); `None` when it was not run.
    pub peer: Option<String>,
    /// Why there is no peer column, or a note about the peer.
    pub peer_note: Option<String>,
    /// Whether our generator ran as a release build (debug is several
    /// times slower).
    pub release_generator: bool,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub cores: usize,
    /// 1-minute load averages when the run started and ended.
    pub load_start: Option<f64>,
    pub load_end: Option<f64>,
    pub rustc: String,
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The `--only` group it belongs to.
    pub group: String,
    pub what: String,
    pub ours: Cell,
    /// `None` when the peer was not run.
    pub peer: Option<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cell {
    /// A median time, with the samples it is the median of.
    Seconds { median: f64, samples: Vec<f64> },
    /// A median memory size in bytes, with its samples.
    Bytes { median: u64, samples: Vec<u64> },
    /// It did not work: "fails to compile (3 errors)".
    Failed { why: String },
    /// The figure does not exist for this side: "n/a (no per-tag features yet)".
    NotApplicable { why: String },
}

impl Cell {
    pub fn seconds(samples: Vec<f64>) -> Cell {
        Cell::Seconds { median: median_f64(&samples), samples }
    }

    pub fn bytes(samples: Vec<u64>) -> Cell {
        let mut sorted = samples.clone();
        sorted.sort_unstable();
        let median = match sorted.len() {
            0 => 0,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
        };
        Cell::Bytes { median, samples }
    }

    fn value(&self) -> Option<f64> {
        match self {
            Cell::Seconds { median, .. } => Some(*median),
            Cell::Bytes { median, .. } => Some(*median as f64),
            _ => None,
        }
    }

    pub fn render(&self) -> String {
        match self {
            Cell::Seconds { median, .. } => format_seconds(*median),
            Cell::Bytes { median, .. } => format_bytes(*median),
            Cell::Failed { why } | Cell::NotApplicable { why } => why.clone(),
        }
    }
}

pub fn median_f64(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// `0.42 s`, `12.3 s`, `245 s`.
pub fn format_seconds(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.2} s")
    } else if s < 100.0 {
        format!("{s:.1} s")
    } else {
        format!("{s:.0} s")
    }
}

/// `87 MB`, `1.42 GB` (decimal units, as `time -v` readers expect).
pub fn format_bytes(b: u64) -> String {
    let mb = b as f64 / 1e6;
    if mb < 1000.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{:.2} GB", mb / 1000.0)
    }
}

/// Theirs divided by ours (`2.4×`: theirs takes 2.4 times as long), when
/// both are figures.
pub fn ratio(ours: &Cell, peer: &Cell) -> String {
    match (ours.value(), peer.value()) {
        (Some(o), Some(p)) if o > 0.0 => format!("{:.1}×", p / o),
        _ => "–".to_owned(),
    }
}

impl Report {
    /// The Markdown table, then a few lines on how the figures were taken.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        match &self.peer {
            Some(peer) => {
                let _ = writeln!(out, "| measurement | ours | {peer} | theirs ÷ ours |");
                out.push_str("|---|---:|---:|---:|\n");
            }
            None => out.push_str("| measurement | ours |\n|---|---:|\n"),
        }
        for row in &self.rows {
            let what = row.what.replace('|', "\\|");
            let ours = row.ours.render().replace('|', "\\|");
            match (&self.peer, &row.peer) {
                (Some(_), Some(peer)) => {
                    let theirs = peer.render().replace('|', "\\|");
                    let _ = writeln!(out, "| {what} | {ours} | {theirs} | {} |", ratio(&row.ours, peer));
                }
                (Some(_), None) => {
                    let _ = writeln!(out, "| {what} | {ours} | – | – |");
                }
                (None, _) => {
                    let _ = writeln!(out, "| {what} | {ours} |");
                }
            }
        }
        out.push('\n');
        let load = |l: Option<f64>| l.map_or("?".to_owned(), |l| format!("{l:.1}"));
        let _ = writeln!(
            out,
            "Machine: {} cores, 1-minute load average {} at the start and {} at the end; {}.",
            self.machine.cores,
            load(self.machine.load_start),
            load(self.machine.load_end),
            self.machine.rustc
        );
        let _ = writeln!(
            out,
            "Medians of {} alternated runs ({} for whole-API `cargo check`); builds with CARGO_INCREMENTAL=0, dependencies prebuilt.",
            self.runs, self.check_runs
        );
        if !self.release_generator {
            out.push_str("Our generator ran as a debug build: `cargo run --release -p xtask -- bench` gives release figures.\n");
        }
        if let Some(note) = &self.peer_note {
            let _ = writeln!(out, "Peer: {note}");
        }
        out
    }
}
