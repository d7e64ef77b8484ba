//! Drawing a figure: the frame, a grid of panels, each with its axes, its
//! events in lanes above the plot, its bands and lines, and the names of
//! its lines at their ends; in PNG or SVG.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::layout::{self, Lanes};
use super::panels::{Figure, Line, Marker, Panel};
use super::style::{self, FAMILY, Framing, SIZE, Stroke, register_font, text};
use crate::output::Format;

/// Draws with `paint` into `<dir>/<stem>.png` and `.svg`, as asked.
pub(crate) fn save(
    dir: &Path,
    stem: &str,
    formats: &[Format],
    paint: impl Fn(Area<'_, '_>) -> Result<(), String>,
) -> Result<(), String> {
    for f in formats {
        match f {
            Format::Png => {
                register_font();
                let mut pixels = vec![0u8; SIZE.0 as usize * SIZE.1 as usize * 3];
                {
                    let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
                    paint(Area::Png(&root))?;
                    root.present().map_err(|e| e.to_string())?;
                }
                let name = format!("{stem}.png");
                let file = crate::output::create(dir, &name)?;
                crate::output::png(file, SIZE, &pixels)
                    .map_err(|e| crate::output::not_written(&name, e))?;
            }
            Format::Svg => {
                crate::output::put(dir, &format!("{stem}.svg"), svg(&paint)?)?;
            }
            Format::None => {}
        }
    }
    Ok(())
}

/// Draws with `paint` into PNG bytes (the deck's pictures).
pub(crate) fn png_bytes(
    paint: impl Fn(Area<'_, '_>) -> Result<(), String>,
) -> Result<Vec<u8>, String> {
    register_font();
    let mut pixels = vec![0u8; SIZE.0 as usize * SIZE.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        paint(Area::Png(&root))?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut out = Vec::new();
    crate::output::png(&mut out, SIZE, &pixels)?;
    Ok(out)
}

/// Draws with `paint` into an SVG document, returned as text (for the
/// report, which carries its charts inline).
pub(crate) fn svg(paint: &dyn Fn(Area<'_, '_>) -> Result<(), String>) -> Result<String, String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        paint(Area::Svg(&root))?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
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

/// Draws a figure with `footer` at its foot.
pub(crate) fn figure(
    area: Area<'_, '_>,
    fig: &Figure,
    tick_unit: &str,
    footer: &str,
) -> Result<(), String> {
    on_area!(area, |a| draw_figure(a, fig, tick_unit, footer))
}

/// Pixels between the plot's rows of event names: a name, its bar right
/// below it, and a gap of about 20 px to the next row's capitals.
pub(crate) const LANE: i32 = text::EVENT as i32 + 20;

/// The height of an event's name, its descenders included: the font's
/// line (its ascent less its descent), which is the size plotters takes.
/// The bar goes right under it, so it reads as its name's; the next row's
/// name is about 20 px further down.
pub(crate) const EVENT_HEIGHT: f64 = text::EVENT as f64;

/// Where a panel sits in its figure, which decides what it repeats: the
/// top row names the events (in `lanes` lanes, the most any panel of the
/// row needs, so the row's plots line up), the bottom row describes the
/// time axis, and a panel wide enough names its lines at their ends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub lanes: Option<usize>,
    pub x_desc: bool,
    /// Lines every panel's title box holds (the most any title needs).
    pub title_lines: usize,
}

/// The frame every figure shares (title, finding, legend, footer), and its
/// panels on their grid.
pub(crate) fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fig: &Figure,
    tick_unit: &str,
    footer: &str,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let body = style::frame(
        root,
        &Framing {
            title: &fig.title,
            subtitle: fig.subtitle.as_deref(),
            legend: &fig.legend,
            footer,
        },
    )?;
    let (rows, cols) = fig.grid;
    let top_lanes = body
        .split_evenly((rows, cols))
        .iter()
        .zip(&fig.panels)
        .take(cols)
        .map(|(area, panel)| {
            let g = Geometry::of(area, panel);
            let left = f64::from(MARGIN + g.y_label);
            let x = |t: u32| left + f64::from(t) / g.ticks * g.plot_width;
            let lanes = Lanes {
                plot_top: 0.0,
                lane: f64::from(LANE),
                text: EVENT_HEIGHT,
                right: f64::from(area.dim_in_pixel().0),
            };
            layout::lane_count(&event_labels(area, &fig.events, x, lanes), lanes)
        })
        .max()
        .unwrap_or(0);
    let areas = grid(&body, rows, cols, top_lanes as u32 * LANE as u32);
    let title_lines = areas
        .iter()
        .zip(&fig.panels)
        .map(|(area, panel)| panel_title(area, &panel.title).1.len())
        .max()
        .unwrap_or(1);
    for (k, (area, panel)) in areas.iter().zip(&fig.panels).enumerate() {
        let place = Place {
            lanes: (k < cols).then_some(top_lanes),
            x_desc: k + cols >= fig.panels.len(),
            title_lines,
        };
        draw_panel(area, panel, tick_unit, &fig.events, place).map_err(err)?;
    }
    Ok(())
}

