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

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use super::{Format, Report, VariantResult};
use crate::catalog::Overview;
use crate::measures::{Kind, Measure, Scale};
use crate::metrics::{Band, Recorder};

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(super) const FAMILY: &str = "sans-serif";

/// Chart size in pixels: 16:9, sharp on a projector.
pub const SIZE: (u32, u32) = (1600, 900);

/// Okabe and Ito's colour-blind-safe palette.
pub mod palette {
    use plotters::style::RGBColor;
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the bundled DejaVu Sans font is valid"));
    });
}

/// Colours for variants, in order: the baseline blue, then vermillion,
/// green, orange, purple and sky (Okabe-Ito), repeating after six.
pub const VARIANT_COLOURS: [RGBColor; 6] = [
    palette::BLUE,
    palette::VERMILLION,
    palette::GREEN,
    palette::ORANGE,
    palette::PURPLE,
    palette::SKY,
];

fn variant_colour(i: usize) -> RGBColor {
    VARIANT_COLOURS[i % VARIANT_COLOURS.len()]
}

/// A line to draw: its legend label, colour, and mean and band at each tick.
struct Line {
    label: String,
    color: RGBColor,
    bands: Vec<Band>,
}

/// One panel of a figure.
struct Panel {
    title: String,
    y_desc: String,
    lines: Vec<Line>,
    /// A fixed y range (reputation, NPS); otherwise fitted to the bands.
    y_range: Option<(f64, f64)>,
    /// Where the panel's own legend goes; none when the figure has one
    /// legend for all its panels (the variants).
    legend: Option<SeriesLabelPosition>,
    /// A horizontal line at zero (for differences).
    zero: bool,
}

/// Which measures a line sums, and whether it shows a flow's running total.
struct Pick<'a> {
    metrics: &'a [Measure],
    cumulative: bool,
}

/// A replication's value of `pick` at every tick, for the whole population.
fn trace(r: &Recorder, pick: &Pick<'_>) -> Vec<f64> {
    let ms: Vec<usize> = pick.metrics.iter().filter_map(|&m| r.position(m)).collect();
    let mut total = 0.0;
    (0..r.frames.len())
        .map(|t| {
            let x: f64 = ms.iter().map(|&m| r.value(t, 0, m)).sum();
            if pick.cumulative {
                if t > 0 {
                    total += x;
                }
                total
            } else {
                x
            }
        })
        .collect()
}

/// Mean and band across replications at each tick of `f(replication)`.
fn bands_of(runs: usize, ticks: usize, f: impl Fn(usize) -> Vec<f64>) -> Vec<Band> {
    let traces: Vec<Vec<f64>> = (0..runs).map(f).collect();
    (0..ticks)
        .map(|t| {
            let mut values: Vec<f64> = traces.iter().map(|tr| tr[t]).collect();
            Band::of(&mut values)
        })
        .collect()
}

fn bands(v: &VariantResult, pick: &Pick<'_>) -> Vec<Band> {
    bands_of(v.runs.len(), v.runs[0].frames.len(), |r| {
        trace(&v.runs[r], pick)
    })
}

/// What-if minus baseline, replication by replication (the same streams
/// drive replication r of both), then mean and band across replications.
fn difference(v: &VariantResult, base: &VariantResult, pick: &Pick<'_>) -> Vec<Band> {
    bands_of(v.runs.len(), v.runs[0].frames.len(), |r| {
        let (a, b) = (trace(&v.runs[r], pick), trace(&base.runs[r], pick));
        a.iter().zip(&b).map(|(x, y)| x - y).collect()
    })
}

