//! The reach chart: how many people each first-hand story reached, good
//! against bad, in the baseline bin by bin, and on average in every
//! variant. Bars lie on their side, so the bins' names read across.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::render::{Area, on_area};
use super::style::{self, FAMILY, Framing, Stroke, meaning, text};
use crate::output::{Results, VariantResult};
use crate::results::figures;

/// Bins of people reached, widening as stories travel further: (the
/// least in the bin, its name).
const BINS: &[(u32, &str)] = &[
    (0, "0"),
    (1, "1"),
    (2, "2"),
    (3, "3–5"),
    (6, "6–10"),
    (11, "11–20"),
    (21, "21–50"),
    (51, "51–100"),
    (101, "101–200"),
    (201, "201–500"),
    (501, "501+"),
];

/// The bin a reach falls in.
fn bin(people: u32) -> usize {
    BINS.iter().rposition(|&(lo, _)| lo <= people).unwrap_or(0)
}

/// A variant's stories of one valence, per bin: (count, share %).
fn histogram(v: &VariantResult, bad: bool, bins: usize) -> (usize, Vec<f64>) {
    let mut h = vec![0.0; bins];
    let mut n = 0;
    for (people, stories) in figures::reach_histogram(v, bad) {
        h[bin(people).min(bins - 1)] += stories as f64;
        n += stories as usize;
    }
    let total = n.max(1) as f64;
    h.iter_mut().for_each(|c| *c *= 100.0 / total);
    (n, h)
}

/// Draws the figure, with its footer or (on a slide) without.
pub(crate) fn reach_figure(
    area: Area<'_, '_>,
    report: &Results<'_>,
    with_footer: bool,
) -> Result<(), String> {
    on_area!(area, |a| draw_reach(a, report, with_footer))
}

/// The mean reach of a variant's good or bad first-hand stories.
fn mean_reach(v: &VariantResult, bad: bool) -> f64 {
    figures::reach(v, bad).mean_people_reached
}

/// The figure: on the left, how far the baseline's stories went, bin by
/// bin; on the right, each variant's average reach of a good and of a bad
/// story, so what-ifs compare at a glance.
fn draw_reach<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Results<'_>,
    with_footer: bool,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let s = report.scenario;
    let base = &report.variants[0];
    let furthest = base
        .runs
        .iter()
        .flat_map(|r| &r.reach)
        .map(|s| s.people)
        .max()
        .unwrap_or(0);
    let bins = bin(furthest) + 1;
    let hist = [histogram(base, false, bins), histogram(base, true, bins)];
    let sampled = report
        .variants
        .iter()
        .any(|v| v.runs.iter().any(|r| r.reach_sampled()));
    let footer = format!(
        "First-hand stories (all {} runs) by the distinct people each reached, retelling included{}. Seed {}. {}. grapevine {}",
        s.runs,
        if sampled {
            "; a random sample of the stories, chosen by the story"
        } else {
            ""
        },
        s.seed,
        s.source.display(),
        env!("CARGO_PKG_VERSION")
    );
    let title = format!("{}: how far each story travelled", s.title);
    let legend = [
        ("good stories".to_string(), Stroke::solid(meaning::GOOD, 14)),
        ("bad stories".to_string(), Stroke::solid(meaning::BAD, 14)),
    ];
    let subtitle = format!(
        "A bad story reaches {:.1} people on average, a good one {:.1}",
        mean_reach(base, true),
        mean_reach(base, false)
    );
    let body = style::frame(
        root,
        &Framing {
            title: &title,
            subtitle: Some(&subtitle),
            legend: &legend,
            footer: if with_footer { &footer } else { "" },
        },
    )?;
    let (w, _) = body.dim_in_pixel();
    let (left, right) = body.split_horizontally(w * 3 / 5);
    let which = if report.variants.len() > 1 {
        format!(" ({})", base.name)
    } else {
        String::new()
    };
    distribution(
        &left,
        &format!("People each story reached{which}"),
        &hist,
        bins,
    )
    .map_err(err)?;
    averages(&right, report).map_err(err)?;
    Ok(())
}