/// The figure's body split into `rows` x `cols` panels (row by row), the
/// top row `extra` pixels taller for its events' names, so that every
/// row's plots are about the same height.
fn grid<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    rows: usize,
    cols: usize,
    extra: u32,
) -> Vec<DrawingArea<DB, Shift>> {
    let (_, h) = body.dim_in_pixel();
    let rows = rows.max(1) as u32;
    let rest = h.saturating_sub(extra) / rows;
    let breaks: Vec<i32> = (1..rows).map(|r| (extra + r * rest) as i32).collect();
    body.split_by_breakpoints(Vec::<i32>::new(), breaks)
        .into_iter()
        .flat_map(|row| row.split_evenly((1, cols)))
        .collect()
}

/// An event's bar over its window and its name above (each part of a
/// shared label in its own colour), where `label` placed them.
pub(crate) fn draw_event_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    e: &Marker,
    label: &layout::EventLabel,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (bar, name) = (label.bar, label.name);
    area.draw(&Rectangle::new(
        [
            (bar.x as i32, bar.y as i32),
            ((bar.x + bar.w) as i32, (bar.y + bar.h) as i32),
        ],
        e.color.filled(),
    ))?;
    let mut x = name.x as i32;
    for (k, (part, colour)) in e.parts.iter().enumerate() {
        let text = if k == 0 {
            part.clone()
        } else {
            format!("{}{part}", super::panels::BETWEEN)
        };
        let width = style::text_width(area, &text, text::EVENT) as i32;
        area.draw(&Text::new(
            text,
            (x, name.y as i32),
            (FAMILY, text::EVENT).into_font().color(colour),
        ))?;
        x += width;
    }
    Ok(())
}

/// Where the events' names and bars go above a plot, with `x` the pixel
/// (from the panel's left) of a tick.
pub(crate) fn event_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    events: &[Marker],
    x: impl Fn(u32) -> f64,
    g: Lanes,
) -> Vec<layout::EventLabel> {
    let starts: Vec<f64> = events.iter().map(|e| x(e.from)).collect();
    let ends: Vec<f64> = events.iter().map(|e| x(e.to)).collect();
    let widths: Vec<f64> = events
        .iter()
        .map(|e| f64::from(style::text_width(area, &e.name, text::EVENT)))
        .collect();
    layout::event_labels(&starts, &ends, &widths, g)
}

/// A panel's measurements: its time span, y range, the widths of its
/// y labels and of the names at its lines' ends, and so its plot's width.
struct Geometry {
    ticks: f64,
    lo: f64,
    hi: f64,
    y_label: u32,
    room: u32,
    plot_width: f64,
}

/// Pixels around a panel's plot.
const MARGIN: u32 = 14;

impl Geometry {
    fn of<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> Geometry {
        let ticks = (panel.lines.first().map_or(1, |l| l.bands.len()) - 1).max(1) as f64;
        let (lo, hi) = panel
            .y_range
            .unwrap_or_else(|| fitted(&panel.lines, panel.zero));
        let (w, _) = area.dim_in_pixel();
        let fmt = y_format(lo, hi, 5);
        let widest = [lo, hi, (lo + hi) / 2.0, lo + (hi - lo) * 0.9]
            .iter()
            .map(|v| style::text_width(area, &fmt(v), text::TICK))
            .max()
            .unwrap_or(0);
        let y_label = widest + text::AXIS + 24;
        let room = label_room(area, &panel.lines);
        let plot_width = f64::from(w.saturating_sub(y_label + room + 2 * MARGIN).max(1));
        Geometry {
            ticks,
            lo,
            hi,
            y_label,
            room,
            plot_width,
        }
    }
}

/// The width the names at the lines' ends need: none for a single line,
/// or a panel too narrow to spare it (the figure's legend names them).
fn label_room<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, lines: &[Line]) -> u32 {
    let w = area.dim_in_pixel().0;
    if lines.len() < 2 || w < 1200 {
        return 0;
    }
    let widest = lines
        .iter()
        .map(|l| style::text_width(area, &l.label, text::LEGEND))
        .max()
        .unwrap_or(0);
    if widest + 20 > w / 4 { 0 } else { widest + 20 }
}