/// The three overview figures of the baseline: each panel one or more
/// metrics of the whole population.
fn overview(report: &Report<'_>) -> Vec<(&'static str, String, Vec<Panel>)> {
    use palette::*;
    let unit = &report.scenario.tick_unit;
    let v = &report.variants[0];
    let line = |label: &str, metrics: &[Measure], color| Line {
        label: label.to_string(),
        color,
        bands: bands(
            v,
            &Pick {
                metrics,
                cumulative: false,
            },
        ),
    };
    let panel = |title: String, y_desc: &str, lines, y_range, legend| Panel {
        title,
        y_desc: y_desc.to_string(),
        lines,
        y_range,
        legend: Some(legend),
        zero: false,
    };
    vec![
        (
            "reputation",
            "Reputation and Net Promoter Score".to_string(),
            vec![
                panel(
                    "Reputation (mean attitude)".into(),
                    "mean attitude (-1 to 1)",
                    vec![line("reputation", &[Measure::Reputation], BLUE)],
                    Some((-1.0, 1.0)),
                    SeriesLabelPosition::LowerLeft,
                ),
                panel(
                    "Net Promoter Score of customers".into(),
                    "NPS (-100 to 100)",
                    vec![line("NPS", &[Measure::Nps], BLUE)],
                    Some((-100.0, 100.0)),
                    SeriesLabelPosition::LowerLeft,
                ),
            ],
        ),
        (
            "customers",
            "Customers, new customers by cause, and referrals".to_string(),
            vec![
                panel(
                    "Customers".into(),
                    "people",
                    vec![
                        line("customers", &[Measure::Customers], BLUE),
                        line("lapsed", &[Measure::Lapsed], VERMILLION),
                    ],
                    None,
                    SeriesLabelPosition::UpperLeft,
                ),
                panel(
                    format!("New customers per {unit}, by cause"),
                    "people",
                    vec![
                        line(
                            "advertising (Bass p)",
                            &[Measure::NewCustomersOutside],
                            ORANGE,
                        ),
                        line(
                            "referral (good story)",
                            &[Measure::NewCustomersReferral],
                            GREEN,
                        ),
                        line("won back", &[Measure::WonBack], PURPLE),
                    ],
                    None,
                    SeriesLabelPosition::UpperRight,
                ),
            ],
        ),
        (
            "stories",
            "Good versus bad stories".to_string(),
            vec![
                panel(
                    format!("People told a story, per {unit}"),
                    "tellings",
                    vec![
                        line(
                            "good stories",
                            &[Measure::GoodToldFirstHand, Measure::GoodToldRetold],
                            GREEN,
                        ),
                        line(
                            "bad stories",
                            &[Measure::BadToldFirstHand, Measure::BadToldRetold],
                            VERMILLION,
                        ),
                    ],
                    None,
                    SeriesLabelPosition::UpperLeft,
                ),
                panel(
                    "People reached so far".into(),
                    "distinct people",
                    vec![
                        line("by good stories", &[Measure::GoodReached], GREEN),
                        line("by bad stories", &[Measure::BadReached], VERMILLION),
                    ],
                    None,
                    SeriesLabelPosition::UpperLeft,
                ),
            ],
        ),
    ]
}

/// The y range of a measure on a bounded scale.
fn y_range_of(metric: Measure) -> Option<(f64, f64)> {
    match metric.info().scale {
        Scale::Fixed(lo, hi) => Some((lo, hi)),
        Scale::Fitted => None,
    }
}

/// One metric: every variant overlaid, and (with variants) each what-if's
/// difference from the baseline.
fn metric_panels(report: &Report<'_>, metric: Measure, cumulative: bool) -> Vec<Panel> {
    let m = metric.info();
    let pick = Pick {
        metrics: &[metric],
        cumulative,
    };
    let what = if cumulative {
        format!("{} (total so far)", m.title)
    } else {
        m.title.to_string()
    };
    let y_desc = match (cumulative, m.unit) {
        (true, "per tick") => m.title.to_lowercase(),
        (true, unit) => unit.replace(" per tick", ""),
        (false, "per tick") => format!("{} per tick", m.title.to_lowercase()),
        (false, unit) => unit.to_string(),
    };
    let lines = report
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| Line {
            label: v.name.clone(),
            color: variant_colour(i),
            bands: bands(v, &pick),
        })
        .collect();
    let mut panels = vec![Panel {
        title: what,
        y_desc: y_desc.clone(),
        lines,
        y_range: if cumulative { None } else { y_range_of(metric) },
        legend: None,
        zero: false,
    }];
    if report.variants.len() > 1 {
        let base = &report.variants[0];
        panels.push(Panel {
            title: format!("Difference from {}", base.name),
            y_desc,
            lines: report
                .variants
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, v)| Line {
                    label: format!("{} - {}", v.name, base.name),
                    color: variant_colour(i),
                    bands: difference(v, base, &pick),
                })
                .collect(),
            y_range: None,
            legend: None,
            zero: true,
        });
    }
    panels
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The comparison slide: four key measures with every variant overlaid.
/// Flows are shown as running totals, which a room reads more easily than
/// a noisy weekly count.
fn compare(report: &Report<'_>) -> Vec<Panel> {
    report
        .scenario
        .compare
        .iter()
        .filter_map(|&m| {
            let cumulative = m.kind() == Kind::Flow;
            metric_panels(report, m, cumulative).into_iter().next()
        })
        .collect()
}

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

