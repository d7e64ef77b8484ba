//! Slide-ready charts: PNG (1600 x 900) and SVG, drawn with plotters from
//! the simulated replications, the mean as a line and the 90% band shaded.
//!
//! A run with what-ifs draws its headline slide (`headline.rs`: the
//! lesson's point, its big number and the comparison that proves it), and
//! every run a comparison of its variants (with the finding and its
//! band under the title), three overview figures of the baseline, one
//! chart per measure the scenario can produce (every variant overlaid,
//! beside each what-if's difference from the baseline), and the reach of
//! stories. `charts` lists them; `draw_all` writes them as files, and
//! the report draws the same ones inline.
//!
//! - `panels.rs`: what each chart shows;
//! - `render.rs`: drawing a figure and its panels;
//! - `layout.rs`: where labels go (tested: they never overlap);
//! - `reach.rs`: the reach of stories;
//! - `style.rs`: sizes, fonts, colours per meaning, strokes, numbers.
//!
//! Text is drawn with DejaVu Sans, shipped in `assets/fonts` and registered
//! with plotters at run time, so charts render the same on a bare machine
//! with no font packages installed.

mod groups;
pub(crate) mod headline;
mod layout;
mod panels;
mod reach;
mod render;
pub(crate) mod style;

use std::path::Path;

use rayon::prelude::*;

use super::{Format, Results};
use crate::catalog::Overview;
pub(crate) use panels::produces;
use panels::{Figure, capitalise, classic_overview, compare, metric_panels, overview};
pub(crate) use render::{Area, draw_line, on_area, png_bytes, save};
pub use style::{SIZE, palette, short_number};

/// What a chart draws.
pub(crate) enum Drawing {
    Figure(Box<Figure>),
    Reach,
    Groups,
    Headline(headline::Headline),
}

/// One chart of a run: where it goes (`compare`, `charts/nps`) and what
/// it draws.
pub(crate) struct Chart {
    pub(crate) stem: String,
    pub(crate) title: String,
    pub(crate) drawing: Drawing,
}

/// A figure as slides show it: at most two panels a slide, side by side
/// (four panels on one 1,600 x 900 slide, with text a room can read,
/// leave plots a few dozen pixels tall); each part keeps the figure's
/// title, finding, legend and events. Not a figure, or two panels or
/// fewer: nothing (the chart is one slide as it is).
pub(crate) fn slide_parts(chart: &Chart) -> Vec<Chart> {
    let Drawing::Figure(fig) = &chart.drawing else {
        return Vec::new();
    };
    if fig.panels.len() <= 2 {
        return Vec::new();
    }
    fig.panels
        .chunks(2)
        .map(|pair| Chart {
            stem: chart.stem.clone(),
            title: chart.title.clone(),
            drawing: Drawing::Figure(Box::new(Figure {
                panels: pair.to_vec(),
                grid: (1, pair.len()),
                ..(**fig).clone()
            })),
        })
        .collect()
}

/// Every chart a run draws, in the order a reader meets them.
pub(crate) fn charts(report: &Results<'_>) -> Vec<Chart> {
    let figure = |stem: String, fig: Figure| Chart {
        stem,
        title: fig.title.clone(),
        drawing: Drawing::Figure(Box::new(fig)),
    };
    let mut out = Vec::new();
    // The lesson's point first: the slide a trainer shows.
    if let Some(h) = headline::of(report) {
        out.push(Chart {
            stem: "headline".into(),
            title: h.say.clone(),
            drawing: Drawing::Headline(h),
        });
    }
    out.push(figure("compare".into(), compare(report)));
    let declared = report.scenario.baseline().model.kind().declaration();
    let overviews = match declared.overview {
        Overview::WordOfMouth => overview(report),
        Overview::States => classic_overview(report),
    };
    out.extend(overviews.into_iter().map(|f| figure(f.stem.clone(), f)));
    if declared.stories {
        out.push(Chart {
            stem: "reach".into(),
            title: "How far each story travelled".into(),
            drawing: Drawing::Reach,
        });
    }
    if groups::drawn(report) {
        out.push(Chart {
            stem: "groups".into(),
            title: "How each group sees the brand".into(),
            drawing: Drawing::Groups,
        });
    }
    let left_out = unsaid(report);
    for (k, &m) in report.measures().iter().enumerate() {
        if !produces(report, m) || left_out.contains(&k) {
            continue;
        }
        let total = sparse(report, k);
        let panels = metric_panels(report, m, total);
        let about = m.info().about;
        let fig = Figure {
            stem: m.name().into(),
            title: if total {
                format!("{} (total so far)", m.info().title)
            } else {
                m.info().title.into()
            },
            subtitle: Some(capitalise(about.split(" (").next().unwrap_or(about))),
            grid: (1, panels.len()),
            panels,
            legend: panels::variant_legend(report),
            events: panels::markers(report, report.variants.len()),
        };
        out.push(figure(format!("charts/{}", m.name()), fig));
    }
    out
}

/// Whether measure `k` is a flow too thin to read week by week: a few
/// people at most in any week, so its weekly line is noise between 0 and
/// 1; its running total shows what it adds up to.
fn sparse(report: &Results<'_>, k: usize) -> bool {
    report.measures()[k].kind() == crate::measures::Kind::Flow
        && report.variants.iter().all(|v| {
            v.aggregate
                .bands
                .iter()
                .all(|t| t[0][k].mean.abs() < SPARSE)
        })
}

/// The most a flow's weekly mean reaches for it to be drawn as its total.
const SPARSE: f64 = 2.0;

