//! A sweep's results: `sweep.csv` (a column per swept parameter),
//! `summary.json`, `scenario.toml` and a chart of a final figure against
//! the first parameter, one line per variant (and per value of any other
//! parameter) with its 90% band. Everything here is drawn from the plan
//! and the assembled rows alone, so a merged sweep writes the same bytes
//! as a whole one.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::json;

use super::charts::{self, Area, on_area, style};
use super::{Format, findings, num};
use crate::measures::{Measure, Scale};
use crate::results::Band;
use crate::sweep::{Outcome, Plan, Row, describe};

/// One line of the chart: a variant, at one combination of the other
/// parameters' values.
pub struct Curve {
    /// Index into the plan's variants.
    pub variant: usize,
    /// Index into the chart's combinations.
    pub combo: usize,
    /// The variant's colour; the dashes tell the combinations apart.
    pub stroke: style::Stroke,
    /// (index into the chart's x values, final figure).
    pub points: Vec<(usize, Band)>,
}

/// What the chart draws.
pub struct Sweep<'a> {
    pub plan: &'a Plan,
    pub metric: Measure,
    /// The first parameter's path (the x axis).
    pub parameter: String,
    /// The x values, as written: the grid's values of the first
    /// parameter, or each design point's.
    pub xs: Vec<String>,
    /// The other parameters' values of each combination, in words (one
    /// empty combination when there are no others, and for a design).
    pub combos: Vec<String>,
    pub lines: Vec<Curve>,
    /// A design's points are drawn as dots with their bands, not joined:
    /// the other columns change from one point to the next too.
    pub scatter: bool,
}

/// How the lines of one variant differ, one combination of the other
/// parameters' values from the next.
const DASHES: [Option<(u32, u32)>; 5] = [
    None,
    Some((18, 9)),
    Some((5, 6)),
    Some((30, 8)),
    Some((10, 4)),
];

impl<'a> Sweep<'a> {
    /// The chart of `rows`: x is the first parameter. A grid has a line
    /// per variant and combination of the other parameters' values, in the
    /// variant's colour and a dash per combination; a design has a set of
    /// dots per variant. A line a variant cannot produce is left out.
    pub fn of(plan: &'a Plan, k: usize, metric: Measure, rows: &[Row]) -> Sweep<'a> {
        let first = &plan.params[0];
        let scatter = plan.design.is_some();
        let xs: Vec<String> = if scatter {
            rows.iter().map(|r| r.values[0].clone()).collect()
        } else {
            first.values.clone()
        };
        // Rows per x value (a grid's first parameter changes slowest).
        let per_x = if scatter {
            1
        } else {
            rows.len() / xs.len().max(1)
        };
        let combos = if scatter { 1 } else { per_x };
        let combos: Vec<String> = (0..combos)
            .map(|c| match plan.params.len() {
                1 => String::new(),
                _ if scatter => String::new(),
                _ => describe(&plan.params[1..], &rows[c].values[1..]),
            })
            .collect();
        let mut lines = Vec::new();
        for v in 0..plan.variants.len() {
            for combo in 0..combos.len() {
                let mut stroke = style::variant_stroke(v);
                if combos.len() > 1 {
                    stroke.dash = DASHES[combo % DASHES.len()];
                    stroke.width = stroke.width.min(5);
                }
                let points: Option<Vec<(usize, Band)>> = rows
                    .iter()
                    .enumerate()
                    .filter(|(r, _)| r % per_x == combo)
                    .map(|(r, row)| row.bands[k][v].map(|b| (r / per_x, b)))
                    .collect();
                if let Some(points) = points {
                    lines.push(Curve {
                        variant: v,
                        combo,
                        stroke,
                        points,
                    });
                }
            }
        }
        Sweep {
            plan,
            metric,
            parameter: first.path.clone(),
            xs,
            combos,
            lines,
            scatter,
        }
    }
}

/// A column per swept path and per `--set` path (the inputs), then
/// `variant,group,metric,kind,mean,p05,p95` (`group` is `all`, then each
/// `--group`), the paired difference from the
/// reference (`reference,difference_mean,difference_p05,difference_p95`),
/// and `seed,runs`: one row per point, variant and measure. `kind` is
/// `level` (the value at the last tick) or `total` (a flow summed over the
/// run). Figures are empty where the variant cannot produce the measure;
/// the difference is empty for the reference itself.
pub fn csv(plan: &Plan, rows: &[Row]) -> String {
    let set = &plan.set;
    let mut header: Vec<String> = plan.params.iter().map(|p| p.path.clone()).collect();
    header.extend(set.iter().map(|x| x.path.clone()));
    header.extend(
        [
            "variant",
            "group",
            "metric",
            "kind",
            "mean",
            "p05",
            "p95",
            "reference",
            "difference_mean",
            "difference_p05",
            "difference_p95",
            "seed",
            "runs",
        ]
        .map(String::from),
    );
    let reference = plan.reference.map_or("", |r| plan.variants[r].as_str());
    let mut table = Vec::new();
    let nm = plan.metrics.len();
    for row in rows {
        for (v, variant) in plan.variants.iter().enumerate() {
            for (g, group) in plan.slots().into_iter().enumerate() {
                for (i, metric) in plan.metrics.iter().enumerate() {
                    let m = g * nm + i;
                    let mut record = row.values.clone();
                    record.extend(set.iter().map(|x| x.value.clone()));
                    record.push(variant.clone());
                    record.push(group.to_string());
                    record.push(metric.clone());
                    record.push(kind(metric).to_string());
                    record.extend(figures(row.bands[m][v]));
                    let difference = row.differences[m][v];
                    record.push(if difference.is_some() { reference } else { "" }.to_string());
                    record.extend(figures(difference));
                    record.push(plan.seed.to_string());
                    record.push(plan.runs.to_string());
                    table.push(record);
                }
            }
        }
    }
    super::csv_text(&header, table)
}

/// `level` or `total`: how a measure's final figure is made.
fn kind(metric: &str) -> &'static str {
    Measure::parse(metric).map_or("level", super::tables::final_kind)
}