/// A classic model's overview of its baseline: the share in each state,
/// and the changes per tick.
fn classic_overview(report: &Report<'_>) -> Vec<(&'static str, String, Vec<Panel>)> {
    use palette::*;
    let v = &report.variants[0];
    let colours = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY];
    let (levels, flows): (Vec<_>, Vec<_>) = report
        .metrics()
        .iter()
        .partition(|m| m.kind() == Kind::Level);
    let lines = |ms: &[&Measure]| -> Vec<Line> {
        ms.iter()
            .enumerate()
            .map(|(i, &&m)| Line {
                label: m.name().replace('_', " "),
                color: colours[i % colours.len()],
                bands: bands(
                    v,
                    &Pick {
                        metrics: &[m],
                        cumulative: false,
                    },
                ),
            })
            .collect()
    };
    let unit = &report.scenario.tick_unit;
    let kind = report.scenario.baseline().model.kind().name();
    vec![(
        "states",
        format!("{kind} model"),
        vec![
            Panel {
                title: "Share of agents in each state".into(),
                y_desc: "share, 0 to 1".into(),
                lines: lines(&levels),
                y_range: Some((0.0, 1.0)),
                legend: Some(SeriesLabelPosition::UpperRight),
                zero: false,
            },
            Panel {
                title: format!("Changes per {unit}"),
                y_desc: "agents".into(),
                lines: lines(&flows),
                y_range: None,
                legend: Some(SeriesLabelPosition::UpperRight),
                zero: false,
            },
        ],
    )]
}

/// An event drawn on a chart, in the colour of the variant it belongs to
/// (grey for events every variant shares).
pub(super) struct Marker {
    name: String,
    from: u32,
    to: u32,
    color: RGBColor,
}

/// The events of the first `variants` variants, each once.
fn markers(report: &Report<'_>, variants: usize) -> Vec<Marker> {
    let all = &report.scenario.variants[..variants];
    let mut out: Vec<Marker> = Vec::new();
    for (i, v) in all.iter().enumerate() {
        for e in &v.events {
            if out
                .iter()
                .any(|m| m.name == e.name && m.from == e.from && m.to == e.to)
            {
                continue;
            }
            let shared = all.iter().all(|w| w.events.contains(e));
            out.push(Marker {
                name: e.name.clone(),
                from: e.from,
                to: e.to,
                color: if shared || variants == 1 {
                    RGBColor(110, 110, 110)
                } else {
                    variant_colour(i)
                },
            });
        }
    }
    out
}