/// A panel's title, centred at its top; returns the height it takes.
fn title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = area.dim_in_pixel();
    let (size, lines) = style::fit(area, text, text::CAPTION, w - 20, 1);
    let line = lines.join(" ");
    let tw = style::text_width(area, &line, size) as i32;
    area.draw(&Text::new(
        line,
        (((w as i32) - tw) / 2, 8),
        (FAMILY, size).into_font(),
    ))?;
    Ok(text::CAPTION + 20)
}

/// The share of stories in each bin of people reached, good and bad.
fn distribution<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    [(_, good), (_, bad)]: &[(usize, Vec<f64>); 2],
    bins: usize,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let top = good.iter().chain(bad).copied().fold(0.0, f64::max);
    let top = (top * 1.1).clamp(5.0, 100.0);
    let used = title(area, caption)?;
    let (_, plot) = area.split_vertically(used);
    let widest = BINS[..bins]
        .iter()
        .map(|(_, name)| style::text_width(area, name, text::TICK))
        .max()
        .unwrap_or(0);
    let mut chart = ChartBuilder::on(&plot)
        .margin(14)
        .margin_top(4)
        .x_label_area_size(text::TICK + text::AXIS + 26)
        .y_label_area_size(widest + text::AXIS + 28)
        .build_cartesian_2d(0f64..top, 0f64..bins as f64)?;
    let y_fmt = |y: &f64| {
        let b = (y - 0.5).round();
        if (y - 0.5 - b).abs() > 1e-6 || b < 0.0 || b as usize >= bins {
            return String::new();
        }
        BINS[b as usize].1.to_string()
    };
    let x_fmt = |x: &f64| format!("{x:.0}%");
    style::axes(&mut chart.configure_mesh())
        .x_desc("share of stories")
        .y_desc("people reached")
        .y_labels(bins * 2 + 1)
        .x_labels(5)
        .y_label_formatter(&y_fmt)
        .x_label_formatter(&x_fmt)
        .disable_y_mesh()
        .draw()?;
    for (h, color, shift) in [(good, meaning::GOOD, 0.5), (bad, meaning::BAD, 0.1)] {
        chart.draw_series(
            h.iter()
                .enumerate()
                .filter(|(_, c)| **c > 0.0)
                .map(|(b, &c)| {
                    let y0 = b as f64 + shift;
                    Rectangle::new([(0.0, y0), (c, y0 + 0.38)], color.filled())
                }),
        )?;
    }
    Ok(())
}

/// Each variant's average reach of a good and a bad story, as bars with
/// their values, the variant's name above them.
fn averages<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Results<'_>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let shown = &report.variants[..report.variants.len().min(6)];
    let means: Vec<(f64, f64)> = shown
        .iter()
        .map(|v| (mean_reach(v, false), mean_reach(v, true)))
        .collect();
    let top = means.iter().map(|&(g, b)| g.max(b)).fold(1.0, f64::max) * 1.3;
    let used = title(area, "Average people a story reached")?;
    let (_, plot) = area.split_vertically(used);
    let n = shown.len() as f64;
    let mut chart = ChartBuilder::on(&plot)
        .margin(14)
        .margin_top(4)
        .margin_right(30)
        .x_label_area_size(text::TICK + text::AXIS + 26)
        .y_label_area_size(10)
        .build_cartesian_2d(0f64..top, 0f64..n)?;
    let x_fmt = style::axis_format(0.0, top);
    style::axes(&mut chart.configure_mesh())
        .x_desc("people reached")
        .x_labels(5)
        .x_label_formatter(&x_fmt)
        .y_labels(0)
        .disable_y_mesh()
        .draw()?;
    let (w, _) = plot.dim_in_pixel();
    for (k, (v, &(good, bad))) in shown.iter().zip(&means).enumerate() {
        // The first variant at the top.
        let y = n - 1.0 - k as f64;
        let (size, name) = style::fit(area, &v.name, text::LEGEND, w - 60, 1);
        chart.draw_series(std::iter::once(Text::new(
            name.join(" "),
            (top * 0.01, y + 0.92),
            (FAMILY, size).into_font(),
        )))?;
        for (value, color, y0) in [
            (good, meaning::GOOD, y + 0.40),
            (bad, meaning::BAD, y + 0.08),
        ] {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y0), (value, y0 + 0.26)],
                color.filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("{value:.1}"),
                (value + top * 0.015, y0 + 0.24),
                (FAMILY, text::LEGEND).into_font(),
            )))?;
        }
    }
    Ok(())
}
