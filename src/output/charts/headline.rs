//! `headline.png`: one slide that states the lesson's point. The point as
//! a sentence in large type; the figure that matters as a big number, in
//! the what-if's colour, with its 90% range in words ("between 422 and 530
//! fewer, in 9 runs of 10"); and the one comparison that proves it, the
//! what-if against its reference over time, each line named at its end and
//! each event's window marked once. Every piece of text is at least 28 px
//! high on the 1,600 x 900 slide, for the back of a room.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::layout::{self, Lanes};
use super::panels::{self, Marker, Pick, bands, capitalise};
use super::render::{self, Area, draw_line, on_area};
use super::style::{self, FAMILY, em, palette, text, variant_stroke};
use crate::measures::{Kind, Measure, Scale};
use crate::output::Results;
use crate::output::findings::{self, counts};
use crate::results::Band;

/// The least text size on the slide (28 px to the em).
const SMALL: u32 = text::SLIDE_LEAST;

/// What the slide says and shows.
pub(crate) struct Headline {
    /// The point, as a sentence.
    pub(crate) say: String,
    pub(crate) measure: Measure,
    /// The what-if's index among the variants, and its reference's.
    pub(crate) variant: usize,
    pub(crate) reference: usize,
    /// The what-if's difference from its reference at the end.
    pub(crate) difference: Band,
}

/// The headline of a run with what-ifs: the scenario's `[headline]` where
/// it says, the compare chart's finding where it does not.
pub(crate) fn of(report: &Results<'_>) -> Option<Headline> {
    if report.variants.len() < 2 {
        return None;
    }
    let s = report.scenario;
    let h = &s.headline;
    let measure = h
        .measure
        .or_else(|| crate::results::figures::finding_measure(report))?;
    let variant = match &h.variant {
        Some(name) => s.variants.iter().position(|v| &v.name == name)?,
        None => clearest(report, measure)?,
    };
    let reference = s.variants[variant].reference;
    let (v, r) = (&report.variants[variant], &report.variants[reference]);
    if !(s.variants[variant].produces(measure) && s.variants[reference].produces(measure)) {
        return None;
    }
    let difference = crate::results::figures::difference_band(v, r, measure);
    let say = h.say.clone().unwrap_or_else(|| {
        let size = unsigned(measure, difference.mean.abs());
        let (more, fewer) = if counts(measure) {
            ("more", "fewer")
        } else {
            ("higher", "lower")
        };
        let way = if difference.mean >= 0.0 { more } else { fewer };
        let what = findings::what(measure);
        let what = if counts(measure) {
            format!("{size} {way} {what}")
        } else {
            format!("{what} {size} {way}")
        };
        format!(
            "{}: {what} than {} after {} {}s",
            capitalise(&v.name),
            r.name,
            s.ticks,
            s.tick_unit
        )
    });
    Some(Headline {
        say,
        measure,
        variant,
        reference,
        difference,
    })
}

/// The what-if a headline shows when the scenario does not name one: of
/// those whose difference from its reference at the end is clear (its 90%
/// range leaves out zero), the largest; if none is clear, the largest of
/// all; the earliest of equals. The first what-if alone would let a
/// scenario that opens with a "same as before" check headline a
/// difference of nothing.
fn clearest(report: &Results<'_>, measure: Measure) -> Option<usize> {
    let s = report.scenario;
    let strength = |i: usize| {
        let reference = s.variants[i].reference;
        if !(s.variants[i].produces(measure) && s.variants[reference].produces(measure)) {
            return None;
        }
        let d = crate::results::figures::difference_band(
            &report.variants[i],
            &report.variants[reference],
            measure,
        );
        let clear = d.p05 > 0.0 || d.p95 < 0.0;
        let size = if d.mean.is_nan() { 0.0 } else { d.mean.abs() };
        Some((clear, size))
    };
    // The earliest of equals: a later what-if must be stronger to win.
    (1..s.variants.len())
        .filter_map(|i| strength(i).map(|k| (i, k)))
        .fold(
            None,
            |best: Option<(usize, (bool, f64))>, (i, k)| match best {
                Some((_, b)) if b >= k => best,
                _ => Some((i, k)),
            },
        )
        .map(|(i, _)| i)
}