/// Draws with `paint` into `<dir>/<stem>.png` and `.svg`, as asked.
pub(super) fn save(
    dir: &Path,
    stem: &str,
    formats: &[Format],
    paint: impl Fn(Area<'_, '_>) -> Result<(), String>,
) -> Result<(), String> {
    register_font();
    for f in formats {
        match f {
            Format::Png => {
                let path = dir.join(format!("{stem}.png"));
                let root = BitMapBackend::new(&path, SIZE).into_drawing_area();
                paint(Area::Png(&root))?;
                root.present().map_err(|e| e.to_string())?;
            }
            Format::Svg => {
                let mut svg = String::new();
                {
                    let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                    paint(Area::Svg(&root))?;
                    root.present().map_err(|e| e.to_string())?;
                }
                std::fs::write(dir.join(format!("{stem}.svg")), svg).map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// A drawing area of either backend.
pub(super) enum Area<'r, 'b> {
    Png(&'r DrawingArea<BitMapBackend<'b>, Shift>),
    Svg(&'r DrawingArea<SVGBackend<'b>, Shift>),
}

/// Calls a generic drawing function on whichever backend an [`Area`] holds.
macro_rules! on_area {
    ($area:expr, |$a:ident| $body:expr) => {
        match $area {
            Area::Png($a) => $body,
            Area::Svg($a) => $body,
        }
    };
}
pub(super) use on_area;

fn figure(
    area: Area<'_, '_>,
    report: &Report<'_>,
    title: &str,
    panels: &[Panel],
    grid: (usize, usize),
    events: &[Marker],
) -> Result<(), String> {
    on_area!(area, |a| draw_figure(
        a, report, title, panels, grid, events
    ))
}

/// The frame every figure shares: a title, panels on a grid, and a footer
/// saying what the lines are and where the numbers came from.
fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report<'_>,
    title: &str,
    panels: &[Panel],
    grid: (usize, usize),
    events: &[Marker],
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut body = frame(root, report, title)?;
    if panels.iter().all(|p| p.legend.is_none()) {
        body = variant_legend(body, report).map_err(err)?;
    }
    let areas = body.split_evenly(grid);
    let small = grid.0 > 1;
    for (area, panel) in areas.iter().zip(panels) {
        draw_panel(area, panel, &report.scenario.tick_unit, events, small).map_err(err)?;
    }
    Ok(())
}

/// One legend for the whole figure: a row of the variants' colours and
/// names under the title. Returns the area below it.
fn variant_legend<DB: DrawingBackend>(
    body: DrawingArea<DB, Shift>,
    report: &Report<'_>,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (row, rest) = body.split_vertically(52);
    let font: TextStyle<'_> = (FAMILY, 28).into_text_style(&row);
    let widths: Vec<i32> = report
        .variants
        .iter()
        .map(|v| {
            let (w, _) = row.estimate_text_size(&v.name, &font).unwrap_or((200, 0));
            w as i32 + 70
        })
        .collect();
    let total: i32 = widths.iter().sum();
    let mut x = ((row.dim_in_pixel().0 as i32 - total) / 2).max(10);
    for (i, (v, w)) in report.variants.iter().zip(&widths).enumerate() {
        let color = variant_colour(i);
        row.draw(&Rectangle::new([(x, 16), (x + 34, 30)], color.filled()))?;
        row.draw(&Text::new(v.name.clone(), (x + 44, 8), font.clone()))?;
        x += w;
    }
    Ok(rest)
}

/// Fills the background, draws the title and the footer; returns the body.
pub(super) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report<'_>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String>
where
    DB::ErrorType: 'static,
{
    let s = report.scenario;
    let note = format!(
        "Lines: mean of {} runs; shaded: 90% band (5th to 95th percentile). Seed {}. {} agents. {}. grapevine {}",
        s.runs,
        s.seed,
        report.network.agents,
        s.source.display(),
        env!("CARGO_PKG_VERSION")
    );
    footer_frame(root, &format!("{}: {title}", s.title), &note)
}

/// A white figure with a title on top and a grey note at the bottom.
pub(super) fn footer_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
) -> Result<DrawingArea<DB, Shift>, String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let body = root
        .margin(18, 0, 0, 0)
        .titled(title, (FAMILY, 44))
        .map_err(err)?;
    let (body, footer) = body.split_vertically(body.dim_in_pixel().1 - 44);
    footer
        .draw(&Text::new(
            note.to_string(),
            (30, 6),
            (FAMILY, 22).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(err)?;
    Ok(body)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    unit: &str,
    events: &[Marker],
    small: bool,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ticks = (panel.lines.first().map_or(1, |l| l.bands.len()) - 1).max(1) as f64;
    let (lo, hi) = panel
        .y_range
        .unwrap_or_else(|| fitted(&panel.lines, panel.zero, panel.legend.is_some()));
    let scale = if small { 0.8 } else { 1.0 };
    let px = |x: f64| (x * scale) as u32;
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FAMILY, px(34.0)))
        .margin(px(22.0))
        .x_label_area_size(px(76.0))
        .y_label_area_size(px(120.0))
        .build_cartesian_2d(0f64..ticks, lo..hi)?;
    let y_fmt = |y: &f64| short_number(*y);
    let x_fmt = |x: &f64| format!("{}", x.round() as i64);
    chart
        .configure_mesh()
        .x_desc(format!("time ({unit}s)"))
        .y_desc(&panel.y_desc)
        .label_style((FAMILY, px(24.0)))
        .axis_desc_style((FAMILY, px(28.0)))
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(RGBColor(240, 240, 240))
        .x_labels(10)
        .y_labels(9)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;
    for (k, e) in events.iter().enumerate() {
        let (from, to) = (f64::from(e.from), f64::from(e.to));
        let grey = e.color;
        if to > from {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(from, lo), (to, hi)],
                grey.mix(0.07).filled(),
            )))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(from, lo), (from, hi)],
            grey.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            format!(" {}", e.name),
            (from, hi - (hi - lo) * (0.02 + 0.07 * (k % 3) as f64)),
            (FAMILY, px(22.0)).into_font().color(&grey),
        )))?;
    }
    if panel.zero {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (ticks, 0.0)],
            BLACK.stroke_width(1),
        )))?;
    }
    for line in &panel.lines {
        let color = line.color;
        let upper = line
            .bands
            .iter()
            .enumerate()
            .map(|(t, b)| (t as f64, b.p95));
        let lower = line
            .bands
            .iter()
            .enumerate()
            .rev()
            .map(|(t, b)| (t as f64, b.p05));
        chart.draw_series(std::iter::once(Polygon::new(
            upper.chain(lower).collect::<Vec<_>>(),
            color.mix(0.2).filled(),
        )))?;
        chart
            .draw_series(LineSeries::new(
                line.bands
                    .iter()
                    .enumerate()
                    .map(|(t, b)| (t as f64, b.mean)),
                color.stroke_width(4),
            ))?
            .label(line.label.as_str())
            .legend(move |(x, y)| {
                Rectangle::new([(x - 4, y - 4), (x + 22, y + 4)], color.filled())
            });
    }
    if let Some(position) = &panel.legend {
        chart
            .configure_series_labels()
            .position(position.clone())
            .margin(px(16.0))
            .label_font((FAMILY, px(26.0)))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(190, 190, 190))
            .draw()?;
    }
    Ok(())
}

