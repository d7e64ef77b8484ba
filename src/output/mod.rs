//! Results out: CSV and JSON tables, charts, and the folder they go in.
//!
//! Each format is a function from the collected results to bytes (or to a
//! drawing), and writing is separate: every file is written into a
//! temporary folder beside the destination, which replaces the destination
//! only once everything is in it. A failed or interrupted run leaves earlier
//! results as they were and no half-written folder.

pub mod charts;
pub mod sweep;
pub mod tables;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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
    pub fn metrics(&self) -> &'static [crate::metrics::Metric] {
        crate::metrics::metrics_for(self.scenario.baseline().model.kind())
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
) -> Result<(), Box<dyn std::error::Error>> {
    fs::write(dir.join("timeseries.csv"), tables::timeseries_csv(report))?;
    fs::write(dir.join("runs.csv"), tables::runs_csv(report))?;
    if !report.is_classic() {
        fs::write(dir.join("reach.csv"), tables::reach_csv(report))?;
    }
    fs::write(dir.join("summary.json"), tables::summary_json(report))?;
    fs::write(dir.join("scenario.toml"), report.scenario_text)?;
    charts::draw_all(dir, report, formats)?;
    Ok(())
}

/// Fills `dest` as a whole: `fill` writes into a temporary sibling folder,
/// which then replaces `dest`. If `fill` fails, `dest` is left as it was.
pub fn write_folder<E: From<io::Error>>(
    dest: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), E> {
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = dest
        .file_name()
        .ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "the output folder has no name")
        })?
        .to_string_lossy()
        .into_owned();
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    fs::create_dir(&tmp)?;
    if let Err(e) = fill(&tmp) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let swap = (|| {
        if dest.exists() {
            fs::rename(dest, &old)?;
        }
        fs::rename(&tmp, dest)?;
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        Ok::<(), io::Error>(())
    })();
    if swap.is_err() {
        let _ = fs::remove_dir_all(&tmp);
        if old.exists() && !dest.exists() {
            let _ = fs::rename(&old, dest);
        }
    }
    Ok(swap?)
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
    fn folders_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write_folder(&dest, |d| fs::write(d.join("a.txt"), "1")).unwrap();
        write_folder(&dest, |d| fs::write(d.join("b.txt"), "2")).unwrap();
        assert!(!dest.join("a.txt").exists());
        assert_eq!(fs::read(dest.join("b.txt")).unwrap(), b"2");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary folders are left");
    }

    #[test]
    fn a_failed_write_keeps_the_old_folder() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        write_folder(&dest, |d| fs::write(d.join("a.txt"), "1")).unwrap();
        let bad = write_folder(&dest, |d| fs::write(d.join("no/such/dir.txt"), "2"));
        assert!(bad.is_err());
        assert_eq!(fs::read(dest.join("a.txt")).unwrap(), b"1");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(-0.25), "-0.25");
        assert_eq!(num(0.1 + 0.2), "0.30000000000000004");
    }
}
