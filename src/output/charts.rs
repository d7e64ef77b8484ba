//! Slide-ready charts: PNG (1600 x 900) and SVG, drawn with plotters from
//! the simulated replications, the mean as a line and the 90% band shaded.
//!
//! Text is drawn with DejaVu Sans, shipped in `assets/fonts` and registered
//! with plotters at run time, so charts render the same on a bare machine
//! with no font packages installed.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Report, VariantResult};
use crate::metrics::{self, Band};

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

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

/// One line on a panel: the sum of some metrics of the whole population.
struct Series {
    label: &'static str,
    metrics: &'static [&'static str],
    color: RGBColor,
}

struct Panel {
    title: String,
    y_desc: &'static str,
    series: Vec<Series>,
    /// A fixed y range (reputation, NPS); otherwise fitted from zero.
    y_range: Option<(f64, f64)>,
    legend: SeriesLabelPosition,
}

struct Figure {
    stem: &'static str,
    title: &'static str,
    panels: [Panel; 2],
}

fn figures(unit: &str) -> Vec<Figure> {
    use palette::*;
    let s = |label, metrics, color| Series {
        label,
        metrics,
        color,
    };
    vec![
        Figure {
            stem: "reputation",
            title: "Reputation and Net Promoter Score",
            panels: [
                Panel {
                    title: "Reputation (mean attitude)".into(),
                    y_desc: "mean attitude (-1 to 1)",
                    series: vec![s("reputation", &["reputation"], BLUE)],
                    y_range: Some((-1.0, 1.0)),
                    legend: SeriesLabelPosition::LowerLeft,
                },
                Panel {
                    title: "Net Promoter Score of customers".into(),
                    y_desc: "NPS (-100 to 100)",
                    series: vec![s("NPS", &["nps"], BLUE)],
                    y_range: Some((-100.0, 100.0)),
                    legend: SeriesLabelPosition::LowerLeft,
                },
            ],
        },
        Figure {
            stem: "customers",
            title: "Customers, new customers by cause, and referrals",
            panels: [
                Panel {
                    title: "Customers".into(),
                    y_desc: "people",
                    series: vec![
                        s("customers", &["customers"], BLUE),
                        s("lapsed", &["lapsed"], VERMILLION),
                    ],
                    y_range: None,
                    legend: SeriesLabelPosition::UpperLeft,
                },
                Panel {
                    title: format!("New customers per {unit}, by cause"),
                    y_desc: "people",
                    series: vec![
                        s("advertising (Bass p)", &["new_customers_outside"], ORANGE),
                        s("referral (good story)", &["new_customers_referral"], GREEN),
                        s("won back", &["won_back"], PURPLE),
                    ],
                    y_range: None,
                    legend: SeriesLabelPosition::UpperRight,
                },
            ],
        },
        Figure {
            stem: "stories",
            title: "Good versus bad stories",
            panels: [
                Panel {
                    title: format!("People told a story, per {unit}"),
                    y_desc: "tellings",
                    series: vec![
                        s(
                            "good stories",
                            &["good_told_first_hand", "good_told_retold"],
                            GREEN,
                        ),
                        s(
                            "bad stories",
                            &["bad_told_first_hand", "bad_told_retold"],
                            VERMILLION,
                        ),
                    ],
                    y_range: None,
                    legend: SeriesLabelPosition::UpperLeft,
                },
                Panel {
                    title: "People reached so far".into(),
                    y_desc: "distinct people",
                    series: vec![
                        s("by good stories", &["good_reached"], GREEN),
                        s("by bad stories", &["bad_reached"], VERMILLION),
                    ],
                    y_range: None,
                    legend: SeriesLabelPosition::UpperLeft,
                },
            ],
        },
    ]
}

