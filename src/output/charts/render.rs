//! Drawing a figure: the frame, a grid of panels, each with its axes, its
//! bands and lines, and the events marked on it; in PNG or SVG.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panels::{Line, Marker, Panel};
use super::style::{self, FAMILY, SIZE, frame, register_font, short_number, variant_legend};
use crate::output::{Format, Report};

/// Draws with `paint` into `<dir>/<stem>.png` and `.svg`, as asked.
pub(crate) fn save(
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
pub(crate) enum Area<'r, 'b> {
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
pub(crate) use on_area;

pub(crate) fn figure(
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
pub(crate) fn draw_figure<DB: DrawingBackend>(
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

pub(crate) fn draw_panel<DB: DrawingBackend>(
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
    style::axes(&mut chart.configure_mesh(), scale)
        .x_desc(format!("time ({unit}s)"))
        .y_desc(&panel.y_desc)
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
            .legend(style::swatch(color));
    }
    if let Some(position) = &panel.legend {
        style::legend(
            &mut chart.configure_series_labels(),
            position.clone(),
            scale,
        )
        .draw()?;
    }
    Ok(())
}

/// A y range holding every band, from zero (or below, for differences),
/// with a little room above for the legend (and the event labels).
pub(crate) fn fitted(lines: &[Line], zero: bool, legend: bool) -> (f64, f64) {
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