/// A band's mean, p05 and p95, or three empty fields.
fn figures(band: Option<Band>) -> [String; 3] {
    band.map_or_else(Default::default, |b| [num(b.mean), num(b.p05), num(b.p95)])
}

/// A column per swept path and per `--set` path, then
/// `variant,group,run,seed` (runs.csv's key columns; `all`, then each
/// `--group`) and a column per measure (its final figure: see measures.csv for which
/// are levels and which totals): every replication's final figures, in
/// the order of the plan's units whatever order the outcomes came in
/// (empty where a variant cannot produce a measure). The seed is the
/// scenario's; a run's random streams are keyed by it and the run's
/// number, so `--replication` repeats a row.
pub fn runs_csv(plan: &Plan, outcomes: &[Outcome]) -> String {
    let set = &plan.set;
    let mut header: Vec<String> = plan.params.iter().map(|p| p.path.clone()).collect();
    header.extend(set.iter().map(|x| x.path.clone()));
    header.extend(["variant", "group", "run", "seed"].map(String::from));
    header.extend(plan.metrics.iter().cloned());
    let points = plan.points();
    let slots = plan.slots();
    let nm = plan.metrics.len();
    let mut sorted: Vec<&Outcome> = outcomes.iter().collect();
    sorted.sort_by_key(|o| (o.point, o.variant, o.replication));
    // runs.csv's order: each run, then its groups.
    let mut table = Vec::with_capacity(sorted.len() * slots.len());
    for o in sorted {
        for (g, group) in slots.iter().enumerate() {
            let mut record = points[o.point].clone();
            record.extend(set.iter().map(|x| x.value.clone()));
            record.push(plan.variants[o.variant].clone());
            record.push((*group).to_string());
            record.push(o.replication.to_string());
            record.push(plan.seed.to_string());
            let values = &o.values[g * nm..(g + 1) * nm];
            record.extend(values.iter().map(|v| v.map_or_else(String::new, num)));
            table.push(record);
        }
    }
    super::csv_text(&header, table)
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
        "groups": plan.slots(),
        "parameters": plan.params,
        "design": plan.design.as_ref().map(|d| json!({"file": d.file, "points": d.rows.len(), "columns": d.paths})),
        "set": plan.set,
        "variants": plan.variants,
        "reference": plan.reference.map(|r| &plan.variants[r]),
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
    let measures: Vec<Measure> = plan
        .metrics
        .iter()
        .filter_map(|m| Measure::parse(m))
        .collect();
    super::put(dir, "measures.csv", super::tables::measures_csv(&measures))?;
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

/// The legend: each variant in its colour (saying where its own value
/// wins over the sweep's), then, where the other parameters take several
/// values, each combination's dash.
fn legend(s: &Sweep<'_>) -> Vec<(String, style::Stroke)> {
    let shown = |v: usize| s.lines.iter().any(|l| l.variant == v);
    let mut out: Vec<(String, style::Stroke)> = Vec::new();
    for (v, name) in s
        .plan
        .variants
        .iter()
        .enumerate()
        .filter(|(v, _)| shown(*v))
    {
        let by = s
            .plan
            .conflicts
            .iter()
            .find(|c| c.from == "sweep" && &c.variant == name)
            .map(|c| &c.by);
        let label = match by {
            None => name.clone(),
            Some(by) if by == "its own set" => format!("{name} (keeps its own value)"),
            Some(by) => {
                let when = by.rsplit_once(", ").map_or("for a while", |(_, w)| w);
                format!("{name} (its event sets it: {when})")
            }
        };
        let base = style::variant_stroke(v);
        let stroke = if s.combos.len() > 1 || s.scatter {
            style::Stroke::solid(base.color, base.width.min(5))
        } else {
            base
        };
        out.push((label, stroke));
    }
    if s.combos.len() > 1 {
        for (c, label) in s.combos.iter().enumerate() {
            let dashed = style::Stroke {
                color: style::palette::DARK,
                width: 4,
                dash: DASHES[c % DASHES.len()],
            };
            out.push((label.clone(), dashed));
        }
    }
    out
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
    let note = if s.scatter {
        format!(
            "Each dot: one design point, mean of {} runs; bar: 90% band; the other columns vary too. Seed {}. {}. grapevine {}",
            s.plan.runs, s.plan.seed, s.plan.scenario_file, s.plan.grapevine_version
        )
    } else {
        format!(
            "Points: mean of {} runs at each value; shaded: 90% band. Seed {}. {}. grapevine {}",
            s.plan.runs, s.plan.seed, s.plan.scenario_file, s.plan.grapevine_version
        )
    };
    let legend = legend(s);
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
    let numeric: Option<Vec<f64>> = s.xs.iter().map(|x| x.parse().ok()).collect();
    let xs: Vec<f64> = numeric
        .clone()
        .unwrap_or_else(|| (0..s.xs.len()).map(|i| i as f64).collect());
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
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|(_, b)| b))
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
    let labels = &s.xs;
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
        .x_labels(if numeric.is_some() { 8 } else { s.xs.len() })
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(err)?;
    for line in &s.lines {
        let color = line.stroke.color;
        let at = |&(i, b): &(usize, Band)| (xs[i], b);
        if s.scatter {
            for (x, b) in line.points.iter().map(at) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, b.p05), (x, b.p95)],
                        color.mix(0.5).stroke_width(3),
                    )))
                    .map_err(err)?;
            }
        } else {
            let upper = line.points.iter().map(at).map(|(x, b)| (x, b.p95));
            let lower = line.points.iter().rev().map(at).map(|(x, b)| (x, b.p05));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    upper.chain(lower).collect::<Vec<_>>(),
                    color.mix(0.15).filled(),
                )))
                .map_err(err)?;
            let points = line
                .points
                .iter()
                .map(at)
                .map(|(x, b)| (x, b.mean))
                .collect();
            charts::draw_line(&mut chart, points, line.stroke).map_err(err)?;
        }
        chart
            .draw_series(
                line.points
                    .iter()
                    .map(at)
                    .map(|(x, b)| Circle::new((x, b.mean), 8, color.filled())),
            )
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::Param;

    fn plan(variants: usize) -> Plan {
        let param = |path: &str| Param {
            path: path.into(),
            values: vec!["1".into(), "2".into(), "3".into()],
        };
        Plan {
            grapevine_version: "test".into(),
            scenario_file: "s.toml".into(),
            scenario_text: String::new(),
            title: "t".into(),
            seed: 1,
            runs: 2,
            metrics: vec!["nps".into()],
            per_run: false,
            groups: Vec::new(),
            params: vec![param("a"), param("b")],
            design: None,
            set: Vec::new(),
            variants: (0..variants).map(|v| format!("v{v}")).collect(),
            reference: Some(0),
            conflicts: Vec::new(),
        }
    }

    #[test]
    fn every_line_of_a_three_by_three_grid_is_drawn_its_own_way() {
        let plan = plan(3);
        let band = Band {
            mean: 1.0,
            p05: 0.0,
            p95: 2.0,
        };
        let rows: Vec<Row> = plan
            .points()
            .into_iter()
            .map(|values| Row {
                values,
                bands: vec![vec![Some(band); 3]],
                differences: vec![vec![None; 3]],
            })
            .collect();
        let chart = Sweep::of(&plan, 0, Measure::Nps, &rows);
        assert_eq!(chart.lines.len(), 9);
        for (i, a) in chart.lines.iter().enumerate() {
            for b in &chart.lines[..i] {
                assert_ne!(
                    (a.stroke.color, a.stroke.dash),
                    (b.stroke.color, b.stroke.dash),
                    "two lines look alike"
                );
            }
            // A variant keeps one colour over its lines.
            let first = chart.lines.iter().find(|l| l.variant == a.variant).unwrap();
            assert_eq!(a.stroke.color, first.stroke.color);
        }
        // The legend: three variants, then three dashes.
        let legend = legend(&chart);
        assert_eq!(legend.len(), 6);
        assert_eq!(legend[3].0, "b = 1");
    }
}
