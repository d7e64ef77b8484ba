//! Slide-ready charts: PNG (1600 x 900) and SVG, drawn with plotters from
//! the simulated replications, the mean as a line and the 90% band shaded.
//!
//! A run writes three overview figures of the baseline, a comparison of
//! the variants, one chart per metric (every variant overlaid, beside each
//! what-if's difference from the baseline), and the reach of stories.
//! Timeline events are drawn as labelled markers.
//!
//! Text is drawn with DejaVu Sans, shipped in `assets/fonts` and registered
//! with plotters at run time, so charts render the same on a bare machine
//! with no font packages installed.

mod panels;
mod reach;
mod render;
pub(crate) mod style;

use std::path::Path;

use rayon::prelude::*;

use super::{Format, Report};
use crate::catalog::Overview;
use panels::{capitalise, classic_overview, compare, markers, metric_panels, overview};
use reach::reach_figure;
pub(crate) use render::{Area, figure, on_area, save};
pub use style::{SIZE, palette, short_number};
pub(crate) use style::{VARIANT_COLOURS, footer_frame};

/// Draws every chart into `dir` in each of `formats`.
pub fn draw_all(
    dir: &Path,
    report: &Report<'_>,
    formats: &[Format],
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<(), String> {
    let interrupted = || {
        if cancelled() {
            Err("interrupted".to_string())
        } else {
            Ok(())
        }
    };
    let baseline_events = markers(report, 1);
    let overviews = match report
        .scenario
        .baseline()
        .model
        .kind()
        .declaration()
        .overview
    {
        Overview::WordOfMouth => overview(report),
        Overview::States => classic_overview(report),
    };
    overviews.par_iter().try_for_each(|(stem, title, panels)| {
        interrupted()?;
        save(dir, stem, formats, |area| {
            figure(area, report, title, panels, (1, 2), &baseline_events)
        })
    })?;
    let all_events = markers(report, report.variants.len());
    let events = &all_events;
    if report.variants.len() > 1 {
        let panels = compare(report);
        let names: Vec<&str> = report.variants.iter().map(|v| v.name.as_str()).collect();
        let title = if names.join(" vs ").len() + report.scenario.title.len() <= 60 {
            names.join(" vs ")
        } else {
            format!("{} variants compared", names.len())
        };
        let grid = match panels.len() {
            1 => (1, 1),
            2 => (1, 2),
            _ => (2, 2),
        };
        save(dir, "compare", formats, |area| {
            figure(area, report, &title, &panels, grid, events)
        })?;
    }
    let charts = dir.join("charts");
    std::fs::create_dir_all(&charts).map_err(|e| e.to_string())?;
    // Each chart is independent: draw them on all threads.
    report.metrics().par_iter().try_for_each(|m| {
        interrupted()?;
        let panels = metric_panels(report, *m, false);
        let about = m.info().about;
        let title = capitalise(about.split(" (").next().unwrap_or(about));
        save(&charts, m.name(), formats, |area| {
            figure(area, report, &title, &panels, (1, panels.len()), events)
        })
    })?;
    if report
        .scenario
        .baseline()
        .model
        .kind()
        .declaration()
        .stories
    {
        save(dir, "reach", formats, |area| reach_figure(area, report))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(12_000.0), "12k");
        assert_eq!(short_number(1_500_000.0), "1.5M");
        assert_eq!(short_number(250.0), "250");
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(-0.5), "-0.5");
    }
}
