//! Results out: CSV and JSON tables, charts, and the folder they go in.
//!
//! Each format is a function from the collected results to bytes (or to a
//! drawing), and writing is separate: [`folder`] fills a temporary folder
//! beside the destination, which replaces the destination only once
//! everything is in it, and only if grapevine wrote the folder it replaces.
//! A failed or interrupted run leaves earlier results as they were and no
//! half-written folder.

pub mod charts;
pub mod folder;
pub mod sweep;
pub mod tables;

pub use folder::write_folder;

use std::fs;
use std::path::Path;

use crate::metrics::{Aggregate, Recorder};
use crate::network::NetworkStats;
use crate::scenario::Scenario;

/// A chart file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 1600 x 900 bitmaps, for slides.
    Png,
    /// Vector drawings, for editing and print.
    Svg,
}

/// The results of one variant of a scenario.
pub struct VariantResult {
    pub name: String,
    pub runs: Vec<Recorder>,
    pub aggregate: Aggregate,
}

/// Everything a run produced, ready to be written.
pub struct Report<'a> {
    pub scenario: &'a Scenario,
    /// The scenario file's text, kept beside the results.
    pub scenario_text: &'a str,
    pub network: NetworkStats,
    pub variants: Vec<VariantResult>,
}

impl Report<'_> {
    /// The measures this report's model records.
    pub fn metrics(&self) -> &'static [crate::measures::Measure] {
        self.scenario.baseline().model.kind().measures()
    }

    pub fn is_classic(&self) -> bool {
        self.scenario.baseline().model.is_classic()
    }

    /// Column names for groups: `all`, then the scenario's groups.
    pub fn slots(&self) -> Vec<&str> {
        std::iter::once("all")
            .chain(
                self.scenario
                    .baseline()
                    .groups
                    .iter()
                    .map(|g| g.name.as_str()),
            )
            .collect()
    }
}

/// Writes every file of a report into `dir`: the tables, the scenario
/// file as it was read, and the charts in each format.
pub fn write_report(
    dir: &Path,
    report: &Report<'_>,
    formats: &[Format],
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<(), Box<dyn std::error::Error>> {
    fs::write(dir.join("timeseries.csv"), tables::timeseries_csv(report))?;
    fs::write(dir.join("runs.csv"), tables::runs_csv(report))?;
    if !report.is_classic() {
        fs::write(dir.join("reach.csv"), tables::reach_csv(report))?;
    }
    fs::write(dir.join("summary.json"), tables::summary_json(report))?;
    fs::write(dir.join("scenario.toml"), report.scenario_text)?;
    charts::draw_all(dir, report, formats, cancelled)?;
    Ok(())
}

/// Formats a number for CSV: whole numbers without a decimal point, others
/// in Rust's shortest round-trip form (the same bits give the same text).
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(-0.25), "-0.25");
        assert_eq!(num(0.1 + 0.2), "0.30000000000000004");
    }
}