/// The measures whose chart would say nothing: one that repeats another's
/// lines exactly (referrals made, and the new customers they brought,
/// where each referral brings one; the one the scenario compares is kept),
/// or draws the same flat value all along.
fn unsaid(report: &Results<'_>) -> Vec<usize> {
    let measures = report.measures();
    let compared = |m: &crate::measures::Measure| report.scenario.compare.contains(m);
    let mut order: Vec<usize> = (0..measures.len())
        .filter(|&k| compared(&measures[k]))
        .collect();
    order.extend((0..measures.len()).filter(|&k| !compared(&measures[k])));
    let mut kept: Vec<Vec<u64>> = Vec::new();
    let mut out = Vec::new();
    for k in order {
        let means: Vec<u64> = report
            .variants
            .iter()
            .flat_map(|v| {
                v.aggregate
                    .bands
                    .iter()
                    .map(move |t| t[0][k].mean.to_bits())
            })
            .collect();
        if means.windows(2).all(|w| w[0] == w[1]) || kept.contains(&means) {
            out.push(k);
        } else {
            kept.push(means);
        }
    }
    out
}

/// What every chart says at its foot: what the lines are and where the
/// numbers came from.
pub(crate) fn footer(report: &Results<'_>) -> String {
    let s = report.scenario;
    let warmup = if s.warmup > 0 {
        format!(
            "; {} {}s of warm-up before {} 0",
            s.warmup, s.tick_unit, s.tick_unit
        )
    } else {
        String::new()
    };
    format!(
        "Lines: mean of {} runs; shaded: 90% band (5th to 95th percentile). Seed {}. {} people{warmup}. {}. grapevine {}",
        s.runs,
        s.seed,
        crate::film::thousands(report.network.agents as f64),
        s.source.display(),
        env!("CARGO_PKG_VERSION")
    )
}

/// A slide of text (the deck's claim, town and takeaway, as PNG): its
/// title large, then each line, in type a room reads.
pub(crate) fn text_slide(area: Area<'_, '_>, title: &str, lines: &[String]) -> Result<(), String> {
    on_area!(area, |a| text_page(a, title, lines))
}

fn text_page<DB: plotters::prelude::DrawingBackend>(
    root: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    lines: &[String],
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    use plotters::prelude::*;
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (w, _) = root.dim_in_pixel();
    let mut y = 90;
    let (size, parts) = style::fit_down_to(root, title, style::em(66), style::em(48), w - 200, 3);
    for part in parts {
        root.draw(&Text::new(
            part,
            (100, y),
            (style::FAMILY, size).into_font(),
        ))
        .map_err(err)?;
        y += size as i32 + 16;
    }
    y += 60;
    // One size for every line (down to 30 px); a longer line takes a second.
    let size = style::one_size(root, lines, style::em(44), style::em(30), w - 200);
    for line in lines {
        let (_, parts) = style::fit_down_to(root, line, size, size, w - 200, 2);
        for part in parts {
            root.draw(&Text::new(
                part,
                (100, y),
                (style::FAMILY, size).into_font().color(&palette::DARK),
            ))
            .map_err(err)?;
            y += size as i32 + 12;
        }
        y += 18;
    }
    Ok(())
}

/// Where a chart is shown: a file (or the report) says at its foot where
/// its figures came from; a slide does not, in type too small for the back
/// of a room (its speaker notes say it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Medium {
    File,
    Slide,
}

/// Draws one chart onto `area`, as a file shows it.
pub(crate) fn paint(chart: &Chart, report: &Results<'_>, area: Area<'_, '_>) -> Result<(), String> {
    paint_for(chart, report, area, Medium::File)
}

/// Draws one chart onto `area` for `medium`.
pub(crate) fn paint_for(
    chart: &Chart,
    report: &Results<'_>,
    area: Area<'_, '_>,
    medium: Medium,
) -> Result<(), String> {
    let unit = &report.scenario.tick_unit;
    let title = format!("{}: {}", report.scenario.title, chart.title);
    let with_footer = medium == Medium::File;
    match &chart.drawing {
        Drawing::Figure(fig) => {
            let fig = Figure {
                title,
                ..(**fig).clone()
            };
            let footer = if with_footer {
                footer(report)
            } else {
                String::new()
            };
            render::figure(area, &fig, unit, &footer)
        }
        Drawing::Reach => reach::reach_figure(area, report, with_footer),
        Drawing::Groups => groups::groups_figure(area, report, with_footer),
        Drawing::Headline(h) => headline::draw(area, report, h),
    }
}

/// One chart as an SVG document.
pub(crate) fn svg(chart: &Chart, report: &Results<'_>) -> Result<String, String> {
    svg_for(chart, report, Medium::File)
}

/// One chart as an SVG document, for `medium`.
pub(crate) fn svg_for(
    chart: &Chart,
    report: &Results<'_>,
    medium: Medium,
) -> Result<String, String> {
    render::svg(&|area| paint_for(chart, report, area, medium))
}

/// Draws `charts` into `dir` in each of `formats`.
pub(crate) fn draw_all(
    dir: &Path,
    charts: &[Chart],
    report: &Results<'_>,
    formats: &[Format],
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<(), String> {
    std::fs::create_dir_all(dir.join("charts")).map_err(|e| e.to_string())?;
    // Each chart is independent: draw them on all threads.
    charts.par_iter().try_for_each(|chart| {
        if cancelled() {
            return Err("interrupted".to_string());
        }
        save(dir, &chart.stem, formats, |area| paint(chart, report, area))
    })
}