/// The mean and band of a series at every tick, across replications.
fn bands(v: &VariantResult, series: &Series) -> Vec<Band> {
    let ms: Vec<usize> = series
        .metrics
        .iter()
        .map(|m| metrics::index_of(m).expect("charts name known metrics"))
        .collect();
    let ticks = v.runs[0].frames.len();
    (0..ticks)
        .map(|t| {
            let mut values: Vec<f64> = v
                .runs
                .iter()
                .map(|r| ms.iter().map(|&m| r.value(t, 0, m)).sum())
                .collect();
            Band::of(&mut values)
        })
        .collect()
}

/// Draws every chart into `dir` as PNG and SVG.
pub fn draw_all(dir: &Path, report: &Report<'_>) -> Result<(), String> {
    register_font();
    for fig in figures(&report.scenario.tick_unit) {
        let png = dir.join(format!("{}.png", fig.stem));
        draw(
            BitMapBackend::new(&png, SIZE).into_drawing_area(),
            &fig,
            report,
        )?;
        let mut svg = String::new();
        draw(
            SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(),
            &fig,
            report,
        )?;
        std::fs::write(dir.join(format!("{}.svg", fig.stem)), svg).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    fig: &Figure,
    report: &Report<'_>,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let scenario = report.scenario;
    let title = format!("{}: {}", scenario.title, fig.title);
    let body = root
        .margin(18, 0, 0, 0)
        .titled(&title, (FAMILY, 44))
        .map_err(err)?;
    let v = &report.variants[0];
    let note = format!(
        "Lines: mean of {} runs; shaded: 90% band (5th to 95th percentile). Seed {}. {} agents. grapevine {}",
        v.runs.len(),
        scenario.seed,
        report.network.agents,
        env!("CARGO_PKG_VERSION")
    );
    let (body, footer) = body.split_vertically(body.dim_in_pixel().1 - 44);
    footer
        .draw(&Text::new(
            note,
            (30, 6),
            (FAMILY, 22).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(err)?;
    let areas = body.split_evenly((1, 2));
    for (area, panel) in areas.iter().zip(&fig.panels) {
        draw_panel(area, panel, v, &scenario.tick_unit).map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    v: &VariantResult,
    unit: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let lines: Vec<(&Series, Vec<Band>)> = panel.series.iter().map(|s| (s, bands(v, s))).collect();
    let ticks = (lines[0].1.len() - 1).max(1) as f64;
    let (lo, hi) = panel.y_range.unwrap_or_else(|| {
        let top = lines
            .iter()
            .flat_map(|(_, b)| b.iter().map(|b| b.p95))
            .fold(0.0, f64::max);
        (0.0, if top > 0.0 { top * 1.08 } else { 1.0 })
    });
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FAMILY, 34))
        .margin(24)
        .x_label_area_size(80)
        .y_label_area_size(120)
        .build_cartesian_2d(0f64..ticks, lo..hi)?;
    let y_fmt = |y: &f64| short_number(*y);
    let x_fmt = |x: &f64| format!("{}", x.round() as i64);
    chart
        .configure_mesh()
        .x_desc(format!("time ({unit}s)"))
        .y_desc(panel.y_desc)
        .label_style((FAMILY, 24))
        .axis_desc_style((FAMILY, 28))
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(RGBColor(240, 240, 240))
        .x_labels(10)
        .y_labels(9)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;
    for (series, bands) in &lines {
        let color = series.color;
        let upper = bands.iter().enumerate().map(|(t, b)| (t as f64, b.p95));
        let lower = bands
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
                bands.iter().enumerate().map(|(t, b)| (t as f64, b.mean)),
                color.stroke_width(4),
            ))?
            .label(series.label)
            .legend(move |(x, y)| {
                Rectangle::new([(x - 4, y - 4), (x + 22, y + 4)], color.filled())
            });
    }
    chart
        .configure_series_labels()
        .position(panel.legend.clone())
        .margin(16)
        .label_font((FAMILY, 26))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(190, 190, 190))
        .draw()?;
    Ok(())
}

/// Axis labels a room can read at a glance: 12k, 1.5M.
pub fn short_number(y: f64) -> String {
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
