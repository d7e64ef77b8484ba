//! A sweep's results: `sweep.csv` (a column per swept parameter),
//! `summary.json`, `scenario.toml` and a chart of a final figure against
//! the first parameter, one line per variant (and per value of any other
//! parameter) with its 90% band. Everything here is drawn from the plan
//! and the assembled rows alone, so a merged sweep writes the same bytes
//! as a whole one.

use std::fmt::Write;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::json;

use super::charts::{self, Area, on_area, style};
use super::tables::csv_field;
use super::{Format, findings, num};
use crate::measures::{Measure, Scale};
use crate::metrics::Band;
use crate::sweep::{Outcome, Plan, Row, describe};

/// One value of the chart's parameter: each line's final figure.
pub struct Point {
    pub value: String,
    pub bands: Vec<(String, Band)>,
}

/// What the chart draws.
pub struct Sweep<'a> {
    pub plan: &'a Plan,
    pub metric: Measure,
    /// The first parameter's path (the x axis).
    pub parameter: String,
    pub points: Vec<Point>,
}

impl<'a> Sweep<'a> {
    /// The chart of `rows`: x is the first parameter; a line per variant
    /// and combination of the other parameters' values (a line a variant
    /// cannot produce is left out).
    pub fn of(plan: &'a Plan, k: usize, metric: Measure, rows: &[Row]) -> Sweep<'a> {
        let first = &plan.params[0];
        let per_x = rows.len() / first.values.len().max(1);
        let mut points: Vec<Point> = Vec::new();
        for (x, value) in first.values.iter().enumerate() {
            let mut bands = Vec::new();
            for row in &rows[x * per_x..(x + 1) * per_x] {
                for (v, band) in row.bands[k].iter().enumerate() {
                    let mut name = plan.variants[v].clone();
                    if plan.params.len() > 1 {
                        name = format!("{name}, {}", describe(&plan.params[1..], &row.values[1..]));
                    }
                    bands.push((name, *band));
                }
            }
            points.push(Point {
                value: value.clone(),
                bands: bands
                    .into_iter()
                    .map(|(n, b)| (n, b.unwrap_or(Band::NAN)))
                    .collect(),
            });
        }
        // Keep the lines with a figure at every point.
        let lines = points.first().map_or(0, |p| p.bands.len());
        let keep: Vec<bool> = (0..lines)
            .map(|l| points.iter().all(|p| !p.bands[l].1.mean.is_nan()))
            .collect();
        for p in &mut points {
            let mut k = 0;
            p.bands.retain(|_| {
                k += 1;
                keep[k - 1]
            });
        }
        Sweep {
            plan,
            metric,
            parameter: first.path.clone(),
            points,
        }
    }
}

/// A column per parameter, then `variant,metric,mean,p05,p95,seed,runs`:
/// one row per point, variant and measure (empty figures where the
/// variant cannot produce the measure).
pub fn csv(plan: &Plan, rows: &[Row]) -> String {
    let mut out = String::new();
    for p in &plan.params {
        out.push_str(&csv_field(&p.path));
        out.push(',');
    }
    out.push_str("variant,metric,mean,p05,p95,seed,runs\n");
    for row in rows {
        for v in 0..plan.variants.len() {
            for (m, metric) in plan.metrics.iter().enumerate() {
                for value in &row.values {
                    out.push_str(&csv_field(value));
                    out.push(',');
                }
                let figures = row.bands[m][v].map_or(",,".to_string(), |b| {
                    format!("{},{},{}", num(b.mean), num(b.p05), num(b.p95))
                });
                let _ = writeln!(
                    out,
                    "{},{metric},{figures},{},{}",
                    csv_field(&plan.variants[v]),
                    plan.seed,
                    plan.runs
                );
            }
        }
    }
    out
}

/// A column per parameter, then `variant,run,seed` and a column per
/// measure: every replication's final figures, in the order of the plan's
/// units whatever order the outcomes came in (empty where a variant cannot
/// produce a measure). The seed is the scenario's; a run's random streams
/// are keyed by it and the run's number, so `--replication` repeats a row.
pub fn runs_csv(plan: &Plan, outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for p in &plan.params {
        out.push_str(&csv_field(&p.path));
        out.push(',');
    }
    out.push_str("variant,run,seed");
    for m in &plan.metrics {
        out.push(',');
        out.push_str(m);
    }
    out.push('\n');
    let points = crate::sweep::points(&plan.params);
    let mut sorted: Vec<&Outcome> = outcomes.iter().collect();
    sorted.sort_by_key(|o| (o.point, o.variant, o.replication));
    for o in sorted {
        for value in &points[o.point] {
            out.push_str(&csv_field(value));
            out.push(',');
        }
        let _ = write!(
            out,
            "{},{},{}",
            csv_field(&plan.variants[o.variant]),
            o.replication,
            plan.seed
        );
        for v in &o.values {
            out.push(',');
            if let Some(x) = v {
                out.push_str(&num(*x));
            }
        }
        out.push('\n');
    }
    out
}

/// The sweep's record: what was swept, the seed and runs, the version,
/// and where a variant's own value overrode the sweep's.
pub fn summary_json(plan: &Plan) -> String {
    let v = json!({
        "grapevine_version": plan.grapevine_version,
        "scenario_file": plan.scenario_file,
        "title": plan.title,
        "seed": plan.seed,
        "runs": plan.runs,
        "metrics": plan.metrics,
        "per_run": plan.per_run,
        "parameters": plan.params,
        "set": plan.set,
        "variants": plan.variants,
        "variant_set_wins": plan.conflicts,
    });
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}

pub fn write(
    dir: &Path,
    plan: &Plan,
    rows: &[Row],
    outcomes: &[Outcome],
    formats: &[Format],
) -> Result<(), Box<dyn std::error::Error>> {
    super::put(dir, "sweep.csv", csv(plan, rows))?;
    if plan.per_run {
        super::put(dir, "sweep_runs.csv", runs_csv(plan, outcomes))?;
    }
    super::put(dir, "summary.json", summary_json(plan))?;
    super::put(dir, "scenario.toml", &plan.scenario_text)?;
    // The first measure is `sweep.png`; each other has a chart of its own.
    for (k, name) in plan.metrics.iter().enumerate() {
        let metric = Measure::parse(name).ok_or("the sweep's measure is unknown")?;
        let chart_of = Sweep::of(plan, k, metric, rows);
        let stem = if k == 0 {
            "sweep".to_string()
        } else {
            format!("sweep-{name}")
        };
        charts::save(dir, &stem, formats, |area| chart(area, &chart_of))?;
    }
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
        s.plan.runs, s.plan.seed, s.plan.scenario_file, s.plan.grapevine_version
    );
    let variants = s.points.first().map_or(0, |p| p.bands.len());
    // A line whose variant sets the swept value itself says so.
    let legend: Vec<(String, style::Stroke)> = (0..variants)
        .map(|v| {
            let name = &s.points[0].bands[v].0;
            let own = s
                .plan
                .conflicts
                .iter()
                .any(|c| c.from == "sweep" && name.starts_with(&c.variant));
            let label = if own {
                format!("{name} (keeps its own value)")
            } else {
                name.clone()
            };
            (label, style::variant_stroke(v))
        })
        .collect();
    let title = format!("{}: {what}, against {}", s.plan.title, s.parameter);
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
