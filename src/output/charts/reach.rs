//! The reach chart: how many people each first-hand story reached, good
//! against bad, in bins that widen as stories travel further.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::render::{Area, on_area};
use super::style::{self, FAMILY, footer_frame, palette, short_number};
use crate::output::{Report, VariantResult};

pub(crate) fn reach_figure(area: Area<'_, '_>, report: &Report<'_>) -> Result<(), String> {
    on_area!(area, |a| draw_reach(a, report))
}

/// Bins of people reached, widening as stories travel further: (the
/// least in the bin, its label).
pub(crate) const REACH_BINS: &[(u32, &str)] = &[
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
pub(crate) fn draw_reach<DB: DrawingBackend>(
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

pub(crate) fn draw_reach_panel<DB: DrawingBackend>(
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
    style::axes(&mut chart.configure_mesh(), scale)
        .x_desc("people reached by one story")
        .y_desc("share of stories")
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
            .legend(style::swatch(color));
    }
    style::legend(
        &mut chart.configure_series_labels(),
        SeriesLabelPosition::UpperRight,
        scale,
    )
    .draw()?;
    Ok(())
}