/// A figure as the slide says it: a count of ten or more whole (80
/// organisations, not 79.6), anything else as findings state it.
fn signed(m: Measure, x: f64) -> String {
    if counts(m) && x.abs() >= 10.0 {
        findings::amount(Measure::Customers, x.round())
    } else {
        findings::amount(m, x)
    }
}

fn unsigned(m: Measure, x: f64) -> String {
    signed(m, x).trim_start_matches('+').to_string()
}

/// `text` cut after each comma or colon, the marks kept: where a line
/// may break that a reader would pause anyway.
fn clauses(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for word in text.split(' ') {
        let last = out.last_mut().expect("one clause at least");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(word);
        if word.ends_with(',') || word.ends_with(':') {
            out.push(String::new());
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// The 90% range in words: "between 422 and 530 fewer, in 9 runs of 10",
/// or, when it holds zero, that the runs do not tell the two apart.
pub(crate) fn range_in_words(m: Measure, d: Band) -> String {
    let (more, fewer) = if counts(m) {
        ("more", "fewer")
    } else {
        ("higher", "lower")
    };
    if d.p05 <= 0.0 && d.p95 >= 0.0 {
        return format!(
            "from {} to {} in 9 runs of 10: no clear difference",
            signed(m, d.p05),
            signed(m, d.p95)
        );
    }
    let (lo, hi) = if d.mean >= 0.0 {
        (d.p05, d.p95)
    } else {
        (-d.p95, -d.p05)
    };
    let way = if d.mean >= 0.0 { more } else { fewer };
    format!(
        "between {} and {} {way}, in 9 runs of 10",
        unsigned(m, lo),
        unsigned(m, hi)
    )
}

/// Draws the slide.
pub(crate) fn draw(area: Area<'_, '_>, report: &Results<'_>, h: &Headline) -> Result<(), String> {
    on_area!(area, |a| slide(a, report, h))
}

fn slide<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Results<'_>,
    h: &Headline,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (w, ht) = root.dim_in_pixel();
    let put = |text: &str, x: i32, y: i32, size: u32, color: RGBColor| {
        root.draw(&Text::new(
            text.to_string(),
            (x, y),
            (FAMILY, size).into_font().color(&color),
        ))
    };
    // The point, up to three lines, as large as fits and never under 48
    // px to the em (a slide's headline, read from the back).
    let (size, lines) = style::fit_down_to(root, &h.say, em(56), em(48), w - 120, 3);
    let mut y = 36;
    for line in &lines {
        put(line, 60, y, size, palette::BLACK).map_err(err)?;
        y += size as i32 + 12;
    }
    let top = y + 24;
    let m = h.measure;
    let s = report.scenario;
    let colour = variant_stroke(h.variant).color;
    // The big number, its meaning, and its range in words.
    let big = signed(m, h.difference.mean).replace('-', "\u{2212}");
    put(&big, 60, top + 10, 150, colour).map_err(err)?;
    let reference = &report.variants[h.reference].name;
    let what = findings::what(m);
    let said = [
        format!(
            "{what}{}",
            if m.kind() == Kind::Flow {
                " in all"
            } else {
                ""
            }
        ),
        format!("against {reference},"),
        format!("after {} {}s", s.ticks, s.tick_unit),
    ];
    let mut y = top + 190;
    // One size for the three lines; a longer line takes a second.
    let size = style::one_size(root, &said, em(38), SMALL, 560);
    for line in said {
        let (_, parts) = style::fit_down_to(root, &line, size, size, 560, 2);
        for part in parts {
            put(&part, 64, y, size, palette::DARK).map_err(err)?;
            y += size as i32 + 8;
        }
    }
    y += 16;
    // The range on one line if it fits, else a clause a line ("between
    // 543 and 696 more," / "in 9 runs of 10"), never a lone word.
    let range = range_in_words(m, h.difference);
    let (size, whole) = style::fit_down_to(root, &range, em(34), SMALL, 560, 3);
    let lines = if whole.len() == 1 {
        whole
    } else {
        clauses(&range)
            .iter()
            .flat_map(|c| style::fit_down_to(root, c, size, size, 560, 2).1)
            .collect()
    };
    for line in lines {
        put(&line, 64, y, size, palette::DARK).map_err(err)?;
        y += size as i32 + 8;
    }
    // The footer: where the figures came from.
    let footer = format!(
        "{} runs, seed {}, grapevine {}",
        s.runs,
        s.seed,
        env!("CARGO_PKG_VERSION")
    );
    put(
        &footer,
        60,
        ht as i32 - SMALL as i32 - 22,
        SMALL,
        palette::GREY,
    )
    .map_err(err)?;
    // The evidence: the two lines over time.
    let chart_area = root.margin(top as u32, SMALL + 50, 640, 60);
    evidence(&chart_area, report, h).map_err(|e| format!("headline: {e}"))
}

fn evidence<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Results<'_>,
    h: &Headline,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let m = h.measure;
    let cumulative = m.kind() == Kind::Flow;
    let pick = Pick {
        metrics: &[m],
        cumulative,
    };
    let s = report.scenario;
    let lines: Vec<(usize, Vec<Band>)> = [h.reference, h.variant]
        .iter()
        .map(|&k| (k, bands(&report.variants[k], &pick)))
        .collect();
    let ticks = lines[0].1.len().saturating_sub(1).max(1) as f64;
    let values = lines
        .iter()
        .flat_map(|(_, b)| b.iter())
        .filter(|b| b.mean.is_finite());
    let (lo, hi) = match m.info().scale {
        Scale::Fixed(lo, hi) => (lo, hi),
        Scale::Fitted => {
            // From zero, as every chart of a count is drawn (one scale
            // rule per measure), so a fall looks its true size.
            let top = values.clone().map(|b| b.p95).fold(0.0, f64::max);
            let bottom = values.map(|b| b.p05).fold(0.0, f64::min);
            let span = (top - bottom).max(1.0);
            let pad = if bottom < 0.0 { span * 0.08 } else { 0.0 };
            (bottom - pad, top + span * 0.12)
        }
    };
    let title = if cumulative {
        format!("{}, total so far", capitalise(&findings::what(m)))
    } else {
        format!(
            "{}, {} by {}",
            capitalise(&findings::what(m)),
            s.tick_unit,
            s.tick_unit
        )
    };
    // The chart's title, then the events' names in lanes, then the plot;
    // the lines' names go in the right margin, beside their ends. The
    // events are the two versions', marked as every chart marks them.
    let events: Vec<Marker> = panels::markers_of(report, &[h.reference, h.variant])
        .into_iter()
        .filter(|e| f64::from(e.from) <= ticks)
        .collect();
    // The title over the plot's width, on a second line if it needs one
    // (an NPS headline's runs past the slide's edge on one at 32 px).
    let width = area.dim_in_pixel().0.saturating_sub(140);
    let (size, title_lines) = style::fit_down_to(area, &title, em(32), SMALL, width, 2);
    let mut title_height = 0;
    for line in title_lines {
        area.draw(&Text::new(
            line,
            (130, title_height),
            (FAMILY, size).into_font().color(&palette::BLACK),
        ))
        .map_err(err)?;
        title_height += size as i32 + 6;
    }
    let y_fmt = style::axis_format(lo, hi);
    // Room on the right for the longer line name (290 px at least, so the
    // plot keeps its width for short names; at most 440).
    let right = lines
        .iter()
        .map(|(k, _)| style::text_width(area, &report.variants[*k].name, SMALL) as i32 + 34)
        .max()
        .unwrap_or(0)
        .clamp(290, 440);
    let build = |lanes: usize| {
        ChartBuilder::on(area)
            .margin(10)
            .margin_top(10 + title_height + lanes as i32 * render::LANE)
            .margin_right(right)
            .x_label_area_size(90)
            .y_label_area_size(130)
            .build_cartesian_2d(0.0..ticks, lo..hi)
    };
    // Where the names go depends on the plot's width, not on its height:
    // laid out once over a plot with no lanes, they say how many it needs.
    let lanes = {
        let (labels, g) = place_events(area, &build(0).map_err(err)?, &events, ticks);
        layout::lane_count(&labels, g)
    };
    let mut chart = build(lanes).map_err(err)?;
    chart
        .configure_mesh()
        .label_style((FAMILY, SMALL))
        .axis_desc_style((FAMILY, SMALL))
        .bold_line_style(style::GRID)
        .light_line_style(TRANSPARENT)
        .x_desc(format!("{}s", s.tick_unit))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(err)?;
    // An event both versions live through is shaded (a one-week event a
    // sliver); each event's name and bar as the panels draw them.
    let (labels, _) = place_events(area, &chart, &events, ticks);
    for (e, label) in events.iter().zip(&labels) {
        if e.shared {
            let (a, b) = style::event_window(e.from, e.to, ticks);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, lo), (b.max(a + 0.6), hi)],
                    palette::GREY.mix(0.18).filled(),
                )))
                .map_err(err)?;
        }
        render::draw_event_label(area, e, label).map_err(err)?;
    }
    for (k, b) in &lines {
        let stroke = variant_stroke(*k);
        let upper = (0..b.len()).map(|t| (t as f64, b[t].p95));
        let lower = (0..b.len()).rev().map(|t| (t as f64, b[t].p05));
        let polygon: Vec<(f64, f64)> = upper.chain(lower).filter(|p| p.1.is_finite()).collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                polygon,
                stroke.color.mix(0.18).filled(),
            )))
            .map_err(err)?;
        let points: Vec<(f64, f64)> = (0..b.len())
            .filter(|&t| b[t].mean.is_finite())
            .map(|t| (t as f64, b[t].mean))
            .collect();
        draw_line(&mut chart, points, stroke).map_err(err)?;
    }
    // Each line named beside its end, in its colour, in the right margin;
    // two names closer than a line of text are pushed apart.
    let ends: Vec<f64> = lines
        .iter()
        .map(|(_, b)| b.last().map_or(0.0, |x| x.mean))
        .collect();
    let mut at: Vec<(i32, i32)> = ends
        .iter()
        .map(|&e| inside(area, chart.backend_coord(&(ticks, e))))
        .collect();
    let gap = SMALL as i32 + 8;
    let (upper, lower) = if at[0].1 <= at[1].1 { (0, 1) } else { (1, 0) };
    let apart = at[lower].1 - at[upper].1;
    if apart < gap {
        at[upper].1 -= (gap - apart) / 2 + 1;
        at[lower].1 += (gap - apart) / 2 + 1;
    }
    for (i, (k, _)) in lines.iter().enumerate() {
        let (x, y) = at[i];
        area.draw(&Text::new(
            report.variants[*k].name.clone(),
            (x + 14, y - SMALL as i32 / 2 - 2),
            (FAMILY, SMALL).into_font().color(&variant_stroke(*k).color),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// A point of the backend (as a chart maps data to it) within `area`.
fn inside<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, (x, y): (i32, i32)) -> (i32, i32) {
    let (x0, y0) = area.get_base_pixel();
    (x - x0, y - y0)
}

/// Where `events`' names and bars go above `chart`'s plot (within its
/// width, so no name runs into the lines' names), by the panels' layout,
/// and the lanes' geometry.
fn place_events<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    events: &[Marker],
    ticks: f64,
) -> (Vec<layout::EventLabel>, Lanes) {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let (_, top) = inside(area, (xs.start, ys.start));
    let (right, _) = inside(area, (xs.end, ys.start));
    let g = Lanes {
        plot_top: f64::from(top),
        lane: f64::from(render::LANE),
        text: render::EVENT_HEIGHT,
        right: f64::from(right),
    };
    let x =
        |t: u32| f64::from(inside(area, chart.backend_coord(&(f64::from(t).min(ticks), 0.0))).0);
    (render::event_labels(area, events, x, g), g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_breaks_where_a_reader_pauses() {
        assert_eq!(
            clauses("between 543 and 696 more, in 9 runs of 10"),
            ["between 543 and 696 more,", "in 9 runs of 10"]
        );
        assert_eq!(
            clauses("from -12 to 30 in 9 runs of 10: no clear difference"),
            ["from -12 to 30 in 9 runs of 10:", "no clear difference"]
        );
        assert_eq!(clauses("no pause here"), ["no pause here"]);
    }

    #[test]
    fn a_range_is_said_in_words() {
        let d = Band {
            mean: -491.0,
            p05: -530.0,
            p95: -422.0,
        };
        assert_eq!(
            range_in_words(Measure::Customers, d),
            "between 422 and 530 fewer, in 9 runs of 10"
        );
        let d = Band {
            mean: 0.05,
            p05: 0.02,
            p95: 0.08,
        };
        assert_eq!(
            range_in_words(Measure::Reputation, d),
            "between 0.020 and 0.080 higher, in 9 runs of 10"
        );
        let d = Band {
            mean: 1.0,
            p05: -2.0,
            p95: 4.0,
        };
        assert!(range_in_words(Measure::Customers, d).contains("no clear difference"));
    }
}
