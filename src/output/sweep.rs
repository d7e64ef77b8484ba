//! A sweep's results: `sweep.csv` and a chart of a final figure against
//! the swept parameter, one line per variant with its 90% band.

use std::fmt::Write;
use std::fs;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{self, Area, on_area, style};
use super::{Format, Report, findings, num};
use crate::measures::{Measure, Scale};
use crate::metrics::Band;
use crate::scenario::Scenario;

/// One value of the parameter: each variant's final figure.
pub struct Point {
    pub value: String,
    pub bands: Vec<(String, Band)>,
}

impl Point {
    pub fn of(value: &str, report: &Report<'_>, metric: Measure) -> Point {
        Point {
            value: value.to_string(),
            bands: report
                .variants
                .iter()
                .map(|v| (v.name.clone(), super::tables::final_band(v, metric)))
                .collect(),
        }
    }
}

pub struct Sweep<'a> {
    /// The scenario at the first value (for its title, seed and runs).
    pub scenario: &'a Scenario,
    pub parameter: String,
    pub metric: Measure,
    pub points: Vec<Point>,
}

/// `parameter,value,variant,metric,mean,p05,p95`, one row per value and variant.
pub fn csv(s: &Sweep<'_>) -> String {
    let mut out = String::from("parameter,value,variant,metric,mean,p05,p95,seed,runs\n");
    let metric = s.metric.name();
    for p in &s.points {
        for (name, b) in &p.bands {
            let value = if p.value.contains(',') {
                format!("\"{}\"", p.value.replace('"', "\"\""))
            } else {
                p.value.clone()
            };
            let _ = writeln!(
                out,
                "{},{value},{name},{metric},{},{},{},{},{}",
                s.parameter,
                num(b.mean),
                num(b.p05),
                num(b.p95),
                s.scenario.seed,
                s.scenario.runs
            );
        }
    }
    out
}

pub fn write(
    dir: &Path,
    s: &Sweep<'_>,
    formats: &[Format],
) -> Result<(), Box<dyn std::error::Error>> {
    fs::write(dir.join("sweep.csv"), csv(s))?;
    fs::write(dir.join("scenario.toml"), &s.scenario.text)?;
    charts::save(dir, "sweep", formats, |area| chart(area, s))?;
    Ok(())
}

fn chart(area: Area<'_, '_>, s: &Sweep<'_>) -> Result<(), String> {
    on_area!(area, |a| draw(a, s))
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, s: &Sweep<'_>) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let m = s.metric;
    let what = match m.kind() {
        crate::measures::Kind::Flow => format!("{} in all", findings::what(m)),
        crate::measures::Kind::Level => format!("{} at the end", findings::what(m)),
    };
    let note = format!(
        "Points: mean of {} runs at each value; shaded: 90% band. Seed {}. {}. grapevine {}",
        s.scenario.runs,
        s.scenario.seed,
        s.scenario.source.display(),
        env!("CARGO_PKG_VERSION")
    );
    let variants = s.points.first().map_or(0, |p| p.bands.len());
    let legend: Vec<(String, style::Stroke)> = (0..variants)
        .map(|v| (s.points[0].bands[v].0.clone(), style::variant_stroke(v)))
        .collect();
    let title = format!("{}: {what}, against {}", s.scenario.title, s.parameter);
    let body = style::frame(
        root,
        &style::Framing {
            title: &title,
            subtitle: None,
            legend: &legend,
            footer: &note,
        },
    )?;
    // Numeric values are placed at their values; others evenly, by label.
    let numeric: Option<Vec<f64>> = s.points.iter().map(|p| p.value.parse().ok()).collect();
    let xs: Vec<f64> = numeric
        .clone()
        .unwrap_or_else(|| (0..s.points.len()).map(|i| i as f64).collect());
    let (x0, x1) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    // A twentieth of the range on each side (half a step for labels).
    let pad = if numeric.is_some() {
        ((x1 - x0) * 0.05)
            .max(x0.abs().max(x1.abs()) * 0.05)
            .max(1e-9)
    } else {
        0.5
    };
    let all: Vec<&Band> = s
        .points
        .iter()
        .flat_map(|p| p.bands.iter().map(|b| &b.1))
        .collect();
    let (lo, hi) = match m.info().scale {
        Scale::Fixed(lo, hi) => (lo, hi),
        Scale::Fitted => {
            let top = all.iter().map(|b| b.p95).fold(0.0, f64::max);
            let bottom = all.iter().map(|b| b.p05).fold(0.0, f64::min);
            let span = (top - bottom).max(1.0);
            (
                bottom - span * 0.05 * f64::from(u8::from(bottom < 0.0)),
                top + span * 0.2,
            )
        }
    };
    let labels: Vec<String> = s.points.iter().map(|p| p.value.clone()).collect();
    let x_fmt_numeric = style::axis_format(x0, x1);
    let x_fmt = |x: &f64| match &numeric {
        Some(_) => x_fmt_numeric(x),
        None => labels
            .get(x.round() as usize)
            .filter(|_| (x - x.round()).abs() < 1e-6)
            .cloned()
            .unwrap_or_default(),
    };
    let y_fmt = style::axis_format(lo, hi);
    let mut chart = ChartBuilder::on(&body)
        .margin(24)
        .margin_right(60)
        .x_label_area_size(80)
        .y_label_area_size(120)
        .build_cartesian_2d((x0 - pad)..(x1 + pad), lo..hi)
        .map_err(err)?;
    style::axes(&mut chart.configure_mesh())
        .x_desc(s.parameter.as_str())
        .y_desc(
            m.info()
                .unit
                .split(", ")
                .next()
                .unwrap_or_default()
                .replace(" per tick", ""),
        )
        .x_labels(if numeric.is_some() { 8 } else { s.points.len() })
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(err)?;
    for v in 0..variants {
        let stroke = style::variant_stroke(v);
        let color = stroke.color;
        let band = |i: usize| s.points[i].bands[v].1;
        let upper = (0..xs.len()).map(|i| (xs[i], band(i).p95));
        let lower = (0..xs.len()).rev().map(|i| (xs[i], band(i).p05));
        chart
            .draw_series(std::iter::once(Polygon::new(
                upper.chain(lower).collect::<Vec<_>>(),
                color.mix(0.15).filled(),
            )))
            .map_err(err)?;
        let points = (0..xs.len()).map(|i| (xs[i], band(i).mean)).collect();
        charts::draw_line(&mut chart, points, stroke).map_err(err)?;
        chart
            .draw_series(
                (0..xs.len()).map(|i| Circle::new((xs[i], band(i).mean), 8, color.filled())),
            )
            .map_err(err)?;
    }
    Ok(())
}