/// A panel's title as it is set: at its full size on up to two lines if
/// that holds it, else as small as 28 px (never smaller: it is read from
/// the back of a room).
fn panel_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> (u32, Vec<String>) {
    let w = area.dim_in_pixel().0.saturating_sub(20);
    let whole = style::fit_down_to(area, title, text::CAPTION, text::CAPTION, w, 2);
    if whole.1.last().is_some_and(|l| l.ends_with('…')) {
        style::fit_down_to(area, title, text::CAPTION, text::SLIDE_LEAST, w, 2)
    } else {
        whole
    }
}

/// Draws `line` with its stroke through `points`.
pub(crate) fn draw_line<
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
>(
    chart: &mut ChartContext<'_, DB, CT>,
    points: Vec<(f64, f64)>,
    stroke: Stroke,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = stroke.color.stroke_width(stroke.width);
    match stroke.dash {
        None => {
            chart.draw_series(LineSeries::new(points, style))?;
        }
        Some((dash, gap)) => {
            chart.draw_series(DashedLineSeries::new(points, dash, gap, style))?;
        }
    }
    Ok(())
}

/// A panel: its title, its events' names in lanes (top row), its axes,
/// the events' windows shaded, the bands, the lines, and the lines' names.
pub(crate) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    unit: &str,
    events: &[Marker],
    place: Place,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let g = Geometry::of(area, panel);
    let (ticks, lo, hi) = (g.ticks, g.lo, g.hi);
    let (w, h) = area.dim_in_pixel();
    // The title, centred, in a box of the figure's height so the plots
    // align.
    let (title_size, title) = panel_title(area, &panel.title);
    for (k, line) in title.into_iter().enumerate() {
        let tw = style::text_width(area, &line, title_size) as i32;
        area.draw(&Text::new(
            line,
            (
                ((w as i32) - tw) / 2,
                8 + k as i32 * (text::CAPTION as i32 + 4),
            ),
            (FAMILY, title_size).into_font(),
        ))?;
    }
    let top = place.title_lines as u32 * (text::CAPTION + 4)
        + 12
        + place.lanes.unwrap_or(0) as u32 * LANE as u32;
    let (_, plot_area) = area.split_vertically(top.min(h.saturating_sub(1)));
    let x_label = if place.x_desc {
        text::TICK + text::AXIS + 26
    } else {
        text::TICK + 14
    };
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(MARGIN)
        .margin_top(6)
        .margin_right(MARGIN + g.room)
        .x_label_area_size(x_label)
        .y_label_area_size(g.y_label)
        .build_cartesian_2d(0f64..ticks, lo..hi)?;
    let x_fmt = |x: &f64| format!("{}", x.round() as i64);
    let plot_height = {
        let (_, y) = chart.plotting_area().get_pixel_range();
        (y.end - y.start).max(1) as u32
    };
    // Never under 28 px (a slide's least): a description that would need
    // less is left out, its panel's title naming the measure already.
    let (desc_size, desc) = style::fit_down_to(
        area,
        &panel.y_desc,
        text::AXIS,
        text::SLIDE_LEAST,
        plot_height,
        1,
    );
    let desc = if desc.iter().any(|l| l.ends_with('…')) {
        Vec::new()
    } else {
        desc
    };
    let y_labels = y_label_count(lo, hi, plot_height);
    let y_fmt = y_format(lo, hi, y_labels);
    let mut mesh = chart.configure_mesh();
    style::axes(&mut mesh)
        .x_labels(8)
        .y_labels(y_labels)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt);
    if place.x_desc {
        mesh.x_desc(format!("{unit}s"));
    }
    mesh.draw()?;
    let base = area.get_base_pixel();
    let to_area = |p: (i32, i32)| (p.0 - base.0, p.1 - base.1);
    let (plot_top, plot_right) = {
        let (x, y) = chart.plotting_area().get_pixel_range();
        (y.start - base.1, x.end - base.0)
    };
    // The y axis's description, up its left edge, centred on the plot; drawn
    // here rather than by the mesh so that shrinking it to fit leaves the
    // time axis's description at its size.
    if !desc.is_empty() {
        let desc = desc.join(" ");
        let desc_width = style::text_width(area, &desc, desc_size) as i32;
        area.draw(&Text::new(
            desc,
            (4, plot_top + (plot_height as i32 + desc_width) / 2),
            (FAMILY, desc_size)
                .into_font()
                .transform(FontTransform::Rotate270),
        ))?;
    }
    // Events: the window faintly shaded, a line where it starts, and (top
    // row) its name in a lane above, with a bar over its window.
    let x_of = |t: u32| f64::from(to_area(chart.backend_coord(&(f64::from(t).min(ticks), hi))).0);
    let labels = event_labels(
        area,
        events,
        x_of,
        Lanes {
            plot_top: f64::from(plot_top),
            lane: f64::from(LANE),
            text: EVENT_HEIGHT,
            right: f64::from(w),
        },
    );
    for (e, label) in events.iter().zip(&labels) {
        let (from, to) = style::event_window(e.from, e.to, ticks);
        if to > from && e.shared {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(from, lo), (to, hi)],
                e.color.mix(0.07).filled(),
            )))?;
        }
        // One start line a week: in the event's colour, or grey where
        // several events start together (never a blend no legend names).
        let starting: Vec<&Marker> = events.iter().filter(|o| o.from == e.from).collect();
        if std::ptr::eq(starting[0], e) {
            let colour = if starting.len() > 1 {
                style::meaning::EVENT
            } else {
                e.color
            };
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(from, lo), (from, hi)],
                colour.mix(0.7).stroke_width(2),
            )))?;
        }
        if place.lanes.is_some() {
            draw_event_label(area, e, label)?;
        }
    }
    if panel.zero {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (ticks, 0.0)],
            // The baseline, against which the lines are differences.
            style::variant_stroke(0)
                .color
                .stroke_width(style::variant_stroke(0).width),
        )))?;
    }
    // A tick with no figure (NaN: a weekly flow at week 0) is left out.
    let drawn = |b: &&crate::results::Band| !b.mean.is_nan();
    for line in &panel.lines {
        let upper = line
            .bands
            .iter()
            .enumerate()
            .filter(|(_, b)| drawn(b))
            .map(|(t, b)| (t as f64, b.p95));
        let lower = line
            .bands
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, b)| drawn(b))
            .map(|(t, b)| (t as f64, b.p05));
        chart.draw_series(std::iter::once(Polygon::new(
            upper.chain(lower).collect::<Vec<_>>(),
            line.stroke.color.mix(0.13).filled(),
        )))?;
    }
    for line in &panel.lines {
        let points = line
            .bands
            .iter()
            .enumerate()
            .filter(|(_, b)| drawn(b))
            .map(|(t, b)| (t as f64, b.mean))
            .collect();
        draw_line(&mut chart, points, line.stroke)?;
    }
    // Each line's name at its end, spread so that none overlap.
    if g.room > 0 {
        let wanted: Vec<f64> = panel
            .lines
            .iter()
            .map(|l| {
                let end = l.bands.last().map_or(lo, |b| b.mean.clamp(lo, hi));
                f64::from(to_area(chart.backend_coord(&(ticks, end))).1)
            })
            .collect();
        let bottom = to_area(chart.backend_coord(&(0.0, lo))).1;
        let height = f64::from(text::LEGEND) + 4.0;
        let ys = layout::spread(&wanted, height, f64::from(plot_top), f64::from(bottom));
        for (line, y) in panel.lines.iter().zip(ys) {
            area.draw(&Text::new(
                line.label.clone(),
                (plot_right + 10, y as i32 - text::LEGEND as i32 / 2 - 2),
                (FAMILY, text::LEGEND).into_font().color(&line.stroke.color),
            ))?;
        }
    }
    Ok(())
}