/// A y range holding every band, from zero (or below, for differences),
/// with a little room above for the legend (and the event labels).
fn fitted(lines: &[Line], zero: bool, legend: bool) -> (f64, f64) {
    let room = if legend {
        0.12 + 0.1 * lines.len() as f64
    } else {
        0.2
    };
    let top = lines
        .iter()
        .flat_map(|l| l.bands.iter().map(|b| b.p95.max(b.mean)))
        .fold(0.0, f64::max);
    let bottom = lines
        .iter()
        .flat_map(|l| l.bands.iter().map(|b| b.p05.min(b.mean)))
        .fold(0.0, f64::min);
    let span = (top - bottom).max(if zero { 1e-9 } else { 0.0 });
    if span <= 0.0 {
        return (0.0, 1.0);
    }
    let lo = if bottom < 0.0 {
        bottom - span * 0.08
    } else {
        0.0
    };
    (lo, top + span * room)
}

fn reach_figure(area: Area<'_, '_>, report: &Report<'_>) -> Result<(), String> {
    on_area!(area, |a| draw_reach(a, report))
}

/// Bins of people reached, widening as stories travel further: (the
/// least in the bin, its label).
const REACH_BINS: &[(u32, &str)] = &[
    (0, "0"),
    (1, "1"),
    (2, "2"),
    (3, "3"),
    (4, "4-5"),
    (6, "6-10"),
    (11, "11-20"),
    (21, "21-30"),
    (31, "31-50"),
    (51, "51-100"),
    (101, "101-200"),
    (201, "201-500"),
    (501, "501-1000"),
    (1001, "1001+"),
];

/// The reach of first-hand stories: how many stories reached how many
/// people, good against bad, one panel per variant (up to four).
fn draw_reach<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report<'_>,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = report.scenario;
    let note = format!(
        "Bars: share of first-hand stories (all {} runs) by the distinct people they reached, retelling included. Seed {}. {}. grapevine {}",
        s.runs,
        s.seed,
        s.source.display(),
        env!("CARGO_PKG_VERSION")
    );
    let body = footer_frame(
        root,
        &format!("{}: how far each story travelled", s.title),
        &note,
    )?;
    let shown = report.variants.len().min(4);
    let areas = body.split_evenly((1, shown));
    for (area, v) in areas.iter().zip(&report.variants) {
        draw_reach_panel(area, v, shown > 2).map_err(err)?;
    }
    Ok(())
}

