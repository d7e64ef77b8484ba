//! Results out: CSV and JSON tables, charts, the one-page report, and the
//! folder they go in.
//!
//! Each format is a function from the collected results to bytes (or to a
//! drawing), and writing is separate: [`folder`] fills a temporary folder
//! beside the destination, which replaces the destination only once
//! everything is in it, and only if grapevine wrote the folder it replaces.
//! A failed or interrupted run leaves earlier results as they were and no
//! half-written folder.

pub mod animation;
pub mod charts;
pub(crate) mod findings;
pub mod folder;
pub mod gexf;
pub mod player;
pub mod report;
pub mod sweep;
pub mod tables;

pub use folder::write_folder;

use std::fs;
use std::path::Path;

pub use crate::film::Film;
pub use crate::pipeline::{Report, VariantResult};

/// A chart file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 1600 x 900 bitmaps, for slides.
    Png,
    /// Vector drawings, for editing and print.
    Svg,
}

/// What a run writes besides its tables and charts.
#[derive(Default, Clone, Copy)]
pub struct Extras<'a> {
    /// The film of the run, when it was recorded: played in the report.
    pub film: Option<&'a Film>,
    /// Write it as `network.gif`.
    pub gif: bool,
    /// Write it as `network.gexf`.
    pub gexf: bool,
    /// Write every replication's figures, tick by tick
    /// (`runs_timeseries.csv`).
    pub per_run: bool,
}

/// Writes every file of a report into `dir`: the tables, the scenario
/// file as it was read, the charts in each format, and the network
/// pictures asked for.
pub fn write_report(
    dir: &Path,
    report: &Report<'_>,
    formats: &[Format],
    extras: Extras<'_>,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<(), Box<dyn std::error::Error>> {
    fs::write(dir.join("timeseries.csv"), tables::timeseries_csv(report))?;
    fs::write(dir.join("runs.csv"), tables::runs_csv(report))?;
    if report.variants.len() > 1 {
        fs::write(dir.join("differences.csv"), tables::differences_csv(report))?;
    }
    if extras.per_run {
        fs::write(dir.join("runs_timeseries.csv"), tables::per_run_csv(report))?;
    }
    if report
        .scenario
        .baseline()
        .model
        .kind()
        .declaration()
        .stories
    {
        fs::write(dir.join("reach.csv"), tables::reach_csv(report))?;
    }
    fs::write(dir.join("summary.json"), tables::summary_json(report))?;
    fs::write(dir.join("scenario.toml"), &report.scenario.text)?;
    // The charts' bands are worked out once, for the files and the report.
    let all = charts::charts(report);
    charts::draw_all(dir, &all, report, formats, cancelled)?;
    if cancelled() {
        return Err("interrupted".into());
    }
    if let Some(film) = extras.film {
        if extras.gif {
            let file = std::io::BufWriter::new(fs::File::create(dir.join("network.gif"))?);
            animation::write_gif(film, file)?;
        }
        if extras.gexf {
            fs::write(dir.join("network.gexf"), gexf::gexf(film, report))?;
        }
    }
    if cancelled() {
        return Err("interrupted".into());
    }
    fs::write(
        dir.join("report.html"),
        report::html(report, &all, extras.film)?,
    )?;
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