/// How many labels to ask of the y axis: as many as fit `height` pixels,
/// and more if plotters' round steps would otherwise leave fewer than
/// three on the axis (a range of -60k to 40k asked for four gets only 0).
fn y_label_count(lo: f64, hi: f64, height: u32) -> usize {
    use plotters::coord::ranged1d::Ranged;
    let fits = ((height / 40) as usize).clamp(3, 7);
    let axis = plotters::coord::types::RangedCoordf64::from(lo..hi);
    (fits..fits + 6)
        .find(|&n| axis.key_points(n).len() >= 3)
        .unwrap_or(fits)
}

/// The y axis's numbers when `labels` are asked for: in the decimals the
/// step between plotters' chosen values needs.
fn y_format(lo: f64, hi: f64, labels: usize) -> impl Fn(&f64) -> String {
    use plotters::coord::ranged1d::Ranged;
    let keys = plotters::coord::types::RangedCoordf64::from(lo..hi).key_points(labels);
    let step = match keys.as_slice() {
        [a, b, ..] => (b - a).abs(),
        _ => (hi - lo).abs() / 8.0,
    };
    style::axis_format_by(lo.abs().max(hi.abs()), step)
}

/// A y range holding every band, from zero (or below, for differences),
/// with a little room above.
pub(crate) fn fitted(lines: &[Line], zero: bool) -> (f64, f64) {
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
    (lo, top + span * 0.08)
}