fn draw_reach_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    v: &VariantResult,
    small: bool,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let stories = |bad: bool| -> Vec<u32> {
        v.runs
            .iter()
            .flat_map(|r| &r.reach)
            .filter(|s| s.bad == bad)
            .map(|s| s.people)
            .collect()
    };
    let (good, bad) = (stories(false), stories(true));
    let max = good.iter().chain(&bad).copied().max().unwrap_or(0);
    let bins = REACH_BINS
        .iter()
        .position(|&(lo, _)| lo > max)
        .unwrap_or(REACH_BINS.len());
    let hist = |xs: &[u32]| {
        let mut h = vec![0.0; bins];
        for &x in xs {
            let b = REACH_BINS.iter().rposition(|&(lo, _)| lo <= x).unwrap_or(0);
            h[b.min(bins - 1)] += 1.0;
        }
        let total = xs.len().max(1) as f64;
        h.iter_mut().for_each(|c| *c *= 100.0 / total);
        h
    };
    let (hg, hb) = (hist(&good), hist(&bad));
    let top = (hg.iter().chain(&hb).copied().fold(0.0, f64::max) * 1.25).clamp(1.0, 110.0);
    let mean = |xs: &[u32]| {
        if xs.is_empty() {
            0.0
        } else {
            xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len() as f64
        }
    };
    let scale = if small { 0.75 } else { 1.0 };
    let px = |x: f64| (x * scale) as u32;
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!(
                "{}: mean reach good {:.1}, bad {:.1}",
                v.name,
                mean(&good),
                mean(&bad)
            ),
            (FAMILY, px(30.0)),
        )
        .margin(px(22.0))
        .x_label_area_size(px(76.0))
        .y_label_area_size(px(110.0))
        .build_cartesian_2d(0f64..bins as f64, 0f64..top)?;
    let y_fmt = |y: &f64| format!("{}%", short_number(*y));
    let x_fmt = |x: &f64| {
        let b = (x - 0.5).round();
        if (x - 0.5 - b).abs() > 1e-6 || b < 0.0 || b as usize >= bins {
            return String::new();
        }
        REACH_BINS[b as usize].1.to_string()
    };
    chart
        .configure_mesh()
        .x_desc("people reached by one story")
        .y_desc("share of stories")
        .label_style((FAMILY, px(24.0)))
        .axis_desc_style((FAMILY, px(28.0)))
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(RGBColor(240, 240, 240))
        .x_labels(bins * 2 + 1)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .disable_x_mesh()
        .draw()?;
    for (h, color, label, shift, n) in [
        (&hg, palette::GREEN, "good stories", 0.0, good.len()),
        (&hb, palette::VERMILLION, "bad stories", 0.5, bad.len()),
    ] {
        chart
            .draw_series(
                h.iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0.0)
                    .map(|(b, &c)| {
                        let x0 = b as f64 + 0.1 + shift * 0.8;
                        Rectangle::new([(x0, 0.0), (x0 + 0.4, c)], color.filled())
                    }),
            )?
            .label(format!("{label} ({n})"))
            .legend(move |(x, y)| {
                Rectangle::new([(x - 4, y - 4), (x + 22, y + 4)], color.filled())
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .margin(px(16.0))
        .label_font((FAMILY, px(26.0)))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(190, 190, 190))
        .draw()?;
    Ok(())
}

/// Axis labels a room can read at a glance: 12k, 1.5M.
pub fn short_number(y: f64) -> String {
    let y = if y.abs() < 0.005 { 0.0 } else { y };
    let a = y.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1e6 {
        format!("{}M", trim(format!("{:.1}", y / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim(format!("{:.1}", y / 1e3)))
    } else if a >= 100.0 || y.fract() == 0.0 {
        format!("{}", y.round() as i64)
    } else {
        trim(format!("{y:.2}"))
    }
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
